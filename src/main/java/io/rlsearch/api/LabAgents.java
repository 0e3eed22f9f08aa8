package io.rlsearch.api;

import io.rlsearch.agents.continuous.Cem;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.experiments.labs.LabLearners;
import io.rlsearch.learn.NeuralAgents;
import io.rlsearch.learn.NeuralLinearAgent;
import io.rlsearch.learn.SharedLearner;

/** The neural agents of the labs, on one shared DJL learner. */
public final class LabAgents implements LabLearners {
  private final SharedLearner learner;

  public LabAgents(SharedLearner learner) {
    this.learner = learner;
  }

  @Override
  public AgentBuilder neuralLinear(int pretrain) {
    NeuralLinearAgent.Settings r = NeuralLinearAgent.Settings.reference();
    return NeuralLinearAgent.builder(learner, new NeuralLinearAgent.Settings(r.hidden(), r.features(), r.lr(), pretrain,
        r.epochs(), r.batch(), r.alpha(), r.lambda(), r.seed()));
  }

  @Override
  public AgentBuilder neuralEnsemble() {
    return NeuralAgents.neuralEnsemble(learner, NeuralAgents.QEnsembleSettings.templates());
  }

  /**
   * The Chapter-7 comparison script's Q-ensemble: 3 members of (64), lr 5e-3, raw rewards as targets, a
   * replay of 5,000; every 10 transitions (once the replay holds 64) one minibatch of 64 drawn without
   * replacement, on which every member takes 2 steps; the script's CEM for the box (64 samples, elite
   * fraction 0.2, 5 iterations, initial std 0.5, floor 0.05, smoothing 0.7, re-seeded with 42 at every
   * decision); member i starts from the network torch builds after {@code manual_seed(42 + i)}. The acting
   * width beta is the lab's (the script decays it over the run).
   */
  @Override
  public AgentBuilder continuousQ(double aMax) {
    return NeuralAgents.qEnsemble(learner, new NeuralAgents.QEnsembleSettings(3, new int[] {64}, 5e-3, 0, 1.0, 10, 2,
        64, new Cem.Settings(64, 0.2, 5, 0.5, 0.05, 0.7, aMax, true, 42), 42, 5000, false, false, true, true));
  }

  @Override
  public Scorer scorer(int inputs, int hidden, double lr, long seed) {
    io.rlsearch.agents.nn.Mlp init = io.rlsearch.learn.MlpInit.create(new int[] {inputs, hidden, 1},
        io.rlsearch.agents.nn.Mlp.Activation.TANH, new io.rlsearch.core.random.NumpyRandom(seed));
    io.rlsearch.learn.RegressionModel m = learner.regression("scorer", init, lr, 0);
    return new Scorer() {
      @Override
      public float[] score(float[] x, int n) {
        return m.predict(x, n);
      }

      @Override
      public void step(float[] x, float[] g, int n) {
        m.outputGradientStep(x, g, n);
      }

      @Override
      public void close() {
        m.close();
      }
    };
  }

  @Override
  public AgentBuilder reinforceDeep() {
    NeuralAgents.ReinforceSettings r = NeuralAgents.ReinforceSettings.reference(false);
    return NeuralAgents.reinforce(learner, new NeuralAgents.ReinforceSettings(r.lr(), 0.02, r.baselineMomentum(),
        r.clipNorm(), new int[] {128, 128}, false, r.valueLr(), r.seed()));
  }

  @Override
  public AgentBuilder reinforce(boolean valueBaseline) {
    return NeuralAgents.reinforce(learner, NeuralAgents.ReinforceSettings.reference(valueBaseline));
  }
}
