package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.sim.SimSettings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
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

  /**
   * The lab's neural agents replaced by fixed weight vectors: in the box of 5.0 the zero vector (the base
   * ranker on the continuous side), in the box of 0.5 the lab's own "price_0.5" vector (0.5 on boost 5),
   * so the box's figures must be that fixed vector's.
   */
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
      double[] w = new double[10];
      if (aMax == 0.5) {
        w[5] = 0.5;
      }
      return ContinuousAgents.constant("fixed", w);
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

  private static LabReport r;

  @BeforeAll
  static void run() {
    r = new NeuralLabs.DiscreteVsContinuous().run(DEFAULTS, ZERO);
  }

  @Test
  void withAFixedVectorTheLabGivesTheScriptsFigures() {
    // the script with the zero vector: LinUCB and the base ranker, GMV over the last 1,000 of 3,000
    assertEquals(LIN_ZERO, at(r.figures().get("linucb_gmv_last_1000"), "5.0"), 1e-9, r.figures().toString());
    assertEquals(CONT_ZERO, at(r.figures().get("continuous_gmv_last_1000"), "5.0"), 1e-9, r.figures().toString());
  }

  @Test
  void theFixedVectorsRunTheSameProtocolAndTheZeroVectorGivesTheScriptsFigure() {
    @SuppressWarnings("unchecked")
    Map<String, Double> fixed = (Map<String, Double>) r.figures().get("fixed_weights_gmv_last_1000");
    assertEquals(List.of("zero", "cm2_0.5", "price_0.5"), List.copyOf(fixed.keySet()));
    // the zero vector ranks as the base ranker whatever the box: the script's figure
    assertEquals(CONT_ZERO, fixed.get("zero"), 1e-9);
    // the box of 0.5 played the price vector: the same sessions as the fixed price vector's
    assertEquals(fixed.get("price_0.5"), at(r.figures().get("continuous_gmv_last_1000"), "0.5"), 0.0);
    assertNotEquals(fixed.get("zero"), fixed.get("cm2_0.5"), "cm2_0.5 boosts something");
    assertNotEquals(fixed.get("price_0.5"), fixed.get("cm2_0.5"), "cm2_0.5 boosts another feature than price_0.5");
    assertNotEquals(fixed.get("zero"), fixed.get("price_0.5"));
  }

  @Test
  void theGainIsTheContinuousAgentsOverLinUcbsInPercentAndTheVerdictsNameTheirSources() {
    @SuppressWarnings("unchecked")
    Map<String, Double> pct = (Map<String, Double>) r.figures().get("continuous_vs_linucb_pct");
    assertEquals(List.of("0.5", "5.0"), List.copyOf(pct.keySet()));
    assertEquals(100 * (CONT_ZERO - LIN_ZERO) / LIN_ZERO, pct.get("5.0"), 1e-9);
    double lin = at(r.figures().get("linucb_gmv_last_1000"), "0.5");
    double cont = at(r.figures().get("continuous_gmv_last_1000"), "0.5");
    assertEquals(100 * (cont - lin) / lin, pct.get("0.5"), 1e-9);
    assertEquals(pct, r.figures().get("continuous_vs_linucb_pct_current_script"));
    assertEquals(Map.of("0.5", -49.8, "5.0", 101.2), r.book().get("continuous_vs_linucb_pct"));
    assertEquals(Map.of("0.5", 49.7, "5.0", 195.0), r.book().get("continuous_vs_linucb_pct_current_script"));
    assertEquals(Map.of("0.5", 10.12, "5.0", 8.87), r.book().get("linucb_gmv_last_1000"));
    assertEquals(Map.of("0.5", 15.14, "5.0", 26.16), r.book().get("continuous_gmv_last_1000"));
    // the base ranker is 54% below LinUCB: far from the book's +101% and the script's +195%
    String book = r.match().get("continuous_vs_linucb_pct");
    assertTrue(book.contains(String.format(Locale.ROOT, "5.0: ours %.4g against 101.2", pct.get("5.0"))), book);
    assertTrue(book.contains("(tolerance 5.00): one run of each agent per box"), book);
    String script = r.match().get("continuous_vs_linucb_pct_current_script");
    assertTrue(script.contains(String.format(Locale.ROOT, "5.0: ours %.4g against 195.0", pct.get("5.0"))), script);
    assertTrue(r.match().get("linucb_gmv_last_1000").startsWith(String.format(Locale.ROOT,
        "ours %.2f and %.2f against 10.12 and 8.87: LinUCB shares the generator", lin, LIN_ZERO)));
    assertTrue(r.match().get("continuous_gmv_last_1000").startsWith(String.format(Locale.ROOT,
        "ours %.2f and %.2f against 15.14 and 26.16: one run of each agent", cont, CONT_ZERO)));
    String src = NeuralLabs.DiscreteVsContinuous.SOURCE + " (printed by an earlier version of the script)";
    assertEquals(src, r.sources().get("continuous_vs_linucb_pct"));
    for (String k : List.of("continuous_vs_linucb_pct_current_script", "linucb_gmv_last_1000",
        "continuous_gmv_last_1000")) {
      assertEquals(NeuralLabs.DiscreteVsContinuous.SCRIPT, r.sources().get(k), k);
    }
    assertEquals(List.of("continuous_vs_linucb_pct", "continuous_vs_linucb_pct_current_script", "linucb_gmv_last_1000",
        "continuous_gmv_last_1000", "fixed_weights_gmv_last_1000"), List.copyOf(r.figures().keySet()));
  }

  static final double LIN_ZERO = 8.641160511127374;
  static final double CONT_ZERO = 3.9844399537721946;
}
