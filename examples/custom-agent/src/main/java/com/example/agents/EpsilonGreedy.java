package com.example.agents;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;

/**
 * The learning side of an epsilon-greedy bandit: the mean reward of each arm, kept incrementally.
 * Plain Java, single-threaded (the runtime's learner actor owns it and feeds it transitions in order).
 */
public final class EpsilonGreedy implements UpdateRule {
  private final double epsilon;
  private final long[] counts;
  private final double[] means;

  /** A fresh rule for {@code arms} arms exploring with probability {@code epsilon}. */
  public EpsilonGreedy(int arms, double epsilon) {
    this(epsilon, new long[arms], new double[arms]);
  }

  EpsilonGreedy(double epsilon, long[] counts, double[] means) {
    if (counts.length < 1 || counts.length != means.length) {
      throw new IllegalArgumentException("need one count and one mean per arm, at least one arm");
    }
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
    this.epsilon = epsilon;
    this.counts = counts.clone();
    this.means = means.clone();
  }

  @Override
  public void observe(double[] context, Decision decision, double reward) {
    int a = decision.arm();
    counts[a]++;
    means[a] += (reward - means[a]) / counts[a];
  }

  @Override
  public PolicySnapshot snapshot(long version) {
    return new EpsilonGreedySnapshot(version, epsilon, counts, means);
  }

  @Override
  public boolean learns() {
    return true;
  }
}
