package io.rlsearch.agents.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdvantagesTest {
  private static final double[] R = {1.0, 0.0, 2.0, -1.0};
  private static final double[] V = {0.5, 0.3, 1.0, 0.2};

  /** GAE by its definition: sum over later TD errors weighted by (gamma lambda)^k. */
  private static double[] gaeByDefinition(double[] r, double[] v, double boot, double g, double l) {
    int n = r.length;
    double[] delta = new double[n];
    for (int t = 0; t < n; t++) {
      double next = t + 1 < n ? v[t + 1] : boot;
      delta[t] = r[t] + g * next - v[t];
    }
    double[] a = new double[n];
    for (int t = 0; t < n; t++) {
      double w = 1;
      for (int k = t; k < n; k++) {
        a[t] += w * delta[k];
        w *= g * l;
      }
    }
    return a;
  }

  @Test
  void gaeMatchesItsDefinitionAndTargetsAreAdvantagePlusValue() {
    for (double[] gl : new double[][] {{0.99, 0.95}, {0.9, 1.0}, {0.5, 0.0}, {1.0, 1.0}}) {
      Advantages.Estimates e = Advantages.gae(R, V, 0.7, gl[0], gl[1]);
      assertArrayEquals(gaeByDefinition(R, V, 0.7, gl[0], gl[1]), e.advantages(), 1e-12);
      for (int t = 0; t < R.length; t++) {
        assertEquals(e.advantages()[t] + V[t], e.targets()[t], 1e-12);
      }
    }
    // lambda = 1, gamma = 1, ended trajectory: the target is the Monte-Carlo return.
    Advantages.Estimates mc = Advantages.gae(R, V, 0.0, 1.0, 1.0);
    assertArrayEquals(new double[] {2.0, 1.0, 1.0, -1.0}, mc.targets(), 1e-12);
  }

  @Test
  void truncatedWeightsAboveOneChangeNothingAndBelowOneShrinkTheCorrection() {
    double[] big = {3.0, 1.5, 7.0, 2.0};
    Advantages.Estimates on = Advantages.gae(R, V, 0.0, 0.9, 0.95);
    Advantages.Estimates off = Advantages.vtraceGae(R, V, big, 0.0, 0.9, 0.95, 1.0, 1.0);
    assertArrayEquals(on.advantages(), off.advantages(), 1e-12);
    // One-step case: the advantage is rho * (r - V) with rho = min(1, ratio).
    Advantages.Estimates one = Advantages.vtraceGae(new double[] {2.0}, new double[] {0.5}, new double[] {0.25}, 0.0,
        0.99, 0.95, 1.0, 1.0);
    assertEquals(0.25 * 1.5, one.advantages()[0], 1e-12);
    assertEquals(0.5 + 0.25 * 1.5, one.targets()[0], 1e-12);
    // A zero trace cuts the later corrections off.
    Advantages.Estimates cut = Advantages.vtraceGae(R, V, new double[] {1, 0, 1, 1}, 0.0, 0.9, 1.0, 1.0, 1.0);
    assertEquals(R[0] + 0.9 * V[1] - V[0], cut.advantages()[0], 1e-12);
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Advantages.gae(R, new double[2], 0, 0.9, 0.9));
    assertThrows(IllegalArgumentException.class, () -> Advantages.gae(R, V, 0, 1.1, 0.9));
    assertThrows(IllegalArgumentException.class,
        () -> Advantages.vtraceGae(R, V, new double[] {1, Double.NaN, 1, 1}, 0, 0.9, 0.9, 1, 1));
  }

  @Test
  void theClipZeroesTheGradientOnlyWhereItBinds() {
    assertEquals(2.0 * 1.1, ClippedSurrogate.logProbWeight(1.1, 2.0, 0.2), 1e-12);
    assertEquals(0.0, ClippedSurrogate.logProbWeight(1.3, 2.0, 0.2));
    assertEquals(-2.0 * 1.3, ClippedSurrogate.logProbWeight(1.3, -2.0, 0.2), 1e-12);
    assertEquals(0.0, ClippedSurrogate.logProbWeight(0.7, -2.0, 0.2));
    assertEquals(2.0 * 0.7, ClippedSurrogate.logProbWeight(0.7, 2.0, 0.2), 1e-12);
    assertEquals(2.0 * 1.2, ClippedSurrogate.value(1.5, 2.0, 0.2), 1e-12);
    assertEquals(-2.0 * 1.5, ClippedSurrogate.value(1.5, -2.0, 0.2), 1e-12);
  }

  @Test
  void gammaAndTheTraceTruncationAreCheckedAtTheirBounds() {
    double[] ones = {1, 1, 1, 1};
    // gamma = 0 is accepted: every advantage is its own TD error r_t - V_t (nothing bootstraps)
    Advantages.Estimates myopic = Advantages.vtraceGae(R, V, ones, 5.0, 0.0, 0.9, 1.0, 1.0);
    assertArrayEquals(new double[] {0.5, -0.3, 1.0, -1.2}, myopic.advantages(), 1e-15);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Advantages.vtraceGae(R, V, ones, 0, -0.01, 0.9, 1.0, 1.0));
    assertEquals("need gamma and lambda in [0, 1] and rhoBar >= cBar > 0; got gamma -0.01, lambda 0.9, rhoBar 1.0,"
        + " cBar 1.0", e.getMessage());
    // cBar = 0 is refused (even with rhoBar >= cBar); a tiny positive cBar is accepted
    assertThrows(IllegalArgumentException.class, () -> Advantages.vtraceGae(R, V, ones, 0, 0.9, 0.9, 1.0, 0.0));
    Advantages.Estimates tiny = Advantages.vtraceGae(R, V, ones, 0, 0.0, 0.9, 1.0, Double.MIN_VALUE);
    assertArrayEquals(myopic.advantages(), tiny.advantages(), 1e-15);
    // rhoBar just below cBar is refused
    assertThrows(IllegalArgumentException.class,
        () -> Advantages.vtraceGae(R, V, ones, 0, 0.9, 0.9, Math.nextDown(1.0), 1.0));
  }
}
