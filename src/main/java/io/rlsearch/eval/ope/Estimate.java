package io.rlsearch.eval.ope;

/**
 * One estimator's estimate of a target policy's value.
 *
 * @param estimator estimator name
 * @param value the estimate
 * @param ciLow lower end of the 95% confidence interval
 * @param ciHigh upper end of the 95% confidence interval
 * @param stdError standard error behind the interval
 * @param ess effective sample size of the importance weights, {@code (sum w)^2 / sum w^2}
 *     (the sample size for the direct method, which uses no weights)
 * @param maxWeight largest importance weight (1 for the direct method)
 * @param n trajectories used
 * @param note estimator-specific detail (the clip level, SWITCH's threshold), or empty
 */
public record Estimate(String estimator, double value, double ciLow, double ciHigh, double stdError, double ess,
    double maxWeight, int n, String note) {}
