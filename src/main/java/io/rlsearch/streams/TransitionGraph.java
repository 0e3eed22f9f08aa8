package io.rlsearch.streams;

import io.rlsearch.actors.EnvShardActor;
import io.rlsearch.actors.UserPopulationActor;
import io.rlsearch.core.Transition;
import io.rlsearch.experiments.Population;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.UniformFanInShape;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.Balance;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Merge;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The data plane of a run, as stream pieces the guardian assembles:
 * {@code population -> Balance -> shard x N -> Merge -> (broadcast to every consumer)}.
 *
 * <p>Elements are batches (a shard's batch of sessions, then their transitions), so the per-message
 * costs of asks, acknowledgements and stages are paid once per batch, not once per session.
 * Every stage backpressures: a shard holds at most {@link #SHARD_IN_FLIGHT} batches (the one it runs
 * and the next) and gets one only when the merged stream has demand; the consumers are acknowledging
 * sinks, each behind a bounded buffer, so the slowest of them sets the pace and memory stays bounded
 * by the stages' buffers. A session whose shard fails is asked
 * again (next attempt) up to {@code maxRetries} times; the counters record what was produced and retried.
 */
public final class TransitionGraph {
  /** What the data plane counts (written by the stream's stages, read after it completes). */
  public static final class Counters {
    private final LongAdder produced = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder pulled = new LongAdder();

    /** Transitions the shards produced (after retries, one per session). */
    public long produced() {
      return produced.sum();
    }

    /** Session attempts that failed and were retried. */
    public long retries() {
      return retries.sum();
    }

    /** Sessions pulled from the population. */
    public long pulled() {
      return pulled.sum();
    }
  }

  private TransitionGraph() {}

  /** Batches of up to {@code batch} sessions from the population until it has no more; {@code parallelism} pulls outstanding. */
  public static Source<List<Population.Arrival>, NotUsed> arrivals(ActorRef<UserPopulationActor.Command> population,
      int batch, int parallelism, Duration timeout, Scheduler scheduler, Counters counters) {
    return Source.repeat(NotUsed.notUsed())
        .mapAsync(parallelism, x -> AskPattern.<UserPopulationActor.Command, UserPopulationActor.PullReply>ask(
            population, r -> new UserPopulationActor.Pull(batch, r), timeout, scheduler))
        .takeWhile(r -> r instanceof UserPopulationActor.Sessions)
        .map(r -> {
          List<Population.Arrival> a = ((UserPopulationActor.Sessions) r).arrivals();
          counters.pulled.add(a.size());
          return a;
        });
  }

  /**
   * Batches a shard holds at once: the one it runs and the next, waiting in its mailbox, so that it
   * starts the next batch as soon as it has answered one instead of waiting for the stream's turn-around.
   */
  public static final int SHARD_IN_FLIGHT = 2;

  /** Batches each consumer may have waiting for it beyond the one it works on. */
  public static final int CONSUMER_BUFFER = 4;

  /** One shard as a flow: up to {@link #SHARD_IN_FLIGHT} batches at a time, in order, each retried (whole) on failure. */
  public static Flow<List<Population.Arrival>, List<Transition>, NotUsed> shard(ActorRef<EnvShardActor.Command> shard,
      Duration timeout, int maxRetries, Scheduler scheduler, Counters counters) {
    return Flow.<List<Population.Arrival>>create()
        .mapAsync(SHARD_IN_FLIGHT, a -> run(shard, a, 0, timeout, maxRetries, scheduler, counters))
        .map(t -> {
          counters.produced.add(t.size());
          return t;
        });
  }

  private static CompletionStage<List<Transition>> run(ActorRef<EnvShardActor.Command> shard,
      List<Population.Arrival> a, int attempt, Duration timeout, int maxRetries, Scheduler scheduler,
      Counters counters) {
    return AskPattern.<EnvShardActor.Command, List<Transition>>askWithStatus(shard,
            r -> new EnvShardActor.RunSessions(a, attempt, r), timeout, scheduler)
        .exceptionallyCompose(failure -> {
          if (attempt >= maxRetries) {
            return CompletableFuture.failedFuture(new IllegalStateException("episodes from " + a.get(0).episode()
                + " failed " + (attempt + 1) + " times; last: " + failure.getMessage(), failure));
          }
          counters.retries.increment();
          return run(shard, a, attempt + 1, timeout, maxRetries, scheduler, counters);
        });
  }

  /**
   * {@code sink} behind a buffer of {@link #CONSUMER_BUFFER} elements (backpressured when full): a consumer
   * attached with {@code alsoTo} then holds the stream back only when it falls that far behind, not
   * for every acknowledgement.
   */
  public static <T> Sink<T, NotUsed> buffered(Sink<T, NotUsed> sink) {
    return Flow.<T>create().buffer(CONSUMER_BUFFER, OverflowStrategy.backpressure()).to(sink);
  }

  /** Balances session batches over the shard flows and merges their transitions. */
  public static Flow<List<Population.Arrival>, List<Transition>, NotUsed> balanced(
      List<Flow<List<Population.Arrival>, List<Transition>, NotUsed>> shards) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("at least one shard is needed");
    }
    if (shards.size() == 1) {
      return shards.get(0);
    }
    return Flow.fromGraph(GraphDSL.create(b -> {
      UniformFanOutShape<List<Population.Arrival>, List<Population.Arrival>> balance =
          b.add(Balance.<List<Population.Arrival>>create(shards.size()));
      UniformFanInShape<List<Transition>, List<Transition>> merge = b.add(Merge.<List<Transition>>create(shards.size()));
      for (int i = 0; i < shards.size(); i++) {
        FlowShape<List<Population.Arrival>, List<Transition>> s = b.add(shards.get(i));
        b.from(balance.out(i)).via(s).toInlet(merge.in(i));
      }
      return FlowShape.of(balance.in(), merge.out());
    }));
  }
}
