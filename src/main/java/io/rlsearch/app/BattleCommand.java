package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.Agents;
import io.rlsearch.api.RunConfig;
import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.api.report.BattleReport;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.BattleStudy;
import io.rlsearch.experiments.BoostReference;
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
    description = {"The Battle Royale: every agent learns online on the Gym task (rich-estimated 17-d observation,"
        + " 10 boost weights in [-3, 3]) for N episodes, each in its own pipeline on the actor runtime, all side by"
        + " side and on the same users (common random numbers). Then each trained policy, without exploration,"
        + " serves the same held-out users; the table sorts by that evaluation, with the training return beside"
        + " it, paired differences to random and static, and each agent's share of the best per-segment boost"
        + " vectors (an upper reference found by search on the simulator, beside the best fixed vector).",
        "Several seeds (the default: 4) give 95%% intervals over seeds; one seed gives none.",
        "Agents available: static, random, linucb, ts, contq, reinforce (no baseline), reinforce_baseline"
        + " (learned value baseline), ppo, cql, slateq, diffrank (default: all of these), slateq_simplified (the"
        + " reference's slate regression), static_slate (the candidates in base-relevance order), neural_linear"
        + " (LinUCB on a learned representation, after 300 uniform decisions) and neural_ensemble (a bootstrapped"
        + " network ensemble with a UCB bonus). static and random always run. linucb, ts, neural_linear and"
        + " neural_ensemble choose among the 8 Chapter-6 templates carried over to boost weights.",
        "slateq, slateq_simplified and diffrank act on the slate task (the slate env: 50 candidates by base"
        + " relevance, one score each) with the same users and queries; the others on the 10 boost weights.",
        "cql is offline: before the battle it is trained (1,000 steps) on 500 decisions of the uniform random"
        + " policy, logged through the runtime on other users of the same world (or on --cql-log FILE), and it"
        + " does not learn during the battle.",
        "Agents' defaults and why they fit the reward's scale: docs/battle.md.",
        "Agents registered through the agent SPI (a jar on RLSEARCH_CLASSPATH; docs/library.md) can be named too;"
        + " they choose among the 8 templates, as linucb does."})
final class BattleCommand implements Callable<Integer> {
  static final List<String> AVAILABLE = Agents.BATTLE;
  static final List<String> DEFAULT = Agents.BATTLE_DEFAULT;
  /** Decisions of the random policy CQL is trained on (the reference's 500). */
  static final int CQL_DATASET = 500;
  /** Decisions of the random policy the CQL policy's off-policy estimate is computed on. */
  static final int OPE_DATASET = 1000;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "1000",
      description = "Episodes per agent and seed (default: ${DEFAULT-VALUE}, the reference's).")
  int episodes;

  @Option(names = "--seeds", paramLabel = "LIST", split = ",", defaultValue = "2025,2026,2027,2028",
      description = "Seeds (world and streams), one run of every agent each; intervals are over them (default:"
          + " ${DEFAULT-VALUE}; with four the ranking held between disjoint seed sets, see docs/battle.md).")
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

  @Option(names = "--world-seed", paramLabel = "S|each", defaultValue = "2025",
      description = "The world (catalog, segments) every seed plays in: one world is the benchmark and the seeds vary"
          + " its users, queries and behaviour draws (default: ${DEFAULT-VALUE}, the book's); 'each' draws a world per"
          + " seed from the seed itself.")
  String worldSeed;

  @Option(names = "--round", paramLabel = "N", defaultValue = "10",
      description = "Episodes per round: every episode of a round acts with the policy learned from all the rounds"
          + " before it, and the round's transitions are learned in episode order (default: ${DEFAULT-VALUE}; 1"
          + " updates the acting policy after every episode, the reference's protocol, at ten times the messaging).")
  int round;

  @Option(names = "--eval-users", paramLabel = "N", defaultValue = "2000",
      description = "Held-out users per seed that every trained policy serves without exploration (default:"
          + " ${DEFAULT-VALUE}).")
  int evalUsers;

  @Mixin ConfigOption config = new ConfigOption();

  @Mixin DashboardOption dashboard = new DashboardOption();

  @Option(names = "--cm2-floor", paramLabel = "F", defaultValue = "0.2",
      description = "CM2 floor per episode for the constraint columns: the share of windows of 100 episodes whose"
          + " mean CM2 lies below it (default: ${DEFAULT-VALUE}).")
  double cm2Floor;

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (episodes < 50 || episodes > 1_000_000) {
      throw new Main.UsageException("--episodes must be in 50..1000000 (the final-50 figure needs 50), got " + episodes);
    }
    if (!worldSeed.equals("each")) {
      long ws;
      try {
        ws = Long.parseLong(worldSeed);
      } catch (NumberFormatException e) {
        throw new Main.UsageException("--world-seed must be an integer in 0.." + Integer.MAX_VALUE + " or 'each', got '"
            + worldSeed + "'");
      }
      if (ws < 0 || ws > Integer.MAX_VALUE) {
        throw new Main.UsageException("--world-seed must be an integer in 0.." + Integer.MAX_VALUE + " or 'each', got "
            + ws);
      }
    }
    if (round < 1 || round > episodes) {
      throw new Main.UsageException("--round must be in 1.." + episodes + " (the episodes), got " + round);
    }
    if (evalUsers < 1 || evalUsers > 1_000_000) {
      throw new Main.UsageException("--eval-users must be in 1..1000000, got " + evalUsers);
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
      if (!AVAILABLE.contains(n) && Agents.plugin(n) == null) {
        throw new Main.UsageException("--agents: unknown agent '" + n + "'; available: " + String.join(", ", AVAILABLE)
            + Agents.pluginsListed());
      }
    }
    // Every agent is compared with static and random on the same users: both always run.
    if (!names.contains("random")) {
      names = new ArrayList<>(names);
      names.add(0, "random");
    }
    if (!names.contains("static")) {
      names = new ArrayList<>(names);
      names.add(0, "static");
    }
    SimSettings sim = config.load();
    Task.BoostWeights task = Task.BoostWeights.battleTemplates();
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    long start = System.nanoTime();
    io.rlsearch.api.metrics.Telemetry telemetry = new io.rlsearch.api.metrics.Telemetry("battle", System::nanoTime);
    Optional<io.rlsearch.api.metrics.Dashboard> dash = dashboard.start(telemetry, topo.systemConfig(),
        spec.commandLine().getErr());
    BattleStudy.Result result;
    try (SharedLearner learner = deviceOption.learner(Optional.of(topo))) {
      telemetry.counter("rlsearch_learner_gradient_steps", "Optimiser steps of the shared learner",
          learner::gradientSteps);
      telemetry.gauge("rlsearch_learner_loss", "Moving average of the shared learner's regression losses",
          learner::lossAverage);
      List<String> order = names;
      BattleStudy.Trainer trainer = (world, seed, agentNames) -> {
        List<RunSpec> specs = new ArrayList<>();
        try {
          for (int i = 0; i < agentNames.size(); i++) {
            long streamSeed = sharedEnv ? seed * 64 + i : seed;
            String n = agentNames.get(i);
            AgentBuilder builder = n.equals("cql") ? offlineCql(learner, world, task, topo, seed)
                : agent(n, learner, task);
            specs.add(spec(world, slateAgent(n) ? Task.Slate.reference() : task, builder, streamSeed, episodes,
                Optional.empty(), round));
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        if (dash.isPresent()) {
          specs.replaceAll(sp -> sp.observed(telemetry));
        }
        List<PipelineRunner.Outcome> outs = PipelineRunner.runAll(specs, topo.systemConfig());
        List<BattleStudy.Trained> trained = new ArrayList<>();
        for (int i = 0; i < agentNames.size(); i++) {
          Guardian.RunReport r = outs.get(i).report();
          if (r.failure().isPresent() || r.lost() != 0) {
            throw new IllegalStateException("agent " + agentNames.get(i) + " (seed " + seed + ") failed: "
                + r.failure().orElse("lost " + r.lost() + " transitions"));
          }
          io.rlsearch.eval.OnlineMetrics.Report m = r.evaluator().metrics();
          trained.add(new BattleStudy.Trained(agentNames.get(i), slateAgent(agentNames.get(i)), r.history().latest(),
              m.rewards(), m.mean().get("gmv").mean(), m.mean().get("cm2").mean(), m.mean().get("exposure_pl").mean(),
              m.cm2FloorViolationRate(cm2Floor, 100), m.mean().get("diversity").mean(), outs.get(i).wallSeconds()));
        }
        return trained;
      };
      try {
        result = BattleStudy.run(sim, new BattleStudy.Settings(seeds, order, evalUsers,
            BoostReference.Settings.battle(0), Math.max(1, Runtime.getRuntime().availableProcessors()),
            worldSeed.equals("each") ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(Long.parseLong(worldSeed))), trainer);
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    } finally {
      dash.ifPresent(io.rlsearch.api.metrics.Dashboard::close);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (cqlTrainingByAgent()) {
      // Beside each seed's off-policy estimate, the value CQL's policy had online (mean return per
      // episode over the battle's episodes for that seed; the policy is frozen, so the interval over
      // its episodes is the estimate's truth's interval).
      List<double[]> cqlReturns = result.agents().stream().filter(a -> a.name().equals("cql")).findFirst()
          .orElseThrow().curves();
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
    Map<String, Object> json = toJson(result, wall);
    if (out != null) {
      BattleReport.write(out, result, episodes, "rlsearch Battle Royale");
      java.nio.file.Files.writeString(out.resolve("results.json"), Json.write(json) + System.lineSeparator());
    }
    if (this.json) {
      spec.commandLine().getOut().println(Json.write(json));
    } else {
      print(spec.commandLine().getOut(), result, wall);
    }
    return 0;
  }

  private boolean cqlTrainingByAgent() {
    return !cqlTraining.isEmpty();
  }

  static RunSpec spec(World world, Task task, AgentBuilder agent, long streamSeed, long users,
      Optional<Path> log) {
    return spec(world, task, agent, streamSeed, users, log, 1);
  }

  /** A run in deterministic rounds of {@code round} episodes (each round acts with the policy learned before it). */
  static RunSpec spec(World world, Task task, AgentBuilder agent, long streamSeed, long users, Optional<Path> log,
      int round) {
    return new RunSpec(world, task, agent, streamSeed, users, false, 1, 1.0, 1, round, 1, 64, (int) Math.max(users, 1),
        0, 3, Duration.ofMinutes(5), Duration.ofMinutes(10), 2, log, "", 1);
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
      case "linucb" -> BanditAgents.linUcb(new LinUcb.Settings(1.0, 2.0, false), true);
      case "ts" -> BanditAgents.thompson(LinearThompson.Settings.defaults(), 16, true);
      case "contq" -> NeuralAgents.qEnsemble(learner, NeuralAgents.QEnsembleSettings.battle(task.aMax()));
      case "neural_linear" -> io.rlsearch.learn.NeuralLinearAgent.builder(learner,
          io.rlsearch.learn.NeuralLinearAgent.Settings.battle());
      case "neural_ensemble" -> NeuralAgents.neuralEnsemble(learner, NeuralAgents.QEnsembleSettings.templates());
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
      default -> {
        AgentBuilder plugin = Agents.plugin(name);
        if (plugin == null) {
          throw new Main.UsageException("unknown agent " + name);
        }
        yield plugin;
      }
    };
  }

  private static Map<String, Object> interval(Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", s.mean());
    m.put("ci_low", s.n() >= 2 ? s.ciLow() : null);
    m.put("ci_high", s.n() >= 2 ? s.ciHigh() : null);
    return m;
  }

  private Map<String, Object> toJson(BattleStudy.Result r, double wall) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> list = new ArrayList<>();
    boolean several = r.seeds().size() >= 2;
    for (BattleStudy.AgentResult a : r.agents()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", a.name());
      j.put("eval_return", interval(a.evalReturn()));
      j.put("eval_vs_random", interval(a.evalVsRandom()));
      j.put("eval_vs_static", interval(a.evalVsStatic()));
      j.put("share_of_reference", a.shareOfReference());
      j.put("eval_per_seed", a.evalPerSeed());
      j.put("eval_gmv", a.evalGmv().mean());
      j.put("eval_cm2", a.evalCm2().mean());
      j.put("mean_return", a.trainReturn().mean());
      j.put("ci_low", several ? a.trainReturn().ciLow() : null);
      j.put("ci_high", several ? a.trainReturn().ciHigh() : null);
      j.put("final_50", a.final50());
      j.put("gmv", a.gmv());
      j.put("cm2", a.cm2());
      j.put("wall_s", a.wallSeconds());
      j.put("task", a.slate() ? "slate" : "weights");
      j.put("exposure_pl", a.exposurePl());
      j.put("cm2_floor_violation_rate", a.cm2Violations());
      j.put("diversity_at_5", a.diversity());
      double[] vs = new double[a.curves().size()];
      BattleStudy.AgentResult st = r.agents().stream().filter(x -> x.name().equals("static")).findFirst().orElseThrow();
      for (int s = 0; s < vs.length; s++) {
        vs[s] = java.util.Arrays.stream(a.curves().get(s)).average().orElse(Double.NaN)
            - java.util.Arrays.stream(st.curves().get(s)).average().orElse(Double.NaN);
      }
      j.put("vs_static", interval(Summary.of(vs)));
      list.add(j);
    }
    m.put("agents", list);
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("fixed", Map.of("eval_return", interval(r.fixedReference())));
    ref.put("per_segment", Map.of("eval_return", interval(r.perSegmentReference())));
    m.put("reference", ref);
    m.put("eval_users", r.evalUsers());
    m.put("world_seed", worldSeed.equals("each") ? "each" : (Object) Long.parseLong(worldSeed));
    m.put("episodes", episodes);
    m.put("seeds", r.seeds());
    m.put("paired", !sharedEnv);
    m.put("task", Task.BoostWeights.battleTemplates().describe());
    m.put("slate_task", Task.Slate.reference().describe());
    m.put("cm2_floor", cm2Floor);
    m.put("ci", several ? "95% over seeds (Student t of the per-seed means)"
        : "none: one seed (intervals are over seeds; run several)");
    m.put("sorted_by", "eval_return");
    m.put("wall_s", wall);
    if (!cqlTraining.isEmpty()) {
      m.put("cql_training", cqlTraining);
    }
    return m;
  }

  private static String ci(Summary s) {
    return s.n() >= 2 ? String.format(Locale.ROOT, "[%7.2f,%7.2f]", s.ciLow(), s.ciHigh()) : "        -        ";
  }

  private void print(PrintWriter w, BattleStudy.Result r, double wall) {
    w.printf(Locale.ROOT, "Battle Royale: %d training episodes per agent, %s, seeds %s, %s; %s%n", episodes,
        worldSeed.equals("each") ? "a world per seed" : "world " + worldSeed, r.seeds(),
        sharedEnv ? "unpaired (shared env)" : "paired (same users for every agent)", Task.BoostWeights.battleTemplates().describe());
    w.printf(Locale.ROOT, "Evaluation: each policy without exploration on the same %d held-out users per seed%n",
        r.evalUsers());
    w.printf(Locale.ROOT, "%-19s %8s %17s %8s %17s %8s %17s %8s %8s %6s %6s %6s %6s%n", "agent", "eval", "95% CI",
        "vs rand", "95% CI", "vs stat", "95% CI", "%ref", "train", "GMV", "CM2", "PL exp", "div@5");
    for (BattleStudy.AgentResult a : r.agents()) {
      w.printf(Locale.ROOT, "%-19s %8.2f %17s %8.2f %17s %8.2f %17s %7.1f%% %8.2f %6.2f %6.2f %6.3f %6.3f%n", a.name(),
          a.evalReturn().mean(), ci(a.evalReturn()), a.evalVsRandom().mean(), ci(a.evalVsRandom()),
          a.evalVsStatic().mean(), ci(a.evalVsStatic()), 100 * a.shareOfReference(), a.trainReturn().mean(),
          a.evalGmv().mean(), a.evalCm2().mean(), a.exposurePl(), a.diversity());
    }
    w.printf(Locale.ROOT, "%-19s %8.2f %17s   (best fixed boost vector, found by search; no learning)%n",
        "ref: fixed", r.fixedReference().mean(), ci(r.fixedReference()));
    w.printf(Locale.ROOT, "%-19s %8.2f %17s   (best boost vector per user segment; %%ref is relative to it)%n",
        "ref: per segment", r.perSegmentReference().mean(), ci(r.perSegmentReference()));
    w.printf(Locale.ROOT, "eval: held-out reward of the greedy policy; train: mean reward while learning (exploring);"
        + " GMV, CM2: held-out; PL exp, div@5: while learning%n");
    w.printf(Locale.ROOT, "%s; wall time %.1f s%n", r.seeds().size() >= 2 ? "CIs 95% over seeds"
        : "one seed: no interval (intervals are over seeds; give several with --seeds)", wall);
  }
}
