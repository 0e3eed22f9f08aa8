package io.rlsearch.eval.ope;

/**
 * Propensities of an epsilon-greedy logger over a continuous action box (the reference's
 * {@code epsilon_greedy_logger}): with probability epsilon a uniform action in the box,
 * otherwise the behaviour policy's action, so the logged density of any action is
 * {@code (1 - eps) pi_b(a | x) + eps u} with u the uniform density.
 *
 * <p>The uniform density of the box {@code [low, high]^d} is {@code (high - low)^-d}. The reference
 * uses {@code 0.5^d}, the density of {@code [-1, 1]^d}, although its action box is
 * {@code [-a_max, a_max]^d} with {@code a_max = 5}; that is kept only behind
 * {@code referenceHalfDensity} so the reference's numbers can be reproduced.
 */
public final class ContinuousPropensity {
  private ContinuousPropensity() {}

  /**
   * The mixture density of an action.
   *
   * @param behaviorDensity {@code pi_b(a | x)} of the greedy branch
   * @param dim action dimension
   * @param low lower bound of each action component
   * @param high upper bound of each action component
   * @param eps exploration probability
   * @param referenceHalfDensity use the reference's {@code 0.5^d} instead of the box's density
   */
  public static double epsilonGreedy(double behaviorDensity, int dim, double low, double high, double eps,
      boolean referenceHalfDensity) {
    if (!(eps >= 0 && eps <= 1)) {
      throw new IllegalArgumentException("epsilon must lie in [0, 1], got " + eps);
    }
    if (!(high > low)) {
      throw new IllegalArgumentException("action box needs high > low, got [" + low + ", " + high + "]");
    }
    if (dim < 1) {
      throw new IllegalArgumentException("action dimension must be >= 1, got " + dim);
    }
    double uniform = referenceHalfDensity ? Math.pow(0.5, dim) : Math.pow(high - low, -dim);
    return (1 - eps) * behaviorDensity + eps * uniform;
  }

  /** The density of an isotropic Gaussian {@code N(mean, sigma^2 I)} at {@code a}. */
  public static double gaussian(double[] a, double[] mean, double sigma) {
    if (a.length != mean.length) {
      throw new IllegalArgumentException("action has " + a.length + " values, mean has " + mean.length);
    }
    double ss = 0;
    for (int i = 0; i < a.length; i++) {
      double z = (a[i] - mean[i]) / sigma;
      ss += z * z;
    }
    return Math.exp(-0.5 * ss - a.length * Math.log(sigma * Math.sqrt(2 * Math.PI)));
  }
}
