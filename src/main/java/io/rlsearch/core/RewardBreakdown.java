package io.rlsearch.core;

/**
 * The parts of the scalar reward.
 *
 * @param gmv sum of the prices of bought items
 * @param cm2 sum of their contribution margins
 * @param strat number of bought items from strategic categories
 * @param clicks number of clicks
 */
public record RewardBreakdown(double gmv, double cm2, double strat, double clicks) {
  /** A zero breakdown. */
  public static final RewardBreakdown ZERO = new RewardBreakdown(0, 0, 0, 0);

  /** The element-wise sum. */
  public RewardBreakdown plus(RewardBreakdown o) {
    return new RewardBreakdown(gmv + o.gmv, cm2 + o.cm2, strat + o.strat, clicks + o.clicks);
  }
}
