package io.rlsearch.eval.fairness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference's exposure-fairness assertions (tests/ch14) on the pure metrics. */
class ExposureFairnessTest {
  private static final Map<String, double[]> BIAS = Map.of(
      "category", new double[] {1.2, 0.9, 0.7, 0.5},
      "generic", new double[] {1.0, 0.8, 0.6});

  @Test
  void positionWeightsHaveTheDepthArePaddedAndFallBackToGeneric() {
    assertArrayEquals(new double[] {1.2, 0.9, 0.7, 0.5, 0.5, 0.5}, ExposureFairness.positionWeights(BIAS, "category", 6));
    assertArrayEquals(new double[] {1.2, 0.9}, ExposureFairness.positionWeights(BIAS, "category", 2));
    assertArrayEquals(new double[] {1.0, 0.8, 0.6, 0.6}, ExposureFairness.positionWeights(BIAS, "unknown", 4));
    assertThrows(IllegalArgumentException.class, () -> ExposureFairness.positionWeights(BIAS, "generic", 0));
    assertThrows(IllegalArgumentException.class,
        () -> ExposureFairness.positionWeights(Map.of("brand", new double[] {1}), "x", 3));
  }

  @Test
  void exposureSharesSumToOneAndTheGapsBehave() {
    double[] w = ExposureFairness.positionWeights(BIAS, "generic", 4);
    Map<String, Double> exp = ExposureFairness.exposure(List.of("pl", "non_pl", "pl", "non_pl"), w);
    assertEquals(1.0 + 0.6, exp.get("pl"), 1e-12);
    assertEquals(0.8 + 0.6, exp.get("non_pl"), 1e-12);
    Map<String, Double> s = ExposureFairness.shares(exp);
    assertEquals(1.0, s.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
    assertEquals(0.0, ExposureFairness.l1Gap(s, s), 1e-12);
    assertEquals(0.0, ExposureFairness.kl(s, s), 1e-12);
    Map<String, Double> target = Map.of("pl", 0.3, "non_pl", 0.7);
    assertTrue(ExposureFairness.l1Gap(s, target) > 0);
    assertTrue(ExposureFairness.kl(s, target) > 0);
    // Groups only in the target count in the L1 gap; zero exposure gives zero shares.
    assertEquals(1.0 + 0.0, ExposureFairness.l1Gap(Map.of("a", 1.0), Map.of("b", 1.0)) - 1.0, 1e-12);
    assertEquals(0.0, ExposureFairness.shares(Map.of("a", 0.0, "b", 0.0)).get("a"));
  }

  @Test
  void bandChecksSayBySignWhichSideIsBreached() {
    ExposureFairness.BandCheck in = ExposureFairness.withinBand("pl", 0.32, 0.3, 0.05);
    assertTrue(in.within());
    assertEquals(0.0, in.deviation());
    ExposureFairness.BandCheck low = ExposureFairness.withinBand("pl", 0.2, 0.3, 0.05);
    assertFalse(low.within());
    assertEquals(0.2 - 0.25, low.deviation(), 1e-12);
    ExposureFairness.BandCheck high = ExposureFairness.withinBand("pl", 0.5, 0.3, 0.05);
    assertEquals(0.5 - 0.35, high.deviation(), 1e-12);
  }

  @Test
  void batchFairnessAveragesSharesOverRankingsAndCountsBandChecks() {
    List<List<String>> rankings = List.of(List.of("pl", "pl", "pl"), List.of("non_pl", "non_pl", "non_pl"));
    ExposureFairness.BatchFairness b = ExposureFairness.batch(rankings, java.util.Arrays.asList("generic", null), BIAS,
        Map.of("pl", 0.5), 0.1, 3);
    assertEquals(0.5, b.meanShares().get("pl"), 1e-12);
    assertEquals(0.5, b.meanShares().get("non_pl"), 1e-12);
    assertEquals(0.0, b.bandSatisfaction(), 1e-12, "each ranking alone is far outside the band");
    assertEquals(0.4, b.maxDeviation(), 1e-12);
    assertEquals(2, b.rankings());
  }

  @Test
  void utilityBySegmentAndItsParityGap() {
    Map<String, Double> u = ExposureFairness.utilityBySegment(List.of("premium", "budget", "premium"),
        new double[] {10, 2, 6});
    assertEquals(8.0, u.get("premium"), 1e-12);
    assertEquals(2.0, u.get("budget"), 1e-12);
    assertEquals(6.0, ExposureFairness.utilityParityGap(u), 1e-12);
    assertEquals(0.0, ExposureFairness.utilityParityGap(Map.of("one", 3.0)));
  }
}
