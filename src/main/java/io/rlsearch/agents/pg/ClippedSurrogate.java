package io.rlsearch.agents.pg;

/**
 * PPO's clipped surrogate (Schulman et al., 2017), per sample:
 * {@code L = min(r A, clip(r, 1 - eps, 1 + eps) A)} with {@code r = pi_theta(a|x) / pi_old(a|x)}.
 *
 * <p>Its gradient is {@code A r grad log pi_theta(a|x)} where the unclipped term is the minimum, and 0
 * where the clip binds ({@code A > 0} and {@code r > 1 + eps}, or {@code A < 0} and {@code r < 1 - eps}):
 * {@link #logProbWeight} gives the factor on {@code grad log pi}, so a policy model that trains on
 * per-sample weights of {@code log pi} (REINFORCE's form) trains PPO too.
 */
public final class ClippedSurrogate {
  private ClippedSurrogate() {}

  /** The objective's value for one sample. */
  public static double value(double ratio, double advantage, double eps) {
    double clipped = Math.max(1 - eps, Math.min(1 + eps, ratio));
    return Math.min(ratio * advantage, clipped * advantage);
  }

  /** The weight of {@code grad log pi} in the objective's gradient for one sample. */
  public static double logProbWeight(double ratio, double advantage, double eps) {
    if (!(eps > 0)) {
      throw new IllegalArgumentException("clip range must be > 0, got " + eps);
    }
    boolean clipped = (advantage > 0 && ratio > 1 + eps) || (advantage < 0 && ratio < 1 - eps);
    return clipped ? 0.0 : advantage * ratio;
  }

  /** Whether the clip binds for this sample (for the clip-fraction diagnostic). */
  public static boolean clipped(double ratio, double advantage, double eps) {
    return (advantage > 0 && ratio > 1 + eps) || (advantage < 0 && ratio < 1 - eps);
  }
}
