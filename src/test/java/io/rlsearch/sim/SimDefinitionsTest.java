package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.Choice;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.TorchRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Small definitions of the world checked value by value: a query's embedding, the fairness groups'
 * names, the per-position rewards, the category centres and the catalog statistics of a four-product
 * catalog (the smallest that takes percentiles).
 */
class SimDefinitionsTest {
  private static final SimSettings S = ZoosimConfig.fromString("catalog { n_products = 120 }");

  @Test
  void aQueryEmbeddingIsTheTastePlusAOneTwentiethNoise() {
    World w = World.generate(S, new NumpyRandom(91));
    NumpyRandom rng = new NumpyRandom(92);
    for (int e = 0; e < 5; e++) {
      User u = w.sampleUser(rng);
      NumpyRandom twin = rng.copy();
      Query q = w.sampleQuery(u, rng);
      // the draws in sample_query's order: intent, query type, the noise's seed
      assertEquals(twin.choice(u.thetaCat()), q.intentCategory());
      assertEquals(twin.choice(Choice.of(S.queries().queryTypeMix())), q.queryType());
      float[] noise = TorchRandom.randn16(twin.integers(0, (1L << 31) - 1));
      float[] taste = u.thetaEmb();
      float[] want = new float[Catalog.DIM];
      for (int d = 0; d < Catalog.DIM; d++) {
        want[d] = taste[d] + 0.05f * noise[d];
      }
      assertArrayEquals(want, q.phiEmb(), 0f, "query " + e);
    }
  }

  @Test
  void fairnessGroupsNameEachProductsGroup() {
    World w = World.generate(S, new NumpyRandom(93));
    Catalog c = w.catalog();
    for (int i = 0; i < c.size(); i++) {
      assertEquals(c.isPl(i) ? "pl" : "non_pl", FairnessGroups.groupKey(w, i, "pl"));
      assertEquals(c.strategic(i) ? "strategic" : "non_strategic", FairnessGroups.groupKey(w, i, "strategic"));
    }
  }

  @Test
  void strategicProductsAndTheLitterFeatureFollowTheirCategories() {
    World w = World.generate(S, new NumpyRandom(98));
    Catalog c = w.catalog();
    int strategic = 0;
    for (int i = 0; i < c.size(); i++) {
      String category = S.catalog().categories().get(c.category(i));
      assertEquals(S.catalog().strategicCategories().contains(category), c.strategic(i), "product " + i);
      strategic += c.strategic(i) ? 1 : 0;
    }
    assertTrue(strategic > 0 && strategic < c.size(), strategic + " strategic products");
    // feature 6 is the CM2 of the category named "litter", whatever the strategic flags say
    for (int i = 0; i < c.size(); i++) {
      boolean litter = S.catalog().categories().get(c.category(i)).equals("litter");
      assertEquals(litter ? c.cm2(i) : 0.0, c.litterCm2[i], 0.0, "product " + i);
    }
  }

  @Test
  void aGymEnvResetWithASeedIsANewEnvOfThatSeed() {
    for (boolean rich : new boolean[] {true, false}) {
      GymEnv env = new GymEnv(S, 5, rich);
      assertEquals(rich, env.rich());
      env.reset();
      assertEquals(new GymEnv(S, 8, rich).reset(), env.reset(8), "rich " + rich);
    }
  }

  @Test
  void positionRewardsCountClicksEverywhereAndPurchasesOnlyWhereRanked() {
    World w = World.generate(S, new NumpyRandom(94));
    Catalog c = w.catalog();
    SimSettings.Reward r = S.reward();
    int[] ranking = {7, 3};
    // three positions, the last past the ranking: its purchase adds nothing, its click counts
    SessionOutcome out = new SessionOutcome(new int[] {1, 1, 1}, new int[] {0, 1, 1}, 0.0);
    double[] got = new RewardFunction(w).positionRewards(ranking, out);
    double buy3 = r.alphaGmv() * c.price(3) + r.betaCm2() * c.cm2(3) + (c.strategic(3) ? r.gammaStrat() : 0);
    assertArrayEquals(new double[] {r.deltaClicks(), r.deltaClicks() + buy3, r.deltaClicks()}, got, 1e-12);
  }

  @Test
  void anEmbeddingIsItsCategoryCentrePlusScaledNoise() {
    Catalog c = World.generate(S, new NumpyRandom(99)).catalog();
    for (int i = 0; i < 10; i++) {
      int k = c.category(i);
      float[] centre = c.center(k);
      float std = (float) S.catalog().embClusterStd()[k];
      float[] noise = TorchRandom.randn16(c.embeddingSeed(i));
      float[] want = new float[Catalog.DIM];
      for (int d = 0; d < Catalog.DIM; d++) {
        want[d] = centre[d] + std * noise[d];
      }
      assertArrayEquals(want, c.embedding(i), 0f, "product " + i);
    }
  }

  @Test
  void centresAreCopies() {
    World w = World.generate(S, new NumpyRandom(95));
    float[] a = w.catalog().center(0);
    assertEquals(Catalog.DIM, a.length);
    float[] b = w.catalog().center(0);
    assertNotSame(a, b);
    assertArrayEquals(a, b, 0f);
    a[0] += 1;
    assertArrayEquals(b, w.catalog().center(0), 0f);
  }

  @Test
  void popularBoostsNothingWhenNoProductSells() {
    // bestseller scores are max(0, N(mean, std)): a mean of -50 makes every one 0
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 40, bestseller_mean { dog_food = -50, "
        + "cat_food = -50, litter = -50, toys = -50 } }");
    Catalog c = World.generate(s, new NumpyRandom(97)).catalog();
    Templates.CatalogStats st = Templates.CatalogStats.of(c);
    assertEquals(0.0, st.popMax(), 0.0);
    assertArrayEquals(new float[c.size()], Templates.boosts(3, c, st, 5.0, 3.0), 0f);
  }

  @Test
  void fourProductsTakeNumpysPercentiles() {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 4 }");
    Catalog c = World.generate(s, new NumpyRandom(96)).catalog();
    double[] p = new double[4];
    for (int i = 0; i < 4; i++) {
      p[i] = c.price(i);
    }
    Arrays.sort(p);
    Templates.CatalogStats st = Templates.CatalogStats.of(c);
    // numpy's linear percentile: position 0.75 between the first two, 2.25 between the last two
    assertEquals(p[0] + 0.75 * (p[1] - p[0]), st.priceP25(), 1e-12);
    assertEquals(p[2] + 0.25 * (p[3] - p[2]), st.priceP75(), 1e-12);
  }
}
