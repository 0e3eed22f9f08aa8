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

  /**
   * The same policy without exploration, as a learned policy is evaluated: a Gaussian policy's mean
   * action, LinUCB without its confidence bonus, Thompson sampling's posterior mean, a Q-ensemble
   * without its uncertainty bonus, a slate scorer without its noise. A policy that does not explore
   * (or whose randomness is what it is, as the uniform one) returns itself.
   */
  default PolicySnapshot greedy() {
    return this;
  }
}
