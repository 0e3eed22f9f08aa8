package io.rlsearch.learn;

import io.rlsearch.agents.continuous.Cem;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.continuous.QEnsembleSnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The neural agents on the runtime's SPI, trained in the {@link SharedLearner}: the continuous
 * Q-ensemble with CEM ("ContQ", spec 7.4-7.5) and REINFORCE with an EMA or a learned value baseline
 * (spec 7.6). Snapshots carry exported weights and act in pure Java.
 */
public final class NeuralAgents {
  private NeuralAgents() {}

  /**
   * Q-ensemble settings (the Battle Royale's: 5 members, hidden (64, 64), lr 1e-3, UCB beta 1.0,
   * update on every 64 transitions for 5 epochs in minibatches of 128, CEM defaults, seed 42).
   */
  public record QEnsembleSettings(int members, int[] hidden, double lr, double weightDecay, double ucbBeta,
      int updateEvery, int epochs, int batch, Cem.Settings cem, long seed) {
    public QEnsembleSettings {
      hidden = hidden.clone();
      if (members < 1 || updateEvery < 1 || epochs < 1 || batch < 1 || !(lr > 0)) {
        throw new IllegalArgumentException("Q-ensemble needs members, update interval, epochs, batch >= 1 and lr > 0");
      }
    }

    /** The Battle Royale's settings for box {@code aMax}. */
    public static QEnsembleSettings battle(double aMax) {
      return new QEnsembleSettings(5, new int[] {64, 64}, 1e-3, 0, 1.0, 64, 5, 128, Cem.Settings.defaults(aMax), 42);
    }
  }

  /** The continuous Q-ensemble agent ("contq"). */
  public static AgentBuilder qEnsemble(SharedLearner learner, QEnsembleSettings s) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return "contq";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new QEnsembleRule(learner, s, dim, 10, null);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        QEnsembleSnapshot q = (QEnsembleSnapshot) snapshot;
        return new QEnsembleRule(learner, s, q.members().get(0).inputs() - 10, 10, q.members());
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        checkAgent(state, "contq");
        int dim = Math.toIntExact(state.counter("dim"));
        int actionDim = Math.toIntExact(state.counter("action_dim"));
        List<Mlp> members = new ArrayList<>();
        for (int i = 0; i < s.members(); i++) {
          Mlp like = MlpInit.create(qSizes(s, dim, actionDim), Mlp.Activation.RELU, new NumpyRandom(0));
          members.add(Mlp.fromState(state, "q" + i, like));
        }
        QEnsembleRule r = new QEnsembleRule(learner, s, dim, actionDim, members);
        int n = Math.toIntExact(state.counter("buffered"));
        double[] bx = state.array("buffer.x", n * (dim + actionDim));
        double[] by = state.array("buffer.y", n);
        for (int i = 0; i < bx.length; i++) {
          r.x[i] = (float) bx[i];
        }
        for (int i = 0; i < n; i++) {
          r.y[i] = (float) by[i];
        }
        r.n = n;
        return r;
      }
    };
  }

  private static final class QEnsembleRule implements UpdateRule {
    private final QEnsembleSettings s;
    private final int dim;
    private final int actionDim;
    private final List<RegressionModel> members = new ArrayList<>();
    private final float[] x;
    private final float[] y;
    private final NumpyRandom rng;
    private int n;

    QEnsembleRule(SharedLearner learner, QEnsembleSettings s, int dim, int actionDim, List<Mlp> from) {
      this.s = s;
      this.dim = dim;
      this.actionDim = actionDim;
      int[] sizes = qSizes(s, dim, actionDim);
      for (int i = 0; i < s.members(); i++) {
        Mlp init = from != null ? from.get(i) : MlpInit.create(sizes, Mlp.Activation.RELU, new NumpyRandom(s.seed() + i));
        members.add(learner.regression("q" + i, init, s.lr(), s.weightDecay()));
      }
      this.x = new float[s.updateEvery() * (dim + actionDim)];
      this.y = new float[s.updateEvery()];
      this.rng = new NumpyRandom(s.seed() + 1000);
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      if (!decision.continuous()) {
        throw new IllegalArgumentException("the Q-ensemble learns from continuous actions");
      }
      double[] a = decision.action();
      int in = dim + actionDim;
      for (int i = 0; i < dim; i++) {
        x[n * in + i] = (float) context[i];
      }
      for (int i = 0; i < actionDim; i++) {
        x[n * in + dim + i] = (float) a[i];
      }
      y[n] = (float) reward;
      n++;
      if (n == s.updateEvery()) {
        for (RegressionModel m : members) {
          m.fit(x, y, n, s.epochs(), s.batch(), rng);
        }
        n = 0;
      }
    }

    @Override
    public java.util.Optional<AgentState> state() {
      Map<String, double[]> a = new HashMap<>();
      for (int i = 0; i < members.size(); i++) {
        members.get(i).export().putState("q" + i, a);
      }
      int in = dim + actionDim;
      double[] bx = new double[n * in];
      double[] by = new double[n];
      for (int i = 0; i < bx.length; i++) {
        bx[i] = x[i];
      }
      for (int i = 0; i < n; i++) {
        by[i] = y[i];
      }
      a.put("buffer.x", bx);
      a.put("buffer.y", by);
      return java.util.Optional.of(new AgentState("contq", a, Map.of("dim", (long) dim, "action_dim", (long) actionDim,
          "buffered", (long) n)));
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      List<Mlp> w = new ArrayList<>();
      for (RegressionModel m : members) {
        w.add(m.export());
      }
      return new QEnsembleSnapshot(version, w, s.ucbBeta(), s.cem(), actionDim);
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public void close() {
      for (RegressionModel m : members) {
        m.close();
      }
    }
  }

  private static int[] qSizes(QEnsembleSettings s, int dim, int actionDim) {
    int[] sizes = new int[s.hidden().length + 2];
    sizes[0] = dim + actionDim;
    System.arraycopy(s.hidden(), 0, sizes, 1, s.hidden().length);
    sizes[sizes.length - 1] = 1;
    return sizes;
  }

  static void checkAgent(AgentState s, String name) {
    if (!s.agent().equals(name)) {
      throw new IllegalArgumentException("the state is agent '" + s.agent() + "''s, not '" + name + "''s");
    }
  }

  /**
   * REINFORCE settings (the Battle Royale's: lr 3e-4, entropy 0.05, gamma irrelevant for one-step
   * episodes, EMA baseline momentum 0.9, clip 1.0, hidden (64, 64) tanh; value net (64, 64) relu, lr 1e-3).
   */
  public record ReinforceSettings(double lr, double entropyCoef, double baselineMomentum, double clipNorm, int[] hidden,
      boolean valueBaseline, double valueLr, long seed) {
    public ReinforceSettings {
      hidden = hidden.clone();
      if (!(lr > 0) || !(entropyCoef >= 0) || !(baselineMomentum >= 0 && baselineMomentum < 1) || !(valueLr > 0)) {
        throw new IllegalArgumentException("REINFORCE needs lr > 0, entropy >= 0, momentum in [0, 1), value lr > 0");
      }
    }

    /** The Battle Royale's REINFORCE; with {@code valueBaseline}, REINFORCE with a learned baseline. */
    public static ReinforceSettings battle(boolean valueBaseline) {
      return new ReinforceSettings(3e-4, 0.05, 0.9, 1.0, new int[] {64, 64}, valueBaseline, 1e-3, 42);
    }
  }

  /** REINFORCE ("reinforce") or REINFORCE with a learned value baseline ("reinforce_baseline"). */
  public static AgentBuilder reinforce(SharedLearner learner, ReinforceSettings s) {
    String name = s.valueBaseline() ? "reinforce_baseline" : "reinforce";
    return new AgentBuilder() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new ReinforceRule(learner, s, name, dim, 10, null);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        GaussianPolicySnapshot g = (GaussianPolicySnapshot) snapshot;
        return new ReinforceRule(learner, s, name, g.mu().inputs(), g.mu().outputs(), g);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        checkAgent(state, name);
        int dim = Math.toIntExact(state.counter("dim"));
        int actionDim = Math.toIntExact(state.counter("action_dim"));
        Mlp like = MlpInit.create(sizes(dim, s.hidden(), actionDim), Mlp.Activation.TANH, new NumpyRandom(0));
        GaussianPolicySnapshot g = new GaussianPolicySnapshot(name, 0, Mlp.fromState(state, "mu", like),
            state.array("log_std", actionDim));
        ReinforceRule r = new ReinforceRule(learner, s, name, dim, actionDim, g);
        if (r.value != null) {
          r.value.load(Mlp.fromState(state, "value", r.value.export()));
        }
        r.baseline = state.array("baseline", 1)[0];
        r.baselineStarted = state.counter("baseline_started") != 0;
        return r;
      }
    };
  }

  private static final class ReinforceRule implements UpdateRule {
    private final ReinforceSettings s;
    private final String name;
    private final GaussianPolicyModel policy;
    private final RegressionModel value;
    private final int dim;
    private double baseline;
    private boolean baselineStarted;

    ReinforceRule(SharedLearner learner, ReinforceSettings s, String name, int dim, int actionDim,
        GaussianPolicySnapshot from) {
      this.s = s;
      this.name = name;
      this.dim = dim;
      int[] sizes = sizes(dim, s.hidden(), actionDim);
      Mlp mu = from != null ? from.mu() : MlpInit.create(sizes, Mlp.Activation.TANH, new NumpyRandom(s.seed()));
      double[] logStd = from != null ? from.logStd() : new double[actionDim];
      this.policy = learner.gaussianPolicy(name + "-policy", mu, logStd, s.lr());
      if (s.valueBaseline()) {
        int[] vs = new int[s.hidden().length + 2];
        vs[0] = dim;
        System.arraycopy(s.hidden(), 0, vs, 1, s.hidden().length);
        vs[vs.length - 1] = 1;
        this.value = learner.regression(name + "-value", MlpInit.create(vs, Mlp.Activation.RELU,
            new NumpyRandom(s.seed() + 1)), s.valueLr(), 0, s.clipNorm());
      } else {
        this.value = null;
      }
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      if (!decision.continuous()) {
        throw new IllegalArgumentException("REINFORCE learns from continuous actions");
      }
      float[] x = new float[dim];
      for (int i = 0; i < dim; i++) {
        x[i] = (float) context[i];
      }
      double advantage;
      if (value != null) {
        Mlp v = value.export();
        advantage = reward - v.forward1(x);
        value.fit(x, new float[] {(float) reward}, 1, 1, 1, new NumpyRandom(0));
      } else {
        // The reference updates its running baseline first, then takes G - b (one-step episodes skip
        // the return normalisation).
        baseline = baselineStarted ? s.baselineMomentum() * baseline + (1 - s.baselineMomentum()) * reward
            : (1 - s.baselineMomentum()) * reward;
        baselineStarted = true;
        advantage = reward - baseline;
      }
      policy.update(x, decision.action(), new double[] {advantage}, 1, s.entropyCoef(), s.clipNorm());
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      return new GaussianPolicySnapshot(name, version, policy.exportMu(), policy.logStd());
    }

    @Override
    public java.util.Optional<AgentState> state() {
      Map<String, double[]> a = new HashMap<>();
      Mlp mu = policy.exportMu();
      mu.putState("mu", a);
      a.put("log_std", policy.logStd());
      if (value != null) {
        value.export().putState("value", a);
      }
      a.put("baseline", new double[] {baseline});
      return java.util.Optional.of(new AgentState(name, a, Map.of("dim", (long) dim, "action_dim", (long) mu.outputs(),
          "baseline_started", baselineStarted ? 1L : 0L)));
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public void close() {
      policy.close();
      if (value != null) {
        value.close();
      }
    }
  }

  static int[] sizes(int in, int[] hidden, int out) {
    int[] sizes = new int[hidden.length + 2];
    sizes[0] = in;
    System.arraycopy(hidden, 0, sizes, 1, hidden.length);
    sizes[sizes.length - 1] = out;
    return sizes;
  }
}
