package io.rlsearch.actors.serve;

import io.rlsearch.actors.Replies;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Forwards the registry's new events (promotions, canaries, shadows, breaches, rollbacks; not the
 * registrations) to a sink, for the metrics and the live page: every {@code every}, it asks the
 * registry for its state without waiting (the answer comes back as a message), with at most one ask
 * out at a time; an ask that times out is dropped and the next tick asks again. No thread ever waits.
 */
public final class EventForwarder {
  private EventForwarder() {}

  /** Where events go. */
  @FunctionalInterface
  public interface Sink {
    /** One event of the registry. */
    void event(String kind, long version, String detail);
  }

  /** Messages of the forwarder (its own: ticks and answers). */
  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Answer(ServingRegistryActor.State state) implements Command {}

  private enum NoAnswer implements Command { INSTANCE }

  /** A forwarder asking {@code registry} every {@code every}, each ask with a deadline of {@code timeout}. */
  public static Behavior<Command> create(ActorRef<ServingRegistryActor.Command> registry, Sink sink, Duration every,
      Duration timeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, every);
      long[] forwarded = {0};
      boolean[] asking = {false};
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> {
            if (!asking[0]) {
              asking[0] = true;
              Replies.ask(ctx, ServingRegistryActor.State.class, registry, timeout, ServingRegistryActor.GetState::new,
                  (st, err) -> st != null ? new Answer(st) : NoAnswer.INSTANCE);
            }
            return Behaviors.same();
          })
          .onMessage(Answer.class, a -> {
            asking[0] = false;
            for (ServingRegistryActor.Event e : a.state().events()) {
              if (e.seq() >= forwarded[0] && !e.kind().equals("register")) {
                sink.event(e.kind(), e.version(), e.detail());
              }
              forwarded[0] = Math.max(forwarded[0], e.seq() + 1);
            }
            return Behaviors.same();
          })
          .onMessage(NoAnswer.class, n -> {
            asking[0] = false;
            return Behaviors.same();
          })
          .build();
    }));
  }
}
