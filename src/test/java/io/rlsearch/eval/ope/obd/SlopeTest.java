package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SlopeTest {
  /** n values alternating mean - half, mean + half. */
  static double[] alternating(double mean, double half, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 2 == 0 ? mean - half : mean + half;
    }
    return x;
  }

  @Test
  void keepsNarrowingWhileTheMeansAgreeAndStopsAtTheFirstThatDisagrees() {
    double[] lambdas = {1, 2, 3};
    double chosen = Slope.tune(lambdas, l -> l == 1 ? alternating(0, 10, 100)
        : l == 2 ? alternating(0, 1, 100) : alternating(10, 0.01, 100), Slope.DELTA);
    assertEquals(2, chosen);
  }

  @Test
  void takesTheNarrowestWhenAllAgree() {
    double[] lambdas = {1, 2, 3};
    double chosen = Slope.tune(lambdas, l -> alternating(0.1 * l, 1.0 / l, 100), Slope.DELTA);
    assertEquals(3, chosen);
  }

  @Test
  void rejectsAnEmptyGrid() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Slope.tune(new double[0], l -> new double[] {1, 2}, Slope.DELTA));
    assertEquals("no candidate lambdas", e.getMessage());
  }
}
