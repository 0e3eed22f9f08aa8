package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RidgeDirectMethodTest {
  @Test
  void featuresAreOneContextActionSquaredActionAndEveryContextActionProductInThatOrder() {
    double[] f = RidgeDirectMethod.features(new double[] {2, 3}, new double[] {5, 7});
    assertArrayEquals(new double[] {1, 2, 3, 5, 7, 25, 49, 10, 14, 15, 21}, f, 0.0);
  }

  @Test
  void aNoiselessRewardInTheFeaturesIsRecoveredAndAveragedAtTheTargetsActions() {
    // r(x, a) = 1 + 2x - a + 0.5a^2 + 3xa on x in {0, 1, 2}, a in {-1, 0, 1, 2}; lambda 1e-10 biases by ~1e-10.
    List<double[]> xs = new ArrayList<>();
    List<double[]> as = new ArrayList<>();
    List<double[]> ts = new ArrayList<>();
    double[] r = new double[12];
    int i = 0;
    for (int x = 0; x <= 2; x++) {
      for (int a = -1; a <= 2; a++) {
        xs.add(new double[] {x});
        as.add(new double[] {a});
        ts.add(new double[] {0.5});
        r[i++] = 1 + 2 * x - a + 0.5 * a * a + 3 * x * a;
      }
    }
    Estimate e = RidgeDirectMethod.estimate(xs, as, r, ts, 1e-10);
    // At a = 0.5: r = 0.625 + 3.5x, four contexts each of x = 0, 1, 2: mean 4.125, sum of squares 4 * 2 * 3.5^2 = 98.
    double se = Math.sqrt(98.0 / 11 / 12);
    assertEquals("dm_ridge", e.estimator());
    assertEquals(4.125, e.value(), 1e-6);
    assertEquals(se, e.stdError(), 1e-6);
    // Student's t 0.975 at 11 degrees of freedom.
    assertEquals(4.125 - 2.200985 * se, e.ciLow(), 1e-5);
    assertEquals(4.125 + 2.200985 * se, e.ciHigh(), 1e-5);
    assertEquals(12.0, e.ess(), 0.0);
    assertEquals(1.0, e.maxWeight(), 0.0);
    assertEquals(12, e.n());
    assertEquals("ridge reward model on [1, x, a, a^2, x a]; the interval covers context sampling, not model bias",
        e.note());
  }

  @Test
  void theRidgePenaltyShrinksTheInterceptByItsClosedForm() {
    // Zero contexts and actions: only the intercept feature is non-zero, so w0 = sum r / (n + lambda), the rest 0,
    // and every target action scores w0 (its action features meet zero weights): (1 + 2 + 3) / (3 + 1) = 1.5.
    List<double[]> zeros = List.of(new double[] {0}, new double[] {0}, new double[] {0});
    List<double[]> targets = List.of(new double[] {1}, new double[] {-2}, new double[] {3});
    Estimate e = RidgeDirectMethod.estimate(zeros, zeros, new double[] {1, 2, 3}, targets, 1.0);
    assertEquals(1.5, e.value(), 1e-12);
    assertEquals(0.0, e.stdError(), 1e-12);
    assertEquals(1.5, e.ciLow(), 1e-12);
    assertEquals(1.5, e.ciHigh(), 1e-12);
    // A vanishing penalty leaves the plain mean, 2.
    assertEquals(2.0, RidgeDirectMethod.estimate(zeros, zeros, new double[] {1, 2, 3}, targets, 1e-12).value(), 1e-9);
  }

  @Test
  void badInputIsRefusedWithOneLineNamingTheCounts() {
    List<double[]> two = List.of(new double[] {0}, new double[] {1});
    double[] r2 = {1, 2};
    String msg = assertThrows(IllegalArgumentException.class,
        () -> RidgeDirectMethod.estimate(List.of(new double[] {0}), List.of(new double[] {0}), new double[] {1},
            List.of(new double[] {0}), 1.0)).getMessage();
    assertEquals("the direct method needs n >= 2 logged decisions with a target action each and lambda > 0; got 1"
        + " contexts, 1 actions, 1 rewards, 1 target actions", msg);
    assertThrows(IllegalArgumentException.class,
        () -> RidgeDirectMethod.estimate(two, List.of(new double[] {0}), r2, two, 1.0));
    assertThrows(IllegalArgumentException.class,
        () -> RidgeDirectMethod.estimate(two, two, new double[] {1, 2, 3}, two, 1.0));
    assertThrows(IllegalArgumentException.class,
        () -> RidgeDirectMethod.estimate(two, two, r2, List.of(new double[] {0}), 1.0));
    assertThrows(IllegalArgumentException.class, () -> RidgeDirectMethod.estimate(two, two, r2, two, 0.0));
    assertThrows(IllegalArgumentException.class, () -> RidgeDirectMethod.estimate(two, two, r2, two, Double.NaN));
    assertEquals(2, RidgeDirectMethod.estimate(two, two, r2, two, 1.0).n());
  }
}
