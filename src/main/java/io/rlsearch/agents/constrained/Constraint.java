package io.rlsearch.agents.constrained;

import java.util.List;
import java.util.Objects;

/**
 * A constraint on a per-session metric: {@code metric >= threshold} (GEQ) or {@code <=} (LEQ).
 *
 * @param name the constraint's name
 * @param threshold its threshold
 * @param sense GEQ or LEQ
 * @param metric the metric it reads: "cm2", "rank_change" (against the base ranking), "exposure_pl"
 * @param weight the weight of its term in the shaped reward
 * @param level NaN for a constraint on the metric's mean; otherwise a chance constraint: each session
 *     counts as violating when its metric is below {@code level}, and the constraint bounds the share
 *     of such sessions by {@code threshold} (LEQ)
 */
public record Constraint(String name, double threshold, Sense sense, String metric, double weight, double level) {
  /** A constraint on the metric's mean. */
  public Constraint(String name, double threshold, Sense sense, String metric, double weight) {
    this(name, threshold, sense, metric, weight, Double.NaN);
  }

  /**
   * A chance constraint: at most a share {@code eps} of sessions may have {@code metric < level}
   * (e.g. the private-label exposure share of a ranking).
   */
  public static Constraint chance(String name, String metric, double level, double eps, double weight) {
    return new Constraint(name, eps, Sense.LEQ, metric, weight, level);
  }

  /** Whether this is a chance constraint. */
  public boolean chance() {
    return !Double.isNaN(level);
  }

  /** The per-session value the constraint reads: the metric, or the violation indicator of a chance constraint. */
  public double value(double m) {
    return chance() ? (m < level ? 1.0 : 0.0) : m;
  }

  /** The metrics a constraint may read. */
  public static final List<String> METRICS = List.of("cm2", "rank_change", "exposure_pl");

  /** Which side of the threshold is allowed. */
  public enum Sense { GEQ, LEQ }

  public Constraint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sense, "sense");
    if (!METRICS.contains(metric)) {
      throw new IllegalArgumentException("constraint metric must be one of " + METRICS + ", got '" + metric + "'");
    }
    if (!Double.isFinite(threshold) || !(weight > 0)) {
      throw new IllegalArgumentException("constraint needs a finite threshold and a weight > 0");
    }
    if (!Double.isNaN(level) && (sense != Sense.LEQ || threshold < 0 || threshold > 1)) {
      throw new IllegalArgumentException("a chance constraint bounds a share of sessions: LEQ with a threshold in"
          + " [0, 1]");
    }
  }

  /** The slack: {@code m - threshold} (GEQ) or {@code threshold - m} (LEQ); negative means violated. */
  public double slack(double m) {
    return sense == Sense.GEQ ? m - threshold : threshold - m;
  }

  /** Whether {@code m} satisfies the constraint within {@code tol}. */
  public boolean satisfied(double m, double tol) {
    return slack(m) >= -tol;
  }

  /**
   * The reference's standard set: a CM2 floor, a stability ceiling on the rank change,
   * and a private-label exposure band.
   */
  public static List<Constraint> standard(double cm2Floor, double stabilityCeiling, double exposureLo,
      double exposureHi) {
    return List.of(new Constraint("cm2_floor", cm2Floor, Sense.GEQ, "cm2", 1.0),
        new Constraint("stability", stabilityCeiling, Sense.LEQ, "rank_change", 1.0),
        new Constraint("exposure_pl_lo", exposureLo, Sense.GEQ, "exposure_pl", 1.0),
        new Constraint("exposure_pl_hi", exposureHi, Sense.LEQ, "exposure_pl", 1.0));
  }
}
