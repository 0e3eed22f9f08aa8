package io.rlsearch.actors;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.UnhandledMessage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Logs the messages that reached no one: dead letters (a stopped actor, a timed-out ask), messages
 * dropped (a full buffer) and messages an actor did not handle. Rate-limited: the first at once as a
 * warning, then at most one summary line per {@code interval} with how many came in it and one
 * example, and a last line when the monitor stops with some not yet reported. Pekko's own dead-letter
 * logging is off (it logs at INFO, below the runtime's level, and line by line); this keeps a lost
 * message visible without flooding the output. Messages marked as expected to be lost
 * ({@link org.apache.pekko.actor.DeadLetterSuppression}) are not reported.
 */
public final class DeadLetterMonitor {
  private DeadLetterMonitor() {}

  /** The interval of the summaries in the commands' actor systems. */
  public static final Duration INTERVAL = Duration.ofSeconds(10);

  /** Messages of the monitor: the lost messages it subscribes to, and its tick. */
  private enum Tick { INSTANCE }

  /** Starts a monitor in {@code system} (as a system actor), summarising every {@link #INTERVAL}. */
  public static void install(ActorSystem<?> system) {
    system.systemActorOf(create(INTERVAL), "dead-letters", Props.empty());
  }

  /** A monitor subscribed to the system's lost messages, summarising every {@code interval}. */
  public static Behavior<Object> create(Duration interval) {
    return Behaviors.setup(ctx -> {
      for (Class<?> kind : List.of(DeadLetter.class, Dropped.class, UnhandledMessage.class)) {
        ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(kind, ctx.getSelf().narrow()));
      }
      return Behaviors.withTimers(timers -> idle(ctx, interval, timers));
    });
  }

  private static boolean lost(Object m) {
    return m instanceof DeadLetter || m instanceof Dropped || m instanceof UnhandledMessage;
  }

  /**
   * Whether {@code m} is to be reported: a lost message, unless the system is shutting down and its
   * {@code pekko.log-dead-letters-during-shutdown} is off (as for Pekko's own dead-letter log: actors
   * stopping in turn, and a cluster's members leaving, lose messages then by design).
   */
  private static boolean reported(ActorContext<Object> ctx, Object m) {
    if (!lost(m)) {
      return false;
    }
    return ctx.getSystem().settings().config().getBoolean("pekko.log-dead-letters-during-shutdown")
        || org.apache.pekko.actor.CoordinatedShutdown.get(ctx.getSystem()).getShutdownReason().isEmpty();
  }

  private static Behavior<Object> idle(ActorContext<Object> ctx, Duration interval, TimerScheduler<Object> timers) {
    return Behaviors.receive(Object.class)
        .onMessage(Object.class, m -> reported(ctx, m), m -> {
          ctx.getLog().warn("{} (later ones are counted and summarised every {} s)", first(m), interval.toSeconds());
          timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, interval);
          return counting(ctx, interval, timers, 0, null);
        })
        .onMessage(Tick.class, t -> Behaviors.same())
        // Not reported (shutting down): taken in silently, not left unhandled (which would be news again).
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private static Behavior<Object> counting(ActorContext<Object> ctx, Duration interval, TimerScheduler<Object> timers,
      long count, String example) {
    return Behaviors.receive(Object.class)
        .onMessage(Object.class, m -> reported(ctx, m), m -> counting(ctx, interval, timers, count + 1,
            example != null ? example : example(m)))
        .onMessage(Tick.class, t -> {
          if (count == 0) {
            return idle(ctx, interval, timers);
          }
          ctx.getLog().warn("{} dead letter(s) in the last {} s, e.g. {}", count, interval.toSeconds(), example);
          timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, interval);
          return counting(ctx, interval, timers, 0, null);
        })
        .onAnyMessage(m -> Behaviors.same())
        .onSignal(PostStop.class, s -> {
          if (count > 0) {
            ctx.getLog().warn("{} dead letter(s) since the last report, e.g. {}", count, example);
          }
          return Behaviors.same();
        })
        .build();
  }

  /** The first one's line: what, to whom, from whom (or why). */
  private static String first(Object m) {
    if (m instanceof DeadLetter d) {
      return "dead letter: " + name(d.message()) + " to " + d.recipient().path() + " from " + d.sender().path();
    }
    if (m instanceof Dropped d) {
      return "dropped message: " + name(d.message()) + " to " + d.recipient().path() + ": " + d.reason();
    }
    UnhandledMessage u = (UnhandledMessage) m;
    return "unhandled message: " + name(u.message()) + " by " + u.recipient().path();
  }

  private static String example(Object m) {
    if (m instanceof DeadLetter d) {
      return name(d.message()) + " to " + d.recipient().path();
    }
    if (m instanceof Dropped d) {
      return name(d.message()) + " dropped by " + d.recipient().path() + " (" + d.reason() + ")";
    }
    UnhandledMessage u = (UnhandledMessage) m;
    return name(u.message()) + " not handled by " + u.recipient().path();
  }

  private static String name(Object message) {
    return message.getClass().getSimpleName();
  }
}
