package io.rlsearch.learn;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.slate.ClickModel;
import io.rlsearch.agents.slate.DiffRankSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;

/**
 * Differentiable ranking on the slate task: a scoring network trained end to end through NeuralSort.
 *
 * <p>The agent learns, from the sessions it sees, a model of the position-biased cascade: a
 * position-aware click model {@code P(click | s, i, k)} and an item-value network {@code g(s, i)}
 * (the reward a click on the item brings: the click's term and, if it was bought, the item's GMV, CM2
 * and strategic terms, from the transition's per-position rewards). The scorer {@code f(s, i)} is then trained to maximise the
 * expected reward of its ranking under that model, {@code sum_k sum_i P_tau(f)[k, i] P(click | s, i, k)
 * g(s, i)} over the positions a user sees, where {@code P_tau(f)} is NeuralSort's relaxed
 * permutation of the scores: the gradient flows through the sort. Exploration samples Plackett-Luce
 * rankings (Gumbel noise of a decaying temperature).
 */
public final class DiffRankAgent {
  private DiffRankAgent() {}

  /**
   * Settings.
   *
   * @param hidden hidden sizes of the scorer and the value network
   * @param lr the scorer's Adam rate
   * @param valueLr the value network's Adam rate
   * @param tau NeuralSort's temperature
   * @param batch sessions per scorer step (and item samples per value step)
   * @param buffer sessions kept
   * @param temperature initial exploration temperature
   * @param temperatureDecay per-update decay
   * @param temperatureMin floor
   * @param warmup sessions before the scorer trains (the models need data first)
   * @param clickLr click model SGD step
   * @param shown positions a user sees
   * @param contextDim the slate context's length before the item rows
   * @param itemDim features per item
   * @param candidates candidates per session
   * @param seed initialisation and sampling seed
   */
  public record Settings(int[] hidden, double lr, double valueLr, double tau, int batch, int buffer, double temperature,
      double temperatureDecay, double temperatureMin, int warmup, double clickLr, int shown, int contextDim,
      int itemDim, int candidates, long seed) {
    public Settings {
      hidden = hidden.clone();
      if (!(lr > 0) || !(valueLr > 0) || !(tau > 0) || batch < 1 || buffer < batch || !(temperature >= 0)
          || !(temperatureMin >= 0) || warmup < 0 || !(clickLr > 0) || shown < 1 || shown > candidates
          || itemDim < 1 || contextDim < 0) {
        throw new IllegalArgumentException("diffrank settings out of range (rates and tau > 0, buffer >= batch >= 1,"
            + " 1 <= shown <= candidates)");
      }
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /**
     * The Battle Royale's: the slate env (8-d context, 50 candidates of 10 features), 20 positions
     * seen, hidden (64, 64), lr 1e-3, tau 1, batches of 16 sessions, temperature 1 -> 0.05 by 0.995,
     * 64 sessions of warm-up.
     */
    public static Settings battle() {
      return new Settings(new int[] {64, 64}, 1e-3, 1e-3, 1.0, 16, 5000, 1.0, 0.995, 0.05, 64, 0.05, 20, 8, 10, 50, 42);
    }
  }

  /** The differentiable-ranking agent ("diffrank"). */
  public static AgentBuilder builder(SharedLearner learner, Settings s) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return "diffrank";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        SlateInputs.requireDim("diffrank", s.contextDim(), s.candidates(), s.itemDim(), dim);
        return new Rule(learner, s, null);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return new Rule(learner, s, (DiffRankSnapshot) snapshot);
      }

      @Override
      public UpdateRule restoreState(io.rlsearch.agents.spi.AgentState state) {
        NeuralAgents.checkAgent(state, "diffrank");
        int in = s.contextDim() + s.itemDim();
        Mlp scorerLike = MlpInit.create(NeuralAgents.sizes(in, s.hidden(), 1), Mlp.Activation.TANH, new NumpyRandom(0));
        Rule r = new Rule(learner, s, new DiffRankSnapshot(0, Mlp.fromState(state, "scorer", scorerLike),
            state.array("temperature", 1)[0], s.contextDim(), s.itemDim(), s.candidates()));
        r.value.load(Mlp.fromState(state, "value", r.value.export()));
        r.click.load(state.array("click"), state.counter("click_updates"));
        r.updates = state.counter("updates");
        r.seen = state.counter("seen");
        r.rng.restoreState("rng", state.counters());
        return r;
      }
    };
  }

  /** Weight of the mean squared score in the scorer's loss. */
  static final float SCORE_PENALTY = 1e-3f;

  /** The update rule; {@link #lastObjective} is the relaxed expected reward of the last scorer batch. */
  public static final class Rule implements UpdateRule {
    private final Settings s;
    private final SharedLearner learner;
    /** The scorer's own lock: its steps, exports and closing run one at a time (other models' beside them). */
    private final Object stepLock = new Object();
    private final NDManager manager;
    private final Model scorer;
    private final Trainer trainer;
    private final Mlp shape;
    private final RegressionModel value;
    private final ClickModel click;
    private final NumpyRandom rng;
    private final int in;
    private final float[][] sessions;
    private int size;
    private int next;
    private final float[] ix;
    private final float[] iy;
    private int iSize;
    private int iNext;
    private double temperature;
    private long updates;
    /** The scorer's Adam step in Java, as the learner's regression models take it (null: DJL's, on request or on a GPU). */
    private final FastAdam fast;
    private long seen;
    private double lastObjective = Double.NaN;
    private long skipped;

    Rule(SharedLearner learner, Settings s, DiffRankSnapshot from) {
      this.s = s;
      this.learner = learner;
      this.in = s.contextDim() + s.itemDim();
      int[] sizes = NeuralAgents.sizes(in, s.hidden(), 1);
      Mlp init = from != null ? from.scorer() : MlpInit.create(sizes, Mlp.Activation.TANH, new NumpyRandom(s.seed()));
      this.shape = init;
      synchronized (learner.lock()) {
        this.manager = learner.manager().newSubManager();
        this.scorer = DjlNets.model("diffrank", manager, init);
        this.trainer = scorer.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
            .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) s.lr())).build()));
        this.fast = FastAdam.unlessDjl(scorer.getBlock(), (float) s.lr(), 0f, learner.djlOptimiser());
      }
      this.value = learner.regression("diffrank-value", MlpInit.create(sizes, Mlp.Activation.RELU,
          new NumpyRandom(s.seed() + 1)), s.valueLr(), 0);
      this.click = new ClickModel(s.contextDim(), s.itemDim(), s.shown(), s.clickLr(), 1e-4);
      this.rng = new NumpyRandom(s.seed() + 2);
      this.sessions = new float[s.buffer()][];
      this.ix = new float[s.buffer() * in];
      this.iy = new float[s.buffer()];
      this.temperature = from != null ? from.temperature() : s.temperature();
      // closed with the learner under its own lock, so never while one of its steps is under way
      this.closer = this::close;
      learner.own(closer);
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      throw new IllegalArgumentException("diffrank learns from whole transitions (slate, clicks), not from a decision");
    }

    @Override
    public void observe(Transition t) {
      double[] x = t.context();
      int[] slate = t.slate();
      int[] clicked = t.clicked();
      if (x.length != s.contextDim() + s.candidates() * s.itemDim() || slate.length == 0) {
        throw new IllegalArgumentException("diffrank learns from slate transitions of " + (s.contextDim()
            + s.candidates() * s.itemDim()) + " context values with the slate shown");
      }
      for (int k = 0; k < slate.length; k++) {
        click.update(x, x, s.contextDim() + slate[k] * s.itemDim(), k, clicked[k] == 1);
      }
      double[] earned = SlateInputs.clickTargets(t);
      int c = 0;
      for (int k = 0; k < slate.length; k++) {
        if (clicked[k] == 1) {
          SlateInputs.itemRow(x, s.contextDim(), s.itemDim(), slate[k], ix, iNext * in);
          iy[iNext] = (float) earned[c++];
          iNext = (iNext + 1) % s.buffer();
          iSize = Math.min(iSize + 1, s.buffer());
        }
      }
      float[] xf = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        xf[i] = (float) x[i];
      }
      sessions[next] = xf;
      next = (next + 1) % s.buffer();
      size = Math.min(size + 1, s.buffer());
      seen++;
      if (iSize >= s.batch()) {
        int m = s.batch();
        float[] xb = new float[m * in];
        float[] yb = new float[m];
        for (int b = 0; b < m; b++) {
          int i = (int) rng.integers(0, iSize);
          System.arraycopy(ix, i * in, xb, b * in, in);
          yb[b] = iy[i];
        }
        value.fit(xb, yb, m, 1, m, rng);
      }
      if (seen >= s.warmup() && size >= s.batch()) {
        scorerStep();
      }
    }

    /** One NeuralSort step on a batch of stored sessions. */
    private void scorerStep() {
      int b = s.batch();
      int n = s.candidates();
      int k = s.shown();
      int cd = s.contextDim();
      int d = s.itemDim();
      Mlp g = value.export();
      float[] xs = new float[b * n * in];
      float[] w = new float[b * k * n];
      float[] row = new float[in];
      double[] ctx = new double[cd + n * d];
      float[][] picked = new float[b][];
      for (int bi = 0; bi < b; bi++) {
        float[] x = sessions[(int) rng.integers(0, size)];
        picked[bi] = x;
        for (int i = 0; i < n; i++) {
          System.arraycopy(x, 0, row, 0, cd);
          System.arraycopy(x, cd + i * d, row, cd, d);
          System.arraycopy(row, 0, xs, (bi * n + i) * in, in);
        }
      }
      // The item values of every (session, candidate) row in one batched pass.
      float[] gv = g.forwardBatch(xs, b * n);
      for (int bi = 0; bi < b; bi++) {
        float[] x = picked[bi];
        for (int j = 0; j < x.length; j++) {
          ctx[j] = x[j];
        }
        for (int i = 0; i < n; i++) {
          double gi = gv[bi * n + i];
          double z = click.logit(ctx, ctx, cd + i * d);
          for (int kk = 0; kk < k; kk++) {
            w[(bi * k + kk) * n + i] = (float) (click.clickProbability(z, kk) * gi);
          }
        }
      }
      synchronized (stepLock) {
        learner.steps().acquireUninterruptibly();
        try (NDManager m = manager.newSubManager()) {
          NDArray xa = m.create(xs, new Shape((long) b * n, in));
          NDArray wa = m.create(w, new Shape(b, k, n));
          float[] coef = new float[k];
          for (int kk = 1; kk <= k; kk++) {
            coef[kk - 1] = n + 1 - 2f * kk;
          }
          NDArray ca = m.create(coef, new Shape(1, k, 1));
          // The loss's constants live in this step's manager: DJL's scalar overloads (div(float) and the
          // like) make an array, use it and close it at once, while the graph still holds it for the
          // backward pass, so a garbage collection in between frees memory the gradient then reads.
          NDArray tau = m.create((float) s.tau());
          NDArray batch = m.create((float) b);
          NDArray penalty = m.create(SCORE_PENALTY);
          double objective;
          double loss;
          try (Autograd gc = Autograd.record()) {
            NDArray f = trainer.forward(new NDList(xa)).singletonOrThrow().reshape(b, n);
            NDArray a = f.expandDims(2).sub(f.expandDims(1)).abs().sum(new int[] {2});
            NDArray c = ca.mul(f.expandDims(1)).sub(a.expandDims(1)).div(tau);
            NDArray p = c.softmax(2);
            NDArray j = p.mul(wa).sum().div(batch);
            // A sharper sort always scores higher under the relaxation, so unpenalised scores grow
            // without bound until the softmax overflows; a small penalty on their size keeps them finite.
            NDArray l = j.neg().add(f.square().mean().mul(penalty));
            objective = j.getFloat();
            loss = l.getFloat();
            if (Double.isFinite(loss)) {
              if (fast != null) {
                fast.backward(l);
              } else {
                gc.backward(l);
              }
            }
          }
          if (!Double.isFinite(loss)) {
            // A batch whose model estimates are not finite teaches nothing: skip it rather than
            // poison the scorer's weights.
            skipped++;
            return;
          }
          if (fast != null) {
            // DJL's step refuses a first step whose gradients are all zero; so does this one
            fast.readGradients(fast.steps() == 0);
            fast.step();
          } else {
            trainer.step();
          }
          learner.countStep();
          lastObjective = objective;
        } finally {
          learner.steps().release();
        }
      }
      updates++;
      temperature = Math.max(s.temperatureMin(), temperature * s.temperatureDecay());
    }

    /**
     * The scorer, item-value network, click model, temperature and counters; the session and item
     * buffers are not saved (a resumed run refills them).
     */
    @Override
    public java.util.Optional<io.rlsearch.agents.spi.AgentState> state() {
      java.util.Map<String, double[]> a = new java.util.HashMap<>();
      snapshot(0).scorer().putState("scorer", a);
      value.export().putState("value", a);
      a.put("click", click.parameters());
      a.put("temperature", new double[] {temperature});
      java.util.Map<String, Long> c = new java.util.HashMap<>(java.util.Map.of("click_updates", click.updates(),
          "updates", updates, "seen", seen));
      rng.putState("rng", c);
      return java.util.Optional.of(new io.rlsearch.agents.spi.AgentState("diffrank", a, c));
    }

    /** Scorer batches skipped because the agent's model estimates were not finite. */
    public long skippedSteps() {
      return skipped;
    }

    /** Whether the scorer's Adam step runs in Java (the learner's own step) rather than DJL's. */
    boolean javaAdam() {
      return fast != null;
    }

    /** Scorer steps taken. */
    public long updates() {
      return updates;
    }

    /** The relaxed expected reward of the last scorer batch (under the agent's model). */
    public double lastObjective() {
      return lastObjective;
    }

    /** The click model (a copy). */
    public ClickModel clickModel() {
      return click.copy();
    }

    /** The value network's weights. */
    public Mlp valueNetwork() {
      return value.export();
    }

    @Override
    public DiffRankSnapshot snapshot(long version) {
      Mlp weights;
      synchronized (stepLock) {
        weights = DjlNets.export(scorer.getBlock(), shape);
      }
      return new DiffRankSnapshot(version, weights, temperature, s.contextDim(), s.itemDim(), s.candidates());
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public void close() {
      synchronized (stepLock) {
        if (closed) {
          return;
        }
        closed = true;
        trainer.close();
        scorer.close();
        manager.close();
      }
      learner.disown(closer);
      value.close();
    }

    private boolean closed;
    /** This rule's close, as the learner holds it. */
    private final AutoCloseable closer;
  }
}
