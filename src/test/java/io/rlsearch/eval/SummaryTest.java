package io.rlsearch.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SummaryTest {
  /** Student's t 0.975 quantiles (R's qt(0.975, df), 7 significant digits) at df 1, 5, 30, 31, 40, 1000. */
  private static final long[] DF = {1, 5, 30, 31, 40, 1000};
  private static final double[] T = {12.706205, 2.570582, 2.042272, 2.039513, 2.021075, 1.962339};

  @Test
  void theIntervalUsesStudentsTQuantileAtEveryDegreeOfFreedom() {
    for (int i = 0; i < DF.length; i++) {
      long n = DF[i] + 1;
      // Sample sd 1 (m2 = n - 1), so the half-width times sqrt(n) is the quantile itself.
      Summary s = Summary.ofMoments(n, 3.0, n - 1);
      assertEquals(T[i], s.halfWidth() * Math.sqrt(n), 1e-6, "df " + DF[i]);
    }
  }

  @Test
  void ofAndOfMomentsGiveTheSameInterval() {
    double[] v = new double[41];
    double mean = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(i) * 3 + i * 0.1;
      mean += v[i];
    }
    mean /= v.length;
    double m2 = 0;
    for (double x : v) {
      m2 += (x - mean) * (x - mean);
    }
    Summary a = Summary.of(v);
    Summary b = Summary.ofMoments(v.length, mean, m2);
    assertEquals(b.ciLow(), a.ciLow(), 1e-12);
    assertEquals(b.ciHigh(), a.ciHigh(), 1e-12);
    // df 40: 2.021 standard errors, not the normal 1.96.
    assertEquals(2.021075 * a.std() / Math.sqrt(41), a.halfWidth(), 1e-6 * a.std());
  }

  @Test
  void theQuantileFunctionMatchesTheTable() {
    for (int i = 0; i < DF.length; i++) {
      assertEquals(T[i], Summary.t975(DF[i]), 1e-6, "df " + DF[i]);
    }
    // Either side of the switch to the expansion in 1 / df, and far beyond it.
    assertEquals(Summary.t975(100_000), Summary.t975(100_001), 3e-9);
    assertEquals(1.959963984540054, Summary.t975(Long.MAX_VALUE / 2), 1e-12);
  }
}
