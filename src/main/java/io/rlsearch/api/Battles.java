package io.rlsearch.api;

import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.slate.SlateQSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.BattleStudy;
import io.rlsearch.experiments.BoostReference;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.CqlAgent;
import io.rlsearch.learn.DiffRankAgent;
import io.rlsearch.learn.LearnerDevice;
import io.rlsearch.learn.NeuralAgents;
import io.rlsearch.learn.NeuralDirectMethod;
import io.rlsearch.learn.PpoAgent;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.learn.SlateQAgent;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The Battle Royale as a call: every agent learns online on the weight task (slate agents on the slate
 * task), each in its own pipeline on the actor runtime, all side by side on the same users; then each
 * trained policy serves the same held-out users without exploration ({@link BattleStudy}).
 * {@code ./rlsearch battle} parses its options into a {@link Request}, calls {@link #run} and renders
 * {@link #toJson} or a table.
 */
public final class Battles {
  /** Decisions of the random policy CQL is trained on (the reference's 500). */
  public static final int CQL_DATASET = 500;
  /** Decisions of the random policy the CQL policy's off-policy estimate is computed on. */
  public static final int OPE_DATASET = 1000;

  private Battles() {}

  /**
   * A battle. Refusals name the {@code battle} command's option of the field ({@code --eval-users} for
   * {@code evalUsers}, and so on).
   *
   * @param sim the world's settings (its seed is replaced per seed or by {@code worldSeed})
   * @param agents the line-up; static and random are added when missing (every agent is compared with both)
   * @param seeds seeds (world and streams); intervals are over them
   * @param episodes training episodes per agent and seed
   * @param round episodes per deterministic round
   * @param evalUsers held-out users per seed
   * @param worldSeed the one world every seed plays in, or empty for a world per seed
   * @param sharedEnv unpaired: every agent meets its own continuation of the stream
   * @param cm2Floor the CM2 floor of the constraint columns
   * @param cqlSteps CQL's offline training steps
   * @param cqlLog a logged-decision file CQL trains on instead of collected random decisions
   * @param out a directory that keeps the collected logs (empty: none)
   * @param device the shared learner's device
   * @param telemetry watches every pipeline and the shared learner (metrics, the live page), if anything does
   */
  public record Request(SimSettings sim, List<String> agents, List<Long> seeds, int episodes, int round, int evalUsers,
      OptionalLong worldSeed, boolean sharedEnv, double cm2Floor, int cqlSteps, Optional<Path> cqlLog,
      Optional<Path> out, LearnerDevice device, Optional<io.rlsearch.api.metrics.Telemetry> telemetry) {
    public Request {
      Objects.requireNonNull(sim, "sim");
      if (episodes < 50 || episodes > 1_000_000) {
        throw new BadRequestException("--episodes must be in 50..1000000 (the final-50 figure needs 50), got " + episodes);
      }
      if (worldSeed.isPresent() && (worldSeed.getAsLong() < 0 || worldSeed.getAsLong() > Integer.MAX_VALUE)) {
        throw new BadRequestException("--world-seed must be an integer in 0.." + Integer.MAX_VALUE + " or 'each', got "
            + worldSeed.getAsLong());
      }
      if (round < 1 || round > episodes) {
        throw new BadRequestException("--round must be in 1.." + episodes + " (the episodes), got " + round);
      }
      if (evalUsers < 1 || evalUsers > 1_000_000) {
        throw new BadRequestException("--eval-users must be in 1..1000000, got " + evalUsers);
      }
      if (cqlSteps < 1 || cqlSteps > 1_000_000) {
        throw new BadRequestException("--cql-steps must be in 1..1000000, got " + cqlSteps);
      }
      if (seeds.isEmpty()) {
        throw new BadRequestException("--seeds needs at least one seed");
      }
      for (long s : seeds) {
        if (s < 0 || s > Integer.MAX_VALUE / 64) {
          throw new BadRequestException("--seeds entries must be in 0.." + Integer.MAX_VALUE / 64 + ", got " + s);
        }
      }
      List<String> names = new ArrayList<>(agents.isEmpty() ? Agents.BATTLE_DEFAULT : agents);
      for (String n : names) {
        if (!Agents.BATTLE.contains(n) && Agents.plugin(n) == null) {
          throw new BadRequestException("--agents: unknown agent '" + n + "'; available: "
              + String.join(", ", Agents.BATTLE) + Agents.pluginsListed());
        }
      }
      if (!names.contains("random")) {
        names.add(0, "random");
      }
      if (!names.contains("static")) {
        names.add(0, "static");
      }
      agents = List.copyOf(names);
      seeds = List.copyOf(seeds);
    }
  }

  /**
   * A finished battle.
   *
   * @param request what was asked (with static and random in the line-up)
   * @param study the per-agent results and the references
   * @param cqlTraining per seed, CQL's offline training and its off-policy estimate beside its online value
   * @param wallSeconds the wall time of the whole battle
   */
  public record Result(Request request, BattleStudy.Result study, List<Map<String, Object>> cqlTraining,
      double wallSeconds) {}

  /**
   * Seeds whose training may be under way at once (the default schedule): four, the default battle's
   * seeds. Agents still run their seeds one after the other, so at most one pipeline per agent runs at
   * any time whatever the number of seeds in flight; what the bound holds is memory: each seed in
   * flight keeps its world (and its trained policies until its evaluation). With two, the fast agents
   * waited for the slowest one's seed before starting their third, and the cores were less busy.
   */
  static final int SEEDS_IN_FLIGHT = 4;

  /**
   * How the battle lays its pipelines out in time; results are the same either way (each pipeline is
   * deterministic and every agent has its own models in the shared learner).
   */
  enum Schedule {
    /**
     * One seed at a time: CQL's offline preparation first, then every agent's pipeline at once, and the
     * next seed when all of them are done.
     */
    SEQUENTIAL,
    /**
     * Overlapped: each agent runs its seeds one after the other as soon as it can (at most one
     * pipeline per agent at any time, as in one seed), the other agents' pipelines beside CQL's offline
     * preparation, CQL's pipeline when its training is done, and several seeds in flight
     * ({@link #SEEDS_IN_FLIGHT} by default).
     */
    OVERLAPPED
  }

  /** Runs the battle; {@code clock} gives the wall time (nanoseconds). */
  public static Result run(Request req, RunConfig topo, LongSupplier clock) throws IOException {
    return run(req, topo, clock, Schedule.OVERLAPPED);
  }

  /** Where the battle's agents come from (a seam for tests: {@link #agent} in the battle). */
  interface AgentSource {
    /** Agent {@code name}'s builder for seed {@code seed}. */
    AgentBuilder get(String name, long seed, SharedLearner learner, Task.BoostWeights task);
  }

  /** Runs the battle on {@code schedule}. */
  static Result run(Request req, RunConfig topo, LongSupplier clock, Schedule schedule) throws IOException {
    return run(req, topo, clock, schedule, (n, seed, learner, task) -> agent(n, learner, task), SEEDS_IN_FLIGHT);
  }

  /**
   * Runs the battle on {@code schedule} with agents from {@code agents} (CQL is always the offline one)
   * and, overlapped, up to {@code seedsInFlight} seeds in flight.
   */
  static Result run(Request req, RunConfig topo, LongSupplier clock, Schedule schedule, AgentSource agents,
      int seedsInFlight) throws IOException {
    long start = clock.getAsLong();
    Task.BoostWeights task = Task.BoostWeights.battleTemplates();
    // CQL's offline training per seed index (seed order whatever order they finish in).
    Map<Integer, Map<String, Object>> cqlBySeed = new java.util.concurrent.ConcurrentSkipListMap<>();
    BattleStudy.Result result;
    try (SharedLearner learner = new SharedLearner(req.device())) {
      req.telemetry().ifPresent(t -> {
        t.counter("rlsearch_learner_gradient_steps", "Optimiser steps of the shared learner", learner::gradientSteps);
        t.gauge("rlsearch_learner_loss", "Moving average of the shared learner's regression losses",
            learner::lossAverage);
      });
      // CQL's preparations run one after the other (seed order) on their own thread.
      ExecutorService prep = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rlsearch-battle-cql");
        t.setDaemon(true);
        return t;
      });
      // Starting a pipeline and checking its report happen here, not on the thread that completed the
      // previous step (an actor's, or the preparation's).
      ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rlsearch-battle-start");
        t.setDaemon(true);
        return t;
      });
      try (PipelineRunner.Session session = new PipelineRunner.Session(topo.systemConfig())) {
        // Each agent's last pipeline started: its next seed's starts after it.
        Map<String, CompletableFuture<?>> last = new HashMap<>();
        int[] seedIndex = {0};
        BattleStudy.SeedTrainer trainer = (world, seed, agentNames) -> {
          int si = seedIndex[0]++;
          List<CompletableFuture<AgentBuilder>> builders = new ArrayList<>();
          for (String n : agentNames) {
            builders.add(n.equals("cql") ? CompletableFuture.supplyAsync(() -> {
              try {
                return offlineCql(req, learner, world, task, session, seed, si, cqlBySeed);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }, prep) : CompletableFuture.completedFuture(agents.get(n, seed, learner, task)));
          }
          CompletableFuture<Void> allBuilt = CompletableFuture.allOf(builders.toArray(CompletableFuture[]::new));
          List<CompletableFuture<BattleStudy.Trained>> parts = new ArrayList<>();
          for (int i = 0; i < agentNames.size(); i++) {
            long streamSeed = req.sharedEnv() ? seed * 64 + i : seed;
            String n = agentNames.get(i);
            CompletableFuture<?> gate = schedule == Schedule.SEQUENTIAL ? allBuilt
                : last.getOrDefault(n, CompletableFuture.completedFuture(null));
            CompletableFuture<BattleStudy.Trained> t = builders.get(i).thenCombine(gate, (b, x) -> b)
                .thenComposeAsync(b -> {
                  RunSpec sp = spec(world, slateAgent(n) ? Task.Slate.reference() : task, b, streamSeed,
                      req.episodes(), Optional.empty(), req.round());
                  return session.start(req.telemetry().isPresent() ? sp.observed(req.telemetry().get()) : sp);
                }, starter)
                .thenApplyAsync(o -> trained(req, n, seed, o), starter);
            last.put(n, t);
            parts.add(t);
          }
          // the seed fails at its first failed part, not once every other part has finished
          CompletableFuture<List<BattleStudy.Trained>> seedDone = new CompletableFuture<>();
          for (CompletableFuture<BattleStudy.Trained> part : parts) {
            part.whenComplete((v, x) -> {
              if (x != null) {
                seedDone.completeExceptionally(x);
              }
            });
          }
          CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
              .thenRun(() -> seedDone.complete(parts.stream().map(CompletableFuture::join).toList()));
          return seedDone;
        };
        try {
          result = BattleStudy.run(req.sim(), new BattleStudy.Settings(req.seeds(), req.agents(), req.evalUsers(),
              BoostReference.Settings.battle(0), Math.max(1, Runtime.getRuntime().availableProcessors()),
              req.worldSeed()), trainer, schedule == Schedule.SEQUENTIAL ? 1 : seedsInFlight);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      } finally {
        // The session has stopped every pipeline still under way (after a failure) and failed their
        // futures; a preparation still running stops at its next wait on one, or when its current
        // training ends, and the learner closes only after it.
        starter.shutdownNow();
        prep.shutdownNow();
        try {
          prep.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    List<Map<String, Object>> cqlTraining = new ArrayList<>(cqlBySeed.values());
    addOnlineValues(result, cqlTraining);
    return new Result(req, result, cqlTraining, (clock.getAsLong() - start) / 1e9);
  }

  /** Agent {@code name}'s pipeline on {@code seed}, checked: the battle fails if it failed or lost transitions. */
  private static BattleStudy.Trained trained(Request req, String name, long seed, PipelineRunner.Outcome o) {
    Guardian.RunReport r = o.report();
    if (r.failure().isPresent() || r.lost() != 0) {
      throw new IllegalStateException("agent " + name + " (seed " + seed + ") failed: "
          + r.failure().orElse("lost " + r.lost() + " transitions"));
    }
    io.rlsearch.eval.OnlineMetrics.Report m = r.evaluator().metrics();
    return new BattleStudy.Trained(name, slateAgent(name), r.history().latest(), m.rewards(),
        m.mean().get("gmv").mean(), m.mean().get("cm2").mean(), m.mean().get("exposure_pl").mean(),
        m.cm2FloorViolationRate(req.cm2Floor(), 100), m.mean().get("diversity").mean(), o.wallSeconds());
  }

  /**
   * Beside each seed's off-policy estimate of CQL, the value its policy had online (mean return per
   * episode over the battle's episodes for that seed; the policy is frozen, so the interval over its
   * episodes is the estimate's truth's interval).
   */
  private static void addOnlineValues(BattleStudy.Result result, List<Map<String, Object>> cqlTraining) {
    if (cqlTraining.isEmpty()) {
      return;
    }
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

  /** A battle pipeline of one agent: deterministic rounds of one episode. */
  public static RunSpec spec(World world, Task task, AgentBuilder agent, long streamSeed, long users,
      Optional<Path> log) {
    return spec(world, task, agent, streamSeed, users, log, 1);
  }

  /** A run in deterministic rounds of {@code round} episodes (each round acts with the policy learned before it). */
  public static RunSpec spec(World world, Task task, AgentBuilder agent, long streamSeed, long users, Optional<Path> log,
      int round) {
    return new RunSpec(world, task, agent, streamSeed, users, false, 1, 1.0, 1, round, 1, 64, (int) Math.max(users, 1),
        0, 3, Duration.ofMinutes(5), Duration.ofMinutes(10), 2, log, "", 1);
  }

  /**
   * CQL trained offline: on the request's log, or on 500 decisions of the uniform random policy logged
   * through the runtime on users of the same world that the battle does not see (stream seed
   * {@code 64 seed + 63}).
   */
  private static AgentBuilder offlineCql(Request req, SharedLearner learner, World world, Task.BoostWeights task,
      PipelineRunner.Session session, long seed, int seedIndex, Map<Integer, Map<String, Object>> cqlTraining) throws IOException {
    List<LoggedDecision> data;
    if (req.cqlLog().isPresent()) {
      try {
        data = DecisionLog.readWithoutSlates(req.cqlLog().get());
      } catch (DecisionLog.FormatException | UncheckedIOException e) {
        throw new BadRequestException("--cql-log: " + e.getMessage());
      }
    } else {
      data = collectRandom(req, world, task, session, seed * 64 + 63, CQL_DATASET, "cql_dataset", seed);
    }
    CqlAgent.Trained t;
    try {
      t = CqlAgent.train(learner, CqlAgent.Settings.battle(task.aMax()).withSteps(req.cqlSteps()), data);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("cql: " + e.getMessage());
    }
    // Off-policy evaluation of the trained policy: the direct method with an MLP reward model on a
    // separate log of 1,000 random decisions (other users again), to set beside its online value.
    List<LoggedDecision> held = collectRandom(req, world, task, session, seed * 64 + 62, OPE_DATASET, "cql_ope_log", seed);
    io.rlsearch.eval.ope.Estimate dm = NeuralDirectMethod.estimate(learner, NeuralDirectMethod.Settings.defaults(), held,
        t.policy());
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("seed", seed);
    info.put("transitions", t.transitions());
    info.put("steps", req.cqlSteps());
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
    cqlTraining.put(seedIndex, info);
    return CqlAgent.frozen(t.policy());
  }

  /**
   * {@code n} decisions of the uniform random policy logged through the runtime (kept in out as
   * NAME.jsonl), run in the battle's session beside its other pipelines (not in an actor system of its
   * own, which costs a start and a stop each time).
   */
  private static List<LoggedDecision> collectRandom(Request req, World world, Task.BoostWeights task,
      PipelineRunner.Session session, long streamSeed, int n, String name, long seed) throws IOException {
    Path tmp = Files.createTempFile("rlsearch-" + name + "-", ".jsonl");
    try {
      RunSpec collect = spec(world, task, ContinuousAgents.uniform("random", 10, task.aMax()), streamSeed, n,
          Optional.of(tmp));
      Guardian.RunReport r;
      try {
        // the session's future completes or fails within the run's deadline
        r = session.start(collect).join().report();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
      if (r.failure().isPresent() || r.lost() != 0) {
        throw new IllegalStateException("collecting " + name + " failed: " + r.failure().orElse("lost " + r.lost()));
      }
      if (req.out().isPresent()) {
        Path out = req.out().get();
        Files.createDirectories(out);
        Files.copy(tmp, out.resolve(name + (req.seeds().size() > 1 ? "_" + seed : "") + ".jsonl"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return DecisionLog.read(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Agents that act on the slate task. */
  public static boolean slateAgent(String name) {
    return name.startsWith("slateq") || name.equals("diffrank") || name.equals("static_slate");
  }

  /** The battle's agent {@code name} with its battle settings (plug-ins as registered). */
  public static AgentBuilder agent(String name, SharedLearner learner, Task.BoostWeights task) {
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
          throw new BadRequestException("unknown agent " + name);
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

  /** The battle's JSON object (what {@code battle --json} prints and {@code --out} keeps as results.json). */
  public static Map<String, Object> toJson(Result res) {
    BattleStudy.Result r = res.study();
    Request req = res.request();
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> list = new ArrayList<>();
    boolean several = r.seeds().size() >= 2;
    BattleStudy.AgentResult st = r.agents().stream().filter(x -> x.name().equals("static")).findFirst().orElseThrow();
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
    m.put("world_seed", req.worldSeed().isPresent() ? (Object) req.worldSeed().getAsLong() : "each");
    m.put("episodes", req.episodes());
    m.put("seeds", r.seeds());
    m.put("paired", !req.sharedEnv());
    m.put("task", Task.BoostWeights.battleTemplates().describe());
    m.put("slate_task", Task.Slate.reference().describe());
    m.put("cm2_floor", req.cm2Floor());
    m.put("ci", several ? "95% over seeds (Student t of the per-seed means)"
        : "none: one seed (intervals are over seeds; run several)");
    m.put("sorted_by", "eval_return");
    m.put("wall_s", res.wallSeconds());
    if (!res.cqlTraining().isEmpty()) {
      m.put("cql_training", res.cqlTraining());
    }
    return m;
  }
}
