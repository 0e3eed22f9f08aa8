package io.rlsearch.eval.slate;

/**
 * One logged ranking, as the slate estimators read it, over its K covered positions.
 *
 * @param rewards the reward each position contributed
 * @param behaviorConditionals {@code mu(a_k at k | x, a_1..a_{k-1})}
 * @param targetConditionals {@code pi(a_k at k | x, a_1..a_{k-1})}
 * @param behaviorMarginals {@code mu(a_k at k | x)}
 * @param targetMarginals {@code pi(a_k at k | x)}
 * @param modelLogged the reward model at position k for the logged item, {@code q(x, a_k, k)}
 * @param modelTarget the reward model's expectation at position k under the target given the logged
 *     prefix, {@code sum_j pi(j at k | x, a_1..a_{k-1}) q(x, j, k)}
 * @param modelTargetRanking the reward model summed over a ranking drawn from the target for this
 *     context (the direct method's term)
 */
public record LoggedSlate(double[] rewards, double[] behaviorConditionals, double[] targetConditionals,
    double[] behaviorMarginals, double[] targetMarginals, double[] modelLogged, double[] modelTarget,
    double modelTargetRanking) {
  public LoggedSlate {
    int k = rewards.length;
    if (k == 0 || behaviorConditionals.length != k || targetConditionals.length != k || behaviorMarginals.length != k
        || targetMarginals.length != k || modelLogged.length != k || modelTarget.length != k) {
      throw new IllegalArgumentException("a logged slate needs the same K >= 1 positions in every array");
    }
    for (int p = 0; p < k; p++) {
      if (!(behaviorConditionals[p] > 0) || !(behaviorMarginals[p] > 0)) {
        throw new IllegalArgumentException("behaviour propensities must be > 0 (position " + p + ")");
      }
    }
    rewards = rewards.clone();
    behaviorConditionals = behaviorConditionals.clone();
    targetConditionals = targetConditionals.clone();
    behaviorMarginals = behaviorMarginals.clone();
    targetMarginals = targetMarginals.clone();
    modelLogged = modelLogged.clone();
    modelTarget = modelTarget.clone();
  }

  /** Covered positions. */
  public int positions() {
    return rewards.length;
  }

  /** The session's reward (the sum over positions). */
  public double total() {
    double s = 0;
    for (double r : rewards) {
      s += r;
    }
    return s;
  }
}
