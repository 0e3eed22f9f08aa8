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
   * The Chapter-7 comparison's Q-ensemble: 3 members of (64), lr 5e-3, an update every 10 transitions
   * of 2 minibatch steps of 64 per member from a bootstrapped replay of 5,000, standardised targets, UCB
   * beta 1, and the battle's CEM for the box.
   */
  @Override
  public AgentBuilder continuousQ(double aMax) {
    return NeuralAgents.qEnsemble(learner, new NeuralAgents.QEnsembleSettings(3, new int[] {64}, 5e-3, 0, 1.0, 10, 2,
        64, new Cem.Settings(32, 0.2, 4, aMax / 2, 0.05, 0.2, aMax, false, 0), 42, 5000, true, true));
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
