package io.rlsearch.sim;

import io.rlsearch.core.random.NumpyRandom;

/**
 * The per-episode scoring pass: base relevance for every product, the personalisation feature, and
 * top-k rankings from boost weights, template boosts or the base score alone.
 *
 * <p>{@link #drawBase} consumes exactly the reference's draws ({@code batch_base_scores}: one
 * {@code normal(0, noise_sigma)} per product in catalog order) and computes
 * {@code w_sem * cos(query, product) + w_lex * log1p(overlap) + noise}. The cosine is rounded to
 * float32 as torch returns it. With a user, the same pass over the embedding matrix also computes
 * the personalisation dot products, so an episode reads the 10,000 x 16 matrix once.
 *
 * <p>Ranking by boost weights {@code a} is {@code argsort(-(base + F a))} over the full catalog,
 * where F holds the 10 boost features (z-scored over the catalog when {@code standardize_features}).
 * Product-only columns are z-scored once in {@link Catalog}; the three user/query-scaled columns are
 * sign-flipped copies of those (z(x * c) = sign(c) z(x)); the personalisation column's mean and
 * variance are accumulated in the same pass. F a then costs seven multiply-adds per product.
 *
 * <p>Owns scratch buffers: one instance per environment, not thread-safe.
 */
public final class EpisodeScorer {
  private final World world;
  private final Catalog cat;
  private final SimSettings.Relevance rel;
  private final boolean standardize;
  final double[] base;
  final double[] sem;
  final double[] pers;
  private double persMean;
  private double persStd = 1;
  private boolean hasPers;
  private final TopK top;
  private final TopK baselineTop;
  /**
   * Whether {@link #baselineTop} holds the default-depth baseline of the current draw: collected by the
   * ranking pass (in the same comparisons as the ranking's own) or by {@link #baseline} when it is
   * asked for first, and never twice for one draw.
   */
  private boolean baselineReady;
  private final ScoringKernel kernel;
  /** The ranking's columns x0..x6 in the kernel's order (index 3, the personalisation, unused). */
  private final double[][] zCols;
  private final double[][] rawCols;
  private final double[] coef = new double[7];

  /** Scratch for {@code world}'s catalog, ranking up to {@code maxK} positions. */
  public EpisodeScorer(World world, int maxK) {
    this(world, maxK, ScoringKernel.preferred());
  }

  EpisodeScorer(World world, int maxK, ScoringKernel kernel) {
    this.kernel = kernel;
    this.world = world;
    this.cat = world.catalog();
    this.rel = world.settings().relevance();
    this.standardize = world.settings().action().standardizeFeatures();
    this.base = new double[cat.n];
    this.sem = new double[cat.n];
    this.pers = new double[cat.n];
    this.top = new TopK(Math.min(maxK, cat.n));
    this.baselineTop = new TopK(Math.min(maxK, cat.n));
    this.zCols = kernelColumns(cat.zColumns);
    this.rawCols = kernelColumns(cat.rawColumns);
  }

  private static double[][] kernelColumns(double[][] cols) {
    return new double[][] {cols[Catalog.COL_CM2], cols[Catalog.COL_DISCOUNT], cols[Catalog.COL_PL], null,
        cols[Catalog.COL_BESTSELLER], cols[Catalog.COL_PRICE], cols[Catalog.COL_LITTER_CM2]};
  }

  /** {@code batch_base_scores(query, catalog, rng)}: fills the base scores; no personalisation. */
  public void drawBase(Query q, NumpyRandom rng) {
    pass(null, q, rng);
  }

  /** The base scores and, in the same pass, the personalisation feature for {@code user}. */
  public void drawBase(User user, Query q, NumpyRandom rng) {
    pass(user, q, rng);
  }

  /**
   * Takes {@code other}'s last draw as this scorer's, as {@link #drawBase(Query, NumpyRandom)} would
   * have made it from the same stream: the base scores and cosines (which do not depend on the user),
   * without the personalisation.
   */
  public void copyDraw(EpisodeScorer other) {
    if (other.cat != cat) {
      throw new IllegalArgumentException("a draw is copied between scorers of the same world's catalog");
    }
    System.arraycopy(other.base, 0, base, 0, cat.n);
    System.arraycopy(other.sem, 0, sem, 0, cat.n);
    hasPers = false;
    baselineReady = false;
  }

  /**
   * {@code batch_base_scores} over a subset of the catalog, in the subset's order: one noise draw per
   * listed product (this scorer's own scores are left as they are).
   */
  public double[] baseScores(Query q, int[] products, NumpyRandom rng) {
    double[] noise = new double[products.length];
    rng.fillNormal(noise, products.length, 0, rel.noiseSigma());
    double[] lex = world.lexicalByCategory(q);
    float[] phi = q.embRef();
    double qn = 0;
    for (float v : phi) {
      qn += (double) v * v;
    }
    double qNorm = Math.max(Math.sqrt(qn), 1e-8);
    double[] out = new double[products.length];
    for (int k = 0; k < products.length; k++) {
      int i = products[k];
      double cos = (float) (ScalarScoring.dot(phi, cat.emb, i * Catalog.DIM) / (qNorm * cat.embNormFloor[i]));
      out[k] = (rel.wSem() * cos + rel.wLex() * lex[cat.category[i]]) + noise[k];
    }
    return out;
  }

  private void pass(User user, Query q, NumpyRandom rng) {
    final int n = cat.n;
    rng.fillNormal(base, n, 0, rel.noiseSigma());
    final double[] lex = world.lexicalByCategory(q);
    for (int k = 0; k < lex.length; k++) {
      lex[k] = rel.wLex() * lex[k];
    }
    final float[] phi = q.embRef();
    double qn = 0;
    for (float v : phi) {
      qn += (double) v * v;
    }
    final double qNorm = Math.max(Math.sqrt(qn), 1e-8);
    final float[] theta = user == null ? null : user.embRef();
    baselineReady = false;
    kernel.relevance(cat, phi, qNorm, rel.wSem(), lex, theta, base, sem, pers);
    if (user == null) {
      hasPers = false;
      return;
    }
    // The personalisation column is z-scored over the catalog. Its mean is known from the embedding
    // moments (theta . mean(emb)); accumulating deviations from it gives the exact mean and variance
    // of the float32 values, without the cancellation of a raw sum of squares. The sums run in catalog
    // order (a serial chain: its order fixes the bits of the result).
    double m0 = 0;
    for (int d = 0; d < Catalog.DIM; d++) {
      m0 += theta[d] * cat.embMean[d];
    }
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < n; i++) {
      double dev = pers[i] - m0;
      s1 += dev;
      s2 += dev * dev;
    }
    double shift = s1 / n;
    double var = s2 / n - shift * shift;
    double s = Math.sqrt(Math.max(var, 0));
    persMean = m0 + shift;
    persStd = s > 0 ? s : 1;
    hasPers = true;
  }

  /**
   * The cosines (query, product) of the last draw by product id, as {@link Behavior#simulate} takes them.
   * A view of this scorer's scratch buffer: read it before the next draw, never write it.
   */
  public double[] cosines() {
    return sem;
  }

  /** The base score of product {@code i} from the last draw. */
  public double base(int i) {
    return base[i];
  }

  /** The cosine (query, product {@code i}) from the last draw, as float32. */
  public double semantic(int i) {
    return sem[i];
  }

  /**
   * The top {@code k} by base score alone (the action-0 "baseline" ranking). The default depth is
   * kept for the draw: after {@link #rankByWeights}, which collects it in its own pass, asking costs a
   * copy; asked first (the rich context features need it before the action), it takes a pass that
   * the ranking then does not repeat.
   */
  public int[] baseline(int k) {
    if (k == baselineTop.capacity()) {
      if (!baselineReady) {
        baselineTop.clear();
        kernel.rankByBase(base, baselineTop, cat.n);
        baselineReady = true;
      }
      return copy(baselineTop);
    }
    TopK t = new TopK(Math.min(k, cat.n));
    kernel.rankByBase(base, t, cat.n);
    return copy(t);
  }

  private static int[] copy(TopK t) {
    int[] out = new int[t.size()];
    t.copyTo(out);
    return out;
  }

  /**
   * The top {@code k} of {@code argsort(-(base + F a))} for boost weights {@code a} (already clipped).
   * Needs {@link #drawBase(User, Query, NumpyRandom)} for the same user.
   */
  public int[] rankByWeights(User user, Query q, double[] a, int k) {
    if (!hasPers) {
      throw new IllegalStateException("rankByWeights needs the personalisation pass: drawBase(user, query, rng)");
    }
    double spec = world.settings().queries().specificity()[q.queryType()];
    double cCm2 = a[0];
    double cDisc;
    double cPl;
    double cBest;
    double pm;
    double ps;
    if (standardize) {
      cDisc = a[1] + a[7] * Math.signum(user.thetaPrice());
      cPl = a[2] + a[8] * Math.signum(user.thetaPl());
      cBest = a[4] + a[9] * Math.signum(spec);
      pm = persMean;
      ps = persStd;
    } else {
      cDisc = a[1] + a[7] * user.thetaPrice();
      cPl = a[2] + a[8] * user.thetaPl();
      cBest = a[4] + a[9] * spec;
      pm = 0;
      ps = 1;
    }
    double[] c = coef;
    c[0] = cCm2;
    c[1] = cDisc;
    c[2] = cPl;
    c[3] = a[3] / ps;
    c[4] = cBest;
    c[5] = a[5];
    c[6] = a[6];
    TopK t = topFor(k);
    // the base-score baseline of the same draw (the rank-change measure), in the same comparisons,
    // unless it was already asked for
    TopK bt = null;
    if (!baselineReady) {
      bt = baselineTop;
      bt.clear();
    }
    kernel.rankByWeights(base, pers, pm, standardize ? zCols : rawCols, c, t, bt, cat.n);
    baselineReady = true;
    return copy(t);
  }

  /** The top {@code k} of {@code argsort(-(base + boosts))} for per-product boosts (templates). */
  public int[] rankByBoosts(float[] boosts, int k) {
    TopK t = topFor(k);
    kernel.rankByBoosts(base, boosts, t, cat.n);
    return copy(t);
  }

  private TopK topFor(int k) {
    TopK t = k == top.capacity() ? top : new TopK(Math.min(k, cat.n));
    t.clear();
    return t;
  }

  /**
   * The 10 boost features of product {@code i} for this user and query, as the reference's
   * {@code compute_features} followed (when configured) by the catalog-wide z-score.
   */
  public void featureRow(User user, Query q, int i, double[] out) {
    double spec = world.settings().queries().specificity()[q.queryType()];
    if (!standardize) {
      rawRow(user, spec, i, pers[i], out);
      return;
    }
    double[][] z = cat.zColumns;
    out[0] = z[Catalog.COL_CM2][i];
    out[1] = z[Catalog.COL_DISCOUNT][i];
    out[2] = z[Catalog.COL_PL][i];
    out[3] = (pers[i] - persMean) / persStd;
    out[4] = z[Catalog.COL_BESTSELLER][i];
    out[5] = z[Catalog.COL_PRICE][i];
    out[6] = z[Catalog.COL_LITTER_CM2][i];
    out[7] = Math.signum(user.thetaPrice()) * z[Catalog.COL_DISCOUNT][i];
    out[8] = Math.signum(user.thetaPl()) * z[Catalog.COL_PL][i];
    out[9] = Math.signum(spec) * z[Catalog.COL_BESTSELLER][i];
  }

  /**
   * The info's feature rows (top_k x 10, row-major): the rows of the ranked products, or, while the
   * {@code features_in_catalog_order} quirk is on, the first top_k catalog rows as the reference reports.
   */
  public double[] infoFeatures(User user, Query q, int[] ranking) {
    SimSettings s = world.settings();
    int k = Math.min(s.topK(), cat.n);
    double[] out = new double[k * 10];
    double[] row = new double[10];
    for (int r = 0; r < k; r++) {
      int product = s.quirks().featuresInCatalogOrder() ? r : ranking[Math.min(r, ranking.length - 1)];
      featureRow(user, q, product, row);
      System.arraycopy(row, 0, out, r * 10, 10);
    }
    return out;
  }

  /** The raw (never standardised) 10 features of product {@code i}; personalisation needs the user pass. */
  public void rawFeatureRow(User user, Query q, int i, double[] out) {
    double dot = 0;
    float[] theta = user.embRef();
    for (int d = 0; d < Catalog.DIM; d++) {
      dot += theta[d] * cat.emb[i * Catalog.DIM + d];
    }
    rawRow(user, world.settings().queries().specificity()[q.queryType()], i, (float) dot, out);
  }

  /** compute_features for product {@code i} given its personalisation value. */
  private void rawRow(User user, double spec, int i, double personalisation, double[] out) {
    double pl = cat.isPl[i] ? 1.0 : 0.0;
    out[0] = cat.cm2[i];
    out[1] = cat.discount[i];
    out[2] = pl;
    out[3] = personalisation;
    out[4] = cat.bestseller[i];
    out[5] = cat.price[i];
    out[6] = cat.litterCm2[i];
    out[7] = cat.discount[i] * user.thetaPrice();
    out[8] = pl * user.thetaPl();
    out[9] = spec * cat.bestseller[i];
  }
}
