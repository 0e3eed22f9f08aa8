package io.rlsearch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Welford's moments: exact on a small spread around a large mean, where a sum of squares cancels. */
class RunningMomentsTest {
  @Test
  void theVarianceOfASmallSpreadAroundALargeMeanIsExact() {
    RunningMoments m = new RunningMoments();
    double sum = 0;
    double sq = 0;
    for (double x : new double[] {1e9 + 1, 1e9 + 2, 1e9 + 3}) {
      m.add(x);
      sum += x;
      sq += x * x;
    }
    assertEquals(3, m.n());
    assertEquals(1e9 + 2, m.mean(), 0.0);
    assertEquals(1.0, m.variance(), 1e-9);
    double naive = (sq - 3 * (sum / 3) * (sum / 3)) / 2;
    assertTrue(Math.abs(naive - 1.0) > 0.5, "the sum of squares loses it: " + naive);
  }

  @Test
  void twoValuesHaveAVarianceAndAnIntervalOneHasNeither() {
    RunningMoments m = new RunningMoments();
    assertTrue(Double.isNaN(m.mean()));
    assertEquals(0.0, m.variance(), 0.0);
    assertTrue(Double.isNaN(m.halfWidth(12.706)));
    m.add(4);
    assertEquals(4.0, m.mean(), 0.0);
    assertEquals(0.0, m.variance(), 0.0);
    assertTrue(Double.isNaN(m.halfWidth(12.706)));
    m.add(6);
    assertEquals(5.0, m.mean(), 0.0);
    assertEquals(2.0, m.variance(), 0.0);
    // t(0.975, 1) * sqrt(2 / 2)
    assertEquals(12.706, m.halfWidth(12.706), 1e-12);
    m.add(8);
    // sample variance of 4, 6, 8 is 4; half-width t(0.975, 2) * sqrt(4 / 3)
    assertEquals(4.0, m.variance(), 1e-12);
    assertEquals(4.303 * Math.sqrt(4.0 / 3), m.halfWidth(4.303), 1e-12);
  }
}
