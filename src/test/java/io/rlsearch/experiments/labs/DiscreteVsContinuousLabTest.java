package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.sim.SimSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Appendix 7.A's lab follows the reference's comparison script: one generator for the world and both
 * agents, LinUCB over the 8 templates of amplitude 5, and the continuous weights applied to the
 * products' boost features (z-scored over the catalog) on the same base scores. With a fixed weight
 * vector in place of the Q-ensemble nothing in the script is left to chance but the seeded generator,
 * so the lab must give the script's figures: those below are the reference's script run with seed 42
 * and 3,000 episodes, its continuous agent replaced by the fixed vector (numpy 2; equal to the lab's up to
 * the order of the final sums).
 */
class DiscreteVsContinuousLabTest {
  private static final SimSettings DEFAULTS = SimSettings.defaults();

  /** The lab's neural agents replaced by the zero weight vector: the base ranker on the continuous side. */
  private static final LabLearners ZERO = new LabLearners() {
    @Override
    public AgentBuilder neuralLinear(int pretrain) {
      throw new UnsupportedOperationException();
    }

    @Override
    public AgentBuilder neuralEnsemble() {
      throw new UnsupportedOperationException();
    }

    @Override
    public AgentBuilder continuousQ(double aMax) {
      return ContinuousAgents.constant("zero", new double[10]);
    }

    @Override
    public AgentBuilder reinforce(boolean valueBaseline) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Scorer scorer(int inputs, int hidden, double lr, long seed) {
      throw new UnsupportedOperationException();
    }

    @Override
    public AgentBuilder reinforceDeep() {
      throw new UnsupportedOperationException();
    }
  };

  private static double at(Object figure, String box) {
    return figure instanceof Map<?, ?> m ? ((Number) m.get(box)).doubleValue() : ((Number) figure).doubleValue();
  }

  @Test
  void withAFixedVectorTheLabGivesTheScriptsFigures() {
    LabReport r = new NeuralLabs.DiscreteVsContinuous().run(DEFAULTS, ZERO);
    // the script with the zero vector: LinUCB and the base ranker, GMV over the last 1,000 of 3,000
    assertEquals(LIN_ZERO, at(r.figures().get("linucb_gmv_last_1000"), "5.0"), 1e-9, r.figures().toString());
    assertEquals(CONT_ZERO, at(r.figures().get("continuous_gmv_last_1000"), "5.0"), 1e-9, r.figures().toString());
  }

  static final double LIN_ZERO = 8.641160511127374;
  static final double CONT_ZERO = 3.9844399537721946;
}
