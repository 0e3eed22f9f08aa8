package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * Edges of the scoring kernels and of the top-k selector that the kernels' comparison tests do not
 * reach: the vector kernels' own width and usability (read directly, not through the once-per-JVM
 * choice), a tie with the k-th score offered straight to the selector, and a ranking pass without a
 * baseline selector over an infinite base score.
 */
class KernelEdgesTest {

  @Test
  void theVectorKernelsReportTheirWidthAndWhetherThisMachineRunsThem() {
    int preferred = DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    VectorScoring narrow = new VectorScoring();
    assertEquals(256, narrow.bits());
    assertEquals(preferred >= 256, narrow.usable(), "preferred vectors of " + preferred + " bits");
    VectorScoring512 wide = new VectorScoring512();
    assertEquals(512, wide.bits());
    assertEquals(preferred >= 512, wide.usable(), "preferred vectors of " + preferred + " bits");
  }

  @Test
  void aTieWithTheKthScoreDoesNotDisplaceIt() {
    TopK t = new TopK(2);
    t.offer(0, 3.0);
    t.offer(1, 1.0);
    t.offer(2, 1.0); // equal to the k-th: product 1 keeps its place (catalog order)
    int[] out = new int[2];
    t.copyTo(out);
    assertArrayEquals(new int[] {0, 1}, out);
  }

  @Test
  void withoutABaselineSelectorAnInfiniteBaseScoreIsOnlyRanked() {
    int n = 37; // groups of 4 and 8 lanes and a scalar tail
    double[] base = new double[n];
    double[] pers = new double[n];
    double[][] cols = new double[7][n];
    for (int i = 0; i < n; i++) {
      base[i] = i % 5;
    }
    base[13] = Double.POSITIVE_INFINITY;
    base[34] = Double.POSITIVE_INFINITY;
    double[] c = {1, 0, 0, 0, 0, 0, 0};
    for (ScoringKernel k : List.of(ScoringKernel.scalar(), new VectorScoring(), new VectorScoring512())) {
      TopK top = new TopK(3);
      k.rankByWeights(base, pers, 0, cols, c, top, null, n);
      int[] out = new int[3];
      top.copyTo(out);
      assertArrayEquals(new int[] {13, 34, 4}, out, k.getClass().getSimpleName());
    }
  }
}
