package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.sim.SimSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BellmanLabIterationsTest {

  @Test
  void theCapIsReturnedWhenTheLastAllowedSweepHasNotConverged() {
    // at gamma 0.5 value iteration needs exactly 21 sweeps (the book's count): a cap of 20 stops one short
    assertEquals(21, BellmanLab.iterations(0.5, 1e-6, 10_000));
    assertEquals(21, BellmanLab.iterations(0.5, 1e-6, 21));
    assertEquals(20, BellmanLab.iterations(0.5, 1e-6, 20));
  }

  @Test
  void aChangeExactlyAtTheToleranceIsNotYetConverged() {
    // gamma 0: T V = max_a R(s, a) = (1.0, 1.2, 0.4) for any V, so the first sweep moves V by exactly 1.2
    // and the second by 0
    assertEquals(2, BellmanLab.iterations(0.0, 1.2, 100));
    assertEquals(1, BellmanLab.iterations(0.0, Math.nextUp(1.2), 100));
  }

  @Test
  void theReportCarriesTheBoundAndEveryGammasCount() {
    LabReport r = new BellmanLab().run(SimSettings.defaults());
    assertEquals(Boolean.TRUE, r.figures().get("contraction_bound_holds"));
    @SuppressWarnings("unchecked")
    Map<String, Double> iters = (Map<String, Double>) r.figures().get("iterations");
    assertEquals(Map.of("0.5", 21.0, "0.7", 39.0, "0.9", 128.0, "0.95", 261.0, "0.99", 1327.0), iters);
  }
}
