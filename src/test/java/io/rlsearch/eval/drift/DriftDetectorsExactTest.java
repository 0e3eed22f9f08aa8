package io.rlsearch.eval.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.eval.drift.DriftDetector.Form;
import org.junit.jupiter.api.Test;

/**
 * CUSUM and Page-Hinkley on short streams whose sums are worked out by hand, with a sample landing exactly on
 * the threshold (no alarm: an alarm needs a sum strictly past it) and one a hair past it (alarm).
 */
class DriftDetectorsExactTest {
  /** Feeds xs; returns whether the last one alarmed, and fails if an earlier one did. */
  private static boolean lastAlarms(DriftDetector d, double... xs) {
    for (int i = 0; i < xs.length - 1; i++) {
      assertFalse(d.update(xs[i]), "alarm at sample " + i);
    }
    return d.update(xs[xs.length - 1]);
  }

  private static Cusum cusum(double delta, double lambda, int min, Form form) {
    return new Cusum(new Cusum.Settings(delta, lambda, min, form));
  }

  // Textbook CUSUM: the baseline of -2, 0, 2 has mean 0 and sd 2 (sum of squares 8 over 2 degrees of freedom).
  // delta 0.25 gives a slack of 0.5 and lambda 1 a threshold of 2: x = 2.5 gives S+ = 2, x = -2.5 gives S- = -2.

  @Test
  void textbookCusumAlarmsOnlyWhenASumPassesLambdaTimesTheBaselineSpread() {
    assertFalse(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -2, 0, 2, 2.5));
    assertTrue(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -2, 0, 2, Math.nextUp(2.5)));
    assertFalse(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -2, 0, 2, -2.5));
    assertTrue(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -2, 0, 2, Math.nextDown(-2.5)));
  }

  @Test
  void bothSumsMeasureDeviationsFromTheBaselineMean() {
    // Baseline -1, 1, 3: mean 1, sd 2 (sum of squares 8): S+ = x - 1 - 0.5 and S- = x - 1 + 0.5 against +-2.
    assertFalse(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -1, 1, 3, 3.5));
    assertTrue(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -1, 1, 3, 3.5 + 1e-9));
    assertFalse(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -1, 1, 3, -1.5));
    assertTrue(lastAlarms(cusum(0.25, 1, 3, Form.TEXTBOOK), -1, 1, 3, -1.5 - 1e-9));
  }

  @Test
  void twoSamplesAlreadyHaveASpread() {
    // Baseline -1, 1: mean 0, sd sqrt 2: slack 0.707 and threshold 1.414, so x = 2 (S+ = 1.293) is quiet, where
    // the raw slack 0.5 and threshold 1 would alarm.
    assertFalse(lastAlarms(cusum(0.5, 1, 2, Form.TEXTBOOK), -1, 1, 2));
    assertTrue(lastAlarms(cusum(0.5, 1, 2, Form.TEXTBOOK), -1, 1, 2.2));
  }

  @Test
  void aSpreadOfExactlyOneBillionthCountsAsNone() {
    // Find x such that the baseline 0, x has a spread of exactly 1e-9 (mean x / 2, sum of squares x (x - x / 2)).
    double x = Math.sqrt(2) * 1e-9;
    int tries = 0;
    while (Math.sqrt(x * (x - x / 2)) != 1e-9 && tries++ < 10_000) {
      x = Math.sqrt(x * (x - x / 2)) < 1e-9 ? Math.nextUp(x) : Math.nextDown(x);
    }
    assertEquals(1e-9, Math.sqrt(x * (x - x / 2)));
    // With no spread the raw slack 0.5 and threshold 1 apply: a sample of 1 is quiet (S+ about 0.5), where the
    // scaled ones (5e-10 and 1e-9) would alarm.
    assertFalse(lastAlarms(cusum(0.5, 1, 2, Form.TEXTBOOK), 0, x, 1));
    assertFalse(lastAlarms(cusum(0.5, 1, 2, Form.TEXTBOOK), 0, x, -1));
    assertTrue(lastAlarms(cusum(0.5, 1, 2, Form.TEXTBOOK), 0, x, 1.6));
  }

  @Test
  void textbookCusumAccumulatesAndRestartsItsSumsAfterAnAlarm() {
    Cusum c = cusum(0.25, 1, 3, Form.TEXTBOOK);
    // x = 1.5: S+ = 1.5 - 0 - 0.5 = 1. The baseline becomes -2, 0, 2, 1.5: mean 0.375, sum of squares
    // 8 + 1.5 * 1.125 = 9.6875, sd sqrt(9.6875 / 3) = 1.797, slack 0.449. x = 1.7: S+ = 1 + 1.7 - 0.375 - 0.449 =
    // 1.876 passes the threshold 1.797 (on its own, 1.7 would give 0.876: the sum carried over matters).
    assertFalse(lastAlarms(c, -2, 0, 2, 1.5));
    assertTrue(c.update(1.7));
    // The sums restarted: the same sample once more is judged on its own (1.7 - mean - slack is below the threshold).
    assertFalse(c.update(1.7));
    assertEquals(6, c.samples());
  }

  @Test
  void aDetectorWithoutSpreadFallsBackToTheRawSlackAndThreshold() {
    // Baseline 1, 1: sd 0, so the slack is delta = 0.5 and the threshold lambda = 2: x = 3.5 gives S+ = 2 (quiet).
    assertFalse(lastAlarms(cusum(0.5, 2, 2, Form.TEXTBOOK), 1, 1, 3.5));
    assertTrue(lastAlarms(cusum(0.5, 2, 2, Form.TEXTBOOK), 1, 1, Math.nextUp(3.5)));
    // One sample has no spread either: minInstances 1 judges the second sample against the first alone.
    assertFalse(lastAlarms(cusum(0.5, 2, 1, Form.TEXTBOOK), 1, 3.5));
    assertTrue(lastAlarms(cusum(0.5, 2, 1, Form.TEXTBOOK), 1, Math.nextUp(3.5)));
  }

  @Test
  void referenceCusumIncludesTheSampleInItsBaselineAndJudgesFromTheMinInstancesThSample() {
    // Reference form: at the third sample (n = minInstances = 3) the baseline -2, 0, 2 includes it: mean 0, sd 2,
    // slack 0.5: S+ = 2 - 0 - 0.5 = 1.5, against lambda * 2. lambda 0.75: exactly 1.5, quiet; a hair less: alarm.
    assertFalse(lastAlarms(cusum(0.25, 0.75, 3, Form.REFERENCE), -2, 0, 2));
    assertTrue(lastAlarms(cusum(0.25, Math.nextDown(0.75), 3, Form.REFERENCE), -2, 0, 2));
    // The textbook form does not judge the third sample at all (only two samples precede it).
    assertFalse(lastAlarms(cusum(0.25, Math.nextDown(0.75), 3, Form.TEXTBOOK), -2, 0, 2));
    // Nor does the reference form judge before minInstances samples.
    assertFalse(lastAlarms(cusum(0.25, Math.nextDown(0.75), 4, Form.REFERENCE), -2, 0, 2));
  }

  @Test
  void referenceCusumKeepsItsSumsAfterAnAlarm() {
    Cusum c = cusum(0.25, Math.nextDown(0.75), 3, Form.REFERENCE);
    assertTrue(lastAlarms(c, -2, 0, 2));
    // Fourth sample 0: mean 0, sum of squares 8, sd sqrt(8 / 3) = 1.633, slack 0.408: S+ = 1.5 + 0 - 0 - 0.408 =
    // 1.092 against 0.75 * 1.633 = 1.225: quiet. S+ was kept (a fresh sum would be 0).
    assertFalse(c.update(0));
    // Fifth sample 0: sd sqrt(8 / 4) = 1.414, slack 0.354: S+ = 1.092 - 0.354 = 0.738 against 1.061: quiet.
    assertFalse(c.update(0));
    Cusum again = cusum(0.25, 0.4, 3, Form.REFERENCE);
    // lambda 0.4: threshold 0.8 at the third sample (S+ = 1.5, alarm) and 0.653 at the fourth (S+ = 1.092 kept:
    // alarm again without any new deviation).
    assertTrue(lastAlarms(again, -2, 0, 2));
    assertTrue(again.update(0));
  }

  @Test
  void cusumSettingsAcceptTheirBoundsAndRefuseWhatIsPast() {
    assertDoesNotThrow(() -> new Cusum.Settings(0, 1, 1, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new Cusum.Settings(-1e-12, 1, 1, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new Cusum.Settings(0, 0, 1, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new Cusum.Settings(0, 1, 0, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new Cusum.Settings(0, 1, 1, null));
  }

  private static PageHinkley ph(double delta, double threshold, int min, Form form) {
    return new PageHinkley(new PageHinkley.Settings(delta, threshold, min, form));
  }

  @Test
  void referencePageHinkleyJudgesTheSumAgainstItsMinimumFromTheMinInstancesThSample() {
    // x = 0: mean 0, m = 0 - 0 - 0.5 = -0.5, the minimum. x = 2: mean 1, m = -0.5 + 2 - 1 - 0.5 = 0: m - M = 0.5.
    assertFalse(lastAlarms(ph(0.5, 0.5, 2, Form.REFERENCE), 0, 2));
    assertTrue(lastAlarms(ph(0.5, Math.nextDown(0.5), 2, Form.REFERENCE), 0, 2));
    assertFalse(lastAlarms(ph(0.5, Math.nextDown(0.5), 3, Form.REFERENCE), 0, 2));
    PageHinkley p = ph(0.5, 0.5, 2, Form.REFERENCE);
    lastAlarms(p, 0, 2);
    assertArrayEquals(new double[] {2, 1, 0, -0.5}, p.state());
  }

  @Test
  void textbookPageHinkleyRestartsItsSumsButKeepsTheSampleInTheBaseline() {
    // x = 0 (warm-up). x = 2 against the mean before it (0): m = 2 - 0 - 0.5 = 1.5.
    assertFalse(lastAlarms(ph(0.5, 1.5, 1, Form.TEXTBOOK), 0, 2));
    PageHinkley p = ph(0.5, Math.nextDown(1.5), 1, Form.TEXTBOOK);
    assertTrue(lastAlarms(p, 0, 2));
    // Sums restarted, baseline mean(0, 2) = 1 over 2 samples.
    assertArrayEquals(new double[] {2, 1, 0, 0}, p.state());
    // x = 0.5: m = 0.5 - 1 - 0.5 = -1, the new minimum; mean (0 + 2 + 0.5) / 3.
    assertFalse(p.update(0.5));
    assertArrayEquals(new double[] {3, 2.5 / 3, -1, -1}, p.state(), 1e-15);
    PageHinkley quiet = ph(0.5, 1.5, 1, Form.TEXTBOOK);
    lastAlarms(quiet, 0, 2);
    assertArrayEquals(new double[] {2, 1, 1.5, 0}, quiet.state());
  }

  @Test
  void textbookPageHinkleyMeasuresTheRiseFromTheSumsMinimum() {
    // x = 1 (warm-up, mean 1). x = 0: m = 0 - 1 - 0.5 = -1.5, the minimum; mean 0.5. x = 3: m = -1.5 + 3 - 0.5 -
    // 0.5 = 0.5, a rise of 2 from the minimum.
    assertFalse(lastAlarms(ph(0.5, 2, 1, Form.TEXTBOOK), 1, 0, 3));
    PageHinkley p = ph(0.5, Math.nextDown(2), 1, Form.TEXTBOOK);
    assertTrue(lastAlarms(p, 1, 0, 3));
    // After the alarm the baseline is mean(1, 0, 3) = 4 / 3 over 3 samples and the sums are 0.
    assertArrayEquals(new double[] {3, 4.0 / 3, 0, 0}, p.state(), 1e-15);
  }

  @Test
  void aRestoredPageHinkleyContinuesLikeTheOriginal() {
    PageHinkley a = ph(0.1, 1, 2, Form.TEXTBOOK);
    for (double x : new double[] {0.3, -0.2, 0.4, 0.9}) {
      a.update(x);
    }
    PageHinkley b = ph(0.1, 1, 2, Form.TEXTBOOK);
    b.restore(a.state());
    assertEquals(4, b.samples());
    for (double x : new double[] {1.2, 1.5, 0.1}) {
      assertEquals(a.update(x), b.update(x));
      assertArrayEquals(a.state(), b.state());
    }
    b.restore(new double[] {0, 0, 0, 0});
    assertEquals(0, b.samples());
  }

  @Test
  void pageHinkleyRefusesStatesThatAreNotFourNumbersWithAWholeNonNegativeCount() {
    PageHinkley p = ph(0.1, 1, 2, Form.TEXTBOOK);
    assertThrows(IllegalArgumentException.class, () -> p.restore(new double[] {1, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> p.restore(new double[] {1, 0, 0, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> p.restore(new double[] {-1, 0, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> p.restore(new double[] {Double.NaN, 0, 0, 0}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.restore(new double[] {1.5, 0, 0, 0}));
    assertTrue(e.getMessage().contains("[1.5, 0.0, 0.0, 0.0]"), e.getMessage());
    assertEquals(0, p.samples());
  }

  @Test
  void pageHinkleySettingsAcceptTheirBoundsAndRefuseWhatIsPast() {
    assertDoesNotThrow(() -> new PageHinkley.Settings(0, 1, 1, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new PageHinkley.Settings(-1e-12, 1, 1, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new PageHinkley.Settings(0, 0, 1, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new PageHinkley.Settings(0, 1, 0, Form.TEXTBOOK));
    assertThrows(IllegalArgumentException.class, () -> new PageHinkley.Settings(0, 1, 1, null));
  }
}
