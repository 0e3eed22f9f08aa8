package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every estimator on logs of one to three trajectories, against values worked out by hand. */
class OffPolicyEstimatorsExactTest {
  private static final double[] X = {1.0};
  /** Student's t 0.975 quantiles at 1 and 2 degrees of freedom. */
  private static final double T1 = 12.706205;
  private static final double T2 = 4.302653;
  private static final long SEED = 5;

  private static LoggedDecision d(long ep, int step, int arm, double propensity, double reward, boolean done) {
    return new LoggedDecision("b", 1, ep, step, X, arm, null, propensity, null, reward, done,
        LoggedDecision.Outcome.NONE);
  }

  /** Plays arm 0 with 0.8 and arm 1 with 0.2, whatever the context. */
  private static final TargetPolicy TARGET = TargetPolicy.discrete(2, x -> new double[] {0.8, 0.2});

  /** Q(x, 0) = 1, Q(x, 1) = 2: V = 0.8 + 0.4 = 1.2. */
  static final class Table implements ActionValueModel {
    @Override
    public double q(double[] context, int arm) {
      return arm == 0 ? 1 : 2;
    }
  }

  /** Weights 1.6, 0.4 and 2 on rewards 2, 4 and 1. */
  private static OffPolicyEstimators logA() {
    return new OffPolicyEstimators(Trajectory.group(List.of(d(0, 0, 0, 0.5, 2, true), d(1, 0, 1, 0.5, 4, true),
        d(2, 0, 0, 0.4, 1, true))), TARGET, 1.0);
  }

  /**
   * Two trajectories, gamma 0.5: episode 0 plays arm 0 (p 0.5, reward 1) then arm 1 (p 0.5, reward 2) and is cut
   * short (not done); episode 1 plays arm 1 (p 0.8, reward 3) and ends. Cumulative weights 1.6, 0.64 and 0.25.
   */
  private static OffPolicyEstimators logB() {
    return new OffPolicyEstimators(Trajectory.group(List.of(d(0, 0, 0, 0.5, 1, false), d(0, 1, 1, 0.5, 2, false),
        d(1, 0, 1, 0.8, 3, true))), TARGET, 0.5);
  }

  private static double sd(double... x) {
    double m = Arrays.stream(x).average().orElseThrow();
    return Math.sqrt(Arrays.stream(x).map(v -> (v - m) * (v - m)).sum() / (x.length - 1));
  }

  private static void assertInterval(Estimate e, double value, double se, double t) {
    assertEquals(value, e.value(), 1e-12, e.estimator());
    assertEquals(se, e.stdError(), 1e-12, e.estimator());
    assertEquals(value - t * se, e.ciLow(), 1e-5, e.estimator());
    assertEquals(value + t * se, e.ciHigh(), 1e-5, e.estimator());
  }

  @Test
  void ipsClippedIpsSnipsAndPdisOnThreeSingleSteps() {
    OffPolicyEstimators est = logA();
    assertEquals(3, est.size());
    assertEquals(0, est.zeroedWeights());
    Estimate ips = est.ips(Double.POSITIVE_INFINITY);
    // Terms 3.2, 1.6 and 2.
    assertInterval(ips, 6.8 / 3, sd(3.2, 1.6, 2) / Math.sqrt(3), T2);
    assertEquals("ips", ips.estimator());
    assertEquals("", ips.note());
    assertEquals(16 / 6.72, ips.ess(), 1e-12);
    assertEquals(2.0, ips.maxWeight(), 1e-12);
    assertEquals(3, ips.n());
    assertInterval(est.pdis(), 6.8 / 3, sd(3.2, 1.6, 2) / Math.sqrt(3), T2);
    assertEquals(16 / 6.72, est.pdis().ess(), 1e-12);

    Estimate clipped = est.ips(1.5);
    assertEquals("clipped_ips", clipped.estimator());
    assertEquals("clip=1.5", clipped.note());
    assertInterval(clipped, 6.1 / 3, sd(3, 1.6, 1.5) / Math.sqrt(3), T2);
    assertEquals(3.4 * 3.4 / 4.66, clipped.ess(), 1e-12);
    assertEquals(1.5, clipped.maxWeight(), 0.0);
    assertEquals("clip=10", est.ips(10).note());

    // SNIPS: 6.8 / 4 = 1.7; delta-method se sqrt(sum (w (g - 1.7))^2) / sum w.
    Estimate snips = est.snips();
    assertEquals("snips", snips.estimator());
    assertInterval(snips, 1.7, Math.sqrt(0.48 * 0.48 + 0.92 * 0.92 + 1.4 * 1.4) / 4, T2);
    assertEquals(16 / 6.72, snips.ess(), 1e-12);
    assertEquals(2.0, snips.maxWeight(), 1e-12);
    assertEquals(3, snips.n());
  }

  @Test
  void pdisAndDrWeightEachStepByItsOwnCumulativeWeight() {
    OffPolicyEstimators est = logB();
    // IPS: returns 1 + 0.5 * 2 = 2 and 3, final weights 0.64 and 0.25.
    assertInterval(est.ips(Double.POSITIVE_INFINITY), (1.28 + 0.75) / 2, sd(1.28, 0.75) / Math.sqrt(2), T1);
    // PDIS: 1.6 * 1 + 0.5 * 0.64 * 2 = 2.24 and 0.25 * 3 = 0.75.
    assertInterval(est.pdis(), (2.24 + 0.75) / 2, sd(2.24, 0.75) / Math.sqrt(2), T1);
    assertEquals(0.64, est.pdis().maxWeight(), 1e-12);
    // DR: 1.2 + 1.6 (1 + 0.5 * 1.2 - 1) + 0.5 * 0.64 (2 + 0 - 2) = 2.16 (no next context after the cut) and
    // 1.2 + 0.25 (3 - 2) = 1.45.
    Estimate dr = est.dr(new Table());
    assertEquals("dr", dr.estimator());
    assertInterval(dr, (2.16 + 1.45) / 2, sd(2.16, 1.45) / Math.sqrt(2), T1);
    assertEquals("model=Table", dr.note());
    assertEquals(0.64, dr.maxWeight(), 1e-12);
    assertEquals((0.89 * 0.89) / (0.64 * 0.64 + 0.0625), dr.ess(), 1e-12);
    Estimate dm = est.dm(new Table());
    assertEquals("dm", dm.estimator());
    assertInterval(dm, 1.2, 0.0, T1);
    assertEquals(2.0, dm.ess(), 0.0);
    assertEquals(1.0, dm.maxWeight(), 0.0);
    assertEquals("model=Table", dm.note());
    // SWITCH: tau = 1 drops the first step's correction (se^2 0.015625, bias^2 (1 * 1.6 / 3)^2, 0.30); tau = 2 keeps
    // all (se^2 0.126, no bias) and larger thresholds tie, so the first of them stands.
    Estimate sw = est.switchDr(new Table());
    assertEquals("switch_dr", sw.estimator());
    assertEquals("tau=2, model=Table", sw.note());
    assertInterval(sw, (2.16 + 1.45) / 2, sd(2.16, 1.45) / Math.sqrt(2), T1);
  }

  @Test
  void aWeightEqualToAThresholdKeepsItsCorrectionAndAddsNoBias() {
    // Weights 1.6, 0.4 and exactly 2 (0.8 / 0.4) on rewards 2, 4 and 2; residuals 1, 2 and 1 under Table.
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(List.of(d(0, 0, 0, 0.5, 2, true),
        d(1, 0, 1, 0.5, 4, true), d(2, 0, 0, 0.4, 2, true))), TARGET, 1.0);
    // tau = 1 drops two corrections (bias (2 * 3.6 / 3)^2 = 5.76); tau = 2 keeps all three, terms 2.8, 2 and 3.2,
    // no bias: it is chosen, and tau = 3 (the same terms) cannot beat it.
    Estimate sw = est.switchDr(new Table());
    assertEquals("tau=2, model=Table", sw.note());
    assertInterval(sw, 8.0 / 3, sd(2.8, 2, 3.2) / Math.sqrt(3), T2);
  }

  @Test
  void switchDrCutsTheCorrectionsAboveTheThresholdWhenTheirVarianceOutweighsTheBoundOnTheirBias() {
    // Three trajectories of three steps, gamma 1, V = 1.2 under Table. Weights 1.6, 2.56 and then 5.12 (arm 1 at
    // p 0.1, residual 1) or 4.096 (arm 0). tau = 5 cuts only the 5.12 step: terms
    // 1.2 + 1.6 * 1.2 + 2.56 * 1.2 = 6.192, 1.2 + 1.6 * 1.7 + 2.56 * 1.2 - 4.096 * 0.5 = 4.944 and
    // 1.2 + 1.6 * 1.2 + 2.56 * 1.7 = 7.472; its MSE, se^2 plus (max residual 1 * 5.12 / 9 steps)^2, is 0.856, below
    // every other threshold's (3.43 keeping all, 2.33 at tau = 3).
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(List.of(
        d(0, 0, 0, 0.5, 1, false), d(0, 1, 0, 0.5, 1, false), d(0, 2, 1, 0.1, 3, true),
        d(1, 0, 0, 0.5, 1.5, false), d(1, 1, 0, 0.5, 1, false), d(1, 2, 0, 0.5, 0.5, true),
        d(2, 0, 0, 0.5, 1, false), d(2, 1, 0, 0.5, 1.5, false), d(2, 2, 0, 0.5, 1, true))), TARGET, 1.0);
    Estimate sw = est.switchDr(new Table());
    assertEquals("tau=5, model=Table", sw.note());
    assertInterval(sw, (6.192 + 4.944 + 7.472) / 3, sd(6.192, 4.944, 7.472) / Math.sqrt(3), T2);
    // DR keeps the cut correction: 6.192 + 5.12 * (3 - 2) = 11.312.
    assertEquals((11.312 + 4.944 + 7.472) / 3, est.dr(new Table()).value(), 1e-12);
  }

  @Test
  void aStepMarkedDoneHasNoNextValueInDr() {
    // A trajectory built directly (not grouped) may carry a done step before its last: DR adds no gamma V(x') there.
    Trajectory t = new Trajectory(0, List.of(d(0, 0, 0, 0.5, 1, true), d(0, 1, 1, 0.5, 2, true)));
    OffPolicyEstimators est = new OffPolicyEstimators(List.of(t), TARGET, 0.5);
    // 1.2 + 1.6 (1 - 1) + 0.5 * 0.64 (2 - 2) = 1.2.
    assertEquals(1.2, est.dr(new Table()).value(), 1e-12);
  }

  @Test
  void switchDrOnASingleTrajectoryIsDrNotACrash() {
    List<Trajectory> one = Trajectory.group(List.of(d(0, 0, 0, 0.5, 2, true)));
    OffPolicyEstimators est = new OffPolicyEstimators(one, TARGET, 1.0);
    ActionValueModel q = (x, a) -> 1.0;
    // V = 1; DR = 1 + 1.6 * (2 - 1) = 2.6: one term has no spread to weigh against the bias of a cut.
    Estimate s = est.switchDr(q);
    assertEquals(2.6, s.value(), 1e-12);
    assertEquals(est.dr(q).value(), s.value(), 1e-12);
    // Its weight 1.6 lies below the second threshold: from there on nothing is dropped, no bias.
    assertTrue(s.note().startsWith("tau=2, "), s.note());
    assertTrue(Double.isNaN(s.stdError()));
    assertEquals(List.of("ips", "snips", "pdis", "dm", "dr", "switch_dr"),
        List.copyOf(est.all(Double.POSITIVE_INFINITY, q).keySet()));
  }

  @Test
  void oneTrajectoryHasAnEstimateButNoInterval() {
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(List.of(d(0, 0, 0, 0.5, 2, true))), TARGET, 1);
    Estimate ips = est.ips(Double.POSITIVE_INFINITY);
    assertEquals(3.2, ips.value(), 1e-12);
    assertTrue(Double.isNaN(ips.stdError()) && Double.isNaN(ips.ciLow()) && Double.isNaN(ips.ciHigh()));
    assertTrue(Double.isNaN(OffPolicyEstimators.t975(1)));
    assertEquals(12.706205, OffPolicyEstimators.t975(2), 1e-5);
  }

  @Test
  void ratiosUpToTenToTheTenCountLargerOrUndefinedOnesAreZeroedAndNamed() {
    // Continuous decisions: the target's density over a logged density of 1 is the ratio itself.
    TargetPolicy e = TargetPolicy.continuous((x, a) -> a[0]);
    List<LoggedDecision> log = new ArrayList<>();
    double[][] cases = {{1e10, 1}, {2e10, 1}, {1, 0}, {0, 0}};
    for (int i = 0; i < cases.length; i++) {
      log.add(new LoggedDecision("b", 1, i, 0, X, -1, new double[] {cases[i][0]}, cases[i][1], null, 1.0, true,
          LoggedDecision.Outcome.NONE));
    }
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(log), e, 1.0);
    // 1e10 exactly is kept; 2e10, 1 / 0 and 0 / 0 are zeroed.
    assertEquals(3, est.zeroedWeights());
    Estimate ips = est.ips(Double.POSITIVE_INFINITY);
    assertEquals(1e10 / 4, ips.value(), 1e-3);
    assertEquals(1e10, ips.maxWeight(), 0.0);
    String zeroed = "3 decision(s) with an importance ratio above 1e10 or not finite counted as 0";
    assertEquals(zeroed, ips.note());
    assertEquals("clip=5; " + zeroed, est.ips(5).note());
    assertEquals(zeroed, est.pdis().note());
  }

  @Test
  void allWeightsZeroGivesSnipsZeroWithoutAnIntervalAndNoEffectiveSample() {
    // The target never plays arm 1, the only arm logged.
    OffPolicyEstimators est = new OffPolicyEstimators(Trajectory.group(List.of(d(0, 0, 1, 0.5, 2, true),
        d(1, 0, 1, 0.5, 3, true))), TargetPolicy.discrete(2, x -> new double[] {1, 0}), 1.0);
    Estimate snips = est.snips();
    assertEquals(0.0, snips.value(), 0.0);
    assertTrue(Double.isNaN(snips.stdError()));
    assertEquals(0.0, snips.ess(), 0.0);
    assertEquals(0.0, snips.maxWeight(), 0.0);
    assertEquals(0.0, est.ips(Double.POSITIVE_INFINITY).value(), 0.0);
  }

  @Test
  void modelNamesAndDescriptionsReachTheNotes() {
    List<Trajectory> data = Trajectory.group(List.of(d(0, 0, 0, 0.5, 2, true), d(1, 0, 1, 0.5, 4, true)));
    OffPolicyEstimators est = new OffPolicyEstimators(data, TARGET, 1.0);
    LinearFqe fqe = LinearFqe.fit(data, TARGET, 1.0, 1.0, 5);
    assertEquals("model=linear FQE (1 iteration)", est.dm(fqe).note());
    List<Trajectory> two = Trajectory.group(List.of(d(0, 0, 0, 0.5, 1, false), d(0, 1, 1, 0.5, 2, true)));
    LinearFqe fqe2 = LinearFqe.fit(two, TARGET, 0.5, 1.0, 2);
    assertEquals(2, fqe2.iterations());
    assertEquals("model=linear FQE (2 iterations)",
        new OffPolicyEstimators(two, TARGET, 0.5).dm(fqe2).note());
    ModelFit fit = ModelFit.single(new Table(), 2, "given");
    assertEquals("model=given", est.dr(fit).note());
    assertEquals("need one model per trajectory: 2 trajectories, 3 models", assertThrows(
        IllegalArgumentException.class, () -> est.dm(ModelFit.single(new Table(), 3, "x"))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> est.dr(ModelFit.single(new Table(), 1, "x")));
    assertThrows(IllegalArgumentException.class, () -> est.switchDr(ModelFit.single(new Table(), 1, "x")));
  }

  @Test
  void badLogsAndDiscountsAreRefusedWithOneLine() {
    assertEquals("off-policy evaluation needs at least one logged trajectory", assertThrows(
        IllegalArgumentException.class, () -> new OffPolicyEstimators(List.of(), TARGET, 1)).getMessage());
    List<Trajectory> one = Trajectory.group(List.of(d(0, 0, 0, 0.5, 2, true)));
    assertEquals("gamma must lie in [0, 1], got 1.1", assertThrows(
        IllegalArgumentException.class, () -> new OffPolicyEstimators(one, TARGET, 1.1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimators(one, TARGET, -0.1));
    assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimators(one, TARGET, Double.NaN));
    assertEquals(3.2, new OffPolicyEstimators(one, TARGET, 0).ips(Double.POSITIVE_INFINITY).value(), 1e-12);
    assertEquals("bootstrap needs at least 10 resamples, got 9", assertThrows(IllegalArgumentException.class,
        () -> logA().bootstrap(1, (ActionValueModel) null, 9, new NumpyRandom(1))).getMessage());
  }

  @Test
  void bootstrapTakesNumpysLinearPercentilesOfTheResampledEstimates() {
    // Four trajectories of weight 1 with rewards 0, 1, 10 and 100: a resample's IPS is the mean of four of them.
    TargetPolicy half = TargetPolicy.discrete(2, x -> new double[] {0.5, 0.5});
    List<Trajectory> data = Trajectory.group(List.of(d(0, 0, 0, 0.5, 0, true), d(1, 0, 0, 0.5, 1, true),
        d(2, 0, 0, 0.5, 10, true), d(3, 0, 0, 0.5, 100, true)));
    double[] rewards = {0, 1, 10, 100};
    OffPolicyEstimators est = new OffPolicyEstimators(data, half, 1.0);
    Map<String, Estimate> boot = est.bootstrap(0.5, (ActionValueModel) null, 11, new NumpyRandom(SEED));
    assertEquals(List.of("ips", "clipped_ips", "snips", "pdis"), List.copyOf(boot.keySet()));
    NumpyRandom rng = new NumpyRandom(SEED);
    double[] means = new double[11];
    for (int r = 0; r < 11; r++) {
      for (int i = 0; i < 4; i++) {
        means[r] += rewards[(int) rng.integers(0, 4)] / 4;
      }
    }
    Arrays.sort(means);
    // The seed gives distinct extremes, so the interpolation shows.
    assertTrue(means[0] < means[1] && means[9] < means[10], Arrays.toString(means));
    // 11 sorted draws: the 2.5% point sits a quarter of the way from the first to the second, the 97.5% point three
    // quarters of the way from the tenth to the eleventh.
    Estimate ips = boot.get("ips");
    assertEquals(111.0 / 4, ips.value(), 1e-12);
    assertEquals(means[0] + 0.25 * (means[1] - means[0]), ips.ciLow(), 1e-12);
    assertEquals(means[9] + 0.75 * (means[10] - means[9]), ips.ciHigh(), 1e-12);
    assertEquals(sd(means), ips.stdError(), 1e-12);
    assertEquals(4.0, ips.ess(), 1e-12);
    assertEquals(1.0, ips.maxWeight(), 0.0);
    assertEquals(4, ips.n());
    assertEquals("bootstrap=11", ips.note());
    assertEquals("clip=0.5, bootstrap=11", boot.get("clipped_ips").note());
    // Clipped at 0.5 every weight halves, and so does every resample's estimate.
    assertEquals(ips.ciLow() / 2, boot.get("clipped_ips").ciLow(), 1e-12);
    assertEquals(ips.ciHigh() / 2, boot.get("clipped_ips").ciHigh(), 1e-12);
    // With a model the model-based estimators join, each resample keeping its trajectories' models.
    Map<String, Estimate> withModel = est.bootstrap(Double.POSITIVE_INFINITY, new Table(), 10, new NumpyRandom(5));
    assertEquals(List.of("ips", "snips", "pdis", "dm", "dr", "switch_dr"), List.copyOf(withModel.keySet()));
    assertEquals(1.5, withModel.get("dm").ciLow(), 1e-12);
    assertEquals(1.5, withModel.get("dm").ciHigh(), 1e-12);
    assertEquals(1.5, withModel.get("dm").value(), 1e-12);
    assertEquals(0.0, withModel.get("dm").stdError(), 1e-12);
    assertEquals("model=Table, bootstrap=10", withModel.get("dm").note());
  }
}
