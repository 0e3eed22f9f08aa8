package io.rlsearch.experiments;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;

/**
 * The random streams of a run, derived from one root seed by role and index (never by order of
 * arrival), so that a run's result does not depend on how many shards or threads it used.
 *
 * <ul>
 *   <li>{@code child(1).child(u)}: user u's arrival, queries and return decisions (the population);
 *   <li>{@code child(2).child(u).child(k)}: the base-score noise and the session of user u's session k (a shard);
 *   <li>{@code child(3).child(e)}: the policy's own draws for episode e (Thompson sampling, random);
 *   <li>{@code child(4).child(e).child(a)}: fault injection for attempt a of episode e.
 * </ul>
 *
 * @param seed the root seed
 */
public record RunStreams(long seed) {
  public RunStreams {
    if (seed < 0) {
      throw new IllegalArgumentException("seed must be >= 0, got " + seed);
    }
  }

  private SeedSequence root() {
    return SeedSequence.of(seed);
  }

  /** User {@code u}'s stream. */
  public NumpyRandom user(long u) {
    return new NumpyRandom(root().child(1).child(index(u)));
  }

  /** The stream of session {@code k} of user {@code u}. */
  public NumpyRandom session(long u, int k) {
    return new NumpyRandom(root().child(2).child(index(u)).child(k));
  }

  /** The policy's stream for episode {@code e}. */
  public NumpyRandom policy(long e) {
    return new NumpyRandom(root().child(3).child(index(e)));
  }

  /** The fault stream of attempt {@code attempt} of episode {@code e}. */
  public NumpyRandom fault(long e, int attempt) {
    return new NumpyRandom(root().child(4).child(index(e)).child(attempt));
  }

  private static int index(long v) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stream index out of range: " + v);
    }
    return (int) v;
  }
}
