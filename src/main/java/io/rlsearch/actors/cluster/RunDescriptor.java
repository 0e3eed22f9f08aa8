package io.rlsearch.actors.cluster;

import java.util.Objects;

/**
 * What every node needs to take part in a clustered run, sent with the work: the experiment (its
 * rendered HOCON: world overlay and agents' settings), the agent, the seed of the world and of every
 * stream, the users, and the round size. Each node builds the same world and the same agent from it
 * (same seed, same world), so no world object ever crosses a node.
 *
 * @param runId the run's id (unique per run)
 * @param experiment the experiment block, rendered
 * @param agent the agent's name
 * @param seed the world's and the streams' seed
 * @param users single-session users (episodes)
 * @param roundSize episodes per round (each round acts with one policy version)
 */
public record RunDescriptor(String runId, String experiment, String agent, long seed, long users, int roundSize)
    implements CborSerializable {
  public RunDescriptor {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experiment, "experiment");
    Objects.requireNonNull(agent, "agent");
    if (users < 1 || roundSize < 1) {
      throw new IllegalArgumentException("a clustered run needs >= 1 user and a round size >= 1");
    }
  }
}
