package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every range check of {@link SimSettings}, at its limit (accepted) and a hair past it (refused with
 * the whole one-line message), and the small helpers that derive settings from settings.
 */
class SimSettingsChecksTest {
  private static String refused(String hocon) {
    return assertThrows(SettingsException.class, () -> ZoosimConfig.fromString(hocon)).getMessage();
  }

  private static String refused(Executable e) {
    return assertThrows(SettingsException.class, e).getMessage();
  }

  @Test
  void seedAndTopKAtTheirLowestAreAccepted() {
    SimSettings d = SimSettings.defaults();
    assertEquals(0, d.withSeed(0).seed());
    assertEquals(5, d.withSeed(5).seed());
    assertEquals(20, d.withSeed(5).topK(), "withSeed changes only the seed");
    assertEquals("config: seed: must be >= 0 (numpy seeds are non-negative), got -1", refused(() -> d.withSeed(-1)));
    assertEquals(1, ZoosimConfig.fromString("top_k = 1").topK());
    assertEquals("config: top_k: must be >= 1, got 0", refused("top_k = 0"));
  }

  @Test
  void withPopularAmplitudeAndFromConfig() {
    SimSettings d = SimSettings.defaults();
    SimSettings p = d.withPopularAmplitude(3.0);
    assertEquals(3.0, p.templates().popularAmplitude());
    assertEquals(d.seed(), p.seed());
    assertEquals("config: templates.popular_amplitude: must be >= 0, got -1.0",
        refused(() -> d.withPopularAmplitude(-1)));
    assertEquals("config: templates.popular_amplitude: must be >= 0, got -0.5",
        refused("templates { popular_amplitude = -0.5 }"));
    SimSettings c = SimSettings.fromConfig(ConfigFactory.parseString("seed = 11, top_k = 3")
        .withFallback(ConfigFactory.parseResources(ZoosimConfig.DEFAULTS_RESOURCE)).resolve());
    assertEquals(11, c.seed());
    assertEquals(3, c.topK());
  }

  @Test
  void catalogChecks() {
    assertEquals(1, ZoosimConfig.fromString("catalog { n_products = 1 }").catalog().nProducts());
    assertEquals("config: catalog.n_products: must be >= 1, got 0", refused("catalog { n_products = 0 }"));
    assertEquals("config: catalog.price_params.toys[1]: must be > 0, got 0.0",
        refused("catalog { price_params { toys = [1.8, 0] } }"));
    assertEquals(0.6, ZoosimConfig.fromString("catalog { price_params { toys = [1.8, 0.6] } }")
        .catalog().priceSigma()[3]);
    assertEquals(0.0, ZoosimConfig.fromString("catalog { pl_prob { toys = 0 } }").catalog().plProb()[3]);
    assertEquals(1.0, ZoosimConfig.fromString("catalog { pl_prob { toys = 1 } }").catalog().plProb()[3]);
    assertEquals("config: catalog.pl_prob.toys: must lie in [0, 1], got -0.01",
        refused("catalog { pl_prob { toys = -0.01 } }"));
    assertEquals("config: catalog.pl_prob.toys: must lie in [0, 1], got 1.01",
        refused("catalog { pl_prob { toys = 1.01 } }"));
    assertEquals("config: catalog.bestseller_std.toys: must be >= 0, got -0.1",
        refused("catalog { bestseller_std { toys = -0.1 } }"));
    assertEquals("config: catalog.emb_cluster_std.toys: must be >= 0, got -0.1",
        refused("catalog { emb_cluster_std { toys = -0.1 } }"));
    assertEquals("config: catalog.margin_noise: must be >= 0, got -0.1", refused("catalog { margin_noise = -0.1 }"));
    assertEquals("config: catalog.discount_params.p_zero: must lie in [0, 1], got 1.01",
        refused("catalog { discount_params { p_zero = 1.01 } }"));
  }

  @Test
  void discountBoundsMayMeetAndTouchZeroAndOne() {
    SimSettings.Catalog zero = ZoosimConfig.fromString("catalog { discount_params { low = 0, high = 0 } }").catalog();
    assertEquals(0.0, zero.discountLow());
    assertEquals(0.0, zero.discountHigh());
    SimSettings.Catalog one = ZoosimConfig.fromString("catalog { discount_params { low = 1, high = 1 } }").catalog();
    assertEquals(1.0, one.discountLow());
    assertEquals(1.0, one.discountHigh());
    assertEquals("config: catalog.discount_params: needs 0 <= low <= high <= 1, got low -0.01, high 0.3",
        refused("catalog { discount_params { low = -0.01 } }"));
    assertEquals("config: catalog.discount_params: needs 0 <= low <= high <= 1, got low 0.31, high 0.3",
        refused("catalog { discount_params { low = 0.31 } }"));
    assertEquals("config: catalog.discount_params: needs 0 <= low <= high <= 1, got low 0.05, high 1.01",
        refused("catalog { discount_params { high = 1.01 } }"));
  }

  @Test
  void categoryIndexIsThePositionInCategories() {
    SimSettings.Catalog c = SimSettings.defaults().catalog();
    assertEquals(0, c.categoryIndex("dog_food"));
    assertEquals(2, c.categoryIndex("litter"));
    assertEquals(3, c.categoryIndex("toys"));
    assertEquals(-1, c.categoryIndex("fish"));
  }

  @Test
  void userChecks() {
    assertEquals("config: users.segment_params.premium.price_std: must be >= 0, got -0.1",
        refused("users.segment_params.premium.price_std = -0.1"));
    assertEquals("config: users.segment_params.premium.pl_std: must be >= 0, got -0.1",
        refused("users.segment_params.premium.pl_std = -0.1"));
    assertEquals("config: users.segment_params.premium.cat_conc: every weight must be > 0, got 0.0",
        refused("users.segment_params.premium.cat_conc = [0.5, 0, 0.25, 0.25]"));
    // The largest weight exactly 0.1 is accepted; just under it is refused.
    assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.1},
        ZoosimConfig.fromString("users.segment_params.premium.cat_conc = [0.1, 0.1, 0.1, 0.1]").users().catConc()[2]);
    assertEquals("config: users.segment_params.premium.cat_conc: at least one weight must be >= 0.1 (numpy draws"
        + " all-small Dirichlets by another algorithm, which is not ported)",
        refused("users.segment_params.premium.cat_conc = [0.09, 0.099, 0.05, 0.05]"));
  }

  @Test
  void queryRelevanceAndBehaviorChecks() {
    assertEquals(1, ZoosimConfig.fromString("queries { token_vocab_size = 1 }").queries().tokenVocabSize());
    assertEquals("config: queries.token_vocab_size: must be >= 1, got 0", refused("queries { token_vocab_size = 0 }"));
    assertEquals("config: relevance.noise_sigma: must be >= 0, got -0.01", refused("relevance { noise_sigma = -0.01 }"));
    assertEquals(0.0, ZoosimConfig.fromString("relevance { noise_sigma = 0 }").relevance().noiseSigma());
    assertEquals("config: behavior.sigma_u: must be >= 0, got -0.1", refused("behavior { sigma_u = -0.1 }"));
  }

  @Test
  void rewardRatioIsDeltaClicksOverAlphaGmvWithinItsBounds() {
    SimSettings.Reward low = ZoosimConfig.fromString("reward { delta_clicks = 0.01 }").reward();
    assertEquals(0.01, low.deltaClicks());
    // 0.1 / 2 = 0.05 lies inside; 0.1 * 2 would not.
    assertEquals(2.0, ZoosimConfig.fromString("reward { alpha_gmv = 2 }").reward().alphaGmv());
    assertEquals("config: reward.delta_clicks: delta_clicks / alpha_gmv must lie in [0.01, 0.10] (the book's"
        + " engagement bound), got 0.0099", refused("reward { delta_clicks = 0.0099 }"));
    assertEquals("config: reward.delta_clicks: delta_clicks / alpha_gmv must lie in [0.01, 0.10] (the book's"
        + " engagement bound), got 0.2", refused("reward { alpha_gmv = 0.5 }"));
    assertEquals("config: reward.delta_clicks: delta_clicks / alpha_gmv must lie in [0.01, 0.10] (the book's"
        + " engagement bound), got Infinity", refused("reward { alpha_gmv = 0 }"));
  }

  @Test
  void retentionAndActionChecks() {
    assertEquals("config: retention.base_rate: must lie in (0, 1), got 0.0", refused("retention { base_rate = 0 }"));
    assertEquals("config: retention.base_rate: must lie in (0, 1), got 1.0", refused("retention { base_rate = 1 }"));
    assertEquals(0.001, ZoosimConfig.fromString("retention { base_rate = 0.001 }").retention().baseRate());
    assertEquals("config: action.a_max: must be > 0, got 0.0", refused("action { a_max = 0 }"));
    assertEquals(0.001, ZoosimConfig.fromString("action { a_max = 0.001 }").action().aMax());
    assertEquals("config: action.logging_epsilon: must lie in [0, 1], got 1.5",
        refused("action { logging_epsilon = 1.5 }"));
  }

  @Test
  void driftFactorsAndScaleMustBePositiveAndFinite() {
    double[] none = new double[0];
    SimSettings.Drift ok = new SimSettings.Drift(0, none, Double.MIN_VALUE, List.of(), new double[] {Double.MIN_VALUE, 1e300});
    assertArrayEquals(new double[] {Double.MIN_VALUE, 1e300}, ok.categoryDemand());
    assertEquals("config: drift.category_demand: every factor must be > 0, got 0.0",
        refused(() -> new SimSettings.Drift(0, none, 1.0, List.of(), new double[] {1, 0})));
    assertEquals("config: drift.category_demand: every factor must be > 0, got Infinity",
        refused(() -> new SimSettings.Drift(0, none, 1.0, List.of(), new double[] {Double.POSITIVE_INFINITY})));
    assertEquals("config: drift.category_demand: every factor must be > 0, got NaN",
        refused(() -> new SimSettings.Drift(0, none, 1.0, List.of(), new double[] {Double.NaN})));
    assertEquals("config: drift.price_scale: must be > 0, got 0.0", refused(() -> new SimSettings.Drift(0, none, 0.0)));
    assertEquals("config: drift.price_scale: must be > 0, got Infinity",
        refused(() -> new SimSettings.Drift(0, none, Double.POSITIVE_INFINITY)));
    assertEquals("config: drift.at: must be >= 0 (the first shifted user), or -1 for none; got -2",
        refused(() -> new SimSettings.Drift(-2, none, 1.0)));
  }

  @Test
  void swapSegmentsAreEmptyOrTwoDifferentNames() {
    assertEquals(List.of("premium", "price_hunter"),
        new SimSettings.Drift(0, new double[0], 1.0, List.of("premium", "price_hunter"), new double[0]).swapSegments());
    assertEquals("config: drift.swap_segments: must be empty or two different segment names, got [premium, premium]",
        refused(() -> new SimSettings.Drift(0, new double[0], 1.0, List.of("premium", "premium"), new double[0])));
    assertEquals("config: drift.swap_segments: must be empty or two different segment names, got [premium]",
        refused(() -> new SimSettings.Drift(0, new double[0], 1.0, List.of("premium"), new double[0])));
    assertEquals("config: drift.swap_segments: must be empty or two different segment names, got [a, b, c]",
        refused(() -> new SimSettings.Drift(0, new double[0], 1.0, List.of("a", "b", "c"), new double[0])));
    assertEquals("config: drift.swap_segments: 'whales' is not a segment; segments: [price_hunter, pl_lover, premium,"
        + " litter_heavy]", refused("drift { at = 0, swap_segments = [premium, whales] }"));
  }

  @Test
  void aDriftIsActiveFromUserZeroOn() {
    assertFalse(SimSettings.Drift.NONE.active());
    assertFalse(new SimSettings.Drift(-1, new double[0], 1.0).active());
    assertTrue(new SimSettings.Drift(0, new double[0], 1.0).active());
    assertTrue(new SimSettings.Drift(1, new double[0], 1.0).active());
  }

  @Test
  void anActiveDriftsMixIsCheckedAndMayBeEmpty() {
    SimSettings keep = ZoosimConfig.fromString("drift { at = 0 }");
    assertEquals(0, keep.drift().segmentMix().length);
    SimSettings mix = ZoosimConfig.fromString("drift { at = 0, segment_mix = [0, 1, 0, 0] }");
    assertArrayEquals(new double[] {0, 1, 0, 0}, mix.drift().segmentMix());
    assertEquals("config: drift.segment_mix: needs 4 entries, got 2",
        refused("drift { at = 10, segment_mix = [0.5, 0.5] }"));
    assertEquals("config: drift.segment_mix: must sum to 1 (within 1e-6), got 0.5 for [0.5, 0.0, 0.0, 0.0]",
        refused("drift { at = 10, segment_mix = [0.5, 0, 0, 0] }"));
  }

  private static final String EVEN = "users.segment_params { price_hunter.cat_conc = [1, 1, 1, 1], "
      + "pl_lover.cat_conc = [1, 1, 1, 1], premium.cat_conc = [1, 1, 1, 1], litter_heavy.cat_conc = [1, 1, 1, 1] }\n";

  @Test
  void categoryDemandNeedsOneFactorPerCategoryAndLeavesSomeWeightAtLeastATenth() {
    assertEquals("config: drift.category_demand: needs one factor per catalog category (4), got 2",
        refused("drift { at = 0, category_demand = [1, 1] }"));
    assertArrayEquals(new double[] {0.5, 1, 4, 1},
        ZoosimConfig.fromString("drift { at = 0, category_demand = [0.5, 1, 4, 1] }").drift().categoryDemand());
    // With every weight 1, a factor of 0.1 leaves the largest weight exactly 0.1: accepted.
    assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.1},
        ZoosimConfig.fromString(EVEN + "drift { at = 0, category_demand = [0.1, 0.1, 0.1, 0.1] }").drift().categoryDemand());
    assertEquals("config: drift.category_demand: leaves every category weight of segment price_hunter below 0.1"
        + " (numpy draws all-small Dirichlets by another algorithm, not ported)",
        refused(EVEN + "drift { at = 0, category_demand = [0.09, 0.099, 0.09, 0.09] }"));
    // Only litter_heavy's weights (0.05 but litter 0.85) fall under 0.1 when litter is scaled down.
    assertEquals("config: drift.category_demand: leaves every category weight of segment litter_heavy below 0.1"
        + " (numpy draws all-small Dirichlets by another algorithm, not ported)",
        refused("drift { at = 0, category_demand = [1, 1, 0.1, 1] }"));
  }
}
