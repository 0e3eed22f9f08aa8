package io.rlsearch.api;

import io.rlsearch.actors.cluster.ClusterCoordinator;
import io.rlsearch.actors.cluster.RunDescriptor;
import io.rlsearch.actors.cluster.RunFactory;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.World;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The command line's side of clustered runs: worlds and agents from the experiment a run carries. */
public final class ClusterRuns implements RunFactory, AutoCloseable {
  private final Map<String, RunConfig> configs = new java.util.concurrent.ConcurrentHashMap<>();
  private SharedLearner learner;

  private RunConfig config(RunDescriptor d) {
    return configs.computeIfAbsent(d.experiment(), RunConfig::ofRenderedExperiment);
  }

  private final Map<String, World> worlds = new java.util.concurrent.ConcurrentHashMap<>();

  /** The run's world, generated once per node (the learner, the registry's replay sizing and the cache all ask). */
  @Override
  public World world(RunDescriptor d) {
    return worlds.computeIfAbsent(d.runId(), id -> config(d).world(d.seed()));
  }

  @Override
  public Task task(RunDescriptor d) {
    return config(d).taskFor(d.agent());
  }

  @Override
  public synchronized AgentBuilder agent(RunDescriptor d) {
    if (RunConfig.NEURAL.contains(d.agent())) {
      if (RunConfig.OFFLINE.contains(d.agent())) {
        throw new BadRequestException(d.agent() + " trains offline first; clustered runs take the online agents");
      }
      if (learner == null) {
        learner = new SharedLearner(config(d).learnerDevice());
      }
      return RunConfig.neural(d.agent(), learner, false);
    }
    return config(d).agent(d.agent());
  }

  /** The coordinator's settings from the node's resolved configuration. */
  public static ClusterCoordinator.Settings settings(com.typesafe.config.Config c) {
    com.typesafe.config.Config k = c.getConfig("rlsearch.cluster");
    return new ClusterCoordinator.Settings(k.getInt("shards"), k.getInt("batch"), k.getInt("parallelism"),
        k.getDuration("ask-timeout"), k.getDuration("retry-pause"), k.getInt("max-retries"),
        k.getInt("replay-capacity"), k.getDuration("work-timeout"), k.getString("checkpoint-dir"),
        k.getInt("checkpoint-every"));
  }

  /** The report as JSON, with train's field names where they mean the same. */
  public static Map<String, Object> toJson(ClusterCoordinator.Report r, long nodes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("agent", r.run().agent());
    m.put("episodes", r.learned());
    m.put("seed", r.run().seed());
    m.put("deterministic", true);
    m.put("round_size", r.run().roundSize());
    m.put("nodes", nodes);
    m.put("nodes_that_played", r.nodes());
    m.put("transitions_produced", r.produced());
    m.put("transitions_consumed", r.learned());
    m.put("transitions_lost", r.lost());
    m.put("duplicates_ignored", r.duplicates());
    m.put("retries", r.retries());
    m.put("policy_versions", r.versions());
    m.put("replay", Map.of("stored", r.replayStored()));
    m.put("mean", Map.of("reward", r.meanReward(), "gmv", r.meanGmv()));
    m.put("final", Map.of("reward", r.finalReward()));
    m.put("episodes_per_sec", r.learned() / Math.max(r.wallSeconds(), 1e-9));
    m.put("wall_s", r.wallSeconds());
    m.put("resumed_at_round", r.resumedAtRound());
    r.failure().ifPresent(f -> m.put("failure", f));
    return m;
  }

  /**
   * A clustered run's result: the coordinator's report (episodes learned, rewards, losses, retries,
   * failure) and the env nodes that were up at its end. {@link #toJson(ClusterCoordinator.Report, long)} renders it.
   */
  public record ClusterResult(ClusterCoordinator.Report report, long envNodes) {}

  /**
   * Runs {@code run} from this learner node once the env nodes it needs are up, with the run's deadline.
   *
   * @throws java.util.concurrent.TimeoutException when the report does not come within the deadline
   */
  public static ClusterResult runOn(io.rlsearch.actors.cluster.ClusterNode node, ClusterRuns runs, RunDescriptor run,
      com.typesafe.config.Config config, java.util.List<String> roles, int minEnv, long episodes) throws Exception {
    int envNodes = Math.max(minEnv, roles.contains("env") ? 1 : 0);
    node.awaitUp("env", envNodes, startTimeout()).toCompletableFuture().get();
    node.awaitRegions(envNodes, startTimeout()).toCompletableFuture().get();
    Duration limit = PipelineRunner.deadline(episodes);
    ClusterCoordinator.Report r = node.run(run, runs, settings(config), System::nanoTime).toCompletableFuture()
        .get(limit.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    return new ClusterResult(r, node.upWithRole("env"));
  }

  /**
   * Runs the experiment of {@code cfg} across the cluster of its topology, this process being a
   * learner node (its host, port, seed nodes and roles from the topology); prints the report as the
   * train command does and returns its exit code.
   */
  public static int trainOnThisNode(RunConfig cfg, String agent, java.util.Optional<Long> episodes,
      java.util.Optional<Long> seed, java.nio.file.Path report, boolean json, java.io.PrintWriter out,
      java.io.PrintWriter err) throws Exception {
    com.typesafe.config.Config config = io.rlsearch.actors.cluster.ClusterNode.config(cfg.topology);
    java.util.List<String> roles = config.getStringList("rlsearch.cluster.roles");
    if (!roles.contains("learner")) {
      throw new BadRequestException("rlsearch.cluster.roles: train runs the experiment, so this node needs the"
          + " learner role; got " + roles + " (start other nodes with `./rlsearch node`)");
    }
    long s = seed.orElse(cfg.seed());
    long n = episodes.orElse(cfg.episodes());
    if (s < 0 || n < 1) {
      throw new BadRequestException("--seed must be >= 0 and --episodes >= 1");
    }
    com.typesafe.config.Config k = config.getConfig("rlsearch.cluster");
    return runNode(config, roles, cfg, agent, n, s, k.getInt("round-size"), k.getInt("min-env-nodes"), report, json,
        out, err, k.getString("host") + ":" + k.getInt("port"), null);
  }

  /**
   * Runs a node with {@code roles}: a learner node waits for {@code minEnv} env nodes and their shard
   * regions, runs the experiment, prints (and writes to {@code report}) the report, leaves, and
   * returns the exit code; another node runs until its system terminates (Ctrl-C, SIGTERM).
   */
  public static int runNode(com.typesafe.config.Config config, java.util.List<String> roles, RunConfig cfg, String agent,
      long episodes, long seed, int roundSize, int minEnv, java.nio.file.Path report, boolean json,
      java.io.PrintWriter out, java.io.PrintWriter err, String address, String runId) throws Exception {
    try (ClusterRuns runs = new ClusterRuns()) {
      RunDescriptor run = new RunDescriptor(runId != null ? runId : runId(cfg.renderedExperiment(), agent, seed,
          episodes, roundSize), cfg.renderedExperiment(), agent, seed, episodes, roundSize);
      if (roles.contains("learner")) {
        runs.agent(run); // refuses an unknown or offline agent before the cluster starts
      }
      io.rlsearch.actors.cluster.ClusterNode node = io.rlsearch.actors.cluster.ClusterNode.start(config, runs);
      try {
        if (!roles.contains("learner")) {
          err.printf(java.util.Locale.ROOT, "node %s (%s) joined; Ctrl-C to stop%n", address, String.join(",", roles));
          node.system().getWhenTerminated().toCompletableFuture().get();
          return 0;
        }
        ClusterResult cr;
        try {
          cr = runOn(node, runs, run, config, roles, minEnv, episodes);
        } catch (java.util.concurrent.TimeoutException e) {
          err.println("rlsearch: no report within " + PipelineRunner.deadline(episodes).toSeconds()
              + " s: the clustered run is stuck");
          return 1;
        }
        ClusterCoordinator.Report r = cr.report();
        String text = Json.write(toJson(r, cr.envNodes()));
        if (report != null) {
          java.nio.file.Files.writeString(report, text + "\n");
        }
        if (json) {
          out.println(text);
        } else {
          out.printf(java.util.Locale.ROOT, "%s: %d episodes on %d env node(s), mean reward %.3f, final %.3f,"
              + " %,.0f episodes/s, lost %d, retries %d%n", agent, r.learned(), cr.envNodes(), r.meanReward(),
              r.finalReward(), r.learned() / Math.max(r.wallSeconds(), 1e-9), r.lost(), r.retries());
        }
        return r.failure().isPresent() ? 1 : 0;
      } catch (java.util.concurrent.ExecutionException e) {
        err.println("rlsearch: " + e.getCause().getMessage());
        return 1;
      } finally {
        node.close();
      }
    }
  }

  /**
   * The run's id when none is given: the same on every learner node started with the same experiment
   * and flags, so each of them starts the same singletons and one takes over if another is lost.
   */
  public static String runId(String experiment, String agent, long seed, long episodes, int roundSize) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest((experiment + "\n" + agent + "\n" + seed
          + "\n" + episodes + "\n" + roundSize).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "run-" + agent + "-" + seed + "-" + episodes + "-" + java.util.HexFormat.of().formatHex(d, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Duration startTimeout() {
    return Duration.ofSeconds(120);
  }

  @Override
  public synchronized void close() {
    if (learner != null) {
      learner.close();
    }
  }
}
