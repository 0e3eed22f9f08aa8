package io.rlsearch.actors;

import java.time.Duration;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Logs the messages that found no recipient (a stopped actor, a timed-out ask), rate-limited: the
 * first at once as a warning, then at most one summary line per {@code interval} with how many came
 * in it and one example. Pekko's own dead-letter logging is off (it logs at INFO, below the runtime's
 * level, and line by line); this keeps a lost message visible without flooding the output.
 */
public final class DeadLetterMonitor {
  private DeadLetterMonitor() {}

  /** Messages of the monitor: the dead letters it subscribes to, and its tick. */
  private enum Tick { INSTANCE }

  /** A monitor subscribed to the system's dead letters, summarising every {@code interval}. */
  public static Behavior<Object> create(Duration interval) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, ctx.getSelf().narrow()));
      return Behaviors.withTimers(timers -> idle(ctx, interval, timers));
    });
  }

  private static Behavior<Object> idle(org.apache.pekko.actor.typed.javadsl.ActorContext<Object> ctx, Duration interval,
      org.apache.pekko.actor.typed.javadsl.TimerScheduler<Object> timers) {
    return Behaviors.receive(Object.class)
        .onMessage(DeadLetter.class, d -> {
          ctx.getLog().warn("dead letter: {} to {} from {} (later ones are counted and summarised every {} s)",
              describe(d), d.recipient().path(), d.sender().path(), interval.toSeconds());
          timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, interval);
          return counting(ctx, interval, timers, 0, null);
        })
        .onMessage(Tick.class, t -> Behaviors.same())
        .build();
  }

  private static Behavior<Object> counting(org.apache.pekko.actor.typed.javadsl.ActorContext<Object> ctx,
      Duration interval, org.apache.pekko.actor.typed.javadsl.TimerScheduler<Object> timers, long count,
      String example) {
    return Behaviors.receive(Object.class)
        .onMessage(DeadLetter.class, d -> counting(ctx, interval, timers, count + 1,
            example != null ? example : describe(d) + " to " + d.recipient().path()))
        .onMessage(Tick.class, t -> {
          if (count == 0) {
            return idle(ctx, interval, timers);
          }
          ctx.getLog().warn("{} dead letter(s) in the last {} s, e.g. {}", count, interval.toSeconds(), example);
          timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, interval);
          return counting(ctx, interval, timers, 0, null);
        })
        .build();
  }

  private static String describe(DeadLetter d) {
    return d.message().getClass().getSimpleName();
  }
}
