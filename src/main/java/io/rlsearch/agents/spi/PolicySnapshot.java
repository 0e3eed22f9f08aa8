package io.rlsearch.agents.spi;

import io.rlsearch.core.random.NumpyRandom;

/** An immutable, versioned policy: what shards act with. Thread-safe. */
public interface PolicySnapshot {
  /** The agent that made it. */
  String agent();

  /** Its version (0 before any learning). */
  long version();

  /** The arm for context {@code x}; a stochastic policy draws from {@code rng} (the episode's policy stream). */
  Decision act(double[] x, NumpyRandom rng);
}
