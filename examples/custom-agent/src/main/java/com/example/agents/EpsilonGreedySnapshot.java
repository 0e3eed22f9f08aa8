package com.example.agents;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;

/**
 * An immutable epsilon-greedy policy: with probability 1 - epsilon the arm with the highest mean
 * reward (an arm never played counts as best, lowest index first), otherwise an arm uniformly at
 * random. The logged propensity is the exact probability of the chosen arm.
 */
public final class EpsilonGreedySnapshot implements PolicySnapshot {
  private final long version;
  private final double epsilon;
  private final long[] counts;
  private final double[] means;

  EpsilonGreedySnapshot(long version, double epsilon, long[] counts, double[] means) {
    this.version = version;
    this.epsilon = epsilon;
    this.counts = counts.clone();
    this.means = means.clone();
  }

  @Override
  public String agent() {
    return EpsilonGreedyBuilder.NAME;
  }

  @Override
  public long version() {
    return version;
  }

  /** The arm the policy exploits. */
  public int best() {
    int best = 0;
    for (int a = 0; a < counts.length; a++) {
      if (counts[a] == 0) {
        return a;
      }
      if (means[a] > means[best]) {
        best = a;
      }
    }
    return best;
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    int k = counts.length;
    int best = best();
    int arm = rng.random() < epsilon ? (int) rng.integers(0, k) : best;
    double p = (arm == best ? 1 - epsilon : 0) + epsilon / k;
    return Decision.arm(arm, p);
  }

  @Override
  public PolicySnapshot greedy() {
    return new EpsilonGreedySnapshot(version, 0.0, counts, means);
  }

  long[] counts() {
    return counts.clone();
  }

  double[] means() {
    return means.clone();
  }

  double epsilon() {
    return epsilon;
  }
}
