package io.rlsearch.eval.slate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.eval.ope.Estimate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The slate estimators' arithmetic on hand-made logs. */
class SlateEstimatorsTest {
  @Test
  void whenTargetEqualsBehaviourEveryWeightedEstimatorIsTheLogMean() {
    LoggedSlate a = new LoggedSlate(new double[] {3, 1}, new double[] {0.5, 0.4}, new double[] {0.5, 0.4},
        new double[] {0.5, 0.3}, new double[] {0.5, 0.3}, new double[] {2, 2}, new double[] {2.5, 1.5}, 4);
    LoggedSlate b = new LoggedSlate(new double[] {0, 2}, new double[] {0.2, 0.1}, new double[] {0.2, 0.1},
        new double[] {0.2, 0.3}, new double[] {0.2, 0.3}, new double[] {1, 1}, new double[] {1, 1}, 2);
    Map<String, Estimate> e = SlateEstimators.all(List.of(a, b));
    for (String name : new String[] {"ips", "iips", "pi", "rips"}) {
      assertEquals(3.0, e.get(name).value(), 1e-12, name);
    }
    assertEquals(3.0, e.get("dm").value(), 1e-12);
    // cascade DR with weights 1: sum_k (r_k - q_k) + qbar_k = (4 - 4 + 4) and (2 - 2 + 2).
    assertEquals(3.0, e.get("cascade_dr").value(), 1e-12);
  }

  @Test
  void weightsFollowTheirDefinitions() {
    // Conditional ratios 2 and 0.5: prefix weights 2 and 1; marginal ratios 1.5 and 0.5.
    LoggedSlate s = new LoggedSlate(new double[] {1, 4}, new double[] {0.2, 0.4}, new double[] {0.4, 0.2},
        new double[] {0.2, 0.4}, new double[] {0.3, 0.2}, new double[] {0.5, 3}, new double[] {0.7, 2}, 0);
    Map<String, Estimate> e = SlateEstimators.all(List.of(s, s));
    assertEquals(1 * 5.0, e.get("ips").value(), 1e-12);
    assertEquals(1.5 * 1 + 0.5 * 4, e.get("iips").value(), 1e-12);
    assertEquals((1.5 + 0.5 - 2 + 1) * 5, e.get("pi").value(), 1e-12);
    assertEquals(2 * 1 + 1 * 4, e.get("rips").value(), 1e-12);
    assertEquals(2 * (1 - 0.5) + 1 * 0.7 + 1 * (4 - 3) + 2 * 2, e.get("cascade_dr").value(), 1e-12);
    assertEquals(0.0, e.get("ips").stdError(), 1e-12, "identical terms");
  }

  @Test
  void badLogsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LoggedSlate(new double[] {1}, new double[] {0},
        new double[] {1}, new double[] {1}, new double[] {1}, new double[] {0}, new double[] {0}, 0));
    assertThrows(IllegalArgumentException.class, () -> SlateEstimators.all(List.of()));
  }
}
