package io.rlsearch.actors.cluster;

import io.rlsearch.agents.spi.AgentState;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy version of a clustered run, as it travels to every node (pub-sub, or on request): the
 * learner's state as plain arrays, from which each node restores the agent and takes its snapshot.
 * An agent without state (a fixed policy) travels as an empty state: every node builds it afresh.
 *
 * @param runId the run
 * @param version the version
 * @param state the learner's state at that version
 */
public record PolicyPublished(String runId, long version, Optional<AgentState> state)
    implements PolicyRegistrySingleton.FetchReply {
  public PolicyPublished {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(state, "state");
  }
}
