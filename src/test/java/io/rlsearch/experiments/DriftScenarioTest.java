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
}
