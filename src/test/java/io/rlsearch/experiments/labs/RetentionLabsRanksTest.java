package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The ranks behind Lab 11.1's Spearman correlation against the definition of average ranks: sorted
 * ascending, the values take positions 1..n, and a group of tied values each takes the mean of the
 * positions the group occupies (so the ranks always sum to n (n + 1) / 2).
 */
class RetentionLabsRanksTest {
  @Test
  void distinctValuesTakeTheirPositionInAscendingOrder() {
    // sorted: 1 (position 1), 2 (2), 3 (3), 7 (4)
    assertArrayEquals(new double[] {4, 1, 3, 2}, RetentionLabs.ranks(new double[] {7, 1, 3, 2}), 0.0);
    assertArrayEquals(new double[] {1}, RetentionLabs.ranks(new double[] {-5}), 0.0);
  }

  @Test
  void aTiedPairSharesTheMeanOfItsTwoPositions() {
    // sorted: 1 (1), 2 (2), 3 and 3 at positions 3 and 4 -> 3.5 each
    assertArrayEquals(new double[] {3.5, 1, 3.5, 2}, RetentionLabs.ranks(new double[] {3, 1, 3, 2}), 0.0);
  }

  @Test
  void aTiedTripleAboveAndBelowOtherValuesSharesTheMiddleOfItsPositions() {
    // sorted: 0 (1), 10 (2), 20 x3 at positions 3, 4, 5 -> 4 each
    assertArrayEquals(new double[] {2, 4, 4, 4, 1},
        RetentionLabs.ranks(new double[] {10, 20, 20, 20, 0}), 0.0);
    // all tied: positions 1..3 -> 2 each
    assertArrayEquals(new double[] {2, 2, 2}, RetentionLabs.ranks(new double[] {5, 5, 5}), 0.0);
  }

  @Test
  void spearmanIsOneMinusSixSumD2OverNN21WithoutTiesAndPearsonOnAverageRanksWithThem() {
    // no ties, one swapped pair: d^2 sum 2, rho = 1 - 6 * 2 / (4 * 15) = 0.8
    assertEquals(0.8, RetentionLabs.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 30, 20, 40}), 1e-12);
    // ties: ranks a = (1.5, 1.5, 3), b = (1, 2, 3); centred (-0.5, -0.5, 1) and (-1, 0, 1):
    // sab = 1.5, saa = 1.5, sbb = 2, rho = 1.5 / sqrt(3) = sqrt(3) / 2
    assertEquals(Math.sqrt(3) / 2, RetentionLabs.spearman(new double[] {4, 4, 9}, new double[] {1, 2, 3}), 1e-12);
    // reversed order: -1
    assertEquals(-1.0, RetentionLabs.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
  }
}
