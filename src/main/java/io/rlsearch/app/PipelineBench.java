package io.rlsearch.app;

import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.api.Json;
import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.RunConfig;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.sim.World;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench pipeline}: the actor pipeline's throughput against the plain single-thread loop. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Episodes per second of a training run: the plain single-thread loop (same world, agent and"
        + " streams, learning every publish_every episodes) and the actor pipeline in throughput mode with each"
        + " shard count, measured in the same JVM after a warm-up of both (20,000 episodes each, or all of N if"
        + " fewer: long enough for the JIT to have compiled the pipeline's own code, which otherwise takes a"
        + " core from the timed shards), then in rounds: each round times the loop and every shard count once,"
        + " in an order that rotates from round to round, and a shard count's speed-up is the median over rounds"
        + " of its rate over the same round's loop: a machine whose speed drifts for seconds at a time moves"
        + " a round's runs more alike than runs rounds apart, though a round can still straddle a change. The"
        + " rates reported are medians over rounds too, so their ratio need not equal the median speed-up."
        + " Also each one's CPU time per episode (median over rounds): the process's, JIT compilation and garbage"
        + " collection included, and for a pipeline its actor system's start and stop; the pipeline's less the"
        + " loop's is what the runtime adds to the world's work.")
final class PipelineBench implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "20000",
      description = "Episodes per measured run (default: ${DEFAULT-VALUE}).")
  long episodes;

  @Option(names = "--shards", paramLabel = "LIST", split = ",", defaultValue = "1,2,4",
      description = "Shard counts to measure (default: ${DEFAULT-VALUE}).")
  List<Integer> shards;

  @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
      description = "Rounds of timed runs (default: ${DEFAULT-VALUE}; 1..20).")
  int rounds;

  @Option(names = "--agent", paramLabel = "NAME", description = "Agent (default: experiment.agent, linucb).")
  String agent;

  @Option(names = "--experiment", paramLabel = "FILE", description = "Experiment file (see train).")
  Path experiment;

  @Option(names = "--topology", paramLabel = "FILE", description = "Topology file (see train).")
  Path topology;

  @Option(names = "--dashboard-overhead", paramLabel = "PAIRS", defaultValue = "0",
      description = "Also measure the cost of metrics and an attached live page: PAIRS alternating runs at 2 shards"
          + " without and with the Prometheus registry, the /events stream and one subscriber reading it"
          + " (default: ${DEFAULT-VALUE}: not measured).")
  int overheadPairs;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (episodes < 100 || episodes > Integer.MAX_VALUE) {
      throw new Main.UsageException("--episodes must be in 100.." + Integer.MAX_VALUE + ", got " + episodes);
    }
    if (rounds < 1 || rounds > 20) {
      throw new Main.UsageException("--rounds must be in 1..20, got " + rounds);
    }
    for (int k : shards) {
      if (k < 1 || k > 256) {
        throw new Main.UsageException("--shards entries must be in 1..256, got " + k);
      }
    }
    RunConfig cfg = RunConfig.load(Optional.ofNullable(experiment), Optional.ofNullable(topology));
    String name = agent != null ? agent : cfg.agentName();
    if (RunConfig.OFFLINE.contains(name)) {
      throw new Main.UsageException("--agent: " + name + " trains offline first; bench pipeline takes the online"
          + " agents");
    }
    boolean neural = RunConfig.NEURAL.contains(name);
    if (neural && overheadPairs > 0) {
      throw new Main.UsageException("--dashboard-overhead is measured with the template agents; got --agent " + name);
    }
    try (io.rlsearch.learn.SharedLearner learner = neural ? new io.rlsearch.learn.SharedLearner() : null) {
      AgentBuilder builder = neural ? RunConfig.neural(name, learner, false) : cfg.agent(name);
      io.rlsearch.experiments.Task task = cfg.taskFor(name);
      return measure(cfg, builder, task, Optional.ofNullable(learner));
    }
  }

  /** CPU time of the whole process (every thread, the JIT's and the collector's too), in nanoseconds. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private RunSpec spec(RunConfig cfg, World world, io.rlsearch.experiments.Task task, AgentBuilder builder, long seed,
      long n, int k, Optional<io.rlsearch.learn.SharedLearner> learner) {
    return cfg.spec(world, task, builder, seed, n, false, 1, 1.0, k, false, 0, Optional.empty(), Optional.empty(),
        Optional.empty(), learner);
  }

  private Integer measure(RunConfig cfg, AgentBuilder builder, io.rlsearch.experiments.Task task,
      Optional<io.rlsearch.learn.SharedLearner> learner) {
    long seed = cfg.seed();
    World world = cfg.world(seed);
    RunSpec probe = spec(cfg, world, task, builder, seed, 1, 1, learner);
    int round = probe.publishEvery();
    // Long enough for the optimising compiler to be done with the pipeline's actors and streams: after
    // 2,000 episodes it was still compiling through the timed run, on a core the shards needed (the loop
    // leaves it a core of its own).
    long warm = Math.min(20_000, episodes);
    SyncRunner.run(world, task, builder, new RunStreams(seed), warm, round, false);
    PipelineRunner.run(spec(cfg, world, task, builder, seed, warm, 2, learner), cfg.systemConfig(), false, "warm-up");
    io.rlsearch.app.bench.PairedRounds paired = new io.rlsearch.app.bench.PairedRounds(shards.size());
    double[] batch = new double[shards.size()];
    // The process's CPU time over each timed run, per episode (a pipeline's less the loop's is what the
    // runtime adds to the world's work); it moves with the machine's speed as the rates do.
    double[] syncCpu = new double[rounds];
    double[][] cpu = new double[shards.size()][rounds];
    int runs = shards.size() + 1;
    for (int r = 0; r < rounds; r++) {
      double syncRate = 0;
      double[] rates = new double[shards.size()];
      // Run 0 is the loop, run i the i-th shard count; the order rotates so that no set-up always runs
      // at the same point of a round (first after the previous round's garbage, say).
      for (int j = 0; j < runs; j++) {
        int which = (r + j) % runs;
        long c0 = processCpuNanos();
        if (which == 0) {
          long t0 = System.nanoTime();
          SyncRunner.run(world, task, builder, new RunStreams(seed), episodes, round, false);
          syncRate = episodes / ((System.nanoTime() - t0) / 1e9);
          syncCpu[r] = (processCpuNanos() - c0) / 1e3 / episodes;
          continue;
        }
        int k = shards.get(which - 1);
        PipelineRunner.Outcome o = PipelineRunner.run(spec(cfg, world, task, builder, seed, episodes, k, learner),
            cfg.systemConfig(), false, "pipeline");
        cpu[which - 1][r] = (processCpuNanos() - c0) / 1e3 / episodes;
        if (o.report().failure().isPresent() || o.report().lost() != 0) {
          throw new IllegalStateException("pipeline run with " + k + " shards failed or lost transitions: "
              + o.report().failure().orElse("lost " + o.report().lost()));
        }
        rates[which - 1] = episodes / o.wallSeconds();
        batch[which - 1] += o.report().batching().meanBatch() / rounds;
      }
      paired.add(syncRate, rates);
    }
    double syncRate = io.rlsearch.eval.Summary.median(paired.baselineRates());
    List<Map<String, Object>> rows = new ArrayList<>();
    double best = 0;
    for (int i = 0; i < shards.size(); i++) {
      double[] ratios = paired.ratios(i);
      double speedup = io.rlsearch.eval.Summary.median(ratios);
      best = Math.max(best, speedup);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("shards", shards.get(i));
      row.put("episodes_per_sec", io.rlsearch.eval.Summary.median(paired.rates(i)));
      row.put("episodes_per_sec_by_round", paired.rates(i));
      row.put("speedup", speedup);
      row.put("speedup_min", Arrays.stream(ratios).min().getAsDouble());
      row.put("speedup_max", Arrays.stream(ratios).max().getAsDouble());
      row.put("speedup_by_round", ratios);
      row.put("mean_batch", batch[i]);
      row.put("cpu_us_per_episode", io.rlsearch.eval.Summary.median(cpu[i]));
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("agent", builder.name());
    out.put("episodes", episodes);
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("rounds", rounds);
    out.put("sync_episodes_per_sec", syncRate);
    out.put("sync_episodes_per_sec_by_round", paired.baselineRates());
    out.put("sync_cpu_us_per_episode", io.rlsearch.eval.Summary.median(syncCpu));
    out.put("pipeline", rows);
    out.put("speedup_best", best);
    if (overheadPairs > 0) {
      out.put("dashboard", new io.rlsearch.app.bench.DashboardOverhead(episodes, overheadPairs).overhead(cfg, world,
          builder, seed));
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
      return 0;
    }
    var w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "bench pipeline: %s, %d episodes, %d cores, %d rounds (medians over rounds)%n",
        builder.name(), episodes, Runtime.getRuntime().availableProcessors(), rounds);
    w.printf(Locale.ROOT, "plain loop      %9.0f episodes/s  %6.1f us of CPU an episode%n", syncRate,
        (double) out.get("sync_cpu_us_per_episode"));
    for (Map<String, Object> row : rows) {
      w.printf(Locale.ROOT, "pipeline %2d sh  %9.0f episodes/s  %6.1f us of CPU an episode  (%.2fx the loop of its"
          + " round; %.2f-%.2fx, mean batch %.2f)%n", row.get("shards"), (double) row.get("episodes_per_sec"),
          (double) row.get("cpu_us_per_episode"), (double) row.get("speedup"), (double) row.get("speedup_min"),
          (double) row.get("speedup_max"), (double) row.get("mean_batch"));
    }
    w.printf(Locale.ROOT, "best speedup %.2fx%n", best);
    if (out.containsKey("dashboard")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> d = (Map<String, Object>) out.get("dashboard");
      w.printf(Locale.ROOT, "with metrics and a live page: %.0f vs %.0f episodes/s without: overhead %.2f%%%n",
          (double) d.get("with_episodes_per_sec"), (double) d.get("without_episodes_per_sec"),
          (double) d.get("overhead_pct"));
    }
    return 0;
  }
}
