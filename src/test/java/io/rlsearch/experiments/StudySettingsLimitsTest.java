package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.eval.drift.DriftDetector;
import org.junit.jupiter.api.Test;

/** The studies' settings at their limits: accepted at the limit, refused one past it with the reason. */
class StudySettingsLimitsTest {
  private static DriftScenario.Settings drift(int steps, int driftAt, double arl0) {
    return new DriftScenario.Settings(2, 0, steps, driftAt, 1.5, 30, 0.01, 30, DriftDetector.Form.TEXTBOOK, 5, 100,
        arl0, false);
  }

  @Test
  void theDriftComesAfterThePreWindowAndLeavesTheRecoveryWindow() {
    // 200 steps before the drift and 50 after it are the least the scenario measures
    assertEquals(200, drift(250, 200, Double.NaN).driftAt());
    assertEquals("the drift must come after 200 steps and at least 50 steps before the end; got drift at 199 of 250",
        assertThrows(IllegalArgumentException.class, () -> drift(250, 199, Double.NaN)).getMessage());
    assertEquals("the drift must come after 200 steps and at least 50 steps before the end; got drift at 200 of 249",
        assertThrows(IllegalArgumentException.class, () -> drift(249, 200, Double.NaN)).getMessage());
    assertEquals(251, drift(251, 201, Double.NaN).steps());
  }

  @Test
  void theCalibratedBudgetIsAtLeastOneBatch() {
    assertEquals(20.0, drift(3000, 1500, 20).arl0());
    assertEquals("the false-alarm budget must be at least 20 steps, got 19.999",
        assertThrows(IllegalArgumentException.class, () -> drift(3000, 1500, 19.999)).getMessage());
  }

  @Test
  void aSlateTargetDividesItsScoresByItsTemperatureAndKeepsItsWeights() {
    double[] w = {0.5, -1, 2};
    SlateOpeStudy.Policy p = new SlateOpeStudy.Policy(w, 0.25);
    w[0] = 9; // the policy copied them
    assertArrayEquals(new double[] {0.5, -1, 2}, p.weights(), 0.0);
    assertNotSame(p.weights(), p.weights());
    // two candidates of three features after a one-entry head: scores (0.5*1 - 1*2 + 2*3) / 0.25 and
    // (0.5*0 - 1*1 + 2*(-1)) / 0.25
    double[] context = {7, 1, 2, 3, 0, 1, -1};
    assertArrayEquals(new double[] {18, -12}, p.logits(context, 1, 2, 3), 1e-12);
  }

  private static OpeStudy.Settings ope(int episodes, int truth, long seed, double clip, int bootstrap, int folds) {
    return new OpeStudy.Settings(PolicySpec.parse("uniform"), PolicySpec.parse("uniform"), episodes, truth, seed,
        TemplateBandits.FeatureMode.SIMPLE, clip, bootstrap, folds);
  }

  private static String refused(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void theOpeStudysSettingsAtTheirLimits() {
    OpeStudy.Settings least = ope(2, 2, 0, Double.MIN_VALUE, 10, 2);
    assertEquals(2, least.episodes());
    assertEquals(0, ope(2, 2, 0, 1, 0, 1).bootstrap(), "0 resamples: each estimator's own variance");
    assertEquals("episodes must be >= 2, got 1 logged, 2 truth", refused(() -> ope(1, 2, 0, 1, 0, 1)));
    assertEquals("episodes must be >= 2, got 2 logged, 1 truth", refused(() -> ope(2, 1, 0, 1, 0, 1)));
    assertEquals("seed must be >= 0, got -1", refused(() -> ope(2, 2, -1, 1, 0, 1)));
    assertEquals("clip must be > 0, got 0.0", refused(() -> ope(2, 2, 0, 0, 0, 1)));
    assertEquals("bootstrap must be 0 or >= 10, got 9", refused(() -> ope(2, 2, 0, 1, 9, 1)));
    assertEquals("bootstrap must be 0 or >= 10, got -1", refused(() -> ope(2, 2, 0, 1, -1, 1)));
    assertEquals("cross-fit folds must be in 1..episodes, got 0", refused(() -> ope(2, 2, 0, 1, 0, 0)));
    assertEquals("cross-fit folds must be in 1..episodes, got 3", refused(() -> ope(2, 2, 0, 1, 0, 3)));
  }

  @Test
  void theBattlesReferenceSearchIsTheDocumentedOne() {
    assertEquals(new BoostReference.Settings(300, 16, 6, 4, 7), BoostReference.Settings.battle(7));
  }
}
