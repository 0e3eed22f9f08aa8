package io.rlsearch.actors;

import io.rlsearch.core.Transition;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.eval.RetentionMetrics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Online evaluation of the transition stream (a backpressured sink): per-episode and per-version
 * metrics with confidence intervals ({@link OnlineMetrics}) and, for multi-session runs, per-user
 * retention and discounted value ({@link RetentionMetrics}). Duplicates (retried episodes) are
 * counted and ignored. The metrics live in a {@link State} kept across restarts.
 */
public final class EvaluatorActor extends AbstractBehavior<EvaluatorActor.Command> {
  /** Messages accepted by the evaluator. */
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

  /** Makes the actor throw (fault injection for tests and demos); its state survives the restart. */
  public enum Crash implements Command { INSTANCE }

  /** Replies with the report so far. */
  public record GetReport(ActorRef<Report> replyTo) implements Command {
    public GetReport {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The evaluator's report.
   *
   * @param consumed transitions received (duplicates included)
   * @param metrics the online metrics
   * @param retention retention metrics (multi-session runs)
   * @param completed whether the stream completed
   */
  public record Report(long consumed, long duplicates, OnlineMetrics.Report metrics,
      Optional<RetentionMetrics.Report> retention, boolean completed) {}

  /** The evaluator's metrics; survives restarts. */
  public static final class State {
    private final OnlineMetrics metrics = new OnlineMetrics();
    private final Optional<RetentionMetrics> retention;
    private long consumed;
    private boolean completed;
    /** The rest of a batch a crash interrupted, taken in first by the restarted evaluator. */
    private List<Transition> pending = List.of();

    /** State with optional retention metrics. */
    public State(Optional<RetentionMetrics> retention) {
      this.retention = retention;
    }
  }

  /** A supervised evaluator over {@code state}. */
  public static Behavior<Command> create(State state) {
    return create(state, CrashSwitch.NONE);
  }

  /** As above, with an injected crash (a test tool) inside the supervision. */
  public static Behavior<Command> create(State state, CrashSwitch crash) {
    return Behaviors.supervise(crash.wrap("evaluator", Command.class,
        Behaviors.<Command>setup(ctx -> {
          EvaluatorActor a = new EvaluatorActor(ctx, state, crash);
          // The rest of the batch a crash interrupted, before any message (a crash here keeps it in place).
          List<Transition> rest = state.pending;
          for (Transition t : rest) {
            a.take(t);
          }
          state.pending = List.of();
          return a;
        })))
        .onFailure(RuntimeException.class, SupervisorStrategy.restart().withLimit(LearnerActor.MAX_RESTARTS,
            LearnerActor.RESTART_WINDOW));
  }

  private final State state;
  private final CrashSwitch crash;
  private ActorRef<Ack> inHand;
  private List<Transition> inHandBatch = List.of();
  private int takenOfBatch;

  private EvaluatorActor(ActorContext<Command> ctx, State state, CrashSwitch crash) {
    super(ctx);
    this.state = state;
    this.crash = crash;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Init.class, i -> ack(i.ackTo()))
        .onMessage(Element.class, this::onElement)
        .onMessage(Completed.class, c -> onCompleted())
        .onMessage(Failed.class, this::onFailed)
        .onMessage(GetReport.class, this::onGetReport)
        .onMessage(Crash.class, c -> {
          throw new IllegalStateException("injected crash");
        })
        .onSignal(PreRestart.class, s -> onPreRestart())
        .build();
  }

  private Behavior<Command> onElement(Element e) {
    inHand = e.ackTo();
    inHandBatch = e.transitions();
    takenOfBatch = 0;
    for (Transition t : e.transitions()) {
      crash.transition("evaluator");
      take(t);
      takenOfBatch++;
    }
    inHand = null;
    inHandBatch = List.of();
    return ack(e.ackTo());
  }

  /** Takes one transition in (retention first: a crash in either leaves the episode unrecorded, to retry). */
  private void take(Transition t) {
    if (!state.metrics.seen(t)) {
      state.retention.ifPresent(r -> r.add(t));
    }
    state.metrics.add(t);
    state.consumed++;
  }

  private Behavior<Command> ack(ActorRef<Ack> to) {
    to.tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<Command> onCompleted() {
    state.completed = true;
    return this;
  }

  private Behavior<Command> onFailed(Failed f) {
    getContext().getLog().warn("Transition stream failed: [{}]", f.cause().toString());
    return this;
  }

  private Behavior<Command> onGetReport(GetReport g) {
    g.replyTo().tell(new Report(state.consumed, state.metrics.duplicates(), state.metrics.report(),
        state.retention.map(RetentionMetrics::report), state.completed));
    return this;
  }

  private Behavior<Command> onPreRestart() {
    if (inHand != null) {
      // The batch's rest (from the transition that failed) is taken in by the restarted evaluator before
      // anything else: acknowledged now, it is not lost; a transition that always fails ends in the
      // restarts' limit, the evaluator stops and the run fails with one line.
      state.pending = List.copyOf(inHandBatch.subList(takenOfBatch, inHandBatch.size()));
      inHand.tell(Ack.INSTANCE);
      inHand = null;
    }
    return this;
  }
}
