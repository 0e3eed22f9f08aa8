package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lab 2's click models: numpy's Bernoulli draw by its definition, and every figure of the lab pinned. */
class ClickModelsLabDefinitionTest {

  @Test
  void bernoulliAtOneHalfIsOneExactlyWhenTheUniformExceedsOneHalf() {
    // numpy's binomial(1, p) for p <= 0.5: 1 when the uniform exceeds (1 - p)^1; at p = 0.5 that is u > 0.5.
    NumpyRandom rng = new NumpyRandom(5);
    NumpyRandom twin = new NumpyRandom(5);
    int ones = 0;
    for (int i = 0; i < 200; i++) {
      double u = twin.random();
      int b = ClickModelsLab.bernoulli(rng, 0.5);
      assertEquals(u > 0.5 ? 1 : 0, b, "draw " + i + " u=" + u);
      ones += b;
    }
    assertEquals(true, ones > 0 && ones < 200);
  }

  @Test
  void bernoulliAboveOneHalfIsOneExactlyWhenTheUniformIsAtMostP() {
    NumpyRandom rng = new NumpyRandom(9);
    NumpyRandom twin = new NumpyRandom(9);
    for (int i = 0; i < 100; i++) {
      double u = twin.random();
      assertEquals(u > 0.7 ? 0 : 1, ClickModelsLab.bernoulli(rng, 0.7), "draw " + i);
    }
    assertEquals(0, ClickModelsLab.bernoulli(new NumpyRandom(1), 0.0));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyFigureOfTheLabIsPinned() {
    LabReport r = new ClickModelsLab().run(SimSettings.defaults());
    Map<String, Double> freq = (Map<String, Double>) r.figures().get("segment_frequencies");
    // Lab 2.1: 10,000 sampled users on seed 21 (counts / 10,000, so the shares are exact multiples of 1e-4).
    assertEquals(0.3352, freq.get("price_hunter"), 1e-15);
    assertEquals(0.254, freq.get("pl_lover"), 1e-15);
    assertEquals(0.1526, freq.get("premium"), 1e-15);
    assertEquals(0.2582, freq.get("litter_heavy"), 1e-15);
    assertEquals(4, freq.size());
    assertEquals(0.35 - 0.3352, (double) r.figures().get("segment_linf"), 1e-15);
    // Lab 2.3: closed forms by hand: exam_5 = 0.9 exp(-1.2); the DBN's P(examine 5) = prod_{j<4} (1 - rel_j sat_j).
    assertEquals(0.9 * Math.exp(-1.2), (double) r.figures().get("pbm_p_exam_5"), 1e-15);
    assertEquals((1 - 0.7 * 0.2) * (1 - 0.65 * 0.19) * (1 - 0.6 * 0.18) * (1 - 0.55 * 0.17),
        (double) r.figures().get("dbn_p_exam_5"), 1e-12);
    // The simulated errors are our run's own digits (a regression pin); the book records them to four places,
    // which LabsTest checks.
    assertEquals(0.0033786590988048593, (double) r.figures().get("pbm_max_error"), 1e-15);
    assertEquals(0.0023025796951052224, (double) r.figures().get("dbn_max_error"), 1e-15);
    // Lab 2.5: 2,000 cascade sessions; shares are multiples of 1 / 2,000.
    Map<String, Double> stops = (Map<String, Double>) r.figures().get("stop_reasons");
    assertEquals(0.95, stops.get("exam_fail"), 1e-15);
    assertEquals(0.049, stops.get("abandon"), 1e-15);
    assertEquals(0.001, stops.get("limit"), 1e-15);
    for (String key : r.figures().keySet()) {
      assertEquals(LabReport.MATCH, r.match().get(key), key);
    }
    assertEquals(8, r.figures().size());
    assertEquals(2.0365, (double) r.figures().get("mean_session_length"), 1e-12);
  }
}
