package io.rlsearch.actors;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.RetentionMetrics;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.streams.TransitionGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.util.ByteString;

/**
 * Starts a run, supervises it, stops it cleanly and reports.
 *
 * <p>The guardian spawns the policy registry (with the agent's version 0), the policy server, the
 * environment shards, the user population, the learner, the replay buffer and the evaluator, then
 * materialises the transition stream: population, balanced over the shards, merged, and broadcast
 * with backpressure to the learner, the replay buffer, the evaluator, the population (returns) and
 * the decision log. When the stream has completed it collects every actor's counts, replies with
 * a {@link RunReport} and stops (its children stop with it). A stream failure is reported the same
 * way, with the cause.
 */
public final class Guardian extends AbstractBehavior<Guardian.Command> {
  /** Messages accepted by the guardian. */
  public sealed interface Command {}

  /** Makes the learner crash once (fault injection). */
  public enum CrashLearner implements Command { INSTANCE }

  /**
   * Replies with the number of transitions produced so far (for progress displays). A question that
   * arrives after the run has stopped is expected (a display polls) and not reported as a dead letter.
   */
  public record GetProgress(ActorRef<Long> replyTo) implements Command,
      org.apache.pekko.actor.DeadLetterSuppression {
    public GetProgress {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The stream ended (with its failure, if any) and the decision log has this many lines (-1: none kept). */
  private record StreamDone(Optional<Throwable> failure, long logLines) implements Command {}

  private record ShardRestarted(EnvShardActor.Restarted r) implements Command {}

  private record Collected(Object part) implements Command {}

  private record SaveCheckpoint(LearnerActor.Checkpointed c) implements Command {}

  /** A checkpoint written (error empty) or not, by the writer on the blocking-IO dispatcher. */
  private record CheckpointWritten(LearnerActor.Checkpointed c, Optional<String> error) implements Command {}

  /** The checkpoint writer's request. */
  private record WriteCheckpoint(LearnerActor.Checkpointed c, ActorRef<CheckpointWritten> replyTo) {}

  /**
   * Writes checkpoints one at a time, in order (file IO and fsync: it runs on Pekko's blocking-IO
   * dispatcher, never on the one the streams and timers use).
   */
  private static Behavior<WriteCheckpoint> checkpointWriter(Checkpointing checkpointing) {
    return Behaviors.receiveMessage(w -> {
      LearnerActor.Checkpointed c = w.c();
      Optional<String> error = Optional.empty();
      try {
        checkpointing.sink().save(c.state(), c.version(), c.usersDone(), c.learned(), c.learnedBeyond());
      } catch (java.io.IOException | RuntimeException e) {
        error = Optional.of(e.getMessage() != null ? e.getMessage() : e.toString());
      }
      w.replyTo().tell(new CheckpointWritten(c, error));
      return Behaviors.same();
    });
  }

  private enum Health implements Command { INSTANCE }

  private record HealthPart(Object part) implements Command {}

  private enum Collect implements Command { INSTANCE }

  /**
   * The result of a run.
   *
   * @param spec what ran
   * @param produced transitions the shards produced
   * @param consumed transitions each consumer received: learner, replay, evaluator, population, decision log
   * @param lost produced minus the smallest consumer count (0 when nothing was dropped)
   * @param shardRestarts shard restarts
   * @param retries session attempts retried
   * @param learner the learner's counts
   * @param history the policy versions
   * @param batching the policy server's batching
   * @param replay the replay buffer's counts
   * @param evaluator the evaluator's report
   * @param population the population's counts
   * @param checkpoints checkpoints saved
   * @param failure why the run failed, if it did
   */
  public record RunReport(RunSpec spec, long produced, java.util.Map<String, Long> consumed, long lost,
      long shardRestarts, long retries, LearnerActor.Stats learner, PolicyRegistryActor.History history,
      PolicyServerActor.Stats batching, ReplayActor.Stats replay, EvaluatorActor.Report evaluator,
      UserPopulationActor.Stats population, long checkpoints, Optional<String> failure) {}

  /** A guardian that runs {@code spec} at once and replies to {@code replyTo} at the end. */
  public static Behavior<Command> create(RunSpec spec, ActorRef<RunReport> replyTo) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(replyTo, "replyTo");
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Guardian(ctx, spec, replyTo, timers)));
  }

  /** The dispatcher the learner (and a DJL policy server) runs on, when the system's config has it. */
  static final String LEARNER_DISPATCHER = "rlsearch.dispatchers.learner";

  private final RunSpec spec;
  private final ActorRef<RunReport> replyTo;
  private final TransitionGraph.Counters counters = new TransitionGraph.Counters();
  private final ActorRef<PolicyRegistryActor.Command> registry;
  private final ActorRef<PolicyServerActor.Command> server;
  private final ActorRef<LearnerActor.Command> learner;
  private final ActorRef<ReplayActor.Command> replay;
  private final ActorRef<EvaluatorActor.Command> evaluator;
  private final ActorRef<UserPopulationActor.Command> population;
  private final Optional<ActorRef<WriteCheckpoint>> checkpointWriter;
  private long shardRestarts;
  private long checkpointsSaved;
  private long checkpointFailures;
  private Optional<Throwable> failure = Optional.empty();
  private final List<Object> parts = new ArrayList<>();
  private long logLines = -1;
  private int awaiting;
  private int collections;

  private Guardian(ActorContext<Command> ctx, RunSpec spec, ActorRef<RunReport> replyTo,
      TimerScheduler<Command> timers) {
    super(ctx);
    this.timers = timers;
    this.spec = spec;
    this.replyTo = replyTo;
    RunStreams streams = new RunStreams(spec.seed());
    SessionRunner probe = new SessionRunner(spec.world(), spec.task(), streams);
    UpdateRule initialRule = spec.resume().isPresent() ? spec.agent().restoreState(spec.resume().get().state())
        : spec.agent().create(probe.arms(), probe.contextDim());
    PolicySnapshot v0 = initialRule.snapshot(spec.resume().map(Checkpointing.Resume::version).orElse(0L));
    initialRule.close();
    CrashSwitch crash = spec.crash();
    // Every child is supervised and restarts (at most 10 times a minute) with its state kept: the
    // registry's versions and subscribers, the replay buffer, the server's held requests, the learner's
    // restore point, the evaluator's metrics, the population. One that gives up stops, and the guardian,
    // which watches every child, fails the run with one line.
    registry = ctx.spawn(PolicyRegistryActor.create(v0, crash), "policy-registry");
    // The learner, and the policy server when it infers through DJL, run on the learner's dispatcher: a
    // thread waiting for a model's lock or a step permit of the shared learner is one of its threads,
    // never one the streams, acknowledgements and timers need (topology: rlsearch.dispatchers.learner).
    com.typesafe.config.Config conf = ctx.getSystem().settings().config();
    DispatcherSelector learnerDispatcher = conf.hasPath(LEARNER_DISPATCHER)
        ? DispatcherSelector.fromConfig(LEARNER_DISPATCHER) : DispatcherSelector.defaultDispatcher();
    io.rlsearch.agents.spi.InferenceEngine engine = spec.inference().get();
    // The server joins the learner's thread only when it infers through DJL (Gaussian policies): a
    // Q-ensemble's CEM search is plain Java and runs beside the learner's training, not after it.
    boolean djlServer = engine != io.rlsearch.agents.spi.InferenceEngine.JAVA
        && v0 instanceof io.rlsearch.agents.continuous.GaussianPolicySnapshot;
    server = ctx.spawn(PolicyServerActor.create(registry, streams, spec.roundSize(), spec.maxBatch(), spec.maxWait(),
        engine, crash), "policy-server", djlServer ? learnerDispatcher : DispatcherSelector.defaultDispatcher());
    // With the plain-Java engine the shards act by themselves from the snapshots the registry sends
    // them (the server's decisions, without a round trip to it mid-batch); another engine (DJL) keeps
    // its inference on the server.
    Optional<ActorRef<PolicyRegistryActor.Command>> shardActs = engine == io.rlsearch.agents.spi.InferenceEngine.JAVA
        ? Optional.of(registry) : Optional.empty();
    ActorRef<EnvShardActor.Restarted> restarts = ctx.messageAdapter(EnvShardActor.Restarted.class, ShardRestarted::new);
    List<ActorRef<EnvShardActor.Command>> shards = new ArrayList<>();
    for (int i = 0; i < spec.shards(); i++) {
      shards.add(ctx.spawn(EnvShardActor.create(spec.world(), spec.task(), streams, server, shardActs,
          spec.roundSize(), restarts, new EnvShardActor.Settings(i, spec.faultRate(), spec.batch()), crash),
          "env-shard-" + i,
          spec.shardDispatcher().isEmpty() ? DispatcherSelector.defaultDispatcher()
              : DispatcherSelector.fromConfig(spec.shardDispatcher())));
    }
    population = ctx.spawn(UserPopulationActor.create(new UserPopulationActor.State(
        new Population(spec.world(), streams, spec.users(), spec.retention(), spec.sessionsCap(), spec.firstUser()),
        spec.roundSize()), crash), "user-population");
    learner = ctx.spawn(LearnerActor.create(resumable(spec), registry,
        new LearnerActor.Settings(spec.roundSize(), spec.episodeIdSpace(), spec.publishEvery(),
            spec.firstUser() * spec.sessionsCap(), spec.sessionsCap(),
            spec.checkpointing().map(Checkpointing::every).orElse(0L)),
        new LearnerActor.State(spec.resume().map(Checkpointing.Resume::learnedBeyond).orElse(new long[0])),
        spec.checkpointing().isPresent() ? ctx.messageAdapter(LearnerActor.Checkpointed.class, SaveCheckpoint::new)
            : null, crash), "learner", learnerDispatcher);
    checkpointWriter = spec.checkpointing().map(c -> ctx.spawn(checkpointWriter(c), "checkpoint-writer",
        DispatcherSelector.blocking()));
    replay = ctx.spawn(ReplayActor.create(spec.replayCapacity(), probe.contextDim(), new io.rlsearch.core.random.NumpyRandom(
        io.rlsearch.core.random.SeedSequence.of(spec.seed()).child(5)), crash), "replay");
    evaluator = ctx.spawn(EvaluatorActor.create(new EvaluatorActor.State(spec.retention()
        ? Optional.of(new RetentionMetrics(spec.users(), spec.gamma())) : Optional.empty()), crash), "evaluator");
    for (ActorRef<?> child : List.of(registry, server, population, learner, replay, evaluator)) {
      ctx.watch(child);
    }
    for (ActorRef<EnvShardActor.Command> shard : shards) {
      ctx.watch(shard);
    }
    runStream(ctx, shards);
    if (spec.observer().isPresent()) {
      timers.startTimerAtFixedRate(Health.INSTANCE, Health.INSTANCE, java.time.Duration.ofMillis(500));
    }
  }

  private final TimerScheduler<Command> timers;

  /** Health questions not yet answered (or timed out): the guardian reports and stops only without any. */
  private int healthAsked;

  private ReplayActor.Stats lastReplay;
  private PolicyServerActor.Stats lastBatching;
  private LearnerActor.Stats lastLearner;

  private Behavior<Command> askHealth() {
    java.time.Duration t = java.time.Duration.ofSeconds(5);
    healthAsked += 3;
    Replies.ask(getContext(), ReplayActor.Stats.class, replay, t, ReplayActor.GetStats::new, (r, e) -> new HealthPart(r));
    Replies.ask(getContext(), PolicyServerActor.Stats.class, server, t, PolicyServerActor.GetStats::new,
        (r, e) -> new HealthPart(r));
    Replies.ask(getContext(), LearnerActor.Stats.class, learner, t, LearnerActor.GetStats::new, (r, e) -> new HealthPart(r));
    return this;
  }

  private Behavior<Command> onHealthPart(HealthPart h) {
    healthAsked--;
    if (h.part() instanceof ReplayActor.Stats r) {
      lastReplay = r;
    } else if (h.part() instanceof PolicyServerActor.Stats b) {
      lastBatching = b;
    } else if (h.part() instanceof LearnerActor.Stats l) {
      lastLearner = l;
    }
    if (lastReplay != null && lastBatching != null && lastLearner != null) {
      spec.observer().get().health(lastReplay.size(), lastReplay.capacity(), lastBatching.meanBatch(),
          Math.max(0, counters.produced() - lastLearner.consumed()), lastLearner.consumed());
      lastReplay = null;
      lastBatching = null;
      lastLearner = null;
    }
    return this;
  }

  /**
   * The agent as the learner restores it: from the checkpoint's whole state when it restores the
   * resumed version (the snapshot alone may not hold everything, e.g. a value network or a partial
   * batch), from the snapshot otherwise.
   */
  private static AgentBuilder resumable(RunSpec spec) {
    if (spec.resume().isEmpty()) {
      return spec.agent();
    }
    Checkpointing.Resume r = spec.resume().get();
    AgentBuilder base = spec.agent();
    return new AgentBuilder() {
      @Override
      public String name() {
        return base.name();
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return base.restoreState(r.state());
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return snapshot.version() == r.version() ? base.restoreState(r.state()) : base.restore(snapshot);
      }

      @Override
      public UpdateRule restoreState(io.rlsearch.agents.spi.AgentState state) {
        return base.restoreState(state);
      }
    };
  }

  private void runStream(ActorContext<Command> ctx, List<ActorRef<EnvShardActor.Command>> shardRefs) {
    var scheduler = ctx.getSystem().scheduler();
    List<Flow<List<Population.Arrival>, List<Transition>, NotUsed>> shardFlows = new ArrayList<>();
    for (ActorRef<EnvShardActor.Command> s : shardRefs) {
      Flow<List<Population.Arrival>, List<Transition>, NotUsed> shard = TransitionGraph.shard(s, spec.sessionTimeout(),
          spec.maxRetries(), scheduler, counters);
      if (spec.roundSize() > 0) {
        // Deterministic mode: a batch first waits for its round's version (the learner's work, up to
        // pull_timeout), then goes to its shard, whose session_timeout covers the sessions alone.
        // A round already known to be served passes at once: one ask per round, not per batch.
        java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong(-1);
        int roundSize = spec.roundSize();
        shard = Flow.<List<Population.Arrival>>create()
            .mapAsync(1, a -> a.get(0).episode() / roundSize <= served.get()
                ? java.util.concurrent.CompletableFuture.completedFuture(a)
                : org.apache.pekko.actor.typed.javadsl.AskPattern.<PolicyServerActor.Command, Long>ask(server,
                    r -> new PolicyServerActor.AwaitRound(a.get(0).episode(), r), spec.pullTimeout(), scheduler)
                    .thenApplyAsync(v -> {
                      served.accumulateAndGet(v, Math::max);
                      return a;
                    }, Replies.SAME_THREAD))
            .via(shard);
      }
      shardFlows.add(shard);
    }
    Sink<List<Transition>, NotUsed> toLearner = ActorSink.actorRefWithBackpressure(learner, (ackTo, t) -> new LearnerActor.Element(t, ackTo),
        LearnerActor.Init::new, Ack.INSTANCE, LearnerActor.Completed.INSTANCE, LearnerActor.Failed::new);
    Sink<List<Transition>, NotUsed> toReplay = ActorSink.actorRefWithBackpressure(replay, (ackTo, t) -> new ReplayActor.Element(t, ackTo),
        ReplayActor.Init::new, Ack.INSTANCE, ReplayActor.Completed.INSTANCE, ReplayActor.Failed::new);
    Sink<List<Transition>, NotUsed> toEvaluator = ActorSink.actorRefWithBackpressure(evaluator, (ackTo, t) -> new EvaluatorActor.Element(t, ackTo),
        EvaluatorActor.Init::new, Ack.INSTANCE, EvaluatorActor.Completed.INSTANCE, EvaluatorActor.Failed::new);
    Sink<List<Transition>, NotUsed> toPopulation = ActorSink.actorRefWithBackpressure(population,
        (ackTo, t) -> new UserPopulationActor.Feedback(t, ackTo), UserPopulationActor.FeedbackInit::new, Ack.INSTANCE,
        UserPopulationActor.FeedbackDone.INSTANCE, UserPopulationActor.FeedbackFailed::new);
    var merged = TransitionGraph.arrivals(population, spec.batch(), spec.pullParallelism(), spec.pullTimeout(), scheduler,
            counters)
        .via(TransitionGraph.balanced(shardFlows))
        .alsoTo(TransitionGraph.buffered(toLearner))
        .alsoTo(TransitionGraph.buffered(toReplay))
        .alsoTo(TransitionGraph.buffered(toEvaluator))
        .alsoTo(TransitionGraph.buffered(toPopulation));
    if (spec.observer().isPresent()) {
      RunObserver o = spec.observer().get();
      merged = merged.alsoTo(Sink.foreach(o::transitions));
    }
    Materializer mat = Materializer.matFromSystem(ctx.getSystem());
    CompletionStage<Long> done;
    if (spec.decisionLog().isPresent()) {
      Path target = spec.decisionLog().get();
      LongAdder lines = new LongAdder();
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      CompletionStage<IOResult> written = merged
          .map(batch -> {
            StringBuilder sb = new StringBuilder();
            for (Transition t : batch) {
              sb.append(DecisionLog.toLine(toLogged(t))).append('\n');
              lines.increment();
            }
            return ByteString.fromString(sb.toString());
          })
          .toMat(FileIO.toPath(tmp), Keep.right())
          .run(mat);
      // The count goes to the guardian with the stream's end (never written from this callback's thread).
      done = written.thenApplyAsync(io -> {
        try {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot move the decision log into place: " + e.getMessage(), e);
        }
        return lines.sum();
      }, ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
    } else {
      done = merged.runWith(Sink.ignore(), mat).thenApplyAsync(d -> -1L, Replies.SAME_THREAD);
    }
    Replies.pipeToSelf(ctx, done, (n, err) -> new StreamDone(Optional.ofNullable(err), n != null ? n : -1L));
  }

  static LoggedDecision toLogged(Transition t) {
    // A user's sessions are one logged episode (step = session); whether a session was the user's last
    // is not known when it is written, so readers treat a step without a successor as the end.
    return new LoggedDecision(t.agent(), t.policyVersion(), t.user(), t.session(), t.context(), t.arm(), t.action(),
        t.propensity(), null, t.reward(), false, new LoggedDecision.Outcome(t.breakdown().gmv(), t.breakdown().cm2(),
            t.breakdown().strat(), t.breakdown().clicks(), t.orders()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ShardRestarted.class, r -> {
          shardRestarts++;
          spec.observer().ifPresent(RunObserver::shardRestarted);
          return this;
        })
        .onMessage(CrashLearner.class, c -> {
          learner.tell(LearnerActor.Crash.INSTANCE);
          return this;
        })
        .onMessage(GetProgress.class, g -> {
          g.replyTo().tell(counters.produced());
          return this;
        })
        .onMessage(SaveCheckpoint.class, this::onSaveCheckpoint)
        .onMessage(CheckpointWritten.class, this::onCheckpointWritten)
        .onMessage(Health.class, h -> askHealth())
        .onMessage(HealthPart.class, this::onHealthPart)
        .onMessage(StreamDone.class, this::onStreamDone)
        .onMessage(Collected.class, this::onCollected)
        .onMessage(Collect.class, c -> collect())
        .onSignal(org.apache.pekko.actor.typed.Terminated.class, this::onChildStopped)
        .build();
  }

  private Behavior<Command> onSaveCheckpoint(SaveCheckpoint m) {
    checkpointWriter.orElseThrow().tell(new WriteCheckpoint(m.c(), getContext().getSelf().narrow()));
    return this;
  }

  private Behavior<Command> onCheckpointWritten(CheckpointWritten w) {
    if (w.error().isEmpty()) {
      checkpointsSaved++;
    } else {
      checkpointFailures++;
      getContext().getLog().error("Checkpoint at version [{}] not saved: [{}]", w.c().version(), w.error().get());
      if (w.c().last() && failure.isEmpty()) {
        failure = Optional.of(new IllegalStateException("the final checkpoint was not saved: " + w.error().get()));
      }
    }
    return this;
  }

  /** Children that stopped before the run ended (their parts of the report are missing). */
  private final java.util.Set<String> stopped = new java.util.LinkedHashSet<>();

  /**
   * A child stopped while the run was going on: an actor whose state cannot be rebuilt failed, or a
   * supervised one gave up. The run cannot complete: report at once, with what the live actors say.
   */
  private Behavior<Command> onChildStopped(org.apache.pekko.actor.typed.Terminated t) {
    String name = t.getRef().path().name();
    stopped.add(name);
    String cause = t instanceof org.apache.pekko.actor.typed.ChildFailed f ? ": " + f.getCause().getMessage() : "";
    if (failure.isEmpty()) {
      failure = Optional.of(new IllegalStateException("the " + name + " actor stopped" + cause));
      getContext().getLog().error("Run failed: the [{}] actor stopped{}", name, cause);
      return collect();
    }
    return this;
  }

  private Behavior<Command> onStreamDone(StreamDone d) {
    logLines = d.logLines();
    if (!stopped.isEmpty()) {
      // A stopped child already failed the run and started the report; the stream's end adds nothing.
      return this;
    }
    // The stream's clean end does not clear a failure already recorded (a final checkpoint not saved).
    if (failure.isEmpty()) {
      failure = d.failure();
    }
    d.failure().ifPresent(f -> getContext().getLog().error("Run failed: [{}]", f.toString()));
    return collect();
  }

  /**
   * Asks every actor for its counts. The stream completes when its last element has been handed to
   * the consumers, which may still be working on it: until each consumer reports that it has seen the
   * stream's end, the collection is repeated shortly after (the report must count everything).
   */
  private Behavior<Command> collect() {
    parts.clear();
    awaiting = 0;
    java.time.Duration t = java.time.Duration.ofSeconds(30);
    // A stopped child would only let the question time out: its part stays missing.
    askPart(learner, LearnerActor.Stats.class, LearnerActor.GetStats::new, t);
    askPart(registry, PolicyRegistryActor.History.class, PolicyRegistryActor.GetHistory::new, t);
    askPart(server, PolicyServerActor.Stats.class, PolicyServerActor.GetStats::new, t);
    askPart(replay, ReplayActor.Stats.class, ReplayActor.GetStats::new, t);
    askPart(evaluator, EvaluatorActor.Report.class, EvaluatorActor.GetReport::new, t);
    askPart(population, UserPopulationActor.Stats.class, UserPopulationActor.GetStats::new, t);
    if (awaiting == 0) {
      return finish(report());
    }
    return this;
  }

  /** Asks a live child for its part of the report (a stopped one is skipped). */
  private <R, M> void askPart(ActorRef<M> child, Class<R> type, java.util.function.Function<ActorRef<R>, M> request,
      java.time.Duration t) {
    if (stopped.contains(child.path().name())) {
      return;
    }
    awaiting++;
    Replies.ask(getContext(), type, child, t, request::apply, this::collected);
  }

  private Command collected(Object part, Throwable err) {
    return new Collected(part != null ? part : err);
  }

  private Behavior<Command> onCollected(Collected c) {
    parts.add(c.part());
    if (--awaiting > 0) {
      return this;
    }
    boolean allDone = failure.isPresent() || (part(LearnerActor.Stats.class).completed()
        && part(ReplayActor.Stats.class).completed() && part(EvaluatorActor.Report.class).completed()
        && part(UserPopulationActor.Stats.class).completed()
        && checkpointsSaved + checkpointFailures >= part(LearnerActor.Stats.class).checkpoints()
        // The learner's last publish and the guardian's question reach the registry from different
        // senders, in either order: wait until the history holds every version the learner published.
        && part(PolicyRegistryActor.History.class).versions().size() + part(PolicyRegistryActor.History.class).refused()
            >= 1 + part(LearnerActor.Stats.class).published());
    if (!allDone && ++collections < 500) {
      getContext().scheduleOnce(java.time.Duration.ofMillis(10), getContext().getSelf(), Collect.INSTANCE);
      return this;
    }
    return finish(report());
  }

  /**
   * Reports and stops, once the health questions still out have been answered (each within its 5 s):
   * an answer to a stopped guardian would be a dead letter. Meanwhile it answers progress questions
   * and ignores the rest.
   */
  private Behavior<Command> finish(RunReport report) {
    timers.cancel(Health.INSTANCE);
    if (healthAsked <= 0) {
      replyTo.tell(report);
      return Behaviors.stopped();
    }
    return Behaviors.receive(Command.class)
        .onMessage(HealthPart.class, h -> {
          healthAsked--;
          return finish(report);
        })
        .onMessage(GetProgress.class, g -> {
          g.replyTo().tell(counters.produced());
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> Behaviors.same())
        .build();
  }

  private <T> T part(Class<T> type) {
    for (Object p : parts) {
      if (type.isInstance(p)) {
        return type.cast(p);
      }
    }
    if (failure.isEmpty()) {
      // Its ask failed (timed out): the run cannot be reported; the runner watching this guardian says so.
      List<String> errors = parts.stream().filter(Throwable.class::isInstance)
          .map(p -> ((Throwable) p).getMessage()).toList();
      throw new IllegalStateException("no " + type.getSimpleName() + " collected for the report"
          + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)));
    }
    // A failed run reports what it has: a part its actor could not give counts nothing.
    Object empty = type == LearnerActor.Stats.class ? new LearnerActor.Stats(0, 0, 0, 0, 0, false, 0)
        : type == PolicyRegistryActor.History.class ? new PolicyRegistryActor.History(spec.agent().name(),
            List.of(), 0, 0, null)
        : type == PolicyServerActor.Stats.class ? new PolicyServerActor.Stats(0, 0, 0)
        : type == ReplayActor.Stats.class ? new ReplayActor.Stats(0, 0, spec.replayCapacity(), 0, 0, false)
        : type == EvaluatorActor.Report.class ? new EvaluatorActor.Report(0, 0,
            new io.rlsearch.eval.OnlineMetrics().report(), Optional.empty(), false)
        : new UserPopulationActor.Stats(0, 0, 0, 0, false);
    return type.cast(empty);
  }

  private RunReport report() {
    LearnerActor.Stats ls = part(LearnerActor.Stats.class);
    ReplayActor.Stats rs = part(ReplayActor.Stats.class);
    EvaluatorActor.Report ev = part(EvaluatorActor.Report.class);
    UserPopulationActor.Stats ps = part(UserPopulationActor.Stats.class);
    java.util.Map<String, Long> consumed = new java.util.LinkedHashMap<>();
    consumed.put("learner", ls.consumed());
    consumed.put("replay", rs.consumed());
    consumed.put("evaluator", ev.consumed());
    consumed.put("population", ps.feedback());
    if (logLines >= 0) {
      consumed.put("decision_log", logLines);
    }
    long produced = counters.produced();
    long min = consumed.values().stream().mapToLong(Long::longValue).min().orElse(0);
    Optional<String> why = failure.map(Throwable::getMessage);
    return new RunReport(spec, produced, consumed, produced - min, shardRestarts, counters.retries(), ls,
        part(PolicyRegistryActor.History.class), part(PolicyServerActor.Stats.class), rs, ev, ps, checkpointsSaved, why);
  }
}
