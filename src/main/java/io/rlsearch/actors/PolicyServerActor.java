package io.rlsearch.actors;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.InferenceEngine;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.experiments.RunStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Answers the shards' action requests with the current policy snapshot; every answer carries the
 * version it was computed with.
 *
 * <p>Batching (SEED-style central inference): a shard asks for its whole batch of episodes at once, and
 * the server gathers the requests of all shards into one batch, answered by one call of its
 * {@link InferenceEngine} (one forward pass for a batched engine) with one snapshot. A batch closes
 * when it holds {@code maxBatch} episodes, or when {@code maxWait} has passed since its first request
 * (a timer); with {@code maxWait} zero, when the mailbox holds no more requests (the first request
 * sends the server a {@code Flush} to itself, which queues behind every request already there). In deterministic mode
 * ({@code roundSize > 0}) a request for episode e is held until the snapshot of its round
 * ({@code e / roundSize}) is current, so every episode of a round acts with the same version whatever
 * the timing. The policy's random draws come from the episode's own stream.
 */
public final class PolicyServerActor extends AbstractBehavior<PolicyServerActor.Command> {
  /** Messages accepted by the server. */
  public sealed interface Command {}

  /** One episode's request: its id and the context the policy sees. */
  public record Request(long episode, double[] context) {
    public Request {
      context = context.clone();
    }

    @Override
    public double[] context() {
      return context.clone();
    }
  }

  /** Asks for actions for a shard's batch of episodes (all of one round in deterministic mode). */
  public record Act(List<Request> requests, ActorRef<Acted> replyTo) implements Command {
    public Act {
      Objects.requireNonNull(replyTo, "replyTo");
      requests = List.copyOf(requests);
      if (requests.isEmpty()) {
        throw new IllegalArgumentException("an action request needs at least one episode");
      }
    }
  }

  /** The answer to {@link Act}: one decision per request, in order, all from one policy version. */
  public record Acted(List<Long> episodes, List<Decision> decisions, String agent, long version) {
    public Acted {
      episodes = List.copyOf(episodes);
      decisions = List.copyOf(decisions);
    }
  }

  /**
   * Replies with the current version once it serves {@code episode} (deterministic mode: once its
   * round's version is published; at once otherwise). The stream waits for this before it gives a
   * shard the round's sessions, so a shard's deadline covers its own work, not the learner's round.
   */
  public record AwaitRound(long episode, ActorRef<Long> replyTo) implements Command {
    public AwaitRound {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * A shard acted on a batch of {@code episodes} by itself, with one snapshot it was sent (see
   * {@link EnvShardActor}): counted in the batching statistics as one batch, nothing to answer.
   */
  public record ActedInShard(int episodes) implements Command {
    public ActedInShard {
      if (episodes < 1) {
        throw new IllegalArgumentException("a batch acted in a shard holds at least one episode, got " + episodes);
      }
    }
  }

  /** Replies with batching statistics. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {
    public GetStats {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Batching statistics.
   *
   * @param requests episodes answered
   * @param batches batches answered (one snapshot each; a batch gathers the requests that arrived together)
   * @param largestBatch the most episodes in one batch
   */
  public record Stats(long requests, long batches, int largestBatch) {
    /** Mean requests per batch. */
    public double meanBatch() {
      return batches == 0 ? 0 : (double) requests / batches;
    }
  }

  private record NewSnapshot(PolicySnapshot snapshot) implements Command {}

  private enum Flush implements Command { INSTANCE }

  /**
   * A server that subscribes to {@code registry}.
   *
   * @param roundSize episodes per round in deterministic mode; 0 for throughput mode
   * @param maxBatch episodes after which a batch is answered without waiting for the flush
   */
  public static Behavior<Command> create(ActorRef<PolicyRegistryActor.Command> registry, RunStreams streams,
      int roundSize, int maxBatch) {
    return create(registry, streams, roundSize, maxBatch, java.time.Duration.ZERO, InferenceEngine.JAVA);
  }

  /**
   * A server with a bounded wait and an inference engine.
   *
   * @param maxWait the longest a batch waits for more requests after its first (zero: until the mailbox drains)
   * @param engine computes a batch's decisions (closed when the server stops)
   */
  public static Behavior<Command> create(ActorRef<PolicyRegistryActor.Command> registry, RunStreams streams,
      int roundSize, int maxBatch, java.time.Duration maxWait, InferenceEngine engine) {
    if (roundSize < 0 || maxBatch < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException("policy server needs round size >= 0, max batch >= 1 and max wait >= 0");
    }
    return create(registry, streams, roundSize, maxBatch, maxWait, engine, CrashSwitch.NONE);
  }

  /**
   * As above, with an injected crash (a test tool) inside its supervision. A restarted server (up to
   * {@link LearnerActor#MAX_RESTARTS} a minute) subscribes to the registry again and handles again the
   * requests it held or had not answered, so no shard waits for an answer that will not come.
   */
  public static Behavior<Command> create(ActorRef<PolicyRegistryActor.Command> registry, RunStreams streams,
      int roundSize, int maxBatch, java.time.Duration maxWait, InferenceEngine engine, CrashSwitch crash) {
    if (roundSize < 0 || maxBatch < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException("policy server needs round size >= 0, max batch >= 1 and max wait >= 0");
    }
    Objects.requireNonNull(engine, "engine");
    Counts counts = new Counts();
    return Behaviors.supervise(crash.wrap("policy-server", Command.class, Behaviors.<Command>setup(ctx -> {
      for (Command c : counts.redo) {
        ctx.getSelf().tell(c);
      }
      counts.redo = List.of();
      return Behaviors.withTimers(timers -> new PolicyServerActor(ctx, timers, registry, streams, roundSize, maxBatch,
          maxWait, engine, counts));
    }))).onFailure(RuntimeException.class, org.apache.pekko.actor.typed.SupervisorStrategy.restart().withLimit(
        LearnerActor.MAX_RESTARTS, LearnerActor.RESTART_WINDOW));
  }

  /** What survives a restart: the statistics, and the requests to handle again. */
  private static final class Counts {
    long requests;
    long batches;
    int largestBatch;
    List<Command> redo = List.of();
  }

  private final RunStreams streams;
  private final int roundSize;
  private final int maxBatch;
  private final java.time.Duration maxWait;
  private final InferenceEngine engine;
  private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers;
  private PolicySnapshot current;
  private final List<Act> pending = new ArrayList<>();
  private int pendingEpisodes;
  private final List<Act> waiting = new ArrayList<>();
  private final List<AwaitRound> awaitingRound = new ArrayList<>();
  private boolean flushScheduled;
  private final Counts counts;

  private PolicyServerActor(ActorContext<Command> ctx, org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers,
      ActorRef<PolicyRegistryActor.Command> registry, RunStreams streams, int roundSize, int maxBatch,
      java.time.Duration maxWait, InferenceEngine engine, Counts counts) {
    super(ctx);
    this.counts = counts;
    this.timers = timers;
    this.streams = streams;
    this.roundSize = roundSize;
    this.maxBatch = maxBatch;
    this.maxWait = maxWait;
    this.engine = engine;
    registry.tell(new PolicyRegistryActor.Subscribe(ctx.messageAdapter(PolicySnapshot.class, NewSnapshot::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Act.class, this::onAct)
        .onMessage(AwaitRound.class, this::onAwaitRound)
        .onMessage(NewSnapshot.class, this::onNewSnapshot)
        .onMessage(Flush.class, f -> onFlush())
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(ActedInShard.class, a -> {
          count(a.episodes());
          return this;
        })
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, sig -> {
          engine.close();
          return this;
        })
        .onSignal(org.apache.pekko.actor.typed.PreRestart.class, sig -> {
          // Every request held or not answered yet is handled again by the restarted server.
          List<Command> redo = new ArrayList<>(pending);
          redo.addAll(waiting);
          redo.addAll(awaitingRound);
          counts.redo = List.copyOf(redo);
          return this;
        })
        .build();
  }

  private boolean serves(long episode) {
    return current != null && (roundSize == 0 || episode / roundSize <= current.version());
  }

  private Behavior<Command> onAwaitRound(AwaitRound a) {
    if (serves(a.episode())) {
      a.replyTo().tell(current.version());
    } else {
      awaitingRound.add(a);
    }
    return this;
  }

  private Behavior<Command> onAct(Act a) {
    if (current == null || (roundSize > 0 && a.requests().get(0).episode() / roundSize > current.version())) {
      waiting.add(a);
      return this;
    }
    pending.add(a);
    pendingEpisodes += a.requests().size();
    if (pendingEpisodes >= maxBatch) {
      answer();
    } else if (!flushScheduled) {
      flushScheduled = true;
      if (maxWait.isZero()) {
        getContext().getSelf().tell(Flush.INSTANCE);
      } else {
        timers.startSingleTimer(Flush.INSTANCE, Flush.INSTANCE, maxWait);
      }
    }
    return this;
  }

  private Behavior<Command> onFlush() {
    flushScheduled = false;
    answer();
    return this;
  }

  private Behavior<Command> onNewSnapshot(NewSnapshot s) {
    current = s.snapshot();
    awaitingRound.removeIf(a -> {
      if (serves(a.episode())) {
        a.replyTo().tell(current.version());
        return true;
      }
      return false;
    });
    if (!waiting.isEmpty()) {
      List<Act> ready = new ArrayList<>(waiting);
      waiting.clear();
      for (Act a : ready) {
        onAct(a);
      }
    }
    return this;
  }

  private void answer() {
    if (flushScheduled && !maxWait.isZero()) {
      // The batch closes now: its timer is cancelled (a zero-wait Flush already in the mailbox stays
      // scheduled and answers whatever is pending when it arrives).
      timers.cancel(Flush.INSTANCE);
      flushScheduled = false;
    }
    if (pending.isEmpty()) {
      return;
    }
    double[][] xs = new double[pendingEpisodes][];
    io.rlsearch.core.random.NumpyRandom[] rngs = new io.rlsearch.core.random.NumpyRandom[pendingEpisodes];
    int k = 0;
    for (Act a : pending) {
      for (Request r : a.requests()) {
        xs[k] = r.context;
        rngs[k] = streams.policy(r.episode());
        k++;
      }
    }
    List<Decision> all = engine.act(current, xs, rngs);
    k = 0;
    for (Act a : pending) {
      List<Long> ids = new ArrayList<>(a.requests().size());
      List<Decision> ds = new ArrayList<>(a.requests().size());
      for (Request r : a.requests()) {
        ids.add(r.episode());
        ds.add(all.get(k++));
      }
      a.replyTo().tell(new Acted(ids, ds, current.agent(), current.version()));
    }
    count(pendingEpisodes);
    pending.clear();
    pendingEpisodes = 0;
  }

  private void count(int episodes) {
    counts.requests += episodes;
    counts.batches++;
    counts.largestBatch = Math.max(counts.largestBatch, episodes);
  }

  private Behavior<Command> onGetStats(GetStats g) {
    g.replyTo().tell(new Stats(counts.requests, counts.batches, counts.largestBatch));
    return this;
  }
}
