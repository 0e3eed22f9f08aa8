package io.rlsearch.agents.slate;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A SlateQ policy frozen at a version. The context it acts on is the slate task's: {@code contextDim}
 * context values, then {@code candidates} rows of {@code itemDim} item features.
 *
 * <ul>
 *   <li>{@link Mode#DECOMPOSED} (Ie et al., 2019): item values {@code Q(s, i)} from the network and
 *       choice probabilities from the click model; candidates are ranked by {@code v(s, i) Q(s, i)}
 *       with {@code v(s, i) = P(click | s, i, first position)} (the paper's top-k slate optimisation,
 *       with its conditional-choice score replaced by the position-aware click model's), and a
 *       slate's value is the choice-weighted sum {@code sum_k P(click | s, A_k, k) Q(s, A_k)} over the
 *       positions a user sees, plus, across a user's sessions, {@code Q(s, end)}: the value of the
 *       session's end (the paper's no-click choice, which every session takes once), a network over
 *       the context alone.
 *   <li>{@link Mode#SIMPLIFIED} (the reference): candidates are ranked by {@code Q(s, i)}.
 * </ul>
 * Exploration as the reference: with probability epsilon every score gets N(0, 1) noise. The ranking
 * is deterministic given the stream, with no closed-form density, so the logged propensity is 1 (a
 * marker, not a probability).
 */
public final class SlateQSnapshot implements PolicySnapshot {
  /** Which SlateQ. */
  public enum Mode { DECOMPOSED, SIMPLIFIED }

  private final long version;
  private final Mode mode;
  private final Mlp q;
  private final Mlp end;
  private final ClickModel choice;
  private final double epsilon;
  private final int contextDim;
  private final int itemDim;
  private final int candidates;
  private final int shown;

  /**
   * A snapshot.
   *
   * @param q item-value network over {@code contextDim + itemDim} inputs
   * @param choice the click model (copied)
   * @param shown positions a user can see (the slate's length for its value)
   */
  public SlateQSnapshot(long version, Mode mode, Mlp q, ClickModel choice, double epsilon, int contextDim, int itemDim,
      int candidates, int shown) {
    this(version, mode, q, null, choice, epsilon, contextDim, itemDim, candidates, shown);
  }

  /**
   * A snapshot with the value of the session's end.
   *
   * @param end {@code Q(s, end)} over the {@code contextDim} context values, or null for none (one
   *     session per user: the end is worth 0)
   */
  public SlateQSnapshot(long version, Mode mode, Mlp q, Mlp end, ClickModel choice, double epsilon, int contextDim,
      int itemDim, int candidates, int shown) {
    if (q.inputs() != contextDim + itemDim || q.outputs() != 1) {
      throw new IllegalArgumentException("the item network needs " + (contextDim + itemDim) + " inputs and 1 output");
    }
    if (end != null && (end.inputs() != contextDim || end.outputs() != 1 || mode != Mode.DECOMPOSED)) {
      throw new IllegalArgumentException("the session-end network is decomposed SlateQ's, with " + contextDim
          + " inputs and 1 output");
    }
    if (!(epsilon >= 0 && epsilon <= 1) || candidates < 1 || shown < 1) {
      throw new IllegalArgumentException("SlateQ needs epsilon in [0, 1], candidates >= 1, shown >= 1");
    }
    this.version = version;
    this.mode = mode;
    this.q = q;
    this.end = end;
    this.choice = choice.copy();
    this.epsilon = epsilon;
    this.contextDim = contextDim;
    this.itemDim = itemDim;
    this.candidates = candidates;
    this.shown = shown;
  }

  @Override
  public String agent() {
    return mode == Mode.DECOMPOSED ? "slateq" : "slateq_simplified";
  }

  @Override
  public long version() {
    return version;
  }

  /** The mode. */
  public Mode mode() {
    return mode;
  }

  /** The exploration rate. */
  public double epsilon() {
    return epsilon;
  }

  /** Context values before the candidates' rows (the item network's first inputs). */
  public int contextDim() {
    return contextDim;
  }

  /** Features per candidate. */
  public int itemDim() {
    return itemDim;
  }

  /** The item network. */
  public Mlp q() {
    return q;
  }

  /** The session-end network, if any. */
  public java.util.Optional<Mlp> end() {
    return java.util.Optional.ofNullable(end);
  }

  /**
   * {@code Q(s, end)}: the value of the session's end at {@code x}, the discounted value of the user's
   * next sessions (0 without a session-end network).
   */
  public double endValue(double[] x) {
    check(x);
    if (end == null) {
      return 0;
    }
    float[] in = new float[contextDim];
    for (int j = 0; j < contextDim; j++) {
      in[j] = (float) x[j];
    }
    return end.forward1(in);
  }

  /** The click model (a copy). */
  public ClickModel choice() {
    return choice.copy();
  }

  private void check(double[] x) {
    if (x.length != contextDim + candidates * itemDim) {
      throw new IllegalArgumentException("a slate context has " + (contextDim + candidates * itemDim) + " values, got "
          + x.length);
    }
  }

  /**
   * {@code Q(s, i)} for every candidate, in one batch with the context's terms of the first layer
   * computed once: the bits of {@code q.forward1} on each candidate's row, except that an exactly zero
   * sum may come out with the other sign (the batch skips zero inputs).
   */
  public double[] itemValues(double[] x) {
    check(x);
    return SlateRows.scores(q, x, contextDim, itemDim, candidates);
  }

  /** The greedy ranking scores: {@code v(s, i) Q(s, i)} (decomposed) or {@code Q(s, i)} (simplified). */
  public double[] scores(double[] x) {
    double[] qv = itemValues(x);
    if (mode == Mode.SIMPLIFIED) {
      return qv;
    }
    double[] out = new double[candidates];
    for (int i = 0; i < candidates; i++) {
      out[i] = choice.clickProbability(choice.logit(x, x, contextDim + i * itemDim), 0) * qv[i];
    }
    return out;
  }

  /**
   * The value of the greedy slate at {@code x}: {@code sum_k P(click | s, A_k, k) Q(s, A_k) + Q(s, end)}
   * over the first {@code shown} positions of the ranking by {@link #scores}.
   */
  public double slateValue(double[] x) {
    return greedyValue(x, itemValues(x));
  }

  /**
   * As {@link #slateValue(double[])} with the candidates' item values {@code Q(s, i)} given (computed
   * elsewhere, e.g. in one batch for many states).
   */
  public double greedyValue(double[] x, double[] qv) {
    check(x);
    if (qv.length != candidates) {
      throw new IllegalArgumentException("need " + candidates + " item values, got " + qv.length);
    }
    double[] s = qv;
    if (mode == Mode.DECOMPOSED) {
      s = new double[candidates];
      for (int i = 0; i < candidates; i++) {
        s[i] = choice.clickProbability(choice.logit(x, x, contextDim + i * itemDim), 0) * qv[i];
      }
    }
    Integer[] order = order(s);
    int[] ranking = new int[order.length];
    for (int i = 0; i < ranking.length; i++) {
      ranking[i] = order[i];
    }
    return value(x, ranking, qv);
  }

  /**
   * The value of the slate {@code ranking} (candidate indices, best first) at {@code x}:
   * {@code sum_k P(click | s, A_k, k) Q(s, A_k) + Q(s, end)} over its first {@code shown} positions.
   */
  public double slateValue(double[] x, int[] ranking) {
    double[] qv = itemValues(x);
    for (int i : ranking) {
      if (i < 0 || i >= candidates) {
        throw new IllegalArgumentException("a ranking holds candidate indices 0.." + (candidates - 1) + ", got " + i);
      }
    }
    return value(x, ranking, qv);
  }

  private double value(double[] x, int[] ranking, double[] qv) {
    double v = 0;
    for (int k = 0; k < Math.min(shown, ranking.length); k++) {
      int i = ranking[k];
      v += choice.clickProbability(choice.logit(x, x, contextDim + i * itemDim), k) * qv[i];
    }
    return v + endValue(x);
  }



  /** Candidate indices by descending score (ties by index). */
  static Integer[] order(double[] s) {
    Integer[] idx = new Integer[s.length];
    for (int i = 0; i < s.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i));
    return idx;
  }

  @Override
  public PolicySnapshot greedy() {
    return epsilon == 0 ? this
        : new SlateQSnapshot(version, mode, q, end, choice, 0.0, contextDim, itemDim, candidates, shown);
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    double[] s = scores(x);
    if (epsilon > 0 && rng.random() < epsilon) {
      for (int i = 0; i < s.length; i++) {
        s[i] += rng.standardNormal();
      }
    }
    return Decision.continuous(s, 1.0);
  }
}
