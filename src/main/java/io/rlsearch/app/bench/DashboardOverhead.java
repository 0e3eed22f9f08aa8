package io.rlsearch.app.bench;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.RunConfig;
import io.rlsearch.sim.World;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The live page's overhead in {@code bench pipeline}: runs without and with the metrics registry, and
 * with the page's server and one subscriber reading its event stream.
 */
public final class DashboardOverhead {
  private final long episodes;
  private final int overheadPairs;

  /** Runs of {@code episodes}, {@code overheadPairs} rounds of the three set-ups. */
  public DashboardOverhead(long episodes, int overheadPairs) {
    this.episodes = episodes;
    this.overheadPairs = overheadPairs;
  }

  /** A run with the live page: its throughput and the events its subscriber read. */
  private record DashboardRun(double episodesPerSec, long events) {}

  /** One run with the metrics registry, the live page's server and one subscriber reading its events. */
  private DashboardRun withDashboard(RunConfig cfg, World world, AgentBuilder builder, long seed) {
    io.rlsearch.api.metrics.Telemetry tel = new io.rlsearch.api.metrics.Telemetry("bench", System::nanoTime);
    try (io.rlsearch.api.metrics.Dashboard dash = new io.rlsearch.api.metrics.Dashboard(tel, 0, cfg.systemConfig(),
        new java.io.PrintWriter(java.io.OutputStream.nullOutputStream()))) {
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      java.util.concurrent.atomic.AtomicLong lines = new java.util.concurrent.atomic.AtomicLong();
      var reading = client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          "http://127.0.0.1:" + dash.port() + "/events")).build(),
          java.net.http.HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription sub) {
              sub.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
              if (line.startsWith("data:")) {
                lines.incrementAndGet();
              }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
          }));
      PipelineRunner.Outcome b = PipelineRunner.run(cfg.spec(world, builder, seed, episodes, false, 1, 1.0, 2, false,
          0, Optional.empty()).observed(tel), cfg.systemConfig(), false, "pipeline");
      reading.cancel(true);
      return new DashboardRun(episodes / b.wallSeconds(), lines.get());
    }
  }

  /** Runs without and with the metrics registry, and with the page and one subscriber, in rotating order. */
  public Map<String, Object> overhead(RunConfig cfg, World world, AgentBuilder builder, long seed) {
    if (overheadPairs > 20) {
      throw new io.rlsearch.api.BadRequestException("--dashboard-overhead must be in 0..20, got " + overheadPairs);
    }
    double without = 0;
    double with = 0;
    double metricsOnly = 0;
    long events = 0;
    // A warm-up run with the page first: its server, event stream and client are compiled by the JIT
    // before anything is timed (on 2 cores the compiler threads would otherwise take from the run).
    withDashboard(cfg, world, builder, seed);
    // The three set-ups in a rotating order (a fixed order would charge one of them with whatever the
    // JVM does at that point of every round, e.g. a collection of the previous runs' garbage).
    for (int i = 0; i < overheadPairs; i++) {
      for (int j = 0; j < 3; j++) {
        int which = (i + j) % 3;
        if (which == 0) {
          PipelineRunner.Outcome a = PipelineRunner.run(cfg.spec(world, builder, seed, episodes, false, 1, 1.0, 2,
              false, 0, Optional.empty()), cfg.systemConfig(), false, "pipeline");
          without += episodes / a.wallSeconds() / overheadPairs;
        } else if (which == 1) {
          PipelineRunner.Outcome m = PipelineRunner.run(cfg.spec(world, builder, seed, episodes, false, 1, 1.0, 2,
              false, 0, Optional.empty()).observed(new io.rlsearch.api.metrics.Telemetry("bench", System::nanoTime)),
              cfg.systemConfig(), false, "pipeline");
          metricsOnly += episodes / m.wallSeconds() / overheadPairs;
        } else {
          DashboardRun d = withDashboard(cfg, world, builder, seed);
          events += d.events();
          with += d.episodesPerSec() / overheadPairs;
        }
      }
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("pairs", overheadPairs);
    d.put("shards", 2);
    d.put("without_episodes_per_sec", without);
    d.put("metrics_only_episodes_per_sec", metricsOnly);
    d.put("metrics_only_overhead_pct", 100 * (1 - metricsOnly / without));
    d.put("with_episodes_per_sec", with);
    d.put("overhead_pct", 100 * (1 - with / without));
    d.put("events_received", events);
    return d;
  }
}
