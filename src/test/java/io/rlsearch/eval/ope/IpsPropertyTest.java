package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IPS is unbiased: on a synthetic contextual bandit whose true value under the target policy is known
 * exactly, the estimate from one log of n decisions lies within 5 of its exact standard errors of the
 * truth (computed from the known model, so the tolerance follows the sample size and the weights).
 * Each try draws its sizes and the model's seed from {@code Gen.of(SEED, try)}.
 */
class IpsPropertyTest {
  static final long SEED = 20251207L;

  static IntStream tries() {
    return IntStream.range(0, 30);
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("tries")
  void ipsIsWithinFiveExactStandardErrorsOfTheTruth(int t) {
    Gen g = Gen.of(SEED, t);
    int contexts = g.ints(1, 4);
    int arms = g.ints(2, 5);
    long seed = g.longs(0, 1L << 40);
    String at = Gen.label(SEED, t, "contexts", contexts, "arms", arms, "seed", seed);
    NumpyRandom rng = new NumpyRandom(seed);
    double[] pc = dirichletLike(rng, contexts, 0);
    double[][] behaviour = new double[contexts][];
    double[][] target = new double[contexts][];
    double[][] mu = new double[contexts][arms];
    for (int c = 0; c < contexts; c++) {
      behaviour[c] = dirichletLike(rng, arms, 0.05); // every arm logged with probability >= 0.05 / arms
      target[c] = dirichletLike(rng, arms, 0);
      for (int a = 0; a < arms; a++) {
        mu[c][a] = rng.uniform(-2, 3);
      }
    }
    double truth = 0;
    double second = 0; // E[(w r)^2] under the behaviour policy, rewards N(mu, 1)
    for (int c = 0; c < contexts; c++) {
      for (int a = 0; a < arms; a++) {
        truth += pc[c] * target[c][a] * mu[c][a];
        double w = target[c][a] / behaviour[c][a];
        second += pc[c] * behaviour[c][a] * w * w * (mu[c][a] * mu[c][a] + 1);
      }
    }
    int n = 2000;
    List<LoggedDecision> log = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = rng.choice(pc);
      int a = rng.choice(behaviour[c]);
      double[] x = new double[contexts];
      x[c] = 1;
      log.add(new LoggedDecision("b", 1, i, 0, x, a, null, behaviour[c][a], behaviour[c].clone(),
          rng.normal(mu[c][a], 1.0), true, LoggedDecision.Outcome.NONE));
    }
    TargetPolicy e = TargetPolicy.discrete(arms, x -> target[argmax(x)].clone());
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(log), e, 1.0);
    assertEquals(n, est.size(), at);
    double se = Math.sqrt((second - truth * truth) / n);
    double ips = est.ips(Double.POSITIVE_INFINITY).value();
    assertTrue(Math.abs(ips - truth) <= 5 * se, "IPS " + ips + ", truth " + truth + ", exact standard error " + se + "; " + at);
  }

  /** A random distribution over {@code k} with every entry at least {@code floor / k}. */
  private static double[] dirichletLike(NumpyRandom rng, int k, double floor) {
    double[] p = new double[k];
    double z = 0;
    for (int i = 0; i < k; i++) {
      p[i] = rng.standardExponential();
      z += p[i];
    }
    for (int i = 0; i < k; i++) {
      p[i] = (1 - floor) * p[i] / z + floor / k;
    }
    return p;
  }

  private static int argmax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }
}
