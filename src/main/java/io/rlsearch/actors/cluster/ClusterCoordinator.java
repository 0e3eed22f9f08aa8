package io.rlsearch.actors.cluster;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.Patterns;
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
   * @param finalReward mean reward over the final 10% of episodes
   * @param meanGmv mean GMV per episode
   * @param nodes nodes whose shards played at least one accepted batch
   * @param wallSeconds from the first round to the report, by the clock the run was given
   * @param failure why the run stopped early, if it did
   */
  public record Report(RunDescriptor run, long produced, long learned, long duplicates, long lost, long retries,
      long versions, long replayStored, double meanReward, double finalReward, double meanGmv, List<String> nodes,
      double wallSeconds, Optional<String> failure) implements CborSerializable {}

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
      int maxRetries, int replayCapacity) implements CborSerializable {
    public Settings {
      if (shards < 1 || batch < 1 || parallelism < 1 || maxRetries < 0 || replayCapacity < 1) {
        throw new IllegalArgumentException("cluster settings need shards, batch, parallelism and capacity >= 1");
      }
    }
  }

  private record RoundDone(List<List<Transition>> batches, Throwable failure) implements Command {}

  private record Collected(ReplaySingleton.Stats replay, PolicyRegistrySingleton.History history, Throwable failure,
      Optional<String> runFailure) implements Command {}

  /** Transitions per message to the replay buffer (well under Artery's frame size if it lives elsewhere). */
  static final int STORE_CHUNK = 200;

  private final RunDescriptor run;
  private final Settings settings;
  private final ActorRef<Report> replyTo;
  private final ActorRef<PolicyRegistrySingleton.Command> registry;
  private final ActorRef<ReplaySingleton.Command> replay;
  private final ClusterSharding sharding;
  private final UpdateRule rule;
  private final OnlineMetrics metrics = new OnlineMetrics();
  private final BitSet learned = new BitSet();
  private final AtomicLong retries = new AtomicLong();
  private final java.util.Set<String> nodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private long produced;
  private long duplicates;
  private long version;
  private long round;
  private final long rounds;
  private final long start;
  private final java.util.function.LongSupplier clock;

  /** A coordinator that runs {@code run} at once and replies to {@code replyTo} at the end. */
  public static Behavior<Command> create(RunDescriptor run, RunFactory factory, Settings settings,
      ActorRef<PolicyRegistrySingleton.Command> registry, ActorRef<ReplaySingleton.Command> replay,
      ActorRef<Report> replyTo, java.util.function.LongSupplier clock) {
    Objects.requireNonNull(run, "run");
    return Behaviors.setup(ctx -> new ClusterCoordinator(ctx, run, factory, settings, registry, replay, replyTo,
        clock));
  }

  private ClusterCoordinator(ActorContext<Command> ctx, RunDescriptor run, RunFactory factory, Settings settings,
      ActorRef<PolicyRegistrySingleton.Command> registry, ActorRef<ReplaySingleton.Command> replay,
      ActorRef<Report> replyTo, java.util.function.LongSupplier clock) {
    super(ctx);
    this.clock = clock;
    this.registry = registry;
    this.replay = replay;
    this.run = run;
    this.settings = settings;
    this.replyTo = replyTo;
    this.sharding = ClusterSharding.get(ctx.getSystem());
    AgentBuilder agent = factory.agent(run);
    SessionRunner probe = new SessionRunner(factory.world(run), factory.task(run), new RunStreams(run.seed()));
    this.rule = agent.create(probe.arms(), probe.contextDim());
    this.rounds = (run.users() + run.roundSize() - 1) / run.roundSize();
    this.start = clock.getAsLong();
    publish();
    startRound();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetProgress.class, g -> {
          g.replyTo().tell(new Progress(learned.cardinality(), round, retries.get()));
          return this;
        })
        .onMessage(RoundDone.class, this::onRoundDone)
        .onMessage(Collected.class, this::onCollected)
        .build();
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
    CompletionStage<List<List<Transition>>> done = Source.from(batches)
        .mapAsyncUnordered(settings.parallelism(), b -> play(b, v, 0))
        .runWith(Sink.seq(), getContext().getSystem());
    getContext().pipeToSelf(done, RoundDone::new);
  }

  /** One batch to its shard, pulled back through its stream reference; sent again on failure. */
  private CompletionStage<List<Transition>> play(List<Long> batch, long v, int attempt) {
    String entity = "shard-" + Math.floorMod(batch.get(0) / settings.batch(), settings.shards());
    var system = getContext().getSystem();
    CompletionStage<List<Transition>> once = sharding.entityRefFor(EnvEntity.TYPE, entity)
        .<EnvEntity.Played>ask(r -> new EnvEntity.Play(run, batch, attempt, v, registry, r), settings.askTimeout())
        .thenCompose(p -> {
          nodes.add(p.node());
          return p.transitions().getSource().runWith(Sink.seq(), system);
        });
    return once.handle((ts, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(ts);
      }
      if (attempt >= settings.maxRetries()) {
        return CompletableFuture.<List<Transition>>failedFuture(failure);
      }
      retries.incrementAndGet();
      return Patterns.after(settings.retryPause(), system.classicSystem().scheduler(),
          system.executionContext(), () -> play(batch, v, attempt + 1));
    }).thenCompose(x -> x);
  }

  private Behavior<Command> onRoundDone(RoundDone d) {
    if (d.failure() != null) {
      return finish(Optional.of("round " + round + " failed after " + settings.maxRetries() + " retries: "
          + d.failure()));
    }
    List<Transition> ts = new ArrayList<>();
    for (List<Transition> b : d.batches()) {
      ts.addAll(b);
    }
    ts.sort(Comparator.comparingLong(Transition::episode));
    List<Transition> fresh = new ArrayList<>(ts.size());
    for (Transition t : ts) {
      produced++;
      int id = Math.toIntExact(t.episode());
      if (learned.get(id)) {
        duplicates++;
        continue;
      }
      learned.set(id);
      fresh.add(t);
      metrics.add(t);
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
    startRound();
    return this;
  }

  private Behavior<Command> finish(Optional<String> failure) {
    rule.close();
    var system = getContext().getSystem();
    CompletionStage<ReplaySingleton.Stats> stats = org.apache.pekko.actor.typed.javadsl.AskPattern.ask(replay,
        ReplaySingleton.GetStats::new, settings.askTimeout(), system.scheduler());
    CompletionStage<PolicyRegistrySingleton.History> history = org.apache.pekko.actor.typed.javadsl.AskPattern.ask(
        registry, PolicyRegistrySingleton.GetHistory::new, settings.askTimeout(), system.scheduler());
    getContext().pipeToSelf(stats.thenCombine(history, (st, h) -> new Collected(st, h, null, failure)),
        (c, e) -> c != null ? c : new Collected(null, null, e, failure));
    return this;
  }

  private Behavior<Command> onCollected(Collected c) {
    OnlineMetrics.Report r = metrics.report();
    Map<String, io.rlsearch.eval.Summary> mean = r.mean();
    Map<String, io.rlsearch.eval.Summary> last = r.last();
    long count = learned.cardinality();
    Optional<String> failure = c.runFailure().isPresent() ? c.runFailure()
        : c.failure() != null ? Optional.of("replay buffer or registry did not answer: " + c.failure()) : Optional.empty();
    replyTo.tell(new Report(run, produced, count, duplicates, run.users() - count, retries.get(),
        c.history() != null ? c.history().versions().size() : version + 1, c.replay() != null ? c.replay().size() : 0,
        count > 0 ? mean.get("reward").mean() : Double.NaN, count > 0 ? last.get("reward").mean() : Double.NaN,
        count > 0 ? mean.get("gmv").mean() : Double.NaN, List.copyOf(new java.util.TreeSet<>(nodes)),
        (clock.getAsLong() - start) / 1e9, failure));
    // Stays (idle) rather than stopping: the singleton manager would start a stopped singleton again.
    long learnedCount = count;
    return Behaviors.receive(Command.class)
        .onMessage(GetProgress.class, g -> {
          g.replyTo().tell(new Progress(learnedCount, round, retries.get()));
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

}
