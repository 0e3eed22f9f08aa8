package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.TemplateResults;
import io.rlsearch.experiments.TemplateBandits.FeatureMode;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code templates}: the Chapter-6 template-bandit protocol, the book's tables. */
@Command(name = "templates", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/learners.md",
    description = {"The Chapter-6 template-bandit experiment: a static sweep of the 8 templates on shared"
        + " user/query/base-score draws, then LinUCB and linear Thompson sampling choosing a template per episode"
        + " from context features, warm-started from the static means, and the best static template re-run for"
        + " per-segment figures.",
        "Canonical book runs: --features simple; --features rich|rich_est --prior-weight 50 --lin-alpha 0.2"
        + " --ts-sigma 0.5; all with --popular-amplitude 3.0."})
final class TemplatesCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--features", paramLabel = "MODE", defaultValue = "simple",
      description = "Context features: simple (8-d), rich (18-d, true sensitivities), rich_est (18-d, estimated)"
          + " (default: ${DEFAULT-VALUE}).")
  String features;

  @Option(names = "--estimator", paramLabel = "E", defaultValue = "ch06",
      description = "Sensitivity estimator of rich_est: ch06 (the Chapter-6 script's) or zoosim (the package's)"
          + " (default: ${DEFAULT-VALUE}).")
  String estimator;

  @Option(names = "--n-static", paramLabel = "N", defaultValue = "2000",
      description = "Static-sweep episodes (default: ${DEFAULT-VALUE}).")
  int nStatic;

  @Option(names = "--n-bandit", paramLabel = "M", defaultValue = "20000",
      description = "Episodes per bandit run (default: ${DEFAULT-VALUE}).")
  int nBandit;

  @Option(names = "--world-seed", paramLabel = "W", defaultValue = "20250322",
      description = "Catalog seed (default: ${DEFAULT-VALUE}, the book's).")
  long worldSeed;

  @Option(names = "--bandit-seed", paramLabel = "B", defaultValue = "20250349",
      description = "Base seed of the sweep (B), LinUCB (B+1), TS (B+2) and the re-run (B+3)"
          + " (default: ${DEFAULT-VALUE}, the book's).")
  long banditSeed;

  @Option(names = "--prior-weight", paramLabel = "P",
      description = "Warm-start pseudo-observations per template (default: simple 0, rich 6, rich_est 12).")
  Integer priorWeight;

  @Option(names = "--lin-alpha", paramLabel = "A",
      description = "LinUCB width alpha (adaptive: alpha*sqrt(ln(1+t))) (default: simple/rich 1.0, rich_est 0.85).")
  Double linAlpha;

  @Option(names = "--ts-sigma", paramLabel = "S",
      description = "Thompson sampling noise scale (default: simple/rich 1.0, rich_est 0.7).")
  Double tsSigma;

  @Option(names = "--popular-amplitude", paramLabel = "X",
      description = "Amplitude of the Popular template (default: templates.popular_amplitude of the config, 5.0;"
          + " the book's recorded runs used 3.0).")
  Double popularAmplitude;

  @Option(names = "--rich-regularization", paramLabel = "R", defaultValue = "none",
      description = "With --features rich: none, blend (the sensitivities blended 0.6/0.4 with the segment mean,"
          + " shrunk by 0.9, clipped to 3.5) or quantized (as blend, on a 0.25 grid) (default: ${DEFAULT-VALUE}).")
  String richRegularization;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    FeatureMode mode;
    try {
      mode = FeatureMode.parse(features);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--features must be one of simple, rich, rich_est; got '" + features + "'");
    }
    TemplateBandits.Estimator est = switch (estimator) {
      case "ch06" -> TemplateBandits.Estimator.CH06;
      case "zoosim" -> TemplateBandits.Estimator.ZOOSIM;
      default -> throw new Main.UsageException("--estimator must be ch06 or zoosim; got '" + estimator + "'");
    };
    requireAtLeast("--n-static", nStatic, 1);
    requireAtLeast("--n-bandit", nBandit, 1);
    requireAtLeast("--world-seed", worldSeed, 0);
    requireAtLeast("--bandit-seed", banditSeed, 0);
    int prior = priorWeight != null ? priorWeight : TemplateBandits.Settings.defaultPriorWeight(mode);
    requireAtLeast("--prior-weight", prior, 0);
    double alpha = linAlpha != null ? linAlpha : TemplateBandits.Settings.defaultLinAlpha(mode);
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new Main.UsageException("--lin-alpha must be a finite number >= 0, got " + alpha);
    }
    double sigma = tsSigma != null ? tsSigma : TemplateBandits.Settings.defaultTsSigma(mode);
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new Main.UsageException("--ts-sigma must be a finite number > 0, got " + sigma);
    }
    SimSettings sim = config.load();
    if (popularAmplitude != null) {
      if (!(popularAmplitude >= 0) || Double.isInfinite(popularAmplitude)) {
        throw new Main.UsageException("--popular-amplitude must be a finite number >= 0, got " + popularAmplitude);
      }
      sim = sim.withPopularAmplitude(popularAmplitude);
    }
    TemplateBandits.RichRegularization reg;
    try {
      reg = TemplateBandits.RichRegularization.parse(richRegularization);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--rich-regularization must be none, blend or quantized; got '"
          + richRegularization + "'");
    }
    if (reg != TemplateBandits.RichRegularization.NONE && mode != FeatureMode.RICH) {
      throw new Main.UsageException("--rich-regularization " + richRegularization + " goes with --features rich");
    }
    TemplateBandits.Settings s = new TemplateBandits.Settings(mode, est, nStatic, nBandit, worldSeed, banditSeed,
        prior, alpha, sigma, reg);
    long start = System.nanoTime();
    // the sweep and the three runs are serial chains of episodes, at most three at a time: three
    // threads share the cores between them (on two cores, two threads left the third run to the end)
    ExecutorService pool = Executors.newFixedThreadPool(3);
    TemplateBandits.Result r;
    try {
      r = new TemplateBandits(sim, s).run(pool);
    } finally {
      pool.shutdownNow();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (json) {
      spec.commandLine().getOut().println(Json.write(TemplateResults.toJson(r, sim.templates().popularAmplitude(), wall)));
    } else {
      printTables(spec.commandLine().getOut(), r, sim.templates().popularAmplitude(), wall);
    }
    return 0;
  }

  private static void requireAtLeast(String option, long v, long min) {
    if (v < min) {
      throw new Main.UsageException(option + " must be >= " + min + ", got " + v);
    }
  }

  private static void printTables(PrintWriter out, TemplateBandits.Result r, double amp, double wall) {
    out.printf(Locale.ROOT, "Chapter-6 template bandits: %s, popular_amplitude=%.2f%n",
        TemplateBandits.describe(r.settings()), amp);
    out.printf(Locale.ROOT, "%nStatic templates (%d episodes each, shared draws)%n", r.settings().nStatic());
    out.printf(Locale.ROOT, "%-3s %-14s %9s %9s %9s %7s%n", "id", "template", "reward", "GMV", "CM2", "orders");
    for (int t = 0; t < r.statics().size(); t++) {
      TemplateBandits.StaticRow row = r.statics().get(t);
      out.printf(Locale.ROOT, "%-3d %-14s %9.3f %9.3f %9.3f %7.3f%s%n", t, row.template(), row.means().reward(),
          row.means().gmv(), row.means().cm2(), row.means().orders(), t == r.bestStatic() ? "  <- best" : "");
    }
    out.printf(Locale.ROOT, "%nBandits (%d episodes each)%n", r.settings().nBandit());
    out.printf(Locale.ROOT, "%-8s %9s %9s %9s %7s %9s%n", "policy", "reward", "GMV", "CM2", "orders", "dGMV %");
    TemplateBandits.StaticRow best = r.statics().get(r.bestStatic());
    out.printf(Locale.ROOT, "%-8s %9.3f %9.3f %9.3f %7.3f %9s%n", "static*", best.means().reward(),
        best.means().gmv(), best.means().cm2(), best.means().orders(), "");
    row(out, "LinUCB", r.linucb());
    row(out, "TS", r.ts());
    out.printf(Locale.ROOT, "%nTemplate selection frequencies%n%-14s %8s %8s%n", "template", "LinUCB", "TS");
    for (int t = 0; t < Templates.NAMES.size(); t++) {
      out.printf(Locale.ROOT, "%-14s %8.3f %8.3f%n", Templates.NAMES.get(t), r.linucb().selectionFreq()[t],
          r.ts().selectionFreq()[t]);
    }
    out.printf(Locale.ROOT, "%nGMV per segment%n%-14s %9s %9s %9s%n", "segment", "static*", "LinUCB", "TS");
    for (String seg : r.bestStaticPerSegmentGmv().keySet()) {
      out.printf(Locale.ROOT, "%-14s %9.3f %9.3f %9.3f%n", seg, r.bestStaticPerSegmentGmv().get(seg),
          r.linucb().perSegmentGmv().getOrDefault(seg, Double.NaN), r.ts().perSegmentGmv().getOrDefault(seg, Double.NaN));
    }
    out.printf(Locale.ROOT, "%nstatic* = best static template (%s); wall time %.1f s%n", best.template(), wall);
  }

  private static void row(PrintWriter out, String name, TemplateBandits.BanditRun b) {
    out.printf(Locale.ROOT, "%-8s %9.3f %9.3f %9.3f %7.3f %+9.2f%n", name, b.means().reward(), b.means().gmv(),
        b.means().cm2(), b.means().orders(), b.deltaGmvPct());
  }
}
