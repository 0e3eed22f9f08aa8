package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lab 1.1's weight-sensitivity table: the four weightings' mean rewards on the same 500 sessions. */
class RewardLabRunTest {

  @Test
  void theWeightSensitivityTableHasAllFourWeightingsAndMatchesTheBook() {
    LabReport r = new RewardLab().run(SimSettings.defaults());
    @SuppressWarnings("unchecked")
    Map<String, Double> ours = (Map<String, Double>) r.figures().get("weight_sensitivity_mean_reward");
    assertEquals(List.of("Balanced", "GMV-Focused", "Profit-Focused", "Engagement-Heavy"), new ArrayList<>(ours.keySet()));
    // The book's printed means, to the cent.
    assertEquals(237.64, ours.get("Balanced"), 0.005);
    assertEquals(223.30, ours.get("GMV-Focused"), 0.005);
    assertEquals(154.17, ours.get("Profit-Focused"), 0.005);
    assertEquals(228.21, ours.get("Engagement-Heavy"), 0.005);
    assertEquals(LabReport.MATCH, r.match().get("weight_sensitivity_mean_reward"));

    // The reward is linear in its weights, so each mean is the weights applied to the mean outcome of the
    // 500 sessions (segment, then wd in [-0.5, 0.8), wq in [-0.3, 0.8), then the session, on default_rng(42)).
    NumpyRandom rng = new NumpyRandom(42);
    double[] mean = new double[4];
    for (int i = 0; i < 500; i++) {
      int seg = (int) rng.integers(0, 4);
      double wd = rng.uniform(-0.5, 0.8);
      double wq = rng.uniform(-0.3, 0.8);
      RewardLab.Outcome o = RewardLab.session(seg, wd, wq, rng);
      mean[0] += o.gmv() / 500;
      mean[1] += o.cm2() / 500;
      mean[2] += o.strat() / 500.0;
      mean[3] += o.clicks() / 500.0;
    }
    assertEquals(mean[0], (double) r.figures().get("weight_sensitivity_mean_gmv"), 1e-9);
    double[][] weights = {{1.0, 0.5, 0.2, 0.1}, {1.0, 0.2, 0.1, 0.05}, {0.5, 1.0, 0.3, 0.05}, {1.0, 0.3, 0.2, 0.09}};
    String[] names = {"Balanced", "GMV-Focused", "Profit-Focused", "Engagement-Heavy"};
    for (int c = 0; c < 4; c++) {
      double expected = 0;
      for (int k = 0; k < 4; k++) {
        expected += weights[c][k] * mean[k];
      }
      assertEquals(expected, ours.get(names[c]), 1e-9, names[c]);
    }
  }
}
