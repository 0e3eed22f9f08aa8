package io.rlsearch.actors.serve;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import io.rlsearch.serving.PendingDecision;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.RequestKeys;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A serving shard: answers search requests with the routing table it holds when the request starts.
 *
 * <p>A request (a user and a query, drawn from the request's own streams) is served in one message:
 * the version is chosen (the canary for its share of request ids, the live version otherwise), the
 * policy ranks, the simulated user responds, and the outcome goes back to the requester, to the
 * monitor and to the decision log, tagged with the version and propensity; a request whose policy
 * throws is answered with the error and reported to the monitor as a failure. A new routing table is
 * applied between requests, so a request in flight always finishes on the version it started with;
 * the shard acknowledges every table to the registry. With a shadow, the answered request goes to the
 * {@link ShadowActor}, which computes the shadow's action apart (never served).
 *
 * <p>A real request ({@link Rank}, parsed against the serving schema) is served the same way with the
 * table in hand: the version its routing key chooses ranks its candidates with the policy bound to the
 * schema ({@link Bindings}), the decision is registered with the feedback join, the answer goes back,
 * and a shadow, if set, ranks the request afterwards in its own actor. A real request never fails the
 * shard: a policy that throws answers it with the error and counts against its version. The monitor
 * learns of every real request the shard answered, per version and failed or not, in small reports
 * ({@link ServingMonitorActor.Answered}: every {@link #REPORT_EVERY} requests, and at most
 * {@link #REPORT_AFTER} after the first one not yet reported), sent after the answers: the
 * error-rate guardrail counts requests, while their outcomes come with their feedback, if ever.
 *
 * <p>A shard is supervised: any other failure restarts it with its {@link State}, and the request it
 * was serving is answered with the error and counted against its version, so no request is lost and
 * the requester's count of requests in flight is released.
 */
public final class ServeShardActor extends AbstractBehavior<ServeShardActor.Command> {
  /** Messages accepted by a shard: requests, and routing tables ({@link Routing}). */
  public interface Command {}

  /**
   * A search request.
   *
   * @param id request id (also the user: each request is a new user with a query)
   * @param sentNanos when it was meant to start (the traffic generator's schedule), echoed back
   * @param replyTo where the answer goes
   */
  public record Serve(long id, long sentNanos, ActorRef<Served> replyTo) implements Command {
    public Serve {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * A real request from a search service, already parsed against the serving schema: ranked by the
   * version its routing key chooses ({@link Routing#serving} of {@link RequestKeys#hash64} of the user
   * key, else the request id, else the decision id), with the policy bound to the schema, on the random
   * stream of the server's seed and the request id (else the decision id).
   *
   * @param request the request
   * @param replyTo where the answer goes
   * @param taken run once when the shard takes the request off its mailbox: it frees the request's place
   *     in the shard's queue then, and not when the requester stops waiting, so a requester that gave up
   *     never lets more requests in than the shard can hold
   */
  public record Rank(RankRequest request, ActorRef<RankReply> replyTo, Runnable taken) implements Command {
    public Rank {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(replyTo, "replyTo");
      Objects.requireNonNull(taken, "taken");
    }

    /** A request whose place is freed by nobody (a shard of a test). */
    public Rank(RankRequest request, ActorRef<RankReply> replyTo) {
      this(request, replyTo, () -> { });
    }
  }

  /**
   * The answer to a real request.
   *
   * @param decisionId the decision's id (the key of its feedback)
   * @param requestId the caller's request id, if it gave one
   * @param policy the serving version's name
   * @param version the serving version (0 if it failed)
   * @param epoch the routing table it was served with
   * @param ranking the returned candidate ids, best first
   * @param scores their final scores
   * @param explored whether exploration changed the choice
   * @param propensity the probability (or density) of what the policy did
   * @param propensityOf what the propensity is of
   * @param error why it failed, if it did
   */
  public record RankReply(String decisionId, Optional<String> requestId, String policy, long version, long epoch,
      List<String> ranking, double[] scores, boolean explored, double propensity, String propensityOf,
      Optional<String> error) {
    public RankReply {
      ranking = List.copyOf(ranking);
      scores = scores.clone();
    }

    @Override
    public double[] scores() {
      return scores.clone();
    }

    static RankReply failed(String decisionId, RankRequest r, String policy, long version, long epoch, String why) {
      return new RankReply(decisionId, r.requestId(), policy, version, epoch, List.of(), new double[0], false,
          Double.NaN, "", Optional.of(why));
    }
  }

  /**
   * What a shard needs to serve real requests.
   *
   * @param bindings the versions' policies bound to the serving schema
   * @param seed the server's seed (the policies' random streams)
   * @param nonce the process's decision-id prefix (decision ids are {@code nonce-shard-sequence})
   * @param join the feedback join, where every served decision is registered (null: none)
   * @param joinBacklog the join's backlog (a decision that finds it full is not registered, counted)
   */
  public record Real(Bindings bindings, long seed, String nonce, ActorRef<FeedbackJoinActor.Command> join,
      Backlog joinBacklog) {
    public Real {
      Objects.requireNonNull(bindings, "bindings");
      Objects.requireNonNull(nonce, "nonce");
      if (join != null) {
        Objects.requireNonNull(joinBacklog, "joinBacklog");
      }
    }
  }

  /**
   * The answer to a request.
   *
   * @param id request id
   * @param sentNanos the request's scheduled start
   * @param version the version that served it (0 if it failed)
   * @param epoch the routing table it was served with
   * @param reward its reward
   * @param gmv its GMV
   * @param cm2 its CM2
   * @param error why it failed, if it did
   */
  public record Served(long id, long sentNanos, long version, long epoch, double reward, double gmv, double cm2,
      Optional<String> error) {}

  /**
   * Serving outcomes go here too (null: nowhere). The monitor and the decision log are told through
   * their backlogs: what does not fit is dropped and counted there, never queued without bound.
   *
   * @param monitor the monitor (null: none)
   * @param monitorBacklog the monitor's backlog
   * @param decisionLog the decision log (null: none)
   * @param logBacklog the decision log's backlog
   * @param shadow where served requests go for the shadow, with its queue (null: no shadow is computed)
   */
  public record Sinks(ActorRef<ServingMonitorActor.Command> monitor, Backlog monitorBacklog,
      ActorRef<LoggedDecision> decisionLog, Backlog logBacklog, ActorRef<ShadowActor.Job> shadow,
      ShadowActor.Queue shadowQueue) {
    public Sinks {
      if (monitor != null) {
        Objects.requireNonNull(monitorBacklog, "monitorBacklog");
      }
      if (decisionLog != null) {
        Objects.requireNonNull(logBacklog, "logBacklog");
      }
      if (shadow != null) {
        Objects.requireNonNull(shadowQueue, "shadowQueue");
      }
    }

    /** Sinks without a shadow. */
    public Sinks(ActorRef<ServingMonitorActor.Command> monitor, Backlog monitorBacklog,
        ActorRef<LoggedDecision> decisionLog, Backlog logBacklog) {
      this(monitor, monitorBacklog, decisionLog, logBacklog, null, null);
    }
  }

  /**
   * What a shard keeps across a restart (its routing table, the requests waiting for the first one,
   * its subscription, its session runner), and its health for {@code /health}: restarts, requests
   * failed by a restart, whether it is alive. The health is read from any thread.
   */
  public static final class State {
    private Routing routing;
    private final ArrayDeque<Command> waiting = new ArrayDeque<>();
    private long sequence;
    private boolean subscribed;
    private InHand inHand;
    private RuntimeException cause;
    private boolean logged;
    private SessionRunner runner;
    private SimulatedRequests simulated;
    private final Answers answers = new Answers();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean alive = true;

    /** Restarts so far. */
    public long restarts() {
      return restarts.get();
    }

    /** Requests answered with an error because the shard failed while serving them. */
    public long failures() {
      return failures.get();
    }

    /** Whether the shard is running (false once it has stopped). */
    public boolean alive() {
      return alive;
    }
  }

  /** A request being served, until it is answered. */
  private record InHand(Serve serve, long version, long epoch) {}

  /**
   * Real requests are reported to the monitor at once when this many wait to be reported (one report
   * per version: a routing table serves at most two).
   */
  public static final int REPORT_EVERY = 32;

  /** Real requests not yet reported to the monitor are reported at most this long after the first of them. */
  public static final java.time.Duration REPORT_AFTER = java.time.Duration.ofMillis(50);

  /** The timer that reports the real requests counted and not yet reported. */
  private enum Report implements Command { INSTANCE }

  /**
   * Real requests answered and not yet reported to the monitor, per version: a few slots of plain
   * counts, reused (no allocation per request).
   */
  private static final class Answers {
    final long[] version = new long[4];
    final int[] answered = new int[4];
    final int[] failed = new int[4];
    int used;
    int total;
  }

  /**
   * A supervised shard that subscribes to {@code registry}'s routing: it restarts after any failure,
   * without limit, keeping {@code state}; the request in hand when it failed is answered with the error
   * and counted as a failure of its version (the error-rate guardrail sees it).
   *
   * @param faultRate probability that the work after a request's policy step throws (fault injection;
   *     0 in production)
   */
  public static Behavior<Command> create(int index, World world, Task task, RunStreams streams,
      ActorRef<ServingRegistryActor.Command> registry, Sinks sinks, State state, double faultRate) {
    return create(index, world, task, streams, registry, sinks, state, faultRate, null);
  }

  /** As above, serving real requests with {@code real} (null: a {@link Rank} is answered with an error). */
  public static Behavior<Command> create(int index, World world, Task task, RunStreams streams,
      ActorRef<ServingRegistryActor.Command> registry, Sinks sinks, State state, double faultRate, Real real) {
    if (!(faultRate >= 0 && faultRate < 1)) {
      throw new IllegalArgumentException("fault rate must lie in [0, 1), got " + faultRate);
    }
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> new ServeShardActor(ctx,
        timers, index, world, task, streams, registry, sinks, state, faultRate, real))))
        .onFailure(RuntimeException.class, SupervisorStrategy.restart().withLoggingEnabled(false));
  }

  /** A supervised shard with its own state and no fault injection. */
  public static Behavior<Command> create(int index, World world, Task task, RunStreams streams,
      ActorRef<ServingRegistryActor.Command> registry, Sinks sinks) {
    return create(index, world, task, streams, registry, sinks, new State(), 0);
  }

  private final int index;
  private final World world;
  private final RunStreams streams;
  private final SessionRunner runner;
  private final ActorRef<ServingRegistryActor.Command> registry;
  private final Sinks sinks;
  private final State state;
  private final double faultRate;
  private final Real real;
  private final TimerScheduler<Command> timers;
  /** Whether the report timer runs (timers do not outlive a restart; the counts do, in the state). */
  private boolean reportDue;

  private ServeShardActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, int index, World world, Task task,
      RunStreams streams, ActorRef<ServingRegistryActor.Command> registry, Sinks sinks, State state, double faultRate,
      Real real) {
    super(ctx);
    this.timers = timers;
    this.real = real;
    this.index = index;
    this.world = world;
    this.streams = streams;
    // Kept across restarts (building one allocates the world's buffers); prepare() starts it afresh.
    if (state.runner == null) {
      state.runner = new SessionRunner(world, task, streams);
    }
    this.runner = state.runner;
    this.registry = registry;
    this.sinks = sinks;
    this.state = state;
    this.faultRate = faultRate;
    if (state.answers.used > 0) {
      reportDue = true;
      timers.startSingleTimer(Report.INSTANCE, REPORT_AFTER);
    }
    if (!state.subscribed) {
      // The registry sends tables straight to this actor (no adapter), so a control-aware mailbox sees
      // them; the reference outlives a restart, so a restarted shard keeps its subscription.
      registry.tell(new ServingRegistryActor.Subscribe(ctx.getSelf().narrow()));
      state.subscribed = true;
    } else if (state.routing != null) {
      // Requests that waited for the first table and were not served before the failure: served now.
      while (!state.waiting.isEmpty()) {
        ctx.getSelf().tell(state.waiting.poll());
      }
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Serve.class, this::onServe)
        .onMessage(Rank.class, this::onRank)
        .onMessage(Routing.class, this::onRouting)
        .onMessageEquals(Report.INSTANCE, () -> {
          reportDue = false;
          report();
          return this;
        })
        .onSignal(PreRestart.class, s -> onPreRestart())
        .onSignal(PostStop.class, s -> {
          state.alive = false;
          return this;
        })
        .build();
  }

  private Behavior<Command> onRouting(Routing r) {
    if (state.routing == null || r.epoch() > state.routing.epoch()) {
      state.routing = r;
    }
    registry.tell(new ServingRegistryActor.Applied(index, r.epoch()));
    // One at a time, each taken off the list before it is served: a failure loses none of the others.
    for (Command c = state.waiting.poll(); c != null; c = state.waiting.poll()) {
      if (c instanceof Serve s) {
        onServe(s);
      } else if (c instanceof Rank k) {
        onRank(k);
      }
    }
    return this;
  }

  private Behavior<Command> onServe(Serve s) {
    if (state.routing == null) {
      // Before the first table arrives (start-up), requests wait; none is dropped.
      state.waiting.add(s);
      return this;
    }
    Routing r = state.routing;
    Routing.Version v = r.serving(s.id());
    state.inHand = new InHand(s, v.id(), r.epoch());
    double[] x;
    Decision d;
    Played t;
    String propensityOf;
    Optional<LoggedDecision.Slate> slate = Optional.empty();
    try {
      if (real != null) {
        // As a search service's request: the user's top candidates ranked by the version's policy bound
        // to the schema (every family serves), then the simulated user browses the ranking.
        SimulatedRequests.Session sess = simulated().session(s.id());
        Ranked ranked = real.bindings().of(v).rank(sess.request(real.bindings().schema()), streams.policy(s.id()));
        int[] order = ranked.order();
        List<String> all = sess.ids();
        List<String> ids = new java.util.ArrayList<>(order.length);
        int[] products = new int[order.length];
        int[] baseline = new int[order.length];
        for (int i = 0; i < order.length; i++) {
          ids.add(all.get(order[i]));
          products[i] = Integer.parseInt(all.get(order[i]));
          baseline[i] = Integer.parseInt(all.get(i));
        }
        SimulatedRequests.Outcome o = sess.respond(ids);
        x = ranked.policyInput();
        d = ranked.decision();
        propensityOf = ranked.propensityOf();
        slate = ranked.slate();
        t = new Played(o.reward(), o.breakdown(), o.purchases().size(),
            io.rlsearch.sim.Metrics.deltaRankAtK(baseline, products, order.length));
      } else {
        Population.Arrival a = Population.firstSession(world, streams, s.id());
        x = runner.prepare(a);
        d = v.policy().act(x, streams.policy(s.id()));
        propensityOf = LoggedDecision.defaultPropensityOf(d.continuous() ? -1 : d.arm());
        Transition tr = runner.finish(d, v.name(), v.id());
        t = new Played(tr.reward(), tr.breakdown(), tr.orders(), tr.rankChange());
      }
    } catch (RuntimeException e) {
      // A failed request is an outcome too: the monitor's error-rate guardrail rolls the version back.
      state.inHand = null;
      failure(v.id());
      s.replyTo().tell(new Served(s.id(), s.sentNanos(), 0, r.epoch(), Double.NaN, Double.NaN, Double.NaN,
          Optional.of("version " + v.id() + " failed: " + e.getMessage())));
      return this;
    }
    try {
      answer(s, r, v, x, d, t, propensityOf, slate);
    } catch (RuntimeException e) {
      // Kept for the restart, which answers the request in hand with it.
      state.cause = e;
      throw e;
    }
    return this;
  }

  /**
   * A real request: ranked, registered with the feedback join (before the answer, so a feedback sent
   * on the answer always finds it), answered, then handed to the shadow. Never throws: a policy that
   * fails answers the request with the error and counts against its version.
   */
  private Behavior<Command> onRank(Rank m) {
    if (state.routing == null) {
      state.waiting.add(m);
      return this;
    }
    m.taken().run();
    Routing r = state.routing;
    RankRequest q = m.request();
    String decisionId = (real == null ? "none" : real.nonce()) + "-" + index + "-" + state.sequence++;
    if (real == null) {
      m.replyTo().tell(RankReply.failed(decisionId, q, r.live().name(), 0, r.epoch(), "this server does not rank"
          + " real requests"));
      return this;
    }
    Routing.Version v = r.serving(RequestKeys.hash64(q.userKey().or(q::requestId).orElse(decisionId)));
    String streamKey = q.requestId().orElse(decisionId);
    Ranked ranked;
    List<String> ids;
    try {
      ranked = real.bindings().of(v).rank(q, RequestKeys.policyStream(real.seed(), streamKey));
      int[] order = ranked.order();
      String[] all = q.ids();
      String[] out = new String[order.length];
      for (int i = 0; i < order.length; i++) {
        out[i] = all[order[i]];
      }
      ids = List.of(out);
      if (real.join() != null && real.joinBacklog().offer()) {
        real.join().tell(new FeedbackJoinActor.Open(new PendingDecision(decisionId, q.requestId(), v.name(), v.id(),
            ids, ranked.policyInput(), ranked.decision(), ranked.propensityOf(), ranked.explored(),
            ranked.slate())));
      }
    } catch (RuntimeException e) {
      m.replyTo().tell(RankReply.failed(decisionId, q, v.name(), v.id(), r.epoch(), "version " + v.id() + " failed: "
          + (e.getMessage() == null ? e.toString() : e.getMessage())));
      answered(v.id(), false);
      return this;
    }
    m.replyTo().tell(new RankReply(decisionId, q.requestId(), v.name(), v.id(), r.epoch(), ids, ranked.scores(),
        ranked.explored(), ranked.propensity(), ranked.propensityOf(), Optional.empty()));
    answered(v.id(), true);
    // The shadow, after the answer and in its own actor: it can neither fail nor delay the request.
    if (r.shadow().isPresent() && sinks.shadow() != null && sinks.shadowQueue().offer()) {
      sinks.shadow().tell(new ShadowActor.RankWork(r.shadow().get(), q, decisionId, streamKey, ranked.order(),
          real.join()));
    }
    return this;
  }

  /**
   * Everything after the policy's step: the decision is made whole (a decision that cannot be logged
   * fails here, before anyone is told), then the monitor, the log, the requester and the shadow.
   */
  private void answer(Serve s, Routing r, Routing.Version v, double[] x, Decision d, Played t, String propensityOf,
      Optional<LoggedDecision.Slate> slate) {
    if (faultRate > 0 && streams.fault(s.id(), FAULT_STREAM).random() < faultRate) {
      throw new InjectedFault("injected fault in serving shard " + index + " at request " + s.id());
    }
    LoggedDecision logged = sinks.decisionLog() == null ? null : new LoggedDecision(v.name(), v.id(), s.id(), 0, x,
        d.continuous() ? -1 : d.arm(), d.continuous() && slate.isEmpty() ? d.action() : null, d.propensity(), null,
        t.reward(), true,
        new LoggedDecision.Outcome(t.breakdown().gmv(), t.breakdown().cm2(), t.breakdown().strat(),
            t.breakdown().clicks(), t.orders()), propensityOf, slate.orElse(null));
    ShadowActor.Work shadow = r.shadow().isPresent() && d.continuous() && sinks.shadow() != null
        ? new ShadowActor.Work(r.shadow().get(), s.id(), x, d.action(), t.reward()) : null;
    if (sinks.monitor() != null && sinks.monitorBacklog().offer()) {
      sinks.monitor().tell(new ServingMonitorActor.Outcome(v.id(), t.reward(), t.breakdown().gmv(),
          t.breakdown().cm2(), t.rankChange(), sinks.monitorBacklog().now()));
    }
    if (logged != null && sinks.logBacklog().offer()) {
      sinks.decisionLog().tell(logged);
    }
    state.inHand = null;
    s.replyTo().tell(new Served(s.id(), s.sentNanos(), v.id(), r.epoch(), t.reward(), t.breakdown().gmv(),
        t.breakdown().cm2(), Optional.empty()));
    // The shadow, after the answer and in its own actor: it can neither fail nor delay the live request.
    if (shadow != null && sinks.shadowQueue().offer()) {
      sinks.shadow().tell(shadow);
    }
  }

  /** What a simulated request came to: its reward and parts, orders, and how far its ranking moved from the base order. */
  private record Played(double reward, io.rlsearch.core.RewardBreakdown breakdown, double orders, double rankChange) {}

  /** The simulated requests of this shard's streams (kept across restarts with the runner). */
  private SimulatedRequests simulated() {
    if (state.simulated == null) {
      int n = Math.min(SimulatedRequests.DEFAULT_CANDIDATES, world.catalog().size());
      state.simulated = new SimulatedRequests(world, streams.seed(), n, Math.min(world.settings().topK(), n));
    }
    return state.simulated;
  }

  /**
   * Counts a real request answered by {@code version} ({@code ok}: ranked, else failed) for the monitor:
   * reported with the others when {@link #REPORT_EVERY} wait, or by the timer.
   */
  private void answered(long version, boolean ok) {
    if (sinks.monitor() == null) {
      return;
    }
    Answers a = state.answers;
    int i = 0;
    while (i < a.used && a.version[i] != version) {
      i++;
    }
    if (i == a.used) {
      if (a.used == a.version.length) {
        report();
        i = 0;
      }
      a.version[i] = version;
      a.answered[i] = 0;
      a.failed[i] = 0;
      a.used = i + 1;
    }
    if (ok) {
      a.answered[i]++;
    } else {
      a.failed[i]++;
    }
    if (++a.total >= REPORT_EVERY) {
      report();
    } else if (!reportDue) {
      reportDue = true;
      timers.startSingleTimer(Report.INSTANCE, REPORT_AFTER);
    }
  }

  /** Reports the real requests counted to the monitor, one message per version, through its backlog. */
  private void report() {
    Answers a = state.answers;
    for (int i = 0; i < a.used; i++) {
      if (sinks.monitorBacklog().offer()) {
        sinks.monitor().tell(new ServingMonitorActor.Answered(a.version[i], a.answered[i], a.failed[i],
            sinks.monitorBacklog().now()));
      }
    }
    a.used = 0;
    a.total = 0;
  }

  private void failure(long version) {
    if (sinks.monitor() != null && sinks.monitorBacklog().offer()) {
      sinks.monitor().tell(new ServingMonitorActor.Failure(version, sinks.monitorBacklog().now()));
    }
  }

  /**
   * Before the restart: the request in hand (if the failure came before its answer) is answered with
   * the error and counted against its version, so the requester's in-flight count is released and the
   * error-rate guardrail sees it. The first failure is logged; later ones are counted.
   */
  private Behavior<Command> onPreRestart() {
    RuntimeException cause = state.cause;
    state.cause = null;
    String why = cause == null ? "unknown failure" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
    long n = state.restarts.incrementAndGet();
    InHand h = state.inHand;
    state.inHand = null;
    if (h != null) {
      state.failures.incrementAndGet();
      failure(h.version());
      h.serve().replyTo().tell(new Served(h.serve().id(), h.serve().sentNanos(), 0, h.epoch(), Double.NaN, Double.NaN,
          Double.NaN, Optional.of("version " + h.version() + " failed: serving shard " + index + " failed and"
              + " restarted: " + why)));
    }
    if (!state.logged && !(cause instanceof InjectedFault)) {
      state.logged = true;
      getContext().getLog().warn("serving shard {} failed at request {} and restarted: {} (later restarts are"
          + " counted in /health, not logged)", index, h == null ? -1 : h.serve().id(), why);
    }
    return this;
  }

  /** The attempt number of the fault injection's stream (apart from the shadow's and the training's). */
  private static final int FAULT_STREAM = 2_000_000;

  /** A fault thrown on purpose (fault injection). */
  public static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(String message) {
      super(message, null, false, false);
    }
  }
}
