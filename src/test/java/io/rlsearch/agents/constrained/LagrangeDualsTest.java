package io.rlsearch.agents.constrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void aMeanConstraintReadsTheMetricAsIsAndAChanceConstraintFlagsValuesStrictlyBelowItsLevel() {
    Constraint mean = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 1.0);
    assertFalse(mean.chance());
    assertEquals(0.37, mean.value(0.37));
    Constraint chance = Constraint.chance("band", "exposure_pl", 0.5, 0.1, 1.0);
    assertTrue(chance.chance());
    assertEquals(0.0, chance.value(0.5), "at the level: not violating");
    assertEquals(1.0, chance.value(Math.nextDown(0.5)));
  }

  @Test
  void satisfiedIsASlackOfAtLeastMinusTheTolerance() {
    Constraint geq = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 1.0);
    assertTrue(geq.satisfied(0.75, 0.25), "slack exactly -tol");
    assertFalse(geq.satisfied(Math.nextDown(0.75), 0.25));
    assertFalse(geq.satisfied(0.5, 0.1));
    assertTrue(geq.satisfied(1.0, 0.0));
  }

  @Test
  void constraintSettingsAtTheirLimits() {
    assertEquals(Double.MIN_VALUE,
        new Constraint("w", 1, Constraint.Sense.GEQ, "cm2", Double.MIN_VALUE).weight());
    String finite = "constraint needs a finite threshold and a weight > 0";
    assertEquals(finite, assertThrows(IllegalArgumentException.class,
        () -> new Constraint("w", 1, Constraint.Sense.GEQ, "cm2", 0.0)).getMessage());
    assertEquals(finite, assertThrows(IllegalArgumentException.class,
        () -> new Constraint("w", Double.POSITIVE_INFINITY, Constraint.Sense.GEQ, "cm2", 1.0)).getMessage());
    // A chance constraint's threshold is a share: 0 and 1 accepted, a hair outside refused; LEQ only.
    assertEquals(0.0, Constraint.chance("c", "exposure_pl", 0.5, 0.0, 1).threshold());
    assertEquals(1.0, Constraint.chance("c", "exposure_pl", 0.5, 1.0, 1).threshold());
    String share = "a chance constraint bounds a share of sessions: LEQ with a threshold in [0, 1]";
    assertEquals(share, assertThrows(IllegalArgumentException.class,
        () -> Constraint.chance("c", "exposure_pl", 0.5, -1e-12, 1)).getMessage());
    assertEquals(share, assertThrows(IllegalArgumentException.class,
        () -> Constraint.chance("c", "exposure_pl", 0.5, 1 + 1e-12, 1)).getMessage());
    assertEquals(share, assertThrows(IllegalArgumentException.class,
        () -> new Constraint("c", 0.5, Constraint.Sense.GEQ, "exposure_pl", 1, 0.5)).getMessage());
  }

  @Test
  void dualSettingsAtTheirLimitsAndTheInitialMultipliers() {
    Constraint a = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 2.0);
    Constraint b = new Constraint("ceiling", 0.5, Constraint.Sense.LEQ, "rank_change", 1.0);
    LagrangeDuals d = new LagrangeDuals(List.of(a, b), 1.5, Double.MIN_VALUE, 1.5);
    assertArrayEquals(new double[] {1.5, 1.5}, d.lambdas(), 0.0);
    assertEquals(List.of(a, b), d.constraints());
    String message = "duals need constraints, lambda init >= 0, lr > 0, lambda max >= init";
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new LagrangeDuals(List.of(), 0, 0.1, 1)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new LagrangeDuals(List.of(a), -1e-12, 0.1, 1)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new LagrangeDuals(List.of(a), 0, 0.0, 1)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new LagrangeDuals(List.of(a), 1.5, 0.1, Math.nextDown(1.5))).getMessage());
    assertArrayEquals(new double[] {0, 0}, new LagrangeDuals(List.of(a, b), 0, 0.1, 0).lambdas(), 0.0);
  }

  @Test
  void multipliersLoadFromACheckpoint() {
    Constraint a = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 2.0);
    Constraint b = new Constraint("ceiling", 0.5, Constraint.Sense.LEQ, "rank_change", 1.0);
    LagrangeDuals d = new LagrangeDuals(List.of(a, b), 0, 0.1, 10);
    d.load(new double[] {0.25, 3.0});
    assertArrayEquals(new double[] {0.25, 3.0}, d.lambdas(), 0.0);
    assertEquals("need 2 multipliers, got 1",
        assertThrows(IllegalArgumentException.class, () -> d.load(new double[] {1})).getMessage());
  }

  @Test
  void shapingMultipliesLambdaSlackAndWeightAndNormalisesByOnePlusLambdaTimesWeight() {
    Constraint a = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 2.0);
    LagrangeDuals d = new LagrangeDuals(List.of(a), 1.5, 0.1, 10);
    // 10 + 1.5 x (0.5 - 1) x 2.
    assertEquals(8.5, d.shape(10, Map.of("cm2", 0.5)), 1e-12);
    // Over 1 + 1.5 x 2.
    assertEquals(8.5 / 4, d.shapeNormalized(10, Map.of("cm2", 0.5)), 1e-12);
  }

  @Test
  void theViolationRateIsAnAverageOfStrictViolationsWithWeightPointOne() {
    Constraint a = new Constraint("floor", 1.0, Constraint.Sense.GEQ, "cm2", 1.0);
    LagrangeDuals byName = new LagrangeDuals(List.of(a), 0, 0.5, 10);
    byName.updateByConstraint(Map.of("floor", 0.5));
    assertEquals(0.1, byName.violationRates()[0], 1e-15, "violated");
    byName.updateByConstraint(Map.of("floor", 1.0));
    assertEquals(0.09, byName.violationRates()[0], 1e-15, "slack exactly 0 is no violation");
    byName.updateByConstraint(Map.of("floor", 0.0));
    assertEquals(0.181, byName.violationRates()[0], 1e-15);
    byName.updateByConstraint(Map.of("other", 0.0));
    assertEquals(0.181, byName.violationRates()[0], 1e-15, "no value: no step");

    LagrangeDuals byMetric = new LagrangeDuals(List.of(a), 0, 0.5, 10);
    byMetric.update(Map.of("cm2", 0.5));
    assertEquals(0.1, byMetric.violationRates()[0], 1e-15);
    byMetric.update(Map.of("cm2", 1.0));
    assertEquals(0.09, byMetric.violationRates()[0], 1e-15);
    byMetric.update(Map.of("cm2", 0.0));
    assertEquals(0.181, byMetric.violationRates()[0], 1e-15);
    assertEquals(0.5 * 0.5 + 0.5 * 1.0, byMetric.lambdas()[0], 1e-15);
  }
}
