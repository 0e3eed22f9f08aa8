package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.testing.Gen;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Propensities are probabilities: every logged one lies in (0, 1], and over a decision's choices they
 * sum to 1 (the exact Thompson choice probability, softmax, epsilon-greedy). Each try draws its inputs
 * from {@code Gen.of(SEED, try)}.
 */
class PropensityPropertyTest {
  static final long SEED = 20251207L;

  static IntStream thompsonTries() {
    return IntStream.range(0, 150);
  }

  static IntStream distributionTries() {
    return IntStream.range(0, 100);
  }

  static IntStream agentTries() {
    return IntStream.range(0, 40);
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("thompsonTries")
  void thompsonChoiceProbabilitiesAreInZeroOneAndSumToOne(int t) {
    Gen g = Gen.of(SEED, t);
    int n = g.ints(1, 8);
    double[] mu = g.doubles(n, -5, 5);
    double[] sd = g.doubles(n, 0.01, 5);
    String at = Gen.label(SEED, t, "mu", mu, "sd", sd);
    double sum = 0;
    for (int k = 0; k < n; k++) {
      double p = BanditAgents.choiceProbability(mu, sd, k);
      assertTrue(p > 0 && p <= 1, "arm " + k + ": " + p + "; " + at);
      sum += p;
    }
    // Each integral is within 1e-10 relative (its tolerance); the floor adds at most 1e-12 an arm.
    assertEquals(1.0, sum, 1e-9 * n, "sum over the arms; " + at);
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("distributionTries")
  void softmaxAndEpsilonGreedyAreDistributionsAndTheSampledArmHasPositiveProbability(int t) {
    Gen g = Gen.of(SEED, t);
    int arms = g.ints(1, 12);
    double tau = g.doubles(0.01, 50);
    double eps = g.doubles(0, 1);
    long seed = g.anyLong();
    String at = Gen.label(SEED, t, "arms", arms, "tau", tau, "eps", eps, "seed", seed);
    NumpyRandom rng = new NumpyRandom(seed & Long.MAX_VALUE);
    double[] scores = new double[arms];
    for (int a = 0; a < arms; a++) {
      scores[a] = rng.normal(0, 20);
    }
    for (ArmPolicy p : new ArmPolicy[] {ArmPolicy.softmax("softmax", arms, x -> scores, tau),
        ArmPolicy.epsilonGreedy("eps", arms, x -> scores, eps)}) {
      double[] pr = p.probabilities(new double[0]);
      assertEquals(arms, pr.length, p.name() + "; " + at);
      double sum = 0;
      for (double v : pr) {
        assertTrue(v >= 0 && v <= 1, p.name() + ": " + Arrays.toString(pr) + "; " + at);
        sum += v;
      }
      assertEquals(1.0, sum, 1e-12 * arms, p.name() + "; " + at);
      int chosen = p.sample(new double[0], rng);
      assertTrue(pr[chosen] > 0 && pr[chosen] <= 1,
          p.name() + " sampled arm " + chosen + ": " + Arrays.toString(pr) + "; " + at);
    }
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("agentTries")
  void thompsonAgentsLogAPropensityInZeroOne(int t) {
    Gen g = Gen.of(SEED, t);
    int arms = g.ints(1, 5);
    int dim = g.ints(1, 4);
    int steps = g.ints(0, 30);
    long seed = g.anyLong();
    String at = Gen.label(SEED, t, "arms", arms, "dim", dim, "steps", steps, "seed", seed);
    NumpyRandom rng = new NumpyRandom(seed & Long.MAX_VALUE);
    UpdateRule rule = BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 16).create(arms, dim);
    double[] x = new double[dim];
    for (int s = 0; s <= steps; s++) {
      for (int i = 0; i < dim; i++) {
        x[i] = rng.normal(0, 1);
      }
      PolicySnapshot snap = rule.snapshot(s);
      Decision dec = snap.act(x.clone(), rng);
      String step = "step " + s + "; " + at;
      assertTrue(dec.arm() >= 0 && dec.arm() < arms, "arm " + dec.arm() + " at " + step);
      assertTrue(dec.propensity() > 0 && dec.propensity() <= 1, "propensity " + dec.propensity() + " at " + step);
      if (arms == 1) {
        assertEquals(1.0, dec.propensity(), 0.0, "the only arm at " + step);
      }
      rule.observe(x.clone(), dec, rng.normal(dec.arm() == 0 ? 1 : 0, 1));
    }
  }
}
