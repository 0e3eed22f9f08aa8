package io.rlsearch.app;

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
final class ClusterRuns implements RunFactory, AutoCloseable {
  private final Map<String, RunConfig> configs = new java.util.concurrent.ConcurrentHashMap<>();
  private SharedLearner learner;

  private RunConfig config(RunDescriptor d) {
    return configs.computeIfAbsent(d.experiment(), RunConfig::ofRenderedExperiment);
  }

  @Override
  public World world(RunDescriptor d) {
    return config(d).world(d.seed());
  }

  @Override
  public Task task(RunDescriptor d) {
    return RunConfig.NEURAL.contains(d.agent()) ? RunConfig.neuralTask(d.agent())
        : new Task.BoostTemplates(config(d).features());
  }

  @Override
  public synchronized AgentBuilder agent(RunDescriptor d) {
    if (RunConfig.NEURAL.contains(d.agent())) {
      if (RunConfig.OFFLINE.contains(d.agent())) {
        throw new Main.UsageException(d.agent() + " trains offline first; clustered runs take the online agents");
      }
      if (learner == null) {
        learner = new SharedLearner();
      }
      return RunConfig.neural(d.agent(), learner, false);
    }
    return config(d).agent(d.agent());
  }

  /** The coordinator's settings from the node's resolved configuration. */
  static ClusterCoordinator.Settings settings(com.typesafe.config.Config c) {
    com.typesafe.config.Config k = c.getConfig("rlsearch.cluster");
    return new ClusterCoordinator.Settings(k.getInt("shards"), k.getInt("batch"), k.getInt("parallelism"),
        k.getDuration("ask-timeout"), k.getDuration("retry-pause"), k.getInt("max-retries"),
        k.getInt("replay-capacity"));
  }

  /** The report as JSON, with train's field names where they mean the same. */
  static Map<String, Object> toJson(ClusterCoordinator.Report r, long nodes) {
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
    r.failure().ifPresent(f -> m.put("failure", f));
    return m;
  }

  static Duration startTimeout() {
    return Duration.ofSeconds(120);
  }

  @Override
  public synchronized void close() {
    if (learner != null) {
      learner.close();
    }
  }
}
