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

  /**
   * Candidates 5000, 10000 and infinity give the same round values (no weight reaches 5000), the
   * widest; 1000's mean disagrees, so SLOPE stops there and reports the last tied candidate it
   * visited. Ties are visited in reverse candidate order, as the pipeline's
   * {@code np.argsort(cnf)[::-1]} visits them, so the order of the grid decides the report: its
   * Switch-DR sorts the grid descending (reports infinity here), its DR-OS ascending (reports 5000).
   * The pipeline's own SLOPE loop on these values, run with numpy, chose the same.
   */
  @Test
  void onTiedWidthsTheGridsOrderDecidesTheReportedLambdaAsInThePipeline() {
    java.util.function.DoubleFunction<double[]> rounds = l -> l >= 5000 ? alternating(0, 10, 100)
        : alternating(50, 0.01, 100);
    double inf = Double.POSITIVE_INFINITY;
    assertEquals(inf, Slope.tune(new double[] {inf, 10000, 5000, 1000}, rounds, Slope.DELTA));
    assertEquals(5000, Slope.tune(new double[] {1000, 5000, 10000, inf}, rounds, Slope.DELTA));
  }

  /** The study passes each estimator's grid in the pipeline's order. */
  @Test
  void theStudysGridsAreInThePipelinesOrder() {
    double inf = Double.POSITIVE_INFINITY;
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {inf, 10000, 5000, 1000, 500, 100, 50, 10},
        ObdOpeStudy.SWITCH_DR_LAMBDAS);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {10, 50, 100, 500, 1000, 5000, 10000, inf},
        ObdOpeStudy.DR_OS_LAMBDAS);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.005, 0.01, 0.05, 0.1, 0.5},
        ObdOpeStudy.SG_LAMBDAS);
  }

  @Test
  void rejectsAnEmptyGrid() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Slope.tune(new double[0], l -> new double[] {1, 2}, Slope.DELTA));
    assertEquals("no candidate lambdas", e.getMessage());
  }
}
