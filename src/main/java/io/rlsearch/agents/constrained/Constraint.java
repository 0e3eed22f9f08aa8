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
 */
public record Constraint(String name, double threshold, Sense sense, String metric, double weight) {
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
   * The reference's standard set (spec 7.11): a CM2 floor, a stability ceiling on the rank change,
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
