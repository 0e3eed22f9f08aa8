package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.LegacyRandom;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/**
 * The ranking rule on ties, and the limits of the distribution's settings. Priors of 0.001 make
 * numpy's beta draw 0 or 1 exactly almost every time, so equal samples are common: the rule
 * (highest sample first, on a tie the higher item index first) is applied here by sorting each
 * simulation's draws, the same legacy stream in the same order, and must give the same counts.
 */
class BernoulliTsTiesTest {
  private static final double TINY = 1e-3;

  private static double[][] bySorting(BernoulliTsDistribution.Priors priors, int lenList, int nSim, long seed) {
    int n = priors.items();
    double[] alpha = priors.alpha();
    double[] beta = priors.beta();
    LegacyRandom rng = new LegacyRandom(seed);
    double[][] dist = new double[n][lenList];
    for (int s = 0; s < nSim; s++) {
      double[] sample = new double[n];
      for (int a = 0; a < n; a++) {
        sample[a] = rng.beta(alpha[a], beta[a]);
      }
      Integer[] order = new Integer[n];
      for (int a = 0; a < n; a++) {
        order[a] = a;
      }
      Arrays.sort(order, Comparator.<Integer>comparingDouble(a -> sample[a]).thenComparingInt(a -> a).reversed());
      for (int k = 0; k < lenList; k++) {
        dist[order[k]][k] += 1.0 / nSim;
      }
    }
    return dist;
  }

  private static int ties(BernoulliTsDistribution.Priors priors, int nSim, long seed) {
    LegacyRandom rng = new LegacyRandom(seed);
    int ties = 0;
    for (int s = 0; s < nSim; s++) {
      double[] sample = new double[priors.items()];
      for (int a = 0; a < sample.length; a++) {
        sample[a] = rng.beta(TINY, TINY);
      }
      ties += Arrays.stream(sample).distinct().count() < sample.length ? 1 : 0;
    }
    return ties;
  }

  @Test
  void onEqualSamplesTheHigherItemIndexRanksFirst() {
    double[] tiny = {TINY, TINY, TINY, TINY};
    var priors = new BernoulliTsDistribution.Priors(tiny, tiny);
    int nSim = 400;
    int ties = ties(priors, nSim, 11);
    assertTrue(ties > nSim / 2, "most simulations have equal samples: " + ties);
    for (int lenList = 1; lenList <= 4; lenList++) {
      double[][] expected = bySorting(priors, lenList, nSim, 11);
      double[][] actual = BernoulliTsDistribution.compute(priors, lenList, nSim, 11);
      for (int a = 0; a < 4; a++) {
        assertArrayEquals(expected[a], actual[a], 1e-12, "lenList " + lenList + ", item " + a);
      }
    }
  }

  /** Two items that always tie in one simulation: the higher index takes position 0. */
  @Test
  void aTieOfTwoPutsTheSecondItemFirst() {
    var priors = new BernoulliTsDistribution.Priors(new double[] {TINY, TINY}, new double[] {TINY, TINY});
    int checked = 0;
    for (long seed = 0; seed < 50; seed++) {
      LegacyRandom rng = new LegacyRandom(seed);
      double s0 = rng.beta(TINY, TINY);
      double s1 = rng.beta(TINY, TINY);
      if (s0 == s1) {
        checked++;
        assertArrayEquals(new double[] {0}, BernoulliTsDistribution.compute(priors, 1, 1, seed)[0], "seed " + seed);
        assertArrayEquals(new double[] {1}, BernoulliTsDistribution.compute(priors, 1, 1, seed)[1], "seed " + seed);
        double[][] both = BernoulliTsDistribution.compute(priors, 2, 1, seed);
        assertArrayEquals(new double[] {0, 1}, both[0], "seed " + seed);
        assertArrayEquals(new double[] {1, 0}, both[1], "seed " + seed);
      }
    }
    assertTrue(checked >= 10, "ties among 50 seeds: " + checked);
  }

  @Test
  void listLengthIsOneToTheNumberOfItemsAndSimulationsAtLeastOne() {
    var priors = new BernoulliTsDistribution.Priors(new double[] {1, 2}, new double[] {3, 4});
    assertEquals("lenList must be in 1..2 (the number of items), got 0", assertThrows(IllegalArgumentException.class,
        () -> BernoulliTsDistribution.compute(priors, 0, 10, 1)).getMessage());
    assertEquals("lenList must be in 1..2 (the number of items), got 3", assertThrows(IllegalArgumentException.class,
        () -> BernoulliTsDistribution.compute(priors, 3, 10, 1)).getMessage());
    double[][] one = BernoulliTsDistribution.compute(priors, 1, 10, 1);
    assertEquals(1.0, one[0][0] + one[1][0], 1e-15, "position 0 is filled in every simulation");
    double[][] full = BernoulliTsDistribution.compute(priors, 2, 10, 1);
    for (int k = 0; k < 2; k++) {
      assertEquals(1.0, full[0][k] + full[1][k], 1e-15, "position " + k);
    }
    assertEquals(1.0, full[0][0] + full[0][1], 1e-15, "with every item listed, each is at some position");
    assertEquals("nSim must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> BernoulliTsDistribution.compute(priors, 1, 0, 1)).getMessage());
    double[][] single = BernoulliTsDistribution.compute(priors, 2, 1, 1);
    assertEquals(1.0, single[0][0] + single[0][1], 0.0);
    assertEquals(1.0, single[0][0] + single[1][0], 0.0, "one simulation: each cell is 0 or 1");
  }

  @Test
  void priorsMustBePositiveAndFinite() {
    assertEquals("priors: item 1 has alpha 0.0, beta 1.0; both must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> new BernoulliTsDistribution.Priors(new double[] {1, 0},
            new double[] {1, 1})).getMessage());
    assertEquals("priors: item 1 has alpha 1.0, beta 0.0; both must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> new BernoulliTsDistribution.Priors(new double[] {1, 1},
            new double[] {1, 0})).getMessage());
    assertEquals("priors: item 0 has alpha Infinity, beta 1.0; both must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> new BernoulliTsDistribution.Priors(
            new double[] {Double.POSITIVE_INFINITY}, new double[] {1})).getMessage());
    assertEquals(1, new BernoulliTsDistribution.Priors(new double[] {Double.MIN_VALUE},
        new double[] {Double.MIN_VALUE}).items());
  }
}
