package io.rlsearch.api.serving;

import com.typesafe.config.Config;
import io.rlsearch.actors.serve.DecisionLogActor;
import io.rlsearch.actors.serve.FeedbackJoinActor;
import io.rlsearch.actors.serve.ServeShardActor;
import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.actors.serve.ServingRegistryActor;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Recorder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A running serving path: registry, monitor, shards, decision log and the response collector in one
 * ActorSystem, and an open-loop traffic generator. Latency is measured from each request's scheduled
 * start (the open loop's schedule, not the send), so a stall shows in the figures instead of being
 * hidden by requests that were never sent (coordinated omission).
 *
 * <p>The data plane: {@link #rank} serves a search service's request on a shard under the same
 * admission as the simulated traffic, {@link #feedback} joins what its user did to the decision in the
 * feedback join ({@link FeedbackJoinActor}), whose joined decisions feed the monitor, the decision log
 * and the subscribers of {@link #subscribeJoined}.
 */
public final class ServingSystem implements AutoCloseable {
  /**
   * Settings.
   *
   * @param shards serving shards
   * @param monitor guardrails and shadow settings
   * @param decisionLog where every served decision is written, if anywhere
   * @param seed the request streams' root seed
   * @param record requests whose reward and version are kept one by one (the swap test's analysis)
   * @param queue requests a shard may hold (in its mailbox or being served; a real request's place is
   *     freed when the shard takes it); beyond, a request is shed
   * @param faultRate probability that a shard fails after a request's policy step (fault injection; 0 in
   *     production)
   */
  public record Settings(int shards, ServingMonitorActor.Settings monitor, Optional<Path> decisionLog, long seed,
      int record, int queue, double faultRate) {
    public Settings {
      if (shards < 1 || record < 0 || queue < 1) {
        throw new IllegalArgumentException("serving needs shards >= 1, record >= 0 and a queue >= 1");
      }
      if (!(faultRate >= 0 && faultRate < 1)) {
        throw new IllegalArgumentException("the fault rate must lie in [0, 1), got " + faultRate);
      }
    }

    /** Settings without fault injection. */
    public Settings(int shards, ServingMonitorActor.Settings monitor, Optional<Path> decisionLog, long seed,
        int record, int queue) {
      this(shards, monitor, decisionLog, seed, record, queue, 0);
    }

    /** Settings with the default queue of {@link #QUEUE} requests per shard. */
    public Settings(int shards, ServingMonitorActor.Settings monitor, Optional<Path> decisionLog, long seed,
        int record) {
      this(shards, monitor, decisionLog, seed, record, QUEUE);
    }
  }

  /**
   * Requests a shard holds by default. A shard serves a default-world request in 0.1-0.3 ms on the
   * 2-core machines measured, so a full queue waits 6-20 ms: admitted requests keep a bounded latency
   * however high the offered rate.
   */
  public static final int QUEUE = 64;

  /**
   * The data plane's settings: what real requests are ranked and joined with.
   *
   * @param schema the serving schema (features, reward, limits)
   * @param nonce the decision ids' prefix, unique to this process (decision ids are
   *     {@code nonce-shard-sequence})
   * @param clock nanoseconds, for the feedback window
   * @param sweepEvery how often decisions past their window are expired without waiting for new ones
   */
  public record DataPlane(io.rlsearch.serving.ServingSchema schema, String nonce, java.util.function.LongSupplier clock,
      Duration sweepEvery) {
    public DataPlane {
      java.util.Objects.requireNonNull(schema, "schema");
      java.util.Objects.requireNonNull(clock, "clock");
      if (nonce == null || !nonce.matches("[A-Za-z0-9]{1,32}")) {
        throw new IllegalArgumentException("a decision-id nonce is 1-32 letters and digits, got " + nonce);
      }
      if (sweepEvery.isNegative() || sweepEvery.isZero()) {
        throw new IllegalArgumentException("the sweep interval must be > 0");
      }
    }

    /** {@code schema} with a fresh random nonce, the system clock and a sweep every second. */
    public static DataPlane of(io.rlsearch.serving.ServingSchema schema) {
      return new DataPlane(schema, newNonce(), System::nanoTime, Duration.ofSeconds(1));
    }

    /** The world's schema ({@link io.rlsearch.serving.ServingSchema#world}). */
    public static DataPlane of(World world) {
      return of(io.rlsearch.serving.ServingSchema.world(world.settings()));
    }
  }

  /** 12 random base-36 characters (62 bits): decision ids no other process of this server repeats. */
  public static String newNonce() {
    long v = new java.security.SecureRandom().nextLong() >>> 2;
    String s = Long.toString(v, 36);
    return "0".repeat(Math.max(0, 12 - s.length())) + s;
  }

  /**
   * Real requests' counts.
   *
   * @param requests rank requests offered to a shard
   * @param answered ranked and answered
   * @param failed answered with an error (the version's policy failed, or the shard did not answer in time)
   * @param shed refused at once (503) because the shard's queue was full or the server is stopping
   * @param refused refused as bad input (4xx) before reaching a shard
   * @param feedbackShed feedbacks refused (503) because too many waited for the join
   * @param registrationsDropped served decisions not registered for feedback because the join's backlog was full
   * @param feedbackRefused feedbacks refused as bad input (4xx) before reaching the join
   */
  public record RealCounts(long requests, long answered, long failed, long shed, long refused, long feedbackShed,
      long registrationsDropped, long feedbackRefused) {}

  /**
   * Data-plane bodies read and parsed at once; beyond, a request is refused with 503 (counted). Reading
   * and parsing take well under a millisecond for a request of 100 candidates, so this many in flight
   * means a burst far past what the shards serve; it bounds the memory bodies and their JSON trees hold
   * (each at most {@code serving.max_body}).
   */
  public static final int BODIES = 64;

  /** Feedbacks that may wait for the join at once; beyond, a feedback is refused with 503 (counted). */
  public static final int FEEDBACK_QUEUE = 4096;

  /** Joined decisions that may wait for one subscriber by default; beyond, they are dropped for it (counted). */
  public static final int SUBSCRIBER_QUEUE = 4096;

  /** How long a rank request may wait for its shard before it is answered 503. */
  public static final Duration RANK_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Request counts.
   *
   * @param sent generated by the traffic
   * @param admitted sent to a shard (the others were shed)
   * @param answered admitted and answered
   * @param failed answered with an error
   * @param shed refused at once because the shard's queue was full
   */
  public record Counts(long sent, long admitted, long answered, long failed, long shed) {}

  /**
   * The shards' health.
   *
   * @param shards shards started
   * @param alive shards running
   * @param restarts restarts after a failure, all shards together
   * @param failures requests answered with an error because their shard failed serving them
   */
  public record ShardHealth(int shards, int alive, long restarts, long failures) {}

  private volatile Optional<io.rlsearch.api.metrics.Telemetry> telemetry = Optional.empty();

  /**
   * Feeds {@code t} with every answered request, the registry's new events (asked every 250 ms by an
   * actor, without blocking a thread), the shards' restarts and the monitor's and decision log's
   * backlogs (for the metrics endpoint and the live page).
   */
  public void attach(io.rlsearch.api.metrics.Telemetry t) {
    telemetry = Optional.of(t);
    spawn(io.rlsearch.actors.serve.EventForwarder.create(registry, t::policyEvent, Duration.ofMillis(250),
        Duration.ofSeconds(10)), "event-forwarder");
    t.counter("rlsearch_serving_shard_restarts", "Serving shards restarted after a failure",
        () -> shardHealth().restarts());
    t.gauge("rlsearch_serving_shards_alive", "Serving shards running", () -> shardHealth().alive());
    t.counter("rlsearch_serving_monitor_dropped", "Outcomes the serving monitor never saw: its backlog was full",
        () -> monitorBacklog.counts().dropped());
    t.counter("rlsearch_serving_monitor_late", "Outcomes the guardrails saw more than "
        + ServingMonitorActor.LATE.toMillis() + " ms after they were served", () -> monitorBacklog.counts().late());
    t.gauge("rlsearch_serving_monitor_backlog", "Outcomes waiting for the serving monitor",
        () -> monitorBacklog.counts().queued());
    t.counter("rlsearch_decision_log_dropped", "Decision-log lines dropped: the log could not keep up",
        () -> logBacklog.counts().dropped());
    t.gauge("rlsearch_decision_log_backlog", "Decision-log lines waiting to be written",
        () -> logBacklog.counts().queued());
    t.counter("rlsearch_rank_requests", "Real rank requests (POST /v1/rank) offered to a shard",
        () -> rankRequests.get());
    t.counter("rlsearch_rank_answered", "Real rank requests answered by a shard", () -> rankAnswered.get());
    t.counter("rlsearch_rank_failed", "Real rank requests whose version failed or whose shard did not answer",
        () -> rankFailed.get());
    t.counter("rlsearch_rank_shed", "Real rank requests refused with 503 (a full shard queue or stopping)",
        () -> rankShed.get());
    t.counter("rlsearch_rank_refused", "Real rank requests refused as bad input (4xx)", () -> rankRefused.get());
    t.counter("rlsearch_data_bodies_shed", "Rank and feedback requests refused with 503: "
        + BODIES + " bodies were being read", () -> bodies.dropped());
    t.gauge("rlsearch_feedback_open", "Served decisions waiting for feedback", () -> joinFigures.counts().open());
    t.counter("rlsearch_feedback_joined", "Feedbacks joined to their decision", () -> joinFigures.counts().joined());
    t.counter("rlsearch_feedback_unknown", "Feedbacks for no waiting decision (404)",
        () -> joinFigures.counts().unknown());
    t.counter("rlsearch_feedback_duplicate", "Second feedbacks for a decision (409)",
        () -> joinFigures.counts().duplicate());
    t.counter("rlsearch_feedback_expired", "Decisions whose feedback window passed without feedback",
        () -> joinFigures.counts().expired());
    t.counter("rlsearch_feedback_evicted", "Decisions evicted unjoined because serving.open_decisions waited",
        () -> joinFigures.counts().evicted());
    t.counter("rlsearch_request_id_reused", "Rank requests whose request_id a decision still waiting for (or"
        + " joined to) its feedback had: their exploration draws are the same", () -> joinFigures.counts()
        .reusedRequestIds());
    t.counter("rlsearch_feedback_shed", "Feedbacks refused with 503 because too many waited for the join",
        () -> feedbackBacklog.dropped());
    t.counter("rlsearch_feedback_refused", "Feedbacks (POST /v1/feedback) refused as bad input (4xx)",
        () -> feedbackRefused.get());
    t.counter("rlsearch_feedback_unregistered", "Served decisions not registered for feedback: the join's backlog"
        + " was full", () -> joinBacklog.dropped());
    t.counter("rlsearch_feedback_subscriber_dropped", "Joined decisions a slow subscriber could not take",
        () -> joinFigures.subscriberDropped());
    t.counter("rlsearch_shadow_rank_compared", "Real requests the shadow also ranked",
        () -> shadowQueue.agreement().compared());
    t.counter("rlsearch_shadow_skipped", "Requests the shadow skipped: " + io.rlsearch.actors.serve.ShadowActor.CAPACITY
        + " were in its hands (waiting for it, or its decisions waiting for the feedback join)",
        () -> shadowQueue.skipped());
    t.gauge("rlsearch_shadow_topk_agreement", "Mean share of the served top k the shadow also ranks in its top k",
        () -> shadowQueue.agreement().meanTopK());
  }

  /** The shards' health now. */
  public ShardHealth shardHealth() {
    int alive = 0;
    long restarts = 0;
    long failures = 0;
    for (ServeShardActor.State st : shardStates) {
      alive += st.alive() ? 1 : 0;
      restarts += st.restarts();
      failures += st.failures();
    }
    return new ShardHealth(shardStates.size(), alive, restarts, failures);
  }

  /** The monitor's backlog: outcomes waiting, dropped, late. */
  public io.rlsearch.actors.serve.Backlog.Counts monitorBacklog() {
    return monitorBacklog.counts();
  }

  /** The decision log's backlog: lines waiting and dropped (none queued without a log). */
  public io.rlsearch.actors.serve.Backlog.Counts logBacklog() {
    return logBacklog.counts();
  }

  private final ActorSystem<SpawnProtocol.Command> system;
  /** The timer of the shed requests' reports. */
  private final org.apache.pekko.actor.Cancellable shedReports;
  /** Props that put an actor on the serving dispatcher. */
  private final Props onServing;
  private final ActorRef<ServingRegistryActor.Command> registry;
  private final ActorRef<ServingMonitorActor.Command> monitor;
  private final List<ActorRef<ServeShardActor.Command>> shards = new ArrayList<>();
  private final List<ServeShardActor.State> shardStates = new ArrayList<>();
  private final io.rlsearch.actors.serve.Backlog monitorBacklog = new io.rlsearch.actors.serve.Backlog(
      ServingMonitorActor.QUEUE, ServingMonitorActor.LATE, System::nanoTime);
  private final io.rlsearch.actors.serve.Backlog logBacklog = new io.rlsearch.actors.serve.Backlog(
      DecisionLogActor.QUEUE, Duration.ofSeconds(1), System::nanoTime);
  private final ActorRef<ServeShardActor.Served> collector;
  private final Optional<ActorRef<DecisionLogActor.Command>> log;
  /** The shards' way to the log; flushes go through it too, behind the decisions it holds. */
  private final Optional<ActorRef<Object>> writer;
  private final Recorder latency = new Recorder(3);
  private final io.rlsearch.actors.serve.ShadowActor.Queue shadowQueue = new io.rlsearch.actors.serve.ShadowActor.Queue();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong admitted = new AtomicLong();
  private final AtomicLong shed = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger[] inFlight;
  private final int queue;
  private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final double[] rewards;
  private final long[] versions;
  private final DataPlane data;
  private final io.rlsearch.actors.serve.Bindings bindings;
  private final ActorRef<FeedbackJoinActor.Command> join;
  private final io.rlsearch.actors.serve.Backlog joinBacklog = new io.rlsearch.actors.serve.Backlog(
      FeedbackJoinActor.QUEUE, Duration.ofSeconds(1), System::nanoTime);
  private final io.rlsearch.actors.serve.Backlog feedbackBacklog = new io.rlsearch.actors.serve.Backlog(
      FEEDBACK_QUEUE, Duration.ofSeconds(1), System::nanoTime);
  private final FeedbackJoinActor.Figures joinFigures = new FeedbackJoinActor.Figures();
  private final io.rlsearch.actors.serve.Backlog bodies = new io.rlsearch.actors.serve.Backlog(BODIES,
      Duration.ofSeconds(1), System::nanoTime);
  private final AtomicLong rankNext = new AtomicLong();
  private final AtomicLong rankRequests = new AtomicLong();
  private final AtomicLong rankAnswered = new AtomicLong();
  private final AtomicLong rankFailed = new AtomicLong();
  private final AtomicLong rankShed = new AtomicLong();
  private final AtomicLong rankRefused = new AtomicLong();
  private final AtomicLong feedbackRefused = new AtomicLong();

  /** Starts a serving path whose version 1 (live, known-good) is {@code initial}, under the world's schema. */
  public ServingSystem(World world, Task task, String initialName, String initialSource, PolicySnapshot initial,
      Settings s, Config config) {
    this(world, task, initialName, initialSource, initial, s, config, DataPlane.of(world));
  }

  /**
   * Starts a serving path whose version 1 (live, known-good) is {@code initial}, ranking real requests
   * under {@code data}'s schema.
   *
   * @throws IllegalArgumentException if {@code initial} does not bind to the schema (one line)
   */
  public ServingSystem(World world, Task task, String initialName, String initialSource, PolicySnapshot initial,
      Settings s, Config config, DataPlane data) {
    this.data = data;
    this.bindings = new io.rlsearch.actors.serve.Bindings(data.schema());
    // Refused before anything starts: a live policy that cannot read the schema serves nothing.
    bindings.put(1, bindings.bind(initial));
    this.system = ActorSystem.create(SpawnProtocol.create(), "rlsearch-serve", config);
    io.rlsearch.actors.DeadLetterMonitor.install(system);
    this.onServing = servingDispatcher(config);
    this.rewards = new double[s.record()];
    this.versions = new long[s.record()];
    this.queue = s.queue();
    this.inFlight = new java.util.concurrent.atomic.AtomicInteger[s.shards()];
    for (int i = 0; i < s.shards(); i++) {
      inFlight[i] = new java.util.concurrent.atomic.AtomicInteger();
    }
    RunStreams streams = new RunStreams(s.seed());
    this.registry = spawn(ServingRegistryActor.create(initialName, initialSource, initial, s.shards(), System::nanoTime,
        ServingRegistryActor.FINISHED_KEPT, bindings::retire), "registry");
    this.monitor = spawn(ServingMonitorActor.create(registry, 1, s.monitor(), monitorBacklog), "monitor");
    // The decision log writes a file: on Pekko's blocking-IO dispatcher, not the one serving runs on.
    this.log = s.decisionLog().map(p -> spawn(DecisionLogActor.create(p, logBacklog), "decision-log",
        org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
    this.writer = log.map(l -> spawn(DecisionLogActor.writer(l), "decision-log-writer"));
    ActorRef<LoggedDecision> writer = this.writer.<ActorRef<LoggedDecision>>map(w -> w.narrow()).orElse(null);
    ActorRef<io.rlsearch.actors.serve.ShadowActor.Job> shadow = spawn(io.rlsearch.actors.serve.ShadowActor.create(
        streams, monitor, monitorBacklog, shadowQueue, bindings, s.seed()), "shadow");
    this.join = spawn(FeedbackJoinActor.create(data.schema().limits().openDecisions(),
        data.schema().limits().feedbackWindow(), data.schema().reward(), data.clock(), data.sweepEvery(), joinBacklog,
        new FeedbackJoinActor.Sinks(monitor, monitorBacklog, this.writer.orElse(null), logBacklog), joinFigures),
        "feedback-join");
    ServeShardActor.Real real = new ServeShardActor.Real(bindings, s.seed(), data.nonce(), join, joinBacklog);
    Props shardProps = config.hasPath("rlsearch.mailboxes.serving")
        ? onServing.withNext(MailboxSelector.fromConfig("rlsearch.mailboxes.serving")) : onServing;
    for (int i = 0; i < s.shards(); i++) {
      ServeShardActor.State st = new ServeShardActor.State();
      shardStates.add(st);
      shards.add(spawn(ServeShardActor.create(i, world, task, streams, registry, new ServeShardActor.Sinks(monitor,
          monitorBacklog, writer, logBacklog, shadow, shadowQueue), st, s.faultRate(), real), "shard-" + i, shardProps));
    }
    this.collector = spawn(Behaviors.receiveMessage(this::collect), "collector");
    this.shedReports = system.scheduler().scheduleWithFixedDelay(SHED_REPORT_EVERY, SHED_REPORT_EVERY,
        this::reportShed, system.executionContext());
    org.apache.pekko.actor.CoordinatedShutdown.get(system).addTask(
        org.apache.pekko.actor.CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-serving", this::drain);
  }

  /**
   * The serving actors' dispatcher ({@code rlsearch.dispatchers.serving}, one thread per core): a request
   * is a whole episode of CPU work, which keeps off the default dispatcher, and every actor on a
   * request's path (shards, monitor, answers' collector, registry, shadow) shares the one pool, so a
   * message from one to the next rarely wakes a thread. On 2 cores at 10,000 requests/s the default
   * dispatcher's 8 threads spent about half of a core in the kernel waking one another; shards alone on
   * a pool of their own paid one pool-to-pool hand-off per message and shed more. The default
   * dispatcher when the configuration has none.
   */
  private static Props servingDispatcher(Config config) {
    return config.hasPath(SERVING_DISPATCHER) ? org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(
        SERVING_DISPATCHER) : Props.empty();
  }

  /** Config path of the serving actors' dispatcher. */
  static final String SERVING_DISPATCHER = "rlsearch.dispatchers.serving";

  private <T> ActorRef<T> spawn(Behavior<T> b, String name) {
    return spawn(b, name, onServing);
  }

  private <T> ActorRef<T> spawn(Behavior<T> b, String name, Props props) {
    CompletionStage<ActorRef<T>> ref = AskPattern.ask(system,
        replyTo -> new SpawnProtocol.Spawn<>(b, name, props, replyTo), Duration.ofSeconds(10), system.scheduler());
    return ref.toCompletableFuture().join();
  }

  private Behavior<ServeShardActor.Served> collect(ServeShardActor.Served s) {
    inFlight[(int) (s.id() % inFlight.length)].decrementAndGet();
    long now = System.nanoTime();
    long micros = Math.max(0, now - s.sentNanos()) / 1000;
    latency.recordValue(micros);
    Optional<io.rlsearch.api.metrics.Telemetry> t = telemetry;
    if (t.isPresent()) {
      t.get().request(s.version(), s.reward(), s.gmv(), s.cm2(), micros, s.error().isEmpty());
    }
    if (s.error().isPresent()) {
      failed.incrementAndGet();
    } else if (s.id() < rewards.length) {
      rewards[(int) s.id()] = s.reward();
      versions[(int) s.id()] = s.version();
    }
    answered.incrementAndGet();
    return Behaviors.same();
  }

  /** The registry (the control plane). */
  public ActorRef<ServingRegistryActor.Command> registry() {
    return registry;
  }

  /** The monitor. */
  public ActorRef<ServingMonitorActor.Command> monitor() {
    return monitor;
  }

  /** The actor system. */
  public ActorSystem<?> system() {
    return system;
  }

  /** Asks the registry. */
  public <T> T ask(Function<ActorRef<T>, ServingRegistryActor.Command> make) {
    return AskPattern.<ServingRegistryActor.Command, T>ask(registry, make::apply, Duration.ofSeconds(10),
        system.scheduler()).toCompletableFuture().join();
  }

  /** Asks the monitor for its figures. */
  public ServingMonitorActor.Metrics metrics() {
    return AskPattern.<ServingMonitorActor.Command, ServingMonitorActor.Metrics>ask(monitor,
        ServingMonitorActor.GetMetrics::new, Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().join();
  }

  /**
   * Registers a version; its id. Its policy is bound to the serving schema first.
   *
   * @throws IllegalArgumentException if it does not bind to the schema (one line; nothing is registered)
   */
  public long register(String name, String source, PolicySnapshot p) {
    io.rlsearch.serving.ServingPolicy bound = bindings.bind(p);
    long id = this.<Long>ask(to -> new ServingRegistryActor.Register(name, source, p, to));
    bindings.put(id, bound);
    return id;
  }

  /** The serving schema in force. */
  public io.rlsearch.serving.ServingSchema schema() {
    return data.schema();
  }

  /**
   * Sends every joined decision (a served real request and its feedback) to {@code subscriber}, at
   * most {@link #SUBSCRIBER_QUEUE} waiting; see {@link #subscribeJoined(ActorRef, int)}.
   */
  public io.rlsearch.actors.serve.Backlog subscribeJoined(ActorRef<io.rlsearch.serving.Joined> subscriber) {
    return subscribeJoined(subscriber, SUBSCRIBER_QUEUE);
  }

  /**
   * Sends every joined decision to {@code subscriber} from now on (until it stops), bounded: the
   * returned backlog holds a place for each decision sent and not yet taken, and the subscriber gives
   * one back with {@link io.rlsearch.actors.serve.Backlog#taken()} as it takes each decision. While
   * {@code capacity} wait, further decisions are not sent to it: they are counted as dropped (in the
   * returned backlog and in {@code rlsearch_feedback_subscriber_dropped}), the join goes on and other
   * subscribers still receive them. A slow subscriber thus loses decisions, counted, and never slows
   * the join or grows without bound.
   */
  public io.rlsearch.actors.serve.Backlog subscribeJoined(ActorRef<io.rlsearch.serving.Joined> subscriber,
      int capacity) {
    io.rlsearch.actors.serve.Backlog b = new io.rlsearch.actors.serve.Backlog(capacity, Duration.ofSeconds(1),
        System::nanoTime);
    join.tell(new FeedbackJoinActor.Subscribe(subscriber, b));
    return b;
  }

  /** The data plane's bodies being read and parsed ({@link #BODIES} at most; the rest are shed, counted). */
  public io.rlsearch.actors.serve.Backlog bodies() {
    return bodies;
  }

  /** The feedback join's actor. */
  public ActorRef<FeedbackJoinActor.Command> feedbackJoin() {
    return join;
  }

  /** The feedback join's counts (as of its last change). */
  public io.rlsearch.serving.FeedbackJoin.Counts joinCounts() {
    return joinFigures.counts();
  }

  /** Joined decisions a subscriber could not take (its backlog was full). */
  public long subscriberDropped() {
    return joinFigures.subscriberDropped();
  }

  /** The shadow's top-k agreement with the served rankings of real requests. */
  public io.rlsearch.actors.serve.ShadowActor.Agreement shadowAgreement() {
    return shadowQueue.agreement();
  }

  /** Real requests' counts. */
  public RealCounts realCounts() {
    return new RealCounts(rankRequests.get(), rankAnswered.get(), rankFailed.get(), rankShed.get(), rankRefused.get(),
        feedbackBacklog.dropped(), joinBacklog.dropped(), feedbackRefused.get());
  }

  /** Counts a rank request refused as bad input before it reached a shard. */
  public void refused() {
    rankRefused.incrementAndGet();
  }

  /** Counts a feedback refused as bad input before it reached the join. */
  public void feedbackRefused() {
    feedbackRefused.incrementAndGet();
  }

  /** What became of a rank request. */
  public sealed interface RankResult {}

  /** Ranked (or failed: its reply holds the error). */
  public record RankAnswered(ServeShardActor.RankReply reply) implements RankResult {}

  /** Not ranked: the shard's queue was full, the shard did not answer in time, or the server is stopping. */
  public record RankShed(String why) implements RankResult {}

  /**
   * Ranks a real request on a shard (taken in turn), under the same admission as the simulated
   * traffic: beyond the shard's queue it is refused at once and counted as shed. Never fails: a
   * shard that does not answer within {@link #RANK_TIMEOUT} makes it shed too.
   */
  public CompletionStage<RankResult> rank(io.rlsearch.serving.RankRequest request) {
    int k = (int) Math.floorMod(rankNext.getAndIncrement(), (long) shards.size());
    synchronized (admission) {
      if (draining.get()) {
        rankShed.incrementAndGet();
        return java.util.concurrent.CompletableFuture.completedFuture(new RankShed("the server is stopping"));
      }
      rankRequests.incrementAndGet();
      int held = inFlight[k].incrementAndGet();
      if (held > queue) {
        inFlight[k].decrementAndGet();
        rankShed.incrementAndGet();
        shedOne();
        return java.util.concurrent.CompletableFuture.completedFuture(new RankShed("overloaded: serving shard " + k
            + " holds " + queue + " requests already"));
      }
      maxInFlight.accumulateAndGet(held, Math::max);
    }
    // The place is freed once: when the shard takes the request (its answer also frees it, for a
    // request answered without being taken). A requester that stops waiting frees nothing: the request
    // still sits in the shard's mailbox, and the shard (supervised, restarted after any failure, stopped
    // only with the server) takes it in turn.
    java.util.concurrent.atomic.AtomicBoolean freed = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable free = () -> {
      if (freed.compareAndSet(false, true)) {
        inFlight[k].decrementAndGet();
      }
    };
    CompletionStage<ServeShardActor.RankReply> ask = AskPattern.ask(shards.get(k),
        to -> new ServeShardActor.Rank(request, to, free), RANK_TIMEOUT, system.scheduler());
    return ask.handleAsync((reply, e) -> {
      if (reply == null) {
        // Answered 503 like the other overloads, and counted with them.
        rankShed.incrementAndGet();
        return new RankShed("serving shard " + k + " did not answer within " + RANK_TIMEOUT.toMillis() + " ms");
      }
      free.run();
      rankAnswered.incrementAndGet();
      if (reply.error().isPresent()) {
        rankFailed.incrementAndGet();
      }
      return new RankAnswered(reply);
    }, io.rlsearch.actors.Replies.SAME_THREAD);
  }

  /**
   * What became of a feedback: the join's result, or refused (503) because too many wait.
   *
   * @throws io.rlsearch.serving.BadInput at once (a 400) if its reward is not finite under the schema
   */
  public CompletionStage<Optional<io.rlsearch.serving.FeedbackJoin.Result>> feedback(
      io.rlsearch.serving.Feedback f) {
    io.rlsearch.serving.FeedbackJoin.score(f, data.schema().reward());
    if (!feedbackBacklog.offer()) {
      return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
    }
    CompletionStage<io.rlsearch.serving.FeedbackJoin.Result> ask = AskPattern.ask(join,
        to -> new FeedbackJoinActor.Give(f, to), RANK_TIMEOUT, system.scheduler());
    return ask.handleAsync((r, e) -> {
      feedbackBacklog.taken();
      return Optional.ofNullable(r);
    }, io.rlsearch.actors.Replies.SAME_THREAD);
  }

  /** Every request count so far. */
  public Counts countsNow() {
    return new Counts(sent.get(), admitted.get(), answered.get(), failed.get(), shed.get());
  }

  /** The most requests one shard held at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** The latency recorder (microseconds from scheduled start to answer). */
  public Recorder latency() {
    return latency;
  }

  /** Rewards of recorded requests by id (0 until answered). */
  public double[] rewards() {
    return rewards;
  }

  /** Versions of recorded requests by id (0 until answered, or failed). */
  public long[] versions() {
    return versions;
  }

  /**
   * Sends requests {@code first ..} at {@code rate} per second for {@code seconds} on the open-loop
   * schedule, calling {@code onTick} with the seconds elapsed about every millisecond (for scripted
   * events), and stops early when {@code stop} says so. Returns the next request id.
   */
  public long drive(long first, double rate, double seconds, java.util.function.DoubleConsumer onTick,
      java.util.function.BooleanSupplier stop) {
    long n = (long) Math.floor(rate * seconds);
    double interval = 1e9 / rate;
    long t0 = System.nanoTime();
    long lastTick = t0;
    for (long i = 0; i < n && !stop.getAsBoolean() && !draining.get(); i++) {
      long due = t0 + (long) (i * interval);
      long now = System.nanoTime();
      // Sleep (no spinning: the generator must not take a core from the shards); oversleeping
      // delays the send, and the latency, measured from the due time, counts it.
      while (now < due) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      long id = first + i;
      int k = (int) (id % shards.size());
      // Admission and the drain's start exclude each other: once the drain has begun, nothing more is
      // admitted, so the answers it waits for (and the log it flushes) include every admitted request.
      synchronized (admission) {
        if (draining.get()) {
          break;
        }
        sent.incrementAndGet();
        int held = inFlight[k].incrementAndGet();
        if (held > queue) {
          // Admission control: the shard's queue is full. The request is refused at once (shed) and
          // counted; it never waits behind the others.
          inFlight[k].decrementAndGet();
          shedOne();
        } else {
          maxInFlight.accumulateAndGet(held, Math::max);
          admitted.incrementAndGet();
          shards.get(k).tell(new ServeShardActor.Serve(id, due, collector));
        }
      }
      if (now - lastTick >= 1_000_000) {
        onTick.accept((now - t0) / 1e9);
        lastTick = now;
      }
    }
    return first + n;
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServingSystem.class);
  /** How often shed requests are reported in the log (and once more when the system closes). */
  private static final Duration SHED_REPORT_EVERY = Duration.ofSeconds(10);
  /** Shed requests the log has reported (guarded by {@link #reportShed}'s lock). */
  private long shedReported;

  /**
   * Counts a shed request. Only counts: the log reports on a timer ({@link #reportShed}). The traffic
   * generator calls this, and a log branch taken once in ten seconds inside its loop was compiled as a
   * trap that threw the compiled loop away when first taken: the generator fell behind, and the
   * requests it then sent at once were shed in a burst (1,500-2,200 at 10,000 requests/s).
   */
  private void shedOne() {
    shed.incrementAndGet();
    Optional<io.rlsearch.api.metrics.Telemetry> t = telemetry;
    if (t.isPresent()) {
      t.get().shed();
    }
  }

  /** Logs the requests shed since the last report, if any. */
  private synchronized void reportShed() {
    long n = shed.get();
    if (n > shedReported) {
      LOG.warn("overload: shed {} request(s) since the last report ({} in all); every shard holds at most {}",
          n - shedReported, n, queue);
      shedReported = n;
    }
  }

  /** Waits up to {@code timeout} for every admitted request to be answered; true if all were. */
  public boolean awaitAnswers(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (answered.get() < admitted.get() && System.nanoTime() < end) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return answered.get() >= admitted.get();
  }

  /** Flushes the decision log; the lines written. */
  public long flushLog() {
    return flushLogCounts().lines();
  }

  /**
   * Flushes the decision log; its lines written and lost. After the coordinated shutdown drained it
   * (the actor system is stopping), the counts of that last flush.
   */
  public DecisionLogActor.Flushed flushLogCounts() {
    DecisionLogActor.Flushed d = drained;
    if (d != null) {
      return d;
    }
    return writer.map(w -> AskPattern.<Object, DecisionLogActor.Flushed>ask(w, DecisionLogActor.Flush::new,
        Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().join())
        .orElse(new DecisionLogActor.Flushed(0, 0, 0));
  }

  private volatile DecisionLogActor.Flushed drained;
  /** Held while a request is admitted and while the drain starts (see {@link #drive}). */
  private final Object admission = new Object();
  private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

  /** Whether the system is draining for a shutdown (the traffic stops). */
  public boolean draining() {
    return draining.get();
  }

  /**
   * The coordinated shutdown's task (SIGTERM, Ctrl-C, or the system terminating): stop the traffic,
   * wait up to 10 s for the admitted requests' answers, then flush the decision log; every line queued
   * before the flush is written first (one mailbox, in order).
   */
  private java.util.concurrent.CompletionStage<org.apache.pekko.Done> drain() {
    synchronized (admission) {
      draining.set(true);
    }
    reportShed();
    java.util.concurrent.CompletableFuture<org.apache.pekko.Done> done = new java.util.concurrent.CompletableFuture<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      if (answered.get() < admitted.get() && System.nanoTime() < deadline) {
        system.scheduler().scheduleOnce(Duration.ofMillis(5), check[0], system.executionContext());
        return;
      }
      if (writer.isEmpty()) {
        done.complete(org.apache.pekko.Done.getInstance());
        return;
      }
      // Through the shards' writer: the flush comes after every decision they sent before their answers.
      AskPattern.<Object, DecisionLogActor.Flushed>ask(writer.get(), DecisionLogActor.Flush::new,
          Duration.ofSeconds(20), system.scheduler()).whenCompleteAsync((f, e) -> {
            if (f != null) {
              drained = f;
            }
            done.complete(org.apache.pekko.Done.getInstance());
          }, io.rlsearch.actors.Replies.SAME_THREAD);
    };
    check[0].run();
    return done;
  }

  /**
   * Spawns {@code b} as {@code name} on the serving dispatcher: a part that joins the serving path
   * (online learning).
   */
  public <T> ActorRef<T> spawnPart(Behavior<T> b, String name) {
    return spawn(b, name);
  }

  /** Resources the actors use (a shared DJL learner), closed once the actor system has terminated. */
  private final List<AutoCloseable> closeAfterStop = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Closes {@code c} when this system closes, after its actors have stopped. */
  public void closeAfterStop(AutoCloseable c) {
    closeAfterStop.add(c);
  }

  @Override
  public void close() {
    shedReports.cancel();
    reportShed();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      // Shutting down: the figures are taken already.
    }
    for (AutoCloseable c : closeAfterStop) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} after the serving system stopped failed: {}", c, e.toString());
      }
    }
  }
}
