package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffPolicyEstimatorsTest {
  private static LoggedDecision single(long ep, double[] x, int arm, double propensity, double reward) {
    return new LoggedDecision("b", 1, ep, 0, x, arm, null, propensity, null, reward, true,
        LoggedDecision.Outcome.NONE);
  }

  private static final double[] X0 = {1.0};

  // --- The reference's tests/ch09/test_ope.py ---

  @Test
  void ipsWeightHalfGivesHalfTheReward() {
    // pi_e(a) = 0.5, pi_b(a) = 1.0, reward 10 -> 5.0.
    TargetPolicy e = TargetPolicy.discrete(2, x -> new double[] {0.5, 0.5});
    List<Trajectory> data = Trajectory.group(List.of(single(0, X0, 0, 1.0, 10)));
    assertEquals(5.0, new OffPolicyEstimators(data, e, 0.95).ips(Double.POSITIVE_INFINITY).value(), 1e-12);
  }

  @Test
  void snipsNormalisesByTheWeights() {
    // weights 0.5 and 1.5 on rewards 10 and 20: (0.5*10 + 1.5*20) / 2 = 17.5.
    TargetPolicy e = TargetPolicy.discrete(2, x -> x[0] > 0 ? new double[] {0.25, 0.75} : new double[] {0.75, 0.25});
    List<Trajectory> data = Trajectory.group(List.of(single(0, new double[] {1}, 0, 0.5, 10),
        single(1, new double[] {-1}, 0, 0.5, 20)));
    assertEquals(17.5, new OffPolicyEstimators(data, e, 0.95).snips().value(), 1e-12);
  }

  @Test
  void ipsOfEqualPoliciesOnZeroMeanRewardsIsNearZero() {
    TargetPolicy p = TargetPolicy.discrete(3, x -> new double[] {0.2, 0.3, 0.5});
    NumpyRandom rng = new NumpyRandom(1);
    List<LoggedDecision> log = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int a = rng.choice(new double[] {0.2, 0.3, 0.5});
      log.add(single(i, X0, a, new double[] {0.2, 0.3, 0.5}[a], rng.normal(0, 1)));
    }
    Estimate ips = new OffPolicyEstimators(Trajectory.group(log), p, 0.95).ips(Double.POSITIVE_INFINITY);
    // Weights are all 1: the estimate is a mean of 1,000 standard normals (sd 0.032); the reference's 0.1 is 3 sd.
    assertTrue(Math.abs(ips.value()) < 0.1, "IPS " + ips.value());
    assertEquals(1000, ips.ess(), 1e-9);
  }

  @Test
  void drWithAPerfectModelIsExact() {
    TargetPolicy e = TargetPolicy.discrete(2, x -> new double[] {0.0, 1.0});
    ActionValueModel perfect = (x, a) -> a == 1 ? 10.0 : 3.0;
    List<Trajectory> data = Trajectory.group(List.of(single(0, X0, 0, 0.5, 3.0), single(1, X0, 1, 0.5, 10.0)));
    OffPolicyEstimators est = new OffPolicyEstimators(data, e, 0.95);
    assertEquals(10.0, est.dr(perfect).value(), 1e-12);
    assertEquals(10.0, est.dm(perfect).value(), 1e-12);
    assertEquals(10.0, est.switchDr(perfect).value(), 1e-12);
  }

  @Test
  void tinyPropensitiesGiveZeroWeightAndClippingCapsWeights() {
    TargetPolicy e = TargetPolicy.discrete(2, x -> new double[] {1.0, 0.0});
    List<Trajectory> data = Trajectory.group(List.of(single(0, X0, 0, 1e-12, 5), single(1, X0, 0, 0.05, 1)));
    OffPolicyEstimators est = new OffPolicyEstimators(data, e, 0.95);
    Estimate ips = est.ips(Double.POSITIVE_INFINITY);
    assertEquals((0 + 20.0) / 2, ips.value(), 1e-12);
    assertEquals(20.0, ips.maxWeight(), 1e-12);
    Estimate clipped = est.ips(10);
    assertEquals(10.0 / 2, clipped.value(), 1e-12);
    assertEquals("clipped_ips", clipped.estimator());
  }

  // --- Unbiasedness where the truth is exact ---

  /** Three contexts, three arms, Gaussian rewards with known means. */
  private static final double[] P_CONTEXT = {0.5, 0.3, 0.2};
  private static final double[][] MU = {{1.0, 2.0, 0.5}, {3.0, 0.0, 1.0}, {0.0, 1.0, 4.0}};
  private static final double[][] BEHAVIOR = {{0.6, 0.2, 0.2}, {0.1, 0.6, 0.3}, {0.4, 0.4, 0.2}};
  private static final double[][] TARGET = {{0.1, 0.8, 0.1}, {0.7, 0.1, 0.2}, {0.0, 0.2, 0.8}};

  private static double[] oneHot(int k) {
    double[] x = new double[3];
    x[k] = 1;
    return x;
  }

  private static int ctx(double[] x) {
    return x[0] == 1 ? 0 : x[1] == 1 ? 1 : 2;
  }

  private static List<Trajectory> banditLog(NumpyRandom rng, int n) {
    List<LoggedDecision> log = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = rng.choice(P_CONTEXT);
      int a = rng.choice(BEHAVIOR[c]);
      log.add(new LoggedDecision("b", 1, i, 0, oneHot(c), a, null, BEHAVIOR[c][a], BEHAVIOR[c], rng.normal(MU[c][a], 1.0),
          true, LoggedDecision.Outcome.NONE));
    }
    return Trajectory.group(log);
  }

  @Test
  void ipsAndDrAreUnbiasedOnAFiniteContextualBandit() {
    double truth = 0;
    for (int c = 0; c < 3; c++) {
      for (int a = 0; a < 3; a++) {
        truth += P_CONTEXT[c] * TARGET[c][a] * MU[c][a];
      }
    }
    TargetPolicy e = TargetPolicy.discrete(3, x -> TARGET[ctx(x)].clone());
    // A deliberately wrong fixed model: DR stays unbiased for any model fixed in advance.
    ActionValueModel wrong = (x, a) -> 1.0 + a;
    int seeds = 300;
    int n = 200;
    double[] ips = new double[seeds];
    double[] dr = new double[seeds];
    double[] fqeDr = new double[seeds];
    for (int s = 0; s < seeds; s++) {
      List<Trajectory> data = banditLog(new NumpyRandom(1000 + s), n);
      OffPolicyEstimators est = new OffPolicyEstimators(data, e, 1.0);
      ips[s] = est.ips(Double.POSITIVE_INFINITY).value();
      dr[s] = est.dr(wrong).value();
      fqeDr[s] = est.dr(LinearFqe.fit(data, e, 1.0, 1e-3, 10)).value();
    }
    // Tolerance: 4 standard errors of the mean over seeds (each estimate's sd over seeds is measured).
    assertUnbiased("IPS", ips, truth);
    assertUnbiased("DR (fixed wrong model)", dr, truth);
    assertUnbiased("DR (linear FQE fitted on the log)", fqeDr, truth);
  }

  private static void assertUnbiased(String name, double[] est, double truth) {
    double mean = 0;
    for (double v : est) {
      mean += v;
    }
    mean /= est.length;
    double ss = 0;
    for (double v : est) {
      ss += (v - mean) * (v - mean);
    }
    double se = Math.sqrt(ss / (est.length - 1)) / Math.sqrt(est.length);
    assertTrue(Math.abs(mean - truth) < 4 * se,
        name + ": mean " + mean + " vs truth " + truth + " (4 se = " + 4 * se + ")");
  }

  /**
   * A three-step episodic MDP with two states and two actions: the state is drawn at each step from
   * a distribution that depends on the previous action, so the value is computable exactly by
   * backward induction.
   */
  private static final double[][] R = {{1.0, 0.0}, {0.5, 2.0}};
  private static final double[][] P_NEXT_STATE1 = {{0.2, 0.7}, {0.5, 0.9}};
  private static final double[][] B2 = {{0.5, 0.5}, {0.7, 0.3}};
  private static final double[][] E2 = {{0.2, 0.8}, {0.9, 0.1}};
  private static final int HORIZON = 3;

  private static double exactValue(double gamma) {
    // V_t(s) = sum_a pi_e(a|s) (R[s][a] + gamma sum_s' P(s'|s,a) V_{t+1}(s')), V_H = 0; start in state 0.
    double[] v = {0, 0};
    for (int t = HORIZON - 1; t >= 0; t--) {
      double[] nv = new double[2];
      for (int s = 0; s < 2; s++) {
        for (int a = 0; a < 2; a++) {
          double p1 = P_NEXT_STATE1[s][a];
          double cont = t == HORIZON - 1 ? 0 : (1 - p1) * v[0] + p1 * v[1];
          nv[s] += E2[s][a] * (R[s][a] + gamma * cont);
        }
      }
      v = nv;
    }
    return v[0];
  }

  private static List<Trajectory> mdpLog(NumpyRandom rng, int n) {
    List<LoggedDecision> log = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int s = 0;
      for (int t = 0; t < HORIZON; t++) {
        int a = rng.choice(B2[s]);
        double r = rng.normal(R[s][a], 0.5);
        log.add(new LoggedDecision("b", 1, i, t, new double[] {s == 0 ? 1 : 0, s == 1 ? 1 : 0}, a, null, B2[s][a],
            B2[s], r, t == HORIZON - 1, LoggedDecision.Outcome.NONE));
        s = rng.random() < P_NEXT_STATE1[s][a] ? 1 : 0;
      }
    }
    return Trajectory.group(log);
  }

  @Test
  void pdisAndDrAreUnbiasedOnAMultiStepMdp() {
    double gamma = 0.9;
    double truth = exactValue(gamma);
    TargetPolicy e = TargetPolicy.discrete(2, x -> E2[x[0] == 1 ? 0 : 1].clone());
    ActionValueModel wrong = (x, a) -> 0.7 * a - 0.2;
    int seeds = 300;
    double[] pdis = new double[seeds];
    double[] ips = new double[seeds];
    double[] dr = new double[seeds];
    for (int s = 0; s < seeds; s++) {
      List<Trajectory> data = mdpLog(new NumpyRandom(5000 + s), 200);
      OffPolicyEstimators est = new OffPolicyEstimators(data, e, gamma);
      pdis[s] = est.pdis().value();
      ips[s] = est.ips(Double.POSITIVE_INFINITY).value();
      dr[s] = est.dr(wrong).value();
    }
    assertUnbiased("PDIS", pdis, truth);
    assertUnbiased("IPS (trajectory weights)", ips, truth);
    assertUnbiased("DR (per-decision, fixed wrong model)", dr, truth);
  }

  @Test
  void fittedQEvaluationRecoversTheExactValuesOfTheMdp() {
    double gamma = 0.9;
    TargetPolicy e = TargetPolicy.discrete(2, x -> E2[x[0] == 1 ? 0 : 1].clone());
    List<Trajectory> data = mdpLog(new NumpyRandom(77), 20_000);
    // The MDP is not Markov in the state alone (the horizon matters), so linear FQE on the state
    // one-hot is biased; DR corrects it and DM alone does not have to match. Check DR's CI holds the truth.
    OffPolicyEstimators est = new OffPolicyEstimators(data, e, gamma);
    LinearFqe fqe = LinearFqe.fit(data, e, gamma, 1e-3, 200);
    Estimate dr = est.dr(fqe);
    double truth = exactValue(gamma);
    assertTrue(dr.ciLow() <= truth && truth <= dr.ciHigh(), "DR " + dr + " truth " + truth);
    assertTrue(fqe.iterations() > 1);
  }

  @Test
  void linearFqeFitsANoiselessLinearRewardExactly() {
    List<LoggedDecision> log = new ArrayList<>();
    NumpyRandom rng = new NumpyRandom(3);
    for (int i = 0; i < 200; i++) {
      double[] x = {rng.normal(0, 1), rng.normal(0, 1)};
      int a = (int) rng.integers(0, 2);
      double r = a == 0 ? 2 * x[0] - x[1] + 1 : -x[0] + 3;
      log.add(single(i, x, a, 0.5, r));
    }
    LinearFqe m = LinearFqe.fit(Trajectory.group(log), TargetPolicy.discrete(2, x -> new double[] {0.5, 0.5}), 0.95,
        1e-9, 5);
    assertEquals(2 * 0.3 - 0.4 + 1, m.q(new double[] {0.3, 0.4}, 0), 1e-6);
    assertEquals(-0.3 + 3, m.q(new double[] {0.3, 0.4}, 1), 1e-6);
    assertEquals(1, m.iterations());
  }

  @Test
  void bootstrapIntervalsBracketThePointEstimatesAndAreReproducible() {
    TargetPolicy e = TargetPolicy.discrete(3, x -> TARGET[ctx(x)].clone());
    List<Trajectory> data = banditLog(new NumpyRandom(9), 300);
    OffPolicyEstimators est = new OffPolicyEstimators(data, e, 1.0);
    LinearFqe fqe = LinearFqe.fit(data, e, 1.0, 1e-3, 5);
    Map<String, Estimate> a = est.bootstrap(10, fqe, 200, new NumpyRandom(1));
    Map<String, Estimate> b = est.bootstrap(10, fqe, 200, new NumpyRandom(1));
    assertEquals(a, b);
    assertEquals(List.of("ips", "clipped_ips", "snips", "pdis", "dm", "dr", "switch_dr"), List.copyOf(a.keySet()));
    for (Estimate x : a.values()) {
      assertTrue(x.ciLow() <= x.value() && x.value() <= x.ciHigh(), x.toString());
    }
  }

  @Test
  void continuousPropensityUsesTheBoxDensityUnlessTheReferenceSwitchIsOn() {
    // Box [-5, 5]^2: uniform density 1/100; the reference's 0.5^2 = 0.25.
    assertEquals(0.9 * 0.3 + 0.1 / 100, ContinuousPropensity.epsilonGreedy(0.3, 2, -5, 5, 0.1, false), 1e-15);
    assertEquals(0.9 * 0.3 + 0.1 * 0.25, ContinuousPropensity.epsilonGreedy(0.3, 2, -5, 5, 0.1, true), 1e-15);
    assertEquals(1 / (2 * Math.PI), ContinuousPropensity.gaussian(new double[] {0, 0}, new double[] {0, 0}, 1), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> ContinuousPropensity.epsilonGreedy(0.3, 2, 1, 1, 0.1, false));
  }

  @Test
  void intervalsUseStudentsTQuantileOfTheSampleSize() {
    // Five trajectories: 4 degrees of freedom, so the 95% half-width is 2.776 standard errors, not 1.96.
    TargetPolicy e = TargetPolicy.discrete(2, x -> new double[] {0.5, 0.5});
    List<LoggedDecision> log = new ArrayList<>();
    double[] r = {1, 4, 2, 8, 5};
    for (int i = 0; i < r.length; i++) {
      log.add(single(i, X0, 0, 0.5, r[i]));
    }
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(log), e, 1.0);
    for (Estimate x : List.of(est.ips(Double.POSITIVE_INFINITY), est.snips(), est.pdis())) {
      assertEquals(2.776445 * x.stdError(), x.ciHigh() - x.value(), 1e-5 * x.stdError(), x.estimator());
      assertEquals(2.776445 * x.stdError(), x.value() - x.ciLow(), 1e-5 * x.stdError(), x.estimator());
    }
  }

  @Test
  void weightsBeyondTheLargestRatioAreCountedAsZeroAndNamedInTheNote() {
    // Logging N(0, 1), target N(0, 0.01^2) in one dimension: at a logged action near 0 the ratio is
    // about 100, far out (|a| > 0.2) it is below 1e-80, and a logging density of 1e-300 against the
    // target's 40 gives a ratio far above 1e10: counted as 0 and reported, never silently.
    TargetPolicy e = TargetPolicy.continuous((x, a) -> ContinuousPropensity.gaussian(a, new double[] {0}, 0.01));
    List<LoggedDecision> log = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      double[] a = {i == 0 ? 0.0 : 1.0};
      double p = i == 0 ? 1e-300 : ContinuousPropensity.gaussian(a, new double[] {0}, 1);
      log.add(new LoggedDecision("b", 1, i, 0, X0, -1, a, p, null, 1.0, true, LoggedDecision.Outcome.NONE));
    }
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(log), e, 1.0);
    assertEquals(1, est.zeroedWeights());
    Estimate ips = est.ips(Double.POSITIVE_INFINITY);
    assertEquals(0.0, ips.value(), 1e-12, ips.toString());
    assertTrue(ips.note().contains("1 decision(s) with an importance ratio above 1e10"), ips.note());
    assertTrue(est.snips().note().contains("1 decision(s)"), est.snips().note());
  }

  @Test
  void tenDimensionalGaussianDensitiesFarBelowTheOldFloorKeepTheirWeights() {
    // Behaviour N(0, 9 I) in 10 dimensions: its density at a typical draw is about 1e-11, a valid
    // density far below 1e-10. Target N(mu, 9 I) with mu = (0.6, 0, ..., 0); reward a_0, so the
    // target's value is 0.6 and the weights exp((a . mu - |mu|^2 / 2) / 9) are moderate.
    double sigma = 3;
    double[] zero = new double[10];
    double[] mu = new double[10];
    mu[0] = 0.6;
    TargetPolicy e = TargetPolicy.continuous((x, a) -> ContinuousPropensity.gaussian(a, mu, sigma));
    NumpyRandom rng = new NumpyRandom(31);
    List<LoggedDecision> log = new ArrayList<>();
    int n = 20_000;
    int below = 0;
    for (int i = 0; i < n; i++) {
      double[] a = new double[10];
      for (int j = 0; j < 10; j++) {
        a[j] = rng.normal(0, sigma);
      }
      double p = ContinuousPropensity.gaussian(a, zero, sigma);
      below += p < 1e-10 ? 1 : 0;
      log.add(new LoggedDecision("b", 1, i, 0, X0, -1, a, p, null, a[0], true, LoggedDecision.Outcome.NONE));
    }
    assertTrue(below > n / 2, "most logged densities lie below 1e-10: " + below);
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(log), e, 1.0);
    Estimate ips = est.ips(Double.POSITIVE_INFINITY);
    assertEquals(0.6, ips.value(), 4 * ips.stdError(), ips.toString());
    Estimate snips = est.snips();
    assertEquals(0.6, snips.value(), 4 * snips.stdError(), snips.toString());
    assertTrue(ips.stdError() < 0.1, ips.toString());
  }

  @Test
  void ipsOverContinuousActionsUsesDensityRatios() {
    // Behaviour: uniform on [-1, 1] (density 0.5); target: uniform on [0, 1] (density 1 there, 0 elsewhere).
    // Reward = a; target value 0.5.
    TargetPolicy e = TargetPolicy.continuous((x, a) -> a[0] >= 0 && a[0] <= 1 ? 1.0 : 0.0);
    NumpyRandom rng = new NumpyRandom(12);
    List<LoggedDecision> log = new ArrayList<>();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      double a = rng.uniform(-1, 1);
      log.add(new LoggedDecision("b", 1, i, 0, X0, -1, new double[] {a}, 0.5, null, a, true,
          LoggedDecision.Outcome.NONE));
    }
    Estimate ips = new OffPolicyEstimators(Trajectory.group(log), e, 1.0).ips(Double.POSITIVE_INFINITY);
    assertTrue(ips.ciLow() <= 0.5 && 0.5 <= ips.ciHigh(), ips.toString());
  }

  @Test
  void crossFittedDrStaysUnbiasedAndItsIntervalsCoverAtTheNominalRate() {
    double truth = 0;
    for (int c = 0; c < 3; c++) {
      for (int a = 0; a < 3; a++) {
        truth += P_CONTEXT[c] * TARGET[c][a] * MU[c][a];
      }
    }
    TargetPolicy e = TargetPolicy.discrete(3, x -> TARGET[ctx(x)].clone());
    int seeds = 300;
    double[] dr = new double[seeds];
    int covered = 0;
    for (int s = 0; s < seeds; s++) {
      List<Trajectory> data = banditLog(new NumpyRandom(9000 + s), 200);
      ModelFit fit = ModelFit.crossFitted(data, 2, d -> LinearFqe.fit(d, e, 1.0, 1e-3, 5), "linear FQE");
      Estimate x = new OffPolicyEstimators(data, e, 1.0).dr(fit);
      dr[s] = x.value();
      covered += x.ciLow() <= truth && truth <= x.ciHigh() ? 1 : 0;
    }
    assertUnbiased("cross-fitted DR", dr, truth);
    // Nominal 95%: over 300 runs the coverage count has sd sqrt(300 * 0.95 * 0.05) = 3.8; require >= 95% - 4 sd.
    assertTrue(covered >= 0.95 * seeds - 4 * 3.8, "coverage " + covered + " of " + seeds);
  }
}
