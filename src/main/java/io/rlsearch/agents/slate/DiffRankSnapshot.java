package io.rlsearch.agents.slate;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;

/**
 * A differentiable-ranking policy frozen at a version: a scoring network {@code f(s, i)} over the
 * slate task's context and each candidate's features. Exploration samples a Plackett-Luce ranking by
 * adding {@code temperature x Gumbel(0, 1)} noise to the scores (the Gumbel-max trick); at
 * temperature 0 it ranks by the scores. The logged propensity is 1 (a marker: the ranking's
 * Plackett-Luce probability is not what a continuous decision's density means).
 */
public final class DiffRankSnapshot implements PolicySnapshot {
  private final long version;
  private final Mlp scorer;
  private final double temperature;
  private final int contextDim;
  private final int itemDim;
  private final int candidates;

  /** A snapshot. */
  public DiffRankSnapshot(long version, Mlp scorer, double temperature, int contextDim, int itemDim, int candidates) {
    if (scorer.inputs() != contextDim + itemDim || scorer.outputs() != 1) {
      throw new IllegalArgumentException("the scorer needs " + (contextDim + itemDim) + " inputs and 1 output");
    }
    if (!(temperature >= 0) || candidates < 1) {
      throw new IllegalArgumentException("diffrank needs temperature >= 0 and candidates >= 1");
    }
    this.version = version;
    this.scorer = scorer;
    this.temperature = temperature;
    this.contextDim = contextDim;
    this.itemDim = itemDim;
    this.candidates = candidates;
  }

  @Override
  public String agent() {
    return "diffrank";
  }

  @Override
  public long version() {
    return version;
  }

  /** The scoring network. */
  public Mlp scorer() {
    return scorer;
  }

  /** The exploration temperature. */
  public double temperature() {
    return temperature;
  }

  /** Context values before the candidates' rows (the scorer's first inputs). */
  public int contextDim() {
    return contextDim;
  }

  /** Features per candidate. */
  public int itemDim() {
    return itemDim;
  }

  /**
   * The scores {@code f(s, i)} of every candidate, in one batch through the scorer with the context's
   * terms of the first layer computed once ({@link Mlp#forwardBatch(float[], float[], int)}): the bits of
   * {@code scorer.forward1} on each candidate's row, except that an exactly zero sum may come out with
   * the other sign (the batch skips zero inputs).
   */
  public double[] scores(double[] x) {
    if (x.length != contextDim + candidates * itemDim) {
      throw new IllegalArgumentException("a slate context has " + (contextDim + candidates * itemDim) + " values, got "
          + x.length);
    }
    return SlateRows.scores(scorer, x, contextDim, itemDim, candidates);
  }

  @Override
  public PolicySnapshot greedy() {
    return temperature == 0 ? this : new DiffRankSnapshot(version, scorer, 0.0, contextDim, itemDim, candidates);
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    double[] s = scores(x);
    if (temperature > 0) {
      for (int i = 0; i < s.length; i++) {
        double u = Math.max(rng.random(), 1e-300);
        s[i] += temperature * -Math.log(-Math.log(u));
      }
    }
    return Decision.continuous(s, 1.0);
  }
}
