package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.RunConfig;
import io.rlsearch.api.serving.SwapTest;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swap-test}: live swaps under open-loop traffic, a bad version, and the guardrails. */
@Command(name = "swap-test", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/actors.md",
    description = {"Runs the serving path under open-loop traffic at R requests/s for S seconds twice: once"
        + " without swaps (the latency reference), then promoting K good versions at even intervals before T and,"
        + " at T seconds, a deliberately bad version ('bury': it buries what the user likes and the pricier"
        + " products), and lets the guardrails roll it back. Versions act on the 10 boost weights; the good ones"
        + " are retrained variants of 'cm2_price' (its weights with N(0, 0.05) jitter).",
        "Latency is measured from each request's scheduled start (coordinated omission corrected). Prints"
        + " requests, failed, dropped, latency percentiles, swaps, swap_visible_ms_p99 (promote until every shard"
        + " applied it), rollbacks, rollback_after_requests (requests the bad version served) and the reward"
        + " before, during and after the bad version."})
final class SwapTestCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "1000", description = "Requests per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--duration", paramLabel = "S", defaultValue = "60", description = "Seconds per run (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--swaps", paramLabel = "K", defaultValue = "10", description = "Good versions promoted (default: ${DEFAULT-VALUE}).")
  int swaps;

  @Option(names = "--bad-policy-at", paramLabel = "T",
      description = "Second at which the bad version is promoted (default: 70%% of the duration; negative: never).")
  Double badAt;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025", description = "World and request seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--shards", paramLabel = "K", defaultValue = "2", description = "Serving shards (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--no-baseline", description = "Skip the reference run without swaps.")
  boolean noBaseline;

  @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
      description = "Seconds of traffic before the measured runs, discarded (JIT warm-up: a promotion and, unless"
          + " --bad-policy-at is negative, the bad version and its rollback; default: ${DEFAULT-VALUE}).")
  double warmup;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a summary.")
  boolean json;

  @Override
  public Integer call() {
    if (!(rate >= 1 && rate <= 100_000)) {
      throw new Main.UsageException("--rate must be in 1..100000, got " + rate);
    }
    if (!(duration >= 1 && duration <= 3600)) {
      throw new Main.UsageException("--duration must be in 1..3600 seconds, got " + duration);
    }
    if (swaps < 0 || swaps > 1000) {
      throw new Main.UsageException("--swaps must be in 0..1000, got " + swaps);
    }
    if (shards < 1 || shards > 64) {
      throw new Main.UsageException("--shards must be in 1..64, got " + shards);
    }
    double t = badAt != null ? badAt : 0.7 * duration;
    if (t >= duration) {
      throw new Main.UsageException("--bad-policy-at must be before the end of the run (" + duration + " s), got " + t);
    }
    if (rate * duration > 50_000_000) {
      throw new Main.UsageException("--rate x --duration must stay below 50,000,000 requests");
    }
    SimSettings sim = config.load();
    World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    if (!(warmup >= 0 && warmup <= 600)) {
      throw new Main.UsageException("--warmup must be in 0..600 seconds, got " + warmup);
    }
    SwapTest test = new SwapTest(rate, shards, seed, swaps, duration, spec.commandLine().getErr());
    if (warmup > 0) {
      test.warmUp(world, topo, warmup, t >= 0);
    }
    Optional<SwapTest.RunResult> base = noBaseline ? Optional.empty()
        : Optional.of(test.run(world, topo, 0, -1, duration));
    SwapTest.RunResult r = test.run(world, topo, swaps, t, duration);
    Map<String, Object> out = test.toJson(r, base, t);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out);
    }
    return r.failed() == 0 && r.sent() == r.answered() + r.shed() ? 0 : 1;
  }

  private static void print(PrintWriter w, Map<String, Object> m) {
    w.printf(Locale.ROOT, "swap-test: %.0f requests/s for %.0f s on %d shards: %d requests, %d failed, %d shed, %d"
        + " dropped%n", (double) m.get("rate"), (double) m.get("duration_s"), (int) m.get("shards"),
        (long) m.get("requests"), (long) m.get("failed"), (long) m.get("shed"), (long) m.get("dropped"));
    w.printf(Locale.ROOT, "latency p50 %.0f us, p99 %.0f us, p99.9 %.0f us%s%n", (double) m.get("latency_p50_us"),
        (double) m.get("latency_p99_us"), (double) m.get("latency_p999_us"),
        m.containsKey("latency_p99_us_no_swaps") ? String.format(Locale.ROOT, " (without swaps p99 %.0f us: ratio %.2f)",
            (double) m.get("latency_p99_us_no_swaps"), (double) m.get("p99_ratio_vs_no_swaps")) : "");
    w.printf(Locale.ROOT, "%d swaps, visible on every shard within %.2f ms (p99); %d rollbacks after %d bad requests%n",
        (long) m.get("swaps"), (double) m.get("swap_visible_ms_p99"), (long) m.get("rollbacks"),
        (long) m.get("rollback_after_requests"));
    w.printf(Locale.ROOT, "reward per request: before %.3f, during the bad version %.3f, after %.3f%n",
        (double) m.get("reward_before"), (double) m.get("reward_during_bad"), (double) m.get("reward_after"));
  }
}
