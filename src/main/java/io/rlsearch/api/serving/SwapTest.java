package io.rlsearch.api.serving;

import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.actors.serve.ServingRegistryActor;
import io.rlsearch.api.RunConfig;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Live swaps under open-loop traffic as a call: requests at a fixed rate whatever the latency, swaps
 * to jittered versions of the live policy, a bad version that the guardrails must roll back.
 * {@code ./rlsearch swap-test} validates its options, calls {@link #run} (a baseline run without swaps,
 * then the run with them) and renders {@link #toJson}.
 */
public final class SwapTest {
  private final double rate;
  private final int shards;
  private final long seed;
  private final int swaps;
  private final double duration;
  private final java.io.PrintWriter err;

  /**
   * Traffic at {@code rate} requests a second on {@code shards} serving shards; a run that leaves
   * requests unanswered after its 30-second drain says so on {@code err}.
   */
  public SwapTest(double rate, int shards, long seed, int swaps, double duration, java.io.PrintWriter err) {
    this.err = err;
    this.rate = rate;
    this.shards = shards;
    this.seed = seed;
    this.swaps = swaps;
    this.duration = duration;
  }

  /** What a run measured. */
  public record RunResult(long sent, long answered, long failed, long shed, Histogram latency,
      ServingRegistryActor.State state,
      ServingMonitorActor.Metrics metrics, double[] rewards, long[] versions, long badId, long firstBadRequest) {}

  /**
   * A run of {@code seconds} to be discarded, which takes the measured runs' paths: one promotion and,
   * when {@code badVersion}, the bad version (at 60% of it) and its rollback. Code first met in a
   * measured run would be compiled there, and compiled code that meets a new path is thrown away and
   * recompiled: at 10,000 requests/s on 2 cores, a warm-up without the bad version left a burst of
   * requests shed at the bad version's promotion.
   */
  public RunResult warmUp(World world, RunConfig topo, double seconds, boolean badVersion) {
    return run(world, topo, 1, badVersion ? 0.6 * seconds : -1, seconds);
  }

  /** One run of {@code duration} seconds with {@code k} swaps and a bad version at {@code badTime} (-1: none). */
  public RunResult run(World world, RunConfig topo, int k, double badTime, double duration) {
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
        err.println("rlsearch: swap-test: " + (c.admitted() - c.answered())
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

  /** The JSON object {@code swap-test --json} prints: the run, and the baseline run without swaps if given. */
  public Map<String, Object> toJson(RunResult r, Optional<RunResult> base, double badTime) {
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
}
