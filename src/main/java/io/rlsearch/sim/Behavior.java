package io.rlsearch.sim;

import io.rlsearch.core.random.NumpyRandom;

/**
 * The utility-based cascade (the reference's {@code simulate_session}; the model is in docs/world.md).
 *
 * <p>The user scans the list top-down. At each position the item's utility
 * {@code U = a_rel cos + a_price theta_price log1p(price) + a_pl theta_pl is_pl + a_cat theta_cat[c] + N(0, sigma_u)}
 * is drawn first, then the position is examined with probability {@code sigmoid(pos_bias + exam_sensitivity H)}
 * (not examined: the session ends), clicked with probability {@code sigmoid(U)}, and a click is
 * bought with probability {@code sigmoid(beta_buy U + beta0 - w_price_penalty log1p(price))}.
 * Satisfaction H rises with clicked utility, falls on skips and purchases; the session also ends on
 * abandonment (H below the threshold) or the purchase cap. Draw order per position:
 * normal, uniform(examine), [uniform(click), [uniform(buy)]], as the reference.
 */
public final class Behavior {
  private final SimSettings.Behavior b;
  private final Catalog cat;
  private final int topK;

  /** The behaviour model of {@code world}. */
  public Behavior(World world) {
    this.b = world.settings().behavior();
    this.cat = world.catalog();
    this.topK = world.settings().topK();
  }

  /**
   * Simulates one session over {@code ranking} (product ids, best first) for this user and query.
   *
   * @param cosines cosine(query, product) by product id, as computed for the base scores
   */
  public SessionOutcome simulate(User user, Query query, int[] ranking, double[] cosines, NumpyRandom rng) {
    int k = Math.min(topK, ranking.length);
    int[] clicks = new int[k];
    int[] buys = new int[k];
    double h = 0.0;
    int nBuy = 0;
    int limit = Math.max(1, b.maxPurchases());
    double fatigue = Math.max(0.0, b.postPurchaseFatigue());
    double[] posBias = b.posBias()[query.queryType()];
    for (int j = 0; j < k; j++) {
      int p = ranking[j];
      double ps = cat.log1pPrice[p];
      double u = b.alphaRel() * cosines[p] + b.alphaPrice() * user.thetaPrice() * ps
          + b.alphaPl() * user.thetaPl() * (cat.isPl[p] ? 1.0 : 0.0)
          + b.alphaCat() * user.thetaCat(cat.category[p]) + rng.normal(0, b.sigmaU());
      double bias = j < posBias.length ? posBias[j] : posBias[posBias.length - 1];
      if (rng.random() > Stats.sigmoid(bias + b.examSensitivity() * h)) {
        break;
      }
      if (rng.random() < Stats.sigmoid(u)) {
        clicks[j] = 1;
        h += b.satisfactionGain() * u;
        if (rng.random() < Stats.sigmoid(b.betaBuy() * u + b.beta0() - b.wPricePenalty() * ps)) {
          buys[j] = 1;
          nBuy++;
          h -= fatigue;
          if (nBuy >= limit) {
            break;
          }
          if (h < b.abandonmentThreshold()) {
            break;
          }
          continue;
        }
      } else {
        h -= b.satisfactionDecay();
      }
      if (h < b.abandonmentThreshold()) {
        break;
      }
    }
    return new SessionOutcome(clicks, buys, h);
  }
}
