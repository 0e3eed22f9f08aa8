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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
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
 * pub-sub; one a shard asks for before it arrived (a node that joined late, or a message in flight)
 * is fetched from the run's policy registry. Local messages only: worlds and snapshots never leave the node.
 */
public final class PolicyCache extends AbstractBehavior<PolicyCache.Command> {
  /** The topic every node's cache subscribes to. */
  public static final String TOPIC = "rlsearch-policies";

  /** Versions kept per run. */
  static final int KEEP = 4;

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

  private final RunFactory factory;
  private final Map<String, RunContext> runs = new HashMap<>();
  private final Map<String, TreeMap<Long, PolicySnapshot>> versions = new HashMap<>();
  private final Map<String, List<Get>> waiting = new HashMap<>();
  private final Set<String> fetching = new HashSet<>();
  private final ActorRef<PolicyPublished> publishedAdapter;

  /** The node's cache, subscribed to {@code topic}. */
  public static Behavior<Command> create(RunFactory factory, ActorRef<Topic.Command<PolicyPublished>> topic) {
    Objects.requireNonNull(factory, "factory");
    return Behaviors.setup(ctx -> new PolicyCache(ctx, factory, topic));
  }

  private PolicyCache(ActorContext<Command> ctx, RunFactory factory, ActorRef<Topic.Command<PolicyPublished>> topic) {
    super(ctx);
    this.factory = factory;
    this.publishedAdapter = ctx.messageAdapter(PolicyPublished.class, Published::new);
    topic.tell(Topic.subscribe(publishedAdapter));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Get.class, this::onGet).onMessage(Published.class, this::onPublished).build();
  }

  private RunContext context(RunDescriptor d) {
    return runs.computeIfAbsent(d.runId(), id -> {
      World w = factory.world(d);
      Task t = factory.task(d);
      RunStreams s = new RunStreams(d.seed());
      SessionRunner probe = new SessionRunner(w, t, s);
      return new RunContext(d, w, t, s, factory.agent(d), probe.arms(), probe.contextDim());
    });
  }

  private Behavior<Command> onGet(Get g) {
    RunContext c = context(g.run());
    PolicySnapshot s = versions.getOrDefault(g.run().runId(), new TreeMap<>()).get(g.version());
    if (s != null) {
      g.replyTo().tell(new Ready(c, s));
      return this;
    }
    String key = g.run().runId() + "/" + g.version();
    waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(g);
    if (fetching.add(key)) {
      g.registry().tell(new PolicyRegistrySingleton.FetchPolicy(g.run().runId(), g.version(), publishedAdapter));
    }
    return this;
  }

  private Behavior<Command> onPublished(Published m) {
    PolicyPublished p = m.p();
    RunContext c = runs.get(p.runId());
    String key = p.runId() + "/" + p.version();
    List<Get> waiters = waiting.remove(key);
    fetching.remove(key);
    if (c == null && waiters != null && !waiters.isEmpty()) {
      c = context(waiters.get(0).run());
    }
    if (c == null) {
      return this; // a run this node has no work for yet: built on its first request
    }
    TreeMap<Long, PolicySnapshot> vs = versions.computeIfAbsent(p.runId(), k -> new TreeMap<>());
    if (!vs.containsKey(p.version())) {
      UpdateRule rule = p.state().isPresent() ? c.agent().restoreState(p.state().get())
          : c.agent().create(c.arms(), c.contextDim());
      try {
        vs.put(p.version(), rule.snapshot(p.version()));
      } finally {
        rule.close();
      }
      while (vs.size() > KEEP) {
        vs.pollFirstEntry();
      }
    }
    if (waiters != null) {
      PolicySnapshot s = vs.get(p.version());
      for (Get g : waiters) {
        g.replyTo().tell(new Ready(c, s));
      }
    }
    return this;
  }
}
