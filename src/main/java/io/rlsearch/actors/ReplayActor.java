package io.rlsearch.actors;

import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.learn.ReplayBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the run's {@link ReplayBuffer}: stores every transition of the stream (a backpressured sink)
 * and serves FIFO and uniformly sampled batches to learners that train from replay.
 */
public final class ReplayActor extends AbstractBehavior<ReplayActor.Command> {
  /** Messages accepted by the replay actor. */
  public sealed interface Command {}

  /** The stream starts. */
  public record Init(ActorRef<Ack> ackTo) implements Command {}

  /** A batch of transitions (one shard's batch). */
  public record Element(List<Transition> transitions, ActorRef<Ack> ackTo) implements Command {
    public Element {
      transitions = List.copyOf(transitions);
    }
  }

  /** The stream completed. */
  public enum Completed implements Command { INSTANCE }

  /** The stream failed. */
  public record Failed(Throwable cause) implements Command {}

  /** Replies with up to {@code n} of the oldest transitions, removing them. */
  public record TakeOldest(int n, ActorRef<ReplayBuffer.Batch> replyTo) implements Command {
    public TakeOldest {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Replies with {@code n} transitions sampled uniformly with replacement. */
  public record Sample(int n, ActorRef<ReplayBuffer.Batch> replyTo) implements Command {
    public Sample {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Replies with counts. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /**
   * Counts.
   *
   * @param consumed transitions received
   * @param size transitions held
   * @param capacity the buffer's capacity
   * @param overwritten transitions overwritten when full (by design, not lost from the count)
   * @param memoryBytes heap bytes of the buffer's columns
   * @param completed whether the stream completed
   */
  public record Stats(long consumed, int size, int capacity, long overwritten, long memoryBytes, boolean completed) {}

  /** A replay actor with a buffer of {@code capacity}; sampling draws from {@code rng}. */
  public static Behavior<Command> create(int capacity, int obsDim, NumpyRandom rng) {
    return create(capacity, obsDim, rng, CrashSwitch.NONE);
  }

  /**
   * As above, with an injected crash (a test tool) inside its supervision: the buffer survives a
   * restart (up to {@link LearnerActor#MAX_RESTARTS} a minute), and the rest of a batch a crash
   * interrupted is stored first by the restarted actor.
   */
  public static Behavior<Command> create(int capacity, int obsDim, NumpyRandom rng, CrashSwitch crash) {
    State state = new State(new ReplayBuffer(capacity, obsDim, 0), rng);
    return Behaviors.supervise(crash.wrap("replay", Command.class, Behaviors.<Command>setup(ctx -> {
      ReplayActor a = new ReplayActor(ctx, state);
      for (Transition t : state.pending) {
        a.store(t);
      }
      state.pending = List.of();
      return a;
    }))).onFailure(RuntimeException.class, org.apache.pekko.actor.typed.SupervisorStrategy.restart().withLimit(
        LearnerActor.MAX_RESTARTS, LearnerActor.RESTART_WINDOW));
  }

  /** The buffer and what survives a restart with it. */
  private static final class State {
    final ReplayBuffer buffer;
    final NumpyRandom rng;
    boolean completed;
    List<Transition> pending = List.of();

    State(ReplayBuffer buffer, NumpyRandom rng) {
      this.buffer = buffer;
      this.rng = rng;
    }
  }

  private static final double[] NO_ACTION = new double[0];
  private final State state;
  private final ReplayBuffer buffer;
  private final NumpyRandom rng;
  private ActorRef<Ack> inHand;
  private List<Transition> inHandBatch = List.of();
  private int storedOfBatch;

  private ReplayActor(ActorContext<Command> ctx, State state) {
    super(ctx);
    this.state = state;
    this.buffer = state.buffer;
    this.rng = state.rng;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Init.class, i -> ack(i.ackTo()))
        .onMessage(Element.class, this::onElement)
        .onMessage(Completed.class, c -> {
          state.completed = true;
          return this;
        })
        .onMessage(Failed.class, f -> this)
        .onMessage(TakeOldest.class, t -> reply(t.replyTo(), buffer.takeOldest(t.n())))
        .onMessage(Sample.class, s -> reply(s.replyTo(), buffer.sampleUniform(s.n(), rng)))
        .onMessage(GetStats.class, this::onGetStats)
        .onSignal(org.apache.pekko.actor.typed.PreRestart.class, s -> {
          if (inHand != null) {
            state.pending = List.copyOf(inHandBatch.subList(storedOfBatch, inHandBatch.size()));
            inHand.tell(Ack.INSTANCE);
            inHand = null;
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onElement(Element e) {
    inHand = e.ackTo();
    inHandBatch = e.transitions();
    storedOfBatch = 0;
    for (Transition t : e.transitions()) {
      store(t);
      storedOfBatch++;
    }
    inHand = null;
    inHandBatch = List.of();
    return ack(e.ackTo());
  }

  private void store(Transition t) {
    buffer.add(t.context(), t.arm(), NO_ACTION, t.reward(), t.propensity(), t.episode(), t.policyVersion());
  }

  private Behavior<Command> reply(ActorRef<ReplayBuffer.Batch> to, ReplayBuffer.Batch b) {
    to.tell(b);
    return this;
  }

  private Behavior<Command> ack(ActorRef<Ack> to) {
    to.tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<Command> onGetStats(GetStats g) {
    g.replyTo().tell(new Stats(buffer.added(), buffer.size(), buffer.capacity(), buffer.overwritten(),
        buffer.memoryBytes(), state.completed));
    return this;
  }
}
