package io.rlsearch.eval.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.drift.DriftDetector.Form;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The reference's tests/ch10/test_monitoring.py detector cases, in both forms, and the forms' differences. */
class DriftDetectorsTest {
  /** Index of the first alarm, or -1. */
  private static int firstAlarm(DriftDetector d, double[] xs) {
    for (int i = 0; i < xs.length; i++) {
      if (d.update(xs[i])) {
        return i;
      }
    }
    return -1;
  }

  private static double[] shift(long seed, int before, double from, int after, double to, double sd) {
    NumpyRandom rng = new NumpyRandom(seed);
    double[] xs = new double[before + after];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = rng.normal(i < before ? from : to, sd);
    }
    return xs;
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void cusumDetectsAShiftFromZeroToTwo(Form form) {
    double[] xs = shift(1, 100, 0, 100, 2, 0.5);
    int at = firstAlarm(new Cusum(new Cusum.Settings(0.5, 5, 10, form)), xs);
    assertTrue(at >= 100, "alarm at " + at + " (before the shift would be false)");
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void pageHinkleyDetectsAShiftFromZeroToOne(Form form) {
    double[] xs = shift(2, 100, 0, 100, 1, 0.3);
    int at = firstAlarm(new PageHinkley(new PageHinkley.Settings(0.1, 5, 10, form)), xs);
    assertTrue(at >= 100, "alarm at " + at);
  }

  @Test
  void referencePageHinkleyIncludesTheSampleInTheMeanAndNeverResets() {
    PageHinkley ref = new PageHinkley(new PageHinkley.Settings(0.0, 0.5, 1, Form.REFERENCE));
    // x = 0: mean 0, m = 0. x = 2: mean 1, m = 0 + 2 - 1 = 1 > 0.5: alarm.
    assertFalse(ref.update(0));
    assertTrue(ref.update(2));
    // No reset: x = 1 keeps the sums (mean 1, m = 1 + 0 = 1): still alarming.
    assertTrue(ref.update(1));
    PageHinkley book = new PageHinkley(new PageHinkley.Settings(0.0, 0.5, 1, Form.TEXTBOOK));
    // Textbook: x = 2 is tested against the mean before it (0): m = 2 > 0.5, alarm; then sums restart.
    assertFalse(book.update(0));
    assertTrue(book.update(2));
    // Baseline now mean(0, 2) = 1; x = 1 adds 0 to fresh sums: quiet.
    assertFalse(book.update(1));
    assertEquals(3, book.samples());
  }

  @Test
  void textbookFormAlarmsRepeatedlyWhileAShiftPersistsButNotOnEveryStep() {
    double[] xs = shift(3, 200, 0, 300, 1.5, 0.5);
    PageHinkley book = new PageHinkley(new PageHinkley.Settings(0.05, 5, 30, Form.TEXTBOOK));
    PageHinkley ref = new PageHinkley(new PageHinkley.Settings(0.05, 5, 30, Form.REFERENCE));
    int bookAlarms = 0;
    int refAlarms = 0;
    for (int i = 0; i < xs.length; i++) {
      bookAlarms += book.update(xs[i]) ? 1 : 0;
      refAlarms += ref.update(xs[i]) ? 1 : 0;
    }
    assertTrue(bookAlarms >= 2, "textbook alarms " + bookAlarms);
    assertTrue(refAlarms > 5 * bookAlarms, "reference alarms " + refAlarms + " vs textbook " + bookAlarms);
  }

  @Test
  void warmUpSuppressesAlarmsAndResetForgets() {
    Cusum c = new Cusum(new Cusum.Settings(0.0, 0.1, 50, Form.TEXTBOOK));
    for (int i = 0; i < 49; i++) {
      assertFalse(c.update(i % 2 == 0 ? 100 : -100));
    }
    assertEquals(49, c.samples());
    c.reset();
    assertEquals(0, c.samples());
  }
}
