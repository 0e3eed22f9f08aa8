package io.rlsearch.eval.opl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Held-out estimates, the most-popular baseline, the dataset's bounds and the policy's ranking, by hand. */
class HeldOutEvaluationExactTest {
  private static BanditData data(int[] a, int[] p, double[] r, double[] ps, int nActions, int nPositions) {
    int n = a.length;
    double[][] x = new double[n][];
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {i};
      g[i] = i / 2;
    }
    List<String> ids = new java.util.ArrayList<>();
    for (int k = 0; k < nActions; k++) {
      ids.add("a" + k);
    }
    return new BanditData(x, a, p, r, ps, g, nActions, nPositions, List.of("x"), ids);
  }

  @Test
  void theEstimatesOfADeterministicTargetFollowTheirFormulas() {
    // Actions 0, 1, 0, 1 with propensities 0.5, 0.5, 0.25, 0.5 and rewards 1, 0, 2, 1; the target always plays 0:
    // weights 2, 0, 4, 0. IPW mean(2, 0, 8, 0) = 2.5; SNIPW 10 / 6; with q = (0.5, 1) everywhere DR terms are
    // 0.5 + w (r - q_a): 1.5, 0.5, 6.5, 0.5, mean 2.25. Weight mean 1.5, ESS 6^2 / 20.
    BanditData held = data(new int[] {0, 1, 0, 1}, new int[4], new double[] {1, 0, 2, 1},
        new double[] {0.5, 0.5, 0.25, 0.5}, 2, 1);
    double[][] target = {{1, 0}, {1, 0}, {1, 0}, {1, 0}};
    double[][] q = {{0.5, 1}, {0.5, 1}, {0.5, 1}, {0.5, 1}};
    HeldOutEvaluation.Result r = HeldOutEvaluation.estimate(held, target, q, 50, 1);
    assertEquals(2.5, r.ipw().value(), 1e-12);
    assertEquals(10.0 / 6, r.snipw().value(), 1e-12);
    assertEquals(2.25, r.dr().value(), 1e-12);
    assertEquals(2, r.matching());
    assertEquals(1.5, r.weightMean(), 1e-12);
    assertEquals(1.8, r.effectiveSamples(), 1e-12);
    // A target that never plays a logged action: no weight, SNIPW undefined, no effective sample.
    HeldOutEvaluation.Result none = HeldOutEvaluation.estimate(held, new double[][] {{0, 0}, {1, 0}, {0, 0}, {1, 0}},
        q, 50, 1);
    assertEquals(0, none.matching());
    assertTrue(Double.isNaN(none.snipw().value()));
    assertEquals(0.0, none.effectiveSamples());
    assertThrows(IllegalArgumentException.class, () -> HeldOutEvaluation.estimate(held, new double[3][2], q, 50, 1));
  }

  @Test
  void theMostPopularPolicyRanksActionsByTotalTrainingReward() {
    // Totals: action 0: 1, action 1: 3, action 2: 3 (tie: the lower index first).
    BanditData train = data(new int[] {0, 1, 2, 1, 2}, new int[5], new double[] {1, 1, 2, 2, 1},
        new double[] {0.5, 0.5, 0.5, 0.5, 0.5}, 3, 2);
    assertArrayEquals(new int[] {1, 2}, HeldOutEvaluation.popularRanking(train));
    BanditData held = data(new int[] {0, 0}, new int[] {0, 1}, new double[] {0, 0}, new double[] {1, 1}, 3, 2);
    assertArrayEquals(new double[][] {{0, 1, 0}, {0, 0, 1}}, HeldOutEvaluation.mostPopular(train, held));
    // More positions than actions: the last positions repeat the last action of the ranking.
    BanditData wide = data(new int[] {0, 1}, new int[] {0, 2}, new double[] {0, 1}, new double[] {1, 1}, 2, 3);
    assertArrayEquals(new int[] {1, 0}, HeldOutEvaluation.popularRanking(wide));
    assertArrayEquals(new double[][] {{0, 1}, {1, 0}}, HeldOutEvaluation.mostPopular(wide, wide));
  }

  @Test
  void aDatasetAcceptsTheLastActionPositionAndAPropensityOfOne() {
    BanditData d = data(new int[] {2, 0}, new int[] {1, 0}, new double[] {1, 0}, new double[] {1, 0.5}, 3, 2);
    assertEquals(2, d.size());
    String action = assertThrows(IllegalArgumentException.class,
        () -> data(new int[] {3}, new int[1], new double[1], new double[] {1}, 3, 2)).getMessage();
    assertEquals("row 0 has action 3, expected 0..2", action);
    String position = assertThrows(IllegalArgumentException.class,
        () -> data(new int[] {0}, new int[] {2}, new double[1], new double[] {1}, 3, 2)).getMessage();
    assertEquals("row 0 has position 2, expected 0..1", position);
    assertThrows(IllegalArgumentException.class,
        () -> data(new int[] {0}, new int[1], new double[1], new double[] {Math.nextUp(1.0)}, 3, 2));
    assertThrows(IllegalArgumentException.class,
        () -> data(new int[] {-1}, new int[1], new double[1], new double[] {1}, 3, 2));
    assertThrows(IllegalArgumentException.class,
        () -> data(new int[] {0}, new int[] {-1}, new double[1], new double[] {1}, 3, 2));
    assertEquals(1000, data(new int[0], new int[0], new double[0], new double[0], BanditData.MAX_ACTIONS, 1)
        .nActions());
    assertThrows(IllegalArgumentException.class,
        () -> data(new int[0], new int[0], new double[0], new double[0], BanditData.MAX_ACTIONS + 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new BanditData(new double[][] {{1, 2}}, new int[1],
        new int[1], new double[1], new double[] {1}, new long[1], 1, 1, List.of("x"), List.of("a")));
  }

  @Test
  void aSubsetKeepsTheChosenRowsInTheGivenOrder() {
    BanditData d = data(new int[] {2, 0, 1}, new int[] {1, 0, 1}, new double[] {1, 0, 5}, new double[] {1, 0.5, 0.25},
        3, 2);
    BanditData s = d.subset(new int[] {2, 0});
    assertArrayEquals(new int[] {1, 2}, s.actions());
    assertArrayEquals(new int[] {1, 1}, s.positions());
    assertArrayEquals(new double[] {5, 1}, s.rewards());
    assertArrayEquals(new double[] {0.25, 1}, s.pscores());
    assertArrayEquals(new long[] {1, 0}, s.groups());
    assertArrayEquals(new double[] {2}, s.context()[0]);
    assertEquals(3, s.nActions());
  }

  @Test
  void argmaxTakesTheFirstLargestUnusedScore() {
    assertEquals(0, LinearPolicy.argmax(new double[] {5, 1, 2}, null));
    assertEquals(2, LinearPolicy.argmax(new double[] {5, 1, 2}, new boolean[] {true, false, false}));
    assertEquals(1, LinearPolicy.argmax(new double[] {1, 3, 3}, null));
  }

  @Test
  void withAsManyActionsAsPositionsTheRankingStillNeverRepeats(@TempDir Path dir) throws Exception {
    double[][][] w = {{{1}, {0}}, {{1}, {0}}};
    double[][] b = {{0, 0}, {0, 0}};
    LinearPolicy p = new LinearPolicy("dr", List.of("u"), List.of("x", "y"), w, b, true, 4, 10, Map.of());
    assertArrayEquals(new int[] {0, 1}, p.ranking(new double[] {1}));
    Path f = dir.resolve("sub/p.json");
    p.write(f);
    assertTrue(LinearPolicy.isPolicyFile(f));
    Path other = Files.writeString(dir.resolve("o.json"), "{\"kind\":\"something else\"}");
    assertFalse(LinearPolicy.isPolicyFile(other));
    assertFalse(LinearPolicy.isPolicyFile(dir.resolve("missing.json")));
  }
}
