package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DriftScenarioTest {
  @Test
  void recoveryIsTheEndOfTheFirstWindowBackAtNinetyPercentOfThePreDriftMean() {
    double[] r = new double[600];
    for (int t = 0; t < 300; t++) {
      r[t] = 2.0;
    }
    for (int t = 300; t < 400; t++) {
      r[t] = 0.0;
    }
    for (int t = 400; t < 600; t++) {
      r[t] = 2.0;
    }
    // Windows [300 + k, 350 + k) reach mean >= 1.8 once at most 5 zeros remain: k = 95, end = 145.
    assertEquals(145, DriftScenario.recovery(r, 300));
    assertTrue(Double.isNaN(DriftScenario.recovery(java.util.Arrays.copyOf(r, 400), 300)));
  }

  @Test
  void runsAreReproducibleAndTheGuardrailReactsToTheDrift() {
    DriftScenario.Result a = DriftScenario.run(DriftScenario.Settings.demo(4, 10));
    DriftScenario.Result b = DriftScenario.run(DriftScenario.Settings.demo(4, 10));
    assertEquals(a.runs(), b.runs());
    assertNotEquals(a.runs(), DriftScenario.run(DriftScenario.Settings.demo(4, 11)).runs());
    assertEquals(4, a.detectionDelay().n());
    assertTrue(a.fallbacks().mean() >= 1, "the guardrail never fell back");
    for (DriftScenario.Run run : a.runs()) {
      assertTrue(run.detectionDelay() >= 0);
    }
  }

  @Test
  void theCalibratedGuardrailRaisesNoFalseAlarmAndCostsNoRewardWhereTheBooksCostsSome() {
    DriftScenario.Result book = DriftScenario.run(DriftScenario.Settings.demo(20, 10));
    DriftScenario.Result cal = DriftScenario.run(DriftScenario.Settings.calibrated(20, 10, 3000, 1500, 10_000, 100));
    // The book's detector alarms about every 57 steps on unchanged rewards, and its fallbacks cost reward.
    assertTrue(book.falseAlarms().mean() > 10, "book false alarms " + book.falseAlarms().mean());
    assertTrue(book.rewardDifference().ciHigh() < 0, "book difference " + book.rewardDifference());
    // A budget of 10,000 steps: 1,300 watched steps before the drift expect 0.13 false alarms a run.
    assertTrue(cal.falseAlarms().mean() < 0.5, "calibrated false alarms " + cal.falseAlarms().mean());
    assertTrue(cal.rewardDifference().ciHigh() >= 0, "the guardrail's cost is not significant: "
        + cal.rewardDifference());
  }
}
