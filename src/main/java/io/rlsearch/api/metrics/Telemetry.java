package io.rlsearch.api.metrics;

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
public final class Telemetry implements io.rlsearch.actors.RunObserver {
  /** Requests or transitions per rolling window. */
  static final int WINDOW = 500;

  private final String run;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter episodes;
  private final Counter produced;
  private final io.prometheus.metrics.core.datapoints.CounterDataPoint producedPoint;
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
  private final Counter shed;
  private final Summary latency;
  private final Gauge replayFill;
  private final Gauge batchSize;
  private final Gauge inFlightGauge;
  private final java.util.concurrent.atomic.AtomicLong learnerSeen = new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, Rolling> rolling = new ConcurrentHashMap<>();
  private volatile Consumer<Map<String, Object>> listener = e -> { };
  private final long start;
  private final java.util.function.LongSupplier clock;

  /** Metrics in a rolling window: reward, GMV, CM2, CTR, strategic, clicks. */
  static final int METRICS = 6;

  /**
   * Rolling means of reward, GMV, CM2, CTR, strategic reward and clicks over the last {@link #WINDOW}
   * observations, and the reward's standard deviation (for the page's confidence band).
   */
  private static final class Rolling {
    final double[][] values = new double[METRICS][WINDOW];
    final double[] sums = new double[METRICS];
    double rewardSq;
    int next;
    int size;
    long total;

    synchronized double[] add(double r, double g, double c, double t) {
      push(r, g, c, t, 0, 0);
      return means();
    }

    void push(double r, double g, double c, double t, double strat, double clicks) {
      double[] x = {r, g, c, t, strat, clicks};
      double old = size == WINDOW ? values[0][next] : 0;
      rewardSq += r * r - old * old;
      for (int i = 0; i < METRICS; i++) {
        sums[i] += x[i] - (size == WINDOW ? values[i][next] : 0);
        values[i][next] = x[i];
      }
      next = (next + 1) % WINDOW;
      size = Math.min(size + 1, WINDOW);
      total++;
    }

    double[] means() {
      double[] means = new double[METRICS];
      for (int i = 0; i < METRICS; i++) {
        means[i] = sums[i] / size;
      }
      return means;
    }

    synchronized double rewardHalfWidthSynced() {
      return rewardHalfWidth();
    }

    /** Half-width of the 95% interval of the reward's rolling mean. */
    double rewardHalfWidth() {
      if (size < 2) {
        return 0;
      }
      double mean = sums[0] / size;
      double var = Math.max(0, (rewardSq - size * mean * mean) / (size - 1));
      return io.rlsearch.eval.Summary.t975(size - 1) * Math.sqrt(var / size);
    }
  }

  /**
   * One agent of a training run: its rolling window over all its versions, and the gauges of the
   * version it is on (one series per agent at a time: the previous version's series is removed when a
   * new version appears, so a run of thousands of versions does not grow the registry).
   */
  private final class AgentSeries {
    final String agent;
    final Rolling rolling = new Rolling();
    long version = -1;
    io.prometheus.metrics.core.datapoints.GaugeDataPoint[] points;
    final io.prometheus.metrics.core.datapoints.CounterDataPoint episodesPoint;
    long sinceEvent;
    long lastEvent = Long.MIN_VALUE / 2;

    AgentSeries(String agent) {
      this.agent = agent;
      this.episodesPoint = episodes.labelValues(run, agent);
    }

    void onVersion(long v) {
      if (v == version) {
        return;
      }
      if (version >= 0) {
        String old = Long.toString(version);
        for (Gauge g : new Gauge[] {reward, gmv, cm2, ctr}) {
          g.remove(run, agent, old);
        }
      }
      version = v;
      String nv = Long.toString(v);
      points = new io.prometheus.metrics.core.datapoints.GaugeDataPoint[] {reward.labelValues(run, agent, nv),
          gmv.labelValues(run, agent, nv), cm2.labelValues(run, agent, nv), ctr.labelValues(run, agent, nv)};
    }
  }

  private final Map<String, AgentSeries> agents = new ConcurrentHashMap<>();

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
    producedPoint = produced.labelValues(run);
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
    shed = Counter.builder().name("rlsearch_requests_shed").help("Serving requests shed by admission control")
        .labelNames("run").register(registry);
    failed = Counter.builder().name("rlsearch_requests_failed").help("Serving requests that failed")
        .labelNames("run").register(registry);
    replayFill = Gauge.builder().name("rlsearch_replay_fill").help("Replay buffer fill (share of its capacity)")
        .labelNames("run").register(registry);
    batchSize = Gauge.builder().name("rlsearch_inference_batch_size").help("Policy-server requests per inference batch")
        .labelNames("run").register(registry);
    inFlightGauge = Gauge.builder().name("rlsearch_transitions_in_flight")
        .help("Transitions produced and not yet taken by the learner (held by backpressure)").labelNames("run")
        .register(registry);
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

  /**
   * A batch of transitions produced and consumed by the run's stream: counted, added to each agent's
   * rolling window, the gauges set once per batch, and at most four events a second per agent.
   */
  @Override
  public void transitions(java.util.List<Transition> batch) {
    producedPoint.inc(batch.size());
    AgentSeries last = null;
    java.util.List<AgentSeries> touched = new java.util.ArrayList<>(2);
    for (Transition t : batch) {
      AgentSeries a = last != null && last.agent.equals(t.agent()) ? last
          : agents.computeIfAbsent(t.agent(), AgentSeries::new);
      synchronized (a) {
        a.onVersion(t.policyVersion());
        a.rolling.push(t.reward(), t.breakdown().gmv(), t.breakdown().cm2(), t.ctr(), t.breakdown().strat(),
            t.breakdown().clicks());
        a.sinceEvent++;
        if (t.session() < retentionCounts.length()) {
          retentionCounts.incrementAndGet(t.session());
        }
      }
      if (!touched.contains(a)) {
        touched.add(a);
      }
      last = a;
    }
    for (AgentSeries a : touched) {
      double[] m;
      double half;
      long total;
      long version;
      boolean event;
      synchronized (a) {
        m = a.rolling.means();
        half = a.rolling.rewardHalfWidth();
        for (int i = 0; i < 4; i++) {
          a.points[i].set(m[i]);
        }
        total = a.rolling.total;
        version = a.version;
        long now = clock.getAsLong();
        // At most four events a second per agent (and one per 50 sessions at least apart), whatever
        // the run's speed: enough for the page, cheap for the run.
        event = a.sinceEvent >= 50 && now - a.lastEvent >= 250_000_000L;
        if (event) {
          a.sinceEvent = 0;
          a.lastEvent = now;
        }
      }
      a.episodesPoint.inc(batchCount(batch, a.agent));
      if (event) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "metrics");
        e.put("agent", a.agent);
        e.put("version", version);
        e.put("episodes", total);
        e.put("reward", m[0]);
        e.put("gmv", m[1]);
        e.put("cm2", m[2]);
        e.put("ctr", m[3]);
        e.put("strat", m[4]);
        e.put("clicks", m[5]);
        e.put("reward_ci", half);
        long first = retentionCounts.get(0);
        if (first > 0 && retentionCounts.get(1) > 0) {
          // Multi-session runs: the share of users with at least k sessions, k = 1..10.
          double[] curve = new double[retentionCounts.length()];
          for (int k = 0; k < curve.length; k++) {
            curve[k] = (double) retentionCounts.get(k) / first;
          }
          e.put("retention", curve);
        }
        emit(e);
      }
    }
  }

  /** Sessions seen with index k (k = 0..9): the retention curve's counts. */
  private final java.util.concurrent.atomic.AtomicLongArray retentionCounts =
      new java.util.concurrent.atomic.AtomicLongArray(10);

  private static long batchCount(java.util.List<Transition> batch, String agent) {
    long n = 0;
    for (Transition t : batch) {
      if (t.agent().equals(agent)) {
        n++;
      }
    }
    return n;
  }

  /** The pipeline's health (replay fill, inference batch size, transitions in flight). */
  @Override
  public void health(int replaySize, int replayCapacity, double meanBatch, long inFlight, long learnerConsumed) {
    long before = learnerSeen.getAndSet(learnerConsumed);
    if (learnerConsumed > before) {
      consumed.labelValues(run, "learner").inc(learnerConsumed - before);
    }
    replayFill.labelValues(run).set(replayCapacity == 0 ? 0 : (double) replaySize / replayCapacity);
    batchSize.labelValues(run).set(meanBatch);
    inFlightGauge.labelValues(run).set(inFlight);
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", "health");
    e.put("replay_fill", replayCapacity == 0 ? 0 : (double) replaySize / replayCapacity);
    e.put("mean_batch", meanBatch);
    e.put("in_flight", inFlight);
    emit(e);
  }

  /** A consumer received {@code n} transitions. */
  public void consumed(String consumer, long n) {
    consumed.labelValues(run, consumer).inc(n);
  }

  /** A shard restarted. */
  @Override
  public void shardRestarted() {
    restarts.labelValues(run).inc();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", "event");
    e.put("kind", "restart");
    e.put("version", 0L);
    e.put("detail", "an environment shard restarted");
    emit(e);
  }

  /**
   * A counter read at each scrape, for a count kept elsewhere (the shared learner's gradient steps):
   * exposed as {@code name_total}.
   */
  public void counter(String name, String help, java.util.function.DoubleSupplier value) {
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name(name).help(help).labelNames("run")
        .callback(cb -> cb.call(value.getAsDouble(), run)).register(registry);
  }

  /**
   * A gauge read at each scrape (e.g. a replay fill).
   *
   * @param name metric name
   * @param help description
   * @param value read when scraped
   */
  public void gauge(String name, String help, java.util.function.DoubleSupplier value) {
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name(name).help(help).labelNames("run")
        .callback(cb -> cb.call(value.getAsDouble(), run)).register(registry);
  }

  /** A serving request shed by admission control (its shard's queue was full). */
  public void shed() {
    shed.labelValues(run).inc();
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
      e.put("reward_ci", r.rewardHalfWidthSynced());
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
