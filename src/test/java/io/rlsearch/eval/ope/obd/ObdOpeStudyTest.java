package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.eval.logs.ObdDataset;
import io.rlsearch.eval.ope.obd.PositionEstimatorsTest.Case;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The study given the Open Bandit Pipeline's own target distribution and KFold assignment (from the
 * fixtures): the estimators that use no reward model must then be the pipeline's to rounding, at the
 * lambda it chose; DM and the DR family use our logistic fit, which reaches a lower objective than
 * the pipeline's lbfgs stops at, so they get LogisticRewardsTest's tolerances (DM 2%, DR 5%).
 */
class ObdOpeStudyTest {
  private static final Path SHIPPED = Path.of("data/obd");
  private static final double ROUNDING = 1e-9;

  @ParameterizedTest
  @ValueSource(strings = {"men_random_to_bts", "men_bts_to_random", "women_random_to_bts", "women_bts_to_random"})
  void givenThePipelinesDistributionAndFoldsTheEstimatesAreItsEstimates(String name) {
    Case c = PositionEstimatorsTest.load(name);
    String[] parts = name.split("_");
    ObdOpeStudy.Settings s = new ObdOpeStudy.Settings(SHIPPED, parts[0], parts[1], parts[3], 100_000, 0, 12345,
        "logistic", 3, 100);
    ObdDataset truth = ObdDataset.read(SHIPPED, parts[3], parts[0]);
    ObdOpeStudy.Result r = ObdOpeStudy.evaluate(s, c.data(), truth, c.targetDist(), LogisticRewardsTest.folds(c));
    double onPolicy = c.estimates().get("on_policy_value").asDouble();
    assertEquals(onPolicy, r.onPolicyValue(), 1e-15, name + " on-policy value");
    assertEquals(10_000, r.rounds());
    assertEquals(ObdOpeStudy.ESTIMATORS, List.copyOf(r.estimates().keySet()));
    for (String e : List.of("ipw", "snipw", "ipw_subgaussian")) {
      assertEquals(c.value(e), r.estimates().get(e).value(), ROUNDING * Math.abs(c.value(e)), name + " " + e);
    }
    assertEquals(c.tunedLambda("ipw_subgaussian"), r.estimates().get("ipw_subgaussian").tunedLambda().getAsDouble());
    assertEquals(c.value("dm"), r.estimates().get("dm").value(), 0.02 * Math.abs(c.value("dm")), name + " dm");
    for (String e : List.of("dr", "sndr", "switch_dr", "dr_os")) {
      ObdOpeStudy.Estimate ours = r.estimates().get(e);
      assertEquals(c.value(e), ours.value(), 0.05 * Math.abs(c.value(e)), name + " " + e + " at lambda "
          + ours.tunedLambda());
    }
    for (ObdOpeStudy.Estimate e : r.estimates().values()) {
      assertEquals(Math.abs(e.value() - onPolicy) / onPolicy, e.relativeError(), 1e-15, name + " " + e.estimator());
      assertTrue(Double.isNaN(e.ciLow()) && Double.isNaN(e.ciHigh()), "no bootstrap, no interval");
      assertEquals(List.of("switch_dr", "dr_os", "ipw_subgaussian").contains(e.estimator()),
          e.tunedLambda().isPresent(), e.estimator());
    }
    System.out.printf("%s: %s%n", name, r.estimates().values().stream()
        .map(e -> String.format("%s %.6f (%.6f)", e.estimator(), e.value(), c.value(e.estimator()))).toList());
  }

  @Test
  void foldsAreSeededBalancedAndCoverEveryRound() {
    int[] f = ObdOpeStudy.foldsOf(10, 3, 12345);
    int[] size = new int[3];
    for (int k : f) {
      size[k]++;
    }
    assertArrayEquals(new int[] {4, 3, 3}, size, "KFold's sizes: the first n % k folds one longer");
    assertArrayEquals(f, ObdOpeStudy.foldsOf(10, 3, 12345), "same seed, same folds");
    int[] big = ObdOpeStudy.foldsOf(10_000, 3, 12345);
    assertFalse(java.util.Arrays.equals(big, ObdOpeStudy.foldsOf(10_000, 3, 1)), "another seed, other folds");
    int runs = 0;
    for (int i = 1; i < big.length; i++) {
      runs += big[i] != big[i - 1] ? 1 : 0;
    }
    assertTrue(runs > 5_000, "shuffled, not contiguous: " + runs + " changes of fold");
  }

  @Test
  void settingsRefuseWhatTheStudyCannotDoWithOneLine() {
    assertEquals("campaign 'all': accepted: men, women", refused(() -> settings("all", "random", "bts", 1, 0)));
    assertEquals("target 'greedy': accepted: random, bts", refused(() -> settings("men", "random", "greedy", 1, 0)));
    assertEquals("mc must be in 1..10000000, got 0", refused(() -> settings("men", "random", "bts", 0, 0)));
    assertEquals("bootstrap must be 0 (no intervals) or in 10..100000, got 5",
        refused(() -> settings("men", "random", "bts", 1, 5)));
    assertEquals("reward model 'tree': accepted: forest, logistic", refused(() -> new ObdOpeStudy.Settings(SHIPPED,
        "men", "random", "bts", 1, 0, 1, "tree", 3, 100)));
  }

  @Test
  void aBtsTargetNeedsTheCampaignsItemCount() {
    ObdOpeStudy.Settings s = settings("men", "random", "bts", 10, 0);
    assertEquals(34, ObdOpeStudy.targetDistribution(s, 34, 3).length);
    assertEquals("data/obd/random/men/men.csv logs 33 actions, the men campaign's Bernoulli TS priors have 34 items",
        refused(() -> ObdOpeStudy.targetDistribution(s, 33, 3)));
    double[][] uniform = ObdOpeStudy.targetDistribution(settings("men", "bts", "random", 10, 0), 4, 2);
    assertArrayEquals(new double[] {0.25, 0.25}, uniform[3]);
  }

  private static ObdOpeStudy.Settings settings(String campaign, String behavior, String target, int mc, int b) {
    return new ObdOpeStudy.Settings(SHIPPED, campaign, behavior, target, mc, b, 12345, "logistic", 3, 100);
  }

  private static String refused(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }
}
