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
 * Q-ensemble with CEM ("ContQ") and REINFORCE with an EMA or a learned value baseline.
 * Snapshots carry exported weights and act in pure Java.
 */
public final class NeuralAgents {
  private NeuralAgents() {}

  /**
   * Q-ensemble settings.
   *
   * @param members ensemble members
   * @param hidden hidden sizes of each member (relu)
   * @param lr Adam's learning rate
   * @param weightDecay L2 weight decay
   * @param ucbBeta the acting bonus on the members' spread: CEM maximises {@code mean + beta std}
   * @param updateEvery transitions between updates
   * @param epochs per update: passes over the buffer (the reference's form) or, with a replay buffer,
   *     gradient steps per member
   * @param batch minibatch size
   * @param cem the action search
   * @param seed initialisation, minibatch and bootstrap seed
   * @param replay transitions kept; equal to {@code updateEvery}, the reference's form: fit the last
   *     {@code updateEvery} transitions, then forget them
   * @param bootstrap whether each member learns from its own bootstrap resample of the replay (each
   *     transition is in a member's data with probability 1/2), so the members' spread reflects what the
   *     data does not pin down (Osband et al., 2016)
   * @param standardise whether targets are the rewards in units of their running standard deviation
   *     (centred on their running mean), so lr and beta do not depend on the reward's scale
   * @param sharedMinibatch with a replay buffer and no bootstrap: each update draws one minibatch of
   *     {@code batch} transitions without replacement from the replay (none until it holds {@code batch}),
   *     and every member takes {@code epochs} steps on that same minibatch (the Chapter-7 comparison
   *     script's form); otherwise each member draws its own {@code epochs} minibatches with replacement
   * @param torchInit whether member i starts from the weights torch gives its network after
   *     {@code torch.manual_seed(seed + i)} (as the reference builds its ensembles); otherwise from the
   *     same distribution drawn from a numpy stream of that seed
   */
  public record QEnsembleSettings(int members, int[] hidden, double lr, double weightDecay, double ucbBeta,
      int updateEvery, int epochs, int batch, Cem.Settings cem, long seed, int replay, boolean bootstrap,
      boolean standardise, boolean sharedMinibatch, boolean torchInit) {
    public QEnsembleSettings {
      hidden = hidden.clone();
      if (members < 1 || updateEvery < 1 || epochs < 1 || batch < 1 || !(lr > 0) || replay < updateEvery) {
        throw new IllegalArgumentException("Q-ensemble needs members, update interval, epochs, batch >= 1, lr > 0 and"
            + " a replay of at least the update interval");
      }
      if (sharedMinibatch && (bootstrap || replay < batch)) {
        throw new IllegalArgumentException("a shared minibatch needs a replay of at least the batch and no bootstrap");
      }
    }

    /** Settings whose members draw their own minibatches (no shared minibatch). */
    public QEnsembleSettings(int members, int[] hidden, double lr, double weightDecay, double ucbBeta,
        int updateEvery, int epochs, int batch, Cem.Settings cem, long seed, int replay, boolean bootstrap,
        boolean standardise) {
      this(members, hidden, lr, weightDecay, ucbBeta, updateEvery, epochs, batch, cem, seed, replay, bootstrap,
          standardise, false, false);
    }

    /** The reference's form: fit the last {@code updateEvery} transitions for {@code epochs} passes, then forget them. */
    public QEnsembleSettings(int members, int[] hidden, double lr, double weightDecay, double ucbBeta, int updateEvery,
        int epochs, int batch, Cem.Settings cem, long seed) {
      this(members, hidden, lr, weightDecay, ucbBeta, updateEvery, epochs, batch, cem, seed, updateEvery, false, false);
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /** Whether this is the reference's form (no replay: the buffer is cleared after each fit). */
    boolean referenceForm() {
      return replay == updateEvery && !bootstrap && !sharedMinibatch;
    }

    /**
     * The neural ensemble bandit's settings (the book's Chapter-6a demo: 5 members of (64, 64), lr
     * 1e-3, beta 2, an update every 10 transitions), with a replay of 10,000 bootstrapped transitions,
     * standardised targets (beta in standard deviations of the reward, at any reward scale) and 4
     * minibatch steps of 64 per member per update.
     */
    public static QEnsembleSettings templates() {
      return new QEnsembleSettings(5, new int[] {64, 64}, 1e-3, 0, 2.0, 10, 4, 64, null, 42, 10_000, true, true);
    }

    /**
     * The Battle Royale's Q-ensemble for box {@code aMax}: 5 members (64, 64), lr 1e-3, a replay of
     * 10,000 transitions with bootstrapped members, standardised targets, an update every 32
     * transitions of 8 minibatch steps of 64 per member, UCB beta 1 (in standard deviations), and a
     * CEM that can reach the box's edges: 32 samples, 4 iterations, initial std aMax / 2, smoothing 0.2.
     */
    public static QEnsembleSettings battle(double aMax) {
      return new QEnsembleSettings(5, new int[] {64, 64}, 1e-3, 0, 1.0, 32, 8, 64,
          new Cem.Settings(32, 0.2, 4, aMax / 2, 0.05, 0.2, aMax, false, 0), 42, 10_000, true, true);
    }
  }

  /** The continuous Q-ensemble agent ("contq"). */
  public static AgentBuilder qEnsemble(SharedLearner learner, QEnsembleSettings s) {
    return ensemble("contq", learner, s, false);
  }

  /**
   * The neural ensemble bandit ("neural_ensemble", the book's Chapter 6a): a Q-ensemble over
   * {@code context ‖ one-hot(template)} that plays the template with the largest
   * {@code mean + beta std} over its members; it chooses among arms (the template task).
   */
  public static AgentBuilder neuralEnsemble(SharedLearner learner, QEnsembleSettings s) {
    return ensemble("neural_ensemble", learner, s, true);
  }

  private static AgentBuilder ensemble(String name, SharedLearner learner, QEnsembleSettings s, boolean discrete) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new QEnsembleRule(name, learner, s, dim, discrete ? arms : 10, discrete, null);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        if (discrete) {
          if (!(snapshot instanceof io.rlsearch.agents.bandit.NeuralEnsembleSnapshot e)) {
            throw new IllegalArgumentException("not a neural ensemble snapshot: " + snapshot.agent());
          }
          return new QEnsembleRule(name, learner, s, e.members().get(0).inputs() - e.arms(), e.arms(), true,
              e.members());
        }
        QEnsembleSnapshot q = (QEnsembleSnapshot) snapshot;
        return new QEnsembleRule(name, learner, s, q.members().get(0).inputs() - 10, 10, false, q.members());
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        checkAgent(state, name);
        int dim = Math.toIntExact(state.counter("dim"));
        int actionDim = Math.toIntExact(state.counter("action_dim"));
        List<Mlp> members = new ArrayList<>();
        for (int i = 0; i < s.members(); i++) {
          Mlp like = MlpInit.create(qSizes(s, dim, actionDim), Mlp.Activation.RELU, new NumpyRandom(0));
          members.add(Mlp.fromState(state, "q" + i, like));
        }
        QEnsembleRule r = new QEnsembleRule(name, learner, s, dim, actionDim, discrete, members);
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
        if (state.has("buffer.mask")) {
          double[] bm = state.array("buffer.mask", n * s.members());
          for (int k = 0; k < s.members(); k++) {
            for (int i = 0; i < n; i++) {
              r.mask[k][i] = bm[k * n + i] != 0;
            }
          }
          double[] ret = state.array("returns", 2);
          r.rMean = ret[0];
          r.rM2 = ret[1];
          r.added = state.counter("added");
          r.sinceUpdate = Math.toIntExact(state.counter("since_update"));
          r.seen = state.counter("returns_seen");
          r.rng.restoreState("rng", state.counters());
        } else {
          // A checkpoint of the reference's form: the buffer is the transitions since the last fit.
          r.added = n;
          r.sinceUpdate = n;
          for (int k = 0; k < s.members(); k++) {
            java.util.Arrays.fill(r.mask[k], 0, n, true);
          }
        }
        return r;
      }
    };
  }

  private static final class QEnsembleRule implements UpdateRule {
    private final String name;
    private final boolean discrete;
    private final QEnsembleSettings s;
    private final int dim;
    private final int actionDim;
    private final List<RegressionModel> members = new ArrayList<>();
    /** The replay: inputs, rewards and each member's bootstrap mask, a ring of {@code s.replay()}. */
    private final float[] x;
    private final float[] y;
    private final boolean[][] mask;
    private final NumpyRandom rng;
    /** Transitions held (at most the replay's size). */
    private int n;
    /** Transitions ever added (the ring's write position is {@code added % replay}). */
    private long added;
    private int sinceUpdate;
    private long seen;
    private double rMean;
    private double rM2;
    /** The members' weights as last exported; null after an update. */
    private List<Mlp> exported;

    QEnsembleRule(String name, SharedLearner learner, QEnsembleSettings s, int dim, int actionDim, boolean discrete,
        List<Mlp> from) {
      this.name = name;
      this.discrete = discrete;
      this.s = s;
      this.dim = dim;
      this.actionDim = actionDim;
      int[] sizes = qSizes(s, dim, actionDim);
      for (int i = 0; i < s.members(); i++) {
        Mlp init = from != null ? from.get(i) : s.torchInit() ? MlpInit.torchDefault(sizes, Mlp.Activation.RELU,
            s.seed() + i) : MlpInit.create(sizes, Mlp.Activation.RELU, new NumpyRandom(s.seed() + i));
        members.add(learner.regression("q" + i, init, s.lr(), s.weightDecay()));
      }
      this.x = new float[s.replay() * (dim + actionDim)];
      this.y = new float[s.replay()];
      this.mask = new boolean[s.members()][s.replay()];
      this.rng = new NumpyRandom(s.seed() + 1000);
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      if (decision.continuous() == discrete) {
        throw new IllegalArgumentException(discrete ? "the neural ensemble bandit learns from templates (arms)"
            : "the Q-ensemble learns from continuous actions");
      }
      double[] a;
      if (discrete) {
        a = new double[actionDim];
        a[decision.arm()] = 1;
      } else {
        a = decision.action();
      }
      int in = dim + actionDim;
      int at = (int) (added % s.replay());
      for (int i = 0; i < dim; i++) {
        x[at * in + i] = (float) context[i];
      }
      for (int i = 0; i < actionDim; i++) {
        x[at * in + dim + i] = (float) a[i];
      }
      y[at] = (float) reward;
      for (int k = 0; k < members.size(); k++) {
        mask[k][at] = !s.bootstrap() || rng.random() < 0.5;
      }
      added++;
      n = (int) Math.min(added, s.replay());
      sinceUpdate++;
      seen++;
      double d = reward - rMean;
      rMean += d / seen;
      rM2 += d * (reward - rMean);
      if (sinceUpdate == s.updateEvery()) {
        update();
        sinceUpdate = 0;
      }
    }

    private void update() {
      exported = null;
      if (s.referenceForm()) {
        for (RegressionModel m : members) {
          m.fit(x, y, n, s.epochs(), s.batch(), rng);
        }
        n = 0;
        added = 0;
        return;
      }
      int in = dim + actionDim;
      double mu = s.standardise() ? rMean : 0;
      double sd = s.standardise() && seen > 1 ? Math.max(Math.sqrt(rM2 / (seen - 1)), 1e-8) : 1;
      if (s.sharedMinibatch()) {
        if (n < s.batch()) {
          return;
        }
        // one minibatch without replacement (a partial Fisher-Yates shuffle of the replay's indices)
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
          perm[i] = i;
        }
        float[] xb = new float[s.batch() * in];
        float[] yb = new float[s.batch()];
        for (int r = 0; r < s.batch(); r++) {
          int j = r + (int) rng.integers(0, n - r);
          int t = perm[r];
          perm[r] = perm[j];
          perm[j] = t;
          System.arraycopy(x, perm[r] * in, xb, r * in, in);
          yb[r] = (float) ((y[perm[r]] - mu) / sd);
        }
        for (RegressionModel m : members) {
          m.fit(xb, yb, s.batch(), s.epochs(), s.batch(), rng);
        }
        return;
      }
      int rows = s.epochs() * s.batch();
      float[] xb = new float[rows * in];
      float[] yb = new float[rows];
      for (int k = 0; k < members.size(); k++) {
        int[] idx = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
          if (mask[k][i]) {
            idx[m++] = i;
          }
        }
        if (m == 0) {
          continue;
        }
        for (int r = 0; r < rows; r++) {
          int i = idx[(int) rng.integers(0, m)];
          System.arraycopy(x, i * in, xb, r * in, in);
          yb[r] = (float) ((y[i] - mu) / sd);
        }
        members.get(k).fit(xb, yb, rows, 1, s.batch(), rng);
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
      double[] bm = new double[n * members.size()];
      for (int i = 0; i < bx.length; i++) {
        bx[i] = x[i];
      }
      for (int i = 0; i < n; i++) {
        by[i] = y[i];
        for (int k = 0; k < members.size(); k++) {
          bm[k * n + i] = mask[k][i] ? 1 : 0;
        }
      }
      a.put("buffer.x", bx);
      a.put("buffer.y", by);
      a.put("buffer.mask", bm);
      a.put("returns", new double[] {rMean, rM2});
      Map<String, Long> c = new HashMap<>();
      c.put("dim", (long) dim);
      c.put("action_dim", (long) actionDim);
      c.put("buffered", (long) n);
      c.put("added", added);
      c.put("since_update", (long) sinceUpdate);
      c.put("returns_seen", seen);
      rng.putState("rng", c);
      return java.util.Optional.of(new AgentState(name, a, c));
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      // The weights change only at an update: between two, snapshots share the exported members.
      if (exported == null) {
        List<Mlp> w = new ArrayList<>();
        for (RegressionModel m : members) {
          w.add(m.export());
        }
        exported = List.copyOf(w);
      }
      return discrete ? new io.rlsearch.agents.bandit.NeuralEnsembleSnapshot(version, exported, s.ucbBeta(), actionDim)
          : new QEnsembleSnapshot(version, exported, s.ucbBeta(), s.cem(), actionDim);
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
   * REINFORCE settings.
   *
   * @param lr policy learning rate (Adam)
   * @param entropyCoef entropy bonus
   * @param baselineMomentum momentum of an exponential-moving-average baseline (the reference's form, with
   *     batch 1 and no normalisation); 0 for none
   * @param clipNorm global gradient-norm cap
   * @param hidden hidden sizes of the mean network (tanh)
   * @param valueBaseline whether a learned value V(x) is the baseline ("reinforce_baseline")
   * @param valueLr the value network's learning rate
   * @param seed initialisation seed
   * @param batch episodes per policy update (one Adam step on their mean gradient)
   * @param normalise whether the batch's returns are divided by the running standard deviation of the
   *     returns (and, with a value baseline, the advantages standardised over the batch), so the step
   *     size does not depend on the reward's scale; with a value baseline the value network then learns
   *     the returns standardised by their running mean and standard deviation, and its output is mapped
   *     back to reward units
   * @param initLogStd the policy's initial log standard deviation (per action dimension)
   * @param valueEpochs passes of the value network over each batch
   * @param valueMinibatch the value network's minibatch size (a step per minibatch)
   */
  public record ReinforceSettings(double lr, double entropyCoef, double baselineMomentum, double clipNorm, int[] hidden,
      boolean valueBaseline, double valueLr, long seed, int batch, boolean normalise, double initLogStd,
      int valueEpochs, int valueMinibatch) {
    public ReinforceSettings {
      hidden = hidden.clone();
      if (!(lr > 0) || !(entropyCoef >= 0) || !(baselineMomentum >= 0 && baselineMomentum < 1) || !(valueLr > 0)
          || batch < 1 || !(initLogStd >= -2 && initLogStd <= 1) || valueEpochs < 1 || valueMinibatch < 1) {
        throw new IllegalArgumentException("REINFORCE needs lr > 0, entropy >= 0, momentum in [0, 1), value lr > 0,"
            + " batch, value epochs and value minibatch >= 1 and an initial log-std in [-2, 1]");
      }
    }

    /** As the full form with one value step per batch, on the whole batch. */
    public ReinforceSettings(double lr, double entropyCoef, double baselineMomentum, double clipNorm, int[] hidden,
        boolean valueBaseline, double valueLr, long seed, int batch, boolean normalise, double initLogStd) {
      this(lr, entropyCoef, baselineMomentum, clipNorm, hidden, valueBaseline, valueLr, seed, batch, normalise,
          initLogStd, 1, batch);
    }

    /** The reference's form: one step per episode on the raw return, an EMA baseline when momentum > 0, std 1. */
    public ReinforceSettings(double lr, double entropyCoef, double baselineMomentum, double clipNorm, int[] hidden,
        boolean valueBaseline, double valueLr, long seed) {
      this(lr, entropyCoef, baselineMomentum, clipNorm, hidden, valueBaseline, valueLr, seed, 1, false, 0.0);
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /**
     * The reference's REINFORCE settings (lr 3e-4, entropy 0.05, one step per episode on the raw return,
     * std 1; an EMA baseline of momentum 0.9, or with {@code valueBaseline} a learned value). The
     * constrained agent of {@code pareto} keeps them: its measured sweeps were made with them.
     */
    public static ReinforceSettings reference(boolean valueBaseline) {
      return new ReinforceSettings(3e-4, 0.05, 0.9, 1.0, new int[] {64, 64}, valueBaseline, 1e-3, 42);
    }

    /**
     * The Battle Royale's REINFORCE. {@code reinforce} is the estimator without a baseline,
     * {@code reinforce_baseline} the one with a learned value baseline. Both: batches of 32 episodes
     * (with 16, one seed in eight collapsed to below random; with 32, none of the eight did),
     * returns in units of their running standard deviation (advantages standardised over the batch with
     * the baseline), an initial std of e^0.4 = 1.5 (half the box, so the first actions cover it rather
     * than sit near 0), lr 1e-3 (one step per batch, on its mean gradient), entropy 0.01, hidden (64, 64).
     * The value baseline learns standardised returns in 4 passes of minibatches of 16 over each batch,
     * as PPO's value learns each rollout: 8 Adam steps per batch at lr 1e-3, about 250 in a
     * 1,000-episode battle. With one step per batch on raw returns V stayed 8 below a reward of 10 after
     * 1,000 episodes; with one step on standardised returns it lagged a mean rising from 6 to 15 by 0.4
     * (4 passes of 16: 0.04; of 8: 0.5, noisier).
     */
    public static ReinforceSettings battle(boolean valueBaseline) {
      return new ReinforceSettings(1e-3, 0.01, 0.0, 1.0, new int[] {64, 64}, valueBaseline, 1e-3, 42, 32, true,
          0.4, 4, 16);
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
        r.baseline = state.array("baseline", 1)[0];
        r.baselineStarted = state.counter("baseline_started") != 0;
        if (state.has("returns")) {
          double[] ret = state.array("returns", 2);
          r.retMean = ret[0];
          r.retM2 = ret[1];
          r.seen = state.counter("returns_seen");
        }
        if (r.value != null) {
          Mlp v = Mlp.fromState(state, "value", r.value.export());
          boolean standardised = state.counters().getOrDefault("value_standardised", 0L) != 0;
          if (r.standardisedValue() && !standardised) {
            // A checkpoint whose value network predicted raw returns: rescale its output layer to the
            // standardised targets it learns now, so V is the same function.
            v = r.toStandardised(v);
          }
          r.value.load(v);
          r.valueRng.restoreState("value_rng", state.counters());
        }
        if (state.has("returns")) {
          int n = Math.toIntExact(state.counter("pending"));
          double[] px = state.array("pending.context", n * dim);
          double[] pa = state.array("pending.action", n * actionDim);
          double[] pr = state.array("pending.reward", n);
          for (int i = 0; i < n; i++) {
            float[] xi = new float[dim];
            for (int j = 0; j < dim; j++) {
              xi[j] = (float) px[i * dim + j];
            }
            r.bx.add(xi);
            r.ba.add(java.util.Arrays.copyOfRange(pa, i * actionDim, (i + 1) * actionDim));
            r.br.add(pr[i]);
          }
        }
        return r;
      }
    };
  }

  static final class ReinforceRule implements UpdateRule {
    private final ReinforceSettings s;
    private final String name;
    private final GaussianPolicyModel policy;
    private final RegressionModel value;
    private final int dim;
    private final int actionDim;
    private double baseline;
    private boolean baselineStarted;
    /** Running count, mean and sum of squares of the returns (for the scale). */
    private long seen;
    private double retMean;
    private double retM2;
    private final List<float[]> bx = new ArrayList<>();
    private final List<double[]> ba = new ArrayList<>();
    private final List<Double> br = new ArrayList<>();
    private Mlp exportedMu;
    private double[] exportedLogStd;
    /** The value network's minibatch order. */
    private final NumpyRandom valueRng;

    ReinforceRule(SharedLearner learner, ReinforceSettings s, String name, int dim, int actionDim,
        GaussianPolicySnapshot from) {
      this.s = s;
      this.name = name;
      this.dim = dim;
      this.actionDim = actionDim;
      int[] sizes = sizes(dim, s.hidden(), actionDim);
      Mlp mu = from != null ? from.mu() : MlpInit.create(sizes, Mlp.Activation.TANH, new NumpyRandom(s.seed()));
      double[] logStd = new double[actionDim];
      java.util.Arrays.fill(logStd, s.initLogStd());
      if (from != null) {
        logStd = from.logStd();
      }
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
      this.valueRng = new NumpyRandom(s.seed() + 2);
    }

    /** Whether the value network learns standardised returns (mapped back by the returns' running mean and sd). */
    boolean standardisedValue() {
      return value != null && s.normalise();
    }

    /** The returns' running mean and standard deviation the value network's targets are standardised by. */
    private double[] valueScale() {
      if (!standardisedValue()) {
        return new double[] {0, 1};
      }
      double sd = seen > 1 ? Math.sqrt(retM2 / (seen - 1)) : 1.0;
      return new double[] {retMean, Math.max(sd, 1e-8)};
    }

    /** V(x) in reward units for {@code n} contexts. */
    private double[] values(float[] x, int n) {
      double[] ms = valueScale();
      float[] f = value.predict(x, n);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = ms[0] + ms[1] * f[i];
      }
      return v;
    }

    /** {@code raw} (a value network of raw returns) with its output layer rescaled to standardised returns. */
    Mlp toStandardised(Mlp raw) {
      double[] ms = valueScale();
      int last = raw.sizes().length - 2;
      float[][] w = new float[last + 1][];
      float[][] b = new float[last + 1][];
      for (int l = 0; l <= last; l++) {
        w[l] = raw.weights(l);
        b[l] = raw.bias(l);
      }
      for (int i = 0; i < w[last].length; i++) {
        w[last][i] = (float) (w[last][i] / ms[1]);
      }
      for (int i = 0; i < b[last].length; i++) {
        b[last][i] = (float) ((b[last][i] - ms[0]) / ms[1]);
      }
      return new Mlp(raw.sizes(), w, b, raw.activation());
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
      seen++;
      double d = reward - retMean;
      retMean += d / seen;
      retM2 += d * (reward - retMean);
      bx.add(x);
      ba.add(decision.action());
      br.add(reward);
      if (bx.size() >= s.batch()) {
        update();
      }
    }

    /** One policy step on the batch gathered (and the value fit, with a value baseline). */
    private void update() {
      int n = bx.size();
      float[] x = new float[n * dim];
      double[] a = new double[n * actionDim];
      double[] adv = new double[n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(bx.get(i), 0, x, i * dim, dim);
        System.arraycopy(ba.get(i), 0, a, i * actionDim, actionDim);
      }
      if (value != null) {
        double[] v = values(x, n);
        for (int i = 0; i < n; i++) {
          adv[i] = br.get(i) - v[i];
        }
        if (s.normalise()) {
          PpoAgent.Rule.standardise(adv);
        }
        // Targets in units of the returns' running sd around their running mean (raw in the reference's form).
        double[] ms = valueScale();
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
          y[i] = (float) ((br.get(i) - ms[0]) / ms[1]);
        }
        value.fit(x, y, n, s.valueEpochs(), Math.min(s.valueMinibatch(), n), valueRng);
      } else if (s.baselineMomentum() > 0) {
        // The reference updates its running baseline first, then takes G - b (one-step episodes skip
        // the return normalisation).
        for (int i = 0; i < n; i++) {
          double r = br.get(i);
          baseline = baselineStarted ? s.baselineMomentum() * baseline + (1 - s.baselineMomentum()) * r
              : (1 - s.baselineMomentum()) * r;
          baselineStarted = true;
          adv[i] = r - baseline;
        }
      } else {
        // No baseline: the return itself, in units of the returns' running standard deviation.
        double sd = seen > 1 ? Math.sqrt(retM2 / (seen - 1)) : 1.0;
        for (int i = 0; i < n; i++) {
          adv[i] = s.normalise() ? br.get(i) / Math.max(sd, 1e-8) : br.get(i);
        }
      }
      policy.update(x, a, adv, n, s.entropyCoef(), s.clipNorm());
      exportedMu = null;
      bx.clear();
      ba.clear();
      br.clear();
    }

    /** The baseline's value of {@code context} as the advantages use it (the value network's, with a value baseline). */
    double baselineValue(double[] context) {
      float[] x = new float[dim];
      for (int i = 0; i < dim; i++) {
        x[i] = (float) context[i];
      }
      return value != null ? values(x, 1)[0] : baseline;
    }

    /** The global norm of the last policy step's gradient before clipping. */
    double lastGradientNorm() {
      return policy.lastGradientNorm();
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      // The policy changes only at a batch's step: between two, snapshots share the exported weights.
      if (exportedMu == null) {
        exportedMu = policy.exportMu();
        exportedLogStd = policy.logStd();
      }
      return new GaussianPolicySnapshot(name, version, exportedMu, exportedLogStd);
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
      a.put("returns", new double[] {retMean, retM2});
      int n = bx.size();
      double[] px = new double[n * dim];
      double[] pa = new double[n * actionDim];
      double[] pr = new double[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < dim; j++) {
          px[i * dim + j] = bx.get(i)[j];
        }
        System.arraycopy(ba.get(i), 0, pa, i * actionDim, actionDim);
        pr[i] = br.get(i);
      }
      a.put("pending.context", px);
      a.put("pending.action", pa);
      a.put("pending.reward", pr);
      Map<String, Long> c = new HashMap<>(Map.of("dim", (long) dim, "action_dim", (long) mu.outputs(),
          "baseline_started", baselineStarted ? 1L : 0L, "returns_seen", seen, "pending", (long) n));
      if (value != null) {
        c.put("value_standardised", standardisedValue() ? 1L : 0L);
        valueRng.putState("value_rng", c);
      }
      return java.util.Optional.of(new AgentState(name, a, c));
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
