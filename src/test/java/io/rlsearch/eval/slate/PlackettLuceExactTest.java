package io.rlsearch.eval.slate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** Plackett-Luce edge cases with exact answers: extreme log-weights, impossible placements, bad k. */
class PlackettLuceExactTest {
  @Test
  void topKTakesTheLargestKeysFirstAndBreaksTiesByIndex() {
    assertArrayEquals(new int[] {0, 2}, PlackettLuce.topK(new double[] {5, 1, 2}, 2));
    assertArrayEquals(new int[] {0, 1, 2}, PlackettLuce.topK(new double[] {1, 1, 1}, 3));
    assertArrayEquals(new int[] {2, 0, 1}, PlackettLuce.topK(new double[] {0, -1, 3}, 3));
  }

  @Test
  void sampleRefusesKOutsideOneToTheCandidates() {
    NumpyRandom rng = new NumpyRandom(1);
    double[] logits = {0, 1, 2};
    assertThrows(IllegalArgumentException.class, () -> PlackettLuce.sample(logits, 0, rng));
    assertThrows(IllegalArgumentException.class, () -> PlackettLuce.sample(logits, 4, rng));
    assertEquals(3, PlackettLuce.sample(logits, 3, rng).length);
  }

  @Test
  void probabilitiesStayFiniteForLargeLogWeights() {
    // Log-weights 1000 and 999: softmax 1 / (1 + e^-1) first; the second position then has one candidate left.
    double first = 1 / (1 + Math.exp(-1));
    assertArrayEquals(new double[] {first, 1}, PlackettLuce.conditionals(new double[] {1000, 999}, new int[] {0, 1}),
        1e-12);
    // Candidate 0 (log-weight 0) placed; 1000 and 999 share the next place.
    assertArrayEquals(new double[] {0, first, 1 - first},
        PlackettLuce.nextProbabilities(new double[] {0, 1000, 999}, new boolean[] {true, false, false}), 1e-12);
    // A placed candidate's log-weight, however large, does not enter the normalisation of the others.
    assertArrayEquals(new double[] {0, 1 / (1 + Math.E), Math.E / (1 + Math.E)},
        PlackettLuce.nextProbabilities(new double[] {1000, 0, 1}, new boolean[] {true, false, false}), 1e-12);
    double[] m = PlackettLuce.marginals(new double[] {1000, 999}, new int[] {0}, 1, new NumpyRandom(2));
    assertArrayEquals(new double[] {first}, m, 1e-12);
  }

  @Test
  void aPlacementThePolicyNeverMakesIsFlooredAfterEveryBatch() {
    // e^-1000 underflows to 0: candidate 1 is never first, and candidate 0 (always first) is never second. With
    // one sample a batch, the 16 batches draw 16 prefixes: the floor is 1 / (16 x 2 candidates).
    double[] m = PlackettLuce.marginals(new double[] {0, -1000}, new int[] {1, 0}, 1, new NumpyRandom(3));
    assertArrayEquals(new double[] {1.0 / 32, 1.0 / 32}, m);
    double[] m3 = PlackettLuce.marginals(new double[] {0, -1000}, new int[] {1, 0}, 3, new NumpyRandom(3));
    assertArrayEquals(new double[] {1.0 / 96, 1.0 / 96}, m3);
  }

  @Test
  void aCandidateLeftWithNoWeightIsFlooredNotDividedByZero() {
    // Ranking 0 then 1: position 1 is certain for 0; after it nothing with weight is left (total 0), so position
    // 2's marginal is never estimated and is floored at 1 / (16 x 2).
    double[] m = PlackettLuce.marginals(new double[] {0, -1000}, new int[] {0, 1}, 1, new NumpyRandom(4));
    assertArrayEquals(new double[] {1, 1.0 / 32}, m);
  }

  @Test
  void marginalsCheckTheirArguments() {
    double[] logits = {0, 1};
    NumpyRandom rng = new NumpyRandom(6);
    assertThrows(IllegalArgumentException.class, () -> PlackettLuce.marginals(logits, new int[0], 1, rng));
    assertThrows(IllegalArgumentException.class, () -> PlackettLuce.marginals(logits, new int[] {0, 1, 0}, 1, rng));
    assertThrows(IllegalArgumentException.class, () -> PlackettLuce.marginals(logits, new int[] {0}, 0, rng));
    assertDoesNotThrow(() -> PlackettLuce.marginals(logits, new int[] {0}, 1, rng));
  }
}
