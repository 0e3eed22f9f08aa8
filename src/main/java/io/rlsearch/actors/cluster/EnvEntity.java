package io.rlsearch.actors.cluster;

import io.rlsearch.core.Transition;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.SessionRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * An environment shard as a Cluster Sharding entity: plays the sessions it is given with the asked
 * policy version (from its node's {@link PolicyCache}) and offers their transitions as a stream
 * reference, which the coordinator pulls across nodes with backpressure. Holds no state a restart
 * or a move to another node would lose: every session's draws come from its own streams.
 *
 * <p>A request is answered at once with the stream reference: the wait for the policy version and
 * the sessions' simulation happen inside that stream, on the compute dispatcher, so the coordinator's
 * deadline on the answer (delivery) is separate from its deadline on the work
 * ({@code rlsearch.cluster.work-timeout}), and a slow batch is not mistaken for a lost one.
 */
public final class EnvEntity extends AbstractBehavior<EnvEntity.Command> {
  /** The entity type of environment shards. */
  public static final EntityTypeKey<Command> TYPE = EntityTypeKey.create(Command.class, "env-shard");

  /** The dispatcher sessions are simulated on (when the node's configuration has it). */
  static final String COMPUTE = "rlsearch.dispatchers.compute";

  /** Messages accepted by a shard. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Plays the single-session episodes {@code episodes} with policy {@code version}.
   *
   * @param attempt the attempt (0 first; a retry after a failure or a lost node is the same sessions)
   */
  public record Play(RunDescriptor run, List<Long> episodes, int attempt, long version,
      ActorRef<PolicyRegistrySingleton.Command> registry, ActorRef<Played> replyTo) implements Command {
    public Play {
      Objects.requireNonNull(run, "run");
      episodes = List.copyOf(episodes);
      if (episodes.isEmpty()) {
        throw new IllegalArgumentException("a batch of sessions cannot be empty");
      }
    }
  }

  /** The transitions of a batch, as a stream reference on the shard's node, and the node that played them. */
  public record Played(List<Long> episodes, SourceRef<Transition> transitions, String node) implements CborSerializable {}

  private final ActorRef<PolicyCache.Command> cache;
  private final java.time.Duration workTimeout;
  private final org.apache.pekko.stream.Attributes onCompute;
  /** Session runners per run (the last two runs), borrowed by the batches being simulated. */
  private final Map<String, java.util.concurrent.ConcurrentLinkedQueue<SessionRunner>> runners =
      new java.util.LinkedHashMap<>();

  /** A shard on this node, served by the node's cache. */
  public static Behavior<Command> create(ActorRef<PolicyCache.Command> cache) {
    return Behaviors.setup(ctx -> new EnvEntity(ctx, cache));
  }

  private EnvEntity(ActorContext<Command> ctx, ActorRef<PolicyCache.Command> cache) {
    super(ctx);
    this.cache = cache;
    com.typesafe.config.Config c = ctx.getSystem().settings().config();
    this.workTimeout = c.hasPath("rlsearch.cluster.work-timeout") ? c.getDuration("rlsearch.cluster.work-timeout")
        : java.time.Duration.ofMinutes(2);
    this.onCompute = c.hasPath(COMPUTE) ? org.apache.pekko.stream.ActorAttributes.dispatcher(COMPUTE)
        : org.apache.pekko.stream.Attributes.none();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Play.class, this::onPlay).build();
  }

  private Behavior<Command> onPlay(Play p) {
    var system = getContext().getSystem();
    java.util.concurrent.ConcurrentLinkedQueue<SessionRunner> pool = runners.computeIfAbsent(p.run().runId(),
        id -> new java.util.concurrent.ConcurrentLinkedQueue<>());
    while (runners.size() > PolicyCache.RUNS) {
      runners.remove(runners.keySet().iterator().next());
    }
    java.util.concurrent.CompletionStage<PolicyCache.Ready> ready = org.apache.pekko.actor.typed.javadsl.AskPattern.ask(
        cache, r -> new PolicyCache.Get(p.run(), p.version(), p.registry(), r), workTimeout, system.scheduler());
    SourceRef<Transition> ref = Source.completionStage(ready)
        .map(rd -> play(p, rd, pool))
        .withAttributes(onCompute)
        .mapConcat(ts -> ts)
        .runWith(StreamRefs.sourceRef(), system);
    p.replyTo().tell(new Played(p.episodes(), ref, system.address().toString()));
    return this;
  }

  /** Simulates the batch (on a stream thread: a runner is borrowed from the pool, or built). */
  private static List<Transition> play(Play p, PolicyCache.Ready ready, 
      java.util.concurrent.ConcurrentLinkedQueue<SessionRunner> pool) {
    PolicyCache.RunContext c = ready.context();
    SessionRunner runner = pool.poll();
    if (runner == null) {
      runner = new SessionRunner(c.world(), c.task(), c.streams());
    }
    List<Transition> out = new ArrayList<>(p.episodes().size());
    for (long e : p.episodes()) {
      double[] x = runner.prepare(Population.firstSession(c.world(), c.streams(), e));
      out.add(runner.finish(ready.snapshot().act(x, c.streams().policy(e)), c.agent().name(), p.version()));
    }
    pool.offer(runner);
    return out;
  }
}
