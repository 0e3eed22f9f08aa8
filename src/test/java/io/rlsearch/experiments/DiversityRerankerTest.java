package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.slate.SlateQSnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.learn.SlateQAgent;
import io.rlsearch.sim.TopK;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import org.junit.jupiter.api.Test;

/** The category-aware re-ranker and the diversity study. */
class DiversityRerankerTest {
  /** The order the slate env shows for these scores (highest first). */
  private static int[] order(double[] scores, int n) {
    return TopK.of(java.util.Arrays.copyOf(scores, n), n);
  }

  @Test
  void etaZeroKeepsTheOrderAndALargeEtaShowsEveryCategoryFirst() {
    double[] scores = {5, 4, 3, 2, 1, 0};
    int[] categories = {0, 0, 0, 1, 1, 2};
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, order(DiversityReranker.rerank(scores, categories, 0, 8), 6));
    // With a bonus larger than any score gap, the first of each category comes first, by score.
    assertArrayEquals(new int[] {0, 3, 5, 1, 2, 4}, order(DiversityReranker.rerank(scores, categories, 10, 8), 6));
    // A small bonus (in standard deviations; the scores' sd is 1.71) lifts only what is close: after
    // candidate 0, candidate 1 (z 0.88) still beats candidate 3 (z -0.29 + 0.8).
    int[] mild = order(DiversityReranker.rerank(scores, categories, 0.8, 8), 6);
    assertEquals(0, mild[0]);
    assertEquals(1, mild[1], "candidate 1 (z 0.88) still beats candidate 3 (z -0.29 + 0.8)");
    double[] padded = DiversityReranker.rerank(scores, categories, 1, 8);
    assertEquals(-1e9, padded[7], "slots beyond the candidates stay last");
  }

  @Test
  void theStudyIsPairedAndDiversityRisesWithTheBonus() {
    World world = World.generate(ZoosimConfig.fromString("catalog { n_products = 400 }").withSeed(3),
        new NumpyRandom(3));
    try (SharedLearner learner = new SharedLearner()) {
      DiversityStudy.Curve c = DiversityStudy.run(world,
          SlateQAgent.builder(learner, SlateQAgent.Settings.battle(SlateQSnapshot.Mode.DECOMPOSED)), 3, 60, 300,
          new double[] {0, 0.5, 10});
      assertEquals(0.0, c.points().get(0).gmvChange().mean(), 0.0, "eta 0 against itself");
      double d0 = c.points().get(0).diversity().mean();
      double d10 = c.points().get(2).diversity().mean();
      assertTrue(d10 > d0 + 0.1, "a dominant bonus shows more categories in the top 5: " + d0 + " -> " + d10);
      for (DiversityStudy.Point p : c.points()) {
        assertTrue(p.diversity().mean() > 0 && p.diversity().mean() <= 1);
      }
    }
  }
}
