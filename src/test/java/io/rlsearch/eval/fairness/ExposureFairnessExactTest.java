package io.rlsearch.eval.fairness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exposure fairness at its edges: depth 1, a zero share in the KL divergence, a zero band, partial satisfaction. */
class ExposureFairnessExactTest {
  private static final Map<String, double[]> BIAS = Map.of("generic", new double[] {3, 1});

  @Test
  void aDepthOfOneIsAccepted() {
    assertArrayEquals(new double[] {3}, ExposureFairness.positionWeights(BIAS, "generic", 1));
  }

  @Test
  void aGroupWithoutExposureAddsNothingToTheKlDivergence() {
    // Shares a 0, b 1 against targets 0.5, 0.5: KL = 1 x ln(1 / 0.5) exactly; the floored zero share is skipped.
    assertEquals(Math.log(2), ExposureFairness.kl(Map.of("a", 0.0, "b", 1.0), Map.of("a", 0.5, "b", 0.5)), 1e-15);
    // A share missing from the targets is compared with the floor 1e-10.
    assertEquals(Math.log(1 / 1e-10), ExposureFairness.kl(Map.of("c", 1.0), Map.of("a", 1.0)), 1e-9);
  }

  @Test
  void aZeroBandAcceptsOnlyTheTargetAndANegativeOneIsRefused() {
    ExposureFairness.BandCheck at = ExposureFairness.withinBand("pl", 0.3, 0.3, 0);
    assertTrue(at.within());
    assertEquals(0.3, at.lo());
    assertEquals(0.3, at.hi());
    assertEquals(0.0, at.deviation());
    assertEquals(-0.1, ExposureFairness.withinBand("pl", 0.2, 0.3, 0).deviation(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ExposureFairness.withinBand("pl", 0.3, 0.3, -1e-12));
    assertThrows(IllegalArgumentException.class, () -> ExposureFairness.withinBand("pl", 0.3, 0.3, Double.NaN));
  }

  @Test
  void bandSatisfactionIsTheShareOfChecksWithinTheBand() {
    // Weights 3, 1. Ranking 1 (pl, x): pl 0.75. Ranking 2 (x, pl): pl 0.25. Ranking 3 (pl, pl): pl 1.
    // Target pl 0.7 +- 0.1: only ranking 1 is within, so 1 check of 3; deviations 0, -0.35, 0.2.
    List<List<String>> rankings = List.of(List.of("pl", "x"), List.of("x", "pl"), List.of("pl", "pl"));
    ExposureFairness.BatchFairness b = ExposureFairness.batch(rankings, List.of("generic", "generic", "generic"),
        BIAS, Map.of("pl", 0.7), 0.1, 2);
    assertEquals(1.0 / 3, b.bandSatisfaction(), 1e-12);
    assertEquals(0.35, b.maxDeviation(), 1e-12);
    assertEquals(2.0 / 3, b.meanShares().get("pl"), 1e-12);
    assertEquals(1.0 / 3, b.meanShares().get("x"), 1e-12);
    // L1 gap |2/3 - 0.7| + |1/3 - 0| (x is not a target).
    assertEquals(0.7 - 2.0 / 3 + 1.0 / 3, b.l1Gap(), 1e-12);
    assertEquals(3, b.rankings());
    // Two targets over the first two rankings: pl within once, x (target 0.25 +- 0.1) within once: 2 of 4.
    ExposureFairness.BatchFairness two = ExposureFairness.batch(rankings.subList(0, 2), List.of("generic", "generic"),
        BIAS, Map.of("pl", 0.7, "x", 0.25), 0.1, 2);
    assertEquals(0.5, two.bandSatisfaction(), 1e-12);
  }

  @Test
  void withoutTargetsEveryRankingSatisfiesTheBands() {
    ExposureFairness.BatchFairness b = ExposureFairness.batch(List.of(List.of("pl")), List.of("generic"), BIAS,
        Map.of(), 0.1, 1);
    assertEquals(1.0, b.bandSatisfaction());
    assertEquals(0.0, b.maxDeviation());
  }
}
