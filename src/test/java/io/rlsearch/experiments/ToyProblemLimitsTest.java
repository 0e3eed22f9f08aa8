package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** The toy's settings at and just past their limits, and its exploration test at the exact draw. */
class ToyProblemLimitsTest {
  private static void refused(int steps, double eps, double lr) {
    String m = assertThrows(IllegalArgumentException.class, () -> ToyProblem.run(42, steps, eps, lr)).getMessage();
    assertTrue(m.startsWith("toy needs steps >= 1, eps in [0, 1], lr in (0, 1]; got steps " + steps), m);
  }

  @Test
  void settingsAreAcceptedExactlyAtTheirLimitsAndRefusedJustPast() {
    assertEquals(1, ToyProblem.run(42, 1, 0.1, 0.1).rewards().length);
    refused(0, 0.1, 0.1);
    assertEquals(5, ToyProblem.run(42, 5, 0.0, 0.1).rewards().length);
    refused(5, -1e-9, 0.1);
    assertEquals(5, ToyProblem.run(42, 5, 1.0, 0.1).rewards().length);
    refused(5, Math.nextUp(1.0), 0.1);
    assertEquals(5, ToyProblem.run(42, 5, 0.1, 1.0).rewards().length);
    refused(5, 0.1, Math.nextUp(1.0));
    assertEquals(5, ToyProblem.run(42, 5, 0.1, Double.MIN_VALUE).rewards().length);
    refused(5, 0.1, 0.0);
    String m = assertThrows(IllegalArgumentException.class, () -> ToyProblem.run(42, 3, 0.5, 0.0)).getMessage();
    assertEquals("toy needs steps >= 1, eps in [0, 1], lr in (0, 1]; got steps 3, eps 0.5, lr 0.0", m);
  }

  @Test
  void aUniformDrawEqualToEpsExploitsBecauseExplorationNeedsADrawBelowEps() {
    // The first step draws the context, then u; with eps == u exactly the step is greedy (u < eps is
    // false), so with no estimates yet it plays action 0, and with lr = 1 its estimate becomes the reward.
    NumpyRandom rng = new NumpyRandom(42);
    int c = (int) rng.integers(0, 3);
    double u = rng.random();
    assertTrue(u > 0 && u < 1);
    ToyProblem.Result r = ToyProblem.run(42, 1, u, 1.0);
    double[] q = r.q()[c];
    assertEquals(r.rewards()[0], q[0]);
    for (int a = 1; a < q.length; a++) {
      assertEquals(0.0, q[a], "action " + a);
    }
    // A hair above u explores: the reward lands on a uniformly drawn action (not 0 for this seed).
    ToyProblem.Result explored = ToyProblem.run(42, 1, Math.nextUp(u), 1.0);
    assertEquals(0.0, explored.q()[c][0]);
  }
}
