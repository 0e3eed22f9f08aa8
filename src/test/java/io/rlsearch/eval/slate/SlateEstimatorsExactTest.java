package io.rlsearch.eval.slate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.Estimate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every slate estimator's value, interval, standard error, effective sample size and largest weight by hand. */
class SlateEstimatorsExactTest {
  /**
   * Two positions: conditional ratios 2 and 0.5 (prefix weights 2, then 1), marginal ratios 1.5 and 0.5, rewards
   * 1 and 4. Terms: ips 1 x 5 = 5, iips 1.5 + 2 = 3.5, pi (2 - 2 + 1) x 5 = 5, rips 2 + 4 = 6, dm 0, cascade DR
   * 2 (1 - 0.5) + 1 x 0.7 + 1 (4 - 3) + 2 x 2 = 6.7. Weights: 1, 1.5, 1, 1, 1, 1.
   */
  private static final LoggedSlate S = new LoggedSlate(new double[] {1, 4}, new double[] {0.2, 0.4},
      new double[] {0.4, 0.2}, new double[] {0.2, 0.4}, new double[] {0.3, 0.2}, new double[] {0.5, 3},
      new double[] {0.7, 2}, 0);

  /**
   * One position: conditional ratio 2, marginal ratio 4, reward 2, model 1 (logged) and 1.5 (target), direct term
   * 3. Terms: ips 4, iips 8, pi (4 - 1 + 1) x 2 = 8, rips 4, dm 3, cascade DR 2 (2 - 1) + 1.5 = 3.5. Weights: 2, 4,
   * 4, 2, 1, 2.
   */
  private static final LoggedSlate T = new LoggedSlate(new double[] {2}, new double[] {0.5}, new double[] {1.0},
      new double[] {0.25}, new double[] {1.0}, new double[] {1}, new double[] {1.5}, 3);

  private static void check(Estimate e, double a, double b, double ess, double maxWeight) {
    // Two terms: mean (a + b) / 2, standard error |a - b| / 2, interval mean +- t(1) x se.
    double mean = (a + b) / 2;
    double se = Math.abs(a - b) / 2;
    String name = e.estimator();
    assertEquals(mean, e.value(), 1e-12, name);
    assertEquals(se, e.stdError(), 1e-12, name);
    assertEquals(mean - Summary.t975(1) * se, e.ciLow(), 1e-9, name);
    assertEquals(mean + Summary.t975(1) * se, e.ciHigh(), 1e-9, name);
    assertEquals(ess, e.ess(), 1e-12, name);
    assertEquals(maxWeight, e.maxWeight(), 1e-12, name);
    assertEquals(2, e.n(), name);
  }

  @Test
  void twoDifferentRankingsGiveEachEstimatorItsMeanSpreadAndWeights() {
    Map<String, Estimate> e = SlateEstimators.all(List.of(S, T));
    assertEquals(List.of("ips", "iips", "pi", "rips", "dm", "cascade_dr"), List.copyOf(e.keySet()));
    // ESS (sum w)^2 / sum w^2: weights 1 and 2 give 9 / 5.
    check(e.get("ips"), 5, 4, 9.0 / 5, 2);
    check(e.get("iips"), 3.5, 8, 5.5 * 5.5 / (1.5 * 1.5 + 16), 4);
    check(e.get("pi"), 5, 8, 25.0 / 17, 4);
    check(e.get("rips"), 6, 4, 9.0 / 5, 2);
    check(e.get("dm"), 0, 3, 2, 1);
    check(e.get("cascade_dr"), 6.7, 3.5, 9.0 / 5, 2);
    assertEquals("weight: sum of marginal ratios - K + 1", e.get("pi").note());
  }

  @Test
  void aSingleRankingHasNoStandardErrorAndTheLargestWeightIsInAbsoluteValue() {
    // Marginal ratios 0.1 and 0.1: the pseudo-inverse weight is 0.2 - 2 + 1 = -0.8.
    LoggedSlate low = new LoggedSlate(new double[] {1, 1}, new double[] {0.5, 0.5}, new double[] {0.5, 0.5},
        new double[] {0.5, 0.5}, new double[] {0.05, 0.05}, new double[] {0, 0}, new double[] {0, 0}, 0);
    Estimate pi = SlateEstimators.all(List.of(low)).get("pi");
    assertEquals(-0.8 * 2, pi.value(), 1e-12);
    assertEquals(0.0, pi.stdError());
    assertEquals(0.8, pi.maxWeight(), 1e-12);
    assertEquals(1.0, pi.ess(), 1e-12);
    assertEquals(1, pi.n());
  }

  @Test
  void weightsThatAreAllZeroHaveAnEffectiveSampleSizeOfZero() {
    // The target never shows the logged first item: every prefix weight is 0.
    LoggedSlate never = new LoggedSlate(new double[] {1}, new double[] {0.5}, new double[] {0},
        new double[] {0.5}, new double[] {0}, new double[] {0}, new double[] {0}, 0);
    Estimate ips = SlateEstimators.all(List.of(never, never)).get("ips");
    assertEquals(0.0, ips.value());
    assertEquals(0.0, ips.ess());
    assertEquals(0.0, ips.maxWeight());
  }

  @Test
  void everyBehaviourPropensityMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new LoggedSlate(new double[] {1}, new double[] {0.5},
        new double[] {1}, new double[] {0}, new double[] {1}, new double[] {0}, new double[] {0}, 0));
    assertThrows(IllegalArgumentException.class, () -> new LoggedSlate(new double[] {1}, new double[] {0.5},
        new double[] {1}, new double[] {Double.NaN}, new double[] {1}, new double[] {0}, new double[] {0}, 0));
    assertThrows(IllegalArgumentException.class, () -> new LoggedSlate(new double[] {1, 1},
        new double[] {0.5, 0}, new double[] {1, 1}, new double[] {0.5, 0.5}, new double[] {1, 1},
        new double[] {0, 0}, new double[] {0, 0}, 0));
    assertThrows(IllegalArgumentException.class, () -> new LoggedSlate(new double[0], new double[0],
        new double[0], new double[0], new double[0], new double[0], new double[0], 0));
    assertThrows(IllegalArgumentException.class, () -> new LoggedSlate(new double[] {1}, new double[] {0.5},
        new double[] {1}, new double[] {0.5}, new double[] {1}, new double[] {0}, new double[] {0, 0}, 0));
  }
}
