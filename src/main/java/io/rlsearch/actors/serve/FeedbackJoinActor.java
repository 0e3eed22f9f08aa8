package io.rlsearch.actors.serve;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.serving.Feedback;
import io.rlsearch.serving.FeedbackJoin;
import io.rlsearch.serving.Joined;
import io.rlsearch.serving.PendingDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Joins a search service's feedback to the decisions the shards served, over a {@link FeedbackJoin}
 * (bounded: at most the schema's {@code open_decisions} wait, each at most its {@code feedback_window};
 * the oldest are evicted, the late expire, both counted and never logged as complete decisions).
 *
 * <p>A shard registers every served decision with {@link Open} through the actor's {@link Backlog}
 * (a decision that finds it full is not registered and counted as dropped); feedback arrives by
 * {@link Give} and is answered with the join's result. A joined decision goes to the monitor as a
 * feedback {@link ServingMonitorActor.Outcome} of its version (the per-version metrics and the
 * guardrails see real reward; its request was counted when its shard answered it), to the decision log as a complete logged decision, and to every subscriber. Time is the
 * clock given by the caller; expired decisions are also swept on a timer.
 *
 * <p>A subscriber is bounded like the monitor: it receives a joined decision only while fewer than its
 * capacity wait (it gives a place back with {@link Backlog#taken()} as it takes each one); beyond, the
 * decision is not sent to it and is counted as dropped in its backlog. A slow subscriber therefore
 * loses joined decisions (counted), and never slows the join nor grows its mailbox without bound.
 */
public final class FeedbackJoinActor extends AbstractBehavior<FeedbackJoinActor.Command> {
  /** Messages accepted. */
  public sealed interface Command {}

  /** A served decision to wait for its feedback (sent through the actor's backlog). */
  public record Open(PendingDecision decision) implements Command {
    public Open {
      Objects.requireNonNull(decision, "decision");
    }
  }

  /** A feedback to join; the join's result is the answer. */
  public record Give(Feedback feedback, ActorRef<FeedbackJoin.Result> replyTo) implements Command {
    public Give {
      Objects.requireNonNull(feedback, "feedback");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The shadow's decision on a served request, computed after the answer: when that request's
   * feedback joins, the monitor receives a shadow sample (the served and the shadow's weights, the real
   * reward) for its off-policy estimate of the shadow.
   *
   * @param decisionId the served decision
   * @param shadowVersion the shadow version
   * @param shadow the shadow's decision
   * @param taken run once when the join takes it: it gives back the request's place in the shadow's
   *     queue ({@link ShadowActor.Queue}), held from the shard's hand-over until then, so decisions the
   *     join has not taken yet are bounded with the shadow's work
   */
  public record ShadowDecided(String decisionId, long shadowVersion, Decision shadow, Runnable taken)
      implements Command {
    public ShadowDecided {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(shadow, "shadow");
      Objects.requireNonNull(taken, "taken");
    }

    /** A decision whose place is given back to nobody (a join of a test). */
    public ShadowDecided(String decisionId, long shadowVersion, Decision shadow) {
      this(decisionId, shadowVersion, shadow, () -> { });
    }
  }

  /**
   * Adds a subscriber to joined decisions, bounded by {@code backlog} (see the class comment).
   *
   * @param subscriber where each joined decision goes
   * @param backlog the subscriber's bound: a place is taken per decision sent; the subscriber gives it back
   */
  public record Subscribe(ActorRef<Joined> subscriber, Backlog backlog) implements Command {
    public Subscribe {
      Objects.requireNonNull(subscriber, "subscriber");
      Objects.requireNonNull(backlog, "backlog");
    }
  }

  /** Replies with the join's counts. */
  public record GetCounts(ActorRef<FeedbackJoin.Counts> replyTo) implements Command {
    public GetCounts {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  private enum Sweep implements Command { INSTANCE }

  /**
   * Served decisions that may wait to be registered (about a second of real traffic at 10,000
   * requests/s): beyond, a decision is not registered (its feedback will be answered 404) and counted.
   */
  public static final int QUEUE = 16_384;

  /** Shadow decisions kept for their requests' feedback, at most (the oldest are forgotten first). */
  public static final int SHADOW_KEPT = 8192;

  /**
   * Where a joined decision goes besides the answer (null: nowhere).
   *
   * @param monitor the serving monitor (its outcomes through {@code monitorBacklog})
   * @param monitorBacklog the monitor's backlog
   * @param decisionLog the decision log's writer (its lines through {@code logBacklog})
   * @param logBacklog the decision log's backlog
   */
  public record Sinks(ActorRef<ServingMonitorActor.Command> monitor, Backlog monitorBacklog,
      ActorRef<Object> decisionLog, Backlog logBacklog) {
    public Sinks {
      if (monitor != null) {
        Objects.requireNonNull(monitorBacklog, "monitorBacklog");
      }
      if (decisionLog != null) {
        Objects.requireNonNull(logBacklog, "logBacklog");
      }
    }
  }

  /**
   * Figures readable from any thread (the metrics endpoint): the join's counts as of its last change,
   * and the joined decisions subscribers could not take.
   */
  public static final class Figures {
    private volatile FeedbackJoin.Counts counts = new FeedbackJoin.Counts(0, 0, 0, 0, 0, 0, 0, 0);
    private final AtomicLong subscriberDropped = new AtomicLong();
    private final AtomicLong logged = new AtomicLong();

    /** The join's counts. */
    public FeedbackJoin.Counts counts() {
      return counts;
    }

    /** Joined decisions not sent to a subscriber because its backlog was full. */
    public long subscriberDropped() {
      return subscriberDropped.get();
    }

    /** Joined decisions sent to the decision log. */
    public long logged() {
      return logged.get();
    }
  }

  /**
   * A join of at most {@code open} decisions waiting at most {@code window}, scoring with
   * {@code reward}, registering through {@code backlog}, swept every {@code sweepEvery}; {@code clock}
   * gives nanoseconds.
   */
  public static Behavior<Command> create(int open, Duration window, io.rlsearch.serving.ServingSchema.Reward reward,
      LongSupplier clock, Duration sweepEvery, Backlog backlog, Sinks sinks, Figures figures) {
    FeedbackJoin join = new FeedbackJoin(open, window.toNanos(), reward);
    // Resumed after an unexpected failure, keeping every open decision: the message is lost (an ask for
    // it times out), never the join.
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, sweepEvery);
      return new FeedbackJoinActor(ctx, join, clock, backlog, sinks, figures);
    }))).onFailure(RuntimeException.class, org.apache.pekko.actor.typed.SupervisorStrategy.resume());
  }

  private record Subscriber(ActorRef<Joined> ref, Backlog backlog) {}

  private final FeedbackJoin join;
  private final LongSupplier clock;
  private final Backlog backlog;
  private final Sinks sinks;
  private final Figures figures;
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final LinkedHashMap<String, ShadowDecided> shadows = new LinkedHashMap<>();
  /**
   * The log's number of the next joined real decision: from {@link #FIRST_EPISODE}, apart from the
   * simulated requests' numbers (their request ids), so one log holds both without a clash.
   */
  private long episode = FIRST_EPISODE;

  /** The first number a real decision gets in the decision log. */
  public static final long FIRST_EPISODE = 1_000_000_000L;

  private FeedbackJoinActor(ActorContext<Command> ctx, FeedbackJoin join, LongSupplier clock, Backlog backlog,
      Sinks sinks, Figures figures) {
    super(ctx);
    this.join = join;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backlog = Objects.requireNonNull(backlog, "backlog");
    this.sinks = Objects.requireNonNull(sinks, "sinks");
    this.figures = Objects.requireNonNull(figures, "figures");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Open.class, this::onOpen)
        .onMessage(Give.class, this::onGive)
        .onMessage(ShadowDecided.class, this::onShadow)
        .onMessage(Subscribe.class, s -> {
          subscribers.add(new Subscriber(s.subscriber(), s.backlog()));
          getContext().watchWith(s.subscriber(), new Unsubscribe(s.subscriber()));
          return this;
        })
        .onMessage(Unsubscribe.class, u -> {
          subscribers.removeIf(s -> s.ref().equals(u.subscriber()));
          return this;
        })
        .onMessage(GetCounts.class, g -> {
          g.replyTo().tell(join.counts());
          return this;
        })
        .onMessage(Sweep.class, s -> {
          forget(join.expire(clock.getAsLong()));
          figures.counts = join.counts();
          return this;
        })
        .build();
  }

  private record Unsubscribe(ActorRef<Joined> subscriber) implements Command {}

  private Behavior<Command> onOpen(Open o) {
    backlog.taken();
    try {
      forget(join.open(o.decision(), clock.getAsLong()));
    } catch (IllegalArgumentException e) {
      // A decision id served twice cannot happen (ids are unique per process); counted as dropped if it did.
      getContext().getLog().warn("decision {} not registered: {}", o.decision().decisionId(), e.getMessage());
    }
    long reusedBefore = figures.counts.reusedRequestIds();
    figures.counts = join.counts();
    if (reusedBefore == 0 && figures.counts.reusedRequestIds() > 0) {
      // Once: the counter says how often after.
      getContext().getLog().warn("request id '{}' came again while a decision of it is held for its feedback: the request"
          + " id keys the exploration draws, so both requests explored alike, which biases off-policy estimates;"
          + " give each request its own request_id (counted as rlsearch_request_id_reused; warned once)",
          io.rlsearch.serving.OneLine.of(o.decision().requestId().orElse("")));
    }
    return this;
  }

  private void forget(List<PendingDecision> gone) {
    for (PendingDecision d : gone) {
      shadows.remove(d.decisionId());
    }
  }

  private Behavior<Command> onShadow(ShadowDecided s) {
    s.taken().run();
    shadows.put(s.decisionId(), s);
    for (Iterator<Map.Entry<String, ShadowDecided>> it = shadows.entrySet().iterator(); shadows.size() > SHADOW_KEPT;) {
      it.next();
      it.remove();
    }
    return this;
  }

  private Behavior<Command> onGive(Give g) {
    FeedbackJoin.Result r;
    try {
      r = join.join(g.feedback(), clock.getAsLong());
    } catch (io.rlsearch.serving.BadInput e) {
      // The serving system refuses such a feedback before it is sent; one that comes anyway leaves its
      // decision waiting and is answered as if no decision waited, so the join (and every open decision)
      // outlives it.
      getContext().getLog().warn("feedback for decision {} refused: {}", g.feedback().decisionId(), e.getMessage());
      g.replyTo().tell(new FeedbackJoin.Unknown(g.feedback().decisionId()));
      return this;
    }
    figures.counts = join.counts();
    g.replyTo().tell(r);
    if (r instanceof FeedbackJoin.Matched m) {
      joined(m.joined());
    }
    return this;
  }

  private void joined(Joined j) {
    PendingDecision d = j.decision();
    if (sinks.monitor() != null && sinks.monitorBacklog().offer()) {
      // No base ranking to compare with on a real request: the rank change is unknown (NaN). A feedback:
      // its request was counted for the error rate when its shard answered it.
      sinks.monitor().tell(new ServingMonitorActor.Outcome(d.version(), j.reward(), j.feedback().gmv(),
          j.feedback().cm2(), Double.NaN, sinks.monitorBacklog().now(), true));
    }
    ShadowDecided s = shadows.remove(d.decisionId());
    if (s != null && s.shadow().continuous() && d.decision().continuous() && sinks.monitor() != null
        && sinks.monitorBacklog().offer()) {
      sinks.monitor().tell(new ServingMonitorActor.ShadowSample(s.shadowVersion(), d.policyInput(),
          d.decision().action(), j.reward(), s.shadow().action()));
    }
    if (sinks.decisionLog() != null && sinks.logBacklog().offer()) {
      sinks.decisionLog().tell(j.logged(episode++));
      figures.logged.incrementAndGet();
    }
    for (Subscriber sub : subscribers) {
      if (sub.backlog().offer()) {
        sub.ref().tell(j);
      } else {
        figures.subscriberDropped.incrementAndGet();
      }
    }
  }
}
