package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Adam's ascent step worked out by hand from its definition (beta1 0.9, beta2 0.999, eps 1e-8): after bias
 * correction the first step is lr * g / (|g| + eps), a second step with the gradient unchanged is the same,
 * and one with the gradient reversed follows from the moment recursions. Gradients near eps in size make
 * the eps term and the division of the sum by n visible (Adam is otherwise blind to the gradient's scale).
 */
class AdamTest {
  private static final double EPS = 1e-8;

  @Test
  void theFirstStepMovesEachParameterByTheStepSizeInItsGradientsSignAndClearsTheSums() {
    double[] p = {1.0, 2.0, 0.5};
    double[] sum = {3.0, -6.0, 0.0}; // n = 3: gradients 1, -2, 0
    double[] m = new double[3];
    double[] v = new double[3];
    Adam.ascend(p, sum, 3, m, v, 1, 0.01);
    assertEquals(1.0 + 0.01 * 1 / (1 + EPS), p[0], 1e-15);
    assertEquals(2.0 - 0.01 * 2 / (2 + EPS), p[1], 1e-15);
    assertEquals(0.5, p[2], 0.0); // a zero gradient does not move the parameter
    assertArrayEquals(new double[] {0.1, -0.2, 0.0}, m, 1e-15); // 0.9 * 0 + 0.1 g
    assertArrayEquals(new double[] {0.001, 0.004, 0.0}, v, 1e-15); // 0.999 * 0 + 0.001 g^2
    assertArrayEquals(new double[] {0, 0, 0}, sum, 0.0);
  }

  @Test
  void theSecondStepUsesTheDecayedMomentsAndTheStepNumbersBiasCorrection() {
    double[] p = {0.0, 0.0};
    double[] m = new double[2];
    double[] v = new double[2];
    Adam.ascend(p, new double[] {1.0, 1.0}, 1, m, v, 1, 0.1);
    // step 2: gradient unchanged (first entry) and reversed (second entry)
    Adam.ascend(p, new double[] {1.0, -1.0}, 1, m, v, 2, 0.1);
    double step1 = 0.1 / (1 + EPS);
    // unchanged: m = 0.19 g, v = 0.001999 g^2, corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999: lr g / (|g| + eps)
    assertEquals(step1 + 0.1 / (1 + EPS), p[0], 1e-14);
    // reversed: m = 0.9 * 0.1 - 0.1 = -0.01, v = 0.999 * 0.001 + 0.001 = 0.001999 (v-hat 1)
    assertEquals(step1 + 0.1 * (-0.01 / 0.19) / (1 + EPS), p[1], 1e-14);
    assertEquals(-0.01, m[1], 1e-15);
    assertEquals(0.001999, v[1], 1e-15);
  }

  @Test
  void aGradientAsSmallAsEpsShowsTheEpsTermAndTheAverageOverN() {
    double[] p = {0.0};
    // sum 2e-8 over n = 2: g = 1e-8 = eps, so the step is lr * g / (g + eps) = lr / 2
    Adam.ascend(p, new double[] {2e-8}, 2, new double[1], new double[1], 1, 0.2);
    assertEquals(0.1, p[0], 1e-12);
  }
}
