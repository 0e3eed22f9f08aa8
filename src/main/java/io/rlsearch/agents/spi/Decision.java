package io.rlsearch.agents.spi;

/**
 * An arm chosen by a policy, with its probability under that policy.
 *
 * @param arm the arm (template id)
 * @param propensity the probability of that arm in that context (an estimate for Thompson sampling)
 */
public record Decision(int arm, double propensity) {
  public Decision {
    if (arm < 0) {
      throw new IllegalArgumentException("arm must be >= 0, got " + arm);
    }
    if (!(propensity > 0 && propensity <= 1)) {
      throw new IllegalArgumentException("propensity must lie in (0, 1], got " + propensity);
    }
  }
}
