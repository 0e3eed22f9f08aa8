package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading config/zoosim.conf and refusing bad overlays with one line that names the key. */
class ZoosimConfigTest {
  @Test
  void defaultsAreTheSpecsSection2() {
    SimSettings s = SimSettings.defaults();
    assertEquals(20251108L, s.seed());
    assertEquals(20, s.topK());
    assertEquals(10000, s.catalog().nProducts());
    assertEquals(2.6, s.catalog().priceMu()[0]);
    assertEquals(0.35, s.catalog().priceSigma()[2]);
    assertEquals(-0.03, s.catalog().marginSlope()[2]);
    assertEquals(0.85, s.users().catConc()[3][2]);
    assertEquals(1.2, s.users().priceMean()[2]);
    assertEquals(0.7, s.queries().specificity()[0]);
    assertEquals(1.5, s.behavior().posBias()[1][0]);
    assertEquals(20, s.behavior().posBias()[2].length);
    assertEquals(0.1, s.reward().deltaClicks());
    assertEquals(0.35, s.retention().baseRate());
    assertEquals(5.0, s.action().aMax());
    assertFalse(s.action().hasCm2Floor());
    assertEquals(4, s.action().templates().size());
    assertTrue(s.quirks().featuresInCatalogOrder());
    assertEquals(5.0, s.templates().popularAmplitude());
  }

  @Test
  void anOverlayFileChangesOnlyWhatItSets(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("small.conf");
    Files.writeString(f, "catalog { n_products = 500 }\nseed = 7\n");
    SimSettings s = ZoosimConfig.load(Optional.of(f));
    assertEquals(500, s.catalog().nProducts());
    assertEquals(7, s.seed());
    assertEquals(0.35, s.catalog().categoryMix()[0]);
  }

  private static String refused(String hocon) {
    return assertThrows(SettingsException.class, () -> ZoosimConfig.fromString(hocon)).getMessage();
  }

  @Test
  void unknownKeysAreRefusedWithTheAcceptedOnes() {
    String m = refused("catalog { n_product = 5 }");
    assertTrue(m.contains("catalog.n_product") && m.contains("n_products"), m);
    assertTrue(refused("topk = 3").contains("top_k"));
    assertTrue(refused("catalog { pl_prob { fish = 0.2 } }").contains("fish"));
  }

  @Test
  void wrongTypesAreRefused() {
    String m = refused("catalog { n_products = lots }");
    assertTrue(m.contains("catalog.n_products") && m.contains("number"), m);
    assertTrue(refused("catalog { category_mix = 0.5 }").contains("category_mix"));
  }

  @Test
  void mixesMustSumToOne() {
    String m = refused("catalog { category_mix = [0.5, 0.5, 0.5, 0.5] }");
    assertTrue(m.contains("catalog.category_mix") && m.contains("sum to 1"), m);
    assertTrue(refused("users { segment_mix = [0.5, 0.5, 0.5] }").contains("users.segment_mix"));
    assertTrue(refused("queries { query_type_mix = [0.9, 0.2, 0.2] }").contains("queries.query_type_mix"));
  }

  @Test
  void outOfRangeValuesAreRefused() {
    assertTrue(refused("catalog { n_products = 0 }").contains("catalog.n_products"));
    assertTrue(refused("catalog { pl_prob { toys = 1.5 } }").contains("catalog.pl_prob.toys"));
    assertTrue(refused("action { a_max = -1 }").contains("action.a_max"));
    assertTrue(refused("reward { delta_clicks = 0.5 }").contains("reward.delta_clicks"));
    assertTrue(refused("retention { base_rate = 1.0 }").contains("retention.base_rate"));
    assertTrue(refused("seed = -4").contains("seed"));
    assertTrue(refused("catalog { embedding_dim = 8 }").contains("embedding_dim"));
  }

  @Test
  void messagesAreOneLine() {
    for (String bad : new String[] {"catalog { n_products = lots }", "nope = 1", "catalog { category_mix = [1] }"}) {
      assertFalse(refused(bad).contains("\n"), bad);
    }
  }

  @Test
  void aMissingOrBrokenFileIsRefused(@TempDir Path dir) throws Exception {
    SettingsException e = assertThrows(SettingsException.class,
        () -> ZoosimConfig.load(Optional.of(dir.resolve("absent.conf"))));
    assertTrue(e.getMessage().contains("absent.conf"));
    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "catalog { n_products = ");
    assertTrue(assertThrows(SettingsException.class, () -> ZoosimConfig.load(Optional.of(broken)))
        .getMessage().contains("broken.conf"));
  }

  @Test
  void anOverlayFileWithAnUnknownKeyIsRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("typo.conf");
    Files.writeString(f, "seed = 7\ntopk = 3\n");
    assertEquals("config: topk: unknown key; accepted keys here: " + ROOT_KEYS,
        assertThrows(SettingsException.class, () -> ZoosimConfig.load(Optional.of(f))).getMessage());
  }

  private static final String ROOT_KEYS =
      "action, behavior, catalog, drift, queries, quirks, relevance, retention, reward, seed, templates, top_k, users";

  @Test
  void aParsedOverlayIsCheckedAndLayeredLikeAFile() {
    SimSettings s = ZoosimConfig.fromOverlay(ConfigFactory.parseString("seed = 7, catalog { n_products = 50 }"));
    assertEquals(7, s.seed());
    assertEquals(50, s.catalog().nProducts());
    assertEquals(20, s.topK());
    assertEquals("config: catalog.n_product: unknown key; accepted keys here: bestseller_mean, bestseller_std,"
        + " categories, category_mix, discount_params, emb_cluster_std, embedding_dim, margin_noise, margin_slope,"
        + " n_products, pl_prob, price_params, strategic_categories",
        assertThrows(SettingsException.class,
            () -> ZoosimConfig.fromOverlay(ConfigFactory.parseString("catalog { n_product = 5 }"))).getMessage());
  }

  @Test
  void anUnknownKeyUnderAnUnknownSectionListsTheTopLevelKeys() {
    assertEquals("config: nope.x: unknown key; accepted keys here: " + ROOT_KEYS, refused("nope { x = 1 }"));
    assertEquals("config: catalog.discount_params.lo: unknown key; accepted keys here: high, low, p_zero",
        refused("catalog { discount_params { lo = 0.1 } }"));
  }

  @Test
  void openTablesTakeNewNames() {
    SimSettings s = ZoosimConfig.fromString("action { exposure_floors { litter = 0.1 }, templates { mine = [1, 2] } }");
    assertEquals(0.1, s.action().exposureFloors().get("litter"));
    assertEquals(2.0, s.action().templates().get("mine")[1]);
  }

  @Test
  void perNameTablesAcceptOnlyTheConfiguredNames() {
    assertEquals("config: catalog.price_params.fish: unknown name; accepted: [dog_food, cat_food, litter, toys]",
        refused("catalog { price_params { fish = [1, 1] } }"));
    assertEquals("config: users.segment_params.whales: unknown name; accepted: [price_hunter, pl_lover, premium,"
        + " litter_heavy]", refused("users.segment_params.whales.price_mean = 1"));
    assertEquals("config: queries.specificity.promo: unknown name; accepted: [category, brand, generic]",
        refused("queries { specificity { promo = 1 } }"));
    // The specificity table's names are checked before the rest of the section is read.
    assertEquals("config: queries.specificity.promo: unknown name; accepted: [category, brand, generic]",
        refused("queries { specificity { promo = 1 }, token_vocab_size = lots }"));
  }

  @Test
  void categoryTablesNeedEveryNameButSpecificityFallsBackToAHalf() {
    assertEquals("config: catalog.price_params: missing entries for [fish]",
        refused("catalog { categories = [dog_food, cat_food, litter, toys, fish] }"));
    SimSettings s = ZoosimConfig.fromString(
        "queries { query_types = [category, brand, generic, promo], query_type_mix = [0.6, 0.2, 0.1, 0.1] }");
    assertArrayEquals(new double[] {0.7, 1.0, 0.4, 0.5}, s.queries().specificity());
  }

  @Test
  void typesafeConfigErrorsBecomeOneLineNamingTheKey() {
    assertEquals("config: relevance.w_sem: must be number, got a string", refused("relevance { w_sem = lots }"));
    assertEquals("config: relevance.w_sem: must be number, got null", refused("relevance { w_sem = null }"));
    assertEquals("config: catalog.n_products: must be number, got null", refused("catalog { n_products = null }"));
    assertEquals("config: Expecting a value but got wrong token: end of file", refused("seed = "));
    assertEquals("config: a.b: is required", ZoosimConfig.describe(new ConfigException.Missing("a.b")).getMessage());
    assertEquals("config: users.a.b: is required",
        ZoosimConfig.describe(new ConfigException.Missing("a.b"), "users.").getMessage());
  }

  @Test
  void anUnknownQuotedKeyWithADotIsRefusedAsUnknown() {
    assertEquals("config: \"a.b\": unknown key; accepted keys here: " + ROOT_KEYS, refused("\"a.b\" = 1"));
    assertEquals("config: relevance.\"w.sem\": unknown key; accepted keys here: noise_sigma, w_lex, w_sem",
        refused("relevance { \"w.sem\" = 1 }"));
  }

  @Test
  void aBadValueInsideANamedTableIsNamedWithItsWholePath() {
    assertEquals("config: catalog.pl_prob.toys: must be number, got a string", refused("catalog { pl_prob { toys = lots } }"));
    assertEquals("config: queries.specificity.brand: must be number, got a string",
        refused("queries { specificity { brand = lots } }"));
    assertEquals("config: action.exposure_floors.litter: must be number, got a string",
        refused("action { exposure_floors { litter = lots } }"));
    assertEquals("config: action.exposure_floors: must be object, got a number", refused("action { exposure_floors = 3 }"));
    assertEquals("config: action.exposure_floors.pet food: must be number, got a string",
        refused("action { exposure_floors { \"pet food\" = lots } }"));
    assertEquals("config: action.exposure_floors.litter: must be number, got null",
        refused("action { exposure_floors { litter = null } }"));
    assertEquals("config: queries.specificity.brand: must be number, got null",
        refused("queries { specificity { brand = null } }"));
    assertEquals("config: catalog.pl_prob.toys: must be number, got null", refused("catalog { pl_prob { toys = null } }"));
    assertEquals("config: users.segment_params.premium.price_mean: must be number, got null",
        refused("users.segment_params.premium.price_mean = null"));
    assertEquals("config: users.segment_params.premium.price_mean: must be number, got a string",
        refused("users.segment_params.premium.price_mean = lots"));
    assertEquals("config: users.segment_params.premium: must be object, got a number",
        refused("users.segment_params.premium = 3"));
    assertEquals("config: catalog.price_params.toys: must be [mu, sigma], a list of two numbers",
        refused("catalog { price_params { toys = [1, lots] } }"));
    assertEquals("config: catalog.price_params.toys: must be [mu, sigma], a list of two numbers",
        refused("catalog { price_params { toys = 3 } }"));
    assertEquals("config: users.segment_params.whales.price_mean: is required",
        refused("users { segments = [price_hunter, pl_lover, premium, litter_heavy, whales],"
            + " segment_mix = [0.35, 0.25, 0.15, 0.15, 0.1], segment_params { whales {"
            + " price_std = 0.2, pl_mean = 0, pl_std = 0.2, cat_conc = [1, 1, 1, 1] } } }"));
  }
}
