package io.rlsearch.eval.slate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** Plackett-Luce probabilities against enumeration on 4 candidates. */
class PlackettLuceTest {
  private static final double[] LOGITS = {1.0, 0.2, -0.5, 0.7};

  /** Exact P(item at position) by enumerating the 24 rankings. */
  private static double[][] exactMarginals() {
    double[][] m = new double[4][4];
    int[] perm = {0, 1, 2, 3};
    enumerate(perm, 0, m);
    return m;
  }

  private static void enumerate(int[] p, int at, double[][] m) {
    if (at == p.length) {
      double prob = 1;
      for (double c : PlackettLuce.conditionals(LOGITS, p)) {
        prob *= c;
      }
      for (int pos = 0; pos < p.length; pos++) {
        m[p[pos]][pos] += prob;
      }
      return;
    }
    for (int i = at; i < p.length; i++) {
      int t = p[at];
      p[at] = p[i];
      p[i] = t;
      enumerate(p, at + 1, m);
      p[i] = p[at];
      p[at] = t;
    }
  }

  @Test
  void rankingProbabilitiesSumToOneAndMarginalsAreDoublyStochastic() {
    double[][] m = exactMarginals();
    for (int i = 0; i < 4; i++) {
      double row = 0;
      double col = 0;
      for (int j = 0; j < 4; j++) {
        row += m[i][j];
        col += m[j][i];
      }
      assertEquals(1.0, row, 1e-12);
      assertEquals(1.0, col, 1e-12);
    }
    double[] next = PlackettLuce.nextProbabilities(LOGITS, new boolean[] {true, false, false, false});
    assertEquals(0.0, next[0]);
    assertEquals(1.0, next[1] + next[2] + next[3], 1e-12);
  }

  @Test
  void monteCarloMarginalsMatchEnumeration() {
    double[][] exact = exactMarginals();
    int[] ranking = {3, 0, 2, 1};
    int samples = 20_000;
    double[] est = PlackettLuce.marginals(LOGITS, ranking, samples, new NumpyRandom(7));
    for (int p = 0; p < 4; p++) {
      double truth = exact[ranking[p]][p];
      // Each Rao-Blackwellised term lies in [0, 1]: its standard deviation is at most 0.5, so 5 standard
      // errors of the mean are 5 x 0.5 / sqrt(20000) = 0.018.
      assertEquals(truth, est[p], 0.018, "position " + p);
    }
    // Position 1 has no prefix: its marginal is the softmax, exactly.
    double z = 0;
    for (double l : LOGITS) {
      z += Math.exp(l);
    }
    assertEquals(Math.exp(LOGITS[3]) / z, est[0], 1e-12);
  }

  @Test
  void gumbelTopKDrawsFollowTheSoftmaxAtTheTop() {
    int n = 40_000;
    int[] first = new int[4];
    NumpyRandom rng = new NumpyRandom(11);
    for (int i = 0; i < n; i++) {
      first[PlackettLuce.sample(LOGITS, 2, rng)[0]]++;
    }
    double z = 0;
    for (double l : LOGITS) {
      z += Math.exp(l);
    }
    for (int j = 0; j < 4; j++) {
      double p = Math.exp(LOGITS[j]) / z;
      double se = Math.sqrt(p * (1 - p) / n);
      assertEquals(p, first[j] / (double) n, 5 * se, "candidate " + j + " first");
    }
    assertTrue(PlackettLuce.sample(LOGITS, 4, rng).length == 4);
  }
}
