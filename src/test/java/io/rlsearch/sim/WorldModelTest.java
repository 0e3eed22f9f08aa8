package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's relevance, feature, reward, template and catalog tests (tests/ch05, ch06, catalog stats). */
class WorldModelTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 500 }");

  @Test
  void baseScoreIsTheHybridExactlyWithoutNoise() {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 300 }, relevance { noise_sigma = 0.0 }");
    NumpyRandom rng = new NumpyRandom(5);
    World w = World.generate(s, rng);
    User u = w.sampleUser(rng);
    Query q = w.sampleQuery(u, rng);
    EpisodeScorer sc = new EpisodeScorer(w, 20);
    sc.drawBase(q, rng);
    Catalog c = w.catalog();
    float[] phi = q.phiEmb();
    for (int i = 0; i < c.size(); i++) {
      float[] e = c.embedding(i);
      double dot = 0;
      double nq = 0;
      double ne = 0;
      for (int d = 0; d < 16; d++) {
        dot += (double) phi[d] * e[d];
        nq += (double) phi[d] * phi[d];
        ne += (double) e[d] * e[d];
      }
      double cos = dot / Math.sqrt(nq) / Math.sqrt(ne);
      List<String> catTokens = List.of(w.categoryName(c.category(i)).split("_"));
      long overlap = catTokens.stream().distinct().filter(q.tokens()::contains).count();
      assertEquals(0.7 * cos + 0.3 * Math.log1p(overlap), sc.base(i), 1e-6, "product " + i);
    }
  }

  @Test
  void lexicalOverlapTakesOnlyThreeValues() {
    NumpyRandom rng = new NumpyRandom(9);
    World w = World.generate(SMALL, rng);
    for (int t = 0; t < 50; t++) {
      Query q = w.sampleQuery(w.sampleUser(rng), rng);
      for (double v : w.lexicalByCategory(q)) {
        assertTrue(v == 0 || Math.abs(v - Math.log(2)) < 1e-12 || Math.abs(v - Math.log(3)) < 1e-12, "lex " + v);
      }
    }
  }

  @Test
  void featuresHaveTenColumnsAndStandardisedColumnsAreZScores() {
    NumpyRandom rng = new NumpyRandom(3);
    World w = World.generate(SMALL, rng);
    User u = w.sampleUser(rng);
    Query q = w.sampleQuery(u, rng);
    EpisodeScorer sc = new EpisodeScorer(w, 20);
    sc.drawBase(u, q, rng);
    int n = w.catalog().size();
    double[][] cols = new double[10][n];
    double[] row = new double[10];
    for (int i = 0; i < n; i++) {
      sc.featureRow(u, q, i, row);
      assertEquals(SMALL.action().featureDim(), row.length);
      for (int d = 0; d < 10; d++) {
        cols[d][i] = row[d];
      }
    }
    for (int d = 0; d < 10; d++) {
      double mean = Stats.mean(cols[d]);
      assertEquals(0.0, mean, 1e-9, "column " + d + " mean");
      assertEquals(1.0, Stats.populationStd(cols[d], mean), 1e-6, "column " + d + " std");
    }
    // the standardised row is the z-score of the raw row, column by column
    double[][] raw = new double[10][n];
    for (int i = 0; i < n; i++) {
      sc.rawFeatureRow(u, q, i, row);
      for (int d = 0; d < 10; d++) {
        raw[d][i] = row[d];
      }
    }
    for (int d = 0; d < 10; d++) {
      double mean = Stats.mean(raw[d]);
      double std = Stats.populationStd(raw[d], mean);
      sc.featureRow(u, q, 7, row);
      assertEquals((raw[d][7] - mean) / (std == 0 ? 1 : std), row[d], 1e-5, "column " + d);
    }
  }

  @Test
  void rewardIsTheWeightedSumOfItsBreakdown() {
    SearchSimulator env = new SearchSimulator(SMALL, 4);
    RewardFunction f = new RewardFunction(env.world());
    SimSettings.Reward w = SMALL.reward();
    int nonZero = 0;
    for (int e = 0; e < 200; e++) {
      env.reset();
      var step = env.step(io.rlsearch.core.Action.zeros(10));
      RewardBreakdown b = step.info().reward();
      assertEquals(w.alphaGmv() * b.gmv() + w.betaCm2() * b.cm2() + w.gammaStrat() * b.strat()
          + w.deltaClicks() * b.clicks(), step.reward(), 1e-12);
      assertEquals(f.scalar(b), step.reward(), 1e-12);
      nonZero += step.reward() != 0 ? 1 : 0;
    }
    assertTrue(nonZero > 0, "some episode has a non-zero reward (else the sums above compare zeros)");
  }

  @Test
  void templatesOnAThreeProductCatalog() {
    // tests/ch06/test_templates.py: with fewer than 4 products p25 = min and p75 = max
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 3 }");
    Catalog c = Catalog.generate(s.catalog(), new NumpyRandom(1));
    Templates.CatalogStats st = Templates.CatalogStats.of(c);
    double min = Math.min(c.price(0), Math.min(c.price(1), c.price(2)));
    double max = Math.max(c.price(0), Math.max(c.price(1), c.price(2)));
    assertEquals(min, st.priceP25());
    assertEquals(max, st.priceP75());
    assertEquals(List.of("Neutral", "Positive CM2", "Private Label", "Popular", "Premium", "Budget", "Discount",
        "Strategic"), Templates.NAMES);
    float[][] all = Templates.all(c, 5.0, 5.0);
    for (int id = 0; id < 8; id++) {
      for (int i = 0; i < 3; i++) {
        assertTrue(all[id][i] >= -5 && all[id][i] <= 5);
      }
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(0f, all[0][i]);
      assertEquals(c.cm2(i) > 0.4 ? 5f : 0f, all[1][i]);
      assertEquals(c.isPl(i) ? 5f : 0f, all[2][i]);
      assertEquals((float) (5.0 * Math.log1p(c.bestseller(i)) / Math.log1p(st.popMax())), all[3][i]);
      assertEquals(c.price(i) > max ? 5f : 0f, all[4][i]); // strict: the max itself is not "premium"
      assertEquals(c.price(i) < min ? 5f : 0f, all[5][i]); // strict: the min itself is not "budget"
      assertEquals((float) (5.0 * Math.min(c.discount(i) / 0.3, 1.0)), all[6][i]);
      assertEquals(c.strategic(i) ? 5f : 0f, all[7][i]);
    }
  }

  @Test
  void popularAmplitudeIsASetting() {
    Catalog c = Catalog.generate(SMALL.catalog(), new NumpyRandom(2));
    float[][] book = Templates.all(c, 5.0, 3.0);
    float[][] head = Templates.all(c, 5.0, 5.0);
    for (int i = 0; i < c.size(); i++) {
      assertEquals(head[3][i] * 3.0 / 5.0, book[3][i], 1e-5);
      assertEquals(head[1][i], book[1][i]);
    }
  }

  @Test
  void catalogStatisticsHaveTheReferencesSigns() {
    // tests/test_catalog_stats.py
    Catalog c = Catalog.generate(SimSettings.defaults().catalog(), new NumpyRandom(77));
    double[] sum = new double[4];
    double[] cnt = new double[4];
    for (int i = 0; i < c.size(); i++) {
      assertTrue(c.price(i) > 0);
      sum[c.category(i)] += c.cm2(i);
      cnt[c.category(i)]++;
    }
    assertTrue(sum[2] / cnt[2] < 0, "litter CM2 is negative on average");
    assertTrue(sum[3] / cnt[3] > 0, "toys CM2 is positive on average");
  }

  @Test
  void sameSeedGivesTheSameCatalogUsersAndQueries() {
    NumpyRandom a = new NumpyRandom(99);
    NumpyRandom b = new NumpyRandom(99);
    World wa = World.generate(SMALL, a);
    World wb = World.generate(SMALL, b);
    for (int i = 0; i < wa.catalog().size(); i++) {
      assertEquals(wa.catalog().price(i), wb.catalog().price(i));
      assertArrayEquals(wa.catalog().embedding(i), wb.catalog().embedding(i));
    }
    for (int t = 0; t < 20; t++) {
      User ua = wa.sampleUser(a);
      User ub = wb.sampleUser(b);
      assertEquals(ua, ub);
      assertEquals(wa.sampleQuery(ua, a), wb.sampleQuery(ub, b));
    }
    World wc = World.generate(SMALL, new NumpyRandom(100));
    assertNotEquals(wa.catalog().price(0), wc.catalog().price(0));
  }

  @Test
  void deltaRankIsSetBased() {
    assertEquals(0.0, Metrics.deltaRankAtK(new int[] {1, 2, 3}, new int[] {3, 2, 1}, 3));
    assertEquals(1.0 / 3, Metrics.deltaRankAtK(new int[] {1, 2, 3}, new int[] {1, 2, 4}, 3), 1e-12);
    assertEquals(0.0, Metrics.deltaRankAtK(new int[0], new int[] {1}, 3));
    assertEquals(0.5, Metrics.deltaRankAtK(new int[] {1, 2, 3, 4}, new int[] {1, 5, 9, 9}, 2));
  }

  @Test
  void topKSelectsTheLargestInOrder() {
    double[] s = {0.1, 5, -2, 3, 3.5, 9, 0};
    assertArrayEquals(new int[] {5, 1, 4}, TopK.of(s, 3));
    assertArrayEquals(new int[] {5, 1, 4, 3, 0, 6, 2}, TopK.of(s, 10));
  }

  @Test
  void percentileMatchesNumpysLinearInterpolation() {
    double[] x = {1, 2, 3, 4, 10};
    assertEquals(2.0, Stats.percentile(x, 25)); // numpy.percentile([1,2,3,4,10], 25) = 2.0
    assertEquals(4.0, Stats.percentile(x, 75));
    assertEquals(2.2, Stats.percentile(x, 30), 1e-12);
    assertEquals(8.8, Stats.percentile(x, 95), 1e-12);
  }
}
