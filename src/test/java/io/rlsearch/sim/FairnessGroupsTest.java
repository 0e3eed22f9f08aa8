package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.fairness.ExposureFairness;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exposure fairness on the zoosim world: the reference's position-weight and group-key assertions. */
class FairnessGroupsTest {
  private static final World WORLD = World.generate(ZoosimConfig.fromString("catalog { n_products = 500 }")
      .withSeed(20251227), new NumpyRandom(20251227));

  @Test
  void positionWeightsAreTopKLongAndNeverIncreaseForEveryQueryType() {
    Map<String, double[]> bias = FairnessGroups.positionBias(WORLD);
    int k = WORLD.settings().topK();
    assertEquals(WORLD.settings().queries().queryTypes(), java.util.List.copyOf(bias.keySet()),
        "one weight vector per query type");
    for (String qt : bias.keySet()) {
      double[] w = ExposureFairness.positionWeights(bias, qt, k);
      assertEquals(k, w.length);
      for (int i = 1; i < k; i++) {
        assertTrue(w[i] <= w[i - 1], qt + " at " + i);
      }
    }
    assertEquals(ExposureFairness.positionWeights(bias, "generic", k)[0],
        ExposureFairness.positionWeights(bias, "nonexistent", k)[0]);
  }

  @Test
  void groupKeysAndSharesOfRealRankings() {
    for (int i = 0; i < 50; i++) {
      assertTrue(Set.of("pl", "non_pl").contains(FairnessGroups.groupKey(WORLD, i, "pl")));
      assertTrue(Set.of("strategic", "non_strategic").contains(FairnessGroups.groupKey(WORLD, i, "strategic")));
      assertTrue(WORLD.settings().catalog().categories().contains(FairnessGroups.groupKey(WORLD, i, "category")));
    }
    int[] ranking = new int[20];
    for (int i = 0; i < 20; i++) {
      ranking[i] = i * 7;
    }
    for (String scheme : FairnessGroups.SCHEMES) {
      List<String> groups = FairnessGroups.groups(WORLD, ranking, scheme);
      Map<String, Double> s = ExposureFairness.shares(ExposureFairness.exposure(groups,
          ExposureFairness.positionWeights(FairnessGroups.positionBias(WORLD), "generic", 20)));
      assertEquals(1.0, s.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12, scheme);
    }
  }
}
