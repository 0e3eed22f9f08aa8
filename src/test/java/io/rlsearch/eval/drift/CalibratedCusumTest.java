package io.rlsearch.eval.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** The threshold from a false-alarm budget gives that budget, checked by simulation. */
class CalibratedCusumTest {
  @Test
  void siegmundsThresholdInvertsItsArl() {
    double h = CalibratedCusum.threshold(0.5, 1000);
    assertEquals(1000, CalibratedCusum.arl0(0.5, h), 1e-6);
    assertTrue(CalibratedCusum.threshold(0.5, 10_000) > h);
  }

  /** Samples to the first false alarm on an unchanged stream (normal, or skewed: a rare large sale plus noise). */
  private static double meanRunLength(CalibratedCusum.Settings s, int reps, long seed, boolean skewed) {
    NumpyRandom rng = new NumpyRandom(seed);
    double total = 0;
    for (int r = 0; r < reps; r++) {
      CalibratedCusum c = new CalibratedCusum(s);
      long t = 0;
      long warmup = (long) s.batch() * s.warmupBatches();
      while (true) {
        double reward = skewed ? (rng.random() < 0.08 ? 24 : 0) + rng.normal(0, 0.5) : rng.standardNormal();
        t++;
        if (c.update(-reward)) {
          break;
        }
      }
      total += t - warmup;
    }
    return total / reps;
  }

  @Test
  void theRealisedFalseAlarmRateMatchesTheBudgetOnNormalDataAndStaysWithinItOnSkewedData() {
    // Budget 4,000 samples (200 batches of 20). 400 runs: the mean run length's standard error is
    // about ARL/sqrt(400) = 5%; Siegmund's approximation and the estimated baseline add a few percent.
    CalibratedCusum.Settings s = new CalibratedCusum.Settings(20, 10, 0.5, 4000);
    double normal = meanRunLength(s, 400, 7, false);
    assertTrue(normal > 4000 * 0.75 && normal < 4000 * 1.3, "realised ARL0 " + normal + " for a budget of 4000");
    // Rewards that are mostly 0 with a rare sale: a batch mean cannot fall far below the baseline (no
    // sale at all), so false alarms are rarer than on normal data: the budget is a ceiling on their rate.
    double skewed = meanRunLength(s, 200, 8, true);
    assertTrue(skewed > 4000 * 0.9, "realised ARL0 " + skewed + " for a budget of 4000");
  }

  @Test
  void aDropIsDetectedWithinAFewDozenBatchesEvenWithAHighBudget() {
    CalibratedCusum c = new CalibratedCusum(new CalibratedCusum.Settings(20, 10, 0.5, 1_000_000));
    NumpyRandom rng = new NumpyRandom(3);
    int falseAlarms = 0;
    for (int t = 0; t < 3000; t++) {
      falseAlarms += c.update(-((rng.random() < 0.08 ? 24 : 0) + rng.normal(0, 0.5))) ? 1 : 0;
    }
    assertEquals(0, falseAlarms);
    int after = 0;
    boolean alarm = false;
    while (!alarm && after < 10_000) {
      // The sale rate falls from 8% to 2%: the mean reward from 1.92 to 0.48, about one standard error
      // of a batch mean.
      alarm = c.update(-((rng.random() < 0.02 ? 24 : 0) + rng.normal(0, 0.5)));
      after++;
    }
    assertTrue(alarm && after < 2000, "detected after " + after + " samples");
  }
}
