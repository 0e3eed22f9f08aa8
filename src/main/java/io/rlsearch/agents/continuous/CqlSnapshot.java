package io.rlsearch.agents.continuous;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;

/**
 * The greedy policy of a conservative Q-function pair: draws {@code candidates} uniform
 * actions in {@code [-aMax, aMax]^d} from the episode's stream and plays the one with the highest
 * {@code min(q1, q2)}. Acting is deterministic given the stream; like the Q-ensemble's CEM choice it
 * has no closed-form density, so the logged propensity is 1 (a marker, not a density). The critics may
 * be trained on rewards mapped to {@code (r - shift) / scale}; {@link #value} maps back to reward units.
 * The candidates are scored in one batched pass per critic ({@link Mlp#forwardBatch}).
 */
public final class CqlSnapshot implements PolicySnapshot {
  private final String agent;
  private final long version;
  private final Mlp q1;
  private final Mlp q2;
  private final int actionDim;
  private final double aMax;
  private final int candidates;
  private final double shift;
  private final double scale;

  /** A snapshot of critics {@code q1} and {@code q2} over {@code (context, action)} inputs, in reward units. */
  public CqlSnapshot(String agent, long version, Mlp q1, Mlp q2, int actionDim, double aMax, int candidates) {
    this(agent, version, q1, q2, actionDim, aMax, candidates, 0.0, 1.0);
  }

  /** As above, for critics trained on {@code (r - shift) / scale}. */
  public CqlSnapshot(String agent, long version, Mlp q1, Mlp q2, int actionDim, double aMax, int candidates,
      double shift, double scale) {
    if (q1.inputs() != q2.inputs() || q1.outputs() != 1 || q2.outputs() != 1 || q1.inputs() <= actionDim) {
      throw new IllegalArgumentException("CQL needs two critics with the same (context + " + actionDim
          + " action) inputs and one output");
    }
    if (!(aMax > 0) || candidates < 1 || !(scale > 0) || !Double.isFinite(shift)) {
      throw new IllegalArgumentException("CQL needs a_max > 0, candidates >= 1, a finite shift and a scale > 0");
    }
    this.shift = shift;
    this.scale = scale;
    this.agent = agent;
    this.version = version;
    this.q1 = q1;
    this.q2 = q2;
    this.actionDim = actionDim;
    this.aMax = aMax;
    this.candidates = candidates;
  }

  /** The same policy under another version number. */
  public CqlSnapshot withVersion(long v) {
    return new CqlSnapshot(agent, v, q1, q2, actionDim, aMax, candidates, shift, scale);
  }

  /** The critics. */
  public Mlp q1() {
    return q1;
  }

  /** The action box. */
  public double aMax() {
    return aMax;
  }

  /** Action dimension. */
  public int actionDim() {
    return actionDim;
  }

  /** Candidates searched per decision. */
  public int candidates() {
    return candidates;
  }

  /** The reward map's shift (values are {@code shift + scale * min(q1, q2)}). */
  public double shift() {
    return shift;
  }

  /** The reward map's scale. */
  public double scale() {
    return scale;
  }

  /** The second critic. */
  public Mlp q2() {
    return q2;
  }

  /** {@code min(q1, q2)(x, a)}, in reward units. */
  public double value(double[] x, double[] a) {
    float[] in = new float[x.length + a.length];
    for (int i = 0; i < x.length; i++) {
      in[i] = (float) x[i];
    }
    for (int i = 0; i < a.length; i++) {
      in[x.length + i] = (float) a[i];
    }
    return shift + scale * Math.min(q1.forward1(in), q2.forward1(in));
  }

  @Override
  public String agent() {
    return agent;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    double[][] cand = new double[candidates][actionDim];
    float[] context = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      context[i] = (float) x[i];
    }
    float[] rest = new float[candidates * actionDim];
    for (int c = 0; c < candidates; c++) {
      for (int d = 0; d < actionDim; d++) {
        cand[c][d] = rng.uniform(-aMax, aMax);
        rest[c * actionDim + d] = (float) cand[c][d];
      }
    }
    // the context's share of the first layer once per critic (the same bits as whole rows)
    float[] v1 = q1.forwardBatch(context, rest, candidates);
    float[] v2 = q2.forwardBatch(context, rest, candidates);
    int best = 0;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < candidates; c++) {
      double v = Math.min(v1[c], v2[c]);
      if (v > bestValue) {
        best = c;
        bestValue = v;
      }
    }
    return Decision.continuous(cand[best], 1.0);
  }
}
