package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cascade session model step by step, as docs/world.md defines it, computed here on a copy of the
 * episode's generator and compared draw for draw with {@link Behavior#simulate}: the utility
 * {@code alpha_rel cos + alpha_price theta_price log1p(price) + alpha_pl theta_pl [pl] + alpha_cat
 * theta_cat + N(0, sigma_u)}; examination with probability {@code sigmoid(pos_bias_j + exam_sensitivity H)}
 * (the last logit beyond the list); a click with {@code sigmoid(u)}, raising H by
 * {@code satisfaction_gain u}, else H falls by {@code satisfaction_decay}; a purchase with
 * {@code sigmoid(beta_buy u + beta0 - w_price_penalty log1p(price))}, then the fatigue; the session ends
 * at the purchase limit or when H falls below the abandonment threshold. Each setting below makes one
 * of the rules decide many sessions.
 */
class BehaviorDefinitionTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "behavior { beta0 = 3, max_purchases = 2 }",
      "behavior { beta0 = 3, max_purchases = 0, post_purchase_fatigue = 0.5 }",
      "behavior { beta0 = 2, post_purchase_fatigue = 1.5, abandonment_threshold = -1.0, max_purchases = 9 }",
      "behavior { satisfaction_decay = 0.6, abandonment_threshold = -0.5, exam_sensitivity = 2.0 }",
      "top_k = 40",
      // examination logits shorter than the ranking (the last repeats) and a price penalty that matters
      "behavior { pos_bias { category = [2.5], brand = [2.0, 1.5], generic = [3.0] }, w_price_penalty = 0.8, "
          + "beta0 = 1.5, max_purchases = 9, abandonment_threshold = -5 }"})
  void sessionsFollowTheCascadeDefinition(String layer) {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 300 }\n" + layer);
    World w = World.generate(s, new NumpyRandom(41));
    Behavior behavior = new Behavior(w);
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(42);
    int clicks = 0;
    int buys = 0;
    for (int e = 0; e < 150; e++) {
      User u = w.sampleUser(rng);
      Query q = w.sampleQuery(u, rng);
      scorer.drawBase(q, rng);
      int[] ranking = scorer.baseline(e % 3 == 0 ? s.topK() + 5 : s.topK());
      NumpyRandom twin = rng.copy();
      SessionOutcome want = definition(s, w.catalog(), u, q, ranking, scorer.sem, twin);
      SessionOutcome got = behavior.simulate(u, q, ranking, scorer.sem, rng);
      String at = "'" + layer + "' session " + e;
      assertArrayEquals(want.clicks(), got.clicks(), at);
      assertArrayEquals(want.buys(), got.buys(), at);
      assertEquals(want.satisfaction(), got.satisfaction(), 1e-12, at);
      assertEquals(twin.nextRaw(), rng.copy().nextRaw(), "generator position, " + at);
      clicks += got.totalClicks();
      buys += got.totalBuys();
    }
    assertTrue(clicks > 0, "sessions with clicks: " + layer);
    if (layer.contains("beta0")) {
      assertTrue(buys > 0, "sessions with purchases: " + layer);
    }
  }

  private static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  private static SessionOutcome definition(SimSettings s, Catalog c, User user, Query q, int[] ranking,
      double[] cos, NumpyRandom rng) {
    SimSettings.Behavior b = s.behavior();
    int k = Math.min(s.topK(), ranking.length);
    int[] clicks = new int[k];
    int[] buys = new int[k];
    double h = 0;
    int bought = 0;
    double[] pos = b.posBias()[q.queryType()];
    for (int j = 0; j < k; j++) {
      int p = ranking[j];
      double logPrice = Math.log1p(c.price(p));
      double utility = b.alphaRel() * cos[p] + b.alphaPrice() * user.thetaPrice() * logPrice
          + b.alphaPl() * user.thetaPl() * (c.isPl(p) ? 1 : 0) + b.alphaCat() * user.thetaCat()[c.category(p)]
          + rng.normal(0, b.sigmaU());
      double logit = pos[Math.min(j, pos.length - 1)];
      if (!(rng.random() <= sigmoid(logit + b.examSensitivity() * h))) {
        break;
      }
      if (rng.random() < sigmoid(utility)) {
        clicks[j] = 1;
        h = h + b.satisfactionGain() * utility;
        if (rng.random() < sigmoid(b.betaBuy() * utility + b.beta0() - b.wPricePenalty() * logPrice)) {
          buys[j] = 1;
          bought++;
          h = h - Math.max(0, b.postPurchaseFatigue());
          if (bought == Math.max(1, b.maxPurchases()) || h < b.abandonmentThreshold()) {
            break;
          }
          continue;
        }
      } else {
        h = h - b.satisfactionDecay();
      }
      if (h < b.abandonmentThreshold()) {
        break;
      }
    }
    return new SessionOutcome(clicks, buys, h);
  }
}
