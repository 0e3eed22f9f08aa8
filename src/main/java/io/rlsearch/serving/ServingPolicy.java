package io.rlsearch.serving;

import io.rlsearch.core.random.NumpyRandom;
import java.util.List;

/**
 * A policy bound to a schema: it ranks a request's candidates. Made by {@link ServingPolicies#bind}
 * from a policy snapshot, which checks at bind time that the schema carries every feature the policy
 * reads (a policy trained under another schema is refused there, never per request). Immutable and
 * thread-safe; its randomness comes from the stream it is given.
 */
public interface ServingPolicy {
  /** The agent's name (as its snapshot gives it). */
  String agent();

  /** The context features it reads, in its order. */
  List<String> contextFeatures();

  /** The candidate features it reads, in its order. */
  List<String> candidateFeatures();

  /**
   * Ranks {@code r}'s candidates; a stochastic policy draws from {@code rng}. A policy that scores every
   * candidate (a slate policy) gives the request's candidates and its ranking with the ranking
   * ({@link Ranked#slate}), for the decision log.
   */
  Ranked rank(RankRequest r, NumpyRandom rng);
}
