package io.rlsearch.actors.cluster;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * One per node: builds each run's world, task and agent once (from the descriptor) and keeps its
 * policy versions as snapshots restored from the published learner states. Versions arrive by
 * pub-sub; one a shard asks for before it arrived (a node that joined late, or a message in flight
 * or lost) is fetched from the run's policy registry, and fetched again every
 * {@link #FETCH_INTERVAL} until it arrives, whatever became of the request or its answer (the
 * registry answers a version it does not hold yet with {@link PolicyRegistrySingleton.PolicyMissing}).
 * Requests waiting longer than {@link #GIVE_UP} are dropped (their askers have given up). The
 * contexts of the {@link #RUNS} runs asked for last are kept. Local messages only: worlds and
 * snapshots never leave the node.
 */
public final class PolicyCache extends AbstractBehavior<PolicyCache.Command> {
  /** The topic every node's cache subscribes to. */
  public static final String TOPIC = "rlsearch-policies";

  /** Versions kept per run. */
  static final int KEEP = 4;

  /** Runs whose worlds and versions are kept (the least recently asked for is dropped beyond). */
  static final int RUNS = 2;

  /** A missing version is fetched again after this. */
  static final java.time.Duration FETCH_INTERVAL = java.time.Duration.ofSeconds(1);

  /** Requests for a version still missing after this are dropped. */
  static final java.time.Duration GIVE_UP = java.time.Duration.ofMinutes(5);

  /** Messages accepted by the cache. */
  public sealed interface Command {}

  /**
   * Asks for a run's context and its policy at {@code version}; answered when the version is here.
   *
   * @param registry where a missing version is fetched from
   */
  public record Get(RunDescriptor run, long version, ActorRef<PolicyRegistrySingleton.Command> registry,
      ActorRef<Ready> replyTo) implements Command {}

  /** A run's node-local context and the asked version's snapshot (local only). */
  public record Ready(RunContext context, PolicySnapshot snapshot) {}

  /** A run's world, task, streams and agent on this node. */
  public record RunContext(RunDescriptor run, World world, Task task, RunStreams streams, AgentBuilder agent,
      int arms, int contextDim) {}

  private record Published(PolicyPublished p) implements Command {}

  private record Fetched(PolicyRegistrySingleton.FetchReply reply) implements Command {}

  private record Refetch(String key) implements Command {}

  /** A version being fetched: who waits for it, where from, and how many times it was asked for. */
  private static final class Fetch {
    final List<Get> waiters = new ArrayList<>();
    final ActorRef<PolicyRegistrySingleton.Command> registry;
    final RunDescriptor run;
    final long version;
    long attempts;

    Fetch(Get first) {
      this.registry = first.registry();
      this.run = first.run();
      this.version = first.version();
    }
  }

  private final RunFactory factory;
  /** Contexts in the order they were last asked for (least recent first). */
  private final java.util.LinkedHashMap<String, RunContext> runs = new java.util.LinkedHashMap<>(4, 0.75f, true);
  /**
   * Each run's versions in the order they arrived (not by number: a coordinator resumed from a
   * checkpoint publishes older versions again, and those are the ones its shards ask for next).
   */
  private final Map<String, java.util.LinkedHashMap<Long, PolicySnapshot>> versions = new HashMap<>();
  private final Map<String, Fetch> fetching = new HashMap<>();
  private final ActorRef<PolicyPublished> publishedAdapter;
  private final ActorRef<PolicyRegistrySingleton.FetchReply> fetchAdapter;
  private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers;

  /** The node's cache, subscribed to {@code topic}. */
  public static Behavior<Command> create(RunFactory factory, ActorRef<Topic.Command<PolicyPublished>> topic) {
    Objects.requireNonNull(factory, "factory");
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PolicyCache(ctx, factory, topic, timers)));
  }

  private PolicyCache(ActorContext<Command> ctx, RunFactory factory, ActorRef<Topic.Command<PolicyPublished>> topic,
      org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers) {
    super(ctx);
    this.factory = factory;
    this.timers = timers;
    this.publishedAdapter = ctx.messageAdapter(PolicyPublished.class, Published::new);
    this.fetchAdapter = ctx.messageAdapter(PolicyRegistrySingleton.FetchReply.class, Fetched::new);
    topic.tell(Topic.subscribe(publishedAdapter));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Get.class, this::onGet)
        .onMessage(Published.class, m -> onPolicy(m.p()))
        .onMessage(Fetched.class, this::onFetched)
        .onMessage(Refetch.class, this::onRefetch)
        .build();
  }

  private RunContext context(RunDescriptor d) {
    RunContext c = runs.computeIfAbsent(d.runId(), id -> {
      World w = factory.world(d);
      Task t = factory.task(d);
      RunStreams s = new RunStreams(d.seed());
      SessionRunner probe = new SessionRunner(w, t, s);
      return new RunContext(d, w, t, s, factory.agent(d), probe.arms(), probe.contextDim());
    });
    while (runs.size() > RUNS) {
      String eldest = runs.keySet().iterator().next();
      runs.remove(eldest);
      versions.remove(eldest);
    }
    return c;
  }

  private static String key(String runId, long version) {
    return runId + "/" + version;
  }

  private Behavior<Command> onGet(Get g) {
    RunContext c = context(g.run());
    PolicySnapshot s = versions.getOrDefault(g.run().runId(), new java.util.LinkedHashMap<>()).get(g.version());
    if (s != null) {
      g.replyTo().tell(new Ready(c, s));
      return this;
    }
    String key = key(g.run().runId(), g.version());
    Fetch f = fetching.get(key);
    if (f == null) {
      f = new Fetch(g);
      fetching.put(key, f);
      fetch(key, f);
    }
    f.waiters.add(g);
    return this;
  }

  private void fetch(String key, Fetch f) {
    f.attempts++;
    f.registry.tell(new PolicyRegistrySingleton.FetchPolicy(f.run.runId(), f.version, fetchAdapter));
    timers.startSingleTimer(key, new Refetch(key), FETCH_INTERVAL);
  }

  private Behavior<Command> onRefetch(Refetch r) {
    Fetch f = fetching.get(r.key());
    if (f == null) {
      return this;
    }
    if (f.attempts * FETCH_INTERVAL.toMillis() >= GIVE_UP.toMillis()) {
      getContext().getLog().warn("policy version {} of run {} still missing after {}: {} request(s) dropped",
          f.version, f.run.runId(), GIVE_UP, f.waiters.size());
      fetching.remove(r.key());
      return this;
    }
    fetch(r.key(), f);
    return this;
  }

  private Behavior<Command> onFetched(Fetched m) {
    // A missing version is asked for again when the timer fires (it may be published by then).
    return m.reply() instanceof PolicyPublished p ? onPolicy(p) : this;
  }

  private Behavior<Command> onPolicy(PolicyPublished p) {
    String key = key(p.runId(), p.version());
    Fetch f = fetching.remove(key);
    timers.cancel(key);
    List<Get> waiters = f != null ? f.waiters : List.of();
    RunContext c = runs.get(p.runId());
    if (c == null && !waiters.isEmpty()) {
      c = context(waiters.get(0).run());
    }
    if (c == null) {
      return this; // a run this node has no work for yet: built on its first request
    }
    java.util.LinkedHashMap<Long, PolicySnapshot> vs = versions.computeIfAbsent(p.runId(),
        k -> new java.util.LinkedHashMap<>());
    if (!vs.containsKey(p.version())) {
      UpdateRule rule = p.state().isPresent() ? c.agent().restoreState(p.state().get())
          : c.agent().create(c.arms(), c.contextDim());
      try {
        vs.put(p.version(), rule.snapshot(p.version()));
      } finally {
        rule.close();
      }
      while (vs.size() > KEEP) {
        vs.remove(vs.keySet().iterator().next());
      }
    }
    PolicySnapshot s = vs.get(p.version());
    for (Get g : waiters) {
      g.replyTo().tell(new Ready(c, s));
    }
    return this;
  }
}
