package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PositionEstimatorsWeightsTest {
  /** Each round's weight is the target's probability of its action at its position over its propensity. */
  @Test
  void weightsAreTargetOverPropensityRoundByRound() {
    double[][] target = {{0.3, 0.6}, {0.7, 0.4}};
    PositionEstimators e = new PositionEstimators(new int[] {0, 1, 1}, new int[] {0, 0, 1}, new double[] {1, 0, 1},
        new double[] {0.5, 0.25, 0.2}, target);
    assertEquals(3, e.rounds());
    assertArrayEquals(new double[] {0.6, 2.8, 2.0}, e.weights(), 1e-15);
    double[] w = e.weights();
    w[0] = 99;
    assertEquals(0.6, e.weights()[0], 1e-15, "a copy");
  }
}
