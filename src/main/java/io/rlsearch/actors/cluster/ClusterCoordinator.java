package io.rlsearch.actors.cluster;

import io.rlsearch.actors.Replies;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.DeadLetterSuppression;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The clustered run's learner, a cluster singleton on a node with the learner role, beside the run's
 * policy registry ({@link PolicyRegistrySingleton}) and replay buffer ({@link ReplaySingleton}),
 * singletons of their own. The run is cut into rounds; every episode of round r acts with policy
 * version r (the runtime's deterministic semantics, so the result equals the plain loop's). A round's
 * episodes go out in batches to the environment shards (Cluster Sharding entities, wherever they
 * live), at most {@code parallelism} batches at a time; each answer is a stream reference whose
 * transitions are pulled across nodes with backpressure. A batch whose shard does not answer (a node
 * died, a shard moved) is sent again after a pause, the same sessions with the next attempt number;
 * transitions are deduplicated by episode and counted. After a round the learner learns its
 * transitions in episode order and publishes the next version to every node.
 *
 * <p>A batch has two deadlines: its shard must answer within {@code askTimeout} (the answer is a
 * stream reference, sent at once), and its transitions must arrive within {@code workTimeout} (the
 * wait for the policy version and the simulation): a slow batch is not sent again as a lost one.
 *
 * <p>With a checkpoint directory, the coordinator writes its whole state (the agent's, the round, the
 * counts and the running sums it reports: {@link RunTotals}, a few numbers whatever the run's length)
 * every {@code checkpointEvery} rounds, off its thread on Pekko's blocking-IO dispatcher; while a write
 * is under way only the latest checkpoint waits for it. It is supervised: a coordinator that fails, or
 * one that starts on another learner node because the node it ran on was lost (the singleton moves to
 * the oldest learner node left), resumes from the run's checkpoint, so the rounds played since are
 * played again with the same policy versions and the run's result is the one it would have had. After
 * 5 failures the run ends with a report naming the failure. A coordinator that stops or restarts first
 * ends its round's streams: the batches in flight, their retries and the transitions being pulled.
 */
public final class ClusterCoordinator extends AbstractBehavior<ClusterCoordinator.Command> {
  /** Messages accepted by the coordinator. */
  public sealed interface Command extends CborSerializable {}

  /** Replies with the run's counts so far. */
  public record GetProgress(ActorRef<Progress> replyTo) implements Command {}

  /** Progress of a run. */
  public record Progress(long episodesLearned, long rounds, long retries) implements CborSerializable {}

  /**
   * The run's report.
   *
   * @param run what ran
   * @param produced transitions received from the shards (duplicates included)
   * @param learned transitions the learner learned (one per episode)
   * @param duplicates transitions received twice and ignored
   * @param lost episodes of the run without a learned transition
   * @param retries batches sent again
   * @param versions policy versions published (version 0 included)
   * @param replayStored transitions in the replay buffer
   * @param meanReward mean reward per episode
   * @param finalReward mean reward over the run's final 10% of episodes (of those learned; NaN when the
   *     run failed before any of them)
   * @param meanGmv mean GMV per episode
   * @param nodes nodes whose shards played at least one accepted batch
   * @param wallSeconds from the first round to the report, by the clock the run was given
   * @param failure why the run stopped early, if it did
   * @param resumedAtRound the round the last coordinator resumed at from the checkpoint (-1: it did not)
   */
  public record Report(RunDescriptor run, long produced, long learned, long duplicates, long lost, long retries,
      long versions, long replayStored, double meanReward, double finalReward, double meanGmv, List<String> nodes,
      double wallSeconds, Optional<String> failure, long resumedAtRound) implements CborSerializable {}

  /**
   * Settings.
   *
   * @param shards environment shard entities (ids {@code shard-0 .. shard-(n-1)})
   * @param batch sessions per batch
   * @param parallelism batches in flight
   * @param askTimeout how long a batch may take before it is sent again
   * @param retryPause the pause before sending a failed batch again
   * @param maxRetries attempts after the first before the run fails
   * @param replayCapacity the replay buffer's capacity
   */
  public record Settings(int shards, int batch, int parallelism, Duration askTimeout, Duration retryPause,
      int maxRetries, int replayCapacity, Duration workTimeout, String checkpointDir, int checkpointEvery)
      implements CborSerializable {
    public Settings {
      if (shards < 1 || batch < 1 || parallelism < 1 || maxRetries < 0 || replayCapacity < 1 || checkpointEvery < 0) {
        throw new IllegalArgumentException("cluster settings need shards, batch, parallelism and capacity >= 1"
            + " and checkpoint-every >= 0");
      }
      Objects.requireNonNull(checkpointDir, "checkpointDir");
    }

    /** Settings with a two-minute work deadline and no checkpoints. */
    public Settings(int shards, int batch, int parallelism, Duration askTimeout, Duration retryPause, int maxRetries,
        int replayCapacity) {
      this(shards, batch, parallelism, askTimeout, retryPause, maxRetries, replayCapacity, Duration.ofMinutes(2), "",
          0);
    }

    /** These settings with checkpoints into {@code dir} every {@code rounds} rounds. */
    public Settings withCheckpoints(String dir, int rounds) {
      return new Settings(shards, batch, parallelism, askTimeout, retryPause, maxRetries, replayCapacity, workTimeout,
          dir, rounds);
    }
  }

  // Both may arrive after the coordinator stopped (its streams were ended, or a hand-over stopped it while
  // it collected its report): nothing is lost then, so they are no dead letters to report.
  private record RoundDone(int incarnation, List<List<Transition>> batches, Throwable failure) implements Command,
      DeadLetterSuppression {}

  private record Collected(ReplaySingleton.Stats replay, PolicyRegistrySingleton.History history, Throwable failure,
      Optional<String> runFailure) implements Command, DeadLetterSuppression {}

  /** Transitions per message to the replay buffer (well under Artery's frame size if it lives elsewhere). */
  static final int STORE_CHUNK = 200;

  private final RunDescriptor run;
  private final Settings settings;
  private final ActorRef<Report> replyTo;
  private final ActorRef<PolicyRegistrySingleton.Command> registry;
  private final ActorRef<ReplaySingleton.Command> replay;
  private final ClusterSharding sharding;
  private final UpdateRule rule;
  private boolean ruleClosed;
  private final RunTotals totals;
  private final int incarnation;
  private final ActorSystem<Void> system;
  /** Ends this coordinator's streams (rounds and the transitions they pull) when it stops or restarts. */
  private final SharedKillSwitch streams;
  /** Set when it stops or restarts: no batch is sent or sent again after. */
  private final AtomicBoolean ended = new AtomicBoolean();
  /** The latest checkpoint not yet being written (at most one waits behind the write under way). */
  private final AtomicReference<PendingWrite> queued = new AtomicReference<>();
  private final Optional<ActorRef<org.apache.pekko.actor.typed.pubsub.Topic.Command<Report>>> reports;
  private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
  private long resumedAtRound = -1;
  private final AtomicLong retries = new AtomicLong();
  private final java.util.Set<String> nodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private long produced;
  private long duplicates;
  private long version;
  private long round;
  private final long rounds;
  private final long start;
  private final java.util.function.LongSupplier clock;

  /** Failures after which the coordinator gives up and reports the run failed. */
  static final int MAX_FAILURES = 5;

  /** A coordinator that runs {@code run} at once and replies to {@code replyTo} at the end. */
  public static Behavior<Command> create(RunDescriptor run, RunFactory factory, Settings settings,
      ActorRef<PolicyRegistrySingleton.Command> registry, ActorRef<ReplaySingleton.Command> replay,
      ActorRef<Report> replyTo, java.util.function.LongSupplier clock) {
    return create(run, factory, settings, registry, replay, replyTo, Optional.empty(), clock);
  }

  /**
   * As above, also publishing the report to {@code reports} (every learner node hears it, whichever ran
   * the run to its end). Supervised: restarted after a failure (resuming from the checkpoint, if any).
   */
  public static Behavior<Command> create(RunDescriptor run, RunFactory factory, Settings settings,
      ActorRef<PolicyRegistrySingleton.Command> registry, ActorRef<ReplaySingleton.Command> replay,
      ActorRef<Report> replyTo, Optional<ActorRef<org.apache.pekko.actor.typed.pubsub.Topic.Command<Report>>> reports,
      java.util.function.LongSupplier clock) {
    Objects.requireNonNull(run, "run");
    int[] incarnations = {0};
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> {
      int incarnation = ++incarnations[0];
      if (incarnation > MAX_FAILURES) {
        Report r = new Report(run, 0, 0, 0, run.users(), 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, List.of(), 0,
            Optional.of("the coordinator failed " + MAX_FAILURES + " times; see the learner node's log"), -1);
        replyTo.tell(r);
        reports.ifPresent(t -> t.tell(org.apache.pekko.actor.typed.pubsub.Topic.publish(r)));
        return idle(0, 0, 0);
      }
      return new ClusterCoordinator(ctx, run, factory, settings, registry, replay, replyTo, reports, clock, incarnation);
    })).onFailure(RuntimeException.class, org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(
        Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
  }

  private ClusterCoordinator(ActorContext<Command> ctx, RunDescriptor run, RunFactory factory, Settings settings,
      ActorRef<PolicyRegistrySingleton.Command> registry, ActorRef<ReplaySingleton.Command> replay,
      ActorRef<Report> replyTo, Optional<ActorRef<org.apache.pekko.actor.typed.pubsub.Topic.Command<Report>>> reports,
      java.util.function.LongSupplier clock, int incarnation) {
    super(ctx);
    this.incarnation = incarnation;
    this.reports = reports;
    this.clock = clock;
    this.registry = registry;
    this.replay = replay;
    this.run = run;
    this.settings = settings;
    this.replyTo = replyTo;
    this.system = ctx.getSystem();
    this.sharding = ClusterSharding.get(system);
    this.streams = KillSwitches.shared("coordinator-" + run.runId() + "-" + incarnation);
    AgentBuilder agent = factory.agent(run);
    SessionRunner probe = new SessionRunner(factory.world(run), factory.task(run), new RunStreams(run.seed()));
    this.rounds = (run.users() + run.roundSize() - 1) / run.roundSize();
    this.start = clock.getAsLong();
    Optional<io.rlsearch.learn.Checkpoints.Checkpoint> cp = readCheckpoint();
    if (cp.isPresent()) {
      this.totals = RunTotals.restore(run.users(), cp.get().state());
      this.rule = resume(agent, cp.get(), probe);
      ctx.getLog().warn("Run [{}] resumed from its checkpoint at round [{}] (coordinator start {})", run.runId(), round,
          incarnation);
    } else {
      this.totals = new RunTotals(run.users());
      this.rule = agent.create(probe.arms(), probe.contextDim());
    }
    publish();
    if (round >= rounds) {
      finish(Optional.empty());
    } else {
      startRound();
    }
  }

  /** The idle behaviour after the report: answers progress, ignores the rest. */
  private static Behavior<Command> idle(long learnedCount, long round, long retries) {
    // Stays (idle) rather than stopping: the singleton manager would start a stopped singleton again.
    return Behaviors.receive(Command.class)
        .onMessage(GetProgress.class, g -> {
          g.replyTo().tell(new Progress(learnedCount, round, retries));
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private java.nio.file.Path checkpointFile() {
    return java.nio.file.Path.of(settings.checkpointDir()).resolve(run.runId().replaceAll("[^A-Za-z0-9._-]", "_")
        + ".ckpt");
  }

  private Optional<io.rlsearch.learn.Checkpoints.Checkpoint> readCheckpoint() {
    if (settings.checkpointDir().isEmpty() || !java.nio.file.Files.exists(checkpointFile())) {
      return Optional.empty();
    }
    io.rlsearch.learn.Checkpoints.Checkpoint c = io.rlsearch.learn.Checkpoints.read(checkpointFile());
    if (!run.runId().equals(c.config().get("run_id"))) {
      throw new IllegalStateException("checkpoint " + checkpointFile() + " is of run " + c.config().get("run_id")
          + ", not " + run.runId());
    }
    return Optional.of(c);
  }

  /** The agent and the run's counts as the checkpoint holds them (its totals: {@link RunTotals#restore}). */
  private UpdateRule resume(AgentBuilder agent, io.rlsearch.learn.Checkpoints.Checkpoint c, SessionRunner probe) {
    AgentState all = c.state();
    round = all.counter("run.round");
    version = c.version();
    produced = all.counter("run.produced");
    duplicates = all.counter("run.duplicates");
    retries.set(all.counter("run.retries"));
    resumedAtRound = round;
    if (all.counters().getOrDefault("run.stateless", 0L) == 1L) {
      return agent.create(probe.arms(), probe.contextDim());
    }
    java.util.Map<String, double[]> arrays = new java.util.HashMap<>();
    java.util.Map<String, Long> counters = new java.util.HashMap<>();
    all.arrays().forEach((k, v) -> {
      if (k.startsWith("agent.")) {
        arrays.put(k.substring(6), v);
      }
    });
    all.counters().forEach((k, v) -> {
      if (k.startsWith("agent.")) {
        counters.put(k.substring(6), v);
      }
    });
    return agent.restoreState(new AgentState(c.config().get("agent"), arrays, counters));
  }

  /** A checkpoint waiting to be written. */
  private record PendingWrite(java.nio.file.Path file, io.rlsearch.learn.Checkpoints.Checkpoint checkpoint,
      long round) {}

  /**
   * Every checkpointEvery rounds: the whole state, written off this thread, one write after another; a
   * checkpoint that finds another still waiting replaces it (the latest is the one worth writing).
   */
  private void checkpoint() {
    if (settings.checkpointDir().isEmpty() || settings.checkpointEvery() == 0 || round % settings.checkpointEvery() != 0
        || round >= rounds) {
      return;
    }
    java.util.Map<String, double[]> arrays = new java.util.HashMap<>();
    java.util.Map<String, Long> counters = new java.util.HashMap<>();
    Optional<AgentState> st = rule.state();
    st.ifPresent(a -> {
      a.arrays().forEach((k, v) -> arrays.put("agent." + k, v));
      a.counters().forEach((k, v) -> counters.put("agent." + k, v));
    });
    counters.put("run.stateless", st.isPresent() ? 0L : 1L);
    counters.put("run.round", round);
    counters.put("run.produced", produced);
    counters.put("run.duplicates", duplicates);
    counters.put("run.retries", retries.get());
    totals.save(arrays, counters);
    io.rlsearch.learn.Checkpoints.Checkpoint c = new io.rlsearch.learn.Checkpoints.Checkpoint(java.util.Map.of(
        "run_id", run.runId(), "agent", st.map(AgentState::agent).orElse(run.agent())), round * run.roundSize(),
        version, totals.learned(), new AgentState("cluster-run", arrays, counters));
    if (queued.getAndSet(new PendingWrite(checkpointFile(), c, round)) != null) {
      return; // the write already waiting for the one under way takes this checkpoint instead
    }
    // The write runs on the blocking pool: an actor context's logger is only for the actor's thread.
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClusterCoordinator.class);
    String id = run.runId();
    lastWrite = lastWrite.thenRunAsync(() -> {
      PendingWrite w = queued.getAndSet(null);
      if (w == null) {
        return;
      }
      try {
        java.nio.file.Files.createDirectories(w.file().getParent());
        io.rlsearch.learn.Checkpoints.write(w.file(), w.checkpoint());
      } catch (java.io.IOException | RuntimeException e) {
        log.error("Checkpoint of run [{}] at round [{}] not saved: [{}]", id, w.round(), e.toString());
      }
    }, blocking());
  }

  private java.util.concurrent.Executor blocking() {
    return system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetProgress.class, g -> {
          g.replyTo().tell(new Progress(totals.learned(), round, retries.get()));
          return this;
        })
        .onMessage(RoundDone.class, this::onRoundDone)
        .onMessage(Collected.class, this::onCollected)
        .onSignal(PreRestart.class, s -> end())
        .onSignal(PostStop.class, s -> end())
        .build();
  }

  /** Stopped or restarted: ends this coordinator's streams and retries, and releases its learner. */
  private Behavior<Command> end() {
    ended.set(true);
    streams.abort(new java.util.concurrent.CancellationException("the coordinator of run " + run.runId()
        + " stopped"));
    closeRule();
    return this;
  }

  private void closeRule() {
    if (!ruleClosed) {
      ruleClosed = true;
      rule.close();
    }
  }

  private void publish() {
    Optional<AgentState> state = rule.state();
    registry.tell(new PolicyRegistrySingleton.Publish(new PolicyPublished(run.runId(), version, state)));
  }

  private void startRound() {
    long from = round * run.roundSize();
    long to = Math.min(run.users(), from + run.roundSize());
    List<List<Long>> batches = new ArrayList<>();
    for (long e = from; e < to; e += settings.batch()) {
      List<Long> b = new ArrayList<>();
      for (long i = e; i < Math.min(to, e + settings.batch()); i++) {
        b.add(i);
      }
      batches.add(b);
    }
    long v = version;
    int me = incarnation;
    CompletionStage<List<List<Transition>>> done = Source.from(batches)
        .via(streams.flow())
        .mapAsyncUnordered(settings.parallelism(), b -> play(b, v, 0))
        .runWith(Sink.seq(), system);
    Replies.pipeToSelf(getContext(), done, (b, f) -> new RoundDone(me, b, f));
  }

  /**
   * One batch to its shard, pulled back through its stream reference; sent again on failure. Runs on
   * the actor system's dispatcher, stream and scheduler threads: it reads only this coordinator's
   * immutable fields and thread-safe counters, never its context.
   */
  private CompletionStage<List<Transition>> play(List<Long> batch, long v, int attempt) {
    if (ended.get()) {
      return CompletableFuture.failedFuture(new java.util.concurrent.CancellationException("coordinator stopped"));
    }
    String entity = "shard-" + Math.floorMod(batch.get(0) / settings.batch(), settings.shards());
    CompletionStage<List<Transition>> once = sharding.entityRefFor(EnvEntity.TYPE, entity)
        .<EnvEntity.Played>ask(r -> new EnvEntity.Play(run, batch, attempt, v, registry, r), settings.askTimeout())
        .thenComposeAsync(p -> {
          nodes.add(p.node());
          // The answer came at once; the work (policy wait and sessions) has its own deadline.
          return p.transitions().getSource().via(streams.flow()).completionTimeout(settings.workTimeout())
              .runWith(Sink.seq(), system);
        }, system.executionContext()); // materialising a stream is not for the replying thread
    return once.handleAsync((ts, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(ts);
      }
      if (attempt >= settings.maxRetries() || ended.get()) {
        return CompletableFuture.<List<Transition>>failedFuture(failure);
      }
      retries.incrementAndGet();
      return Patterns.after(settings.retryPause(), system.classicSystem().scheduler(),
          system.executionContext(), () -> play(batch, v, attempt + 1));
    }, io.rlsearch.actors.Replies.SAME_THREAD).thenCompose(x -> x);
  }

  private Behavior<Command> onRoundDone(RoundDone d) {
    if (d.incarnation() != incarnation) {
      return this; // a round of the coordinator before a restart: played again since
    }
    if (d.failure() != null) {
      return finish(Optional.of("round " + round + " failed after " + settings.maxRetries() + " retries: "
          + d.failure()));
    }
    List<Transition> ts = new ArrayList<>();
    for (List<Transition> b : d.batches()) {
      ts.addAll(b);
    }
    ts.sort(Comparator.comparingLong(Transition::episode));
    // The round's episodes; sorted, a duplicate (a batch sent again whose first answer came too) follows
    // its first copy. Rounds are learned in order: nothing below the round's first episode is new.
    long from = round * run.roundSize();
    long to = Math.min(run.users(), from + run.roundSize());
    long previous = -1;
    List<Transition> fresh = new ArrayList<>(ts.size());
    for (Transition t : ts) {
      produced++;
      long id = t.episode();
      if (id == previous || id < from || id >= to) {
        duplicates++;
        continue;
      }
      previous = id;
      fresh.add(t);
      totals.add(id, t.reward(), t.breakdown().gmv());
      if (rule.learns()) {
        rule.observe(t);
      }
    }
    for (int i = 0; i < fresh.size(); i += STORE_CHUNK) {
      replay.tell(new ReplaySingleton.Store(List.copyOf(fresh.subList(i, Math.min(fresh.size(), i + STORE_CHUNK)))));
    }
    round++;
    version++;
    publish();
    if (round >= rounds) {
      return finish(Optional.empty());
    }
    checkpoint();
    startRound();
    return this;
  }

  private Behavior<Command> finish(Optional<String> failure) {
    closeRule();
    CompletionStage<ReplaySingleton.Stats> stats = org.apache.pekko.actor.typed.javadsl.AskPattern.ask(replay,
        ReplaySingleton.GetStats::new, settings.askTimeout(), system.scheduler());
    CompletionStage<PolicyRegistrySingleton.History> history = org.apache.pekko.actor.typed.javadsl.AskPattern.ask(
        registry, PolicyRegistrySingleton.GetHistory::new, settings.askTimeout(), system.scheduler());
    Replies.pipeToSelf(getContext(), stats.thenCombineAsync(history, (st, h) -> new Collected(st, h, null, failure), Replies.SAME_THREAD),
        (c, e) -> c != null ? c : new Collected(null, null, e, failure));
    return this;
  }

  private Behavior<Command> onCollected(Collected c) {
    long count = totals.learned();
    Optional<String> failure = c.runFailure().isPresent() ? c.runFailure()
        : c.failure() != null ? Optional.of("replay buffer or registry did not answer: " + c.failure()) : Optional.empty();
    // Versions: the coordinator's own count (a registry that moved with a lost node starts its history
    // afresh at the resumed version).
    Report report = new Report(run, produced, count, duplicates, run.users() - count, retries.get(), version + 1,
        c.replay() != null ? c.replay().size() : 0,
        totals.meanReward(), totals.finalReward(), totals.meanGmv(), List.copyOf(new java.util.TreeSet<>(nodes)),
        (clock.getAsLong() - start) / 1e9, failure, resumedAtRound);
    if (failure.isEmpty() && !settings.checkpointDir().isEmpty()) {
      // The run is over: its checkpoint would only make a later run of the same id start near the end.
      java.nio.file.Path file = checkpointFile();
      lastWrite = lastWrite.thenRunAsync(() -> {
        try {
          java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
          // Left in place: a run of the same id would resume from it and reach the same result.
        }
      }, blocking());
    }
    // The report goes out once the checkpoint directory is settled (the write under way finished, the
    // finished run's checkpoint deleted): whoever reads the report may start the same run again, or
    // remove the directory, at once.
    lastWrite.whenCompleteAsync((v, e) -> {
      replyTo.tell(report);
      reports.ifPresent(t -> t.tell(org.apache.pekko.actor.typed.pubsub.Topic.publish(report)));
    }, Replies.SAME_THREAD);
    return idle(count, round, retries.get());
  }

}
