package io.rlsearch.actors;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;

/**
 * The learner: consumes the transition stream (a backpressured sink), updates the agent and publishes
 * snapshots to the policy registry.
 *
 * <ul>
 *   <li>Deterministic mode ({@code roundSize > 0}): transitions of round r are held until the round
 *       is complete, then learned in episode order, and version r + 1 is published (the policy server
 *       holds round r + 1 until then).
 *   <li>Throughput mode: each transition is learned on arrival and a snapshot is published every
 *       {@code publishEvery} transitions (and at the end); fixed policies publish nothing new.
 * </ul>
 * On start the learner restores its update rule from the registry's current snapshot. It then keeps a
 * restore point: the agent's whole state ({@link UpdateRule#state}: weights, value nets, buffers,
 * random streams) at a published version, taken again every {@link #RESTORE_EVERY} transitions
 * learned. A crash re-sends to itself, before the restart, every transition learned or held since
 * that point; the restarted learner rebuilds the agent from it and learns them again in the same
 * order, so it catches up to where it was, without publishing again the versions it had published,
 * and nothing is lost; the element in hand is acknowledged so the stream goes on. Agents without a
 * whole state restart from the last published snapshot, as the registry holds it.
 */
public final class LearnerActor extends AbstractBehavior<LearnerActor.Command> {
  /** Messages accepted by the learner. */
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

  /** Replies with counts. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {
    public GetStats {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Makes the learner throw (fault injection for tests and demos). */
  public enum Crash implements Command { INSTANCE }

  /**
   * Counts.
   *
   * @param consumed transitions received (duplicates included)
   * @param learned distinct transitions learned
   * @param duplicates duplicates ignored
   * @param published snapshots published
   * @param restarts restarts (each restored from the last snapshot)
   * @param completed whether the stream completed and everything was learned
   */
  public record Stats(long consumed, long learned, long duplicates, long published, long restarts, boolean completed,
      long checkpoints) {}

  /**
   * The learner's state at a published version, for a checkpoint: sent to the checkpoint receiver
   * every {@link Settings#checkpointEvery} transitions learned (at the next publish) and once at the end.
   *
   * @param state the agent's whole state
   * @param version the version it published last
   * @param usersDone every user below this one is learned
   * @param learned transitions learned so far
   * @param last whether this is the end-of-run checkpoint
   */
  public record Checkpointed(io.rlsearch.agents.spi.AgentState state, long version, long usersDone, long learned,
      boolean last, long[] learnedBeyond) {}

  private record Restored(PolicySnapshot snapshot) implements Command {}

  /**
   * Learner settings.
   *
   * @param roundSize episodes per round (deterministic mode), or 0 (throughput mode)
   * @param episodes episodes in the run (deterministic mode: to size the last round)
   * @param publishEvery transitions between snapshots in throughput mode
   */
  public record Settings(int roundSize, long episodes, int publishEvery, long firstEpisode, int sessionsCap,
      long checkpointEvery) {
    /** Settings of a run from the start, single-session, without checkpoints. */
    public Settings(int roundSize, long episodes, int publishEvery) {
      this(roundSize, episodes, publishEvery, 0, 1, 0);
    }

    public Settings {
      if (roundSize < 0 || episodes < 1 || publishEvery < 1 || firstEpisode < 0 || sessionsCap < 1
          || checkpointEvery < 0) {
        throw new IllegalArgumentException("learner needs round size >= 0, episodes >= 1, publish-every >= 1,"
            + " first episode >= 0, sessions cap >= 1, checkpoint interval >= 0");
      }
    }
  }

  /** Counters that survive restarts. */
  public static final class State {
    private final BitSet seen = new BitSet();
    private long consumed;
    private long learned;
    private long duplicates;
    private long published;
    private long restarts;
    private boolean completed;
    private long checkpoints;
    private long learnedAtCheckpoint;
    /** The agent's whole state at {@link #restoreVersion} (null: restart from the registry's snapshot). */
    private io.rlsearch.agents.spi.AgentState restorePoint;
    private long restoreVersion;
    /** Transitions learned when the restore point was taken (the count a restart goes back to). */
    private long learnedAtRestore;
    /** The highest version sent to the registry: catching up after a restart does not send it again. */
    private long publishedVersion = -1;

    /** Counters of a fresh run. */
    public State() {}

    /**
     * Counters of a resumed run: the episodes its checkpoint had learned already (past its first user)
     * are duplicates, not learned a second time.
     */
    public State(long[] learnedAlready) {
      for (long e : learnedAlready) {
        seen.set(Math.toIntExact(e));
      }
    }
    /**
     * What a restart learns again from the restore point before it handles any message, in order: kept
     * here until it is all learned, so a crash while learning it again starts over from the same point.
     */
    private List<Transition> toRelearn = List.of();
  }

  /** Transitions learned between two restore points (at most this many are learned again after a crash). */
  static final int RESTORE_EVERY = 1024;

  /**
   * Restarts allowed within {@link #RESTART_WINDOW}: a transition the agent cannot learn is re-sent at
   * every restart and fails again, so past this the learner stops and its guardian fails the run with
   * one line instead of restarting forever.
   */
  static final int MAX_RESTARTS = 10;

  /** The window {@link #MAX_RESTARTS} counts in. */
  static final Duration RESTART_WINDOW = Duration.ofMinutes(1);

  /** A supervised learner. */
  public static Behavior<Command> create(AgentBuilder agent, ActorRef<PolicyRegistryActor.Command> registry,
      Settings settings, State state) {
    return create(agent, registry, settings, state, null);
  }

  /** A supervised learner that sends its state to {@code checkpoints} (may be null: no checkpoints). */
  public static Behavior<Command> create(AgentBuilder agent, ActorRef<PolicyRegistryActor.Command> registry,
      Settings settings, State state, ActorRef<Checkpointed> checkpoints) {
    return create(agent, registry, settings, state, checkpoints, CrashSwitch.NONE);
  }

  /** As above, with an injected crash (a test tool) inside the supervision. */
  public static Behavior<Command> create(AgentBuilder agent, ActorRef<PolicyRegistryActor.Command> registry,
      Settings settings, State state, ActorRef<Checkpointed> checkpoints, CrashSwitch crash) {
    return Behaviors.supervise(crash.wrap("learner", Command.class, Behaviors.<Command>withStash(1 << 20, stash ->
        Behaviors.setup(ctx -> {
      if (state.restorePoint != null) {
        // A restart: the agent's whole state at the restore point, and the count of what it had learned.
        state.learned = state.learnedAtRestore;
        LearnerActor restarted = new LearnerActor(ctx, agent.restoreState(state.restorePoint), state.restoreVersion,
            registry, settings, state, checkpoints, stash, crash);
        restarted.relearn();
        return restarted;
      }
      Replies.ask(ctx, PolicySnapshot.class, registry, Duration.ofSeconds(30), PolicyRegistryActor.GetCurrent::new,
          (snapshot, failure) -> {
            if (snapshot == null) {
              throw new IllegalStateException("learner could not restore from the registry", failure);
            }
            return new Restored(snapshot);
          });
      return restoring(ctx, stash, agent, registry, settings, state, checkpoints, crash);
    })))).onFailure(RuntimeException.class, SupervisorStrategy.restart().withLimit(MAX_RESTARTS, RESTART_WINDOW));
  }

  private static Behavior<Command> restoring(ActorContext<Command> ctx, StashBuffer<Command> stash, AgentBuilder agent,
      ActorRef<PolicyRegistryActor.Command> registry, Settings settings, State state, ActorRef<Checkpointed> checkpoints,
      CrashSwitch crash) {
    return Behaviors.receive(Command.class)
        .onMessage(Restored.class, r -> {
          LearnerActor restored = new LearnerActor(ctx, agent.restore(r.snapshot()), r.snapshot().version(), registry,
              settings, state, checkpoints, stash, crash);
          try {
            restored.relearn();
          } catch (RuntimeException e) {
            restored.rule.close();
            throw e;
          }
          return stash.unstashAll(restored);
        })
        .onAnyMessage(m -> {
          stash.stash(m);
          return Behaviors.same();
        })
        .onSignal(PreRestart.class, s -> {
          // Restoring failed (the registry's answer, the agent's restore, learning again): the restart
          // gets a new, empty stash, so what was held here is sent again, in order, not lost unacknowledged.
          state.restarts++;
          ctx.getLog().warn("Learner restarting while restoring; re-sending [{}] held messages", stash.size());
          stash.forEach(m -> ctx.getSelf().tell(m));
          stash.clear();
          return Behaviors.same();
        })
        .build();
  }

  private final UpdateRule rule;
  private final CrashSwitch crash;
  private final ActorRef<Checkpointed> checkpoints;
  private final ActorRef<PolicyRegistryActor.Command> registry;
  private final Settings settings;
  private final State state;
  private long version;
  private final TreeMap<Long, Transition> round = new TreeMap<>();
  /** Transitions taken into the agent since the restore point, in the order it took them. */
  private final List<Transition> sinceRestore = new ArrayList<>();
  /** Transitions learned since the last publish (throughput mode). */
  private int sincePublish;
  private ActorRef<Ack> inHand;
  private List<Transition> inHandBatch = List.of();
  private int learnedOfBatch;

  /** The messages held while restoring; those not yet handled when a crash comes are sent again. */
  private final StashBuffer<Command> stash;

  private LearnerActor(ActorContext<Command> ctx, UpdateRule rule, long version,
      ActorRef<PolicyRegistryActor.Command> registry, Settings settings, State state, ActorRef<Checkpointed> checkpoints,
      StashBuffer<Command> stash, CrashSwitch crash) {
    super(ctx);
    this.stash = stash;
    this.crash = crash;
    this.rule = rule;
    this.checkpoints = checkpoints;
    this.version = version;
    this.registry = registry;
    this.settings = settings;
    this.state = state;
    if (state.restorePoint == null) {
      // Started (or restarted, for an agent without a whole state) from the registry's snapshot.
      state.learned = state.learnedAtRestore;
      state.restoreVersion = version;
      if (rule.learns()) {
        state.restorePoint = rule.state().orElse(null);
      }
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Init.class, i -> ack(i.ackTo()))
        .onMessage(Element.class, this::onElement)
        .onMessage(Completed.class, c -> onCompleted())
        .onMessage(Failed.class, this::onFailed)
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(Crash.class, c -> {
          throw new IllegalStateException("injected learner crash");
        })
        .onSignal(PreRestart.class, s -> onPreRestart())
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
          rule.close();
          return this;
        })
        .build();
  }

  /** Learns again, before any message, what the crashed learner had taken in since the restore point. */
  private void relearn() {
    List<Transition> todo = state.toRelearn;
    relearning = true;
    for (Transition t : todo) {
      state.seen.set(Math.toIntExact(t.episode()));
      learn(t);
    }
    relearning = false;
    state.toRelearn = List.of();
  }

  private boolean relearning;

  private Behavior<Command> onElement(Element e) {
    inHand = e.ackTo();
    inHandBatch = e.transitions();
    learnedOfBatch = 0;
    state.consumed += e.transitions().size();
    for (Transition t : e.transitions()) {
      crash.transition("learner");
      int id = Math.toIntExact(t.episode());
      if (state.seen.get(id)) {
        state.duplicates++;
      } else {
        state.seen.set(id);
        learn(t);
      }
      learnedOfBatch++;
    }
    inHand = null;
    inHandBatch = List.of();
    return ack(e.ackTo());
  }

  private Behavior<Command> learn(Transition t) {
    if (settings.roundSize() > 0) {
      round.put(t.episode(), t);
      long expected = Math.min(settings.roundSize(), settings.episodes() - version * settings.roundSize());
      if (round.size() >= expected) {
        for (Transition x : round.values()) {
          rule.observe(x);
          state.learned++;
        }
        sinceRestore.addAll(round.values());
        round.clear();
        publish();
      }
    } else {
      // Held before it is learned: if learning it crashes, the restart sends it again (and a transition
      // that always fails ends with the restarts' limit, not in silence).
      if (rule.learns()) {
        sinceRestore.add(t);
        sincePublish++;
      }
      rule.observe(t);
      state.learned++;
      if (rule.learns() && (sincePublish >= settings.publishEvery() || state.completed)) {
        publish();
      }
    }
    return this;
  }

  private void publish() {
    version++;
    sincePublish = 0;
    if (version > state.publishedVersion) {
      // Catching up after a restart re-learns versions already published: they are not sent again.
      registry.tell(new PolicyRegistryActor.Publish(rule.snapshot(version)));
      state.published++;
      state.publishedVersion = version;
      if (checkpoints != null && settings.checkpointEvery() > 0
          && state.learned - state.learnedAtCheckpoint >= settings.checkpointEvery()) {
        checkpoint(false);
      }
    }
    if (state.restorePoint == null) {
      // No whole state: the published snapshot is the restore point.
      state.restoreVersion = version;
      state.learnedAtRestore = state.learned;
      sinceRestore.clear();
    } else if (!relearning && state.learned - state.learnedAtRestore >= RESTORE_EVERY) {
      // (Not while learning again: what is left to learn again is counted from the current point.)
      state.restorePoint = rule.state().orElseThrow();
      state.restoreVersion = version;
      state.learnedAtRestore = state.learned;
      sinceRestore.clear();
    }
  }

  private void checkpoint(boolean last) {
    java.util.Optional<io.rlsearch.agents.spi.AgentState> s = rule.state();
    if (s.isEmpty()) {
      return;
    }
    long first = settings.firstEpisode();
    long prefix = state.seen.nextClearBit(Math.toIntExact(first));
    if (!round.isEmpty()) {
      prefix = Math.min(prefix, round.firstKey());
    }
    long usersDone = last ? settings.episodes() / settings.sessionsCap() : prefix / settings.sessionsCap();
    // Learned past the prefix (out of order): a resumed run runs these users again but does not learn them.
    long[] beyond = last ? new long[0] : state.seen.stream().filter(e -> e >= usersDone * settings.sessionsCap())
        .filter(e -> round.isEmpty() || !round.containsKey((long) e)).asLongStream().toArray();
    checkpoints.tell(new Checkpointed(s.get(), version, usersDone, state.learned, last, beyond));
    state.checkpoints++;
    state.learnedAtCheckpoint = state.learned;
  }

  private Behavior<Command> onCompleted() {
    if (settings.roundSize() == 0 && rule.learns() && sincePublish > 0) {
      publish();
    }
    if (checkpoints != null) {
      checkpoint(true);
    }
    state.completed = true;
    return this;
  }

  private Behavior<Command> onFailed(Failed f) {
    getContext().getLog().warn("Transition stream failed: [{}]", f.cause().toString());
    return this;
  }

  private Behavior<Command> onGetStats(GetStats g) {
    g.replyTo().tell(new Stats(state.consumed, state.learned, state.duplicates, state.published, state.restarts,
        state.completed, state.checkpoints));
    return this;
  }

  private Behavior<Command> ack(ActorRef<Ack> to) {
    to.tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<Command> onPreRestart() {
    rule.close();
    state.restarts++;
    int rest = inHand != null ? inHandBatch.size() - learnedOfBatch : 0;
    getContext().getLog().warn("Learner restarting from version [{}]; re-sending [{}] transitions",
        state.restoreVersion, round.size() + sinceRestore.size() + rest);
    // The restored learner starts from the restore point: everything learned or held since then is
    // learned again, in order, before it handles any message (a crash while learning it again happens
    // before this learner exists, and leaves the list in place).
    List<Transition> again = new ArrayList<>(sinceRestore);
    again.addAll(round.values());
    if (inHand != null) {
      // The batch in hand: the transitions not yet taken in (the one that failed and those after it).
      for (int i = learnedOfBatch; i < inHandBatch.size(); i++) {
        Transition t = inHandBatch.get(i);
        if (i == learnedOfBatch) {
          // The one that failed: held already if it failed while being learned.
          boolean taken = round.containsKey(t.episode())
              || (!sinceRestore.isEmpty() && sinceRestore.get(sinceRestore.size() - 1) == t);
          if (!taken) {
            again.add(t);
          }
        } else if (state.seen.get(Math.toIntExact(t.episode()))) {
          state.duplicates++;
        } else {
          state.seen.set(Math.toIntExact(t.episode()));
          again.add(t);
        }
      }
      inHand.tell(Ack.INSTANCE);
    }
    state.toRelearn = List.copyOf(again);
    // A crash while the stash was being handed over leaves its rest unhandled: send it again, in order
    // (stream elements among it keep their acknowledgement).
    stash.forEach(m -> getContext().getSelf().tell(m));
    stash.clear();
    return this;
  }
}
