package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.ClusterRuns;
import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.RunConfig;
import io.rlsearch.actors.Checkpointing;
import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.Checkpoints;
import io.rlsearch.learn.SharedLearner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: a training run as a Pekko pipeline. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Trains an agent on the zoosim world as an actor pipeline: a user population, environment shards,"
        + " a batching policy server, a learner publishing policy versions, a replay buffer and an evaluator, with"
        + " transitions flowing as a backpressured Pekko stream. Prints counts (produced, consumed, lost), restarts,"
        + " policy versions and the mean and final (last 10%% of episodes) reward, GMV, CM2 and CTR.",
        "Agents: linucb, ts, random, static (experiment.static.template), template:NAME on the 8 boost templates;"
        + " contq, reinforce, reinforce_baseline, ppo, random_weights, cql, iql, td3_bc on the 10 boost weights (the Battle"
        + " Royale's task and settings); slateq, slateq_simplified, diffrank on the slate task. Neural agents"
        + " train in the shared DJL learner.",
        "cql is offline: it trains on --offline-log FILE (a logged-decision file with continuous decisions, e.g."
        + " from `train --agent random_weights --log FILE`), in the bootstrapped form across a user's sessions"
        + " with --retention (gamma 0.9) and the bandit form without; the run then evaluates it online, frozen,"
        + " and the report adds its direct-method estimate on the same log. iql and td3_bc train the same way"
        + " (bandit form only; `./rlsearch log` writes such logs).",
        "--retention: users return (multi-session; PPO's GAE and SlateQ's bootstrap then span a user's"
        + " sessions); not with --deterministic.",
        "Checkpoints: --checkpoint FILE saves the learner's whole state (atomically, with a checksum and the"
        + " run's config) at the end and every --checkpoint-every transitions; --resume FILE continues from one:"
        + " the run starts at the first user the checkpoint had not learned and goes on to --episodes users in"
        + " all. A corrupt checkpoint, or one made with another agent, seed, task or settings, is refused. The"
        + " optimiser's moments (DJL's Adam) and SlateQ's and DiffRank's replay buffers are not saved: a resumed"
        + " neural run continues closely, not bit for bit."})
final class TrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--experiment", paramLabel = "FILE",
      description = "Experiment file layered over config/experiments/default.conf (what to run).")
  Path experiment;

  @Option(names = "--topology", paramLabel = "FILE",
      description = "Topology file layered over actors/local.conf (how: shards, batching, buffers, timeouts).")
  Path topology;

  @Option(names = "--agent", paramLabel = "NAME", description = "Agent (default: experiment.agent, linucb).")
  String agent;

  @Option(names = "--episodes", paramLabel = "N", description = "Episodes (default: experiment.episodes, 20000).")
  Long episodes;

  @Option(names = "--shards", paramLabel = "K", description = "Environment shards (default: the topology's, 2).")
  Integer shards;

  @Option(names = "--seed", paramLabel = "S", description = "Root seed (default: experiment.seed, 2025).")
  Long seed;

  @Option(names = "--deterministic", description = "Rounds of experiment.round_size episodes, each acting with one"
      + " policy version and learned in episode order: bit-identical results for any number of shards.")
  boolean deterministic;

  @Option(names = "--inject-faults", paramLabel = "RATE", defaultValue = "0",
      description = "Probability that a shard throws on a session attempt (the session is retried; default 0).")
  double faultRate;

  @Option(names = "--crash", paramLabel = "ROLE@N",
      description = "A test tool for chaos runs: the actor of ROLE (population, shard, policy-server, learner,"
          + " replay, evaluator, registry) throws once at its Nth message. Every role is supervised and keeps its"
          + " state across the restart, so the run completes with nothing lost; a role that keeps failing stops"
          + " after 10 restarts in a minute and the run fails with one line. --json reports crashes_injected.")
  String crash;

  @Option(names = "--log", paramLabel = "FILE", description = "Write every decision to FILE (JSON Lines, for `ope`).")
  Path log;

  @Option(names = "--retention", description = "Users return for more sessions (the retention model, docs/world.md).")
  boolean retention;

  @Option(names = "--sessions-cap", paramLabel = "N", defaultValue = "100",
      description = "With --retention, the most sessions per user (default: ${DEFAULT-VALUE}).")
  int sessionsCap;

  @Option(names = "--gamma", paramLabel = "G", defaultValue = "0.95",
      description = "With --retention, the discount of the per-user value in the report (default: ${DEFAULT-VALUE}).")
  double gamma;

  @Option(names = "--offline-log", paramLabel = "FILE",
      description = "For cql, iql, td3_bc: the logged-decision file it trains on (JSON Lines, continuous decisions).")
  Path offlineLog;

  @Option(names = "--offline-steps", paramLabel = "N", defaultValue = "1000",
      description = "For cql, iql, td3_bc: training steps on the log (cql's minibatches of 64, the others' of 128;"
          + " default: ${DEFAULT-VALUE}, the reference's for cql).")
  int offlineSteps;

  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "Save the learner's state to FILE at the end of the run (and every --checkpoint-every transitions).")
  Path checkpoint;

  @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
      description = "Transitions learned between checkpoints during the run (default 0: only at the end).")
  long checkpointEvery;

  @Option(names = "--resume", paramLabel = "FILE",
      description = "Continue the run saved in checkpoint FILE (same agent, seed, task and settings).")
  Path resume;

  @picocli.CommandLine.Mixin DashboardOption dashboard = new DashboardOption();

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
  Path report;

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--json", description = "Print one JSON object instead of a summary.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RunConfig cfg = RunConfig.load(Optional.ofNullable(experiment), Optional.ofNullable(topology));
    String name = agent != null ? agent : cfg.agentName();
    if (checkpointEvery < 0) {
      throw new Main.UsageException("--checkpoint-every must be >= 0, got " + checkpointEvery);
    }
    if (checkpointEvery > 0 && checkpoint == null) {
      throw new Main.UsageException("--checkpoint-every needs --checkpoint FILE");
    }
    if (cfg.clustered()) {
      return clustered(cfg, name);
    }
    boolean neural = RunConfig.NEURAL.contains(name);
    if (retention && (sessionsCap < 1 || sessionsCap > 1000)) {
      throw new Main.UsageException("--sessions-cap must be in 1..1000, got " + sessionsCap);
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new Main.UsageException("--gamma must lie in [0, 1], got " + gamma);
    }
    if (retention && (deterministic || cfg.deterministic())) {
      throw new Main.UsageException("--retention runs are not run in deterministic rounds (each user draws from"
          + " its own streams, so they do not depend on shard timing); drop --deterministic");
    }
    if (offlineSteps < 1 || offlineSteps > 1_000_000) {
      throw new Main.UsageException("--offline-steps must be in 1..1000000, got " + offlineSteps);
    }
    boolean offlineAgent = RunConfig.OFFLINE.contains(name);
    if (offlineAgent != (offlineLog != null)) {
      throw new Main.UsageException(offlineAgent ? "--agent " + name + " needs --offline-log FILE (the decisions it"
          + " trains on)" : "--offline-log is for --agent cql, iql or td3_bc");
    }
    if (retention && (name.equals("iql") || name.equals("td3_bc"))) {
      throw new Main.UsageException("--agent " + name + " trains in the bandit form (one session per decision);"
          + " multi-session logs are for cql with --retention");
    }
    try (SharedLearner learner = neural ? deviceOption.learner(Optional.of(cfg)) : null) {
      AgentBuilder builder;
      if (offlineAgent) {
        builder = offlineAgent(learner, name);
      } else {
        builder = neural ? RunConfig.neural(name, learner, retention) : cfg.agent(name);
      }
      return run(cfg, name, builder, neural, Optional.ofNullable(learner));
    }
  }

  private Map<String, Object> offline;

  /**
   * A topology with the cluster provider (e.g. {@code --topology actors/cluster.conf}): this process is
   * a learner node of that cluster (its host, port, seed nodes and roles from the topology) and runs
   * the experiment across it, as `node --role learner,...` does.
   */
  private Integer clustered(RunConfig cfg, String name) throws Exception {
    if (retention || checkpoint != null || resume != null || faultRate != 0 || log != null || offlineLog != null
        || shards != null || crash != null) {
      throw new Main.UsageException("a clustered topology runs deterministic rounds of single-session users: drop"
          + " --retention, --checkpoint, --resume, --inject-faults, --crash, --log, --offline-log and --shards (the shards are"
          + " rlsearch.cluster.shards)");
    }
    com.typesafe.config.Config config = io.rlsearch.actors.cluster.ClusterNode.config(cfg.topology);
    List<String> roles = config.getStringList("rlsearch.cluster.roles");
    if (!roles.contains("learner")) {
      throw new Main.UsageException("rlsearch.cluster.roles: train runs the experiment, so this node needs the"
          + " learner role; got " + roles + " (start other nodes with `./rlsearch node`)");
    }
    long s = seed != null ? seed : cfg.seed();
    long n = episodes != null ? episodes : cfg.episodes();
    if (s < 0 || n < 1) {
      throw new Main.UsageException("--seed must be >= 0 and --episodes >= 1");
    }
    com.typesafe.config.Config k = config.getConfig("rlsearch.cluster");
    return ClusterRuns.runNode(config, roles, cfg, name, n, s, k.getInt("round-size"), k.getInt("min-env-nodes"),
        report, json, spec.commandLine().getOut(), spec.commandLine().getErr(),
        k.getString("host") + ":" + k.getInt("port"), null);
  }

  /**
   * An offline agent (cql, iql, td3_bc) trained on --offline-log before the run, then frozen and
   * evaluated online by the run; the report's {@code offline} holds the training and the direct-method
   * estimate on that log. CQL trains in its bootstrapped form with --retention; iql and td3_bc in the
   * bandit form.
   */
  private AgentBuilder offlineAgent(SharedLearner learner, String name) {
    List<io.rlsearch.eval.ope.LoggedDecision> data;
    try {
      data = io.rlsearch.eval.ope.DecisionLog.read(offlineLog);
    } catch (io.rlsearch.eval.ope.DecisionLog.FormatException | java.io.UncheckedIOException e) {
      throw new Main.UsageException("--offline-log: " + e.getMessage());
    }
    double aMax = Task.BoostWeights.battle().aMax();
    double g = retention ? 0.9 : 0.0;
    offline = new LinkedHashMap<>();
    offline.put("log", offlineLog.toString());
    io.rlsearch.agents.spi.PolicySnapshot policy;
    AgentBuilder frozen;
    try {
      if (name.equals("cql")) {
        io.rlsearch.learn.CqlAgent.Trained t = io.rlsearch.learn.CqlAgent.train(learner,
            io.rlsearch.learn.CqlAgent.Settings.battle(aMax).withGamma(g).withSteps(offlineSteps), data);
        offline.put("transitions", t.transitions());
        offline.put("steps", offlineSteps);
        offline.put("form", g > 0 ? "bootstrapped, gamma " + g : "bandit");
        offline.put("bellman", t.bellman());
        offline.put("penalty", t.penalty());
        policy = t.policy();
        frozen = io.rlsearch.learn.CqlAgent.frozen(t.policy());
      } else {
        io.rlsearch.learn.OfflineAgents.Settings os = new io.rlsearch.learn.OfflineAgents.Settings(
            new int[] {128, 128}, 3e-4, offlineSteps, 128, 0.7, 3.0, 2.5, aMax, 42);
        io.rlsearch.learn.OfflineAgents.Trained t = name.equals("iql")
            ? io.rlsearch.learn.OfflineAgents.iql(learner, os, data)
            : io.rlsearch.learn.OfflineAgents.td3bc(learner, os, data);
        offline.put("transitions", t.transitions());
        offline.put("steps", offlineSteps);
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
      throw new Main.UsageException("--offline-log: " + e.getMessage());
    }
    return frozen;
  }

  private Integer run(RunConfig cfg, String name, AgentBuilder builder, boolean neural,
      Optional<SharedLearner> learner) {
    long s = seed != null ? seed : cfg.seed();
    if (s < 0) {
      throw new Main.UsageException("--seed must be >= 0, got " + s);
    }
    long n = episodes != null ? episodes : cfg.episodes();
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new Main.UsageException("--episodes must be in 1.." + Integer.MAX_VALUE + ", got " + n);
    }
    int k = shards != null ? shards : cfg.shards();
    if (k < 1 || k > 256) {
      throw new Main.UsageException("--shards must be in 1..256, got " + k);
    }
    if (!(faultRate >= 0 && faultRate < 1)) {
      throw new Main.UsageException("--inject-faults must lie in [0, 1), got " + faultRate);
    }
    io.rlsearch.actors.CrashSwitch crashSwitch;
    try {
      crashSwitch = crash == null ? io.rlsearch.actors.CrashSwitch.NONE : io.rlsearch.actors.CrashSwitch.parse(crash);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    boolean det = deterministic || cfg.deterministic();
    Task task = cfg.taskFor(name);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("agent", builder.name());
    config.put("agent_settings", neural ? "battle" : cfg.agentSettings(name));
    if (offlineLog != null) {
      config.put("offline_log", offlineLog.toAbsolutePath().normalize().toString());
    }
    config.put("seed", Long.toString(s));
    config.put("task", task.describe());
    config.put("world", cfg.worldSettings());
    config.put("deterministic", Boolean.toString(det));
    config.put("round_size", det ? Integer.toString(cfg.roundSize()) : "0");
    Optional<Checkpointing.Resume> from = Optional.empty();
    Checkpoints.Checkpoint resumed = null;
    if (resume != null) {
      try {
        resumed = Checkpoints.read(resume);
        Checkpoints.requireCompatible(resumed, config, List.of("agent", "agent_settings", "seed", "task", "world",
            "deterministic", "round_size", "offline_log"));
      } catch (Checkpoints.CheckpointException e) {
        throw new Main.UsageException("--resume: " + e.getMessage());
      }
      if (resumed.usersDone() >= n) {
        throw new Main.UsageException("--resume: the checkpoint has already run " + resumed.usersDone() + " of "
            + n + " episodes; ask for more with --episodes");
      }
      from = Optional.of(new Checkpointing.Resume(resumed.state(), resumed.version(), resumed.usersDone(),
          resumed.learnedBeyond()));
    }
    Optional<Checkpointing> saving = Optional.empty();
    if (checkpoint != null) {
      Path file = checkpoint;
      long before = resumed == null ? 0 : resumed.learned();
      saving = Optional.of(new Checkpointing((state, version, usersDone, learned, beyond) -> Checkpoints.write(file,
          new Checkpoints.Checkpoint(config, usersDone, version, before + learned, state, beyond)), checkpointEvery));
    }
    RunSpec runSpec = cfg.spec(cfg.world(s), task, builder, s, n, retention, retention ? sessionsCap : 1,
        retention ? gamma : 1.0, k, det, faultRate, Optional.ofNullable(log), from, saving, learner)
        .withCrash(crashSwitch);
    if (from.isPresent()) {
      try {
        // Fail fast, with one line, on a state that does not fit the agent (before any actor starts).
        builder.restoreState(from.get().state()).close();
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--resume: the checkpoint's state does not fit agent " + builder.name() + ": "
            + e.getMessage());
      }
    }
    io.rlsearch.api.metrics.Telemetry telemetry = new io.rlsearch.api.metrics.Telemetry("train", System::nanoTime);
    learner.ifPresent(l -> telemetry.counter("rlsearch_learner_gradient_steps", "Optimiser steps of the shared learner",
        l::gradientSteps));
    learner.ifPresent(l -> telemetry.gauge("rlsearch_learner_loss",
        "Moving average of the shared learner's regression losses", l::lossAverage));
    Optional<io.rlsearch.api.metrics.Dashboard> dash = dashboard.start(telemetry, cfg.systemConfig(),
        spec.commandLine().getErr());
    PipelineRunner.Outcome o;
    try {
      o = PipelineRunner.run(dash.isPresent() ? runSpec.observed(telemetry) : runSpec, cfg.systemConfig(), !json,
          "train " + builder.name());
    } finally {
      dash.ifPresent(io.rlsearch.api.metrics.Dashboard::close);
    }
    Guardian.RunReport r = o.report();
    if (r.failure().isPresent()) {
      spec.commandLine().getErr().println("rlsearch: train: the run failed: " + r.failure().get());
    }
    Map<String, Object> out = toJson(r, o.wallSeconds());
    if (offline != null) {
      out.put("offline", offline);
    }
    if (report != null) {
      try {
        java.nio.file.Files.writeString(report, Json.write(out) + System.lineSeparator());
      } catch (java.io.IOException e) {
        throw new Main.UsageException("cannot write --report " + report + ": " + e.getMessage());
      }
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), r, o.wallSeconds());
    }
    return r.failure().isPresent() || r.lost() != 0 ? 1 : 0;
  }

  static Map<String, Object> toJson(Guardian.RunReport r, double wall) {
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
    r.spec().resume().ifPresent(res -> {
      Map<String, Object> rf = new LinkedHashMap<>();
      rf.put("users_done", res.firstUser());
      rf.put("version", res.version());
      m.put("resumed_from", rf);
    });
    if (r.spec().checkpointing().isPresent()) {
      m.put("checkpoints_saved", r.checkpoints());
    }
    m.put("episodes_per_sec", r.evaluator().metrics().episodes() / wall);
    m.put("wall_s", wall);
    r.failure().ifPresent(f -> m.put("failure", f));
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

  private static void print(PrintWriter out, Guardian.RunReport r, double wall) {
    OnlineMetrics.Report m = r.evaluator().metrics();
    out.printf(Locale.ROOT, "train %s: %d episodes on %d shards (%s), seed %d%n", r.spec().agent().name(), m.episodes(),
        r.spec().shards(), r.spec().deterministic() ? "deterministic" : "throughput", r.spec().seed());
    out.printf(Locale.ROOT, "transitions produced %d, consumed %s, lost %d; restarts %d, retries %d; %d policy versions%n",
        r.produced(), r.consumed(), r.lost(), r.shardRestarts() + r.learner().restarts(), r.retries(),
        r.history().versions().size());
    out.printf(Locale.ROOT, "%-8s %22s %22s%n", "", "mean (95% CI)", "final 10% (95% CI)");
    for (String k : List.of("reward", "gmv", "cm2", "ctr")) {
      Summary a = m.mean().get(k);
      Summary b = m.last().get(k);
      out.printf(Locale.ROOT, "%-8s %8.3f [%5.3f,%6.3f] %8.3f [%5.3f,%6.3f]%n", k, a.mean(), a.ciLow(), a.ciHigh(),
          b.mean(), b.ciLow(), b.ciHigh());
    }
    out.printf(Locale.ROOT, "policy server: mean batch %.2f (largest %d); %.0f episodes/s, %.1f s%n",
        r.batching().meanBatch(), r.batching().largestBatch(), m.episodes() / wall, wall);
  }
}
