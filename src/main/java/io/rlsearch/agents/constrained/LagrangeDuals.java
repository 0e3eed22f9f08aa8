package io.rlsearch.agents.constrained;

import java.util.List;
import java.util.Map;

/**
 * The dual side of the primal-dual constrained agent: one multiplier per constraint,
 * starting at {@code lambdaInit}; the shaped reward {@code r + sum_i lambda_i slack_i w_i}; and dual
 * ascent on the mean metric of each update window, {@code lambda_i <- clip(lambda_i - lr slack_i, 0,
 * lambdaMax)}, so a violated constraint (negative slack) raises its multiplier and a slack one lowers
 * it. A chance constraint's slack is taken relative to its bound ({@code (eps - share) / eps}): its
 * share can exceed the bound by far more than it can undercut it, so the plain slack lets the
 * multiplier climb in a few steps and need hundreds to come down (the overshoot that made the
 * exposure band cost most of the GMV); relative to the bound, a compliant window lowers the multiplier
 * by {@code lr} and one at twice the bound raises it by {@code lr}. Metrics are read by the constraint's metric key (the reference looks them up by constraint name
 * and finds nothing: its known bug, fixed here). Pure; one owner.
 */
public final class LagrangeDuals {
  private final List<Constraint> constraints;
  private final double[] lambda;
  private final double lr;
  private final double lambdaMax;
  private final double[] violationEma;

  /** Multipliers for {@code constraints}. */
  public LagrangeDuals(List<Constraint> constraints, double lambdaInit, double lr, double lambdaMax) {
    if (constraints.isEmpty() || !(lambdaInit >= 0) || !(lr > 0) || !(lambdaMax >= lambdaInit)) {
      throw new IllegalArgumentException("duals need constraints, lambda init >= 0, lr > 0, lambda max >= init");
    }
    this.constraints = List.copyOf(constraints);
    this.lambda = new double[constraints.size()];
    java.util.Arrays.fill(lambda, lambdaInit);
    this.lr = lr;
    this.lambdaMax = lambdaMax;
    this.violationEma = new double[constraints.size()];
  }

  /** The constraints. */
  public List<Constraint> constraints() {
    return constraints;
  }

  /** The multipliers (a copy). */
  public double[] lambdas() {
    return lambda.clone();
  }

  /** Restores the multipliers (a checkpoint). */
  public void load(double[] l) {
    if (l.length != lambda.length) {
      throw new IllegalArgumentException("need " + lambda.length + " multipliers, got " + l.length);
    }
    System.arraycopy(l, 0, lambda, 0, l.length);
  }

  /** The moving average (0.1) of each constraint's violation flag per update. */
  public double[] violationRates() {
    return violationEma.clone();
  }

  /** {@code r + sum_i lambda_i slack_i(m_i) w_i} for one session's metrics. */
  public double shape(double reward, Map<String, Double> metrics) {
    double r = reward;
    for (int i = 0; i < constraints.size(); i++) {
      Constraint c = constraints.get(i);
      Double m = metrics.get(c.metric());
      if (m != null && Double.isFinite(m)) {
        r += lambda[i] * c.slack(c.value(m)) * c.weight();
      }
    }
    return r;
  }

  /**
   * The shaped reward divided by {@code 1 + sum_i lambda_i w_i}: the same Lagrangian up to a positive
   * factor, but its scale stays that of the reward however large the multipliers grow (PPO-Lagrangian's
   * normalisation), so a policy-gradient learner's step does not grow with them.
   */
  public double shapeNormalized(double reward, Map<String, Double> metrics) {
    double scale = 1;
    for (int i = 0; i < constraints.size(); i++) {
      scale += lambda[i] * constraints.get(i).weight();
    }
    return shape(reward, metrics) / scale;
  }

  /**
   * Dual ascent on the window's mean values: per constraint, the mean of {@link Constraint#value} over
   * the window (for a chance constraint, the share of violating sessions), keyed by constraint name.
   */
  public void updateByConstraint(Map<String, Double> meanValues) {
    for (int i = 0; i < constraints.size(); i++) {
      Constraint c = constraints.get(i);
      Double v = meanValues.get(c.name());
      if (v == null || !Double.isFinite(v)) {
        continue;
      }
      double slack = c.slack(v);
      violationEma[i] = 0.9 * violationEma[i] + 0.1 * (slack < 0 ? 1 : 0);
      double step = c.chance() ? slack / Math.max(c.threshold(), 1e-3) : slack;
      lambda[i] = Math.max(0, Math.min(lambdaMax, lambda[i] - lr * step));
    }
  }

  /** Dual ascent on the window's mean metrics (constraints on means; a chance constraint's value is read as is). */
  public void update(Map<String, Double> meanMetrics) {
    for (int i = 0; i < constraints.size(); i++) {
      Constraint c = constraints.get(i);
      Double m = meanMetrics.get(c.metric());
      if (m == null || !Double.isFinite(m)) {
        continue;
      }
      double slack = c.slack(m);
      violationEma[i] = 0.9 * violationEma[i] + 0.1 * (slack < 0 ? 1 : 0);
      lambda[i] = Math.max(0, Math.min(lambdaMax, lambda[i] - lr * slack));
    }
  }
}
