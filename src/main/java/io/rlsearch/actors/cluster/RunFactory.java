package io.rlsearch.actors.cluster;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;

/** Builds a run's world, task and agent on a node from its descriptor (supplied by the command line). */
public interface RunFactory {
  /** The run's world (the same on every node: generated from the descriptor's seed). */
  World world(RunDescriptor d);

  /** The task the agent acts on. */
  Task task(RunDescriptor d);

  /** The agent. */
  AgentBuilder agent(RunDescriptor d);
}
