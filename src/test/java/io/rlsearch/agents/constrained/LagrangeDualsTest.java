package io.rlsearch.agents.constrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference's CMDP assertions (tests/ch14), with its metric-lookup bug fixed. */
class LagrangeDualsTest {
  @Test
  void slackSignsAndTheStandardSet() {
    Constraint geq = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 1.0);
    Constraint leq = new Constraint("ceiling", 0.5, Constraint.Sense.LEQ, "rank_change", 1.0);
    assertEquals(0.5, geq.slack(1.5), 1e-12);
    assertEquals(-0.5, geq.slack(0.5), 1e-12);
    assertEquals(0.2, leq.slack(0.3), 1e-12);
    assertEquals(-0.2, leq.slack(0.7), 1e-12);
    assertTrue(geq.satisfied(0.99, 0.02));
    List<Constraint> std = Constraint.standard(0.5, 0.8, 0.3, 0.6);
    assertEquals(4, std.size());
    assertEquals(List.of("cm2", "rank_change", "exposure_pl", "exposure_pl"),
        std.stream().map(Constraint::metric).toList());
    assertThrows(IllegalArgumentException.class, () -> new Constraint("x", 1, Constraint.Sense.GEQ, "gmv", 1));
  }

  @Test
  void multipliersStartAtZeroRiseOnViolationFallOnSlackAndStayNonNegative() {
    Constraint c = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 1.0);
    LagrangeDuals d = new LagrangeDuals(List.of(c), 0.0, 0.5, 100.0);
    assertEquals(0.0, d.lambdas()[0]);
    d.update(Map.of("cm2", 0.2));
    assertEquals(0.4, d.lambdas()[0], 1e-12, "violated by 0.8: up by 0.5 x 0.8");
    d.update(Map.of("cm2", 1.4));
    assertEquals(0.2, d.lambdas()[0], 1e-12, "slack 0.4: down by 0.2");
    d.update(Map.of("cm2", 5.0));
    assertEquals(0.0, d.lambdas()[0], 1e-12, "never below 0");
    // Shaping reads the metric by its key: lambda x slack x weight is added to the reward.
    d.update(Map.of("cm2", 0.0));
    assertEquals(10.0 + 0.5 * (0.0 - 1.0), d.shape(10.0, Map.of("cm2", 0.0)), 1e-12);
    assertEquals(10.0, d.shape(10.0, Map.of("exposure_pl", 0.3)), 1e-12, "a missing metric adds nothing");
    assertTrue(d.violationRates()[0] > 0);
    // Normalised shaping: the same Lagrangian over 1 + lambda.
    assertEquals((10.0 + 0.5 * (0.0 - 1.0)) / 1.5, d.shapeNormalized(10.0, Map.of("cm2", 0.0)), 1e-12);
  }

  @Test
  void aChanceConstraintCountsViolatingSessionsAndPenalisesEachOne() {
    Constraint c = Constraint.chance("pl_band", "exposure_pl", 0.5, 0.01, 1.0);
    assertEquals(1.0, c.value(0.4));
    assertEquals(0.0, c.value(0.6));
    LagrangeDuals d = new LagrangeDuals(List.of(c), 0.0, 0.1, 100.0);
    // 30% of a window's sessions below 0.5: the multiplier rises by 0.1 x (0.30 - 0.01) / 0.01.
    d.updateByConstraint(Map.of("pl_band", 0.30));
    assertEquals(2.9, d.lambdas()[0], 1e-12);
    // A violating session pays lambda x (eps - 1); a compliant one earns lambda x eps.
    assertEquals(10.0 + 2.9 * (0.01 - 1), d.shape(10.0, Map.of("exposure_pl", 0.4)), 1e-12);
    assertEquals(10.0 + 2.9 * 0.01, d.shape(10.0, Map.of("exposure_pl", 0.6)), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new Constraint("x", 2.0, Constraint.Sense.LEQ, "cm2", 1, 0.5));
    // A compliant window lowers it by lr (relative slack 1), not by lr x eps.
    d.updateByConstraint(Map.of("pl_band", 0.0));
    assertEquals(2.8, d.lambdas()[0], 1e-12);
  }
}
