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
    return Behaviors.setup(ctx -> new ReplayActor(ctx, new ReplayBuffer(capacity, obsDim, 0), rng));
  }

  private static final double[] NO_ACTION = new double[0];
  private final ReplayBuffer buffer;
  private final NumpyRandom rng;
  private boolean completed;

  private ReplayActor(ActorContext<Command> ctx, ReplayBuffer buffer, NumpyRandom rng) {
    super(ctx);
    this.buffer = buffer;
    this.rng = rng;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Init.class, i -> ack(i.ackTo()))
        .onMessage(Element.class, this::onElement)
        .onMessage(Completed.class, c -> {
          completed = true;
          return this;
        })
        .onMessage(Failed.class, f -> this)
        .onMessage(TakeOldest.class, t -> reply(t.replyTo(), buffer.takeOldest(t.n())))
        .onMessage(Sample.class, s -> reply(s.replyTo(), buffer.sampleUniform(s.n(), rng)))
        .onMessage(GetStats.class, this::onGetStats)
        .build();
  }

  private Behavior<Command> onElement(Element e) {
    for (Transition t : e.transitions()) {
      buffer.add(t.context(), t.arm(), NO_ACTION, t.reward(), t.propensity(), t.episode(), t.policyVersion());
    }
    return ack(e.ackTo());
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
        buffer.memoryBytes(), completed));
    return this;
  }
}
