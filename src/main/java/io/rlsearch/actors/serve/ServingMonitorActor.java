package io.rlsearch.actors.serve;

import io.rlsearch.agents.safety.ServingGuard;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.RidgeDirectMethod;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The serving path's data-plane monitor: per-version online metrics (requests, reward, GMV, CM2 with
 * confidence intervals, rank change), the guardrails of {@link ServingGuard} over the versions the
 * routing puts on watch (a new live version, a canary), and the shadow's off-policy estimate.
 *
 * <p>The error-rate guardrail counts requests: a simulated request's {@link Outcome} or
 * {@link Failure} is one; real requests come in a shard's {@link Answered} reports when they are
 * answered, and a real request's feedback, an {@link Outcome} marked as one, brings its reward, GMV
 * and CM2 and is no further request.
 *
 * <p>A breach goes to the registry (which rolls back or ends the canary); so does a version that
 * served its watch without one. The shadow is estimated by the direct method
 * ({@link RidgeDirectMethod}) on the last {@code shadowWindow} logged live decisions, with the
 * shadow's action on each, every {@code shadowEvery} samples.
 *
 * <p>Per-version figures are kept for the versions of the routing (live, canary, shadow), the
 * known-good version and the last {@link #FINISHED_KEPT} that left the routing (their late feedback still counts); older ones are
 * dropped, counted ({@link Metrics#evicted}), and an outcome (or shadow sample) of a version neither
 * routed nor kept is counted ({@link Metrics#unattributed}) rather than kept; the guardrails still see
 * every outcome. The breaches kept are the last
 * {@link #BREACHES_KEPT}.
 */
public final class ServingMonitorActor extends AbstractBehavior<ServingMonitorActor.Command> {
  /** Messages accepted by the monitor. */
  public sealed interface Command {}

  /**
   * One served request's outcome.
   *
   * @param version the version that served it
   * @param reward scalar reward
   * @param gmv GMV
   * @param cm2 CM2
   * @param rankChange rank change against the base ranking
   * @param sentNanos when the shard sent it (the monitor's {@link Backlog} clock): how late the guardrails see it
   * @param feedback whether it is a real request's feedback, whose request was counted when it was
   *     answered ({@link Answered}): then it is not another request of the error-rate guardrail; false
   *     for a simulated request, whose outcome comes with its answer
   */
  public record Outcome(long version, double reward, double gmv, double cm2, double rankChange, long sentNanos,
      boolean feedback) implements Command {
    /** A simulated request's outcome (one request of the error-rate guardrail too). */
    public Outcome(long version, double reward, double gmv, double cm2, double rankChange, long sentNanos) {
      this(version, reward, gmv, cm2, rankChange, sentNanos, false);
    }
  }

  /**
   * Real requests a shard answered for one version since its last report: the error-rate guardrail's
   * requests (a real request's outcome comes later, with its feedback, if ever). A shard reports every
   * {@link ServeShardActor#REPORT_EVERY} requests, and within {@link ServeShardActor#REPORT_AFTER} of the
   * first one not yet reported.
   *
   * @param version the version that served them
   * @param answered requests ranked and answered
   * @param failed requests answered with an error (the version's policy threw)
   * @param sentNanos when the shard sent the report (the monitor's {@link Backlog} clock)
   */
  public record Answered(long version, int answered, int failed, long sentNanos) implements Command {
    public Answered {
      if (answered < 0 || failed < 0) {
        throw new IllegalArgumentException("request counts are >= 0, got " + answered + " and " + failed);
      }
    }
  }

  /**
   * A simulated request that failed (the version's policy threw, or its shard failed serving it). An
   * outcome too, for the error-rate guardrail. (A real request's failure comes in {@link Answered}.)
   */
  public record Failure(long version, long sentNanos) implements Command {}

  /** A live decision with the shadow's action on the same request. */
  public record ShadowSample(long shadowVersion, double[] context, double[] servedAction, double reward,
      double[] shadowAction) implements Command {
    public ShadowSample {
      context = context.clone();
      servedAction = servedAction.clone();
      shadowAction = shadowAction.clone();
    }
  }

  /** Replies with per-version metrics. */
  public record GetMetrics(ActorRef<Metrics> replyTo) implements Command {
    public GetMetrics {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * A version's online metrics.
   *
   * @param requests requests it ranked without an error: simulated requests, and real ones as the
   *     shards report them (whether their feedback came or not)
   * @param feedback of the real requests, those whose feedback joined: the reward, GMV and CM2 of a
   *     real request are known only then, so their intervals are over the simulated requests and these
   * @param reward reward per request (mean, 95% CI)
   * @param gmv GMV per request
   * @param cm2 CM2 per request
   * @param rankChange mean rank change against the base ranking
   */
  public record VersionMetrics(long requests, long feedback, Summary reward, Summary gmv, Summary cm2,
      double rankChange, long errors) {}

  /**
   * The monitor's figures.
   *
   * @param versions per version
   * @param shadow the latest shadow estimate per version (direct method), if any
   * @param breaches breaches seen
   * @param knownGood the guard's known-good version
   * @param evicted versions whose figures were dropped (they left the routing before the last ones kept)
   * @param unattributed outcomes, failures and shadow samples of versions neither routed nor kept (not in
   *     {@code versions})
   */
  public record Metrics(Map<Long, VersionMetrics> versions, Map<Long, Estimate> shadow, List<ServingGuard.Breach> breaches,
      long knownGood, long evicted, long unattributed) {}

  /** Versions that left the routing whose figures are kept (the same number the registry keeps). */
  public static final int FINISHED_KEPT = ServingRegistryActor.FINISHED_KEPT;

  /** Breaches kept (the most recent). */
  public static final int BREACHES_KEPT = 1000;

  private record NewRouting(Routing routing) implements Command {}

  /**
   * Settings.
   *
   * @param guard the guardrails
   * @param shadowWindow logged samples the shadow estimate uses
   * @param shadowEvery samples between shadow estimates
   */
  public record Settings(ServingGuard.Settings guard, int shadowWindow, int shadowEvery) {
    public Settings {
      Objects.requireNonNull(guard, "guard");
      if (shadowWindow < 50 || shadowEvery < 1) {
        throw new IllegalArgumentException("shadow window must be >= 50 and the interval >= 1");
      }
    }

    /** Default guardrails; shadow estimates every 500 samples over the last 5,000. */
    public static Settings defaults() {
      return new Settings(ServingGuard.Settings.defaults(), 5000, 500);
    }
  }

  /**
   * Outcomes, failures and shadow samples that may wait for the monitor: a shard or the shadow sends one
   * only while fewer wait (the rest are dropped and counted), so a lagging monitor neither grows the
   * heap nor falls further behind; about a second of traffic at 10,000 requests/s.
   */
  public static final int QUEUE = 8192;

  /** An outcome the guardrails see later than this after it was served is counted as late. */
  public static final java.time.Duration LATE = java.time.Duration.ofMillis(100);

  /**
   * A monitor that subscribes to {@code registry}'s routing and reports breaches to it; outcomes reach
   * it through {@code backlog} (the senders take a place there, the monitor gives it back).
   */
  public static Behavior<Command> create(ActorRef<ServingRegistryActor.Command> registry, long initialLive,
      Settings settings, Backlog backlog) {
    return Behaviors.setup(ctx -> new ServingMonitorActor(ctx, registry, initialLive, settings, backlog));
  }

  /** Running moments of one metric ({@link io.rlsearch.core.RunningMoments}) with its interval. */
  private static final class Sums {
    private final io.rlsearch.core.RunningMoments m = new io.rlsearch.core.RunningMoments();
    long n;
    double sum;

    void add(double x) {
      m.add(x);
      n = m.n();
      sum += x;
    }

    Summary summary() {
      if (n == 0) {
        return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      if (n == 1) {
        return new Summary(1, m.mean(), Double.NaN, Double.NaN, Double.NaN);
      }
      double half = m.halfWidth(io.rlsearch.eval.Summary.t975(n - 1));
      return new Summary(n, m.mean(), Math.sqrt(m.variance()), m.mean() - half, m.mean() + half);
    }
  }

  private static final class PerVersion {
    final Sums reward = new Sums();
    final Sums gmv = new Sums();
    final Sums cm2 = new Sums();
    final Sums rank = new Sums();
    long errors;
    long simulated;
    long answered;
    long feedback;
  }

  private final ActorRef<ServingRegistryActor.Command> registry;
  private final Settings settings;
  private final ServingGuard guard;
  private final Map<Long, PerVersion> perVersion = new LinkedHashMap<>();
  private final Map<Long, ArrayDeque<ShadowSample>> shadowSamples = new HashMap<>();
  private final Map<Long, Long> shadowSeen = new HashMap<>();
  private final Map<Long, Estimate> shadowEstimates = new LinkedHashMap<>();
  private final ArrayDeque<ServingGuard.Breach> breaches = new ArrayDeque<>();
  /** Versions that left the routing, in the order they left, at most {@link #FINISHED_KEPT}. */
  private final java.util.LinkedHashSet<Long> finished = new java.util.LinkedHashSet<>();
  private long evicted;
  private long unattributed;
  private Routing routing;
  private final Backlog backlog;

  private ServingMonitorActor(ActorContext<Command> ctx, ActorRef<ServingRegistryActor.Command> registry,
      long initialLive, Settings settings, Backlog backlog) {
    super(ctx);
    this.backlog = Objects.requireNonNull(backlog, "backlog");
    this.registry = registry;
    this.settings = settings;
    this.guard = new ServingGuard(settings.guard(), initialLive);
    registry.tell(new ServingRegistryActor.Subscribe(ctx.messageAdapter(Routing.class, NewRouting::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Outcome.class, this::onOutcome)
        .onMessage(Failure.class, this::onFailure)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(ShadowSample.class, this::onShadowSample)
        .onMessage(NewRouting.class, this::onRouting)
        .onMessage(GetMetrics.class, this::onGetMetrics)
        .build();
  }

  private Behavior<Command> onRouting(NewRouting r) {
    Routing prev = routing;
    routing = r.routing();
    finish(prev, routing);
    long live = routing.live().id();
    if (prev == null || prev.live().id() != live) {
      if (prev != null && guard.watching(prev.live().id())) {
        guard.unwatch(prev.live().id());
      }
      if (!guard.watching(live)) {
        guard.watch(live);
      }
    }
    Optional<Long> oldCanary = prev == null ? Optional.empty() : prev.canary().map(Routing.Version::id);
    Optional<Long> newCanary = routing.canary().map(Routing.Version::id);
    if (oldCanary.isPresent() && !oldCanary.equals(newCanary) && oldCanary.get() != live) {
      guard.unwatch(oldCanary.get());
    }
    if (newCanary.isPresent() && !newCanary.equals(oldCanary)) {
      guard.watch(newCanary.get());
    }
    return this;
  }

  private static java.util.Set<Long> routed(Routing r) {
    java.util.Set<Long> in = new java.util.HashSet<>();
    in.add(r.live().id());
    r.canary().ifPresent(v -> in.add(v.id()));
    r.shadow().ifPresent(v -> in.add(v.id()));
    return in;
  }

  /** Versions that left the routing are finished; the figures of the oldest beyond the ones kept go. */
  private void finish(Routing prev, Routing next) {
    java.util.Set<Long> now = routed(next);
    if (prev != null) {
      for (long id : routed(prev)) {
        if (!now.contains(id)) {
          finished.remove(id);
          finished.add(id);
        }
      }
    }
    finished.removeAll(now);
    while (finished.size() > FINISHED_KEPT) {
      // The oldest, unless it is the known-good version (the registry keeps it too).
      Long oldest = null;
      for (long id : finished) {
        if (id != guard.knownGood()) {
          oldest = id;
          break;
        }
      }
      if (oldest == null) {
        break;
      }
      long id = oldest;
      finished.remove(id);
      if (perVersion.remove(id) != null | shadowSamples.remove(id) != null | shadowEstimates.remove(id) != null) {
        evicted++;
      }
      shadowSeen.remove(id);
    }
  }

  /** The figures of {@code version}, or null when it is neither routed nor kept (counted). */
  private PerVersion figures(long version) {
    PerVersion pv = perVersion.get(version);
    if (pv != null) {
      return pv;
    }
    if (routing == null || routed(routing).contains(version) || finished.contains(version)) {
      pv = new PerVersion();
      perVersion.put(version, pv);
      return pv;
    }
    unattributed++;
    return null;
  }

  private void breach(ServingGuard.Breach b, long requests) {
    breaches.add(b);
    while (breaches.size() > BREACHES_KEPT) {
      breaches.poll();
    }
    registry.tell(new ServingRegistryActor.Breached(b, requests));
  }

  private Behavior<Command> onOutcome(Outcome o) {
    backlog.taken(o.sentNanos());
    PerVersion pv = figures(o.version());
    if (pv != null) {
      pv.reward.add(o.reward());
      pv.gmv.add(o.gmv());
      pv.cm2.add(o.cm2());
      if (!Double.isNaN(o.rankChange())) {
        pv.rank.add(o.rankChange());
      }
      if (o.feedback()) {
        pv.feedback++;
      } else {
        pv.simulated++;
      }
    }
    // The guardrails see every outcome (they keep their own bounded state); a feedback is no further
    // request of the error-rate window.
    Optional<ServingGuard.Breach> b = o.feedback()
        ? guard.observeFeedback(o.version(), o.reward(), o.gmv(), o.cm2(), o.rankChange())
        : guard.observe(o.version(), o.reward(), o.gmv(), o.cm2(), o.rankChange());
    if (b.isPresent()) {
      breach(b.get(), pv == null ? b.get().requests() : pv.reward.n);
    }
    for (Optional<Long> g = guard.pollBecameGood(); g.isPresent(); g = guard.pollBecameGood()) {
      registry.tell(new ServingRegistryActor.BecameGood(g.get()));
    }
    return this;
  }

  private Behavior<Command> onFailure(Failure f) {
    backlog.taken(f.sentNanos());
    PerVersion pv = figures(f.version());
    if (pv != null) {
      pv.errors++;
    }
    Optional<ServingGuard.Breach> b = guard.observeError(f.version());
    if (b.isPresent()) {
      breach(b.get(), pv == null ? b.get().requests() : pv.reward.n + pv.errors);
    }
    return this;
  }

  private Behavior<Command> onAnswered(Answered a) {
    backlog.taken(a.sentNanos());
    // A retired version's late report is counted as unattributed, never a new entry: the figures stay
    // bounded to the versions kept.
    PerVersion pv = figures(a.version());
    if (pv != null) {
      pv.errors += a.failed();
      pv.answered += a.answered();
    }
    Optional<ServingGuard.Breach> b = guard.observeRequests(a.version(), a.answered(), a.failed());
    if (b.isPresent()) {
      breach(b.get(), pv == null ? b.get().requests() : pv.answered + pv.errors);
    }
    return this;
  }

  private Behavior<Command> onShadowSample(ShadowSample s) {
    backlog.taken();
    if (!shadowSamples.containsKey(s.shadowVersion()) && routing != null
        && !routed(routing).contains(s.shadowVersion()) && !finished.contains(s.shadowVersion())) {
      unattributed++;
      return this;
    }
    ArrayDeque<ShadowSample> q = shadowSamples.computeIfAbsent(s.shadowVersion(), v -> new ArrayDeque<>());
    q.add(s);
    if (q.size() > settings.shadowWindow()) {
      q.poll();
    }
    long seen = shadowSeen.merge(s.shadowVersion(), 1L, Long::sum);
    if (seen % settings.shadowEvery() == 0 && q.size() >= 50) {
      estimateShadow(s.shadowVersion(), q);
    }
    return this;
  }

  private void estimateShadow(long version, ArrayDeque<ShadowSample> q) {
    List<double[]> xs = new ArrayList<>(q.size());
    List<double[]> as = new ArrayList<>(q.size());
    List<double[]> ts = new ArrayList<>(q.size());
    double[] r = new double[q.size()];
    int i = 0;
    for (ShadowSample s : q) {
      xs.add(s.context);
      as.add(s.servedAction);
      ts.add(s.shadowAction);
      r[i++] = s.reward();
    }
    try {
      Estimate e = RidgeDirectMethod.estimate(xs, as, r, ts, 1.0);
      shadowEstimates.put(version, e);
      PerVersion live = perVersion.get(routing.live().id());
      double liveValue = live == null ? Double.NaN : live.reward.summary().mean();
      registry.tell(new ServingRegistryActor.ShadowEstimate(version, e.value(), liveValue));
    } catch (RuntimeException ex) {
      getContext().getLog().warn("Shadow estimate of version [{}] failed: [{}]", version, ex.toString());
    }
  }

  private Behavior<Command> onGetMetrics(GetMetrics g) {
    Map<Long, VersionMetrics> out = new LinkedHashMap<>();
    for (Map.Entry<Long, PerVersion> e : perVersion.entrySet()) {
      PerVersion pv = e.getValue();
      out.put(e.getKey(), new VersionMetrics(pv.simulated + pv.answered, pv.feedback, pv.reward.summary(),
          pv.gmv.summary(), pv.cm2.summary(), pv.rank.n == 0 ? Double.NaN : pv.rank.sum / pv.rank.n, pv.errors));
    }
    g.replyTo().tell(new Metrics(out, Map.copyOf(shadowEstimates), List.copyOf(breaches), guard.knownGood(), evicted,
        unattributed));
    return this;
  }
}
