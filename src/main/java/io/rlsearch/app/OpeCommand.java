package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.OpeResults;
import io.rlsearch.api.SlateOpe;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.experiments.OpeStudy;
import io.rlsearch.experiments.PolicySpec;
import io.rlsearch.experiments.SlateOpeStudy;
import io.rlsearch.experiments.TemplateBandits;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ope}: off-policy evaluation of a template policy from decisions logged under another. */
@Command(name = "ope", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/ope.md",
    description = {"Off-policy evaluation over the 8 templates: logs N episodes under the behaviour policy (with"
        + " exact propensities), estimates the target policy's value from the log with IPS, clipped IPS, SNIPS,"
        + " PDIS, DM, DR and SWITCH-DR (DM/DR/SWITCH use a linear fitted-Q model), and runs the target on fresh"
        + " episodes for the truth.",
        "",
        "SPEC is KIND[:key=value,...], one of:",
        "  uniform",
        "      every template with probability 1/8",
        "  template:id=K  or  template:name=NAME",
        "      always template K (0..7) or the named one, e.g. template:name=Premium",
        "  best-static[:episodes=2000]",
        "      always the template with the best mean reward in a static sweep",
        "  linucb[:episodes=2000,alpha=1.0]",
        "      the greedy choice of a LinUCB trained that long, then frozen",
        "  epsilon-greedy[:eps=0.3,base=linucb,episodes=2000]",
        "      the base's greedy template w.p. 1-eps, else a uniform one;",
        "      base = linucb | best-static",
        "  softmax[:tau=1.0,base=linucb,episodes=2000]",
        "      templates w.p. proportional to exp(score/tau); scores from the base",
        "  learned:file=PATH",
        "      the greedy template of a policy file of learn (docs/learn-from-logs.md)",
        ""})
final class OpeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--behavior", paramLabel = "SPEC", defaultValue = "epsilon-greedy:eps=0.3,base=linucb,episodes=2000",
      description = "Behaviour (logging) policy (default: ${DEFAULT-VALUE}).")
  String behavior;

  @Option(names = "--target", paramLabel = "SPEC", defaultValue = "best-static:episodes=2000",
      description = "Target policy to evaluate (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "10000",
      description = "Logged episodes (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--truth-episodes", paramLabel = "N",
      description = "On-policy episodes of the target for the truth (default: as --episodes).")
  Integer truthEpisodes;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025",
      description = "Root seed of the world and every stream (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--features", paramLabel = "MODE", defaultValue = "rich",
      description = "Context features of the policies and the model: simple, rich, rich_est (default: ${DEFAULT-VALUE}).")
  String features;

  @Option(names = "--clip", paramLabel = "W", defaultValue = "10",
      description = "Weight cap of clipped IPS (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "0",
      description = "Percentile-bootstrap intervals from B resamples (default: ${DEFAULT-VALUE} = each estimator's"
          + " own standard error).")
  int bootstrap;

  @Option(names = "--cross-fit", paramLabel = "K", defaultValue = "2",
      description = "Fit the FQE model of DM/DR/SWITCH-DR on K-1 folds and score the K-th, for every fold, so no"
          + " episode is corrected by a model that saw it; 1 fits one model on the whole log (default: ${DEFAULT-VALUE}).")
  int crossFit;

  @Option(names = "--log", paramLabel = "FILE",
      description = "Write the logged decisions to FILE (JSON Lines) and estimate from the file as read back.")
  Path log;

  @Option(names = "--slate",
      description = "Slate OPE instead: rankings of the slate env's 50 candidates logged under a Plackett-Luce"
          + " behaviour, a Plackett-Luce target, and the ranking estimators ips, iips, pi, rips, dm, cascade_dr"
          + " (docs/ope.md). SPEC is then pl[:FEATURE=W,...,t=T] over the item features cm2, discount, pl, pers,"
          + " bestseller, price, litter_cm2, discount_price, pl_affinity, specificity (z-scored per session)"
          + " at temperature T (default behaviour " + SlateOpe.DEFAULT_BEHAVIOR + ", target " + SlateOpe.DEFAULT_TARGET
          + ").")
  boolean slate;

  @Option(names = "--marginal-samples", paramLabel = "S", defaultValue = "100",
      description = "--slate: prefixes drawn per logged ranking and policy for the position-wise marginals"
          + " (default: ${DEFAULT-VALUE}).")
  int marginalSamples;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (slate) {
      return callSlate();
    }
    PolicySpec b = parseSpec("--behavior", behavior);
    PolicySpec t = parseSpec("--target", target);
    TemplateBandits.FeatureMode mode;
    try {
      mode = TemplateBandits.FeatureMode.parse(features);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--features must be one of simple, rich, rich_est; got '" + features + "'");
    }
    int truthN = truthEpisodes != null ? truthEpisodes : episodes;
    if (episodes < 2 || truthN < 2) {
      throw new Main.UsageException("--episodes and --truth-episodes must be >= 2, got " + episodes + " and " + truthN);
    }
    if (seed < 0) {
      throw new Main.UsageException("--seed must be >= 0, got " + seed);
    }
    if (!(clip > 0) || Double.isNaN(clip)) {
      throw new Main.UsageException("--clip must be > 0, got " + clip);
    }
    if (bootstrap != 0 && bootstrap < 10) {
      throw new Main.UsageException("--bootstrap must be 0 (off) or >= 10, got " + bootstrap);
    }
    if (crossFit < 1 || crossFit > episodes) {
      throw new Main.UsageException("--cross-fit must be between 1 and --episodes, got " + crossFit);
    }
    OpeStudy.Settings s = new OpeStudy.Settings(b, t, episodes, truthN, seed, mode, clip, bootstrap, crossFit);
    long start = System.nanoTime();
    OpeStudy.Result r;
    try {
      r = new OpeStudy(config.load(), s).run(Optional.ofNullable(log));
    } catch (UncheckedIOException | DecisionLog.FormatException e) {
      throw new Main.UsageException(e.getMessage());
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (json) {
      spec.commandLine().getOut().println(Json.write(OpeResults.toJson(r, wall)));
    } else {
      print(spec.commandLine().getOut(), r, wall);
    }
    return 0;
  }

  private Integer callSlate() {
    picocli.CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    SlateOpeStudy.Policy b = SlateOpe.parse("--behavior", pr.hasMatchedOption("--behavior") ? behavior
        : SlateOpe.DEFAULT_BEHAVIOR);
    SlateOpeStudy.Policy t = SlateOpe.parse("--target", pr.hasMatchedOption("--target") ? target
        : SlateOpe.DEFAULT_TARGET);
    int truthN = truthEpisodes != null ? truthEpisodes : episodes;
    if (episodes < 4 || truthN < 2) {
      throw new Main.UsageException("--episodes must be >= 4 and --truth-episodes >= 2, got " + episodes + " and "
          + truthN);
    }
    if (seed < 0) {
      throw new Main.UsageException("--seed must be >= 0, got " + seed);
    }
    if (marginalSamples < 1 || marginalSamples > 100_000) {
      throw new Main.UsageException("--marginal-samples must be in 1..100000, got " + marginalSamples);
    }
    if (log != null) {
      throw new Main.UsageException("--log is for template OPE; slate OPE keeps its log in memory");
    }
    Map<String, Object> out = SlateOpe.run(config.load(), new SlateOpeStudy.Settings(b, t, episodes, truthN, seed,
        marginalSamples, 1.0));
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      SlateOpe.print(spec.commandLine().getOut(), out);
    }
    return 0;
  }

  private static PolicySpec parseSpec(String option, String text) {
    try {
      return PolicySpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(option + ": " + e.getMessage());
    }
  }

  private static void print(PrintWriter out, OpeStudy.Result r, double wall) {
    OpeStudy.Settings s = r.settings();
    out.printf(Locale.ROOT, "Off-policy evaluation: %d logged episodes, seed %d, %s features%n", s.episodes(), s.seed(),
        s.features().cliName());
    out.printf(Locale.ROOT, "behaviour %-45s value %8.3f [%7.3f, %7.3f]%n", s.behavior(), r.behaviorValue().mean(),
        r.behaviorValue().ciLow(), r.behaviorValue().ciHigh());
    out.printf(Locale.ROOT, "target    %-45s truth %8.3f [%7.3f, %7.3f] (%d on-policy episodes)%n%n", s.target(),
        r.truth().mean(), r.truth().ciLow(), r.truth().ciHigh(), r.truth().n());
    out.printf(Locale.ROOT, "%-12s %9s %20s %9s %9s %10s  %s%n", "estimator", "estimate", "95% CI", "ESS", "max w",
        "error", "note");
    for (Estimate e : r.estimators().values()) {
      out.printf(Locale.ROOT, "%-12s %9.3f [%8.3f,%8.3f] %9.1f %9.2f %+10.3f  %s%n", e.estimator(), e.value(), e.ciLow(),
          e.ciHigh(), e.ess(), e.maxWeight(), e.value() - r.truth().mean(), e.note());
    }
    out.printf(Locale.ROOT, "%ndecisions logged %d, evaluated %d%s; wall time %.1f s%n", r.logged(), r.evaluated(),
        r.logFile().map(f -> " (read back from " + f + ")").orElse(""), wall);
  }
}
