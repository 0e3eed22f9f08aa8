package io.rlsearch.sim;

/**
 * Context features for agents, in both of the reference's versions.
 *
 * <p>The zoosim package's versions ({@link #simple}, {@link #rich}, {@link #richEstimated}) are what
 * the Gym env emits; the Chapter-6 script's versions ({@link #ch06Simple}, {@link #ch06Rich},
 * {@link #ch06RichEstimated}) append a bias 1.0 and estimate the user's sensitivities differently.
 * Rich features aggregate the top-k products by base score (k = min(top_k, n)) and are standardised
 * with the reference's fixed constants, which do not match the catalog's scale;
 * they are reproduced as they are.
 */
public final class ContextFeatures {
  /** Dimension of the zoosim simple features (segments + query types, with the default config). */
  private static final double[] RICH_MEANS = {30, 15, 0.3, 0.1, 0.5, 0.2, 300, 5};
  private static final double[] RICH_STDS = {20, 10, 0.2, 0.1, 0.3, 0.2, 200, 2};

  /** Which context-feature estimator an agent uses. */
  public enum Mode {
    /** Segment and query-type one-hots. */
    SIMPLE,
    /** Plus the user's true sensitivities (an oracle) and top-k aggregates. */
    RICH,
    /** Plus estimated sensitivities and top-k aggregates. */
    RICH_EST
  }

  private final World world;
  private final int nSeg;
  private final int nTypes;

  /** Features over {@code world}. */
  public ContextFeatures(World world) {
    this.world = world;
    this.nSeg = world.settings().users().segments().size();
    this.nTypes = world.settings().queries().queryTypes().size();
  }

  /** Dimension of the zoosim features of a mode (7 / 17 / 17 with the default config). */
  public int dim(Mode mode) {
    return mode == Mode.SIMPLE ? nSeg + nTypes : nSeg + nTypes + 2 + 8;
  }

  /** {@code compute_context_features_simple}: segment one-hot ‖ query-type one-hot. */
  public double[] simple(User u, Query q) {
    double[] out = new double[nSeg + nTypes];
    out[u.segment()] = 1;
    out[nSeg + q.queryType()] = 1;
    return out;
  }

  /** {@code compute_context_features_rich}: with the true theta_price and theta_pl. */
  public double[] rich(User u, Query q, EpisodeScorer scores) {
    return richWith(u, q, scores, u.thetaPrice(), u.thetaPl());
  }

  /**
   * {@code compute_context_features_rich_estimated}: theta estimated as
   * {@code clip(round(2 * 0.7 * theta) / 2, -3, 3)} (round half to even, as numpy).
   */
  public double[] richEstimated(User u, Query q, EpisodeScorer scores) {
    return richWith(u, q, scores, zoosimEstimate(u.thetaPrice()), zoosimEstimate(u.thetaPl()));
  }

  /** The zoosim features of {@code mode}. */
  public double[] of(Mode mode, User u, Query q, EpisodeScorer scores) {
    return switch (mode) {
      case SIMPLE -> simple(u, q);
      case RICH -> rich(u, q, scores);
      case RICH_EST -> richEstimated(u, q, scores);
    };
  }

  static double zoosimEstimate(double theta) {
    return clip(Math.rint(theta * 0.7 * 2) / 2, -3, 3);
  }

  private double[] richWith(User u, Query q, EpisodeScorer scores, double tPrice, double tPl) {
    Catalog c = world.catalog();
    int k = Math.min(world.settings().topK(), c.n);
    int[] top = scores.baseline(k);
    double sumPrice = 0;
    double sumCm2 = 0;
    double sumDisc = 0;
    double pl = 0;
    double strat = 0;
    double sumBest = 0;
    double sumRel = 0;
    for (int p : top) {
      sumPrice += c.price[p];
      sumCm2 += c.cm2[p];
      sumDisc += c.discount[p];
      pl += c.isPl[p] ? 1 : 0;
      strat += c.strategic[p] ? 1 : 0;
      sumBest += c.bestseller[p];
      sumRel += scores.base(p);
    }
    double avgPrice = sumPrice / top.length;
    double var = 0;
    for (int p : top) {
      double d = c.price[p] - avgPrice;
      var += d * d;
    }
    double[] agg = {avgPrice, Math.sqrt(var / top.length), sumCm2 / top.length, sumDisc / top.length,
        pl / top.length, strat / top.length, sumBest / top.length, sumRel / top.length};
    double[] out = new double[nSeg + nTypes + 2 + agg.length];
    out[u.segment()] = 1;
    out[nSeg + q.queryType()] = 1;
    out[nSeg + nTypes] = tPrice;
    out[nSeg + nTypes + 1] = tPl;
    for (int i = 0; i < agg.length; i++) {
      out[nSeg + nTypes + 2 + i] = (agg[i] - RICH_MEANS[i]) / RICH_STDS[i];
    }
    return out;
  }

  /** Chapter-6 simple features: {@link #simple} plus a bias 1.0. */
  public double[] ch06Simple(User u, Query q) {
    return withBias(simple(u, q));
  }

  /** Chapter-6 rich features: {@link #rich} (oracle theta) plus a bias 1.0. */
  public double[] ch06Rich(User u, Query q, EpisodeScorer scores) {
    return withBias(rich(u, q, scores));
  }

  /**
   * Chapter-6 rich-estimated features: theta blended with the segment mean
   * ({@code 0.6 theta + 0.4 mean}), shrunk by 0.9, rounded to a 0.25 grid and clipped to [-3.5, 3.5];
   * plus a bias 1.0.
   */
  public double[] ch06RichEstimated(User u, Query q, EpisodeScorer scores) {
    SimSettings.Users us = world.settings().users();
    double tp = ch06Estimate(u.thetaPrice(), us.priceMean()[u.segment()]);
    double tl = ch06Estimate(u.thetaPl(), us.plMean()[u.segment()]);
    return withBias(richWith(u, q, scores, tp, tl));
  }

  /**
   * Chapter-6 rich features with the oracle sensitivities blended with the segment mean
   * ({@code 0.6 theta + 0.4 mean}), shrunk by 0.9 and clipped to [-3.5, 3.5] (no grid); plus a bias.
   */
  public double[] ch06RichBlended(User u, Query q, EpisodeScorer scores) {
    SimSettings.Users us = world.settings().users();
    double tp = clip(0.9 * (0.6 * u.thetaPrice() + 0.4 * us.priceMean()[u.segment()]), -3.5, 3.5);
    double tl = clip(0.9 * (0.6 * u.thetaPl() + 0.4 * us.plMean()[u.segment()]), -3.5, 3.5);
    return withBias(richWith(u, q, scores, tp, tl));
  }

  static double ch06Estimate(double theta, double segmentMean) {
    double blended = 0.6 * theta + 0.4 * segmentMean;
    double shrunk = 0.9 * blended;
    return clip(Math.rint(shrunk / 0.25) * 0.25, -3.5, 3.5);
  }

  private static double[] withBias(double[] x) {
    double[] out = java.util.Arrays.copyOf(x, x.length + 1);
    out[x.length] = 1.0;
    return out;
  }

  private static double clip(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }
}
