package io.rlsearch.sim;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the zoosim world (docs/world.md), read once from HOCON and validated.
 *
 * <p>Build it with {@link ZoosimConfig#load}, which layers a user file over {@code config/zoosim.conf}
 * and refuses unknown keys; {@link #fromConfig} reads every key eagerly, so a bad value fails at
 * start-up with a {@link SettingsException} that names it. Per-category and per-segment tables are
 * stored as arrays in the order of {@code catalog.categories} and {@code users.segments}.
 *
 * @param seed root seed of the world
 * @param topK positions a user can see
 */
public record SimSettings(
    long seed,
    int topK,
    Catalog catalog,
    Users users,
    Queries queries,
    Relevance relevance,
    Behavior behavior,
    Reward reward,
    Retention retention,
    Action action,
    Templates templates,
    Quirks quirks,
    Drift drift) {

  /** Settings without a scheduled shift. */
  public SimSettings(long seed, int topK, Catalog catalog, Users users, Queries queries, Relevance relevance,
      Behavior behavior, Reward reward, Retention retention, Action action, Templates templates, Quirks quirks) {
    this(seed, topK, catalog, users, queries, relevance, behavior, reward, retention, action, templates, quirks,
        Drift.NONE);
  }

  public SimSettings {
    if (seed < 0) {
      throw new SettingsException("seed", "must be >= 0 (numpy seeds are non-negative), got " + seed);
    }
    if (topK < 1) {
      throw new SettingsException("top_k", "must be >= 1, got " + topK);
    }
    if (drift.categoryDemand().length > 0 && drift.categoryDemand().length != catalog.categories().size()) {
      throw new SettingsException("drift.category_demand", "needs one factor per catalog category ("
          + catalog.categories().size() + "), got " + drift.categoryDemand().length);
    }
    if (drift.categoryDemand().length > 0) {
      for (int seg = 0; seg < users.segments().size(); seg++) {
        double max = 0;
        for (int c = 0; c < drift.categoryDemand().length; c++) {
          max = Math.max(max, users.catConc()[seg][c] * drift.categoryDemand()[c]);
        }
        if (max < 0.1) {
          throw new SettingsException("drift.category_demand", "leaves every category weight of segment "
              + users.segments().get(seg) + " below 0.1 (numpy draws all-small Dirichlets by another algorithm, not"
              + " ported)");
        }
      }
    }
    for (String seg : drift.swapSegments()) {
      if (!users.segments().contains(seg)) {
        throw new SettingsException("drift.swap_segments", "'" + seg + "' is not a segment; segments: "
            + users.segments());
      }
    }
    if (drift.active() && drift.segmentMix().length > 0) {
      checkMix("drift.segment_mix", drift.segmentMix(), users.segments().size());
    }
    if (users.catConc()[0].length != catalog.categories().size()) {
      throw new SettingsException("users.segment_params.*.cat_conc",
          "needs one weight per catalog category (" + catalog.categories().size() + ")");
    }
  }

  /** These settings with another world seed. */
  public SimSettings withSeed(long newSeed) {
    return new SimSettings(newSeed, topK, catalog, users, queries, relevance, behavior, reward, retention, action,
        templates, quirks, drift);
  }

  /** These settings with another amplitude for the "Popular" template. */
  public SimSettings withPopularAmplitude(double amplitude) {
    return new SimSettings(seed, topK, catalog, users, queries, relevance, behavior, reward, retention, action,
        new Templates(amplitude), quirks, drift);
  }

  /** Catalog generation; arrays are per category, in {@code categories} order. */
  public record Catalog(
      int nProducts,
      List<String> categories,
      double[] categoryMix,
      int embeddingDim,
      double[] priceMu,
      double[] priceSigma,
      double[] marginSlope,
      double marginNoise,
      double[] plProb,
      double discountPZero,
      double discountLow,
      double discountHigh,
      double[] bestsellerMean,
      double[] bestsellerStd,
      double[] embClusterStd,
      List<String> strategicCategories) {
    public Catalog {
      categories = List.copyOf(categories);
      strategicCategories = List.copyOf(strategicCategories);
      if (nProducts < 1) {
        throw new SettingsException("catalog.n_products", "must be >= 1, got " + nProducts);
      }
      if (embeddingDim != 16) {
        throw new SettingsException("catalog.embedding_dim",
            "must be 16: embeddings are drawn as torch.randn(16) by the reference, got " + embeddingDim);
      }
      checkMix("catalog.category_mix", categoryMix, categories.size());
      for (int c = 0; c < categories.size(); c++) {
        checkPositive("catalog.price_params." + categories.get(c) + "[1]", priceSigma[c]);
        checkProbability("catalog.pl_prob." + categories.get(c), plProb[c]);
        checkNonNegative("catalog.bestseller_std." + categories.get(c), bestsellerStd[c]);
        checkNonNegative("catalog.emb_cluster_std." + categories.get(c), embClusterStd[c]);
      }
      checkNonNegative("catalog.margin_noise", marginNoise);
      checkProbability("catalog.discount_params.p_zero", discountPZero);
      if (!(discountLow >= 0 && discountLow <= discountHigh && discountHigh <= 1)) {
        throw new SettingsException("catalog.discount_params",
            "needs 0 <= low <= high <= 1, got low " + discountLow + ", high " + discountHigh);
      }
      for (String s : strategicCategories) {
        if (!categories.contains(s)) {
          throw new SettingsException("catalog.strategic_categories",
              "unknown category '" + s + "'; accepted: " + categories);
        }
      }
      categoryMix = categoryMix.clone();
      priceMu = priceMu.clone();
      priceSigma = priceSigma.clone();
      marginSlope = marginSlope.clone();
      plProb = plProb.clone();
      bestsellerMean = bestsellerMean.clone();
      bestsellerStd = bestsellerStd.clone();
      embClusterStd = embClusterStd.clone();
    }

    /** Index of a category name, or -1. */
    public int categoryIndex(String name) {
      return categories.indexOf(name);
    }
  }

  /** User segments; arrays are per segment, in {@code segments} order. */
  public record Users(
      List<String> segments,
      double[] segmentMix,
      double[] priceMean,
      double[] priceStd,
      double[] plMean,
      double[] plStd,
      double[][] catConc) {
    public Users {
      segments = List.copyOf(segments);
      checkMix("users.segment_mix", segmentMix, segments.size());
      for (int s = 0; s < segments.size(); s++) {
        String key = "users.segment_params." + segments.get(s);
        checkNonNegative(key + ".price_std", priceStd[s]);
        checkNonNegative(key + ".pl_std", plStd[s]);
        double max = 0;
        for (double a : catConc[s]) {
          if (!(a > 0)) {
            throw new SettingsException(key + ".cat_conc", "every weight must be > 0, got " + a);
          }
          max = Math.max(max, a);
        }
        if (max < 0.1) {
          throw new SettingsException(key + ".cat_conc",
              "at least one weight must be >= 0.1 (numpy draws all-small Dirichlets by another"
                  + " algorithm, which is not ported)");
        }
        if (catConc[s].length != catConc[0].length) {
          throw new SettingsException(key + ".cat_conc", "all segments need the same length");
        }
      }
      segmentMix = segmentMix.clone();
      priceMean = priceMean.clone();
      priceStd = priceStd.clone();
      plMean = plMean.clone();
      plStd = plStd.clone();
      double[][] copy = new double[catConc.length][];
      for (int i = 0; i < catConc.length; i++) {
        copy[i] = catConc[i].clone();
      }
      catConc = copy;
    }
  }

  /** Queries; {@code specificity} is per query type, 0.5 where the file does not list it. */
  public record Queries(List<String> queryTypes, double[] queryTypeMix, int tokenVocabSize, double[] specificity) {
    public Queries {
      queryTypes = List.copyOf(queryTypes);
      checkMix("queries.query_type_mix", queryTypeMix, queryTypes.size());
      if (tokenVocabSize < 1) {
        throw new SettingsException("queries.token_vocab_size", "must be >= 1, got " + tokenVocabSize);
      }
      queryTypeMix = queryTypeMix.clone();
      specificity = specificity.clone();
    }
  }

  /** Hybrid base relevance. */
  public record Relevance(double wSem, double wLex, double noiseSigma) {
    public Relevance {
      checkNonNegative("relevance.noise_sigma", noiseSigma);
    }
  }

  /** The utility-based cascade; {@code posBias} is per query type, in query-type order. */
  public record Behavior(
      double alphaRel,
      double alphaPrice,
      double alphaPl,
      double alphaCat,
      double sigmaU,
      double betaBuy,
      double beta0,
      double wPricePenalty,
      double examSensitivity,
      double satisfactionDecay,
      double satisfactionGain,
      double abandonmentThreshold,
      int maxPurchases,
      double postPurchaseFatigue,
      double[][] posBias) {
    public Behavior {
      checkNonNegative("behavior.sigma_u", sigmaU);
      double[][] copy = new double[posBias.length][];
      for (int i = 0; i < posBias.length; i++) {
        if (posBias[i].length == 0) {
          throw new SettingsException("behavior.pos_bias", "every query type needs at least one logit");
        }
        copy[i] = posBias[i].clone();
      }
      posBias = copy;
    }
  }

  /** The scalar reward's weights. */
  public record Reward(double alphaGmv, double betaCm2, double gammaStrat, double deltaClicks) {
    public Reward {
      double ratio = alphaGmv == 0 ? Double.POSITIVE_INFINITY : deltaClicks / alphaGmv;
      if (!(ratio >= 0.01 && ratio <= 0.10)) {
        throw new SettingsException("reward.delta_clicks",
            "delta_clicks / alpha_gmv must lie in [0.01, 0.10] (the book's engagement bound), got "
                + ratio);
      }
    }
  }

  /** Return across sessions. */
  public record Retention(double baseRate, double clickWeight, double satisfactionWeight) {
    public Retention {
      if (!(baseRate > 0 && baseRate < 1)) {
        throw new SettingsException("retention.base_rate", "must lie in (0, 1), got " + baseRate);
      }
    }
  }

  /** The action space; reserved keys are kept for the constrained agents. */
  public record Action(
      int featureDim,
      double aMax,
      double lambdaRank,
      boolean standardizeFeatures,
      double cm2Floor,
      Map<String, Double> exposureFloors,
      double loggingEpsilon,
      Map<String, double[]> templates) {
    public Action {
      if (featureDim != 10) {
        throw new SettingsException("action.feature_dim",
            "must be 10: the world has exactly 10 boost features, got " + featureDim);
      }
      if (!(aMax > 0)) {
        throw new SettingsException("action.a_max", "must be > 0, got " + aMax);
      }
      checkProbability("action.logging_epsilon", loggingEpsilon);
      exposureFloors = Map.copyOf(exposureFloors);
      templates = Map.copyOf(templates);
    }

    /** Whether a CM2 floor is configured ({@code cm2_floor} not null). */
    public boolean hasCm2Floor() {
      return !Double.isNaN(cm2Floor);
    }
  }

  /** The 8 standard templates. */
  public record Templates(double popularAmplitude) {
    public Templates {
      checkNonNegative("templates.popular_amplitude", popularAmplitude);
    }
  }

  /** Reference behaviour that looks unintended, reproduced while a switch is on. */
  public record Quirks(boolean featuresInCatalogOrder, boolean slateContextOnehotsZero) {}

  /**
   * A scheduled shift of the world (Chapter 15): from user {@code at} on, users arrive with another
   * segment mix ({@code segmentMix}, empty: unchanged), every segment's price sensitivity mean
   * multiplied by {@code priceScale}, and the behaviour of the two segments named in
   * {@code swapSegments} exchanged (their price, private-label and category parameters; the labels,
   * and so the share of users under each label, stay: a shift that a context carrying the segment
   * label cannot see). The catalog does not change.
   *
   * @param at the first user of the shifted world (-1: no shift)
   * @param segmentMix the new mix (empty: unchanged)
   * @param priceScale the factor on every segment's price-sensitivity mean
   * @param swapSegments empty, or two segment names whose behaviour is exchanged
   * @param categoryDemand empty, or one factor per catalog category on every segment's category
   *     preference weights (the Dirichlet concentrations): demand shifts toward the categories with
   *     the larger factors, and with it the queries' categories
   */
  public record Drift(long at, double[] segmentMix, double priceScale, List<String> swapSegments,
      double[] categoryDemand) {
    /** No shift. */
    public static final Drift NONE = new Drift(-1, new double[0], 1.0, List.of(), new double[0]);

    /** A shift of mix and price sensitivity only. */
    public Drift(long at, double[] segmentMix, double priceScale) {
      this(at, segmentMix, priceScale, List.of(), new double[0]);
    }

    public Drift {
      segmentMix = segmentMix.clone();
      categoryDemand = categoryDemand.clone();
      for (double f : categoryDemand) {
        if (!(f > 0) || Double.isInfinite(f)) {
          throw new SettingsException("drift.category_demand", "every factor must be > 0, got " + f);
        }
      }
      swapSegments = List.copyOf(swapSegments);
      if (!swapSegments.isEmpty() && (swapSegments.size() != 2 || swapSegments.get(0).equals(swapSegments.get(1)))) {
        throw new SettingsException("drift.swap_segments", "must be empty or two different segment names, got "
            + swapSegments);
      }
      if (at < -1) {
        throw new SettingsException("drift.at", "must be >= 0 (the first shifted user), or -1 for none; got " + at);
      }
      if (!(priceScale > 0) || Double.isInfinite(priceScale)) {
        throw new SettingsException("drift.price_scale", "must be > 0, got " + priceScale);
      }
    }

    /** Whether a shift is scheduled. */
    public boolean active() {
      return at >= 0;
    }

    @Override
    public double[] categoryDemand() {
      return categoryDemand.clone();
    }

    @Override
    public double[] segmentMix() {
      return segmentMix.clone();
    }
  }

  /** The settings users arrive with after the scheduled shift (the same if none is scheduled). */
  public SimSettings shifted() {
    if (!drift.active()) {
      return this;
    }
    double[] mix = drift.segmentMix().length > 0 ? drift.segmentMix() : users.segmentMix();
    double[] pm = users.priceMean().clone();
    // The record's accessors hand out its own arrays: copy before swapping.
    double[] ps = users.priceStd().clone();
    double[] lm = users.plMean().clone();
    double[] ls = users.plStd().clone();
    double[][] cc = users.catConc().clone();
    if (!drift.swapSegments().isEmpty()) {
      int a = users.segments().indexOf(drift.swapSegments().get(0));
      int b = users.segments().indexOf(drift.swapSegments().get(1));
      swap(pm, a, b);
      swap(ps, a, b);
      swap(lm, a, b);
      swap(ls, a, b);
      double[] t = cc[a];
      cc[a] = cc[b];
      cc[b] = t;
    }
    for (int i = 0; i < pm.length; i++) {
      pm[i] *= drift.priceScale();
    }
    double[] demand = drift.categoryDemand();
    if (demand.length > 0) {
      for (int i = 0; i < cc.length; i++) {
        cc[i] = cc[i].clone();
        for (int c = 0; c < demand.length; c++) {
          cc[i][c] *= demand[c];
        }
      }
    }
    Users u = new Users(users.segments(), mix, pm, ps, lm, ls, cc);
    return new SimSettings(seed, topK, catalog, u, queries, relevance, behavior, reward, retention, action, templates,
        quirks, Drift.NONE);
  }

  private static void swap(double[] v, int a, int b) {
    double t = v[a];
    v[a] = v[b];
    v[b] = t;
  }

  /** The settings in {@code config} (a resolved tree with every key present). */
  public static SimSettings fromConfig(Config config) {
    return ZoosimConfig.read(config);
  }

  /** The defaults of {@code config/zoosim.conf}. */
  public static SimSettings defaults() {
    return ZoosimConfig.load(java.util.Optional.empty());
  }

  static void checkMix(String key, double[] mix, int n) {
    if (mix.length != n) {
      throw new SettingsException(key, "needs " + n + " entries, got " + mix.length);
    }
    double sum = 0;
    for (double p : mix) {
      if (!(p >= 0)) {
        throw new SettingsException(key, "entries must be >= 0, got " + p);
      }
      sum += p;
    }
    if (Math.abs(sum - 1.0) > 1e-6) {
      throw new SettingsException(key, "must sum to 1 (within 1e-6), got " + sum + " for " + Arrays.toString(mix));
    }
  }

  static void checkProbability(String key, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new SettingsException(key, "must lie in [0, 1], got " + p);
    }
  }

  static void checkPositive(String key, double v) {
    if (!(v > 0)) {
      throw new SettingsException(key, "must be > 0, got " + v);
    }
  }

  static void checkNonNegative(String key, double v) {
    if (!(v >= 0)) {
      throw new SettingsException(key, "must be >= 0, got " + v);
    }
  }
}
