package io.rlsearch.actors;

import io.rlsearch.agents.spi.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The policy versions of a run: the current snapshot, the history of versions, and the subscribers
 * (policy servers) that get every new snapshot.
 *
 * <p>A published snapshot must have a higher version than the current one; an older one is refused
 * with a log line (it would roll the serving policy back silently).
 */
public final class PolicyRegistryActor extends AbstractBehavior<PolicyRegistryActor.Command> {
  /** Messages accepted by the registry. */
  public sealed interface Command {}

  /** Makes {@code snapshot} current and sends it to every subscriber. */
  public record Publish(PolicySnapshot snapshot) implements Command {
    public Publish {
      Objects.requireNonNull(snapshot, "snapshot");
    }
  }

  /** Replies with the current snapshot. */
  public record GetCurrent(ActorRef<PolicySnapshot> replyTo) implements Command {
    public GetCurrent {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Replies with the history of versions. */
  public record GetHistory(ActorRef<History> replyTo) implements Command {
    public GetHistory {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Sends the current snapshot and every later one to {@code subscriber}. */
  public record Subscribe(ActorRef<PolicySnapshot> subscriber) implements Command {
    public Subscribe {
      Objects.requireNonNull(subscriber, "subscriber");
    }
  }

  /**
   * The versions published so far.
   *
   * @param agent the agent
   * @param versions the version numbers, oldest first
   * @param current the current version
   * @param refused publications refused as stale
   * @param latest the current snapshot (immutable, plain Java: what the run ended with)
   */
  public record History(String agent, List<Long> versions, long current, long refused, PolicySnapshot latest) {
    public History {
      versions = List.copyOf(versions);
    }
  }

  /** A registry starting at {@code initial}. */
  public static Behavior<Command> create(PolicySnapshot initial) {
    return create(initial, CrashSwitch.NONE);
  }

  /**
   * As above, with an injected crash (a test tool) inside its supervision: the registry's state (the
   * current version, the history, the subscribers) survives a restart, which it takes up to
   * {@link LearnerActor#MAX_RESTARTS} times a minute.
   */
  public static Behavior<Command> create(PolicySnapshot initial, CrashSwitch crash) {
    Objects.requireNonNull(initial, "initial");
    State state = new State(initial);
    return Behaviors.supervise(crash.wrap("registry", Command.class,
        Behaviors.<Command>setup(ctx -> new PolicyRegistryActor(ctx, state))))
        .onFailure(RuntimeException.class, org.apache.pekko.actor.typed.SupervisorStrategy.restart().withLimit(
            LearnerActor.MAX_RESTARTS, LearnerActor.RESTART_WINDOW));
  }

  /** The registry's state; survives restarts. */
  private static final class State {
    PolicySnapshot current;
    final List<Long> versions = new ArrayList<>();
    final List<ActorRef<PolicySnapshot>> subscribers = new ArrayList<>();
    long refused;

    State(PolicySnapshot initial) {
      current = initial;
      versions.add(initial.version());
    }
  }

  private final State st;

  private PolicyRegistryActor(ActorContext<Command> ctx, State state) {
    super(ctx);
    this.st = state;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessage(GetCurrent.class, this::onGetCurrent)
        .onMessage(GetHistory.class, this::onGetHistory)
        .onMessage(Subscribe.class, this::onSubscribe)
        .build();
  }

  private Behavior<Command> onPublish(Publish p) {
    if (p.snapshot().version() <= st.current.version()) {
      st.refused++;
      getContext().getLog().warn("Refused stale policy version [{}]: st.current is [{}]", p.snapshot().version(),
          st.current.version());
      return this;
    }
    st.current = p.snapshot();
    st.versions.add(st.current.version());
    for (ActorRef<PolicySnapshot> s : st.subscribers) {
      s.tell(st.current);
    }
    return this;
  }

  private Behavior<Command> onGetCurrent(GetCurrent g) {
    g.replyTo().tell(st.current);
    return this;
  }

  private Behavior<Command> onGetHistory(GetHistory g) {
    g.replyTo().tell(new History(st.current.agent(), st.versions, st.current.version(), st.refused, st.current));
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    if (!st.subscribers.contains(s.subscriber())) {
      st.subscribers.add(s.subscriber()); // a restarted subscriber subscribes again
    }
    s.subscriber().tell(st.current);
    return this;
  }
}
