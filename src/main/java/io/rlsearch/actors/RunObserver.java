package io.rlsearch.actors;

import io.rlsearch.core.Transition;
import java.util.List;

/**
 * Watches a run for metrics and live pages: every batch of transitions as the stream carries it to
 * the consumers, and the runtime's events. Called from stream stages and the guardian, so it must be
 * cheap and must not block (a metrics registry update, a dropping queue).
 */
public interface RunObserver {
  /** A batch of transitions, as produced (each once, after deduplication by the shards' retries). */
  void transitions(List<Transition> batch);

  /** A shard restarted. */
  default void shardRestarted() {}

  /**
   * The pipeline's health, about every half second: replay fill, the policy server's batching, and the
   * transitions produced but not yet taken by the learner (what backpressure holds in flight), and the
   * transitions the learner has taken.
   */
  default void health(int replaySize, int replayCapacity, double meanBatch, long inFlight, long learnerConsumed) {}
}
