package io.rlsearch.learn;

import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.pg.Advantages;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PPO with a Gaussian policy and a learned value function, trained in the {@link SharedLearner}.
 *
 * <p>Transitions are gathered into rollouts of {@code rollout} sessions. For each rollout the learner
 * fixes {@code pi_old} (its current policy), groups the sessions by user in session order (a user's
 * sessions form one trajectory in the multi-session world), and estimates advantages and value targets
 * by GAE(gamma, lambda) with truncated importance weights (V-trace, rhoBar = cBar = 1) of
 * {@code pi_old} over the behaviour density that was logged with each action. It then runs
 * {@code epochs} passes of minibatch steps on the clipped surrogate against {@code pi_old} plus an
 * entropy bonus, and the same passes of value regression on the targets.
 *
 * <p><b>Stale actors.</b> In throughput mode, shards act with versions a few snapshots behind the
 * learner. The correction is decoupled: the truncated weights {@code min(1, pi_old / mu)} (mu the
 * logged behaviour density) re-weight the advantages for the gap between the acting version and the
 * learner's, and the clip keeps each update near {@code pi_old}, so a stale batch can neither blow up
 * the ratio nor push the policy far (Hilton et al., 2021, "batch size-invariance for policy
 * optimization"; Espeholt et al., 2018).
 *
 * <p>A user's sessions that continue in a later rollout are cut at the rollout's end without a
 * bootstrap value (the next context is not known yet); for one-session episodes (the Battle Royale)
 * nothing is cut.
 */
public final class PpoAgent {
  private PpoAgent() {}

  /**
   * PPO settings.
   *
   * @param lr policy learning rate (Adam)
   * @param valueLr value learning rate (Adam)
   * @param rollout sessions per rollout batch
   * @param epochs passes over each rollout
   * @param minibatch minibatch size
   * @param clipEps the surrogate's clip range
   * @param entropyCoef entropy bonus
   * @param gamma discount across a user's sessions
   * @param lambda GAE's lambda
   * @param clipNorm global gradient-norm cap
   * @param hidden hidden sizes of both networks
   * @param normalizeAdvantages whether advantages are standardised per rollout
   * @param seed initialisation and minibatch-order seed
   */
  public record Settings(double lr, double valueLr, int rollout, int epochs, int minibatch, double clipEps,
      double entropyCoef, double gamma, double lambda, double clipNorm, int[] hidden, boolean normalizeAdvantages,
      long seed) {
    public Settings {
      hidden = hidden.clone();
      if (!(lr > 0) || !(valueLr > 0) || rollout < 2 || epochs < 1 || minibatch < 1 || !(clipEps > 0)
          || !(entropyCoef >= 0) || !(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
        throw new IllegalArgumentException("PPO needs lr, value lr, clip > 0; rollout >= 2; epochs, minibatch >= 1;"
            + " entropy >= 0; gamma and lambda in [0, 1]");
      }
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /**
     * The Battle Royale's PPO: lr 3e-4, value lr 1e-3, rollouts of 64 sessions, 4 epochs of
     * minibatches of 16, clip 0.2, entropy 0.01, gamma 0.99, lambda 0.95, gradient norm 0.5, hidden
     * (64, 64), advantages standardised (the usual PPO defaults, scaled to the run's length).
     */
    public static Settings battle() {
      return new Settings(3e-4, 1e-3, 64, 4, 16, 0.2, 0.01, 0.99, 0.95, 0.5, new int[] {64, 64}, true, 42);
    }
  }

  /** The PPO agent ("ppo"). */
  public static AgentBuilder builder(SharedLearner learner, Settings s) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return "ppo";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new Rule(learner, s, dim, 10, null);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        GaussianPolicySnapshot g = (GaussianPolicySnapshot) snapshot;
        return new Rule(learner, s, g.mu().inputs(), g.mu().outputs(), g);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        NeuralAgents.checkAgent(state, "ppo");
        int dim = Math.toIntExact(state.counter("dim"));
        int ad = Math.toIntExact(state.counter("action_dim"));
        Mlp like = MlpInit.create(NeuralAgents.sizes(dim, s.hidden(), ad), Mlp.Activation.TANH, new NumpyRandom(0));
        Rule r = new Rule(learner, s, dim, ad, new GaussianPolicySnapshot("ppo", 0, Mlp.fromState(state, "mu", like),
            state.array("log_std", ad)));
        r.value.load(Mlp.fromState(state, "value", r.value.export()));
        r.updates = state.counter("updates");
        int n = Math.toIntExact(state.counter("rollout"));
        double[] c = state.array("rollout.context", n * dim);
        double[] a = state.array("rollout.action", n * ad);
        double[] p = state.array("rollout.propensity", n);
        double[] rw = state.array("rollout.reward", n);
        double[] u = state.array("rollout.user", n);
        double[] ss = state.array("rollout.session", n);
        double[] ep = state.array("rollout.episode", n);
        for (int i = 0; i < n; i++) {
          r.rollout.add(new Transition((long) ep[i], (long) u[i], (int) ss[i], "ppo", 0,
              java.util.Arrays.copyOfRange(c, i * dim, (i + 1) * dim), -1, java.util.Arrays.copyOfRange(a, i * ad,
              (i + 1) * ad), p[i], rw[i], io.rlsearch.core.RewardBreakdown.ZERO, 0, 0, 0, 0));
        }
        return r;
      }
    };
  }

  /** PPO's update rule; {@link #updates()} counts minibatch gradient steps (policy and value). */
  public static final class Rule implements UpdateRule {
    private final Settings s;
    private final GaussianPolicyModel policy;
    private final RegressionModel value;
    private final int dim;
    private final int actionDim;
    private final List<Transition> rollout = new ArrayList<>();
    private final NumpyRandom rng;
    private long updates;
    private double lastClipFraction;

    Rule(SharedLearner learner, Settings s, int dim, int actionDim, GaussianPolicySnapshot from) {
      this.s = s;
      this.dim = dim;
      this.actionDim = actionDim;
      int[] ps = NeuralAgents.sizes(dim, s.hidden(), actionDim);
      Mlp mu = from != null ? from.mu() : MlpInit.create(ps, Mlp.Activation.TANH, new NumpyRandom(s.seed()));
      double[] logStd = from != null ? from.logStd() : new double[actionDim];
      this.policy = learner.gaussianPolicy("ppo-policy", mu, logStd, s.lr());
      this.value = learner.regression("ppo-value", MlpInit.create(NeuralAgents.sizes(dim, s.hidden(), 1), Mlp.Activation.TANH,
          new NumpyRandom(s.seed() + 1)), s.valueLr(), 0, s.clipNorm());
      this.rng = new NumpyRandom(s.seed() + 2);
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      // Without the transition's user and session, each decision is its own one-session trajectory.
      observe(new Transition(rollout.size(), -1 - rollout.size(), 0, "ppo", 0, context, -1, decision.action(),
          decision.propensity(), reward, io.rlsearch.core.RewardBreakdown.ZERO, 0, 0, 0, 0));
    }

    @Override
    public void observe(Transition t) {
      if (t.arm() >= 0 || t.action().length != actionDim) {
        throw new IllegalArgumentException("PPO learns from continuous actions of " + actionDim + " values");
      }
      rollout.add(t);
      if (rollout.size() >= s.rollout()) {
        train();
        rollout.clear();
      }
    }

    /** Minibatch gradient steps taken (policy plus value). */
    public long updates() {
      return updates;
    }

    /** The clip fraction of the last policy minibatch. */
    public double lastClipFraction() {
      return lastClipFraction;
    }

    private void train() {
      int n = rollout.size();
      float[] x = new float[n * dim];
      double[] a = new double[n * actionDim];
      double[] logMu = new double[n];
      double[] rewards = new double[n];
      for (int i = 0; i < n; i++) {
        Transition t = rollout.get(i);
        double[] c = t.context();
        for (int j = 0; j < dim; j++) {
          x[i * dim + j] = (float) c[j];
        }
        System.arraycopy(t.action(), 0, a, i * actionDim, actionDim);
        logMu[i] = Math.log(t.propensity());
        rewards[i] = t.reward();
      }
      // pi_old: the learner's policy now; values from the current value net.
      GaussianPolicySnapshot old = new GaussianPolicySnapshot("ppo", 0, policy.exportMu(), policy.logStd());
      Mlp v = value.export();
      double[] logpOld = new double[n];
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        double[] xi = new double[dim];
        float[] xf = new float[dim];
        for (int j = 0; j < dim; j++) {
          xi[j] = x[i * dim + j];
          xf[j] = x[i * dim + j];
        }
        double[] ai = new double[actionDim];
        System.arraycopy(a, i * actionDim, ai, 0, actionDim);
        logpOld[i] = old.logDensity(xi, ai);
        values[i] = v.forward1(xf);
      }
      double[] adv = new double[n];
      double[] targets = new double[n];
      for (List<Integer> traj : trajectories()) {
        int m = traj.size();
        double[] r = new double[m];
        double[] vv = new double[m];
        double[] ratio = new double[m];
        for (int k = 0; k < m; k++) {
          int i = traj.get(k);
          r[k] = rewards[i];
          vv[k] = values[i];
          ratio[k] = Math.exp(Math.min(50, logpOld[i] - logMu[i]));
        }
        Advantages.Estimates e = Advantages.vtraceGae(r, vv, ratio, 0.0, s.gamma(), s.lambda(), 1.0, 1.0);
        double[] ea = e.advantages();
        double[] et = e.targets();
        for (int k = 0; k < m; k++) {
          adv[traj.get(k)] = ea[k];
          targets[traj.get(k)] = et[k];
        }
      }
      if (s.normalizeAdvantages()) {
        standardise(adv);
      }
      int[] perm = new int[n];
      for (int epoch = 0; epoch < s.epochs(); epoch++) {
        for (int i = 0; i < n; i++) {
          perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
          int j = (int) rng.integers(0, i + 1);
          int tmp = perm[i];
          perm[i] = perm[j];
          perm[j] = tmp;
        }
        for (int start = 0; start < n; start += s.minibatch()) {
          int m = Math.min(s.minibatch(), n - start);
          float[] xb = new float[m * dim];
          double[] ab = new double[m * actionDim];
          double[] advb = new double[m];
          double[] lpb = new double[m];
          for (int k = 0; k < m; k++) {
            int i = perm[start + k];
            System.arraycopy(x, i * dim, xb, k * dim, dim);
            System.arraycopy(a, i * actionDim, ab, k * actionDim, actionDim);
            advb[k] = adv[i];
            lpb[k] = logpOld[i];
          }
          lastClipFraction = policy.ppoUpdate(xb, ab, advb, lpb, m, s.clipEps(), s.entropyCoef(), s.clipNorm());
          updates++;
        }
      }
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        y[i] = (float) targets[i];
      }
      value.fit(x, y, n, s.epochs(), s.minibatch(), rng);
      updates += (long) s.epochs() * ((n + s.minibatch() - 1) / s.minibatch());
    }

    /** The rollout's trajectories: indices grouped by user, in session order. */
    private List<List<Integer>> trajectories() {
      Map<Long, List<Integer>> byUser = new LinkedHashMap<>();
      for (int i = 0; i < rollout.size(); i++) {
        byUser.computeIfAbsent(rollout.get(i).user(), u -> new ArrayList<>()).add(i);
      }
      List<List<Integer>> out = new ArrayList<>();
      for (List<Integer> idx : byUser.values()) {
        idx.sort(Comparator.comparingInt(i -> rollout.get(i).session()));
        out.add(idx);
      }
      return out;
    }

    private static void standardise(double[] v) {
      if (v.length < 2) {
        return;
      }
      double mean = 0;
      for (double d : v) {
        mean += d;
      }
      mean /= v.length;
      double var = 0;
      for (double d : v) {
        var += (d - mean) * (d - mean);
      }
      double sd = Math.sqrt(var / (v.length - 1));
      for (int i = 0; i < v.length; i++) {
        v[i] = (v[i] - mean) / (sd + 1e-8);
      }
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      return new GaussianPolicySnapshot("ppo", version, policy.exportMu(), policy.logStd());
    }

    /** Weights, log-stds and the rollout gathered so far (Adam's moments and the minibatch stream restart). */
    @Override
    public java.util.Optional<AgentState> state() {
      Map<String, double[]> m = new java.util.HashMap<>();
      policy.exportMu().putState("mu", m);
      m.put("log_std", policy.logStd());
      value.export().putState("value", m);
      int n = rollout.size();
      double[] c = new double[n * dim];
      double[] a = new double[n * actionDim];
      double[] p = new double[n];
      double[] rw = new double[n];
      double[] u = new double[n];
      double[] ss = new double[n];
      double[] ep = new double[n];
      for (int i = 0; i < n; i++) {
        Transition t = rollout.get(i);
        System.arraycopy(t.context(), 0, c, i * dim, dim);
        System.arraycopy(t.action(), 0, a, i * actionDim, actionDim);
        p[i] = t.propensity();
        rw[i] = t.reward();
        u[i] = t.user();
        ss[i] = t.session();
        ep[i] = t.episode();
      }
      m.put("rollout.context", c);
      m.put("rollout.action", a);
      m.put("rollout.propensity", p);
      m.put("rollout.reward", rw);
      m.put("rollout.user", u);
      m.put("rollout.session", ss);
      m.put("rollout.episode", ep);
      return java.util.Optional.of(new AgentState("ppo", m, Map.of("dim", (long) dim, "action_dim", (long) actionDim,
          "rollout", (long) n, "updates", updates)));
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public void close() {
      policy.close();
      value.close();
    }
  }
}
