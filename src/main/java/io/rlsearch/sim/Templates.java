package io.rlsearch.sim;

import java.util.List;

/**
 * The 8 standard boost templates of Chapter 6 (docs/world.md) and the catalog statistics they use.
 *
 * <p>A template adds a fixed boost to each product's base score (it does not weight the features).
 * Boosts are float32, as the reference's {@code BoostTemplate.apply} returns them.
 */
public final class Templates {
  /** Template names, in id order. */
  public static final List<String> NAMES = List.of(
      "Neutral", "Positive CM2", "Private Label", "Popular", "Premium", "Budget", "Discount", "Strategic");

  private Templates() {}

  /**
   * {@code compute_catalog_stats}: price quartiles (numpy percentiles; min/max below 4 products) and
   * the largest bestseller score.
   */
  public record CatalogStats(double priceP25, double priceP75, double popMax, int numCategories) {
    /** The statistics of a catalog. */
    public static CatalogStats of(Catalog c) {
      double[] prices = c.price.clone();
      double p25;
      double p75;
      if (prices.length >= 4) {
        p25 = Stats.percentile(prices, 25);
        p75 = Stats.percentile(prices, 75);
      } else {
        p25 = Double.POSITIVE_INFINITY;
        p75 = Double.NEGATIVE_INFINITY;
        for (double p : prices) {
          p25 = Math.min(p25, p);
          p75 = Math.max(p75, p);
        }
      }
      double popMax = 0;
      for (double b : c.bestseller) {
        popMax = Math.max(popMax, b);
      }
      int cats = (int) java.util.Arrays.stream(c.category).distinct().count();
      return new CatalogStats(p25, p75, popMax, cats);
    }
  }

  /**
   * The boosts of template {@code id} for every product.
   *
   * @param aMax the boost amplitude (5.0 in the reference)
   * @param popularAmplitude amplitude of "Popular" (3.0 in the book's recorded runs, a_max in the current code)
   */
  public static float[] boosts(int id, Catalog c, CatalogStats stats, double aMax, double popularAmplitude) {
    float[] out = new float[c.n];
    double logPop = Math.log1p(stats.popMax());
    for (int i = 0; i < c.n; i++) {
      double v = switch (id) {
        case 0 -> 0.0;
        case 1 -> c.cm2[i] > 0.4 ? aMax : 0.0;
        case 2 -> c.isPl[i] ? aMax : 0.0;
        case 3 -> stats.popMax() > 0 ? popularAmplitude * Math.log1p(c.bestseller[i]) / logPop : 0.0;
        case 4 -> c.price[i] > stats.priceP75() ? aMax : 0.0;
        case 5 -> c.price[i] < stats.priceP25() ? aMax : 0.0;
        case 6 -> aMax * Math.min(c.discount[i] / 0.3, 1.0);
        case 7 -> c.strategic[i] ? aMax : 0.0;
        default -> throw new IllegalArgumentException("template id must be 0..7, got " + id);
      };
      out[i] = (float) v;
    }
    return out;
  }

  /** All 8 templates' boosts, in id order. */
  public static float[][] all(Catalog c, double aMax, double popularAmplitude) {
    CatalogStats stats = CatalogStats.of(c);
    float[][] out = new float[NAMES.size()][];
    for (int id = 0; id < out.length; id++) {
      out[id] = boosts(id, c, stats, aMax, popularAmplitude);
    }
    return out;
  }
}
