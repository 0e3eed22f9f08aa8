package io.rlsearch.eval.drift;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The calibrated CUSUM's formula, threshold and batch bookkeeping on streams worked out by hand. */
class CalibratedCusumExactTest {
  @Test
  void siegmundsArlMatchesItsFormula() {
    // k = 0.5, h = 0.834: b = 2 * 0.5 * 2 = 2, ARL0 = (e^2 - 2 - 1) / (2 * 0.25).
    assertEquals((Math.exp(2) - 3) / 0.5, CalibratedCusum.arl0(0.5, 0.834), 1e-12);
    // k = 2, h = -0.666: b = 2 * 2 * 0.5 = 2, ARL0 = (e^2 - 3) / 8.
    assertEquals((Math.exp(2) - 3) / 8, CalibratedCusum.arl0(2, -0.666), 1e-12);
  }

  @Test
  void theThresholdIsTheSmallestWhoseArlReachesTheBudget() {
    // A budget that is exactly the ARL0 of some threshold (here h = 0.5; the formula is flat over its last few
    // bits, so the smallest such threshold may sit an ulp or so lower) gives a threshold whose ARL0 equals it.
    double budget = CalibratedCusum.arl0(0.5, 0.5);
    double t = CalibratedCusum.threshold(0.5, budget);
    assertEquals(budget, CalibratedCusum.arl0(0.5, t));
    assertTrue(CalibratedCusum.arl0(0.5, Math.nextDown(t)) < budget);
    assertEquals(0.5, t, 1e-15);
    double h = CalibratedCusum.threshold(0.5, 100);
    assertTrue(CalibratedCusum.arl0(0.5, h) >= 100);
    assertTrue(CalibratedCusum.arl0(0.5, Math.nextDown(h)) < 100);
  }

  @Test
  void theDetectorUsesTheThresholdOfItsBudgetInBatches() {
    CalibratedCusum c = new CalibratedCusum(new CalibratedCusum.Settings(20, 10, 0.5, 4000));
    assertEquals(CalibratedCusum.threshold(0.5, 200), c.threshold());
  }

  /**
   * Batches of one sample, warm-up of three: the baseline -1, 0, 1 has mean 0 and sd 1, so the fourth sample's
   * z is the sample itself and the sum is {@code x - k}.
   */
  private static CalibratedCusum fedBaseline() {
    CalibratedCusum c = new CalibratedCusum(new CalibratedCusum.Settings(1, 3, 0.5, 100));
    assertFalse(c.update(-1));
    assertFalse(c.update(0));
    assertFalse(c.update(1));
    return c;
  }

  @Test
  void aSumExactlyAtTheThresholdDoesNotAlarmAndOneAHairAboveDoes() {
    double h = fedBaseline().threshold();
    // h is near 2.84; in [2, 4) adding and removing k = 0.5 is exact, so x = h + 0.5 makes the sum h exactly.
    assertTrue(h >= 2 && h < 3.5, "threshold " + h);
    CalibratedCusum at = fedBaseline();
    assertFalse(at.update(h + 0.5));
    assertEquals(4, at.samples());
    assertTrue(fedBaseline().update(Math.nextUp(h + 0.5)));
  }

  @Test
  void largerBatchesAreJudgedOnTheirMeanInStandardErrors() {
    // Batches of two, warm-up of two: the baseline -1, 1, -1, 1 has mean 0 and sd sqrt(4 / 3) = 1.155; a batch
    // mean m gives z = m / (1.155 / sqrt 2) = 1.2247 m.
    CalibratedCusum c = new CalibratedCusum(new CalibratedCusum.Settings(2, 2, 0.5, 200));
    double h = c.threshold();
    for (double x : new double[] {-1, 1, -1, 1}) {
      assertFalse(c.update(x));
    }
    double m = (h + 0.5) / Math.sqrt(1.5);
    // The first sample of a batch is never judged, however large.
    assertFalse(c.update(m + 0.01 + 1000));
    assertEquals(5, c.samples());
    CalibratedCusum twin = new CalibratedCusum(new CalibratedCusum.Settings(2, 2, 0.5, 200));
    for (double x : new double[] {-1, 1, -1, 1, m + 0.01}) {
      assertFalse(twin.update(x));
    }
    // A batch mean of m + 0.01 puts z 0.012 above h + k: alarm; m - 0.01 leaves it 0.012 below.
    assertTrue(twin.update(m + 0.01));
    CalibratedCusum below = new CalibratedCusum(new CalibratedCusum.Settings(2, 2, 0.5, 200));
    for (double x : new double[] {-1, 1, -1, 1, m - 0.01}) {
      assertFalse(below.update(x));
    }
    assertFalse(below.update(m - 0.01));
  }

  @Test
  void theBaselineMergesBatchesWithDifferentMeans() {
    // Batches of two: 0, 2 (mean 1) and 2, 4 (mean 3) make a baseline of mean 2 and sum of squares 8 (sd sqrt(8 / 3),
    // standard error of a batch mean sqrt(4 / 3)): a batch of mean m alarms when (m - 2) / sqrt(4 / 3) - 0.5 > h.
    CalibratedCusum probe = new CalibratedCusum(new CalibratedCusum.Settings(2, 2, 0.5, 200));
    double edge = 2 + (probe.threshold() + 0.5) * Math.sqrt(4.0 / 3);
    for (double m : new double[] {edge - 0.01, edge + 0.01}) {
      CalibratedCusum c = new CalibratedCusum(new CalibratedCusum.Settings(2, 2, 0.5, 200));
      for (double x : new double[] {0, 2, 2, 4, m}) {
        assertFalse(c.update(x));
      }
      assertEquals(m > edge, c.update(m), "batch mean " + m + " against the edge " + edge);
    }
  }

  @Test
  void aBaselineWithoutSpreadJudgesNothingAndLaterBatchesAreJudgedOnceItHasSome() {
    CalibratedCusum c = new CalibratedCusum(new CalibratedCusum.Settings(1, 2, 0.5, 100));
    // Three zeros: the third batch would be judged, but the baseline has no spread.
    for (double x : new double[] {0, 0, 0, 1, -1}) {
      assertFalse(c.update(x));
    }
    // Baseline 0, 0, 0, 1, -1: mean 0, sd sqrt(2 / 4); 100 is 141 standard errors above it.
    assertTrue(c.update(100));
  }

  @Test
  void resetForgetsTheBaselineAndTheSamples() {
    CalibratedCusum c = fedBaseline();
    c.update(-3);
    c.reset();
    assertEquals(0, c.samples());
    for (double x : new double[] {-1, 0, 1}) {
      assertFalse(c.update(x));
    }
    assertTrue(c.update(Math.nextUp(c.threshold() + 0.5)));
  }

  @Test
  void settingsAcceptTheirBoundsAndRefuseWhatIsPast() {
    assertDoesNotThrow(() -> new CalibratedCusum.Settings(1, 2, 1e-9, 1));
    assertDoesNotThrow(() -> new CalibratedCusum.Settings(20, 2, 0.5, 20));
    assertThrows(IllegalArgumentException.class, () -> new CalibratedCusum.Settings(0, 2, 0.5, 20));
    assertThrows(IllegalArgumentException.class, () -> new CalibratedCusum.Settings(1, 1, 0.5, 20));
    assertThrows(IllegalArgumentException.class, () -> new CalibratedCusum.Settings(1, 2, 0, 20));
    assertThrows(IllegalArgumentException.class, () -> new CalibratedCusum.Settings(20, 2, 0.5, 19.999));
    assertThrows(IllegalArgumentException.class, () -> new CalibratedCusum.Settings(1, 2, Double.NaN, 20));
  }
}
