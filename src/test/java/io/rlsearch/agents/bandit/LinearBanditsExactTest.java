package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.core.random.NumpyRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** LinUCB's and linear Thompson sampling's scores, ties, bounds and diagnostics, by hand. */
class LinearBanditsExactTest {
  private static final double EPS = 1e-15;

  @Test
  void settingsRefuseAZeroPriorAndAZeroNoiseButAcceptTheSmallestPositive() {
    IllegalArgumentException l = assertThrows(IllegalArgumentException.class, () -> new LinUcb.Settings(0, 1, false));
    assertEquals("LinUCB lambda must be > 0, got 0.0", l.getMessage());
    IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
        () -> new LinUcb.Settings(1, -Double.MIN_VALUE, false));
    assertEquals("LinUCB alpha must be >= 0, got " + -Double.MIN_VALUE, a.getMessage());
    assertEquals(0.0, new LinUcb.Settings(Double.MIN_VALUE, 0, false).alpha());
    IllegalArgumentException tl = assertThrows(IllegalArgumentException.class, () -> new LinearThompson.Settings(0, 1));
    assertEquals("Thompson sampling lambda must be > 0, got 0.0", tl.getMessage());
    IllegalArgumentException ts = assertThrows(IllegalArgumentException.class, () -> new LinearThompson.Settings(1, 0));
    assertEquals("Thompson sampling sigma must be > 0, got 0.0", ts.getMessage());
    assertEquals(Double.MIN_VALUE, new LinearThompson.Settings(Double.MIN_VALUE, Double.MIN_VALUE).sigma());
  }

  @Test
  void oneArmIsEnoughAndNoneIsRefused() {
    assertEquals(1, new LinUcb(1, 2, LinUcb.Settings.defaults()).arms());
    assertEquals(1, new LinearThompson(1, 2, LinearThompson.Settings.defaults(), new NumpyRandom(1)).arms());
    IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
        () -> new LinUcb(0, 2, LinUcb.Settings.defaults()));
    assertEquals("LinUCB needs at least one arm, got 0", u.getMessage());
    IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
        () -> new LinearThompson(0, 2, LinearThompson.Settings.defaults(), new NumpyRandom(1)));
    assertEquals("Thompson sampling needs at least one arm, got 0", t.getMessage());
  }

  @Test
  void linUcbScoresAreTheMeanPlusAlphaTimesTheRootQuadraticForm() {
    LinUcb b = new LinUcb(2, 2, new LinUcb.Settings(1, 0.5, false));
    assertEquals(2, b.arms());
    // Arm 0 sees x (1, 0) with reward 4: A = diag(2, 1), theta = (2, 0). Arm 1 stays at the prior.
    b.update(0, new double[] {1, 0}, 4);
    double[] x = {3, 4};
    // Arm 0: 6 + 0.5 sqrt(9/2 + 16); arm 1: 0 + 0.5 sqrt(25).
    double[] ucb = b.ucbScores(x);
    assertEquals(6 + 0.5 * Math.sqrt(20.5), ucb[0], 1e-14);
    assertEquals(2.5, ucb[1], EPS);
    double[] mean = b.meanScores(x);
    assertEquals(6, mean[0], 1e-14);
    assertEquals(0, mean[1]);
    assertEquals(0, b.steps());
  }

  @Test
  void linUcbBreaksTiesAndNearTiesTowardsTheLowestArm() {
    // alpha 0: the score is theta . x = r / 2 after one reward r at x = 1 (lambda 1).
    IntFunction<LinUcb> make = k -> new LinUcb(2, 1, new LinUcb.Settings(1, 0, false));
    LinUcb exact = make.apply(0);
    exact.update(0, new double[] {1}, 2);
    exact.update(1, new double[] {1}, 2);
    assertEquals(0, exact.select(new double[] {1}));
    // Scores 1e6 and 1e6 + 1e-7 differ by 1e-13 of the score: within the relative tolerance, a tie.
    LinUcb near = make.apply(0);
    near.update(0, new double[] {1}, 2e6);
    near.update(1, new double[] {1}, 2e6 + 2e-7);
    assertEquals(0, near.select(new double[] {1}));
    // 1e6 and 1e6 + 1e-5 differ by 1e-11 of it: arm 1 is better.
    LinUcb apart = make.apply(0);
    apart.update(0, new double[] {1}, 2e6);
    apart.update(1, new double[] {1}, 2e6 + 2e-5);
    assertEquals(1, apart.select(new double[] {1}));
    // Small scores use an absolute tolerance of 1e-12: 0.5 and 0.5 + 1e-13 tie, 0.5 and 0.5 + 1e-11 do not.
    LinUcb small = make.apply(0);
    small.update(0, new double[] {1}, 1);
    small.update(1, new double[] {1}, 1 + 2e-13);
    assertEquals(0, small.select(new double[] {1}));
    LinUcb smallApart = make.apply(0);
    smallApart.update(0, new double[] {1}, 1);
    smallApart.update(1, new double[] {1}, 1 + 2e-11);
    assertEquals(1, smallApart.select(new double[] {1}));
    // Exactly at the tolerance is still a tie. lambda 9/16 and x 1 give L = 5/4 exactly, so a reward of
    // 25/16 gives theta = 1 exactly and the score at x = 1e-12 is exactly the tolerance above arm 0's 0.
    LinUcb at = new LinUcb(2, 1, new LinUcb.Settings(0.5625, 0, false));
    at.update(1, new double[] {1}, 1.5625);
    assertArrayEquals(new double[] {1}, at.theta(1));
    assertEquals(0, at.select(new double[] {LinUcb.TIE_TOLERANCE}));
    assertEquals(1, at.select(new double[] {Math.nextUp(LinUcb.TIE_TOLERANCE)}));
  }

  @Test
  void linUcbCountsSelectionsAndReportsNormsTracesAndWidth() {
    LinUcb b = new LinUcb(2, 2, new LinUcb.Settings(1, 0.5, false));
    // Arm 0: x (1, 0) r 4 then x (0, 1) r 3: A = diag(2, 2), b = (4, 3), theta = (2, 1.5), |theta| = 2.5.
    b.update(0, new double[] {1, 0}, 4);
    b.update(0, new double[] {0, 1}, 3);
    assertEquals(0, b.select(new double[] {1, 1}));
    assertEquals(0, b.select(new double[] {1, 1}));
    assertEquals(0, b.select(new double[] {1, 1}));
    // Arm 1 (prior only) wins where arm 0 predicts -2 + 0.5 * sqrt(0.5 * 2) < 0 + 0.5 * sqrt(2)... on (-1, 0):
    // arm 0: -2 + 0.5 sqrt(1/2); arm 1: 0.5.
    assertEquals(1, b.select(new double[] {-1, 0}));
    BanditDiagnostics d = b.diagnostics();
    assertArrayEquals(new long[] {3, 1}, d.selections());
    assertArrayEquals(new double[] {0.75, 0.25}, d.frequencies());
    assertArrayEquals(new double[] {2.5, 0}, d.thetaNorms(), 1e-14);
    assertArrayEquals(new double[] {1, 2}, d.traceInverse(), 1e-14);
    assertEquals(0.5, d.alpha());
    assertArrayEquals(new double[] {2, 0, 0, 2}, b.designMatrix(0));
    assertArrayEquals(new double[] {4, 3}, b.response(0));
    assertArrayEquals(new double[] {2, 1.5}, b.theta(0), 1e-14);
    assertEquals(4, b.steps());
    // Before any selection every frequency is 0.
    assertArrayEquals(new double[] {0, 0}, new LinUcb(2, 1, LinUcb.Settings.defaults()).diagnostics().frequencies());
  }

  @Test
  void everyPerArmQueryRefusesArmsOneBelowAndAtTheCount() {
    LinUcb b = new LinUcb(2, 1, LinUcb.Settings.defaults());
    LinearThompson t = new LinearThompson(2, 1, LinearThompson.Settings.defaults(), new NumpyRandom(1));
    for (int bad : new int[] {-1, 2}) {
      String msg = "arm must be in 0..1, got " + bad;
      assertEquals(msg, assertThrows(IllegalArgumentException.class, () -> b.theta(bad)).getMessage());
      assertEquals(msg, assertThrows(IllegalArgumentException.class, () -> b.designMatrix(bad)).getMessage());
      assertEquals(msg, assertThrows(IllegalArgumentException.class, () -> b.response(bad)).getMessage());
      assertEquals(msg, assertThrows(IllegalArgumentException.class,
          () -> b.update(bad, new double[] {1}, 1)).getMessage());
      assertEquals(msg, assertThrows(IllegalArgumentException.class, () -> t.theta(bad)).getMessage());
      assertEquals(msg, assertThrows(IllegalArgumentException.class, () -> t.precision(bad)).getMessage());
      assertEquals(msg, assertThrows(IllegalArgumentException.class,
          () -> t.update(bad, new double[] {1}, 1)).getMessage());
    }
    assertArrayEquals(new double[] {0}, b.theta(0));
    assertArrayEquals(new double[] {1}, b.designMatrix(0));
    assertArrayEquals(new double[] {0}, b.response(0));
    assertArrayEquals(new double[] {0}, t.theta(0));
    assertArrayEquals(new double[] {1}, t.precision(0));
  }

  @Test
  void thompsonWeighsObservationsBySigmaToTheMinusTwoAndReportsItsState() {
    // lambda 1, sigma 2: an observation has weight 1/4; x (2, 0) r 3: P = diag(1 + 1, 1), b = (1.5, 0), theta = (0.75, 0).
    LinearThompson t = new LinearThompson(2, 2, new LinearThompson.Settings(1, 2), new NumpyRandom(4));
    t.update(1, new double[] {2, 0}, 3);
    assertArrayEquals(new double[] {2, 0, 0, 1}, t.precision(1));
    assertArrayEquals(new double[] {0.75, 0}, t.theta(1), EPS);
    assertArrayEquals(new double[] {1, 0, 0, 1}, t.precision(0));
    assertArrayEquals(new double[] {0, 0.75}, t.meanScores(new double[] {1, 2}), EPS);
    // A zero context scores 0 for every draw of every arm: a tie, which goes to the first arm.
    assertEquals(0, t.select(new double[] {0, 0}));
    assertEquals(0, t.select(new double[] {0, 0}));
    BanditDiagnostics d = t.diagnostics();
    assertArrayEquals(new long[] {2, 0}, d.selections());
    assertArrayEquals(new double[] {1, 0}, d.frequencies());
    assertArrayEquals(new double[] {0, 0.75}, d.thetaNorms(), EPS);
    assertArrayEquals(new double[] {2, 1.5}, d.traceInverse(), EPS);
    assertEquals(Double.NaN, d.alpha());
    assertEquals(2, t.arms());
    assertEquals(2, t.dim());
  }
}
