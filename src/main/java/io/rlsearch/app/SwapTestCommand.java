package io.rlsearch.app;

import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.actors.serve.ServingRegistryActor;
import io.rlsearch.api.Json;
import io.rlsearch.api.RunConfig;
import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.api.serving.ServingApi;
import io.rlsearch.api.serving.ServingSystem;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swap-test}: live swaps under open-loop traffic, a bad version, and the guardrails. */
@Command(name = "swap-test", mixinStandardHelpOptions = true,
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
      description = "Seconds of traffic before the measured runs, discarded (JIT warm-up; default: ${DEFAULT-VALUE}).")
  double warmup;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a summary.")
  boolean json;

  private record RunResult(long sent, long answered, long failed, long shed, Histogram latency,
      ServingRegistryActor.State state,
      ServingMonitorActor.Metrics metrics, double[] rewards, long[] versions, long badId, long firstBadRequest) {}

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
    if (warmup > 0) {
      run(world, topo, 0, -1, warmup);
    }
    Optional<RunResult> base = noBaseline ? Optional.empty() : Optional.of(run(world, topo, 0, -1, duration));
    RunResult r = run(world, topo, swaps, t, duration);
    Map<String, Object> out = toJson(r, base, t);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out);
    }
    return r.failed() == 0 && r.sent() == r.answered() + r.shed() ? 0 : 1;
  }

  private RunResult run(World world, RunConfig topo, int k, double badTime, double duration) {
    int record = (int) Math.ceil(rate * duration) + 1;
    ServingSystem.Settings s = new ServingSystem.Settings(shards, ServingMonitorActor.Settings.defaults(),
        Optional.empty(), seed, record);
    try (ServingSystem sys = new ServingSystem(world, Task.BoostWeights.battle(), "cm2_price", "built-in",
        PolicyCatalog.builtIn("cm2_price"), s, topo.systemConfig())) {
      NumpyRandom jitter = new NumpyRandom(seed + 17);
      double[] base = PolicyCatalog.builtIns().get("cm2_price");
      List<Long> good = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        double[] w = base.clone();
        for (int j = 0; j < w.length; j++) {
          w[j] += jitter.normal(0, 0.05);
        }
        good.add(sys.register("cm2_price-r" + (i + 1), "retrained", PolicyCatalog.weights("cm2_price-r" + (i + 1), w)));
      }
      long bad = badTime >= 0 ? sys.register("bury", "built-in", PolicyCatalog.builtIn("bury")) : -1;
      long[] nextSwap = {0};
      long[] firstBad = {-1};
      boolean[] badDone = {badTime < 0};
      var ignore = sys.system().ignoreRef();
      double swapEnd = badTime >= 0 ? badTime : duration;
      sys.drive(0, rate, duration, elapsed -> {
        int i = (int) nextSwap[0];
        if (i < k && elapsed >= (i + 1) * swapEnd / (k + 1)) {
          sys.registry().tell(new ServingRegistryActor.Promote(good.get(i), Optional.empty(),
              ignore.unsafeUpcast()));
          nextSwap[0]++;
        }
        if (!badDone[0] && elapsed >= badTime) {
          sys.registry().tell(new ServingRegistryActor.Promote(bad, Optional.empty(), ignore.unsafeUpcast()));
          firstBad[0] = sys.countsNow().sent();
          badDone[0] = true;
        }
      }, () -> false);
      boolean all = sys.awaitAnswers(Duration.ofSeconds(30));
      ServingSystem.Counts c = sys.countsNow();
      Histogram h = sys.latency().getIntervalHistogram();
      ServingRegistryActor.State st = sys.ask(ServingRegistryActor.GetState::new);
      ServingMonitorActor.Metrics m = sys.metrics();
      if (!all) {
        spec.commandLine().getErr().println("rlsearch: swap-test: " + (c.admitted() - c.answered())
            + " requests unanswered after 30 s");
      }
      return new RunResult(c.sent(), c.answered(), c.failed(), c.shed(), h, st, m, sys.rewards().clone(),
          sys.versions().clone(), bad, firstBad[0]);
    }
  }

  private static double mean(double[] r, long[] v, java.util.function.LongPredicate idOk,
      java.util.function.LongPredicate versionOk, int n) {
    double s = 0;
    long k = 0;
    for (int i = 0; i < n; i++) {
      if (v[i] != 0 && idOk.test(i) && versionOk.test(v[i])) {
        s += r[i];
        k++;
      }
    }
    return k == 0 ? Double.NaN : s / k;
  }

  private Map<String, Object> toJson(RunResult r, Optional<RunResult> base, double badTime) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = (int) Math.min(r.sent(), r.rewards().length);
    long bad = r.badId();
    long badServed = 0;
    long lastBad = -1;
    for (int i = 0; i < n; i++) {
      if (r.versions()[i] == bad) {
        badServed++;
        lastBad = i;
      }
    }
    long firstBad = r.firstBadRequest();
    long afterFrom = lastBad;
    m.put("rate", rate);
    m.put("duration_s", duration);
    m.put("shards", shards);
    m.put("requests", r.sent());
    m.put("failed", r.failed());
    m.put("shed", r.shed());
    m.put("dropped", r.sent() - r.shed() - r.answered());
    m.put("latency_p50_us", (double) r.latency().getValueAtPercentile(50));
    m.put("latency_p99_us", (double) r.latency().getValueAtPercentile(99));
    m.put("latency_p999_us", (double) r.latency().getValueAtPercentile(99.9));
    long promotions = r.state().events().stream().filter(e -> e.kind().equals("promote")).count() - 1;
    m.put("swaps", promotions);
    double p99 = percentile(r.state().swapVisibleMs(), 0.99);
    m.put("swap_visible_ms_p99", p99);
    m.put("swap_visible_ms_max", percentile(r.state().swapVisibleMs(), 1.0));
    m.put("rollbacks", r.state().rollbacks());
    m.put("rollback_after_requests", badServed);
    m.put("reward_before", mean(r.rewards(), r.versions(), i -> firstBad < 0 || i < firstBad, v -> v != bad, n));
    m.put("reward_during_bad", mean(r.rewards(), r.versions(), i -> true, v -> v == bad, n));
    m.put("reward_after", lastBad < 0 ? Double.NaN
        : mean(r.rewards(), r.versions(), i -> i > afterFrom, v -> v != bad, n));
    base.ifPresent(b -> {
      m.put("latency_p99_us_no_swaps", (double) b.latency().getValueAtPercentile(99));
      m.put("p99_ratio_vs_no_swaps", (double) r.latency().getValueAtPercentile(99)
          / Math.max(1, b.latency().getValueAtPercentile(99)));
      m.put("failed_no_swaps", b.failed());
      m.put("dropped_no_swaps", b.sent() - b.shed() - b.answered());
      m.put("shed_no_swaps", b.shed());
    });
    m.put("bad_policy_at_s", badTime);
    m.put("events", ServingApi.events(r.state().events(), false));
    return m;
  }

  private static double percentile(List<Double> xs, double q) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    s.sort(Double::compare);
    int i = (int) Math.ceil(q * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, i)));
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
