package io.rlsearch.app;

import io.rlsearch.api.ClusterRuns;
import io.rlsearch.api.RunConfig;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rlsearch.actors.cluster.ClusterNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code node}: one node of a clustered run. */
@Command(name = "node", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/actors.md",
    description = {"Starts one node of a Pekko Cluster run (topology actors/cluster.conf) and joins the seed nodes."
        + " Roles: env (hosts environment shards, Cluster Sharding entities), learner (hosts the run's coordinator,"
        + " a cluster singleton: learner, policy registry, replay buffer), serving (joins with that role for"
        + " placement; the serving path itself runs with `serve`). A node with the learner role waits for"
        + " --min-env-nodes env nodes, runs the experiment (deterministic rounds, single-session users) across the"
        + " cluster, prints the report like train does, leaves and exits; other nodes run until Ctrl-C or SIGTERM."
        + " Every node builds the same world from the experiment the run carries; policy versions travel as learner"
        + " states by pub-sub, transitions as stream references."})
final class NodeCommand implements Callable<Integer> {
  static final List<String> ROLES = List.of("env", "learner", "serving");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--role", paramLabel = "ROLE[,ROLE]", split = ",", required = true,
      description = "This node's roles: env, learner, serving.")
  List<String> roles;

  @Option(names = "--port", paramLabel = "P", required = true, description = "This node's port (0: any free port).")
  int port;

  @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
      description = "This node's address as the others reach it (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--seed-nodes", paramLabel = "LIST", split = ",", required = true,
      description = "host:port of the nodes to join (the first forms the cluster; give the same list everywhere).")
  List<String> seedNodes;

  @Option(names = "--experiment", paramLabel = "FILE", description = "Experiment file (learner nodes).")
  Path experiment;

  @Option(names = "--topology", paramLabel = "FILE",
      description = "A topology layered over actors/cluster.conf (e.g. rlsearch.cluster.shards, pekko.*).")
  Path topology;

  @Option(names = "--agent", paramLabel = "NAME", description = "Agent (default: experiment.agent).")
  String agent;

  @Option(names = "--episodes", paramLabel = "N", description = "Episodes (default: experiment.episodes).")
  Long episodes;

  @Option(names = "--seed", paramLabel = "S", description = "Root seed (default: experiment.seed).")
  Long seed;

  @Option(names = "--round-size", paramLabel = "R",
      description = "Episodes per round (default: rlsearch.cluster.round-size, 1000).")
  Integer roundSize;

  @Option(names = "--min-env-nodes", paramLabel = "K",
      description = "Env nodes to wait for before the run starts (default: rlsearch.cluster.min-env-nodes, 1).")
  Integer minEnvNodes;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "The run's id (default: derived from the experiment, agent, seed, episodes and round size, so"
          + " every learner node started with the same ones runs the same run and one resumes it if another is lost).")
  String runId;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Learner nodes: write the coordinator's checkpoint there every rlsearch.cluster.checkpoint-every"
          + " rounds, and resume from it (a directory every learner node reaches; default:"
          + " rlsearch.cluster.checkpoint-dir, none).")
  Path checkpointDir;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
  Path report;

  @Option(names = "--json", description = "Print one JSON object instead of a summary.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    for (String r : roles) {
      if (!ROLES.contains(r)) {
        throw new Main.UsageException("--role: unknown role '" + r + "'; accepted: " + String.join(", ", ROLES));
      }
    }
    if (port < 0 || port > 65535) {
      throw new Main.UsageException("--port must be in 0..65535, got " + port);
    }
    for (String s : seedNodes) {
      if (!s.matches("[^:\\s]+:\\d{1,5}")) {
        throw new Main.UsageException("--seed-nodes: '" + s + "' is not host:port");
      }
    }
    Config overlay = ConfigFactory.empty();
    if (topology != null) {
      if (!Files.isRegularFile(topology)) {
        throw new Main.UsageException("--topology: no such file: " + topology);
      }
      overlay = ConfigFactory.parseFile(topology.toFile());
    }
    if (runId != null && !runId.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new Main.UsageException("--run-id takes 1 to 100 letters, digits, '.', '_' or '-'; got '" + runId + "'");
    }
    if (checkpointDir != null) {
      overlay = ConfigFactory.parseMap(java.util.Map.of("rlsearch.cluster.checkpoint-dir",
          checkpointDir.toAbsolutePath().toString())).withFallback(overlay);
    }
    Config config = ClusterNode.config(overlay, host, port, seedNodes, roles);
    RunConfig cfg = RunConfig.load(Optional.ofNullable(experiment), Optional.empty());
    String name = agent != null ? agent : cfg.agentName();
    long n = episodes != null ? episodes : cfg.episodes();
    long s = seed != null ? seed : cfg.seed();
    int round = roundSize != null ? roundSize : config.getInt("rlsearch.cluster.round-size");
    int minEnv = minEnvNodes != null ? minEnvNodes : config.getInt("rlsearch.cluster.min-env-nodes");
    if (n < 1 || round < 1 || minEnv < 0) {
      throw new Main.UsageException("--episodes and --round-size must be >= 1 and --min-env-nodes >= 0");
    }
    return ClusterRuns.runNode(config, roles, cfg, name, n, s, round, minEnv, report, json, spec.commandLine().getOut(),
        spec.commandLine().getErr(), host + ":" + port, runId);
  }
}
