package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The re-ranker's exact output (slot value n - position) on hand-worked cases. */
class DiversityRerankerOrderTest {
  @Test
  void theBonusComparesWithTheZScoreInPopulationStandardDeviations() {
    // Scores 2, 1, 0: mean 1, population sd sqrt(2/3) = 0.8165, z = 1.2247, 0, -1.2247. After candidate 0
    // (category 0), candidate 2 (the only one of category 1) needs eta > 1.2247 to pass candidate 1 (z 0).
    double[] scores = {2, 1, 0};
    int[] categories = {0, 0, 1};
    assertArrayEquals(new double[] {3, 2, 1, -1e9}, DiversityReranker.rerank(scores, categories, 1.2, 4));
    assertArrayEquals(new double[] {3, 1, 2, -1e9}, DiversityReranker.rerank(scores, categories, 1.25, 4));
  }

  @Test
  void equalScoresHaveZScoreZeroAndTiesGoToTheFirstCandidate() {
    // sd 0: every z is 0; all three tie at 0.5 first (candidate 0), then candidate 2's new category wins.
    assertArrayEquals(new double[] {3, 1, 2},
        DiversityReranker.rerank(new double[] {1, 1, 1}, new int[] {0, 0, 1}, 0.5, 3));
  }

  @Test
  void largeScoresKeepTheirOrder() {
    // 2^52 and 2^52 + 1: their mean rounds to 2^52 (2^53 + 1 is not a double), sd 0.7071, z 0 and 1.414:
    // the second comes first. Centred before scaling, nothing of the gap of 1 is lost.
    double s = 4503599627370496.0;
    assertArrayEquals(new double[] {1, 2}, DiversityReranker.rerank(new double[] {s, s + 1}, new int[] {0, 0}, 0, 2));
  }
}
