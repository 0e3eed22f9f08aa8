package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** The reference's tests/ch06/test_linucb.py, test_thompson_sampling.py and test_integration.py. */
class LinearBanditsTest {
  private static double[] randn(NumpyRandom rng, int d) {
    double[] x = new double[d];
    for (int i = 0; i < d; i++) {
      x[i] = rng.standardNormal();
    }
    return x;
  }

  @Test
  void linUcbStartsFromTheRidgePrior() {
    LinUcb p = new LinUcb(3, 4, new LinUcb.Settings(2.0, 1.0, false));
    for (int a = 0; a < 3; a++) {
      double[] am = p.designMatrix(a);
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          assertEquals(i == j ? 2.0 : 0.0, am[i * 4 + j]);
        }
      }
      assertArrayEquals(new double[4], p.theta(a));
      assertArrayEquals(new double[4], p.response(a));
    }
  }

  @Test
  void linUcbAccumulatesOuterProductsOnlyForThePlayedArm() {
    LinUcb p = new LinUcb(2, 3, new LinUcb.Settings(1.0, 1.0, false));
    double[] x = {1, 2, 3};
    p.update(1, x, 2.0);
    double[] a1 = p.designMatrix(1);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals((i == j ? 1 : 0) + x[i] * x[j], a1[i * 3 + j], 1e-12);
      }
    }
    assertArrayEquals(new double[] {2, 4, 6}, p.response(1), 1e-12);
    assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, p.designMatrix(0));
    assertThrows(IllegalArgumentException.class, () -> p.update(2, x, 1));
    assertThrows(IllegalArgumentException.class, () -> p.update(0, new double[] {1, 2}, 1));
  }

  @Test
  void adaptiveWidthIsAlphaTimesRootLogOnePlusT() {
    LinUcb p = new LinUcb(2, 2, new LinUcb.Settings(1.0, 0.5, true));
    assertEquals(0.5, p.currentAlpha());
    for (int t = 1; t <= 10; t++) {
      p.select(new double[] {1, 0});
      assertEquals(0.5 * Math.sqrt(Math.log(1 + t)), p.currentAlpha(), 1e-15);
    }
    assertEquals(10, p.steps());
    assertEquals(0.5 * Math.sqrt(Math.log(11)), p.diagnostics().alpha(), 1e-15);
  }

  @Test
  void ridgeEstimateOfLinUcbEqualsThompsonPosteriorMeanWithUnitNoise() {
    LinUcb lin = new LinUcb(3, 4, LinUcb.Settings.defaults());
    LinearThompson ts = new LinearThompson(3, 4, LinearThompson.Settings.defaults(), new NumpyRandom(1));
    NumpyRandom rng = new NumpyRandom(5);
    for (int i = 0; i < 300; i++) {
      double[] x = randn(rng, 4);
      int a = (int) rng.integers(0, 3);
      double r = rng.normal(x[0] - x[2], 0.1);
      lin.update(a, x, r);
      ts.update(a, x, r);
    }
    for (int a = 0; a < 3; a++) {
      assertArrayEquals(lin.theta(a), ts.theta(a), 1e-12);
    }
  }

  @Test
  void selectionsAreValidArmsAndDeterministic() {
    for (int run = 0; run < 2; run++) {
      LinUcb a = new LinUcb(5, 3, new LinUcb.Settings(1.0, 1.0, true));
      LinUcb b = new LinUcb(5, 3, new LinUcb.Settings(1.0, 1.0, true));
      NumpyRandom rng = new NumpyRandom(9);
      for (int i = 0; i < 200; i++) {
        double[] x = randn(rng, 3);
        int sa = a.select(x);
        assertEquals(sa, b.select(x));
        assertTrue(sa >= 0 && sa < 5);
        double r = rng.normal(sa == 3 ? 1 : 0, 0.5);
        a.update(sa, x, r);
        b.update(sa, x, r);
      }
    }
  }

  @Test
  void diagnosticsHaveOneEntryPerArm() {
    LinUcb p = new LinUcb(4, 2, new LinUcb.Settings(1.0, 1.0, false));
    p.select(new double[] {1, 1});
    p.update(0, new double[] {1, 1}, 1);
    BanditDiagnostics d = p.diagnostics();
    assertEquals(4, d.selections().length);
    assertEquals(4, d.frequencies().length);
    assertEquals(4, d.thetaNorms().length);
    assertEquals(4, d.traceInverse().length);
    assertEquals(1.0, java.util.Arrays.stream(d.frequencies()).sum(), 1e-12);
    assertEquals(2.0, d.traceInverse()[1], 1e-12);
    assertTrue(d.traceInverse()[0] < 2.0);
  }

  @Test
  void thompsonPrecisionStartsAtLambdaAndGrowsOnlyForTheUpdatedArm() {
    LinearThompson p = new LinearThompson(3, 2, new LinearThompson.Settings(0.5, 2.0), new NumpyRandom(3));
    assertArrayEquals(new double[] {0.5, 0, 0, 0.5}, p.precision(0));
    p.update(2, new double[] {1, 2}, 1.0);
    assertArrayEquals(new double[] {0.5, 0, 0, 0.5}, p.precision(0));
    assertArrayEquals(new double[] {0.5, 0, 0, 0.5}, p.precision(1));
    assertArrayEquals(new double[] {0.5 + 0.25, 0.5, 0.5, 0.5 + 1.0}, p.precision(2), 1e-12);
  }

  @Test
  void thompsonRecoversLinearRewards() {
    // Reference: lambda 0.1, sigma 0.1, 100 samples per arm, posterior mean error < 0.5.
    double[][] truth = {{1, -1, 0.5}, {-0.5, 2, 0}, {0, 0, 1}};
    LinearThompson p = new LinearThompson(3, 3, new LinearThompson.Settings(0.1, 0.1), new NumpyRandom(42));
    NumpyRandom rng = new NumpyRandom(43);
    for (int a = 0; a < 3; a++) {
      for (int i = 0; i < 100; i++) {
        double[] x = randn(rng, 3);
        double mu = 0;
        for (int j = 0; j < 3; j++) {
          mu += truth[a][j] * x[j];
        }
        p.update(a, x, mu + rng.normal(0, 0.1));
      }
      double err = 0;
      for (int j = 0; j < 3; j++) {
        err += Math.pow(p.theta(a)[j] - truth[a][j], 2);
      }
      assertTrue(Math.sqrt(err) < 0.5, "arm " + a + " error " + Math.sqrt(err));
    }
  }

  @Test
  void thompsonIsReproducibleWithItsSeedAndDependsOnIt() {
    int[] a = thompsonRun(17);
    assertArrayEquals(a, thompsonRun(17));
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(thompsonRun(18)));
  }

  private static int[] thompsonRun(long seed) {
    LinearThompson p = new LinearThompson(4, 2, new LinearThompson.Settings(1.0, 1.0), new NumpyRandom(seed));
    NumpyRandom env = new NumpyRandom(100);
    int[] out = new int[100];
    for (int i = 0; i < out.length; i++) {
      double[] x = randn(env, 2);
      out[i] = p.select(x);
      p.update(out[i], x, env.normal(out[i] == 1 ? 1 : 0, 1));
    }
    return out;
  }

  /** A mock template environment where arm 2 is best in every context (reference test_integration.py). */
  private static double mockReward(int arm, NumpyRandom rng) {
    double[] means = {0.2, 0.4, 1.0, 0.3, 0.1, 0.5, 0.0, 0.25};
    return means[arm] + rng.normal(0, 0.3);
  }

  private static int[] integrationRun(ContextualBandit p, long seed) {
    NumpyRandom rng = new NumpyRandom(seed);
    int[] picks = new int[500];
    for (int i = 0; i < picks.length; i++) {
      double[] x = new double[p.dim()];
      x[(int) rng.integers(0, p.dim() - 1)] = 1;
      x[p.dim() - 1] = 1;
      picks[i] = p.select(x);
      p.update(picks[i], x, mockReward(picks[i], rng));
    }
    return picks;
  }

  private static double entropy(int[] picks, int from, int to) {
    double[] c = new double[8];
    for (int i = from; i < to; i++) {
      c[picks[i]]++;
    }
    double h = 0;
    for (double v : c) {
      if (v > 0) {
        double p = v / (to - from);
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  @Test
  void bothBanditsFindTheBestTemplateAndExploreLessOverTime() {
    ContextualBandit[] policies = {
      new LinUcb(8, 5, new LinUcb.Settings(1.0, 1.0, true)),
      new LinearThompson(8, 5, new LinearThompson.Settings(1.0, 0.3), new NumpyRandom(2))
    };
    for (ContextualBandit p : policies) {
      int[] picks = integrationRun(p, 77);
      long best = java.util.Arrays.stream(picks).filter(a -> a == 2).count();
      assertTrue(best / 500.0 > 0.4, p.getClass().getSimpleName() + " picked arm 2 in " + best + " of 500");
      assertTrue(entropy(picks, 400, 500) < entropy(picks, 0, 100), "selection entropy should decrease");
    }
    assertArrayEquals(integrationRun(new LinUcb(8, 5, new LinUcb.Settings(1.0, 1.0, true)), 77),
        integrationRun(new LinUcb(8, 5, new LinUcb.Settings(1.0, 1.0, true)), 77));
  }

  @Test
  void armPoliciesGiveDistributionsAndSampleFromThem() {
    ArmPolicy.Scorer scorer = x -> new double[] {x[0], 2 * x[0], 0.5};
    ArmPolicy eg = ArmPolicy.epsilonGreedy("eg", 3, scorer, 0.3);
    assertArrayEquals(new double[] {0.1, 0.8, 0.1}, eg.probabilities(new double[] {1}), 1e-12);
    assertArrayEquals(new double[] {0.1, 0.1, 0.8}, eg.probabilities(new double[] {-1}), 1e-12);
    ArmPolicy sm = ArmPolicy.softmax("sm", 3, scorer, 1.0);
    double[] p = sm.probabilities(new double[] {1});
    assertEquals(1.0, p[0] + p[1] + p[2], 1e-12);
    assertEquals(Math.exp(1) / Math.exp(2), p[0] / p[1], 1e-12);
    NumpyRandom rng = new NumpyRandom(4);
    int n = 40_000;
    int[] c = new int[3];
    for (int i = 0; i < n; i++) {
      c[eg.sample(new double[] {1}, rng)]++;
    }
    // Binomial sd of a share 0.8 at n = 40,000 is 0.002; tolerance 0.01 is 5 sd.
    assertEquals(0.8, c[1] / (double) n, 0.01);
    assertEquals(0.1, c[0] / (double) n, 0.01);
    assertArrayEquals(new double[] {0, 0, 1}, ArmPolicy.fixed("f", 3, 2).probabilities(new double[] {0}));
    assertThrows(IllegalArgumentException.class, () -> ArmPolicy.epsilonGreedy("x", 3, scorer, 1.5));
  }
}
