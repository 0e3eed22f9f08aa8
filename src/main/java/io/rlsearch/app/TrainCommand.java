package io.rlsearch.app;

import io.rlsearch.actors.Guardian;
import io.rlsearch.api.ClusterRuns;
import io.rlsearch.api.Json;
import io.rlsearch.api.RunConfig;
import io.rlsearch.api.Training;
import io.rlsearch.api.metrics.Dashboard;
import io.rlsearch.api.metrics.Telemetry;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.eval.Summary;
import io.rlsearch.learn.Checkpoints;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: a training run as a Pekko pipeline. */
@Command(name = "train", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/actors.md",
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
    if (cfg.clustered()) {
      return clustered(cfg, agent != null ? agent : cfg.agentName());
    }
    Telemetry telemetry = new Telemetry("train", System::nanoTime);
    Optional<Dashboard> dash = dashboard.start(telemetry, cfg.systemConfig(), spec.commandLine().getErr());
    Training.Result res;
    try {
      res = Training.run(cfg, new Training.Request(Optional.ofNullable(agent), Optional.ofNullable(episodes),
          Optional.ofNullable(shards), Optional.ofNullable(seed), deterministic, faultRate, Optional.ofNullable(crash),
          Optional.ofNullable(log), retention, sessionsCap, gamma, Optional.ofNullable(offlineLog), offlineSteps,
          Optional.ofNullable(checkpoint), checkpointEvery, Optional.ofNullable(resume),
          deviceOption.requested(),
          dash.isPresent() ? Optional.of(telemetry) : Optional.empty(), Optional.empty(), !json));
    } finally {
      dash.ifPresent(Dashboard::close);
    }
    Guardian.RunReport r = res.report();
    if (r.failure().isPresent()) {
      spec.commandLine().getErr().println("rlsearch: train: the run failed: " + r.failure().get());
    }
    io.rlsearch.actors.CrashSwitch crashSwitch = r.spec().crash();
    if (crash != null && !crashSwitch.fired()) {
      // A chaos run whose crash never came ran without one: say so rather than report 0 crashes silently.
      spec.commandLine().getErr().printf(Locale.ROOT, "rlsearch: train: --crash %s never fired: the %s handled %d"
          + " message(s) in this run, fewer than %d%n", crash, crashSwitch.role(), crashSwitch.handled(),
          crashSwitch.at());
    }
    Map<String, Object> out = Training.toJson(res);
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
      print(spec.commandLine().getOut(), r, res.wallSeconds());
    }
    return res.failed() ? 1 : 0;
  }

  /**
   * A topology with the cluster provider (e.g. {@code --topology actors/cluster.conf}): this process is
   * a learner node of that cluster and runs the experiment across it, as `node --role learner,...` does.
   */
  private Integer clustered(RunConfig cfg, String name) throws Exception {
    if (retention || checkpoint != null || resume != null || faultRate != 0 || log != null || offlineLog != null
        || shards != null || crash != null) {
      throw new Main.UsageException("a clustered topology runs deterministic rounds of single-session users: drop"
          + " --retention, --checkpoint, --resume, --inject-faults, --crash, --log, --offline-log and --shards (the"
          + " shards are rlsearch.cluster.shards)");
    }
    return ClusterRuns.trainOnThisNode(cfg, name, Optional.ofNullable(episodes), Optional.ofNullable(seed), report,
        json, spec.commandLine().getOut(), spec.commandLine().getErr());
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
