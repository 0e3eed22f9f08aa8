package io.rlsearch.actors.cluster;

import io.rlsearch.core.Transition;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.SessionRunner;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * An environment shard as a Cluster Sharding entity: plays the sessions it is given with the asked
 * policy version (from its node's {@link PolicyCache}) and offers their transitions as a stream
 * reference, which the coordinator pulls across nodes with backpressure. Holds no state a restart
 * or a move to another node would lose: every session's draws come from its own streams.
 */
public final class EnvEntity extends AbstractBehavior<EnvEntity.Command> {
  /** The entity type of environment shards. */
  public static final EntityTypeKey<Command> TYPE = EntityTypeKey.create(Command.class, "env-shard");

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

  private record WithPolicy(Play play, PolicyCache.Ready ready) implements Command {}

  private record NoPolicy(Play play, String reason) implements Command {}

  private final ActorRef<PolicyCache.Command> cache;
  private final Map<String, SessionRunner> runners = new HashMap<>();

  /** A shard on this node, served by the node's cache. */
  public static Behavior<Command> create(ActorRef<PolicyCache.Command> cache) {
    return Behaviors.setup(ctx -> new EnvEntity(ctx, cache));
  }

  private EnvEntity(ActorContext<Command> ctx, ActorRef<PolicyCache.Command> cache) {
    super(ctx);
    this.cache = cache;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Play.class, this::onPlay).onMessage(WithPolicy.class, this::onWithPolicy)
        .onMessage(NoPolicy.class, n -> {
          // No answer: the coordinator's ask times out and the batch is retried.
          getContext().getLog().warn("no policy version {} for run {}: {}", n.play().version(), n.play().run().runId(),
              n.reason());
          return this;
        }).build();
  }

  private Behavior<Command> onPlay(Play p) {
    getContext().ask(PolicyCache.Ready.class, cache,
        java.time.Duration.ofSeconds(30), r -> new PolicyCache.Get(p.run(), p.version(), p.registry(), r),
        (ready, failure) -> ready != null ? new WithPolicy(p, ready) : new NoPolicy(p, String.valueOf(failure)));
    return this;
  }

  private Behavior<Command> onWithPolicy(WithPolicy w) {
    Play p = w.play();
    PolicyCache.RunContext c = w.ready().context();
    SessionRunner runner = runners.computeIfAbsent(p.run().runId(), id -> new SessionRunner(c.world(), c.task(),
        c.streams()));
    List<Transition> out = new ArrayList<>(p.episodes().size());
    for (long e : p.episodes()) {
      double[] x = runner.prepare(Population.firstSession(c.world(), c.streams(), e));
      out.add(runner.finish(w.ready().snapshot().act(x, c.streams().policy(e)), c.agent().name(), p.version()));
    }
    SourceRef<Transition> ref = Source.from(out).runWith(StreamRefs.sourceRef(), getContext().getSystem());
    p.replyTo().tell(new Played(p.episodes(), ref, getContext().getSystem().address().toString()));
    return this;
  }
}
