package io.rlsearch.experiments.labs;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.NeuralEnsembleSnapshot;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.continuous.QEnsembleSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.DiscreteContinuousRun;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits.FeatureMode;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labs that train neural agents (Chapters 6a, 7 and 8). Their networks are DJL's, trained on our
 * seeded streams, so none can follow the reference's torch runs to the end; each runs the book's
 * protocol on our world, with users shared by every agent it compares (common random numbers), and
 * says where its figure stands against the book's. Appendix 7.A's lab runs its script's protocol on
 * the script's generator, and its Q-ensemble starts from torch's networks.
 */
public final class NeuralLabs {
  private NeuralLabs() {}

  /** The world of {@code seed} (its catalog drawn first from {@code default_rng(seed)}). */
  static World world(SimSettings settings, long seed) {
    return World.generate(settings.withSeed(seed), new NumpyRandom(seed));
  }

  /** Trains {@code agent} on {@code episodes} single-session users; every transition, in order. */
  static List<Transition> train(World world, Task task, AgentBuilder agent, long seed, long episodes) {
    return SyncRunner.run(world, task, agent, new RunStreams(seed), episodes, 10, true).transitions();
  }

  static double tail(List<Transition> ts, int n, boolean gmv) {
    double s = 0;
    for (int i = ts.size() - n; i < ts.size(); i++) {
      s += gmv ? ts.get(i).breakdown().gmv() : ts.get(i).reward();
    }
    return s / n;
  }

  abstract static class NeuralLab implements Lab {
    @Override
    public boolean needsLearners() {
      return true;
    }

    @Override
    public LabReport run(SimSettings settings) {
      throw new IllegalStateException(name() + " trains neural agents: run it with learners (the lab command does)");
    }
  }

  /**
   * Chapter 6a's demos: the neural-linear bandit (2,000 logged uniform decisions, then 5,000 with LinUCB
   * on its learned features) and the neural ensemble bandit (2,000 decisions), each beside LinUCB on the
   * same users and rich features (oracle sensitivities, top-20 aggregates), world and streams of seed 42.
   */
  public static final class Bandits extends NeuralLab {
    @Override
    public String name() {
      return "ch06a-neural-bandits";
    }

    @Override
    public String chapter() {
      return "6a (demos)";
    }

    @Override
    public String shows() {
      return "neural-linear and neural-ensemble bandits on the templates, each against LinUCB on the same users";
    }

    @Override
    public LabReport run(SimSettings settings, LabLearners learners) {
      World w = world(settings, 42);
      Task task = new Task.BoostTemplates(FeatureMode.RICH);
      AgentBuilder lin = BanditAgents.linUcb(new LinUcb.Settings(1.0, 1.0, false), true);
      LabReport r = new LabReport(name());
      List<Transition> nl = train(w, task, learners.neuralLinear(2000), 42, 7000);
      List<Transition> l7 = train(w, task, lin, 42, 7000);
      r.ours("neural_linear_reward_last_1000", tail(nl, 1000, false));
      r.ours("linucb_reward_last_1000_same_users", tail(l7, 1000, false));
      r.ours("neural_linear_gmv_last_1000", tail(nl, 1000, true));
      r.ours("linucb_gmv_last_1000_same_users", tail(l7, 1000, true));
      List<Transition> ne = train(w, task, learners.neuralEnsemble(), 42, 2000);
      List<Transition> l2 = train(w, task, lin, 42, 2000);
      r.ours("neural_ensemble_reward_last_500", tail(ne, 500, false));
      r.ours("linucb_reward_last_500_same_users_2000", tail(l2, 500, false));
      r.note("the chapter records no run of its demos; one seed, no interval: a demonstration, not a comparison"
          + " (use `battle --agents linucb,neural_linear,neural_ensemble` for one over seeds)");
      return r;
    }
  }

  /**
   * Chapter 6a's calibration check: the neural ensemble trained on 1,000 decisions of the uniform
   * policy over the templates, then its spread against its error on 200 held-out decisions; the check
   * accepts a correlation above 0.3 (the script) and the chapter's table asks for 0.5.
   */
  public static final class Calibration extends NeuralLab {
    @Override
    public String name() {
      return "ch06a-calibration";
    }

    @Override
    public String chapter() {
      return "6a (calibration check)";
    }

    @Override
    public String shows() {
      return "whether the ensemble's spread tracks its prediction error on held-out decisions";
    }

    @Override
    public LabReport run(SimSettings settings, LabLearners learners) {
      World w = world(settings, 42);
      Task task = new Task.BoostTemplates(FeatureMode.RICH);
      List<Transition> data = train(w, task, BanditAgents.random(), 42, 1200);
      UpdateRule rule = learners.neuralEnsemble().create(task.arms(), data.get(0).context().length);
      try {
        for (Transition t : data.subList(0, 1000)) {
          rule.observe(t.context(), Decision.of(t), t.reward());
        }
        NeuralEnsembleSnapshot snap = (NeuralEnsembleSnapshot) rule.snapshot(1);
        List<Transition> test = data.subList(1000, 1200);
        double[] std = new double[test.size()];
        double[] err = new double[test.size()];
        for (int i = 0; i < test.size(); i++) {
          Transition t = test.get(i);
          double[][] p = snap.predict(t.context());
          std[i] = p[1][t.arm()];
          err[i] = Math.abs(p[0][t.arm()] - t.reward());
        }
        double rho = pearson(std, err);
        LabReport r = new LabReport(name());
        String src = "docs/book/ch06a/ch06a_neural_bandits.md (section 6A.4, acceptance table)";
        r.put("spread_error_correlation", rho, 0.5, src, rho > 0.5 ? LabReport.MATCH
            : String.format(java.util.Locale.ROOT, "ours %.3f does not reach the chapter's 0.5%s", rho,
                rho > 0.3 ? " (it passes the script's 0.3)" : ""));
        r.note("the spread is of standardised predictions (the ensemble learns rewards in units of their running"
            + " standard deviation), which leaves the correlation unchanged");
        return r;
      } finally {
        rule.close();
      }
    }
  }

  static double pearson(double[] a, double[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i] / a.length;
      mb += b[i] / b.length;
    }
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  /**
   * Appendix 7.A, with the reference's comparison script's protocol ({@link DiscreteContinuousRun}):
   * LinUCB over the 8 templates (amplitude 5, lambda 1, alpha 1) against the continuous Q-ensemble over
   * the 10 boost weights with a box of 0.5 and of 5.0, one run of 3,000 episodes per box on one
   * generator of seed 42 shared by the world and both agents; GMV over the last 1,000. The Q-ensemble
   * acts with the script's widths (beta = 2 exp(-4 i / 3000)) and CEM (64 samples, 5 iterations,
   * initial std 0.5, re-seeded with 42 at every decision). Beside them, fixed weight vectors on the
   * same protocol: how much a box of 0.5 allows in this world.
   */
  public static final class DiscreteVsContinuous extends NeuralLab {
    static final String SOURCE = "docs/book/ch07/appendix_fair_comparison.md";
    static final String SCRIPT = "scripts/ch07/compare_discrete_continuous.py (current; its a_max set to 0.5 for"
        + " the small box), seed 42, 3,000 episodes, run here";
    static final int EPISODES = 3000;
    static final int WINDOW = 1000;

    @Override
    public String name() {
      return "ch07-discrete-vs-continuous";
    }

    @Override
    public String chapter() {
      return "7 (Appendix 7.A)";
    }

    @Override
    public String shows() {
      return "whether a continuous agent beats template LinUCB depends on its action box as much as on learning";
    }

    /**
     * Drives an agent of the runtime's SPI as the script drives its Q-ensemble: act, then learn at once.
     * The agent is created at the first decision, for the context's dimension.
     */
    static class Driven implements DiscreteContinuousRun.ContinuousAgent, AutoCloseable {
      private final AgentBuilder agent;
      private final NumpyRandom policyStream = new RunStreams(42).policy(0);
      private UpdateRule rule;
      private long version;

      Driven(AgentBuilder agent) {
        this.agent = agent;
      }

      @Override
      public double[] act(double[] context, int episode, int episodes) {
        if (rule == null) {
          rule = agent.create(0, context.length);
        }
        PolicySnapshot snap = rule.snapshot(version);
        if (snap instanceof QEnsembleSnapshot q) {
          snap = q.withBeta(2.0 * Math.exp(-4.0 * episode / episodes));
        }
        return snap.act(context, policyStream).action();
      }

      @Override
      public void learn(double[] context, double[] action, double reward) {
        rule.observe(context, Decision.continuous(action, 1.0), reward);
        version++;
      }

      @Override
      public void close() {
        if (rule != null) {
          rule.close();
        }
      }
    }

    static DiscreteContinuousRun.Result play(SimSettings settings, AgentBuilder agent, double aMax, int episodes) {
      try (Driven d = new Driven(agent)) {
        return DiscreteContinuousRun.run(settings, new DiscreteContinuousRun.Settings(42, episodes, aMax, 5.0), d);
      }
    }

    @Override
    public LabReport run(SimSettings settings, LabLearners learners) {
      Map<String, Double> pct = new LinkedHashMap<>();
      Map<String, Double> lin = new LinkedHashMap<>();
      Map<String, Double> gmv = new LinkedHashMap<>();
      for (double aMax : new double[] {0.5, 5.0}) {
        DiscreteContinuousRun.Result res = play(settings, learners.continuousQ(aMax), aMax, EPISODES);
        String box = Double.toString(aMax);
        double l = DiscreteContinuousRun.Result.tail(res.linucbGmv(), WINDOW);
        double g = DiscreteContinuousRun.Result.tail(res.continuousGmv(), WINDOW);
        lin.put(box, l);
        gmv.put(box, g);
        pct.put(box, 100 * (g - l) / l);
      }
      Map<String, Double> book = new LinkedHashMap<>();
      book.put("0.5", -49.8);
      book.put("5.0", 101.2);
      Map<String, Double> script = new LinkedHashMap<>();
      script.put("0.5", 49.7);
      script.put("5.0", 195.0);
      LabReport r = new LabReport(name());
      String oneRun = "one run of each agent per box in either study; the Q-ensemble plays the script's sessions"
          + " exactly until its first update (episode 70: torch's initial networks, the script's CEM and widths) and"
          + " then diverges, as the script's own runs do: it draws its minibatches from numpy's unseeded global"
          + " stream";
      r.withinAll("continuous_vs_linucb_pct", pct, book, 5.0, SOURCE + " (printed by an earlier version of the"
          + " script)", oneRun);
      r.withinAll("continuous_vs_linucb_pct_current_script", pct, script, 5.0, SCRIPT, oneRun);
      Map<String, Double> scriptLin = new LinkedHashMap<>();
      scriptLin.put("0.5", 10.12);
      scriptLin.put("5.0", 8.87);
      Map<String, Double> scriptCont = new LinkedHashMap<>();
      scriptCont.put("0.5", 15.14);
      scriptCont.put("5.0", 26.16);
      r.put("linucb_gmv_last_1000", lin, scriptLin, SCRIPT, String.format(java.util.Locale.ROOT, "ours %.2f and %.2f"
          + " against %.2f and %.2f: LinUCB shares the generator with the continuous agent, so its figure moves with"
          + " that agent's sessions; with a fixed vector in place of the Q-ensemble the lab gives the script's figures"
          + " to every digit (tested)", lin.get("0.5"), lin.get("5.0"), scriptLin.get("0.5"), scriptLin.get("5.0")));
      r.put("continuous_gmv_last_1000", gmv, scriptCont, SCRIPT, String.format(java.util.Locale.ROOT, "ours %.2f and"
          + " %.2f against %.2f and %.2f: %s", gmv.get("0.5"), gmv.get("5.0"), scriptCont.get("0.5"),
          scriptCont.get("5.0"), oneRun));
      // Fixed boost vectors on the same protocol: how much a box of 0.5 already allows in this world.
      Map<String, Double> fixed = new LinkedHashMap<>();
      String[] names = {"zero", "cm2_0.5", "price_0.5"};
      int[] axis = {-1, 0, 5};
      for (int i = 0; i < names.length; i++) {
        double[] wv = new double[10];
        if (axis[i] >= 0) {
          wv[axis[i]] = 0.5;
        }
        DiscreteContinuousRun.Result t = play(settings, ContinuousAgents.constant(names[i], wv), 0.5, EPISODES);
        fixed.put(names[i], DiscreteContinuousRun.Result.tail(t.continuousGmv(), WINDOW));
      }
      r.ours("fixed_weights_gmv_last_1000", fixed);
      r.note("the continuous weights act on the products' 10 boost features z-scored over the catalog for each user"
          + " and query, as the script does with the config's standardize_features (on by default)");
      return r;
    }
  }

  /**
   * Chapter 8's REINFORCE on the Gym task (rich estimated features, 10 boost weights in [-5, 5]) with
   * the reference's settings: without a baseline for 50,000 episodes, with a learned value baseline for
   * 5,000; seed 2025; the mean reward of the final 100 episodes.
   */
  public static final class Reinforce extends NeuralLab {
    static final String SOURCE = "docs/book/ch08/chapter08_policy_gradients_complete.md (8.4-8.5)";

    @Override
    public String name() {
      return "ch08-reinforce";
    }

    @Override
    public String chapter() {
      return "8 (REINFORCE demos)";
    }

    @Override
    public String shows() {
      return "vanilla REINFORCE stays noisy after 50,000 episodes while a learned baseline settles within 5,000";
    }

    @Override
    public LabReport run(SimSettings settings, LabLearners learners) {
      World w = world(settings, 2025);
      Task task = new Task.BoostWeights(ContextFeatures.Mode.RICH_EST, 5.0, List.of());
      List<Transition> vanilla = train(w, task, learners.reinforce(false), 2025, 50_000);
      List<Transition> baseline = train(w, task, learners.reinforce(true), 2025, 5_000);
      List<Transition> random = train(w, task, io.rlsearch.agents.continuous.ContinuousAgents.uniform("random", 10,
          5.0), 2025, 5_000);
      LabReport r = new LabReport(name());
      String why = "torch-initialised networks and sampling in the reference, DJL's here: single runs agree only"
          + " in what they show, not in value";
      double v = tail(vanilla, 100, false);
      double b = tail(baseline, 100, false);
      r.within("vanilla_final_100", v, 7.99, 1.0, SOURCE, why);
      r.within("baseline_final_100", b, 13.19, 1.0, SOURCE, why);
      double rnd = tail(random, 100, false);
      r.within("random_final_100_same_users", rnd, 8.7, 1.0, SOURCE + " (the random baseline it cites)", null);
      r.put("vanilla_below_random", v < rnd, true, SOURCE, v < rnd ? LabReport.MATCH
          : "vanilla REINFORCE does not end below the random policy here");
      r.put("baseline_beats_vanilla", b > v, true, SOURCE, b > v ? LabReport.MATCH
          : "the learned baseline does not end above vanilla REINFORCE here");
      // Lab 8.2: the deep end-to-end attempt on the raw context (segment and query-type one-hots).
      List<Transition> deep = train(w, new Task.BoostWeights(ContextFeatures.Mode.SIMPLE, 5.0, List.of()),
          learners.reinforceDeep(), 2025, 5_000);
      double dv = tail(deep, 100, false);
      r.put("deep_end_to_end_final_100", dv, 6.0, SOURCE + " (Lab 8.2)", "the book's ~6.0 is labelled"
          + " \"expected\" (no recorded run); ours " + LabReport.round(dv, 2) + (dv < rnd ? ", below random as the"
          + " book says" : ", not below random as the book says"));
      r.note("final-100 means of one run are noisy (a single session's reward varies widely): the book's own"
          + " comparison has no interval either");
      return r;
    }
  }

  /**
   * The chapter's Bradley-Terry sanity check: 64 pairs of random trajectories (5 steps of 8 features,
   * {@code torch.randn} from a generator seeded 2025), each labelled by which has the larger mean; a
   * reward network (mean over steps, then 8 -> 32 tanh -> 1) trained with the logistic loss on the
   * difference of the two rewards, one Adam step (lr 1e-3) per pair for 5 epochs. The check: the
   * epoch's total loss falls.
   */
  public static final class BradleyTerry extends NeuralLab {
    @Override
    public String name() {
      return "ch08-bradley-terry";
    }

    @Override
    public String chapter() {
      return "8 (Bradley-Terry check)";
    }

    @Override
    public String shows() {
      return "a reward model trained on pairwise preferences with the logistic loss learns their order (the loss falls)";
    }

    @Override
    public LabReport run(SimSettings settings, LabLearners learners) {
      io.rlsearch.core.random.TorchRandom gen = new io.rlsearch.core.random.TorchRandom(2025);
      int pairs = 64;
      int len = 5;
      int dim = 8;
      float[][] pooled = new float[2 * pairs][dim];
      float[] label = new float[pairs];
      for (int p = 0; p < pairs; p++) {
        float[] a = gen.randn(len * dim);
        float[] b = gen.randn(len * dim);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < len * dim; i++) {
          ma += a[i];
          mb += b[i];
          pooled[2 * p][i % dim] += a[i] / len;
          pooled[2 * p + 1][i % dim] += b[i] / len;
        }
        label[p] = ma > mb ? 1f : 0f;
      }
      List<Double> epochLoss = new java.util.ArrayList<>();
      int correct = 0;
      try (LabLearners.Scorer model = learners.scorer(dim, 32, 1e-3, 2025)) {
        for (int e = 0; e < 5; e++) {
          double total = 0;
          for (int p = 0; p < pairs; p++) {
            float[] x = new float[2 * dim];
            System.arraycopy(pooled[2 * p], 0, x, 0, dim);
            System.arraycopy(pooled[2 * p + 1], 0, x, dim, dim);
            float[] r = model.score(x, 2);
            double z = r[0] - r[1];
            double sig = 1 / (1 + Math.exp(-z));
            total += Math.max(z, 0) - z * label[p] + Math.log1p(Math.exp(-Math.abs(z)));
            float d = (float) (sig - label[p]);
            model.step(x, new float[] {2 * d, -2 * d}, 2);
          }
          epochLoss.add(total);
        }
        for (int p = 0; p < pairs; p++) {
          float[] x = new float[2 * dim];
          System.arraycopy(pooled[2 * p], 0, x, 0, dim);
          System.arraycopy(pooled[2 * p + 1], 0, x, dim, dim);
          float[] r = model.score(x, 2);
          if ((r[0] > r[1]) == (label[p] == 1f)) {
            correct++;
          }
        }
      }
      boolean falls = epochLoss.get(epochLoss.size() - 1) < epochLoss.get(0);
      LabReport r = new LabReport(name());
      String src = "scripts/ch08/bradley_terry_sanity_check.py (its acceptance: the loss decreases)";
      r.put("loss_decreases", falls, true, src, falls ? LabReport.MATCH : "the loss does not fall over the 5 epochs");
      r.ours("epoch_total_loss", epochLoss);
      r.ours("pair_accuracy_after_training", correct / (double) pairs);
      r.note("the data are torch.randn's draws for the generator seed; the network's initial weights are ours,"
          + " so the loss values are not the script's, only their course");
      return r;
    }
  }

  /** A diagonal Gaussian policy linear in the context, with Adam, for the RLHF lab. */
  static final class LinearGaussian {
    final int d;
    final double[][] w;
    final double[] logStd = new double[10];
    private final double[][] m;
    private final double[][] v;
    private final double[] ms = new double[10];
    private final double[] vs = new double[10];
    private long t;

    LinearGaussian(int d) {
      this.d = d;
      w = new double[10][d + 1];
      m = new double[10][d + 1];
      v = new double[10][d + 1];
    }

    LinearGaussian copy() {
      LinearGaussian c = new LinearGaussian(d);
      for (int k = 0; k < 10; k++) {
        c.w[k] = w[k].clone();
      }
      System.arraycopy(logStd, 0, c.logStd, 0, 10);
      return c;
    }

    double mean(int k, double[] x) {
      double s = w[k][d];
      for (int i = 0; i < d; i++) {
        s += w[k][i] * x[i];
      }
      return s;
    }

    double std(int k) {
      return Math.exp(Math.max(-2.0, Math.min(1.0, logStd[k])));
    }

    /** Adds {@code scale} times the gradient of log pi(a|x) to {@code gw}/{@code gs}. */
    void addLogProbGradient(double[] x, double[] a, double scale, double[][] gw, double[] gs) {
      for (int k = 0; k < 10; k++) {
        double sd = std(k);
        double z = (a[k] - mean(k, x)) / sd;
        double g = scale * z / sd;
        for (int i = 0; i < d; i++) {
          gw[k][i] += g * x[i];
        }
        gw[k][d] += g;
        gs[k] += scale * (z * z - 1);
      }
    }

    /** Adds {@code scale} times the gradient of KL(this || other) at x to {@code gw}/{@code gs} (closed form). */
    void addKlGradient(double[] x, LinearGaussian other, double scale, double[][] gw, double[] gs) {
      for (int k = 0; k < 10; k++) {
        double s1 = std(k);
        double s2 = other.std(k);
        double g = scale * (mean(k, x) - other.mean(k, x)) / (s2 * s2);
        for (int i = 0; i < d; i++) {
          gw[k][i] += g * x[i];
        }
        gw[k][d] += g;
        gs[k] += scale * (s1 * s1 / (s2 * s2) - 1);
      }
    }

    /** KL(this || other) at x, summed over the 10 dimensions. */
    double kl(double[] x, LinearGaussian other) {
      double s = 0;
      for (int k = 0; k < 10; k++) {
        double s1 = std(k);
        double s2 = other.std(k);
        double dm = mean(k, x) - other.mean(k, x);
        s += Math.log(s2 / s1) + (s1 * s1 + dm * dm) / (2 * s2 * s2) - 0.5;
      }
      return s;
    }

    /** One Adam ascent step of size {@code lr} along {@code gw}/{@code gs} divided by {@code n}. */
    void ascend(double[][] gw, double[] gs, int n, double lr) {
      t++;
      for (int k = 0; k < 10; k++) {
        Adam.ascend(w[k], gw[k], n, m[k], v[k], t, lr);
      }
      Adam.ascend(logStd, gs, n, ms, vs, t, lr);
    }

    PolicySnapshotImpl snapshot(boolean meanOnly) {
      return new PolicySnapshotImpl(copy(), meanOnly);
    }
  }

  /** A frozen linear Gaussian policy. */
  record PolicySnapshotImpl(LinearGaussian p, boolean meanOnly) implements io.rlsearch.agents.spi.PolicySnapshot {
    @Override
    public String agent() {
      return "rlhf_policy";
    }

    @Override
    public long version() {
      return 0;
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      double[] a = new double[10];
      for (int k = 0; k < 10; k++) {
        a[k] = p.mean(k, x) + (meanOnly ? 0 : p.std(k) * rng.standardNormal());
      }
      return Decision.continuous(a, 1.0);
    }
  }

  /**
   * Lab 8.4, the RLHF-style pipeline: (1) an "expert" that plays one of three fixed boost vectors by
   * the sign of two context coordinates, 100 episodes; supervised fine-tuning of a Gaussian policy
   * linear in the context by maximum likelihood on its actions (Adam 1e-3, 10 epochs of 64); (2) a
   * reward model of (context, boosts) (64 tanh units) trained with the Bradley-Terry loss on 200 pairs
   * of expert episodes labelled by GMV; (3) from the SFT policy, the learned reward by REINFORCE minus
   * 0.1 times the KL to the frozen SFT policy (batches of 16, the learned reward centred on its
   * running mean, Adam 3e-3), 2,000 episodes. Each stage's mean action serves the same 1,000 held-out users.
   * Rich estimated features, 10 boosts in [-5, 5], seed 2025.
   */
  public static final class Rlhf extends NeuralLab {
    static final String SOURCE = "docs/book/ch08/exercises_labs.md (Lab 8.4, expected results)";

    @Override
    public String name() {
      return "ch08-rlhf";
    }

    @Override
    public String chapter() {
      return "8 (Lab 8.4)";
    }

    @Override
    public String shows() {
      return "SFT on an expert, a preference-trained reward model and KL-regularised policy gradient, each judged on true GMV";
    }

    static double[] expert(double[] x) {
      double[] a = new double[10];
      double seg = x[0];
      double qry = x[1];
      if (seg > 0 && qry <= 0) {
        a[0] = 0.4 * 5;
        a[1] = -0.3 * 5;
      } else if (seg <= 0 && qry > 0) {
        a[0] = 0.1 * 5;
        a[1] = 0.4 * 5;
      } else {
        java.util.Arrays.fill(a, 0.05 * 5);
      }
      return a;
    }

    static AgentBuilder fixed(String name, java.util.function.Function<double[], double[]> policy) {
      return PolicyAblationLab.frozen(io.rlsearch.experiments.BoostReference.policy(name, policy));
    }

    static double gmv(List<Transition> ts) {
      return tail(ts, ts.size(), true);
    }

    @Override
    public LabReport run(SimSettings settings, LabLearners learners) {
      World w = world(settings, 2025);
      Task task = new Task.BoostWeights(ContextFeatures.Mode.RICH_EST, 5.0, List.of());
      List<Transition> demo = train(w, task, fixed("expert", Rlhf::expert), 2025, 200);
      List<Transition> expertEps = demo.subList(0, 100);
      List<Transition> testEps = demo.subList(100, 200);
      int d = expertEps.get(0).context().length;
      // (1) SFT by maximum likelihood.
      LinearGaussian sft = new LinearGaussian(d);
      NumpyRandom rng = new NumpyRandom(2025);
      double[][] gw = new double[10][d + 1];
      double[] gs = new double[10];
      for (int epoch = 0; epoch < 10; epoch++) {
        int[] perm = rng.choiceWithoutReplacement(expertEps.size(), expertEps.size());
        for (int start = 0; start < perm.length; start += 64) {
          int n = Math.min(64, perm.length - start);
          for (int i = start; i < start + n; i++) {
            Transition t = expertEps.get(perm[i]);
            sft.addLogProbGradient(t.context(), expert(t.context()), 1.0, gw, gs);
          }
          sft.ascend(gw, gs, n, 1e-3);
        }
      }
      // (2) The reward model from 200 GMV-labelled pairs; accuracy on 200 pairs of other episodes.
      int correct = 0;
      LinearGaussian rl;
      double finalKl = 0;
      try (LabLearners.Scorer rm = learners.scorer(d + 10, 64, 1e-3, 2025)) {
        NumpyRandom pr = new NumpyRandom(2025);
        int[][] pairs = new int[200][2];
        for (int[] p : pairs) {
          p[0] = (int) pr.integers(0, expertEps.size());
          p[1] = (int) pr.integers(0, expertEps.size());
        }
        for (int epoch = 0; epoch < 10; epoch++) {
          for (int[] p : pairs) {
            Transition a = expertEps.get(p[0]);
            Transition b = expertEps.get(p[1]);
            float label = a.breakdown().gmv() > b.breakdown().gmv() ? 1f : 0f;
            float[] x = rows(a, b);
            float[] r = rm.score(x, 2);
            float g = (float) (1 / (1 + Math.exp(-(r[0] - r[1]))) - label);
            rm.step(x, new float[] {2 * g, -2 * g}, 2);
          }
        }
        int ties = 0;
        for (int i = 0; i < 200; i++) {
          Transition a = testEps.get((int) pr.integers(0, testEps.size()));
          Transition b = testEps.get((int) pr.integers(0, testEps.size()));
          if (a.breakdown().gmv() == b.breakdown().gmv()) {
            ties++;
            continue;
          }
          float[] r = rm.score(rows(a, b), 2);
          if ((r[0] > r[1]) == (a.breakdown().gmv() > b.breakdown().gmv())) {
            correct++;
          }
        }
        double accuracy = correct / (double) Math.max(1, 200 - ties);
        // (3) KL-regularised REINFORCE on the learned reward, from the SFT policy.
        rl = sft.copy();
        LinearGaussian ref = sft.copy();
        List<Transition> users = train(w, task, fixed("probe", x -> new double[10]), 4242, 2000);
        NumpyRandom act = new NumpyRandom(4243);
        double runMean = 0;
        int inBatch = 0;
        for (int e = 0; e < users.size(); e++) {
          double[] x = users.get(e).context();
          double[] a = new double[10];
          for (int k = 0; k < 10; k++) {
            a[k] = rl.mean(k, x) + rl.std(k) * act.standardNormal();
          }
          double j = rm.score(input(x, a), 1)[0];
          runMean += (j - runMean) / Math.min(e + 1, 200);
          rl.addLogProbGradient(x, a, j - runMean, gw, gs);
          rl.addKlGradient(x, ref, -0.1, gw, gs);
          if (++inBatch == 16) {
            rl.ascend(gw, gs, inBatch, 3e-3);
            inBatch = 0;
          }
        }
        for (Transition t : users.subList(users.size() - 200, users.size())) {
          finalKl += rl.kl(t.context(), ref) / 200;
        }
        LabReport r = new LabReport(name());
        LinearGaussian sftFinal = sft;
        LinearGaussian rlFinal = rl;
        double expertGmv = gmv(train(w, task, fixed("expert", Rlhf::expert), 99, 1000));
        double sftGmv = gmv(train(w, task, PolicyAblationLab.frozen(sftFinal.snapshot(true)), 99, 1000));
        double rlGmv = gmv(train(w, task, PolicyAblationLab.frozen(rlFinal.snapshot(true)), 99, 1000));
        r.representative("sft_gmv", sftGmv, 10.4, SOURCE);
        r.representative("reward_model_pair_accuracy", accuracy, 0.78, SOURCE);
        r.representative("rl_gmv", rlGmv, 12.1, SOURCE);
        r.ours("expert_gmv", expertGmv);
        r.ours("kl_to_sft_last_200", finalKl);
        r.put("rl_beats_sft", rlGmv > sftGmv, true, SOURCE, rlGmv > sftGmv ? LabReport.MATCH
            : "the fine-tuned policy loses true GMV against SFT here: the reward model saw only the expert's three"
                + " boost vectors, and the policy moves to where it over-estimates (reward over-optimisation, held"
                + " back but not stopped by the KL term)");
        r.note("the reward model scores (context, boosts), as the lab's text has it (reward_model(s, a)): the"
            + " reference script pools states only, and with single-session episodes such a model cannot tell"
            + " actions apart, so its RL phase would follow noise and the KL term alone");
        r.note("REINFORCE on the learned reward (centred on its running mean) with the KL term's exact gradient;"
            + " linear policies, one seed; GMV per session on 1,000 held-out users shared by all three policies");
        return r;
      }
    }

    /** The reward model's input: the context and the boosts in units of the box. */
    private static float[] input(double[] x, double[] a) {
      float[] in = new float[x.length + 10];
      for (int i = 0; i < x.length; i++) {
        in[i] = (float) x[i];
      }
      for (int k = 0; k < 10; k++) {
        in[x.length + k] = (float) (Math.max(-5, Math.min(5, a[k])) / 5);
      }
      return in;
    }

    private static float[] rows(Transition a, Transition b) {
      float[] ia = input(a.context(), a.action());
      float[] ib = input(b.context(), b.action());
      float[] x = new float[ia.length + ib.length];
      System.arraycopy(ia, 0, x, 0, ia.length);
      System.arraycopy(ib, 0, x, ia.length, ib.length);
      return x;
    }
  }
}
