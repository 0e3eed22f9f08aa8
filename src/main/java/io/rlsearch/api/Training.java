package io.rlsearch.api;

import io.rlsearch.actors.Checkpointing;
import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunObserver;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.api.metrics.Telemetry;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.Checkpoints;
import io.rlsearch.learn.LearnerDevice;
import io.rlsearch.learn.SharedLearner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A training run as a call: an agent on the zoosim world as an actor pipeline (population, environment
 * shards, batching policy server, learner publishing policy versions, replay buffer, evaluator), with
 * transitions flowing as a backpressured Pekko stream. {@code ./rlsearch train} parses its options into
 * a {@link Request}, calls {@link #run} and renders {@link #toJson} or a summary. Clustered runs go
 * through {@link ClusterRuns}.
 */
public final class Training {
  /**
   * A checkpoint's config key: the policy's context inputs, by name, in its order (a JSON array of
   * strings; {@code =V} is a constant input the serving adapter fills itself, such as a bias).
   */
  public static final String CONTEXT_FEATURES = "context_features";

  /** A checkpoint's config key: the candidate features the policy reads, in its order (a JSON array). */
  public static final String CANDIDATE_FEATURES = "candidate_features";

  private Training() {}

  /**
   * A run; empty values fall back to the experiment's (or the topology's) settings. The field names
   * follow the command's options ({@code offlineLog} is {@code --offline-log}, and so on), and refusals
   * name the options.
   *
   * @param agent the agent's name (built-in or plug-in; empty: the experiment's)
   * @param episodes users (single-session) or returning users (retention)
   * @param shards environment shards
   * @param seed the root seed
   * @param deterministic rounds of the experiment's round size, bit-identical for any number of shards
   * @param faultRate probability that a shard throws on a session attempt (retried)
   * @param crash a chaos test's {@code ROLE@N}
   * @param log a decision log (JSON Lines) to write
   * @param retention users return for more sessions
   * @param sessionsCap with retention, the most sessions per user
   * @param gamma with retention, the discount of the per-user value
   * @param offlineLog for cql, iql and td3_bc: the logged decisions they train on
   * @param offlineSteps their training steps
   * @param checkpoint a checkpoint file written at the end (and every {@code checkpointEvery} transitions)
   * @param checkpointEvery transitions between checkpoints (0: at the end only)
   * @param resume a checkpoint to continue from
   * @param device the shared learner's device (empty: the topology's)
   * @param telemetry watches the run and the learner (metrics, the live page), if anything does
   * @param observer a subscriber of the run's transitions and health, as they happen (beside telemetry)
   * @param progress a progress bar on a terminal's stderr
   */
  public record Request(Optional<String> agent, Optional<Long> episodes, Optional<Integer> shards, Optional<Long> seed,
      boolean deterministic, double faultRate, Optional<String> crash, Optional<Path> log, boolean retention,
      int sessionsCap, double gamma, Optional<Path> offlineLog, int offlineSteps, Optional<Path> checkpoint,
      long checkpointEvery, Optional<Path> resume, Optional<LearnerDevice> device, Optional<Telemetry> telemetry,
      Optional<RunObserver> observer, boolean progress) {
    /** A plain run of {@code agent} for {@code episodes} users, everything else from the experiment. */
    public static Request of(String agent, long episodes) {
      return new Request(Optional.of(agent), Optional.of(episodes), Optional.empty(), Optional.empty(), false, 0,
          Optional.empty(), Optional.empty(), false, 100, 0.95, Optional.empty(), 1000, Optional.empty(), 0,
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    /** The same run with {@code o} subscribed to its transitions and health. */
    public Request withObserver(RunObserver o) {
      return new Request(agent, episodes, shards, seed, deterministic, faultRate, crash, log, retention, sessionsCap,
          gamma, offlineLog, offlineSteps, checkpoint, checkpointEvery, resume, device, telemetry, Optional.of(o),
          progress);
    }
  }

  /**
   * A finished run.
   *
   * @param report the runtime's report: counts per consumer, losses, restarts, learner, evaluator, history
   * @param wallSeconds from the guardian's start to its report
   * @param offline an offline agent's training and its direct-method estimate on its log
   */
  public record Result(Guardian.RunReport report, double wallSeconds, Optional<Map<String, Object>> offline) {
    /** Whether the run failed or lost transitions. */
    public boolean failed() {
      return report.failure().isPresent() || report.lost() != 0;
    }
  }

  /** Two subscribers of one run, called in turn. */
  private record BothObservers(RunObserver a, RunObserver b) implements RunObserver {
    @Override
    public void transitions(List<io.rlsearch.core.Transition> batch) {
      a.transitions(batch);
      b.transitions(batch);
    }

    @Override
    public void shardRestarted() {
      a.shardRestarted();
      b.shardRestarted();
    }

    @Override
    public void health(int replaySize, int replayCapacity, double meanBatch, long inFlight, long learnerConsumed) {
      a.health(replaySize, replayCapacity, meanBatch, inFlight, learnerConsumed);
      b.health(replaySize, replayCapacity, meanBatch, inFlight, learnerConsumed);
    }
  }

  /** Runs {@code req} with the experiment and topology of {@code cfg} (a local topology). */
  public static Result run(RunConfig cfg, Request req) {
    String name = req.agent().orElse(cfg.agentName());
    if (req.checkpointEvery() < 0) {
      throw new BadRequestException("--checkpoint-every must be >= 0, got " + req.checkpointEvery());
    }
    if (req.checkpointEvery() > 0 && req.checkpoint().isEmpty()) {
      throw new BadRequestException("--checkpoint-every needs --checkpoint FILE");
    }
    if (cfg.clustered()) {
      throw new BadRequestException("the topology is clustered: run it through ClusterRuns (train does)");
    }
    boolean neural = RunConfig.NEURAL.contains(name);
    if (req.retention() && (req.sessionsCap() < 1 || req.sessionsCap() > 1000)) {
      throw new BadRequestException("--sessions-cap must be in 1..1000, got " + req.sessionsCap());
    }
    if (!(req.gamma() >= 0 && req.gamma() <= 1)) {
      throw new BadRequestException("--gamma must lie in [0, 1], got " + req.gamma());
    }
    if (req.retention() && (req.deterministic() || cfg.deterministic())) {
      throw new BadRequestException("--retention runs are not run in deterministic rounds (each user draws from"
          + " its own streams, so they do not depend on shard timing); drop --deterministic");
    }
    if (req.offlineSteps() < 1 || req.offlineSteps() > 1_000_000) {
      throw new BadRequestException("--offline-steps must be in 1..1000000, got " + req.offlineSteps());
    }
    boolean offlineAgent = RunConfig.OFFLINE.contains(name);
    if (offlineAgent != req.offlineLog().isPresent()) {
      throw new BadRequestException(offlineAgent ? "--agent " + name + " needs --offline-log FILE (the decisions it"
          + " trains on)" : "--offline-log is for --agent cql, iql or td3_bc");
    }
    if (req.retention() && (name.equals("iql") || name.equals("td3_bc"))) {
      throw new BadRequestException("--agent " + name + " trains in the bandit form (one session per decision);"
          + " multi-session logs are for cql with --retention");
    }
    Map<String, Object> offline = new LinkedHashMap<>();
    try (SharedLearner learner = neural ? new SharedLearner(req.device().orElse(cfg.learnerDevice())) : null) {
      AgentBuilder builder;
      if (offlineAgent) {
        builder = offlineAgent(req, learner, name, offline);
      } else {
        builder = neural ? RunConfig.neural(name, learner, req.retention()) : cfg.agent(name);
      }
      return run(cfg, req, name, builder, neural, Optional.ofNullable(learner), offline);
    }
  }

  /**
   * An offline agent (cql, iql, td3_bc) trained on --offline-log before the run, then frozen and
   * evaluated online by the run; the report's {@code offline} holds the training and the direct-method
   * estimate on that log. CQL trains in its bootstrapped form with --retention; iql and td3_bc in the
   * bandit form.
   */
  private static AgentBuilder offlineAgent(Request req, SharedLearner learner, String name, Map<String, Object> offline) {
    List<io.rlsearch.eval.ope.LoggedDecision> data;
    try {
      data = io.rlsearch.eval.ope.DecisionLog.readWithoutSlates(req.offlineLog().orElseThrow());
    } catch (io.rlsearch.eval.ope.DecisionLog.FormatException | java.io.UncheckedIOException e) {
      throw new BadRequestException("--offline-log: " + e.getMessage());
    }
    double aMax = Task.BoostWeights.battle().aMax();
    double g = req.retention() ? 0.9 : 0.0;
    offline.put("log", req.offlineLog().orElseThrow().toString());
    io.rlsearch.agents.spi.PolicySnapshot policy;
    AgentBuilder frozen;
    try {
      if (name.equals("cql")) {
        io.rlsearch.learn.CqlAgent.Trained t = io.rlsearch.learn.CqlAgent.train(learner,
            io.rlsearch.learn.CqlAgent.Settings.battle(aMax).withGamma(g).withSteps(req.offlineSteps()), data);
        offline.put("transitions", t.transitions());
        offline.put("steps", req.offlineSteps());
        offline.put("form", g > 0 ? "bootstrapped, gamma " + g : "bandit");
        offline.put("bellman", t.bellman());
        offline.put("penalty", t.penalty());
        policy = t.policy();
        frozen = io.rlsearch.learn.CqlAgent.frozen(t.policy());
      } else {
        io.rlsearch.learn.OfflineAgents.Settings os = new io.rlsearch.learn.OfflineAgents.Settings(
            new int[] {128, 128}, 3e-4, req.offlineSteps(), 128, 0.7, 3.0, 2.5, aMax, 42);
        io.rlsearch.learn.OfflineAgents.Trained t = name.equals("iql")
            ? io.rlsearch.learn.OfflineAgents.iql(learner, os, data)
            : io.rlsearch.learn.OfflineAgents.td3bc(learner, os, data);
        offline.put("transitions", t.transitions());
        offline.put("steps", req.offlineSteps());
        offline.put("form", "bandit");
        offline.put("critic_loss", t.criticLoss());
        offline.put("actor_loss", t.actorLoss());
        policy = t.policy();
        frozen = io.rlsearch.learn.OfflineAgents.frozen(t.policy());
      }
      io.rlsearch.eval.ope.Estimate dm = io.rlsearch.learn.NeuralDirectMethod.estimate(learner,
          io.rlsearch.learn.NeuralDirectMethod.Settings.defaults(), data, policy);
      Map<String, Object> ope = new LinkedHashMap<>();
      ope.put("estimator", dm.estimator());
      ope.put("estimate", dm.value());
      ope.put("ci_low", dm.ciLow());
      ope.put("ci_high", dm.ciHigh());
      ope.put("note", dm.note() + "; scored on the training log's own contexts");
      offline.put("ope", ope);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("--offline-log: " + e.getMessage());
    }
    return frozen;
  }

  private static Result run(RunConfig cfg, Request req, String name, AgentBuilder builder, boolean neural,
      Optional<SharedLearner> learner, Map<String, Object> offline) {
    long s = req.seed().orElse(cfg.seed());
    if (s < 0) {
      throw new BadRequestException("--seed must be >= 0, got " + s);
    }
    long n = req.episodes().orElse(cfg.episodes());
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new BadRequestException("--episodes must be in 1.." + Integer.MAX_VALUE + ", got " + n);
    }
    int k = req.shards().orElse(cfg.shards());
    if (k < 1 || k > 256) {
      throw new BadRequestException("--shards must be in 1..256, got " + k);
    }
    if (!(req.faultRate() >= 0 && req.faultRate() < 1)) {
      throw new BadRequestException("--inject-faults must lie in [0, 1), got " + req.faultRate());
    }
    io.rlsearch.actors.CrashSwitch crashSwitch;
    try {
      crashSwitch = req.crash().isEmpty() ? io.rlsearch.actors.CrashSwitch.NONE : io.rlsearch.actors.CrashSwitch.parse(req.crash().get());
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
    boolean det = req.deterministic() || cfg.deterministic();
    Task task = cfg.taskFor(name);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("agent", builder.name());
    config.put("agent_settings", neural ? "battle" : cfg.agentSettings(name));
    if (req.offlineLog().isPresent()) {
      config.put("offline_log", req.offlineLog().get().toAbsolutePath().normalize().toString());
    }
    config.put("seed", Long.toString(s));
    config.put("task", task.describe());
    // The features the policy reads, by name, so that serving refuses it under a schema without them.
    io.rlsearch.serving.PolicyForm form = io.rlsearch.serving.PolicyForm.of(task,
        io.rlsearch.sim.ZoosimConfig.fromOverlay(cfg.experiment.getConfig("world")));
    config.put(CONTEXT_FEATURES, io.rlsearch.serving.PolicyForm.encode(form.context()));
    config.put(CANDIDATE_FEATURES, io.rlsearch.serving.PolicyForm.encode(form.candidate()));
    config.put("world", cfg.worldSettings());
    config.put("deterministic", Boolean.toString(det));
    config.put("round_size", det ? Integer.toString(cfg.roundSize()) : "0");
    Optional<Checkpointing.Resume> from = Optional.empty();
    Checkpoints.Checkpoint resumed = null;
    if (req.resume().isPresent()) {
      try {
        resumed = Checkpoints.read(req.resume().get());
        Checkpoints.requireCompatible(resumed, config, List.of("agent", "agent_settings", "seed", "task", "world",
            "deterministic", "round_size", "offline_log"));
      } catch (Checkpoints.CheckpointException e) {
        throw new BadRequestException("--resume: " + e.getMessage());
      }
      if (resumed.usersDone() >= n) {
        throw new BadRequestException("--resume: the checkpoint has already run " + resumed.usersDone() + " of "
            + n + " episodes; ask for more with --episodes");
      }
      from = Optional.of(new Checkpointing.Resume(resumed.state(), resumed.version(), resumed.usersDone(),
          resumed.learnedBeyond()));
    }
    Optional<Checkpointing> saving = Optional.empty();
    if (req.checkpoint().isPresent()) {
      Path file = req.checkpoint().get();
      long before = resumed == null ? 0 : resumed.learned();
      saving = Optional.of(new Checkpointing((state, version, usersDone, learned, beyond) -> Checkpoints.write(file,
          new Checkpoints.Checkpoint(config, usersDone, version, before + learned, state, beyond)), req.checkpointEvery()));
    }
    RunSpec runSpec = cfg.spec(cfg.world(s), task, builder, s, n, req.retention(), req.retention() ? req.sessionsCap() : 1,
        req.retention() ? req.gamma() : 1.0, k, det, req.faultRate(), req.log(), from, saving, learner)
        .withCrash(crashSwitch);
    if (from.isPresent()) {
      try {
        // Fail fast, with one line, on a state that does not fit the agent (before any actor starts).
        builder.restoreState(from.get().state()).close();
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("--resume: the checkpoint's state does not fit agent " + builder.name() + ": "
            + e.getMessage());
      }
    }
    req.telemetry().ifPresent(t -> learner.ifPresent(l -> {
      t.counter("rlsearch_learner_gradient_steps", "Optimiser steps of the shared learner", l::gradientSteps);
      t.gauge("rlsearch_learner_loss", "Moving average of the shared learner's regression losses", l::lossAverage);
    }));
    List<RunObserver> watchers = new java.util.ArrayList<>();
    req.telemetry().ifPresent(watchers::add);
    req.observer().ifPresent(watchers::add);
    RunSpec observed = watchers.isEmpty() ? runSpec : runSpec.observed(watchers.size() == 1 ? watchers.get(0)
        : new BothObservers(watchers.get(0), watchers.get(1)));
    PipelineRunner.Outcome o = PipelineRunner.run(observed, cfg.systemConfig(), req.progress(),
        "train " + builder.name());
    return new Result(o.report(), o.wallSeconds(), offline.isEmpty() ? Optional.empty() : Optional.of(offline));
  }

  /** The run's JSON object ({@code train --json}; {@code --report} keeps it in a file). */
  public static Map<String, Object> toJson(Result res) {
    Guardian.RunReport r = res.report();
    double wall = res.wallSeconds();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("agent", r.spec().agent().name());
    m.put("episodes", r.evaluator().metrics().episodes());
    m.put("shards", r.spec().shards());
    m.put("deterministic", r.spec().deterministic());
    m.put("seed", r.spec().seed());
    m.put("transitions_produced", r.produced());
    m.put("transitions_consumed", r.consumed().values().stream().mapToLong(Long::longValue).min().orElse(0));
    m.put("transitions_consumed_by", r.consumed());
    m.put("transitions_lost", r.lost());
    m.put("restarts", r.shardRestarts() + r.learner().restarts());
    m.put("crashes_injected", r.spec().crash().injected());
    m.put("retries", r.retries());
    m.put("duplicates_ignored", r.evaluator().duplicates());
    m.put("policy_versions", r.history().versions().size());
    Map<String, Object> constraints = new LinkedHashMap<>();
    constraints.put("exposure_pl", r.evaluator().metrics().mean().get("exposure_pl").mean());
    constraints.put("diversity_at_5", r.evaluator().metrics().mean().get("diversity").mean());
    constraints.put("cm2_floor", 0.2);
    constraints.put("cm2_floor_violation_rate", r.evaluator().metrics().cm2FloorViolationRate(0.2, 100));
    m.put("constraints", constraints);
    m.put("mean", metrics(r.evaluator().metrics().mean()));
    m.put("final", metrics(r.evaluator().metrics().last()));
    List<Object> versions = new java.util.ArrayList<>();
    for (OnlineMetrics.VersionMetrics v : r.evaluator().metrics().versions()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("version", v.version());
      row.put("episodes", v.episodes());
      row.put("reward", Json.interval(v.metrics().get("reward")));
      row.put("gmv", Json.interval(v.metrics().get("gmv")));
      versions.add(row);
    }
    m.put("per_version", versions);
    Map<String, Object> batching = new LinkedHashMap<>();
    batching.put("requests", r.batching().requests());
    batching.put("batches", r.batching().batches());
    batching.put("mean_batch", r.batching().meanBatch());
    batching.put("largest_batch", r.batching().largestBatch());
    batching.put("max_wait_ms", r.spec().maxWait().toNanos() / 1e6);
    m.put("policy_server", batching);
    Map<String, Object> replay = new LinkedHashMap<>();
    replay.put("size", r.replay().size());
    replay.put("capacity", r.replay().capacity());
    replay.put("memory_bytes", r.replay().memoryBytes());
    m.put("replay", replay);
    r.spec().resume().ifPresent(from -> {
      Map<String, Object> rf = new LinkedHashMap<>();
      rf.put("users_done", from.firstUser());
      rf.put("version", from.version());
      m.put("resumed_from", rf);
    });
    if (r.spec().checkpointing().isPresent()) {
      m.put("checkpoints_saved", r.checkpoints());
    }
    m.put("episodes_per_sec", r.evaluator().metrics().episodes() / wall);
    m.put("wall_s", wall);
    r.failure().ifPresent(f -> m.put("failure", f));
    res.offline().ifPresent(o -> m.put("offline", o));
    return m;
  }


  private static Map<String, Object> metrics(Map<String, Summary> s) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String k : List.of("reward", "gmv", "cm2", "ctr")) {
      Summary x = s.get(k);
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("mean", x.mean());
      v.put("ci_low", x.ciLow());
      v.put("ci_high", x.ciHigh());
      out.put(k, v);
    }
    return out;
  }
}
