package io.rlsearch.learn;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.slate.ClickModel;
import io.rlsearch.agents.slate.SlateQSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * SlateQ on the slate task, trained in the {@link SharedLearner}.
 *
 * <p><b>Decomposed</b> (Ie et al., 2019, the default): an item network {@code Q(s, i)} and a
 * position-aware logistic click model. Every shown position trains the click model. Each clicked
 * item is a consumed item: its target is what its position earned (its click's term and, if bought,
 * its item's GMV, CM2 and strategic terms: the transition's per-position rewards). With
 * {@code gamma > 0} the user's next sessions enter once per session, through the session's end (the
 * paper's no-click choice, which every session of the cascade takes once, after its last click or
 * without any): a second network {@code Q(s, end)} over the context is regressed on
 * {@code gamma V(s')}, with {@code V(s') = sum_k P(click | s', A'_k, k) Q(s', A'_k) + Q(s', end)} the
 * value of the greedy slate {@code A'} at the same user's next session, computed when the sample is
 * drawn with a target copy of the networks refreshed every {@code targetEvery} updates; the replay
 * keeps {@code (s, s')}. A session waits for the user's next one; when {@code terminalAfter} other
 * sessions have arrived first, the user is taken to have left ({@code V(s') = 0}). So
 * {@code V(s) = E[sum of the clicked positions' rewards] + gamma E[V(s')]}. Acting ranks by
 * {@code v(s, i) Q(s, i)} ({@code Q(s, end)} is the same for every slate of a state).
 *
 * <p><b>Simplified</b> (the reference, a switch): a buffer of (context, scores, reward);
 * each update samples 32 sessions, takes each one's top 5 stored scores as its slate and regresses
 * {@code sum_{i in slate} Q(s, i)} on the session's reward; no click model, no bootstrap.
 *
 * <p>Both: replay of 10,000, one minibatch step per session once the buffer holds a batch,
 * epsilon-greedy score noise decaying 0.995 per update to 0.05 (the reference's).
 */
public final class SlateQAgent {
  private SlateQAgent() {}

  /**
   * SlateQ settings.
   *
   * @param mode decomposed or simplified
   * @param hidden hidden sizes of the item network
   * @param lr Adam's learning rate
   * @param batch minibatch
   * @param buffer replay capacity
   * @param epsilon initial exploration rate
   * @param epsilonDecay per-update decay
   * @param epsilonMin floor
   * @param gamma discount across a user's sessions (0: no bootstrap)
   * @param targetEvery updates between target-network refreshes
   * @param terminalAfter sessions after which a user's pending session is taken as the last
   * @param clickLr click model SGD step
   * @param shown positions a user sees (the slate value's length)
   * @param simplifiedK the simplified form's slate length (the reference's 5)
   * @param contextDim the slate context's length before the item rows
   * @param itemDim features per item
   * @param candidates candidates per session
   * @param seed initialisation and sampling seed
   */
  public record Settings(SlateQSnapshot.Mode mode, int[] hidden, double lr, int batch, int buffer, double epsilon,
      double epsilonDecay, double epsilonMin, double gamma, int targetEvery, int terminalAfter, double clickLr,
      int shown, int simplifiedK, int contextDim, int itemDim, int candidates, long seed) {
    public Settings {
      hidden = hidden.clone();
      if (!(lr > 0) || batch < 1 || buffer < batch || !(epsilon >= 0 && epsilon <= 1) || !(epsilonMin >= 0)
          || !(gamma >= 0 && gamma < 1) || targetEvery < 1 || terminalAfter < 1 || !(clickLr > 0) || shown < 1
          || simplifiedK < 1 || contextDim < 0 || itemDim < 1 || candidates < simplifiedK) {
        throw new IllegalArgumentException("SlateQ settings out of range (lr > 0, buffer >= batch >= 1, epsilon in"
            + " [0, 1], gamma in [0, 1), counts >= 1, candidates >= slate length)");
      }
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /**
     * The Battle Royale's SlateQ: the slate env's 8-d context, 50 candidates of 10
     * features, lr 5e-4, hidden (64, 64), batch 32, buffer 10,000, epsilon 1 -> 0.05 by 0.995, one
     * session per user (gamma 0), 20 positions seen.
     */
    public static Settings battle(SlateQSnapshot.Mode mode) {
      return new Settings(mode, new int[] {64, 64}, 5e-4, 32, 10_000, 1.0, 0.995, 0.05, 0.0, 100, 256, 0.05, 20, 5, 8,
          10, 50, 42);
    }

    /** The same settings with discount {@code g} (bootstrapping over a user's sessions). */
    public Settings withGamma(double g) {
      return new Settings(mode, hidden, lr, batch, buffer, epsilon, epsilonDecay, epsilonMin, g, targetEvery,
          terminalAfter, clickLr, shown, simplifiedK, contextDim, itemDim, candidates, seed);
    }
  }

  /** The SlateQ agent ("slateq", or "slateq_simplified" for the reference's form). */
  public static AgentBuilder builder(SharedLearner learner, Settings s) {
    String name = s.mode() == SlateQSnapshot.Mode.DECOMPOSED ? "slateq" : "slateq_simplified";
    return new AgentBuilder() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        SlateInputs.requireDim(name, s.contextDim(), s.candidates(), s.itemDim(), dim);
        return new Rule(learner, s, null);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return new Rule(learner, s, (SlateQSnapshot) snapshot);
      }

      @Override
      public UpdateRule restoreState(io.rlsearch.agents.spi.AgentState state) {
        NeuralAgents.checkAgent(state, name);
        Mlp like = MlpInit.create(NeuralAgents.sizes(s.contextDim() + s.itemDim(), s.hidden(), 1), Mlp.Activation.RELU,
            new NumpyRandom(0));
        ClickModel click = new ClickModel(s.contextDim(), s.itemDim(), s.shown(), s.clickLr(), 1e-4);
        click.load(state.array("click"), state.counter("click_updates"));
        Mlp end = null;
        if (s.mode() == SlateQSnapshot.Mode.DECOMPOSED && s.gamma() > 0) {
          end = Mlp.fromState(state, "end", MlpInit.create(NeuralAgents.sizes(s.contextDim(), s.hidden(), 1),
              Mlp.Activation.RELU, new NumpyRandom(0)));
        }
        Rule r = new Rule(learner, s, new SlateQSnapshot(0, s.mode(), Mlp.fromState(state, "q", like), end, click,
            state.array("epsilon", 1)[0], s.contextDim(), s.itemDim(), s.candidates(), s.shown()));
        r.updates = state.counter("updates");
        r.rng.restoreState("rng", state.counters());
        return r;
      }
    };
  }

  /** SlateQ's update rule. */
  public static final class Rule implements UpdateRule {
    private final Settings s;
    private final RegressionModel q;
    private final ClickModel choice;
    private final NumpyRandom rng;
    private final int in;
    // Item samples (decomposed): inputs and targets.
    private final float[] ix;
    private final float[] iy;
    private int iSize;
    private int iNext;
    // Sessions (simplified): contexts, scores, rewards.
    private final float[][] sx;
    private final float[][] ss;
    private final float[] sr;
    private double epsilon;
    private long updates;
    private SlateQSnapshot target;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final ArrayDeque<Pending> pendingOrder = new ArrayDeque<>();
    private long arrivals;
    // Sessions (decomposed, gamma > 0): the end network, its replay of (s, s') and its sampling stream,
    // and the target item network in DJL (for the next states' item values in one batch).
    private final RegressionModel end;
    private final RegressionModel targetItems;
    private final float[] ex;
    private final float[][] enext;
    private int eSize;
    private int eNext;
    private final NumpyRandom endRng;

    /** A session's context waiting for the user's next session. */
    private record Pending(long user, int session, long arrival, float[] context) {}

    Rule(SharedLearner learner, Settings s, SlateQSnapshot from) {
      this.s = s;
      this.in = s.contextDim() + s.itemDim();
      int[] sizes = NeuralAgents.sizes(in, s.hidden(), 1);
      Mlp init = from != null ? from.q() : MlpInit.create(sizes, Mlp.Activation.RELU, new NumpyRandom(s.seed()));
      this.q = learner.regression("slateq", init, s.lr(), 0);
      this.choice = from != null ? from.choice()
          : new ClickModel(s.contextDim(), s.itemDim(), s.shown(), s.clickLr(), 1e-4);
      this.epsilon = from != null ? from.epsilon() : s.epsilon();
      this.rng = new NumpyRandom(s.seed() + 1);
      boolean decomposed = s.mode() == SlateQSnapshot.Mode.DECOMPOSED;
      this.ix = decomposed ? new float[s.buffer() * in] : new float[0];
      this.iy = decomposed ? new float[s.buffer()] : new float[0];
      this.sx = decomposed ? new float[0][] : new float[s.buffer()][];
      this.ss = decomposed ? new float[0][] : new float[s.buffer()][];
      this.sr = decomposed ? new float[0] : new float[s.buffer()];
      boolean sessions = decomposed && s.gamma() > 0;
      if (sessions) {
        Mlp endInit = from != null && from.end().isPresent() ? from.end().get()
            : MlpInit.create(NeuralAgents.sizes(s.contextDim(), s.hidden(), 1), Mlp.Activation.RELU,
                new NumpyRandom(s.seed() + 2));
        this.end = learner.regression("slateq_end", endInit, s.lr(), 0);
        this.targetItems = learner.regression("slateq_target", init, s.lr(), 0);
      } else {
        this.end = null;
        this.targetItems = null;
      }
      this.ex = sessions ? new float[s.buffer() * s.contextDim()] : new float[0];
      this.enext = sessions ? new float[s.buffer()][] : new float[0][];
      this.endRng = new NumpyRandom(s.seed() + 3);
      this.target = snapshot(0);
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      throw new IllegalArgumentException("SlateQ learns from whole transitions (slate, clicks), not from a decision");
    }

    @Override
    public void observe(Transition t) {
      double[] x = t.context();
      if (x.length != s.contextDim() + s.candidates() * s.itemDim() || t.arm() >= 0) {
        throw new IllegalArgumentException("SlateQ learns from slate transitions of " + (s.contextDim()
            + s.candidates() * s.itemDim()) + " context values");
      }
      if (s.mode() == SlateQSnapshot.Mode.SIMPLIFIED) {
        int i = iNext;
        sx[i] = toFloat(x);
        ss[i] = toFloat(t.action());
        sr[i] = (float) t.reward();
        iNext = (iNext + 1) % s.buffer();
        iSize = Math.min(iSize + 1, s.buffer());
        if (iSize >= s.batch()) {
          simplifiedStep();
        }
        return;
      }
      int[] slate = t.slate();
      int[] clicked = t.clicked();
      if (slate.length == 0) {
        throw new IllegalArgumentException("a SlateQ transition needs the slate shown");
      }
      for (int k = 0; k < slate.length; k++) {
        choice.update(x, x, s.contextDim() + slate[k] * s.itemDim(), k, clicked[k] == 1);
      }
      double[] share = SlateInputs.clickTargets(t);
      int c = 0;
      for (int k = 0; k < slate.length; k++) {
        if (clicked[k] == 1) {
          float[] row = new float[in];
          SlateInputs.itemRow(x, s.contextDim(), s.itemDim(), slate[k], row, 0);
          push(row, share[c]);
          c++;
        }
      }
      if (end != null) {
        arrivals++;
        // The user's previous session, if it waits: this session is its next state.
        Pending prev = pending.remove(t.user());
        if (prev != null && prev.session() < t.session()) {
          pushSession(prev.context(), toFloat(x));
        }
        expirePending();
        float[] ctx = new float[s.contextDim()];
        for (int j = 0; j < ctx.length; j++) {
          ctx[j] = (float) x[j];
        }
        Pending p = new Pending(t.user(), t.session(), arrivals, ctx);
        pending.put(t.user(), p);
        pendingOrder.add(p);
      }
      if (iSize >= s.batch()) {
        decomposedStep();
      }
      if (end != null && eSize >= s.batch()) {
        endStep();
      }
    }

    private void expirePending() {
      for (Iterator<Pending> it = pendingOrder.iterator(); it.hasNext();) {
        Pending p = it.next();
        if (pending.get(p.user()) != p) {
          it.remove();
        } else if (arrivals - p.arrival() >= s.terminalAfter()) {
          // The user has not come back: the session was the last (V(s') = 0).
          pushSession(p.context(), null);
          pending.remove(p.user());
          it.remove();
        } else {
          break;
        }
      }
    }

    /** Keeps a session {@code (s, s')} for the end network ({@code next} null: the user left). */
    private void pushSession(float[] context, float[] next) {
      System.arraycopy(context, 0, ex, eNext * s.contextDim(), s.contextDim());
      enext[eNext] = next;
      eNext = (eNext + 1) % s.buffer();
      eSize = Math.min(eSize + 1, s.buffer());
    }

    /**
     * One minibatch step of the end network: {@code Q(s, end)} on {@code gamma V(s')}, with
     * {@code V(s')} the target networks' greedy slate value at the next session (0 after the last).
     */
    private void endStep() {
      int m = s.batch();
      int d = s.contextDim();
      int n = s.candidates();
      float[] xb = new float[m * d];
      float[] yb = new float[m];
      int[] drawn = new int[m];
      int live = 0;
      for (int b = 0; b < m; b++) {
        int i = (int) endRng.integers(0, eSize);
        drawn[b] = i;
        System.arraycopy(ex, i * d, xb, b * d, d);
        live += enext[i] == null ? 0 : 1;
      }
      if (live > 0) {
        // The next states' item values through the target item network, all candidates in one batch.
        float[] rows = new float[live * n * in];
        int r = 0;
        for (int b = 0; b < m; b++) {
          float[] next = enext[drawn[b]];
          if (next != null) {
            for (int c = 0; c < n; c++) {
              System.arraycopy(next, 0, rows, r * in, d);
              System.arraycopy(next, d + c * s.itemDim(), rows, r * in + d, s.itemDim());
              r++;
            }
          }
        }
        float[] qv = targetItems.predict(rows, live * n);
        int l = 0;
        for (int b = 0; b < m; b++) {
          float[] next = enext[drawn[b]];
          if (next != null) {
            double[] values = new double[n];
            for (int c = 0; c < n; c++) {
              values[c] = qv[l * n + c];
            }
            yb[b] = (float) (s.gamma() * target.greedyValue(toDouble(next), values));
            l++;
          }
        }
      }
      end.fit(xb, yb, m, 1, m, endRng);
    }

    private void push(float[] row, double y) {
      System.arraycopy(row, 0, ix, iNext * in, in);
      iy[iNext] = (float) y;
      iNext = (iNext + 1) % s.buffer();
      iSize = Math.min(iSize + 1, s.buffer());
    }

    private void decomposedStep() {
      int m = s.batch();
      float[] xb = new float[m * in];
      float[] yb = new float[m];
      for (int b = 0; b < m; b++) {
        int i = (int) rng.integers(0, iSize);
        System.arraycopy(ix, i * in, xb, b * in, in);
        yb[b] = iy[i];
      }
      q.fit(xb, yb, m, 1, m, rng);
      afterUpdate();
    }

    private void simplifiedStep() {
      int m = s.batch();
      int k = s.simplifiedK();
      // Without replacement, as the reference's random.sample.
      int[] pick = new int[iSize];
      for (int i = 0; i < iSize; i++) {
        pick[i] = i;
      }
      for (int i = 0; i < m; i++) {
        int j = i + (int) rng.integers(0, iSize - i);
        int tmp = pick[i];
        pick[i] = pick[j];
        pick[j] = tmp;
      }
      float[] xb = new float[m * k * in];
      float[] yb = new float[m];
      for (int b = 0; b < m; b++) {
        int i = pick[b];
        float[] scores = ss[i];
        Integer[] order = new Integer[scores.length];
        for (int c = 0; c < order.length; c++) {
          order[c] = c;
        }
        java.util.Arrays.sort(order, (u, v) -> Float.compare(scores[v], scores[u]) != 0
            ? Float.compare(scores[v], scores[u]) : Integer.compare(u, v));
        for (int c = 0; c < k; c++) {
          int row = (b * k + c) * in;
          System.arraycopy(sx[i], 0, xb, row, s.contextDim());
          System.arraycopy(sx[i], s.contextDim() + order[c] * s.itemDim(), xb, row + s.contextDim(), s.itemDim());
        }
        yb[b] = sr[i];
      }
      q.groupedStep(xb, m, k, yb);
      afterUpdate();
    }

    private void afterUpdate() {
      updates++;
      epsilon = Math.max(s.epsilonMin(), epsilon * s.epsilonDecay());
      if (updates % s.targetEvery() == 0) {
        target = snapshot(0);
        if (targetItems != null) {
          targetItems.load(target.q());
        }
      }
    }

    private static double[] toDouble(float[] v) {
      double[] out = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i];
      }
      return out;
    }

    private static float[] toFloat(double[] v) {
      float[] out = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = (float) v[i];
      }
      return out;
    }

    /** Minibatch updates taken. */
    public long updates() {
      return updates;
    }

    /** Sessions waiting for their user's next session. */
    public int pending() {
      return pending.size();
    }

    /**
     * The item network (and session-end network), click model, exploration rate and update count; the
     * replay buffers and the sessions waiting for their next are not saved (a resumed run refills them).
     */
    @Override
    public java.util.Optional<io.rlsearch.agents.spi.AgentState> state() {
      java.util.Map<String, double[]> a = new java.util.HashMap<>();
      q.export().putState("q", a);
      if (end != null) {
        end.export().putState("end", a);
      }
      a.put("click", choice.parameters());
      a.put("epsilon", new double[] {epsilon});
      java.util.Map<String, Long> c = new java.util.HashMap<>(java.util.Map.of("click_updates", choice.updates(),
          "updates", updates));
      rng.putState("rng", c);
      return java.util.Optional.of(new io.rlsearch.agents.spi.AgentState(
          s.mode() == SlateQSnapshot.Mode.DECOMPOSED ? "slateq" : "slateq_simplified", a, c));
    }

    @Override
    public SlateQSnapshot snapshot(long version) {
      return new SlateQSnapshot(version, s.mode(), q.export(), end == null ? null : end.export(), choice, epsilon,
          s.contextDim(), s.itemDim(), s.candidates(), s.shown());
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public void close() {
      q.close();
      if (end != null) {
        end.close();
        targetItems.close();
      }
    }
  }
}
