package io.rlsearch.actors;

import io.rlsearch.core.Transition;
import io.rlsearch.experiments.Population;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The simulated users: hands out sessions to run (new arrivals, and with retention the returning
 * users) on {@link Pull}, and learns of finished sessions from the transition stream (a backpressured
 * sink: {@link FeedbackInit}, {@link Feedback}, {@link FeedbackDone}).
 *
 * <p>A pull that finds nothing ready while users are still active (their sessions in flight) is held
 * and answered as soon as a finished session brings a returning user or retires the last one. The
 * population and the held pulls live in a {@link State} owned by this actor and kept across
 * restarts; a restart acknowledges the feedback element in hand.
 */
public final class UserPopulationActor extends AbstractBehavior<UserPopulationActor.Command> {
  /** Messages accepted by the population. */
  public sealed interface Command {}

  /** Asks for up to {@code max} sessions to run (a shard's batch). */
  public record Pull(int max, ActorRef<PullReply> replyTo) implements Command {
    public Pull {
      Objects.requireNonNull(replyTo, "replyTo");
      if (max < 1) {
        throw new IllegalArgumentException("max must be >= 1, got " + max);
      }
    }
  }

  /** Answers to {@link Pull}. */
  public sealed interface PullReply {}

  /** Sessions to run (at least one; all of one round in deterministic mode). */
  public record Sessions(List<Population.Arrival> arrivals) implements PullReply {
    public Sessions {
      arrivals = List.copyOf(arrivals);
      if (arrivals.isEmpty()) {
        throw new IllegalArgumentException("a batch of sessions cannot be empty");
      }
    }
  }

  /** Every user has left: no more sessions. */
  public enum NoMore implements PullReply { INSTANCE }

  /** The feedback stream starts. */
  public record FeedbackInit(ActorRef<Ack> ackTo) implements Command {}

  /** Finished sessions. */
  public record Feedback(List<Transition> transitions, ActorRef<Ack> ackTo) implements Command {
    public Feedback {
      transitions = List.copyOf(transitions);
    }
  }

  /** The feedback stream completed. */
  public enum FeedbackDone implements Command { INSTANCE }

  /** The feedback stream failed. */
  public record FeedbackFailed(Throwable cause) implements Command {}

  /** Makes the actor throw (fault injection for tests and demos); its state survives the restart. */
  public enum Crash implements Command { INSTANCE }

  /** Replies with counts. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /**
   * Counts.
   *
   * @param arrived users arrived
   * @param retired users who left
   * @param sessions sessions handed out
   * @param feedback finished sessions received (duplicates included)
   * @param completed whether the feedback stream completed
   */
  public record Stats(long arrived, long retired, long sessions, long feedback, boolean completed) {}

  /** The population and the pulls waiting for a session; survives restarts. */
  public static final class State {
    private final Population population;
    private final int roundSize;
    private final List<Pull> held = new ArrayList<>();
    private long feedback;
    private boolean completed;
    /** The rest of a feedback batch a crash interrupted, taken in first by the restarted actor. */
    private List<Transition> pending = List.of();

    /**
     * State over {@code population}.
     *
     * @param roundSize episodes per round in deterministic mode (a batch never spans two rounds), or 0
     */
    public State(Population population, int roundSize) {
      this.population = Objects.requireNonNull(population, "population");
      if (roundSize < 0) {
        throw new IllegalArgumentException("round size must be >= 0, got " + roundSize);
      }
      this.roundSize = roundSize;
    }

    /** Up to {@code max} ready sessions of one round; empty if none is ready. */
    List<Population.Arrival> take(int max) {
      List<Population.Arrival> out = new ArrayList<>(max);
      long round = -1;
      while (out.size() < max) {
        var id = population.nextEpisodeId();
        if (id.isEmpty()) {
          break;
        }
        if (roundSize > 0) {
          long r = id.get() / roundSize;
          if (round >= 0 && r != round) {
            break;
          }
          round = r;
        }
        out.add(population.next().orElseThrow());
      }
      return out;
    }
  }

  /** A supervised population actor over {@code state}. */
  public static Behavior<Command> create(State state) {
    return create(state, CrashSwitch.NONE);
  }

  /** As above, with an injected crash (a test tool) inside the supervision. */
  public static Behavior<Command> create(State state, CrashSwitch crash) {
    return Behaviors.supervise(crash.wrap("population", Command.class,
        Behaviors.<Command>setup(ctx -> {
          UserPopulationActor a = new UserPopulationActor(ctx, state, crash);
          // The rest of the feedback batch a crash interrupted, before any message (a crash here keeps it).
          for (Transition t : state.pending) {
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

  private UserPopulationActor(ActorContext<Command> ctx, State state, CrashSwitch crash) {
    super(ctx);
    this.state = state;
    this.crash = crash;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Pull.class, this::onPull)
        .onMessage(FeedbackInit.class, i -> ack(i.ackTo()))
        .onMessage(Feedback.class, this::onFeedback)
        .onMessage(FeedbackDone.class, d -> {
          state.completed = true;
          return this;
        })
        .onMessage(FeedbackFailed.class, this::onFeedbackFailed)
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(Crash.class, c -> {
          throw new IllegalStateException("injected crash");
        })
        .onSignal(PreRestart.class, s -> onPreRestart())
        .build();
  }

  private Behavior<Command> onPull(Pull p) {
    List<Population.Arrival> batch = state.take(p.max());
    if (!batch.isEmpty()) {
      p.replyTo().tell(new Sessions(batch));
    } else if (state.population.exhausted()) {
      p.replyTo().tell(NoMore.INSTANCE);
    } else {
      state.held.add(p);
    }
    return this;
  }

  private Behavior<Command> onFeedback(Feedback f) {
    inHand = f.ackTo();
    inHandBatch = f.transitions();
    takenOfBatch = 0;
    for (Transition t : f.transitions()) {
      crash.transition("population");
      take(t);
      takenOfBatch++;
    }
    serveHeld();
    inHand = null;
    inHandBatch = List.of();
    return ack(f.ackTo());
  }

  private void take(Transition t) {
    state.population.finished(t.user(), t.session(), t.clicks(), t.satisfaction());
    state.feedback++;
  }

  private void serveHeld() {
    while (!state.held.isEmpty()) {
      Pull p = state.held.get(0);
      List<Population.Arrival> batch = state.take(p.max());
      if (!batch.isEmpty()) {
        state.held.remove(0).replyTo().tell(new Sessions(batch));
      } else if (state.population.exhausted()) {
        for (Pull r : state.held) {
          r.replyTo().tell(NoMore.INSTANCE);
        }
        state.held.clear();
      } else {
        return;
      }
    }
  }

  private Behavior<Command> ack(ActorRef<Ack> to) {
    to.tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<Command> onFeedbackFailed(FeedbackFailed f) {
    getContext().getLog().warn("Feedback stream failed: [{}]", f.cause().toString());
    return this;
  }

  private Behavior<Command> onGetStats(GetStats g) {
    g.replyTo().tell(new Stats(state.population.arrived(), state.population.retired(),
        state.population.sessionsStarted(), state.feedback, state.completed));
    return this;
  }

  private Behavior<Command> onPreRestart() {
    if (inHand != null) {
      // The batch's rest (from the transition that failed) is taken in by the restarted actor first: the
      // users it finishes are not lost (before, they never finished and the run waited for them).
      state.pending = List.copyOf(inHandBatch.subList(takenOfBatch, inHandBatch.size()));
      inHand.tell(Ack.INSTANCE);
      inHand = null;
    }
    return this;
  }
}
