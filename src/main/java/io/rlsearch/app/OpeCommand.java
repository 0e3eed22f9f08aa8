package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.OpeResults;
import io.rlsearch.api.SlateOpe;
import io.rlsearch.eval.logs.LogFormatException;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.obd.ObdOpeStudy;
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
        "",
        "With --data DIR --format obd: off-policy evaluation on the Open Bandit Dataset instead. The target's value",
        "is estimated from the behaviour's log DIR/{behavior}/{campaign}/{campaign}.csv with dm, ipw, snipw, dr,",
        "sndr, switch_dr, dr_os and ipw_subgaussian (the Open Bandit Pipeline's protocol) and compared with the",
        "mean click of the target's own log. --behavior and --target are then random or bts; the simulator's",
        "options (--episodes, --truth-episodes, --features, --clip, --cross-fit, --log, --slate,",
        "--marginal-samples, --config) are refused.",
        ""})
final class OpeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--behavior", paramLabel = "SPEC", defaultValue = "epsilon-greedy:eps=0.3,base=linucb,episodes=2000",
      description = "Behaviour (logging) policy (default: ${DEFAULT-VALUE}); with --data, random or bts.")
  String behavior;

  @Option(names = "--target", paramLabel = "SPEC", defaultValue = "best-static:episodes=2000",
      description = "Target policy to evaluate (default: ${DEFAULT-VALUE}); with --data, bts or random.")
  String target;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "10000",
      description = "Logged episodes (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--truth-episodes", paramLabel = "N",
      description = "On-policy episodes of the target for the truth (default: as --episodes).")
  Integer truthEpisodes;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025",
      description = "Root seed of the world and every stream (default: ${DEFAULT-VALUE}; with --data, the seed of"
          + " the Monte Carlo, the folds and the bootstrap, default " + ObdOpeStudy.DEFAULT_SEED + ").")
  long seed;

  @Option(names = "--features", paramLabel = "MODE", defaultValue = "rich",
      description = "Context features of the policies and the model: simple, rich, rich_est (default: ${DEFAULT-VALUE}).")
  String features;

  @Option(names = "--clip", paramLabel = "W", defaultValue = "10",
      description = "Weight cap of clipped IPS (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "0",
      description = "Percentile-bootstrap intervals from B resamples (default: ${DEFAULT-VALUE} = each estimator's"
          + " own standard error; with --data, 0 = no intervals, default " + ObdOpeStudy.DEFAULT_BOOTSTRAP + ").")
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

  @Option(names = "--data", paramLabel = "DIR",
      description = "Logged data instead of the simulator: the dataset's directory (the shipped samples: data/obd).")
  Path data;

  @Option(names = "--format", paramLabel = "F", description = "--data: the layout of DIR; obd (the Open Bandit Dataset).")
  String format;

  @Option(names = "--campaign", paramLabel = "C", description = "--data: the campaign, men or women.")
  String campaign;

  @Option(names = "--mc", paramLabel = "N",
      description = "--data: Monte Carlo simulations of the bts target's distribution (default: "
          + ObdOpeStudy.DEFAULT_MC + ").")
  Integer mc;

  @Option(names = "--reward-model", paramLabel = "M",
      description = "--data: the reward model of dm and the dr family: logistic (default; C from --c) or forest (a"
          + " random forest of 30 trees of depth 5, at least 10 rounds to split a node, seeded by --seed).")
  String rewardModel;

  @Option(names = "--folds", paramLabel = "K",
      description = "--data: cross-fitting folds of the reward model (default: " + ObdOpeStudy.DEFAULT_FOLDS + ").")
  Integer folds;

  @Option(names = "--c", paramLabel = "C",
      description = "--data: inverse regularisation strength of the logistic reward model (default: 100).")
  Double c;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (data != null) {
      return callData(parsed);
    }
    for (String o : DATA_ONLY) {
      if (parsed.hasMatchedOption(o)) {
        throw new Main.UsageException(o + " is for logged data: give --data DIR --format obd with it");
      }
    }
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

  /** The options of logged-data evaluation that the simulator study has no use for. */
  private static final java.util.List<String> DATA_ONLY = java.util.List.of("--format", "--campaign", "--mc",
      "--reward-model", "--folds", "--c");
  /** The simulator study's options, refused with --data. */
  private static final java.util.List<String> SIMULATOR_ONLY = java.util.List.of("--episodes", "--truth-episodes",
      "--features", "--clip", "--cross-fit", "--log", "--slate", "--marginal-samples", "--config");

  private Integer callData(picocli.CommandLine.ParseResult parsed) {
    for (String o : SIMULATOR_ONLY) {
      if (parsed.hasMatchedOption(o)) {
        throw new Main.UsageException(o + " is for the simulator study; with --data it does not apply (logged-data"
            + " options: --format, --campaign, --behavior, --target, --mc, --bootstrap, --seed, --reward-model,"
            + " --folds, --c, --json)");
      }
    }
    if (format == null) {
      throw new Main.UsageException("--data needs --format obd (the Open Bandit Dataset's layout; the only one read)");
    }
    if (!format.equals("obd")) {
      throw new Main.UsageException("--format must be obd (the Open Bandit Dataset), got '" + format + "'");
    }
    if (campaign == null) {
      throw new Main.UsageException("--data needs --campaign: " + String.join(", ", ObdOpeStudy.CAMPAIGNS));
    }
    if (!ObdOpeStudy.CAMPAIGNS.contains(campaign)) {
      throw new Main.UsageException("--campaign must be one of " + String.join(", ", ObdOpeStudy.CAMPAIGNS)
          + "; got '" + campaign + "'");
    }
    for (String o : java.util.List.of("--behavior", "--target")) {
      String v = o.equals("--behavior") ? behavior : target;
      if (!parsed.hasMatchedOption(o)) {
        throw new Main.UsageException("--data needs " + o + ": " + String.join(", ", ObdOpeStudy.POLICIES));
      }
      if (!ObdOpeStudy.POLICIES.contains(v)) {
        throw new Main.UsageException(o + " must be one of " + String.join(", ", ObdOpeStudy.POLICIES)
            + " with --data; got '" + v + "'");
      }
    }
    int n = mc != null ? mc : ObdOpeStudy.DEFAULT_MC;
    if (n < 1 || n > ObdOpeStudy.MAX_MC) {
      throw new Main.UsageException("--mc must be in 1.." + ObdOpeStudy.MAX_MC + ", got " + n);
    }
    int b = parsed.hasMatchedOption("--bootstrap") ? bootstrap : ObdOpeStudy.DEFAULT_BOOTSTRAP;
    if (b != 0 && (b < ObdOpeStudy.MIN_BOOTSTRAP || b > ObdOpeStudy.MAX_BOOTSTRAP)) {
      throw new Main.UsageException("--bootstrap must be 0 (no intervals) or in " + ObdOpeStudy.MIN_BOOTSTRAP + ".."
          + ObdOpeStudy.MAX_BOOTSTRAP + ", got " + b);
    }
    long s = parsed.hasMatchedOption("--seed") ? seed : ObdOpeStudy.DEFAULT_SEED;
    if (s < 0 || s > ObdOpeStudy.MAX_SEED) {
      throw new Main.UsageException("--seed must be in 0.." + ObdOpeStudy.MAX_SEED + " with --data, got " + s);
    }
    String model = rewardModel != null ? rewardModel : ObdOpeStudy.DEFAULT_REWARD_MODEL;
    if (!ObdOpeStudy.rewardModels().contains(model)) {
      throw new Main.UsageException("--reward-model must be one of " + String.join(", ", ObdOpeStudy.rewardModels())
          + "; got '" + model + "'");
    }
    int k = folds != null ? folds : ObdOpeStudy.DEFAULT_FOLDS;
    if (k < 2 || k > ObdOpeStudy.MAX_FOLDS) {
      throw new Main.UsageException("--folds must be in 2.." + ObdOpeStudy.MAX_FOLDS + ", got " + k);
    }
    if (c != null && !model.equals("logistic")) {
      throw new Main.UsageException("--c sets the logistic reward model's regularisation; --reward-model " + model
          + " does not take it");
    }
    double cc = c != null ? c : ObdOpeStudy.DEFAULT_C;
    if (!(cc > 0) || Double.isInfinite(cc)) {
      throw new Main.UsageException("--c must be > 0 and finite, got " + cc);
    }
    if (!java.nio.file.Files.isDirectory(data)) {
      throw new Main.UsageException("--data: no such directory: " + data);
    }
    ObdOpeStudy.Settings settings = new ObdOpeStudy.Settings(data, campaign, behavior, target, n, b, s, model, k, cc);
    long start = System.nanoTime();
    ObdOpeStudy.Result r;
    try {
      r = ObdOpeStudy.run(settings);
    } catch (LogFormatException | IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (json) {
      spec.commandLine().getOut().println(Json.write(OpeResults.toJson(r, wall)));
    } else {
      printData(spec.commandLine().getOut(), r, wall);
    }
    return 0;
  }

  private static void printData(PrintWriter out, ObdOpeStudy.Result r, double wall) {
    ObdOpeStudy.Settings s = r.settings();
    out.printf(Locale.ROOT, "Off-policy evaluation on the Open Bandit Dataset, campaign %s: the %s policy's value"
        + " from the %s policy's log%n", s.campaign(), s.target(), s.behavior());
    out.printf(Locale.ROOT, "behaviour log %s: %d rounds, %d actions, %d positions, mean click %.6f%n",
        r.behaviorLog(), r.rounds(), r.actions(), r.positions(), r.behaviorValue());
    if (r.onPolicyValue() > 0) {
      out.printf(Locale.ROOT, "target log    %s: on-policy value %.6f (mean click of %d rounds; standard error %.6f,"
          + " so relative errors within about %.2f of each other do not tell estimators apart)%n", r.targetLog(),
          r.onPolicyValue(), r.targetRounds(), r.onPolicyStdError(), 2 * r.onPolicyStdError() / r.onPolicyValue());
    } else {
      out.printf(Locale.ROOT, "target log    %s: on-policy value 0 (no click in %d rounds: relative errors and the"
          + " value's standard error are undefined)%n", r.targetLog(), r.targetRounds());
    }
    out.printf(Locale.ROOT, "target distribution %s; reward model %s (%s%d folds); seed %d%n%n",
        s.target().equals("bts") ? "Bernoulli TS by Monte Carlo, " + s.mc() + " simulations" : "uniform",
        s.rewardModel(), s.rewardModel().equals("logistic") ? "C " + OpeResults.number(s.c()) + ", " : "",
        s.folds(), s.seed());
    out.printf(Locale.ROOT, "%-16s %10s  %-24s %10s  %s%n", "estimator", "value",
        s.bootstrap() > 0 ? "95% CI" : "(no intervals)", "rel. error", "lambda");
    for (ObdOpeStudy.Estimate e : r.estimates().values()) {
      String ci = Double.isNaN(e.ciLow()) ? "" : String.format(Locale.ROOT, "[%9.6f, %9.6f]", e.ciLow(), e.ciHigh());
      out.printf(Locale.ROOT, "%-16s %10.6f  %-24s %10.4f  %s%n", e.estimator(), e.value(), ci, e.relativeError(),
          e.tunedLambda().isPresent() ? OpeResults.number(e.tunedLambda().getAsDouble()) : "");
    }
    out.printf(Locale.ROOT, "%nrelative error = |value - on-policy value| / on-policy value; %s%n",
        s.bootstrap() > 0 ? "percentile bootstrap, " + s.bootstrap() + " resamples" : "no bootstrap");
    out.printf(Locale.ROOT, "bad rows: behaviour log %s; target log %s%n", r.behaviorBadRows().describe(),
        r.targetBadRows().describe());
    out.printf(Locale.ROOT, "wall time %.1f s%n", wall);
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
