package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scorer's rankings and feature rows against their definitions: the ranking by boost weights is the
 * top k of {@code base + sum_k a_k F_k} with F the product's 10 feature row (z-scored or raw), for every
 * weight alone and for mixed weights, at the default depth and another one; the ranking by per-product
 * boosts is the top k of {@code base + boost}; the raw row is {@code compute_features}; the info rows
 * follow the ranking (the last ranked product repeated past a short ranking) or the catalog order with
 * the quirk; base scores over a subset of the catalog are the full pass's relevance with their own noise.
 */
class EpisodeScorerTest {
  @Test
  void thePersonalisationColumnIsZScoredOverTheCatalog() {
    // Column 3 of a standardised row is (pers - mean) / std over the catalog's float32 personalisation
    // values (population std), here recomputed in two passes from the raw rows, whose float32 products
    // may differ from the scorer's in the last bit.
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 300 }, action { standardize_features = true }");
    World w = World.generate(s, new NumpyRandom(71));
    int n = w.catalog().size();
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(72);
    double[] row = new double[10];
    for (int e = 0; e < 3; e++) {
      User u = w.sampleUser(rng);
      Query q = w.sampleQuery(u, rng);
      scorer.drawBase(u, q, rng);
      double[] pers = new double[n];
      double mean = 0;
      for (int i = 0; i < n; i++) {
        scorer.rawFeatureRow(u, q, i, row);
        pers[i] = row[3];
        mean += pers[i];
      }
      mean /= n;
      double ss = 0;
      for (int i = 0; i < n; i++) {
        ss += (pers[i] - mean) * (pers[i] - mean);
      }
      double sd = Math.sqrt(ss / n);
      for (int i = 0; i < n; i++) {
        scorer.featureRow(u, q, i, row);
        // the raw row's dot product is rounded to float32 on its own path: 1e-7 relative to each value
        assertEquals((pers[i] - mean) / sd, row[3], 1e-6 * (1 + Math.abs(row[3])), "episode " + e + ", product " + i);
      }
    }
    // A user with no embedding preference has the same personalisation (0) for every product: the
    // spread is 0, and the column is 0 rather than 0/0.
    User v = w.sampleUser(rng);
    User flat = new User(v.segment(), v.thetaPrice(), v.thetaPl(), v.thetaCat(), new float[v.thetaEmb().length]);
    Query q = w.sampleQuery(flat, rng);
    scorer.drawBase(flat, q, rng);
    for (int i = 0; i < n; i++) {
      scorer.featureRow(flat, q, i, row);
      assertEquals(0.0, row[3], 0.0, "product " + i);
    }
  }

  @Test
  void signsOfZeroDropTheInteractionWeights() {
    // With a user's price and private-label tastes exactly 0 and every query's specificity 0, the sign
    // features 7-9 are 0, and so is their weight's share of the score.
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 200 }, action { standardize_features = true }, "
        + "queries { specificity { brand = 0, category = 0, generic = 0 } }");
    World w = World.generate(s, new NumpyRandom(81));
    int n = w.catalog().size();
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(82);
    User v = w.sampleUser(rng);
    User u = new User(v.segment(), 0.0, 0.0, v.thetaCat(), v.thetaEmb());
    Query q = w.sampleQuery(u, rng);
    scorer.drawBase(u, q, rng);
    double[] a = {0.5, -1, 1, 0.25, 2, 0, 0, 3, -3, 1.5};
    double[] row = new double[10];
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scorer.featureRow(u, q, i, row);
      assertEquals(0.0, row[7], 0.0);
      assertEquals(0.0, row[8], 0.0);
      assertEquals(0.0, row[9], 0.0);
      double f = 0;
      for (int j = 0; j < 7; j++) {
        f += a[j] * row[j];
      }
      scores[i] = scorer.base(i) + f;
    }
    assertArrayEquals(TopK.of(scores, s.topK()), scorer.rankByWeights(u, q, a, s.topK()));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void rankingsAndRowsAreTheirDefinitions(boolean standardize) {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 250 }, action { standardize_features = "
        + standardize + " }, quirks { features_in_catalog_order = false }");
    World w = World.generate(s, new NumpyRandom(61));
    int n = w.catalog().size();
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(62);
    NumpyRandom actions = new NumpyRandom(63);
    User u0 = w.sampleUser(rng);
    Query q0 = w.sampleQuery(u0, rng);
    scorer.drawBase(q0, rng);
    assertEquals("rankByWeights needs the personalisation pass: drawBase(user, query, rng)",
        assertThrows(IllegalStateException.class, () -> scorer.rankByWeights(u0, q0, new double[10], 5))
            .getMessage());
    double[][] rows = new double[n][10];
    double[] raw = new double[10];
    for (int e = 0; e < 24; e++) {
      User u = w.sampleUser(rng);
      Query q = w.sampleQuery(u, rng);
      scorer.drawBase(u, q, rng);
      for (int i = 0; i < n; i++) {
        scorer.featureRow(u, q, i, rows[i]);
      }
      double[] a = new double[10];
      if (e < 10) {
        a[e] = e % 2 == 0 ? 2.5 : -2.5; // one feature alone decides
      } else {
        for (int j = 0; j < 10; j++) {
          a[j] = actions.normal(0, 1);
        }
      }
      double[] scores = new double[n];
      for (int i = 0; i < n; i++) {
        double f = 0;
        for (int j = 0; j < 10; j++) {
          f += a[j] * rows[i][j];
        }
        scores[i] = scorer.base(i) + f;
      }
      int k = e % 4 == 3 ? 7 : s.topK();
      String at = "episode " + e + ", weights " + java.util.Arrays.toString(a);
      assertArrayEquals(TopK.of(scores, k), scorer.rankByWeights(u, q, a, k), at);
      double[] bases = new double[n];
      for (int i = 0; i < n; i++) {
        bases[i] = scorer.base(i);
      }
      assertArrayEquals(TopK.of(bases, s.topK()), scorer.baseline(s.topK()), at);
      assertArrayEquals(TopK.of(bases, 9), scorer.baseline(9), at);

      float[] boosts = new float[n];
      for (int i = 0; i < n; i++) {
        boosts[i] = (float) actions.normal(0, 1);
        scores[i] = scorer.base(i) + boosts[i];
      }
      assertArrayEquals(TopK.of(scores, k), scorer.rankByBoosts(boosts, k), at);

      double spec = s.queries().specificity()[q.queryType()];
      int i = (int) actions.integers(0, n);
      scorer.rawFeatureRow(u, q, i, raw);
      Catalog c = w.catalog();
      double pl = c.isPl(i) ? 1 : 0;
      assertEquals(c.cm2(i), raw[0], 0.0);
      assertEquals(c.discount(i), raw[1], 0.0);
      assertEquals(pl, raw[2], 0.0);
      assertEquals(c.bestseller(i), raw[4], 0.0);
      assertEquals(c.price(i), raw[5], 0.0);
      assertEquals(c.discount(i) * u.thetaPrice(), raw[7], 0.0);
      assertEquals(pl * u.thetaPl(), raw[8], 0.0);
      assertEquals(spec * c.bestseller(i), raw[9], 0.0);
      if (!standardize) {
        assertArrayEquals(raw, rows[i], 1e-6, "without standardisation the row is the raw row");
      }

      int[] shortRanking = {i, (i + 1) % n, (i + 2) % n};
      double[] info = scorer.infoFeatures(u, q, shortRanking);
      assertEquals(s.topK() * 10, info.length);
      for (int r = 0; r < s.topK(); r++) {
        int product = shortRanking[Math.min(r, 2)];
        assertArrayEquals(rows[product], java.util.Arrays.copyOfRange(info, r * 10, r * 10 + 10), 0.0,
            at + ", info row " + r);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void infoRowsInCatalogOrderWithTheQuirk(boolean quirk) {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 120 }, quirks { features_in_catalog_order = "
        + quirk + " }");
    World w = World.generate(s, new NumpyRandom(64));
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(65);
    User u = w.sampleUser(rng);
    Query q = w.sampleQuery(u, rng);
    scorer.drawBase(u, q, rng);
    int[] ranking = scorer.rankByWeights(u, q, new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, s.topK());
    double[] info = scorer.infoFeatures(u, q, ranking);
    double[] row = new double[10];
    for (int r = 0; r < s.topK(); r++) {
      scorer.featureRow(u, q, quirk ? r : ranking[r], row);
      assertArrayEquals(row, java.util.Arrays.copyOfRange(info, r * 10, r * 10 + 10), 0.0, "row " + r);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {66, 67})
  void baseScoresOfASubsetAreTheRelevanceWithTheirOwnNoise(long seed) {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 150 }");
    World w = World.generate(s, new NumpyRandom(seed));
    int n = w.catalog().size();
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(seed + 10);
    User u = w.sampleUser(rng);
    Query q = w.sampleQuery(u, rng);
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    NumpyRandom twin = rng.copy();
    double[] subsetAll = scorer.baseScores(q, all, twin);
    scorer.drawBase(q, rng);
    for (int i = 0; i < n; i++) {
      assertEquals(scorer.base(i), subsetAll[i], 0.0, "the whole catalog in order is the full pass, product " + i);
    }
    assertEquals(rng.nextRaw(), twin.nextRaw(), "one noise draw a product");
    // Two products in another order: the first two noise draws, and the full pass's relevance.
    NumpyRandom a = new NumpyRandom(seed + 20);
    NumpyRandom noise = a.copy();
    double[] two = scorer.baseScores(q, new int[] {40, 3}, a);
    double n0 = noise.normal(0, s.relevance().noiseSigma());
    double n1 = noise.normal(0, s.relevance().noiseSigma());
    assertEquals(subsetAll[40] - fullNoise(seed, s, 40) + n0, two[0], 1e-12);
    assertEquals(subsetAll[3] - fullNoise(seed, s, 3) + n1, two[1], 1e-12);
  }

  /** The noise the full pass drew for product {@code i}. */
  private static double fullNoise(long seed, SimSettings s, int i) {
    World w = World.generate(s, new NumpyRandom(seed));
    NumpyRandom rng = new NumpyRandom(seed + 10);
    User u = w.sampleUser(rng);
    w.sampleQuery(u, rng);
    double[] noise = new double[w.catalog().size()];
    rng.fillNormal(noise, noise.length, 0, s.relevance().noiseSigma());
    return noise[i];
  }
}
