package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bootstrap's edges: no estimators, refused settings of several estimators, resamples left out. */
class BootstrapEdgeTest {
  @Test
  void noEstimatorsGiveNoIntervals() {
    assertEquals(0, Bootstrap.intervals(new double[0][], 10, 0.05, 1).length);
  }

  @Test
  void intervalsOfSeveralEstimatorsRefuseWhatOneIntervalRefuses() {
    double[][] two = {{1, 2}, {3, 4}};
    assertEquals("bootstrap: the number of resamples must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.intervals(two, 0, 0.05, 1)).getMessage());
    assertEquals("bootstrap: alpha must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.intervals(two, 10, 1.0, 1)).getMessage());
    assertEquals("bootstrap: no rounds", assertThrows(IllegalArgumentException.class,
        () -> Bootstrap.intervals(new double[][] {{}, {}}, 10, 0.05, 1)).getMessage());
  }

  /** Every weight zero: no resample has a self-normalised estimate, all b are left out, the bounds are NaN. */
  @Test
  void whenEveryResampleHasZeroWeightAllAreLeftOut() {
    var rounds = new Bootstrap.SelfNormalisedRounds(new double[] {1, 2, 3}, new double[] {0, 0, 0},
        new double[] {0, 0, 0});
    Bootstrap.Counted counted = Bootstrap.selfNormalisedCounted(rounds, 40, 0.05, 3);
    assertEquals(40, counted.dropped());
    Bootstrap.Interval i = counted.interval();
    assertTrue(Double.isNaN(i.low()) && Double.isNaN(i.high()) && Double.isNaN(i.mean()), i.toString());
  }

  /**
   * Positive weights: no resample is left out. Constant rounds (baseline 1, weighted 2 over weight
   * 4) make every resample's estimate {@code 1 + 2 / 4 = 1.5}, so the interval is [1.5, 1.5].
   */
  @Test
  void withPositiveWeightsNoResampleIsLeftOut() {
    var rounds = new Bootstrap.SelfNormalisedRounds(new double[] {1, 1, 1}, new double[] {2, 2, 2},
        new double[] {4, 4, 4});
    Bootstrap.Counted counted = Bootstrap.selfNormalisedCounted(rounds, 40, 0.05, 3);
    assertEquals(0, counted.dropped());
    Bootstrap.Interval i = counted.interval();
    assertArrayEquals(new double[] {1.5, 1.5, 1.5}, new double[] {i.low(), i.high(), i.mean()}, 1e-15);
  }
}
