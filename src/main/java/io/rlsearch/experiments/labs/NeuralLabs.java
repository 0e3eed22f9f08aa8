package io.rlsearch.experiments.labs;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.NeuralEnsembleSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
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
 * The labs that train neural agents (Chapters 6a, 7 and 8). Their networks are DJL's, initialised and
 * fed from our seeded streams, so none can equal the reference's torch runs draw for draw; each
 * runs the book's protocol on our world, with users shared by every agent it compares (common random
 * numbers), and says where its figure stands against the book's.
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
   * Appendix 7.A: LinUCB over the 8 templates (amplitude 5) against the continuous Q-ensemble over the
   * 10 boost weights with a box of 0.5 and of 5.0, 3,000 users each (the same users for all three),
   * rich estimated features, world and streams of seed 42; GMV over the last 1,000.
   */
  public static final class DiscreteVsContinuous extends NeuralLab {
    static final String SOURCE = "docs/book/ch07/appendix_fair_comparison.md";

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

    @Override
    public LabReport run(SimSettings settings, LabLearners learners) {
      World w = world(settings, 42);
      List<Transition> lin = train(w, new Task.BoostTemplates(FeatureMode.RICH_EST),
          BanditAgents.linUcb(new LinUcb.Settings(1.0, 1.0, false), false), 42, 3000);
      double linGmv = tail(lin, 1000, true);
      Map<String, Double> pct = new LinkedHashMap<>();
      Map<String, Double> gmv = new LinkedHashMap<>();
      for (double aMax : new double[] {0.5, 5.0}) {
        List<Transition> c = train(w, new Task.BoostWeights(ContextFeatures.Mode.RICH_EST, aMax, List.of()),
            learners.continuousQ(aMax), 42, 3000);
        double g = tail(c, 1000, true);
        gmv.put(Double.toString(aMax), g);
        pct.put(Double.toString(aMax), 100 * (g - linGmv) / linGmv);
      }
      Map<String, Double> book = new LinkedHashMap<>();
      book.put("0.5", -49.8);
      book.put("5.0", 101.2);
      LabReport r = new LabReport(name());
      boolean sameSign = Math.signum(pct.get("0.5")) == -1 && Math.signum(pct.get("5.0")) == 1;
      r.withinAll("continuous_vs_linucb_pct", pct, book, 5.0, SOURCE, (sameSign ? "the direction matches (a small"
          + " box loses to the templates, a matching box wins)" : "the direction differs")
          + "; one run of each agent in either study, and the reference's continuous agent draws its minibatches"
          + " from numpy's unseeded global stream and its weights from torch, so its figure does not repeat"
          + " exactly even there");
      r.ours("linucb_gmv_last_1000", linGmv);
      r.ours("continuous_gmv_last_1000", gmv);
      // Fixed boost vectors on the same users: how much a box of 0.5 already allows in this world.
      Map<String, Double> fixed = new LinkedHashMap<>();
      String[] names = {"zero", "cm2_0.5", "price_0.5"};
      int[] axis = {-1, 0, 5};
      for (int i = 0; i < names.length; i++) {
        double[] wv = new double[10];
        if (axis[i] >= 0) {
          wv[axis[i]] = 0.5;
        }
        List<Transition> t = train(w, new Task.BoostWeights(ContextFeatures.Mode.RICH_EST, 0.5, List.of()),
            io.rlsearch.agents.continuous.ContinuousAgents.constant(names[i], wv), 42, 2000);
        fixed.put(names[i], tail(t, 2000, true));
      }
      r.ours("fixed_weights_gmv_first_2000_users", fixed);
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
}
