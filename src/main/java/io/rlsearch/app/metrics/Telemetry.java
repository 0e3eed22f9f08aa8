package io.rlsearch.app.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rlsearch.core.Transition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A run's metrics, for Prometheus ({@link #scrape}) and for the live page (a stream of JSON events):
 * episodes, transitions produced and consumed, rolling reward/GMV/CM2/CTR per agent and version,
 * shard restarts, guardrail alarms and rollbacks, serving requests and their latency quantiles.
 *
 * <p>Updates are lock-free counters and small synchronised rolling windows, cheap enough to call from
 * a stream stage per batch. Events go to a listener that must not block (the HTTP layer puts them in
 * a dropping queue in front of a broadcast hub, so a slow browser never slows the run).
 */
public final class Telemetry {
  /** Requests or transitions per rolling window. */
  static final int WINDOW = 500;

  private final String run;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter episodes;
  private final Counter produced;
  private final Counter consumed;
  private final Gauge reward;
  private final Gauge gmv;
  private final Gauge cm2;
  private final Gauge ctr;
  private final Counter restarts;
  private final Counter alarms;
  private final Counter rollbacks;
  private final Counter requests;
  private final Counter failed;
  private final Summary latency;
  private final Map<String, Rolling> rolling = new ConcurrentHashMap<>();
  private volatile Consumer<Map<String, Object>> listener = e -> { };
  private final long start;
  private final java.util.function.LongSupplier clock;

  /** Rolling means of reward, GMV, CM2 and CTR over the last {@link #WINDOW} observations. */
  private static final class Rolling {
    final double[][] values = new double[4][WINDOW];
    final double[] sums = new double[4];
    int next;
    int size;
    long total;

    synchronized double[] add(double r, double g, double c, double t) {
      double[] x = {r, g, c, t};
      for (int i = 0; i < 4; i++) {
        sums[i] += x[i] - (size == WINDOW ? values[i][next] : 0);
        values[i][next] = x[i];
      }
      next = (next + 1) % WINDOW;
      size = Math.min(size + 1, WINDOW);
      total++;
      double[] means = new double[4];
      for (int i = 0; i < 4; i++) {
        means[i] = sums[i] / size;
      }
      return means;
    }
  }

  /**
   * Metrics of run {@code run} (a label on every series).
   *
   * @param clock nanoseconds, for event times
   */
  public Telemetry(String run, java.util.function.LongSupplier clock) {
    this.run = run;
    this.clock = clock;
    this.start = clock.getAsLong();
    episodes = Counter.builder().name("rlsearch_episodes").help("Episodes (sessions) completed")
        .labelNames("run", "agent").register(registry);
    produced = Counter.builder().name("rlsearch_transitions_produced").help("Transitions the shards produced")
        .labelNames("run").register(registry);
    consumed = Counter.builder().name("rlsearch_transitions_consumed")
        .help("Transitions a consumer received").labelNames("run", "consumer").register(registry);
    reward = rollingGauge("rlsearch_reward", "Scalar reward per session, rolling mean");
    gmv = rollingGauge("rlsearch_gmv", "GMV per session, rolling mean");
    cm2 = rollingGauge("rlsearch_cm2", "CM2 per session, rolling mean");
    ctr = rollingGauge("rlsearch_ctr", "Click-through rate, rolling mean");
    restarts = Counter.builder().name("rlsearch_shard_restarts").help("Environment shard restarts")
        .labelNames("run").register(registry);
    alarms = Counter.builder().name("rlsearch_guardrail_alarms").help("Guardrail breaches")
        .labelNames("run", "guardrail").register(registry);
    rollbacks = Counter.builder().name("rlsearch_rollbacks").help("Rollbacks to the last known-good version")
        .labelNames("run").register(registry);
    requests = Counter.builder().name("rlsearch_requests").help("Serving requests answered")
        .labelNames("run", "version").register(registry);
    failed = Counter.builder().name("rlsearch_requests_failed").help("Serving requests that failed")
        .labelNames("run").register(registry);
    latency = Summary.builder().name("rlsearch_request_latency_seconds")
        .help("Serving latency from the scheduled start to the answer").labelNames("run")
        .quantile(0.5, 0.01).quantile(0.9, 0.005).quantile(0.99, 0.001).register(registry);
  }

  private Gauge rollingGauge(String name, String help) {
    return Gauge.builder().name(name).help(help + " over the last " + WINDOW).labelNames("run", "agent", "version")
        .register(registry);
  }

  /** The run's name. */
  public String run() {
    return run;
  }

  /** Where events go (must not block). */
  public void listen(Consumer<Map<String, Object>> l) {
    this.listener = l;
  }

  private void emit(Map<String, Object> e) {
    e.put("run", run);
    e.put("t", (clock.getAsLong() - start) / 1e9);
    listener.accept(e);
  }

  /** A batch of transitions produced and consumed by the run's stream. */
  public void transitions(java.util.List<Transition> batch) {
    produced.labelValues(run).inc(batch.size());
    for (Transition t : batch) {
      String version = Long.toString(t.policyVersion());
      episodes.labelValues(run, t.agent()).inc();
      Rolling r = rolling.computeIfAbsent(t.agent() + "\u0000" + version, k -> new Rolling());
      double[] m = r.add(t.reward(), t.breakdown().gmv(), t.breakdown().cm2(), t.ctr());
      reward.labelValues(run, t.agent(), version).set(m[0]);
      gmv.labelValues(run, t.agent(), version).set(m[1]);
      cm2.labelValues(run, t.agent(), version).set(m[2]);
      ctr.labelValues(run, t.agent(), version).set(m[3]);
      if (r.total % 100 == 0) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "metrics");
        e.put("agent", t.agent());
        e.put("version", t.policyVersion());
        e.put("episodes", r.total);
        e.put("reward", m[0]);
        e.put("gmv", m[1]);
        e.put("cm2", m[2]);
        e.put("ctr", m[3]);
        emit(e);
      }
    }
  }

  /** A consumer received {@code n} transitions. */
  public void consumed(String consumer, long n) {
    consumed.labelValues(run, consumer).inc(n);
  }

  /** A shard restarted. */
  public void shardRestart() {
    restarts.labelValues(run).inc();
  }

  /** A serving request answered by {@code version} with {@code reward} after {@code latencyMicros}. */
  public void request(long version, double reward, double gmvValue, double cm2Value, long latencyMicros,
      boolean ok) {
    if (!ok) {
      failed.labelValues(run).inc();
      return;
    }
    String v = Long.toString(version);
    requests.labelValues(run, v).inc();
    latency.labelValues(run).observe(latencyMicros / 1e6);
    Rolling r = rolling.computeIfAbsent("serve\u0000" + v, k -> new Rolling());
    double[] m = r.add(reward, gmvValue, cm2Value, 0);
    this.reward.labelValues(run, "serve", v).set(m[0]);
    gmv.labelValues(run, "serve", v).set(m[1]);
    cm2.labelValues(run, "serve", v).set(m[2]);
    if (r.total % 200 == 0) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("type", "metrics");
      e.put("agent", "serve");
      e.put("version", version);
      e.put("episodes", r.total);
      e.put("reward", m[0]);
      e.put("gmv", m[1]);
      e.put("cm2", m[2]);
      e.put("latency_us", latencyMicros);
      emit(e);
    }
  }

  /** A policy event (promote, canary, shadow, breach, rollback) for the timeline. */
  public void policyEvent(String kind, long version, String detail) {
    if (kind.equals("rollback")) {
      rollbacks.labelValues(run).inc();
    }
    if (kind.equals("breach")) {
      // A breach's detail starts with its guardrail: "drift:reward: ...", "cm2_floor: ...".
      int end = detail.indexOf(": ");
      alarms.labelValues(run, end > 0 ? detail.substring(0, end) : "unknown").inc();
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", "event");
    e.put("kind", kind);
    e.put("version", version);
    e.put("detail", detail);
    emit(e);
  }

  /** The registry in Prometheus's text format. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The text format's content type. */
  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
