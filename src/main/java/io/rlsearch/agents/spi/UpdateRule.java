package io.rlsearch.agents.spi;

/** The learning side of an agent: mutable, owned by one learner, fed transitions in a defined order. */
public interface UpdateRule {
  /** Learns from one decision's outcome. */
  void observe(double[] context, Decision decision, double reward);

  /**
   * Learns from one transition. The runtime calls this; the default learns from its context, decision
   * and reward. Agents that learn across a user's sessions (trajectories, bootstrapping) override it
   * to see the user, session and behaviour version.
   */
  default void observe(io.rlsearch.core.Transition t) {
    observe(t.context(), Decision.of(t), t.reward());
  }

  /** Releases native resources (networks); a no-op for pure agents. */
  default void close() {}

  /** An immutable snapshot of the current state, tagged {@code version}. */
  PolicySnapshot snapshot(long version);

  /**
   * The whole learning state, for a checkpoint (weights, statistics, samples buffered for the next
   * update). Empty for agents that cannot be checkpointed.
   */
  default java.util.Optional<AgentState> state() {
    return java.util.Optional.empty();
  }

  /** Whether this agent learns at all (fixed policies do not; the runtime then publishes nothing new). */
  boolean learns();
}
