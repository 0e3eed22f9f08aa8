package com.example.agents;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;

/**
 * Registers the agent as {@code custom_egreedy} (see
 * {@code META-INF/services/io.rlsearch.agents.spi.AgentBuilder}). ServiceLoader needs the public
 * no-argument constructor.
 */
public final class EpsilonGreedyBuilder implements AgentBuilder {
  /** The agent's name on the command line. */
  public static final String NAME = "custom_egreedy";

  private final double epsilon;

  /** Exploration 0.1. */
  public EpsilonGreedyBuilder() {
    this(0.1);
  }

  /** Exploration {@code epsilon}. */
  public EpsilonGreedyBuilder(double epsilon) {
    this.epsilon = epsilon;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public UpdateRule create(int arms, int dim) {
    return new EpsilonGreedy(arms, epsilon);
  }

  @Override
  public UpdateRule restore(PolicySnapshot snapshot) {
    if (!(snapshot instanceof EpsilonGreedySnapshot s)) {
      throw new IllegalArgumentException("not a " + NAME + " snapshot: " + snapshot.agent());
    }
    return new EpsilonGreedy(s.epsilon(), s.counts(), s.means());
  }
}
