package io.rlsearch.experiments;

import io.rlsearch.agents.bandit.BanditDiagnostics;
import io.rlsearch.agents.bandit.ContextualBandit;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The Chapter-6 template-bandit protocol (the reference's
 * {@code scripts/ch06/template_bandits_demo.py::run_template_bandits_experiment}).
 *
 * <ol>
 *   <li>World: the catalog drawn from {@code default_rng(world_seed)}.
 *   <li>Static sweep, {@code default_rng(bandit_seed)}: per episode one user, query and base-score
 *       vector, then a session for each of the 8 templates in order on the same draws.
 *   <li>LinUCB ({@code bandit_seed + 1}; lambda 1, adaptive width) and Thompson sampling
 *       ({@code bandit_seed + 2} for the world and, separately, for the sampler; lambda 1), each
 *       warm-started with {@code prior_weight} pseudo-observations of every template's static mean
 *       reward on the bias coordinate, then {@code n_bandit} episodes.
 *   <li>The best static template (by mean reward) re-run for {@code n_bandit} episodes on
 *       {@code bandit_seed + 3}, for per-segment figures comparable with the bandits'.
 * </ol>
 *
 * <p>The three runs after the sweep are independent (own streams, own scratch) and run on the
 * executor given to {@link #run}; the result does not depend on it.
 */
public final class TemplateBandits {
  /** Which context vector the bandits see. */
  public enum FeatureMode {
    /** Segment and query-type one-hots (+ bias): 8 values. */
    SIMPLE("simple"),
    /** Plus the user's true price and private-label sensitivities and top-20 aggregates (+ bias): 18. */
    RICH("rich"),
    /** As rich, with estimated sensitivities (+ bias): 18. */
    RICH_EST("rich_est");

    private final String cliName;

    FeatureMode(String cliName) {
      this.cliName = cliName;
    }

    /** The name on the command line and in outputs. */
    public String cliName() {
      return cliName;
    }

    /** Parses {@code simple|rich|rich_est}. */
    public static FeatureMode parse(String s) {
      for (FeatureMode m : values()) {
        if (m.cliName.equals(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException("features must be one of simple, rich, rich_est; got '" + s + "'");
    }
  }

  /**
   * Which estimator of the user's sensitivities the rich_est features use.
   * The bias coordinate is appended in both cases.
   */
  public enum Estimator {
    /** The Chapter-6 script's: 0.6/0.4 blend with the segment mean, 0.9 shrink, 0.25 grid, clip 3.5. */
    CH06,
    /** The zoosim package's: 0.7 shrink, 0.5 grid, clip 3. */
    ZOOSIM
  }

  /**
   * How the rich (oracle) features' sensitivities are regularised before the bandits see them (the
   * Chapter-6 bandit matrix's scenarios): not at all; blended with the segment mean
   * ({@code 0.6 theta + 0.4 mean}), shrunk by 0.9 and clipped to [-3.5, 3.5]; or blended, shrunk and
   * rounded to a 0.25 grid as well (which is the rich_est features' Chapter-6 estimate).
   */
  public enum RichRegularization {
    NONE("none"), BLEND("blend"), QUANTIZED("quantized");

    private final String cliName;

    RichRegularization(String cliName) {
      this.cliName = cliName;
    }

    /** The name on the command line. */
    public String cliName() {
      return cliName;
    }

    /** Parses {@code none|blend|quantized}. */
    public static RichRegularization parse(String s) {
      for (RichRegularization r : values()) {
        if (r.cliName.equals(s)) {
          return r;
        }
      }
      throw new IllegalArgumentException("rich regularization must be none, blend or quantized; got '" + s + "'");
    }
  }

  /**
   * Protocol settings.
   *
   * @param features context features
   * @param estimator sensitivity estimator for rich_est
   * @param nStatic static-sweep episodes
   * @param nBandit episodes of each bandit run (and of the best-static re-run)
   * @param worldSeed seed of the catalog
   * @param banditSeed base seed of the sweep and runs
   * @param priorWeight pseudo-observations per template in the warm start (0 = none)
   * @param linAlpha LinUCB width
   * @param tsSigma Thompson sampling noise scale
   * @param richRegularization how rich features' sensitivities are regularised (rich features only)
   */
  public record Settings(FeatureMode features, Estimator estimator, int nStatic, int nBandit, long worldSeed,
      long banditSeed, int priorWeight, double linAlpha, double tsSigma, RichRegularization richRegularization) {
    /** Settings without rich regularisation. */
    public Settings(FeatureMode features, Estimator estimator, int nStatic, int nBandit, long worldSeed,
        long banditSeed, int priorWeight, double linAlpha, double tsSigma) {
      this(features, estimator, nStatic, nBandit, worldSeed, banditSeed, priorWeight, linAlpha, tsSigma,
          RichRegularization.NONE);
    }

    public Settings {
      java.util.Objects.requireNonNull(richRegularization, "richRegularization");
      if (richRegularization != RichRegularization.NONE && features != FeatureMode.RICH) {
        throw new IllegalArgumentException("rich regularization applies to rich features only, got "
            + features.cliName());
      }
      if (nStatic < 1) {
        throw new IllegalArgumentException("n_static must be >= 1, got " + nStatic);
      }
      if (nBandit < 1) {
        throw new IllegalArgumentException("n_bandit must be >= 1, got " + nBandit);
      }
      if (worldSeed < 0 || banditSeed < 0) {
        throw new IllegalArgumentException("seeds must be >= 0, got world " + worldSeed + ", bandit " + banditSeed);
      }
      if (priorWeight < 0) {
        throw new IllegalArgumentException("prior weight must be >= 0, got " + priorWeight);
      }
      if (!(linAlpha >= 0) || Double.isInfinite(linAlpha)) {
        throw new IllegalArgumentException("LinUCB alpha must be >= 0, got " + linAlpha);
      }
      if (!(tsSigma > 0) || Double.isInfinite(tsSigma)) {
        throw new IllegalArgumentException("TS sigma must be > 0, got " + tsSigma);
      }
    }

    /** The reference's {@code resolve_prior_weight}: simple 0, rich 6, rich_est 12. */
    public static int defaultPriorWeight(FeatureMode m) {
      return switch (m) {
        case SIMPLE -> 0;
        case RICH -> 6;
        case RICH_EST -> 12;
      };
    }

    /** The reference's {@code resolve_lin_alpha}: 1.0, 1.0, 0.85. */
    public static double defaultLinAlpha(FeatureMode m) {
      return m == FeatureMode.RICH_EST ? 0.85 : 1.0;
    }

    /** The reference's {@code resolve_ts_sigma}: 1.0, 1.0, 0.7. */
    public static double defaultTsSigma(FeatureMode m) {
      return m == FeatureMode.RICH_EST ? 0.7 : 1.0;
    }
  }

  /** Per-episode means of the reported quantities. */
  public record Means(double reward, double gmv, double cm2, double orders) {}

  /** One template's static-sweep result. */
  public record StaticRow(String template, Means means) {}

  /**
   * One bandit run.
   *
   * @param means per-episode means
   * @param deltaGmvPct GMV relative to the best static template's sweep GMV, in percent
   * @param selectionFreq share of episodes each template was played
   * @param perSegmentGmv mean GMV per user segment (segments in config order; absent if never drawn)
   * @param diagnostics the bandit's own report at the end
   */
  public record BanditRun(Means means, double deltaGmvPct, double[] selectionFreq, Map<String, Double> perSegmentGmv,
      BanditDiagnostics diagnostics) {
    /** This run with its GMV change relative to the best static template's sweep GMV (NaN when that is 0). */
    public BanditRun relativeTo(double bestStaticGmv) {
      double delta = bestStaticGmv != 0 ? (means.gmv() - bestStaticGmv) / Math.abs(bestStaticGmv) * 100 : Double.NaN;
      return new BanditRun(means, delta, selectionFreq, perSegmentGmv, diagnostics);
    }
  }

  /** The whole protocol's result. */
  public record Result(Settings settings, List<StaticRow> statics, int bestStatic, Map<String, Double> bestStaticPerSegmentGmv,
      BanditRun linucb, BanditRun ts) {
    /** The best static template's name. */
    public String bestStaticName() {
      return statics.get(bestStatic).template();
    }
  }

  private final World world;
  private final Settings settings;
  private final float[][] boosts;
  private final int nArms;

  /**
   * The protocol on the world of {@code base} with the catalog drawn from {@code settings.worldSeed}
   * ({@code base}'s own seed is replaced).
   */
  public TemplateBandits(SimSettings base, Settings settings) {
    SimSettings s = base.withSeed(settings.worldSeed());
    this.world = World.generate(s, new NumpyRandom(settings.worldSeed()));
    this.settings = settings;
    this.boosts = Templates.all(world.catalog(), s.action().aMax(), s.templates().popularAmplitude());
    this.nArms = boosts.length;
  }

  /** The world the protocol runs on. */
  public World world() {
    return world;
  }

  /**
   * Runs every phase on {@code executor}: the static sweep first, then the two bandit runs and the best
   * static template's re-run side by side. The sweep goes alone because it is the run's warm-up: until
   * the JIT has compiled the world's vector kernels they run the Vector API's plain-Java code, several
   * times slower, and one thread doing so while the compiler has the other core finishes the warm-up
   * sooner than three threads doing so at once (docs/performance.md). Each phase has its own random
   * stream, so the result does not depend on the executor or on the order the phases run in.
   */
  public Result run(Executor executor) {
    CompletableFuture<List<StaticRow>> sweep = CompletableFuture.supplyAsync(this::staticSweep, executor);
    CompletableFuture<double[]> warmStart = sweep.thenApply(st -> settings.priorWeight() > 0 ? rewards(st) : null);
    CompletableFuture<BanditRun> lin = warmStart.thenApplyAsync(w -> banditRun(true, w), executor);
    CompletableFuture<BanditRun> ts = warmStart.thenApplyAsync(w -> banditRun(false, w), executor);
    CompletableFuture<Integer> best = sweep.thenApply(st -> best(rewards(st)));
    CompletableFuture<Map<String, Double>> seg = best.thenApplyAsync(this::bestStaticPerSegment, executor);
    List<StaticRow> statics = join(sweep);
    int bestId = join(best);
    double bestGmv = statics.get(bestId).means().gmv();
    return new Result(settings, statics, bestId, join(seg), join(lin).relativeTo(bestGmv),
        join(ts).relativeTo(bestGmv));
  }

  private static double[] rewards(List<StaticRow> statics) {
    return statics.stream().mapToDouble(r -> r.means().reward()).toArray();
  }

  /** The first template with the highest mean reward. */
  private static int best(double[] reward) {
    int best = 0;
    for (int t = 1; t < reward.length; t++) {
      if (reward[t] > reward[best]) {
        best = t;
      }
    }
    return best;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** The static sweep: every template on the same user, query and base scores of each episode. */
  public List<StaticRow> staticSweep() {
    NumpyRandom rng = new NumpyRandom(settings.banditSeed());
    TemplateEpisode ep = newEpisode();
    double[][] sums = new double[nArms][4];
    for (int i = 0; i < settings.nStatic(); i++) {
      ep.draw(rng);
      for (int t = 0; t < nArms; t++) {
        play(ep, t, rng, sums[t]);
      }
    }
    List<StaticRow> out = new ArrayList<>();
    for (int t = 0; t < nArms; t++) {
      out.add(new StaticRow(Templates.NAMES.get(t), means(sums[t], settings.nStatic())));
    }
    return out;
  }

  /**
   * A LinUCB ({@code linucb}) or Thompson sampling run, warm-started from the static means when
   * {@code prior > 0}; its GMV change is set by {@link BanditRun#relativeTo}.
   */
  BanditRun banditRun(boolean linucb, double[] staticReward) {
    long seed = settings.banditSeed() + (linucb ? 1 : 2);
    NumpyRandom rng = new NumpyRandom(seed);
    TemplateEpisode ep = newEpisode();
    int dim = ep.contextDim();
    ContextualBandit policy = linucb
        ? new LinUcb(nArms, dim, new LinUcb.Settings(1.0, settings.linAlpha(), true))
        : new LinearThompson(nArms, dim, new LinearThompson.Settings(1.0, settings.tsSigma()), new NumpyRandom(seed));
    if (settings.priorWeight() > 0) {
      double[] bias = new double[dim];
      bias[dim - 1] = 1.0;
      for (int t = 0; t < nArms; t++) {
        for (int rep = 0; rep < settings.priorWeight(); rep++) {
          policy.update(t, bias, staticReward[t]);
        }
      }
    }
    double[] sums = new double[4];
    long[] picks = new long[nArms];
    SegmentGmv seg = new SegmentGmv();
    for (int i = 0; i < settings.nBandit(); i++) {
      ep.draw(rng);
      double[] x = ep.context();
      int arm = policy.select(x);
      picks[arm]++;
      double gmvBefore = sums[1];
      double r = play(ep, arm, rng, sums);
      seg.add(ep.user().segment(), sums[1] - gmvBefore);
      policy.update(arm, x, r);
    }
    Means m = means(sums, settings.nBandit());
    double[] freq = new double[nArms];
    for (int t = 0; t < nArms; t++) {
      freq[t] = (double) picks[t] / settings.nBandit();
    }
    return new BanditRun(m, Double.NaN, freq, seg.means(), policy.diagnostics());
  }

  /** Mean GMV per segment of the best static template, re-run on {@code bandit_seed + 3}. */
  Map<String, Double> bestStaticPerSegment(int best) {
    NumpyRandom rng = new NumpyRandom(settings.banditSeed() + 3);
    TemplateEpisode ep = newEpisode();
    double[] sums = new double[4];
    SegmentGmv seg = new SegmentGmv();
    for (int i = 0; i < settings.nBandit(); i++) {
      ep.draw(rng);
      double before = sums[1];
      play(ep, best, rng, sums);
      seg.add(ep.user().segment(), sums[1] - before);
    }
    return seg.means();
  }

  private static Means means(double[] sums, int n) {
    return new Means(sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n);
  }

  /** Per-segment GMV accumulation, reported in the config's segment order. */
  private final class SegmentGmv {
    private final double[] sum = new double[world.settings().users().segments().size()];
    private final long[] count = new long[sum.length];

    void add(int segment, double gmv) {
      sum[segment] += gmv;
      count[segment]++;
    }

    Map<String, Double> means() {
      Map<String, Double> out = new LinkedHashMap<>();
      for (int s = 0; s < sum.length; s++) {
        if (count[s] > 0) {
          out.put(world.segmentName(s), sum[s] / count[s]);
        }
      }
      return out;
    }
  }

  private TemplateEpisode newEpisode() {
    return new TemplateEpisode(world, boosts, settings.features(), settings.estimator(),
        settings.richRegularization());
  }

  /** Plays template {@code t}; adds reward, GMV, CM2, orders to {@code sums}; returns the reward. */
  private static double play(TemplateEpisode ep, int t, NumpyRandom rng, double[] sums) {
    TemplateEpisode.Played p = ep.play(t, rng);
    sums[0] += p.reward();
    sums[1] += p.parts().gmv();
    sums[2] += p.parts().cm2();
    sums[3] += p.orders();
    return p.reward();
  }

  /** A one-line label of the settings, for tables. */
  public static String describe(Settings s) {
    return String.format(Locale.ROOT, "features=%s, n_static=%d, n_bandit=%d, world_seed=%d, bandit_seed=%d,"
        + " prior=%d, lin_alpha=%.3g, ts_sigma=%.3g", s.features().cliName(), s.nStatic(), s.nBandit(), s.worldSeed(),
        s.banditSeed(), s.priorWeight(), s.linAlpha(), s.tsSigma());
  }
}
