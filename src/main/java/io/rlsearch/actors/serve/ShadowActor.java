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
 * than {@link #CAPACITY} are in the shadow's hands, and counts the others as skipped. A real request's
 * place is held until the feedback join takes the shadow's decision on it
 * ({@link FeedbackJoinActor.ShadowDecided}): a join that lags behind the shadow holds at most that
 * many of its decisions, and the shards skip the shadow meanwhile, rather than the join's mailbox
 * growing without bound.
 */
public final class ShadowActor {
  private ShadowActor() {}

  /**
   * Requests that may be in the shadow's hands: waiting for it, or (a real request's) its decision
   * waiting for the feedback join. Shards skip the shadow beyond.
   */
  public static final int CAPACITY = 256;

  /** Work for the shadow: a simulated request ({@link Work}) or a real one ({@link RankWork}). */
  public sealed interface Job {}

  /**
   * A served request for the shadow.
   *
   * @param shadow the shadow version
   * @param requestId the request (its own stream for the shadow's choice)
   * @param context the request's context
   * @param servedAction the live version's action
   * @param reward the live outcome's reward
   */
  public record Work(Routing.Version shadow, long requestId, double[] context, double[] servedAction, double reward)
      implements Job {
    public Work {
      Objects.requireNonNull(shadow, "shadow");
      context = context.clone();
      servedAction = servedAction.clone();
    }
  }

  /**
   * A served real request for the shadow: it ranks the same request (on its own random stream) and
   * records how many of the served top k it also puts in its top k; its decision goes to the feedback
   * join, so that the request's real reward, when it arrives, feeds the shadow's estimate.
   *
   * @param shadow the shadow version
   * @param request the request as served
   * @param decisionId the served decision's id
   * @param streamKey the key of the request's policy stream (the shadow draws from its own, derived from it)
   * @param served the served ranking's candidate indices, best first
   * @param join where the shadow's decision goes (null: nowhere)
   */
  public record RankWork(Routing.Version shadow, io.rlsearch.serving.RankRequest request, String decisionId,
      String streamKey, int[] served, ActorRef<FeedbackJoinActor.Command> join) implements Job {
    public RankWork {
      Objects.requireNonNull(shadow, "shadow");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(streamKey, "streamKey");
      served = served.clone();
    }
  }

  /** The top-k agreement of the shadow with the served rankings of real requests, so far. */
  public record Agreement(long compared, double meanTopK) {}

  /** The queue the shards and the shadow share: how many wait, and how many were skipped or failed. */
  public static final class Queue {
    // Unstamped: the shadow counts what waits and what is skipped, not how long a request waited.
    final Backlog backlog = new Backlog(CAPACITY, java.time.Duration.ZERO, () -> 0L);
    final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong compared = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.DoubleAdder agreement = new java.util.concurrent.atomic.DoubleAdder();
    /** Gives a place back (one instance: handed to the join with every shadow decision). */
    final Runnable release = backlog::taken;

    /**
     * The shadow's agreement with the served rankings of real requests: how many compared, and the
     * mean share of the served top k the shadow also ranked in its top k.
     */
    public Agreement agreement() {
      long n = compared.get();
      return new Agreement(n, n == 0 ? Double.NaN : agreement.sum() / n);
    }

    /** Takes a place in the queue; false (and counted as skipped) when it is full. */
    public boolean offer() {
      return backlog.offer();
    }

    /**
     * Requests the shadow skipped because its queue was full (requests waiting for it, or its decisions
     * waiting for the feedback join).
     */
    public long skipped() {
      return backlog.dropped();
    }

    /** Requests on which the shadow threw. */
    public long failed() {
      return failed.get();
    }
  }

  /** The shadow's actor over {@code queue}, reporting to {@code monitor} through the monitor's {@code backlog}. */
  public static Behavior<Job> create(RunStreams streams, ActorRef<ServingMonitorActor.Command> monitor,
      Backlog backlog, Queue queue) {
    return create(streams, monitor, backlog, queue, null, 0);
  }

  /**
   * As above, ranking real requests with the versions bound in {@code bindings}, each on the stream of
   * {@code seed} and its request's key (null bindings: real requests are counted as failed).
   */
  public static Behavior<Job> create(RunStreams streams, ActorRef<ServingMonitorActor.Command> monitor,
      Backlog backlog, Queue queue, Bindings bindings, long seed) {
    return Behaviors.receive((ctx, job) -> {
      // A real request's place goes on to the join with the shadow's decision; any other is free now.
      boolean held = false;
      Routing.Version version = job instanceof Work w ? w.shadow() : ((RankWork) job).shadow();
      try {
        if (job instanceof Work w) {
          // The shadow's own stream for this request: its choice does not disturb the live one's.
          Decision ds = w.shadow().policy().act(w.context(), streams.fault(w.requestId(), 1_000_000));
          if (ds.continuous() && backlog.offer()) {
            monitor.tell(new ServingMonitorActor.ShadowSample(w.shadow().id(), w.context(), w.servedAction(),
                w.reward(), ds.action()));
          }
        } else if (job instanceof RankWork r) {
          if (bindings == null) {
            throw new IllegalStateException("no policies bound to a schema");
          }
          io.rlsearch.serving.Ranked ranked = bindings.of(r.shadow()).rank(r.request(),
              io.rlsearch.serving.RequestKeys.policyStream(seed, "shadow/" + r.streamKey()));
          queue.agreement.add(topKAgreement(r.served(), ranked.order()));
          queue.compared.incrementAndGet();
          if (r.join() != null) {
            r.join().tell(new FeedbackJoinActor.ShadowDecided(r.decisionId(), r.shadow().id(), ranked.decision(),
                queue.release));
            held = true;
          }
        }
      } catch (RuntimeException e) {
        if (queue.failed.getAndIncrement() == 0) {
          ctx.getLog().warn("shadow version {} failed on {}: {} (later failures are counted, not logged)",
              version.id(), job instanceof Work w ? "request " + w.requestId() : "decision "
                  + ((RankWork) job).decisionId(), e.toString());
        }
      } finally {
        if (!held) {
          queue.backlog.taken();
        }
      }
      return Behaviors.same();
    });
  }

  /** The share of {@code served}'s entries that {@code shadow} also holds (both top-k lists of indices). */
  public static double topKAgreement(int[] served, int[] shadow) {
    java.util.Set<Integer> s = new java.util.HashSet<>();
    for (int i : shadow) {
      s.add(i);
    }
    int both = 0;
    for (int i : served) {
      both += s.contains(i) ? 1 : 0;
    }
    return served.length == 0 ? 1 : (double) both / served.length;
  }
}
