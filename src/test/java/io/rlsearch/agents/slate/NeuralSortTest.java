package io.rlsearch.agents.slate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NeuralSortTest {
  private static final double[] S = {0.3, 2.0, -1.0, 1.1};

  @Test
  void rowsAreDistributionsAndTendToTheHardSortAsTauShrinks() {
    double[] p = NeuralSort.relaxed(S, 4, 1.0);
    for (int k = 0; k < 4; k++) {
      double sum = 0;
      for (int i = 0; i < 4; i++) {
        sum += p[k * 4 + i];
      }
      assertEquals(1.0, sum, 1e-12);
    }
    // Descending order: items 1, 3, 0, 2.
    int[] sorted = {1, 3, 0, 2};
    double[] hard = NeuralSort.relaxed(S, 4, 0.01);
    for (int k = 0; k < 4; k++) {
      assertEquals(1.0, hard[k * 4 + sorted[k]], 1e-6, "row " + k);
    }
    // At tau = 1 the top row still favours the best item the most.
    double best = 0;
    int arg = -1;
    for (int i = 0; i < 4; i++) {
      if (p[i] > best) {
        best = p[i];
        arg = i;
      }
    }
    assertEquals(1, arg);
  }

  @Test
  void theRelaxedRewardOfAHardSortIsTheRewardOfTheRanking() {
    // W[k, i]: item i's value times a position weight 1 / (k + 1).
    double[] value = {1.0, 4.0, 0.5, 2.0};
    double[] w = new double[2 * 4];
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < 4; i++) {
        w[k * 4 + i] = value[i] / (k + 1);
      }
    }
    assertEquals(4.0 + 2.0 / 2, NeuralSort.expected(NeuralSort.relaxed(S, 2, 1e-3), w), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> NeuralSort.relaxed(S, 5, 1.0));
    assertThrows(IllegalArgumentException.class, () -> NeuralSort.relaxed(S, 2, 0.0));
  }

  @Test
  void oneRowIsTheFewestAndItIsTheTopPositionsDistribution() {
    // Row 1 of n = 2: softmax((n - 1) s - A 1) = softmax((s0 - |s0 - s1|, s1 - |s0 - s1|)) with tau 1.
    double[] p = NeuralSort.relaxed(new double[] {1.0, 0.0}, 1, 1.0);
    assertEquals(2, p.length);
    assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-15);
    assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), p[1], 1e-15);
    assertEquals("NeuralSort needs 1 <= rows <= n and tau > 0; got rows 0, n 4, tau 1.0",
        assertThrows(IllegalArgumentException.class, () -> NeuralSort.relaxed(S, 0, 1.0)).getMessage());
  }
}
