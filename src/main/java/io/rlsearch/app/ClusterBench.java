package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.ClusterRuns;
import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.RunConfig;
import com.typesafe.config.ConfigFactory;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.actors.cluster.ClusterCoordinator;
import io.rlsearch.actors.cluster.ClusterNode;
import io.rlsearch.actors.cluster.RunDescriptor;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.sim.World;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench cluster}: a clustered run over local node processes against the same run in one JVM. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Starts N-1 env node processes on loopback (`node --role env`, this JVM's classpath), joins them"
        + " as the learner+env node, and runs the experiment across the N nodes (deterministic rounds of"
        + " --round-size). Before it, the same run in this JVM: the local actor pipeline in deterministic mode with"
        + " the same rounds (local_episodes_per_sec) and the plain loop. With --kill-node-at T, the last node"
        + " process is killed (SIGKILL) T seconds into the clustered run. Prints nodes, episodes_per_sec,"
        + " transitions_lost, local_episodes_per_sec, their ratio, retries and whether the results agree."})
final class ClusterBench implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "2", description = "Nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--episodes", paramLabel = "E", defaultValue = "20000",
      description = "Episodes (default: ${DEFAULT-VALUE}).")
  long episodes;

  @Option(names = "--agent", paramLabel = "NAME", description = "Agent (default: experiment.agent).")
  String agent;

  @Option(names = "--round-size", paramLabel = "R", defaultValue = "1000",
      description = "Episodes per round (default: ${DEFAULT-VALUE}).")
  int roundSize;

  @Option(names = "--kill-node-at", paramLabel = "SECONDS",
      description = "Kill the last node process this many seconds into the clustered run (needs --nodes >= 2).")
  Double killAt;

  @Option(names = "--experiment", paramLabel = "FILE", description = "Experiment file.")
  Path experiment;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 16) {
      throw new Main.UsageException("--nodes must be in 1..16, got " + nodes);
    }
    if (episodes < 1 || roundSize < 1) {
      throw new Main.UsageException("--episodes and --round-size must be >= 1");
    }
    if (killAt != null && (nodes < 2 || !(killAt >= 0))) {
      throw new Main.UsageException("--kill-node-at needs --nodes >= 2 and a time >= 0");
    }
    RunConfig cfg = RunConfig.load(Optional.ofNullable(experiment), Optional.empty());
    String name = agent != null ? agent : cfg.agentName();
    long seed = cfg.seed();
    Map<String, Object> out = new LinkedHashMap<>();
    try (ClusterRuns runs = new ClusterRuns()) {
      RunDescriptor run = new RunDescriptor("bench-" + System.currentTimeMillis(), cfg.renderedExperiment(), name, seed,
          episodes, roundSize);
      World world = runs.world(run);
      // The same run in one JVM: the plain loop, then the local actor pipeline with the same rounds.
      long t0 = System.nanoTime();
      SyncRunner.Result plain = SyncRunner.run(world, runs.task(run), runs.agent(run), new RunStreams(seed), episodes,
          roundSize, false);
      double plainRate = episodes / ((System.nanoTime() - t0) / 1e9);
      RunSpec local = cfg.spec(world, runs.task(run), runs.agent(run), seed, episodes, false, 1, 1.0, 2, true, 0,
          Optional.empty(), Optional.empty(), Optional.empty()).withRoundSize(roundSize);
      PipelineRunner.Outcome lo = PipelineRunner.run(local, cfg.systemConfig(), false, "local");
      double localRate = episodes / lo.wallSeconds();
      // The cluster: this node (learner, env) and N-1 env node processes.
      int first = freePort();
      List<String> seeds = List.of("127.0.0.1:" + first);
      List<Process> procs = new ArrayList<>();
      Path logs = Files.createTempDirectory("rlsearch-cluster-");
      try {
        for (int i = 1; i < nodes; i++) {
          int p = freePort();
          List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
              Main.class.getName(), "node", "--role", "env", "--port", Integer.toString(p), "--seed-nodes",
              String.join(",", seeds)));
          if (experiment != null) {
            cmd.addAll(List.of("--experiment", experiment.toString()));
          }
          procs.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve("node-" + i + ".log")
              .toFile()).start());
        }
        ClusterNode node = ClusterNode.start(ClusterNode.config(ConfigFactory.empty(), "127.0.0.1", first, seeds,
            List.of("learner", "env")), runs);
        try {
          node.awaitUp("env", nodes, ClusterRuns.startTimeout()).toCompletableFuture().get();
          node.awaitRegions(nodes, ClusterRuns.startTimeout()).toCompletableFuture().get();
          CompletableFuture<Boolean> killed = new CompletableFuture<>();
          if (killAt != null) {
            Process victim = procs.get(procs.size() - 1);
            node.system().scheduler().scheduleOnce(java.time.Duration.ofMillis((long) (killAt * 1000)), () -> {
              victim.destroyForcibly();
              killed.complete(true);
            }, node.system().executionContext());
          }
          ClusterCoordinator.Report r = node.run(run, runs, ClusterRuns.settings(ClusterNode.config(ConfigFactory.empty(),
              "127.0.0.1", first, seeds, List.of("learner", "env"))), System::nanoTime).toCompletableFuture()
              .get(PipelineRunner.deadline(episodes).toSeconds(), TimeUnit.SECONDS);
          double rate = r.learned() / Math.max(r.wallSeconds(), 1e-9);
          out.put("nodes", nodes);
          out.put("agent", name);
          out.put("episodes", episodes);
          out.put("round_size", roundSize);
          out.put("episodes_per_sec", rate);
          out.put("transitions_lost", r.lost());
          out.put("local_episodes_per_sec", localRate);
          out.put("cluster_vs_local", rate / localRate);
          out.put("plain_loop_episodes_per_sec", plainRate);
          out.put("retries", r.retries());
          out.put("duplicates_ignored", r.duplicates());
          out.put("node_killed", killed.getNow(false));
          out.put("nodes_that_played", r.nodes().size());
          double localMean = lo.report().evaluator().metrics().mean().get("reward").mean();
          out.put("mean_reward", r.meanReward());
          out.put("local_mean_reward", localMean);
          out.put("plain_mean_reward", plain.report().mean().get("reward").mean());
          out.put("same_result_as_local", Math.abs(r.meanReward() - localMean) < 1e-9);
          r.failure().ifPresent(f -> out.put("failure", f));
        } finally {
          node.close();
        }
      } finally {
        for (Process p : procs) {
          p.destroyForcibly();
        }
      }
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      spec.commandLine().getOut().printf(Locale.ROOT, "cluster of %d node(s): %,.0f episodes/s (local %,.0f: x%.2f),"
          + " lost %s, retries %s, same result as local: %s%n", nodes, (double) out.get("episodes_per_sec"),
          (double) out.get("local_episodes_per_sec"), (double) out.get("cluster_vs_local"), out.get("transitions_lost"),
          out.get("retries"), out.get("same_result_as_local"));
    }
    return out.containsKey("failure") ? 1 : 0;
  }
}
