package io.rlsearch.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Summaries of empty and single samples, and the quantile's expansion against high-precision values. */
class SummaryExactTest {
  @Test
  void anEmptySampleHasNoMeanAndASingleValueNoSpread() {
    for (Summary s : new Summary[] {Summary.of(new double[0]), Summary.ofMoments(0, 4, 0)}) {
      assertEquals(0, s.n());
      assertEquals(Double.NaN, s.mean());
      assertEquals(Double.NaN, s.std());
      assertEquals(Double.NaN, s.ciLow());
      assertEquals(Double.NaN, s.ciHigh());
    }
    for (Summary s : new Summary[] {Summary.of(new double[] {4}), Summary.ofMoments(1, 4, 0)}) {
      assertEquals(1, s.n());
      assertEquals(4.0, s.mean());
      assertEquals(Double.NaN, s.std());
      assertEquals(Double.NaN, s.ciLow());
      assertEquals(Double.NaN, s.ciHigh());
    }
  }

  @Test
  void theExpansionInOneOverDfIsExactToDoublePrecision() {
    // The t distribution's 0.975 quantile from its CDF (the regularised incomplete beta function) in 40-digit
    // arithmetic: at 100,001 degrees of freedom the expansion's third term is 3e-10, so each term counts.
    assertEquals(1.959987707297379243, Summary.t975(100_001), 1e-14);
    assertEquals(1.959966356814107035, Summary.t975(1_000_000), 1e-14);
    assertEquals(1.959963984542426507, Summary.t975(1_000_000_000_000L), 1e-14);
    assertThrows(IllegalArgumentException.class, () -> Summary.t975(0));
  }
}
