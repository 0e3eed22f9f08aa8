package io.rlsearch.sim;

import io.rlsearch.core.random.NumpyRandom;

/**
 * The logistic return hazard across sessions:
 * {@code p = sigmoid(logit(base_rate) + click_weight clicks + satisfaction_weight H)}.
 */
public final class Retention {
  private final SimSettings.Retention r;

  /** The retention model of these settings. */
  public Retention(SimSettings.Retention r) {
    this.r = r;
  }

  /** Probability that a user with this session's clicks and final satisfaction returns. */
  public double returnProbability(double clicks, double satisfaction) {
    double p = Math.min(Math.max(r.baseRate(), 1e-6), 1 - 1e-6);
    double logit = Math.log(p / (1 - p));
    double x = logit + r.clickWeight() * clicks + r.satisfactionWeight() * satisfaction;
    return Math.min(1.0, Math.max(0.0, Stats.sigmoid(x)));
  }

  /** {@code sample_return}: one uniform draw against the return probability. */
  public boolean sampleReturn(double clicks, double satisfaction, NumpyRandom rng) {
    return rng.random() < returnProbability(clicks, satisfaction);
  }
}
