package io.rlsearch.actors.serve;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.experiments.RunStreams;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The shadow's side of the serving path, apart from the live requests: a shard hands it a served
 * request (after answering it), and it computes the shadow version's action on the same context,
 * never served, for the monitor's off-policy estimate. A shadow that throws or is slow can neither fail
 * a live request nor delay one. Its queue is bounded: a shard hands over a request only while fewer
 * than {@link #CAPACITY} wait, and counts the others as skipped.
 */
public final class ShadowActor {
  private ShadowActor() {}

  /** Requests that may wait for the shadow (shards skip the shadow beyond). */
  public static final int CAPACITY = 256;

  /**
   * A served request for the shadow.
   *
   * @param shadow the shadow version
   * @param requestId the request (its own stream for the shadow's choice)
   * @param context the request's context
   * @param servedAction the live version's action
   * @param reward the live outcome's reward
   */
  public record Work(Routing.Version shadow, long requestId, double[] context, double[] servedAction, double reward) {
    public Work {
      Objects.requireNonNull(shadow, "shadow");
      context = context.clone();
      servedAction = servedAction.clone();
    }
  }

  /** The queue the shards and the shadow share: how many wait, and how many were skipped or failed. */
  public static final class Queue {
    // Unstamped: the shadow counts what waits and what is skipped, not how long a request waited.
    final Backlog backlog = new Backlog(CAPACITY, java.time.Duration.ZERO, () -> 0L);
    final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();

    /** Takes a place in the queue; false (and counted as skipped) when it is full. */
    boolean offer() {
      return backlog.offer();
    }

    /** Requests the shadow skipped because its queue was full. */
    public long skipped() {
      return backlog.dropped();
    }

    /** Requests on which the shadow threw. */
    public long failed() {
      return failed.get();
    }
  }

  /** The shadow's actor over {@code queue}, reporting to {@code monitor} through the monitor's {@code backlog}. */
  public static Behavior<Work> create(RunStreams streams, ActorRef<ServingMonitorActor.Command> monitor,
      Backlog backlog, Queue queue) {
    return Behaviors.receive((ctx, w) -> {
      queue.backlog.taken();
      try {
        // The shadow's own stream for this request: its choice does not disturb the live one's.
        Decision ds = w.shadow().policy().act(w.context(), streams.fault(w.requestId(), 1_000_000));
        if (ds.continuous() && backlog.offer()) {
          monitor.tell(new ServingMonitorActor.ShadowSample(w.shadow().id(), w.context(), w.servedAction(), w.reward(),
              ds.action()));
        }
      } catch (RuntimeException e) {
        if (queue.failed.getAndIncrement() == 0) {
          ctx.getLog().warn("shadow version {} failed on request {}: {} (later failures are counted, not logged)",
              w.shadow().id(), w.requestId(), e.toString());
        }
      }
      return Behaviors.same();
    });
  }
}
