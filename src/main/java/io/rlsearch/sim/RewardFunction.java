package io.rlsearch.sim;

import io.rlsearch.core.RewardBreakdown;

/**
 * The reference's {@code compute_reward}: {@code R = alpha GMV + beta CM2 + gamma STRAT + delta CLICKS}
 * over the positions the session covered.
 */
public final class RewardFunction {
  private final SimSettings.Reward w;
  private final Catalog cat;

  /** The reward of {@code world}. */
  public RewardFunction(World world) {
    this.w = world.settings().reward();
    this.cat = world.catalog();
  }

  /**
   * The reward each covered position contributes (its purchase's GMV, CM2 and strategic terms and its
   * click's): the reward is additive over positions, so these sum to {@link #scalar} of
   * {@link #breakdown}. What ranking estimators that credit positions read.
   */
  public double[] positionRewards(int[] ranking, SessionOutcome outcome) {
    double[] r = new double[outcome.length()];
    for (int j = 0; j < r.length; j++) {
      double v = w.deltaClicks() * outcome.click(j);
      if (j < ranking.length && outcome.buy(j) != 0) {
        int p = ranking[j];
        v += w.alphaGmv() * cat.price[p] + w.betaCm2() * cat.cm2[p] + (cat.strategic[p] ? w.gammaStrat() : 0);
      }
      r[j] = v;
    }
    return r;
  }

  /** The breakdown of a session over {@code ranking}. */
  public RewardBreakdown breakdown(int[] ranking, SessionOutcome outcome) {
    int n = Math.min(ranking.length, outcome.length());
    double gmv = 0;
    double cm2 = 0;
    double strat = 0;
    double clicks = 0;
    for (int j = 0; j < n; j++) {
      if (outcome.buy(j) != 0) {
        int p = ranking[j];
        gmv += cat.price[p];
        cm2 += cat.cm2[p];
        if (cat.strategic[p]) {
          strat += 1;
        }
      }
    }
    for (int j = 0; j < outcome.length(); j++) {
      clicks += outcome.click(j);
    }
    return new RewardBreakdown(gmv, cm2, strat, clicks);
  }

  /** The scalar reward of a breakdown. */
  public double scalar(RewardBreakdown r) {
    return w.alphaGmv() * r.gmv() + w.betaCm2() * r.cm2() + w.gammaStrat() * r.strat()
        + w.deltaClicks() * r.clicks();
  }
}
