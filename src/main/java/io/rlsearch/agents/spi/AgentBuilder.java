package io.rlsearch.agents.spi;

/**
 * Builds an agent for the runtime: a fresh update rule, or one restored from a snapshot (after a
 * learner crash).
 */
public interface AgentBuilder {
  /** The agent's name (as on the command line). */
  String name();

  /** A fresh update rule for {@code arms} arms and {@code dim}-dimensional contexts. */
  UpdateRule create(int arms, int dim);

  /** An update rule whose state is the snapshot's (the snapshot must come from this builder). */
  UpdateRule restore(PolicySnapshot snapshot);

  /**
   * An update rule whose whole state is {@code state} (from a checkpoint of this builder's agent).
   *
   * @throws IllegalArgumentException if the state is not this agent's or does not fit it
   */
  default UpdateRule restoreState(AgentState state) {
    throw new IllegalArgumentException("agent '" + name() + "' cannot be restored from a checkpoint");
  }
}
