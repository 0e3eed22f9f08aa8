package io.rlsearch.experiments.labs;

import io.rlsearch.agents.spi.AgentBuilder;

/**
 * The neural agents a lab trains, built by the caller (the {@code lab} command builds them on the
 * shared DJL learner): labs stay free of DJL and drive the agents through the runtime's SPI.
 */
public interface LabLearners {
  /** The neural-linear bandit with {@code pretrain} uniform decisions before its representation is fit. */
  AgentBuilder neuralLinear(int pretrain);

  /** The neural ensemble bandit (the book's Chapter-6a settings). */
  AgentBuilder neuralEnsemble();

  /** The continuous Q-ensemble with CEM for box {@code aMax} (the Chapter-7 comparison's settings). */
  AgentBuilder continuousQ(double aMax);

  /** REINFORCE with the reference's settings: no baseline, or a learned value baseline. */
  AgentBuilder reinforce(boolean valueBaseline);
}
