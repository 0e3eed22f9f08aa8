package io.rlsearch.sim;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.TorchRandom;

/**
 * The product catalog as columns: one primitive array per attribute, indexed by product id.
 *
 * <p>{@link #generate} draws it exactly as the reference's {@code generate_catalog}: four category
 * centres from torch generators seeded by {@code rng.integers(0, 2**31 - 1)}, then per product a
 * category, lognormal price, CM2, private-label flag, discount, bestseller score and an embedding
 * {@code centre + std * randn(16)} in float32. Besides the raw columns it holds what every episode
 * would otherwise recompute: log1p(price), embedding norms, the z-scored product-only features and
 * the embedding mean (which gives the mean of the personalisation feature for any user in O(d)).
 *
 * <p>Immutable after construction and safe to share between threads; the arrays are never handed out.
 */
public final class Catalog {
  /** Embedding dimension (the reference draws {@code torch.randn(16)}). */
  public static final int DIM = 16;
  /**
   * Products per tile of {@link #embTiles}: one 512-bit lane group of doubles; a 256-bit kernel reads
   * each tile as two halves of four products.
   */
  static final int TILE = 8;

  final int n;
  final int[] category;
  final double[] price;
  final double[] cm2;
  final boolean[] isPl;
  final double[] discount;
  final double[] bestseller;
  final boolean[] strategic;
  final float[] emb; // n * DIM, row-major
  final float[][] centers;
  final long[] centerSeeds;
  final long[] embeddingSeeds;

  // derived
  final double[] log1pPrice;
  final double[] embNorm;
  /** max(embNorm, 1e-8): the cosine's denominator floor, as the reference clamps it. */
  final double[] embNormFloor;
  /**
   * The embeddings again, in tiles of {@link #TILE} products laid out dimension-major
   * ({@code [tile][d][lane]}), so a SIMD lane per product reads one aligned run per dimension; the last
   * partial tile is zero-padded. The row-major {@link #emb} stays the reference layout.
   */
  final float[] embTiles;
  final double[] litterCm2;
  final double[] embMean = new double[DIM];
  /** Raw product-only feature columns 0,1,2,4,5,6 and their population mean and std (std 0 -> 1). */
  final double[][] rawColumns;
  final double[] columnMean;
  final double[] columnStd;
  /** z-scored product-only columns, in the order of {@link #rawColumns}. */
  final double[][] zColumns;

  /** Indices into {@link #rawColumns}: the product-only boost features. */
  static final int COL_CM2 = 0;
  static final int COL_DISCOUNT = 1;
  static final int COL_PL = 2;
  static final int COL_BESTSELLER = 3;
  static final int COL_PRICE = 4;
  static final int COL_LITTER_CM2 = 5;

  private Catalog(int n, int nCategories) {
    this.n = n;
    category = new int[n];
    price = new double[n];
    cm2 = new double[n];
    isPl = new boolean[n];
    discount = new double[n];
    bestseller = new double[n];
    strategic = new boolean[n];
    emb = new float[n * DIM];
    centers = new float[nCategories][];
    centerSeeds = new long[nCategories];
    embeddingSeeds = new long[n];
    log1pPrice = new double[n];
    embNorm = new double[n];
    embNormFloor = new double[n];
    // TILE spare floats at the end: the 256-bit kernel loads eight floats to use four (see VectorScoring.F)
    embTiles = new float[(n + TILE - 1) / TILE * TILE * DIM + TILE];
    litterCm2 = new double[n];
    rawColumns = new double[6][];
    columnMean = new double[6];
    columnStd = new double[6];
    zColumns = new double[6][];
  }

  /** Draws a catalog from {@code rng} in the reference's order (consumes the stream as numpy does). */
  public static Catalog generate(SimSettings.Catalog cfg, NumpyRandom rng) {
    int nCat = cfg.categories().size();
    Catalog c = new Catalog(cfg.nProducts(), nCat);
    for (int k = 0; k < nCat; k++) {
      c.centerSeeds[k] = rng.integers(0, (1L << 31) - 1);
      c.centers[k] = TorchRandom.randn16(c.centerSeeds[k]);
    }
    io.rlsearch.core.random.Choice categoryChoice = io.rlsearch.core.random.Choice.of(cfg.categoryMix());
    boolean[] strategicCategory = new boolean[nCat];
    int litter = cfg.categoryIndex("litter");
    for (int k = 0; k < nCat; k++) {
      strategicCategory[k] = cfg.strategicCategories().contains(cfg.categories().get(k));
    }
    for (int i = 0; i < c.n; i++) {
      int k = rng.choice(categoryChoice);
      c.category[i] = k;
      double p = rng.lognormal(cfg.priceMu()[k], cfg.priceSigma()[k]);
      c.price[i] = p;
      c.cm2[i] = cfg.marginSlope()[k] * p + rng.normal(0, cfg.marginNoise());
      c.isPl[i] = rng.random() < cfg.plProb()[k];
      c.discount[i] = rng.random() < cfg.discountPZero() ? 0.0 : rng.uniform(cfg.discountLow(), cfg.discountHigh());
      c.bestseller[i] = Math.max(0.0, rng.normal(cfg.bestsellerMean()[k], cfg.bestsellerStd()[k]));
      long seed = rng.integers(0, (1L << 31) - 1);
      c.embeddingSeeds[i] = seed;
      float[] noise = TorchRandom.randn16(seed);
      float std = (float) cfg.embClusterStd()[k];
      float[] center = c.centers[k];
      for (int d = 0; d < DIM; d++) {
        c.emb[i * DIM + d] = center[d] + std * noise[d];
      }
      c.strategic[i] = strategicCategory[k];
      // feature 6 is hard-coded to the category named "litter" in the reference, not the strategic flag
      c.litterCm2[i] = k == litter ? c.cm2[i] : 0.0;
    }
    c.derive();
    return c;
  }

  private void derive() {
    for (int i = 0; i < n; i++) {
      log1pPrice[i] = Math.log1p(price[i]);
      double s = 0;
      for (int d = 0; d < DIM; d++) {
        double v = emb[i * DIM + d];
        s += v * v;
        embMean[d] += v;
      }
      embNorm[i] = Math.sqrt(s);
      embNormFloor[i] = Math.max(embNorm[i], 1e-8);
      for (int d = 0; d < DIM; d++) {
        embTiles[(i / TILE) * TILE * DIM + d * TILE + i % TILE] = emb[i * DIM + d];
      }
    }
    for (int d = 0; d < DIM; d++) {
      embMean[d] /= n;
    }
    double[] pl = new double[n];
    for (int i = 0; i < n; i++) {
      pl[i] = isPl[i] ? 1.0 : 0.0;
    }
    rawColumns[COL_CM2] = cm2;
    rawColumns[COL_DISCOUNT] = discount;
    rawColumns[COL_PL] = pl;
    rawColumns[COL_BESTSELLER] = bestseller;
    rawColumns[COL_PRICE] = price;
    rawColumns[COL_LITTER_CM2] = litterCm2;
    for (int col = 0; col < rawColumns.length; col++) {
      double[] x = rawColumns[col];
      double mean = Stats.mean(x);
      double std = Stats.populationStd(x, mean);
      if (std == 0) {
        std = 1;
      }
      columnMean[col] = mean;
      columnStd[col] = std;
      double[] z = new double[n];
      for (int i = 0; i < n; i++) {
        z[i] = (x[i] - mean) / std;
      }
      zColumns[col] = z;
    }
  }

  /** Number of products. */
  public int size() {
    return n;
  }

  /** Category index of product {@code i} (into {@code catalog.categories}). */
  public int category(int i) {
    return category[i];
  }

  /** Price of product {@code i}. */
  public double price(int i) {
    return price[i];
  }

  /** CM2 (contribution margin) of product {@code i}. */
  public double cm2(int i) {
    return cm2[i];
  }

  /** Whether product {@code i} is private label. */
  public boolean isPl(int i) {
    return isPl[i];
  }

  /** Discount of product {@code i}, in [0, 1]. */
  public double discount(int i) {
    return discount[i];
  }

  /** Bestseller score of product {@code i}. */
  public double bestseller(int i) {
    return bestseller[i];
  }

  /** Whether product {@code i} belongs to a strategic category. */
  public boolean strategic(int i) {
    return strategic[i];
  }

  /** A copy of product {@code i}'s embedding. */
  public float[] embedding(int i) {
    float[] out = new float[DIM];
    System.arraycopy(emb, i * DIM, out, 0, DIM);
    return out;
  }

  /** The torch seed of category {@code k}'s centre (a golden value of the reference). */
  public long centerSeed(int k) {
    return centerSeeds[k];
  }

  /** The torch seed of product {@code i}'s embedding noise. */
  public long embeddingSeed(int i) {
    return embeddingSeeds[i];
  }

  /** A copy of category {@code k}'s embedding centre. */
  public float[] center(int k) {
    return centers[k].clone();
  }
}
