package io.rlsearch.app;

import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.app.report.BattleReport;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.NeuralAgents;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.learn.CqlAgent;
import io.rlsearch.agents.slate.SlateQSnapshot;
import io.rlsearch.learn.DiffRankAgent;
import io.rlsearch.learn.NeuralDirectMethod;
import io.rlsearch.learn.PpoAgent;
import io.rlsearch.learn.SlateQAgent;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code battle}: the Battle Royale, every agent on the same users, through the actor runtime. */
@Command(name = "battle", mixinStandardHelpOptions = true,
    description = {"The Battle Royale (spec 7.9): every agent learns online on the Gym task (rich-estimated 17-d"
        + " observation, 10 boost weights in [-3, 3]) for N episodes, each in its own pipeline on the actor"
        + " runtime, all side by side. Paired by default: every agent meets the same users, queries and"
        + " noise (common random numbers), so differences to Static are measured per episode. Prints a"
        + " table sorted by the final-50 return; several seeds give confidence intervals over seeds.",
        "Agents available: static, random, linucb, ts, contq, reinforce, reinforce_baseline, ppo, cql, slateq,"
        + " diffrank (default: all of these), slateq_simplified (the reference's slate regression) and"
        + " static_slate (the candidates in base-relevance order: on the same users it plays exactly Static's"
        + " sessions, which makes Static the slate agents' baseline too).",
        "slateq, slateq_simplified and diffrank act on the slate task (the slate env: 50 candidates by base"
        + " relevance, one score each) with the same users and queries; the others on the 10 boost weights.",
        "cql is offline: before the battle it is trained (1,000 steps) on 500 decisions of the uniform random"
        + " policy, logged through the runtime on other users of the same world (or on --cql-log FILE), and it"
        + " does not learn during the battle, as the reference."})
final class BattleCommand implements Callable<Integer> {
  static final List<String> AVAILABLE = List.of("static", "random", "linucb", "ts", "contq", "reinforce",
      "reinforce_baseline", "ppo", "cql", "slateq", "slateq_simplified", "diffrank", "static_slate");
  static final List<String> DEFAULT = List.of("static", "random", "linucb", "ts", "contq", "reinforce",
      "reinforce_baseline", "ppo", "cql", "slateq", "diffrank");
  /** Decisions of the random policy CQL is trained on (the reference's 500). */
  static final int CQL_DATASET = 500;
  /** Decisions of the random policy the CQL policy's off-policy estimate is computed on. */
  static final int OPE_DATASET = 1000;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "1000",
      description = "Episodes per agent and seed (default: ${DEFAULT-VALUE}, the reference's).")
  int episodes;

  @Option(names = "--seeds", paramLabel = "LIST", split = ",", defaultValue = "2025",
      description = "Seeds (world and streams), one run of every agent each (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--agents", paramLabel = "LIST", split = ",",
      description = "Agents to run (default: all available).")
  List<String> agents;

  @Option(names = "--shared-env",
      description = "Unpaired, as the reference: every agent meets different users (its own continuation of the"
          + " stream) instead of the same ones.")
  boolean sharedEnv;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write results.json, results.csv, curves.csv and a self-contained report.html to DIR.")
  Path out;

  @Option(names = "--cql-log", paramLabel = "FILE",
      description = "Train cql on this logged-decision file (JSON Lines with continuous decisions, e.g. the"
          + " cql_dataset.jsonl that --out writes) instead of collecting 500 random decisions per seed.")
  Path cqlLog;

  @Option(names = "--cql-steps", paramLabel = "N", defaultValue = "1000",
      description = "CQL's offline training steps (minibatches of 64; default: ${DEFAULT-VALUE}, the reference's).")
  int cqlSteps;

  @Mixin ConfigOption config = new ConfigOption();

  @Mixin DashboardOption dashboard = new DashboardOption();

  @Option(names = "--cm2-floor", paramLabel = "F", defaultValue = "0.2",
      description = "CM2 floor per episode for the constraint columns: the share of windows of 100 episodes whose"
          + " mean CM2 lies below it (default: ${DEFAULT-VALUE}).")
  double cm2Floor;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (episodes < 50 || episodes > 1_000_000) {
      throw new Main.UsageException("--episodes must be in 50..1000000 (the final-50 figure needs 50), got " + episodes);
    }
    if (cqlSteps < 1 || cqlSteps > 1_000_000) {
      throw new Main.UsageException("--cql-steps must be in 1..1000000, got " + cqlSteps);
    }
    if (seeds.isEmpty()) {
      throw new Main.UsageException("--seeds needs at least one seed");
    }
    for (long s : seeds) {
      if (s < 0 || s > Integer.MAX_VALUE / 64) {
        throw new Main.UsageException("--seeds entries must be in 0.." + Integer.MAX_VALUE / 64 + ", got " + s);
      }
    }
    List<String> names = agents == null || agents.isEmpty() ? DEFAULT : agents;
    for (String n : names) {
      if (!AVAILABLE.contains(n)) {
        throw new Main.UsageException("--agents: unknown agent '" + n + "'; available: " + String.join(", ", AVAILABLE));
      }
    }
    if (!names.contains("static")) {
      names = new ArrayList<>(names);
      names.add(0, "static");
    }
    SimSettings sim = config.load();
    Task.BoostWeights task = Task.BoostWeights.battle();
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    long start = System.nanoTime();
    Map<String, List<Guardian.RunReport>> reports = new LinkedHashMap<>();
    Map<String, Double> walls = new LinkedHashMap<>();
    for (String n : names) {
      reports.put(n, new ArrayList<>());
      walls.put(n, 0.0);
    }
    io.rlsearch.app.metrics.Telemetry telemetry = new io.rlsearch.app.metrics.Telemetry("battle", System::nanoTime);
    Optional<io.rlsearch.app.metrics.Dashboard> dash = dashboard.start(telemetry, topo.systemConfig(),
        spec.commandLine().getErr());
    try (SharedLearner learner = new SharedLearner()) {
      telemetry.counter("rlsearch_learner_gradient_steps", "Optimiser steps of the shared learner",
          learner::gradientSteps);
      telemetry.gauge("rlsearch_learner_loss", "Moving average of the shared learner's regression losses",
          learner::lossAverage);
      for (long seed : seeds) {
        World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
        List<RunSpec> specs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
          long streamSeed = sharedEnv ? seed * 64 + i : seed;
          String n = names.get(i);
          AgentBuilder builder = n.equals("cql") ? offlineCql(learner, world, task, topo, seed)
              : agent(n, learner, task);
          specs.add(spec(world, slateAgent(n) ? Task.Slate.reference() : task, builder, streamSeed, episodes,
              Optional.empty()));
        }
        if (dash.isPresent()) {
          specs.replaceAll(sp -> sp.observed(telemetry));
        }
        List<PipelineRunner.Outcome> outs = PipelineRunner.runAll(specs, topo.systemConfig());
        for (int i = 0; i < names.size(); i++) {
          Guardian.RunReport r = outs.get(i).report();
          if (r.failure().isPresent() || r.lost() != 0) {
            throw new IllegalStateException("agent " + names.get(i) + " (seed " + seed + ") failed: "
                + r.failure().orElse("lost " + r.lost() + " transitions"));
          }
          reports.get(names.get(i)).add(r);
          walls.merge(names.get(i), outs.get(i).wallSeconds(), Double::sum);
        }
      }
    } finally {
      dash.ifPresent(io.rlsearch.app.metrics.Dashboard::close);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    List<Row> rows = new ArrayList<>();
    List<double[]> staticReturns = returns(reports.get("static"));
    for (String n : names) {
      rows.add(row(n, reports.get(n), walls.get(n), staticReturns));
    }
    rows.sort(Comparator.comparingDouble(Row::final50).reversed());
    if (reports.containsKey("cql")) {
      // Beside each seed's off-policy estimate, the value CQL's policy had online (mean return per
      // episode over the battle's episodes for that seed, CI over episodes).
      List<double[]> cqlReturns = returns(reports.get("cql"));
      for (int i = 0; i < cqlTraining.size() && i < cqlReturns.size(); i++) {
        Summary on = Summary.of(cqlReturns.get(i));
        Map<String, Object> online = new LinkedHashMap<>();
        online.put("value", on.mean());
        online.put("ci_low", on.ciLow());
        online.put("ci_high", on.ciHigh());
        @SuppressWarnings("unchecked")
        Map<String, Object> ope = (Map<String, Object>) cqlTraining.get(i).get("ope");
        ope.put("online", online);
        ope.put("online_within_ci", on.mean() >= (double) ope.get("ci_low") && on.mean() <= (double) ope.get("ci_high"));
      }
    }
    Map<String, Object> result = toJson(rows, wall);
    if (out != null) {
      List<BattleReport.Agent> ra = new ArrayList<>();
      for (Row r : rows) {
        ra.add(new BattleReport.Agent(r.name, r.mean.mean(), r.mean.ciLow(), r.mean.ciHigh(), r.final50, r.gmv, r.cm2,
            r.wall, r.returns));
      }
      BattleReport.write(out, ra, seeds, episodes, "rlsearch Battle Royale");
      java.nio.file.Files.writeString(out.resolve("results.json"), Json.write(result) + System.lineSeparator());
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(result));
    } else {
      print(spec.commandLine().getOut(), rows, wall);
    }
    return 0;
  }

  static RunSpec spec(World world, Task task, AgentBuilder agent, long streamSeed, long users,
      Optional<Path> log) {
    return new RunSpec(world, task, agent, streamSeed, users, false, 1, 1.0, 1, 1, 1, 64, (int) Math.max(users, 1), 0, 3,
        Duration.ofMinutes(5), Duration.ofMinutes(10), 2, log, "", 1);
  }

  /**
   * CQL trained offline: on {@code --cql-log}, or on 500 decisions of the uniform random policy logged
   * through the runtime on users of the same world that the battle does not see (stream seed
   * {@code 64 seed + 63}).
   */
  private AgentBuilder offlineCql(SharedLearner learner, World world, Task.BoostWeights task, RunConfig topo, long seed)
      throws IOException {
    List<LoggedDecision> data;
    if (cqlLog != null) {
      try {
        data = DecisionLog.read(cqlLog);
      } catch (DecisionLog.FormatException | java.io.UncheckedIOException e) {
        throw new Main.UsageException("--cql-log: " + e.getMessage());
      }
    } else {
      data = collectRandom(world, task, topo, seed * 64 + 63, CQL_DATASET, "cql_dataset", seed);
    }
    CqlAgent.Trained t;
    try {
      t = CqlAgent.train(learner, CqlAgent.Settings.battle(task.aMax()).withSteps(cqlSteps), data);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("cql: " + e.getMessage());
    }
    // Off-policy evaluation of the trained policy: the direct method with an MLP reward model on a
    // separate log of 1,000 random decisions (other users again), to set beside its online value.
    List<LoggedDecision> held = collectRandom(world, task, topo, seed * 64 + 62, OPE_DATASET, "cql_ope_log", seed);
    io.rlsearch.eval.ope.Estimate dm = NeuralDirectMethod.estimate(learner, NeuralDirectMethod.Settings.defaults(), held,
        t.policy());
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("seed", seed);
    info.put("transitions", t.transitions());
    info.put("steps", cqlSteps);
    info.put("bellman", t.bellman());
    info.put("penalty", t.penalty());
    Map<String, Object> ope = new LinkedHashMap<>();
    ope.put("estimator", dm.estimator());
    ope.put("estimate", dm.value());
    ope.put("ci_low", dm.ciLow());
    ope.put("ci_high", dm.ciHigh());
    ope.put("log_decisions", dm.n());
    ope.put("note", dm.note());
    info.put("ope", ope);
    cqlTraining.add(info);
    return CqlAgent.frozen(t.policy());
  }

  /** {@code n} decisions of the uniform random policy logged through the runtime (kept in --out as NAME.jsonl). */
  private List<LoggedDecision> collectRandom(World world, Task.BoostWeights task, RunConfig topo, long streamSeed, int n,
      String name, long seed) throws IOException {
    Path tmp = java.nio.file.Files.createTempFile("rlsearch-" + name + "-", ".jsonl");
    try {
      RunSpec collect = spec(world, task, ContinuousAgents.uniform("random", 10, task.aMax()), streamSeed, n,
          Optional.of(tmp));
      Guardian.RunReport r = PipelineRunner.runAll(List.of(collect), topo.systemConfig()).get(0).report();
      if (r.failure().isPresent() || r.lost() != 0) {
        throw new IllegalStateException("collecting " + name + " failed: " + r.failure().orElse("lost " + r.lost()));
      }
      if (out != null) {
        java.nio.file.Files.createDirectories(out);
        java.nio.file.Files.copy(tmp, out.resolve(name + (seeds.size() > 1 ? "_" + seed : "") + ".jsonl"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return DecisionLog.read(tmp);
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }

  private final List<Map<String, Object>> cqlTraining = new ArrayList<>();

  /** Agents that act on the slate task. */
  static boolean slateAgent(String name) {
    return name.startsWith("slateq") || name.equals("diffrank") || name.equals("static_slate");
  }

  private AgentBuilder agent(String name, SharedLearner learner, Task.BoostWeights task) {
    return switch (name) {
      case "static" -> ContinuousAgents.constant("static", new double[10]);
      case "random" -> ContinuousAgents.uniform("random", 10, task.aMax());
      case "linucb" -> BanditAgents.linUcb(new LinUcb.Settings(1.0, 0.5, false));
      case "ts" -> BanditAgents.thompson(LinearThompson.Settings.defaults(), 16);
      case "contq" -> NeuralAgents.qEnsemble(learner, NeuralAgents.QEnsembleSettings.battle(task.aMax()));
      case "reinforce" -> NeuralAgents.reinforce(learner, NeuralAgents.ReinforceSettings.battle(false));
      case "reinforce_baseline" -> NeuralAgents.reinforce(learner, NeuralAgents.ReinforceSettings.battle(true));
      case "ppo" -> PpoAgent.builder(learner, PpoAgent.Settings.battle());
      case "slateq" -> SlateQAgent.builder(learner, SlateQAgent.Settings.battle(SlateQSnapshot.Mode.DECOMPOSED));
      case "slateq_simplified" -> SlateQAgent.builder(learner,
          SlateQAgent.Settings.battle(SlateQSnapshot.Mode.SIMPLIFIED));
      case "diffrank" -> DiffRankAgent.builder(learner, DiffRankAgent.Settings.battle());
      case "static_slate" -> {
        int n = Task.Slate.reference().candidates();
        double[] order = new double[n];
        for (int i = 0; i < n; i++) {
          order[i] = n - i;
        }
        yield ContinuousAgents.constant("static_slate", order);
      }
      default -> throw new Main.UsageException("unknown agent " + name);
    };
  }

  private record Row(String name, Summary mean, double final50, double gmv, double cm2, double wall, List<double[]> returns,
      Summary vsStatic, double exposurePl, double cm2Violations, double diversity) {}

  private static List<double[]> returns(List<Guardian.RunReport> rs) {
    List<double[]> out = new ArrayList<>();
    for (Guardian.RunReport r : rs) {
      out.add(r.evaluator().metrics().rewards());
    }
    return out;
  }

  private Row row(String name, List<Guardian.RunReport> rs, double wall, List<double[]> staticReturns) {
    List<double[]> ret = returns(rs);
    double[] perSeed = new double[rs.size()];
    double final50 = 0;
    double gmv = 0;
    double cm2 = 0;
    double[] diffs = new double[rs.size()];
    double exposure = 0;
    double violations = 0;
    double diversity = 0;
    for (int s = 0; s < rs.size(); s++) {
      exposure += rs.get(s).evaluator().metrics().mean().get("exposure_pl").mean() / rs.size();
      diversity += rs.get(s).evaluator().metrics().mean().get("diversity").mean() / rs.size();
      violations += rs.get(s).evaluator().metrics().cm2FloorViolationRate(cm2Floor, 100) / rs.size();
      double[] r = ret.get(s);
      perSeed[s] = Arrays.stream(r).average().orElse(Double.NaN);
      final50 += Arrays.stream(r, r.length - 50, r.length).average().orElse(Double.NaN) / rs.size();
      gmv += rs.get(s).evaluator().metrics().mean().get("gmv").mean() / rs.size();
      cm2 += rs.get(s).evaluator().metrics().mean().get("cm2").mean() / rs.size();
      diffs[s] = perSeed[s] - Arrays.stream(staticReturns.get(s)).average().orElse(Double.NaN);
    }
    Summary mean;
    Summary vs;
    if (rs.size() >= 2) {
      mean = Summary.of(perSeed);
      vs = Summary.of(diffs);
    } else {
      // One seed: intervals over episodes; the difference to Static is paired episode by episode
      // (same users) unless the environment is shared.
      mean = Summary.of(ret.get(0));
      double[] d = new double[ret.get(0).length];
      for (int e = 0; e < d.length; e++) {
        d[e] = ret.get(0)[e] - staticReturns.get(0)[e];
      }
      vs = Summary.of(d);
    }
    return new Row(name, mean, final50, gmv, cm2, wall, ret, vs, exposure, violations, diversity);
  }

  private Map<String, Object> toJson(List<Row> rows, double wall) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> list = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("name", r.name);
      a.put("mean_return", r.mean.mean());
      a.put("ci_low", r.mean.ciLow());
      a.put("ci_high", r.mean.ciHigh());
      a.put("final_50", r.final50);
      a.put("gmv", r.gmv);
      a.put("cm2", r.cm2);
      a.put("wall_s", r.wall);
      a.put("task", slateAgent(r.name) ? "slate" : "weights");
      a.put("exposure_pl", r.exposurePl);
      a.put("cm2_floor_violation_rate", r.cm2Violations);
      a.put("diversity_at_5", r.diversity);
      Map<String, Object> vs = new LinkedHashMap<>();
      vs.put("mean", r.vsStatic.mean());
      vs.put("ci_low", r.vsStatic.ciLow());
      vs.put("ci_high", r.vsStatic.ciHigh());
      a.put("vs_static", vs);
      list.add(a);
    }
    m.put("agents", list);
    m.put("episodes", episodes);
    m.put("seeds", seeds);
    m.put("paired", !sharedEnv);
    m.put("task", Task.BoostWeights.battle().describe());
    m.put("slate_task", Task.Slate.reference().describe());
    m.put("cm2_floor", cm2Floor);
    m.put("ci", seeds.size() >= 2 ? "over seeds" : "over episodes (one seed)");
    m.put("wall_s", wall);
    if (!cqlTraining.isEmpty()) {
      m.put("cql_training", cqlTraining);
    }
    return m;
  }

  private void print(PrintWriter w, List<Row> rows, double wall) {
    w.printf(Locale.ROOT, "Battle Royale: %d episodes per agent, seeds %s, %s; %s%n", episodes, seeds,
        sharedEnv ? "unpaired (shared env)" : "paired (same users for every agent)", Task.BoostWeights.battle().describe());
    w.printf(Locale.ROOT, "%-19s %9s %20s %9s %8s %7s %22s %7s %7s %7s %7s%n", "agent", "mean", "95% CI", "final 50",
        "GMV", "CM2", "vs Static (95% CI)", "PL exp", "CM2<fl", "div@5", "wall s");
    for (Row r : rows) {
      w.printf(Locale.ROOT, "%-19s %9.3f [%8.3f,%8.3f] %9.3f %8.3f %7.3f %7.3f [%6.3f,%6.3f] %7.3f %7.3f %7.3f %7.1f%n",
          r.name, r.mean.mean(), r.mean.ciLow(), r.mean.ciHigh(), r.final50, r.gmv, r.cm2, r.vsStatic.mean(),
          nz(r.vsStatic.ciLow()), nz(r.vsStatic.ciHigh()), r.exposurePl, r.cm2Violations, r.diversity, r.wall);
    }
    w.printf(Locale.ROOT, "PL exp: private-label share of exposure; CM2<fl: share of 100-episode windows with mean CM2"
        + " below %.2f; div@5: share of the categories among the top 5%n", cm2Floor);
    w.printf(Locale.ROOT, "CIs %s; wall time %.1f s (agents run side by side)%n",
        seeds.size() >= 2 ? "over seeds" : "over episodes", wall);
  }

  private static double nz(double v) {
    return Double.isNaN(v) ? 0.0 : v;
  }
}
