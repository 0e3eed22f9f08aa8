package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.logs.BadRows;
import io.rlsearch.eval.logs.LogFormatException;
import io.rlsearch.eval.logs.ObdDataset;
import io.rlsearch.eval.logs.TeamLog;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.eval.opl.BanditData;
import io.rlsearch.eval.opl.HeldOutEvaluation;
import io.rlsearch.eval.opl.LinearPolicy;
import io.rlsearch.eval.opl.PolicyLearner;
import io.rlsearch.eval.opl.RidgeRewards;
import io.rlsearch.eval.opl.Split;
import io.rlsearch.experiments.OpeStudy;
import io.rlsearch.experiments.PolicySpec;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.serving.PolicyForm;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code learn}: off-policy learning of a greedy linear policy from logged bandit data. */
@Command(name = "learn", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/learn-from-logs.md",
    description = {"Learns a policy from logged bandit data (the Open Bandit Dataset, a team's CSV/JSONL log, or a"
        + " decision log of template choices): a linear softmax policy per position, fitted on the training rounds"
        + " by the IPW learner (weighted classification, weights reward/propensity) or by gradient ascent on a"
        + " doubly robust estimate of its value, and deployed greedily. Writes the policy file and estimates the"
        + " greedy policy's value on the held-out rounds by IPW, SNIPW and DR with bootstrap intervals, beside the"
        + " behaviour policy's, the uniform random policy's and the most popular items'. For a template decision"
        + " log of `ope --log`, --truth-episodes runs the learned policy in the simulator for the truth."})
final class LearnCommand implements Callable<Integer> {
  static final List<String> FORMATS = List.of("obd", "team", "decisions");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "PATH", required = true,
      description = "obd: the dataset's directory (data/obd); team: a .csv or .jsonl log; decisions: a decision log"
          + " (JSON Lines).")
  Path data;

  @Option(names = "--format", paramLabel = "FORMAT", required = true,
      description = "obd, team or decisions.")
  String format;

  @Option(names = "--campaign", paramLabel = "C", description = "obd: men, women or all (default: men).")
  String campaign;

  @Option(names = "--behavior", paramLabel = "B", description = "obd: the logging policy, random or bts"
      + " (default: random).")
  String behavior;

  @Option(names = "--learner", paramLabel = "L", defaultValue = "dr",
      description = "ipw or dr (default: ${DEFAULT-VALUE}).")
  String learner;

  @Option(names = "--holdout", paramLabel = "F", defaultValue = "0.3",
      description = "Fraction of the rounds held out for evaluation, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double holdout;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025",
      description = "Seed of the split, the learner, the bootstrap and (decisions) the simulated world"
          + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "1000",
      description = "Bootstrap resamples of the intervals, >= 10 (default: ${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(names = "--out", paramLabel = "POLICY.json", required = true, description = "The policy file to write.")
  Path out;

  @Option(names = "--l2", paramLabel = "L", defaultValue = "1.0",
      description = "L2 penalty on the standardised weights (default: ${DEFAULT-VALUE}).")
  double l2;

  @Option(names = "--clip", paramLabel = "W",
      description = "dr learner: clip the objective's weights 1/pscore at W >= 1 while learning (default: none)."
          + " Less variance from rows with tiny propensities, at the price of a bias towards the behaviour.")
  Double clip;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "300",
      description = "Full-batch gradient steps, 1..100000 (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--learning-rate", paramLabel = "R", defaultValue = "0.05",
      description = "Adam's step size (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--folds", paramLabel = "K", defaultValue = "2",
      description = "Cross-fitting folds of the reward models (dr learner, DR estimate), >= 2 (default:"
          + " ${DEFAULT-VALUE}).")
  int folds;

  @Option(names = "--repeat-items",
      description = "Let the greedy ranking show an action at several positions (default: never repeat one).")
  boolean repeatItems;

  @Option(names = "--features", paramLabel = "MODE",
      description = "decisions: the context features of the template task the log was written with, simple, rich"
          + " or rich_est (default: rich, as ope).")
  String features;

  @Option(names = "--truth-episodes", paramLabel = "M",
      description = "decisions from `ope --log`: run the learned policy (and the behaviour and the best static"
          + " template) on M fresh simulated episodes of the log's world (same --seed, --features, --config).")
  Integer truthEpisodes;

  @Mixin ConfigOption config = new ConfigOption();

  /** A team log's line per row. */
  private long[] teamLines;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    validate();
    long start = System.nanoTime();
    Map<String, String> info = new LinkedHashMap<>();
    info.put("format", format);
    TemplateBandits.FeatureMode mode = null;
    SimSettings sim = null;
    List<LoggedDecision> decisions = null;
    BanditData all;
    String source;
    try {
      switch (format) {
        case "obd" -> {
          String b = behavior == null ? "random" : behavior;
          String c = campaign == null ? "men" : campaign;
          ObdDataset d = ObdDataset.read(data, b, c);
          warnBad(d.badRows());
          all = BanditData.ofObd(d);
          info.put("behavior", b);
          info.put("campaign", c);
          source = "Open Bandit Dataset, " + b + " behaviour, " + c;
        }
        case "team" -> {
          TeamLog t = TeamLog.read(data);
          warnBad(t.badRows());
          all = BanditData.ofTeam(t);
          teamLines = t.rounds().stream().mapToLong(io.rlsearch.eval.logs.LoggedRound::line).toArray();
          source = "team log " + data.getFileName();
        }
        default -> {
          decisions = DecisionLog.read(data);
          mode = TemplateBandits.FeatureMode.parse(features == null ? "rich" : features);
          sim = config.load();
          List<String> names = PolicyForm.templateContext(mode, sim);
          int dim = decisions.isEmpty() ? 0 : decisions.get(0).context().length;
          boolean template = dim == names.size() && decisions.stream().allMatch(x -> x.arm() < Templates.NAMES.size()
              && x.probabilities().length <= Templates.NAMES.size());
          if (truthEpisodes != null && !template) {
            throw new Main.UsageException("--truth-episodes: " + data + " is not a template decision log with "
                + mode.cliName() + " features (its contexts have " + dim + " values, the task's " + names.size()
                + "); give the --features the log was written with");
          }
          all = BanditData.ofDecisions(decisions, "decision log " + data, template ? names : null,
              template ? Templates.NAMES : null);
          if (template) {
            info.put("task", "templates");
            info.put("features", mode.cliName());
          }
          source = "decision log " + data.getFileName() + (template ? " (template task, " + mode.cliName()
              + " features)" : "");
        }
      }
    } catch (LogFormatException | DecisionLog.FormatException | UncheckedIOException | IllegalArgumentException e) {
      throw new Main.UsageException("--data " + data + ": " + oneLine(e.getMessage()));
    }
    Split split;
    try {
      split = Split.of(all, holdout, seed);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--data " + data + ": " + oneLine(e.getMessage()));
    }
    BanditData train = all.subset(split.train());
    BanditData held = all.subset(split.heldOut());
    if (held.size() < folds || train.size() < folds) {
      throw new Main.UsageException("--holdout " + holdout + " leaves " + train.size() + " training and " + held.size()
          + " held-out rows; each side needs at least --folds (" + folds + ")");
    }
    if (learner.equals("ipw")) {
      int neg = PolicyLearner.firstNegative(all.rewards());
      if (neg >= 0) {
        throw new Main.UsageException("--data " + data + ": " + rowName(neg) + " has reward " + all.rewards()[neg]
            + "; --learner ipw takes non-negative rewards only (shifting them changes what it learns): use"
            + " --learner dr");
      }
    }
    PolicyLearner.Settings s = new PolicyLearner.Settings(learner, l2, steps, learningRate, folds, 1.0, !repeatItems,
        seed, clip == null ? Double.POSITIVE_INFINITY : clip);
    // the hyper-parameters go into the policy file, so a file says how to learn it again
    info.put("l2", Double.toString(l2));
    info.put("steps", Integer.toString(steps));
    info.put("learning_rate", Double.toString(learningRate));
    info.put("folds", Integer.toString(folds));
    info.put("clip", clip == null ? "none" : Double.toString(clip));
    LinearPolicy policy;
    double[][] q;
    HeldOutEvaluation.Result learned;
    HeldOutEvaluation.Result uniform;
    HeldOutEvaluation.Result popular;
    HeldOutEvaluation.Value behaviorValue;
    long bs = seed + 2;
    try {
      policy = PolicyLearner.fit(train, s, info);
      q = RidgeRewards.crossFit(held, folds, 1.0, seed + 1).predictions();
      learned = HeldOutEvaluation.estimate(held, HeldOutEvaluation.greedy(policy, held), q, bootstrap, bs);
      uniform = HeldOutEvaluation.estimate(held, HeldOutEvaluation.uniform(held), q, bootstrap, bs);
      popular = HeldOutEvaluation.estimate(held, HeldOutEvaluation.mostPopular(train, held), q, bootstrap, bs);
      behaviorValue = HeldOutEvaluation.behavior(held, bootstrap, bs);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--data " + data + ": " + oneLine(e.getMessage()));
    }
    try {
      policy.write(out);
    } catch (IOException e) {
      throw new Main.UsageException("--out " + out + ": cannot write the policy file: " + oneLine(e.getMessage()));
    }

    Map<String, Object> o = new LinkedHashMap<>();
    o.put("format", format);
    o.put("source", source);
    o.put("learner", learner);
    o.put("l2", l2);
    o.put("steps", steps);
    o.put("learning_rate", learningRate);
    o.put("folds", folds);
    o.put("clip", clip);
    o.put("seed", seed);
    o.put("holdout", holdout);
    o.put("train_rounds", train.size());
    o.put("heldout_rounds", held.size());
    o.put("n_actions", all.nActions());
    o.put("n_positions", all.nPositions());
    o.put("policy_file", out.toString());
    o.put("estimates", estimates(learned));
    o.put("behavior_value", value(behaviorValue));
    o.put("effective_samples", learned.effectiveSamples());
    o.put("matching_rounds", learned.matching());
    o.put("weight_mean", learned.weightMean());
    Map<String, Object> baselines = new LinkedHashMap<>();
    baselines.put("uniform", estimates(uniform));
    Map<String, Object> pop = estimates(popular);
    pop.put("ranking", java.util.Arrays.stream(HeldOutEvaluation.popularRanking(train))
        .mapToObj(a -> all.actionIds().get(a)).toList());
    baselines.put("most_popular", pop);
    o.put("baselines", baselines);
    if (truthEpisodes != null) {
      o.putAll(truth(sim, mode, decisions));
    }
    o.put("wall_seconds", (System.nanoTime() - start) / 1e9);
    if (json) {
      spec.commandLine().getOut().println(Json.write(o));
    } else {
      print(spec.commandLine().getOut(), o, learned, uniform, popular, behaviorValue);
    }
    return 0;
  }

  private void validate() {
    if (!FORMATS.contains(format)) {
      throw new Main.UsageException("--format must be one of obd, team, decisions; got '" + format + "'");
    }
    if (!PolicyLearner.LEARNERS.contains(learner)) {
      throw new Main.UsageException("--learner must be ipw or dr; got '" + learner + "'");
    }
    if (!format.equals("obd") && (campaign != null || behavior != null)) {
      throw new Main.UsageException((campaign != null ? "--campaign" : "--behavior") + " is for --format obd only");
    }
    if (campaign != null && !ObdDataset.CAMPAIGNS.contains(campaign)) {
      throw new Main.UsageException("--campaign must be one of men, women, all; got '" + campaign + "'");
    }
    if (behavior != null && !ObdDataset.BEHAVIORS.contains(behavior)) {
      throw new Main.UsageException("--behavior must be random or bts; got '" + behavior + "'");
    }
    if (!format.equals("decisions") && (features != null || truthEpisodes != null)) {
      throw new Main.UsageException((features != null ? "--features" : "--truth-episodes")
          + " is for --format decisions only");
    }
    if (features != null) {
      try {
        TemplateBandits.FeatureMode.parse(features);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--features must be one of simple, rich, rich_est; got '" + features + "'");
      }
    }
    if (truthEpisodes != null && (truthEpisodes < 2 || truthEpisodes > 10_000_000)) {
      throw new Main.UsageException("--truth-episodes must be in 2..10000000, got " + truthEpisodes);
    }
    if (!(holdout > 0 && holdout < 1)) {
      throw new Main.UsageException("--holdout must lie in (0, 1), got " + holdout);
    }
    if (seed < 0) {
      throw new Main.UsageException("--seed must be >= 0, got " + seed);
    }
    if (bootstrap < 10 || bootstrap > 1_000_000) {
      throw new Main.UsageException("--bootstrap must be in 10..1000000, got " + bootstrap);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new Main.UsageException("--l2 must be a finite number >= 0, got " + l2);
    }
    if (clip != null && !(clip >= 1 && clip < Double.POSITIVE_INFINITY)) {
      throw new Main.UsageException("--clip must be a finite number >= 1 (a weight 1/pscore is at least 1), got "
          + clip);
    }
    if (clip != null && learner.equals("ipw")) {
      throw new Main.UsageException("--clip is for --learner dr only");
    }
    if (steps < 1 || steps > 100_000) {
      throw new Main.UsageException("--steps must be in 1..100000, got " + steps);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new Main.UsageException("--learning-rate must be a finite number > 0, got " + learningRate);
    }
    if (folds < 2 || folds > 100) {
      throw new Main.UsageException("--folds must be in 2..100, got " + folds);
    }
    if (!Files.exists(data)) {
      throw new Main.UsageException("--data " + data + ": no such " + (format.equals("obd") ? "directory" : "file"));
    }
    if (format.equals("obd") != Files.isDirectory(data)) {
      throw new Main.UsageException("--data " + data + (format.equals("obd")
          ? " is a file; --format obd takes the dataset's directory (such as data/obd)"
          : " is a directory; --format " + format + " takes a log file"));
    }
    if (truthEpisodes != null && out.toString().contains(",")) {
      throw new Main.UsageException("--out " + out + ": with --truth-episodes the policy file's path may not contain"
          + " a comma (it is read back as the policy learned:file=PATH)");
    }
    if (Files.isDirectory(out)) {
      throw new Main.UsageException("--out " + out + " is a directory; give the policy file to write");
    }
  }

  /**
   * The truth of the learned policy, of the log's behaviour (when its name is a policy spec) and of the
   * best static template.
   */
  private Map<String, Object> truth(SimSettings sim, TemplateBandits.FeatureMode mode, List<LoggedDecision> log) {
    OpeStudy study = new OpeStudy(sim, new OpeStudy.Settings(PolicySpec.parse("uniform"), PolicySpec.parse("uniform"),
        2, truthEpisodes, seed, mode, 10, 0, 1));
    LoggedDecision first = log.stream().filter(d -> d.episode() == 0 && d.step() == 0).findFirst().orElse(null);
    if (first == null || !java.util.Arrays.equals(first.context(), study.firstLoggedContext())) {
      throw new Main.UsageException("--truth-episodes: the log's first episode was not drawn in the world of --seed "
          + seed + ", --features " + mode.cliName() + (config.file == null ? "" : " and --config " + config.file)
          + "; give the --seed, --features and --config the log was written with (ope --log)");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Summary t = study.truth(PolicySpec.parse("learned:file=" + out));
    m.put("truth", summary(t));
    PolicySpec behaviorSpec = null;
    try {
      behaviorSpec = PolicySpec.parse(first.policy());
    } catch (IllegalArgumentException e) {
      // A behaviour that is not a policy spec of ope (another tool's log): no behaviour truth.
    }
    if (behaviorSpec != null && !behaviorSpec.kind().equals("learned")) {
      Map<String, Object> b = summary(study.truth(behaviorSpec));
      b.put("policy", behaviorSpec.toString());
      m.put("behavior_truth", b);
    }
    // The best template of a static sweep as long as the truth (at most ope's default 2,000 episodes, 8 plays each).
    String sweep = "best-static:episodes=" + Math.min(2000, truthEpisodes);
    Map<String, Object> best = summary(study.truth(PolicySpec.parse(sweep)));
    best.put("policy", sweep);
    m.put("best_static_truth", best);
    return m;
  }

  private static Map<String, Object> summary(Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", s.mean());
    m.put("ci_low", s.ciLow());
    m.put("ci_high", s.ciHigh());
    m.put("episodes", s.n());
    return m;
  }

  /** Which row of the log {@code i} is, as a user finds it: a team log's line, a decision's number. */
  private String rowName(int i) {
    return switch (format) {
      case "team" -> "line " + teamLines[i];
      case "decisions" -> "decision " + (i + 1);
      default -> "row " + (i + 1);
    };
  }

  static Map<String, Object> value(HeldOutEvaluation.Value v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", finite(v.value()));
    m.put("ci_low", finite(v.low()));
    m.put("ci_high", finite(v.high()));
    if (v.dropped() > 0) {
      m.put("dropped_resamples", v.dropped());
    }
    return m;
  }

  /** A number, or JSON null when it is undefined (NaN). */
  private static Object finite(double x) {
    return Double.isNaN(x) ? null : x;
  }

  private static Map<String, Object> estimates(HeldOutEvaluation.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ipw", value(r.ipw()));
    m.put("snipw", value(r.snipw()));
    m.put("dr", value(r.dr()));
    m.put("matching_rounds", r.matching());
    m.put("effective_samples", r.effectiveSamples());
    return m;
  }

  private void warnBad(BadRows bad) {
    if (!bad.isEmpty()) {
      spec.commandLine().getErr().println("rlsearch: learn: " + data + ": " + bad.describe() + " (left out)");
    }
  }

  private static String oneLine(String s) {
    return s == null ? "(no message)" : s.replaceAll("\\s*\\R\\s*", " ");
  }

  @SuppressWarnings("unchecked")
  private void print(PrintWriter w, Map<String, Object> o, HeldOutEvaluation.Result learned,
      HeldOutEvaluation.Result uniform, HeldOutEvaluation.Result popular, HeldOutEvaluation.Value behaviorValue) {
    w.printf(Locale.ROOT, "Learn from logs: %s, learner %s, seed %d%n", o.get("source"), learner, seed);
    w.printf(Locale.ROOT, "rows: %d train, %d held out (%.0f%% of the rounds); %d actions, %d positions%n",
        o.get("train_rounds"), o.get("heldout_rounds"), holdout * 100, o.get("n_actions"), o.get("n_positions"));
    w.printf(Locale.ROOT, "policy written to %s%n%n", out);
    w.printf(Locale.ROOT, "held-out value per row, 95%% percentile-bootstrap intervals (%d resamples)%n", bootstrap);
    w.printf(Locale.ROOT, "%-18s %-30s %-30s %-30s %9s %9s%n", "policy", "IPW", "SNIPW", "DR", "matching", "ESS");
    row(w, "learned (greedy)", learned);
    row(w, "uniform random", uniform);
    row(w, "most popular", popular);
    w.printf(Locale.ROOT, "%-18s %-30s (mean reward of the held-out rows)%n", "behaviour (logged)",
        fmt(behaviorValue));
    if (o.containsKey("truth")) {
      w.printf(Locale.ROOT, "%nsimulator truth (%d fresh episodes):%n", truthEpisodes);
      w.printf(Locale.ROOT, "  %-28s %s%n", "learned (greedy)", truthText((Map<String, Object>) o.get("truth")));
      if (o.containsKey("behavior_truth")) {
        Map<String, Object> b = (Map<String, Object>) o.get("behavior_truth");
        w.printf(Locale.ROOT, "  %-28s %s%n", "behaviour " + b.get("policy"), truthText(b));
      }
      Map<String, Object> best = (Map<String, Object>) o.get("best_static_truth");
      w.printf(Locale.ROOT, "  %-28s %s%n", best.get("policy"), truthText(best));
    }
    w.printf(Locale.ROOT, "%nThe learned policy is deterministic: only the %d held-out rows whose logged action is its"
        + " choice carry weight (effective sample size %.1f, mean weight %.3f), so its intervals are wider than the"
        + " behaviour's.%n", learned.matching(), learned.effectiveSamples(), learned.weightMean());
  }

  private static void row(PrintWriter w, String name, HeldOutEvaluation.Result r) {
    w.printf(Locale.ROOT, "%-18s %-30s %-30s %-30s %9d %9.1f%n", name, fmt(r.ipw()), fmt(r.snipw()), fmt(r.dr()),
        r.matching(), r.effectiveSamples());
  }

  static String fmt(HeldOutEvaluation.Value v) {
    if (Double.isNaN(v.value())) {
      return "undefined (no matching rows)";
    }
    if (Double.isNaN(v.low())) {
      return String.format(Locale.ROOT, "%.4g [interval undefined]", v.value());
    }
    // an interval over the resamples that had weight, marked with how many had none
    return String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", v.value(), v.low(), v.high())
        + (v.dropped() > 0 ? "*" + v.dropped() : "");
  }

  private static String truthText(Map<String, Object> m) {
    return String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", (double) m.get("value"), (double) m.get("ci_low"),
        (double) m.get("ci_high"));
  }
}
