package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.sim.ZoosimConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Appendix 7.A's lab run inside one test, in a world of 200 products (DiscreteVsContinuousLabTest
 * shares one run between its tests, which mutation testing credits to its first test only): the gain
 * is the continuous agent's GMV over LinUCB's in percent, box by box, and the fixed vectors are the
 * zero vector, 0.5 on boost 0 and 0.5 on boost 5, each played.
 */
class DiscreteVsContinuousLabOneRunTest {
  @Test
  void theGainIsInPercentOfLinUcbAndEveryFixedVectorIsPlayed() {
    LabLearners zero = new NeuralLabsTest.Refusing() {
      @Override
      public AgentBuilder continuousQ(double aMax) {
        return ContinuousAgents.constant("fixed", new double[10]);
      }
    };
    LabReport r = new NeuralLabs.DiscreteVsContinuous().run(ZoosimConfig.fromString("catalog { n_products = 200 }"),
        zero);
    @SuppressWarnings("unchecked")
    Map<String, Double> pct = (Map<String, Double>) r.figures().get("continuous_vs_linucb_pct");
    @SuppressWarnings("unchecked")
    Map<String, Double> lin = (Map<String, Double>) r.figures().get("linucb_gmv_last_1000");
    @SuppressWarnings("unchecked")
    Map<String, Double> gmv = (Map<String, Double>) r.figures().get("continuous_gmv_last_1000");
    for (String box : List.of("0.5", "5.0")) {
      double l = lin.get(box);
      double g = gmv.get(box);
      assertNotEquals(l, g, box);
      assertEquals(100 * (g - l) / l, pct.get(box), 1e-9, box);
    }
    @SuppressWarnings("unchecked")
    Map<String, Double> fixed = (Map<String, Double>) r.figures().get("fixed_weights_gmv_last_1000");
    assertEquals(List.of("zero", "cm2_0.5", "price_0.5"), List.copyOf(fixed.keySet()));
    // the zero vector is what the stand-in played in either box
    assertEquals(gmv.get("0.5"), fixed.get("zero"), 0.0);
    assertNotEquals(fixed.get("zero"), fixed.get("cm2_0.5"), "0.5 on boost 0 changes the rankings");
    assertNotEquals(fixed.get("zero"), fixed.get("price_0.5"), "0.5 on boost 5 changes the rankings");
  }
}
