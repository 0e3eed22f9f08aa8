package io.rlsearch.app.serve;

import com.typesafe.config.Config;
import io.rlsearch.actors.serve.DecisionLogActor;
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
   */
  public record Settings(int shards, ServingMonitorActor.Settings monitor, Optional<Path> decisionLog, long seed,
      int record) {}

  private volatile Optional<io.rlsearch.app.metrics.Telemetry> telemetry = Optional.empty();
  private int eventsForwarded;

  /**
   * Feeds {@code t} with every answered request and, every 250 ms, the registry's new events (for the
   * metrics endpoint and the live page).
   */
  public void attach(io.rlsearch.app.metrics.Telemetry t) {
    telemetry = Optional.of(t);
    system.scheduler().scheduleAtFixedRate(Duration.ofMillis(250), Duration.ofMillis(250), () -> {
      ServingRegistryActor.State st;
      try {
        st = ask(ServingRegistryActor.GetState::new);
      } catch (RuntimeException stopping) {
        return;
      }
      List<ServingRegistryActor.Event> ev = st.events();
      for (int i = eventsForwarded; i < ev.size(); i++) {
        if (!ev.get(i).kind().equals("register")) {
          t.policyEvent(ev.get(i).kind(), ev.get(i).version(), ev.get(i).detail());
        }
      }
      eventsForwarded = ev.size();
    }, system.executionContext());
  }

  private final ActorSystem<SpawnProtocol.Command> system;
  private final ActorRef<ServingRegistryActor.Command> registry;
  private final ActorRef<ServingMonitorActor.Command> monitor;
  private final List<ActorRef<ServeShardActor.Command>> shards = new ArrayList<>();
  private final ActorRef<ServeShardActor.Served> collector;
  private final Optional<ActorRef<DecisionLogActor.Command>> log;
  private final Recorder latency = new Recorder(3);
  private final io.rlsearch.actors.serve.ShadowActor.Queue shadowQueue = new io.rlsearch.actors.serve.ShadowActor.Queue();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final double[] rewards;
  private final long[] versions;

  /** Starts a serving path whose version 1 (live, known-good) is {@code initial}. */
  public ServingSystem(World world, Task task, String initialName, String initialSource, PolicySnapshot initial,
      Settings s, Config config) {
    this.system = ActorSystem.create(SpawnProtocol.create(), "rlsearch-serve", config);
    this.rewards = new double[s.record()];
    this.versions = new long[s.record()];
    RunStreams streams = new RunStreams(s.seed());
    this.registry = spawn(ServingRegistryActor.create(initialName, initialSource, initial, s.shards(), System::nanoTime),
        "registry");
    this.monitor = spawn(ServingMonitorActor.create(registry, 1, s.monitor()), "monitor");
    // The decision log writes a file: on Pekko's blocking-IO dispatcher, not the one serving runs on.
    this.log = s.decisionLog().map(p -> spawn(DecisionLogActor.create(p), "decision-log",
        org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
    ActorRef<LoggedDecision> writer = log.map(l -> spawn(DecisionLogActor.writer(l), "decision-log-writer"))
        .orElse(null);
    ActorRef<io.rlsearch.actors.serve.ShadowActor.Work> shadow = spawn(io.rlsearch.actors.serve.ShadowActor.create(
        streams, monitor, shadowQueue), "shadow");
    Props shardProps = config.hasPath("rlsearch.mailboxes.serving")
        ? MailboxSelector.fromConfig("rlsearch.mailboxes.serving") : Props.empty();
    for (int i = 0; i < s.shards(); i++) {
      shards.add(spawn(ServeShardActor.create(i, world, task, streams, registry,
          new ServeShardActor.Sinks(monitor, writer, shadow, shadowQueue)), "shard-" + i, shardProps));
    }
    this.collector = spawn(Behaviors.receiveMessage(this::collect), "collector");
  }

  private <T> ActorRef<T> spawn(Behavior<T> b, String name) {
    return spawn(b, name, Props.empty());
  }

  private <T> ActorRef<T> spawn(Behavior<T> b, String name, Props props) {
    CompletionStage<ActorRef<T>> ref = AskPattern.ask(system,
        replyTo -> new SpawnProtocol.Spawn<>(b, name, props, replyTo), Duration.ofSeconds(10), system.scheduler());
    return ref.toCompletableFuture().join();
  }

  private Behavior<ServeShardActor.Served> collect(ServeShardActor.Served s) {
    long now = System.nanoTime();
    long micros = Math.max(0, now - s.sentNanos()) / 1000;
    latency.recordValue(micros);
    Optional<io.rlsearch.app.metrics.Telemetry> t = telemetry;
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

  /** Registers a version; its id. */
  public long register(String name, String source, PolicySnapshot p) {
    return this.<Long>ask(to -> new ServingRegistryActor.Register(name, source, p, to));
  }

  /** Requests sent, answered and failed so far. */
  public long[] counts() {
    return new long[] {sent.get(), answered.get(), failed.get()};
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
    for (long i = 0; i < n && !stop.getAsBoolean(); i++) {
      long due = t0 + (long) (i * interval);
      long now = System.nanoTime();
      // Sleep (no spinning: the generator must not take a core from the shards); oversleeping
      // delays the send, and the latency, measured from the due time, counts it.
      while (now < due) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      long id = first + i;
      shards.get((int) (id % shards.size())).tell(new ServeShardActor.Serve(id, due, collector));
      sent.incrementAndGet();
      if (now - lastTick >= 1_000_000) {
        onTick.accept((now - t0) / 1e9);
        lastTick = now;
      }
    }
    return first + n;
  }

  /** Waits up to {@code timeout} for every sent request to be answered; true if all were. */
  public boolean awaitAnswers(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (answered.get() < sent.get() && System.nanoTime() < end) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return answered.get() >= sent.get();
  }

  /** Flushes the decision log; the lines written. */
  public long flushLog() {
    return log.map(l -> AskPattern.<DecisionLogActor.Command, Long>ask(l, DecisionLogActor.Flush::new,
        Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().join()).orElse(0L);
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      // Shutting down: the figures are taken already.
    }
  }
}
