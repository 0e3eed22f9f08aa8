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

  /** A trainable scalar network with one tanh hidden layer (Adam, learning rate {@code lr}). */
  Scorer scorer(int inputs, int hidden, double lr, long seed);

  /** A trainable scalar function of a vector: outputs for a batch, and an Adam step along given output gradients. */
  interface Scorer extends AutoCloseable {
    /** Outputs for {@code n} rows. */
    float[] score(float[] x, int n);

    /** One step lowering a loss whose gradient with respect to the mean-over-rows outputs is {@code g}. */
    void step(float[] x, float[] g, int n);

    @Override
    void close();
  }

  /** The chapter's deep end-to-end REINFORCE: the reference's settings with (128, 128) and entropy 0.02. */
  AgentBuilder reinforceDeep();
}
