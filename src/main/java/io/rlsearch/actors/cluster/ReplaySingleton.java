package io.rlsearch.actors.cluster;

import io.rlsearch.core.Transition;
import io.rlsearch.learn.ReplayBuffer;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A clustered run's replay buffer, a cluster singleton on a learner node: stores every learned
 * transition (primitive arrays, FIFO past its capacity) and reports its counts.
 */
public final class ReplaySingleton {
  private ReplaySingleton() {}

  /** Messages accepted by the replay buffer. */
  public sealed interface Command extends CborSerializable {}

  /** Transitions to store, in episode order. */
  public record Store(List<Transition> transitions) implements Command {}

  /** Replies with the counts. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /**
   * The buffer's counts.
   *
   * @param added transitions stored over the run
   * @param size transitions held now
   * @param capacity its capacity
   */
  public record Stats(long added, int size, int capacity) implements CborSerializable {}

  /** A buffer of {@code capacity} transitions with contexts of {@code obsDim} and actions of {@code actionDim}. */
  public static Behavior<Command> create(int capacity, int obsDim, int actionDim) {
    return Behaviors.setup(ctx -> {
      ReplayBuffer buffer = new ReplayBuffer(capacity, obsDim, actionDim);
      return Behaviors.receive(Command.class)
          .onMessage(Store.class, s -> {
            for (Transition t : s.transitions()) {
              buffer.add(t.context(), t.arm(), t.action(), t.reward(), t.propensity(), t.episode(), t.policyVersion());
            }
            return Behaviors.same();
          })
          .onMessage(GetStats.class, g -> {
            g.replyTo().tell(new Stats(buffer.added(), buffer.size(), buffer.capacity()));
            return Behaviors.same();
          })
          .build();
    });
  }
}
