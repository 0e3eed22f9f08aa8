package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The correlation's centred sums: exact where the raw-moment shortcut cancels catastrophically. */
class NeuralLabsPearsonTest {

  @Test
  void pearsonIsShiftInvariantAtAnOffsetOfABillion() {
    // By hand: a = (1, 2, 4), b = (2, 1, 7); means 7/3 and 10/3; deviations (-4, -1, 5)/3 and
    // (-4, -7, 11)/3; cross sum 78/9, squares 42/9 and 186/9: r = 78 / sqrt(42 * 186).
    double r = 78 / Math.sqrt(42.0 * 186);
    assertEquals(r, NeuralLabs.pearson(new double[] {1, 2, 4}, new double[] {2, 1, 7}), 1e-15);
    // Correlation ignores a common shift. At 1e9 the means carry rounding of about 1e-7, which the centred
    // sums shrug off (the deviations stay within ~1e-7 of their exact values); sums of (x + mean)(x - mean)
    // would add 2 * 1e9 * n * (mean's rounding) and miss by far more than 1e-9.
    double o = 1e9;
    assertEquals(r, NeuralLabs.pearson(new double[] {o + 1, o + 2, o + 4}, new double[] {o + 2, o + 1, o + 7}), 1e-9);
    assertEquals(r, NeuralLabs.pearson(new double[] {o + 1, o + 2, o + 4}, new double[] {2, 1, 7}), 1e-9);
    assertEquals(r, NeuralLabs.pearson(new double[] {1, 2, 4}, new double[] {o + 2, o + 1, o + 7}), 1e-9);
  }
}
