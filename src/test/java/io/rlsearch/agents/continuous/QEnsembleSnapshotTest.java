package io.rlsearch.agents.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Q-ensemble's mean and spread on one-layer members, and its optimistic CEM choice. */
class QEnsembleSnapshotTest {
  private static Mlp linear(float[] w, float b) {
    return new Mlp(new int[] {w.length, 1}, new float[][] {w}, new float[][] {{b}}, Mlp.Activation.TANH);
  }

  /** Over (x, a0, a1): x + a0, a1 + 1, 2 x. */
  private static final List<Mlp> THREE = List.of(linear(new float[] {1f, 1f, 0f}, 0f),
      linear(new float[] {0f, 0f, 1f}, 1f), linear(new float[] {2f, 0f, 0f}, 0f));

  /** Over (x, a): 0 and 2 a - 2, so mean a - 1 and std |a - 1| (= 1 - a on [-1, 1]). */
  private static final List<Mlp> TWO = List.of(linear(new float[] {0f, 0f}, 0f), linear(new float[] {0f, 2f}, -2f));

  @Test
  void theSpreadOfMembersFarFromZeroIsTheSpreadAboutTheirMean() {
    // Three constant members at 1e7, 1e7 + 1, 1e7 + 1 (exact in float): mean 1e7 + 2/3, population variance
    // (4/9 + 1/9 + 1/9) / 3 = 2/9. The mean is rounded at 1e7's scale, so a sum of q^2 - m^2 terms would
    // be off by about 6e7 times that rounding; the deviations squared are not.
    List<Mlp> far = List.of(linear(new float[] {0f, 0f}, 1.0e7f), linear(new float[] {0f, 0f}, 1.0e7f + 1f),
        linear(new float[] {0f, 0f}, 1.0e7f + 1f));
    QEnsembleSnapshot p = new QEnsembleSnapshot(1, far, 0.0, Cem.Settings.defaults(1.0), 1);
    double[][] ms = p.predict(new double[] {0.0}, new double[][] {{0.0}});
    assertEquals(1.0e7 + 2.0 / 3, ms[0][0], 1e-8);
    assertEquals(Math.sqrt(2.0) / 3, ms[1][0], 1e-8);
  }

  @Test
  void predictGivesTheMembersMeanAndPopulationStdPerRow() {
    QEnsembleSnapshot p = new QEnsembleSnapshot(2, THREE, 1.0, Cem.Settings.defaults(1.0), 2);
    double[][] ms = p.predict(new double[] {0.5}, new double[][] {{2.5, 1.0}, {-0.5, 7.0}});
    // row 0: (3, 2, 1) -> mean 2, variance (1 + 0 + 1) / 3; row 1: (0, 8, 1) -> mean 3, variance (9 + 25 + 4) / 3
    assertArrayEquals(new double[] {2.0, 3.0}, ms[0], 1e-12);
    assertArrayEquals(new double[] {Math.sqrt(2.0 / 3), Math.sqrt(38.0 / 3)}, ms[1], 1e-12);
  }

  @Test
  void accessorsAndTheOneMemberMinimum() {
    QEnsembleSnapshot p = new QEnsembleSnapshot(7, TWO, 0.5, Cem.Settings.defaults(1.0), 1);
    assertEquals(TWO, p.members());
    assertEquals("contq", p.agent());
    assertEquals(7, p.version());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new QEnsembleSnapshot(0, List.of(), 0.0, Cem.Settings.defaults(1.0), 1));
    assertEquals("a Q-ensemble needs at least one member", e.getMessage());
  }

  private static double[] cemBest(double beta, long seed) {
    return Cem.maximise(as -> {
      double[] v = new double[as.length];
      for (int i = 0; i < as.length; i++) {
        double a = as[i][0];
        v[i] = (a - 1) + beta * Math.abs(a - 1);
      }
      return v;
    }, 1, Cem.Settings.defaults(1.0), Optional.empty(), Optional.empty(), new NumpyRandom(seed)).best();
  }

  @Test
  void actingMaximisesMeanPlusBetaTimesStdByCem() {
    double[] x = {0.3};
    QEnsembleSnapshot optimistic = new QEnsembleSnapshot(1, TWO, 2.0, Cem.Settings.defaults(1.0), 1);
    Decision d = optimistic.act(x, new NumpyRandom(13));
    // (a - 1) + 2 (1 - a) = 1 - a: the box's low end
    assertArrayEquals(cemBest(2.0, 13), d.action());
    assertTrue(d.action()[0] < -0.9, "optimistic action " + d.action()[0]);
    assertEquals(1.0, d.propensity());

    QEnsembleSnapshot greedy = new QEnsembleSnapshot(1, TWO, 0.0, Cem.Settings.defaults(1.0), 1);
    Decision g = greedy.act(x, new NumpyRandom(13));
    // the mean a - 1 alone: the high end
    assertArrayEquals(cemBest(0.0, 13), g.action());
    assertTrue(g.action()[0] > 0.9, "greedy action " + g.action()[0]);
  }

  @Test
  void withBetaAndGreedyChangeOnlyTheBonus() {
    double[] x = {0.3};
    QEnsembleSnapshot zero = new QEnsembleSnapshot(1, TWO, 0.0, Cem.Settings.defaults(1.0), 1);
    QEnsembleSnapshot two = new QEnsembleSnapshot(1, TWO, 2.0, Cem.Settings.defaults(1.0), 1);
    assertSame(zero, zero.withBeta(0.0));
    assertSame(two, two.withBeta(2.0));
    assertSame(zero, zero.greedy());

    QEnsembleSnapshot raised = zero.withBeta(2.0);
    assertNotSame(zero, raised);
    assertEquals(two.act(x, new NumpyRandom(5)), raised.act(x, new NumpyRandom(5)));
    assertNotEquals(zero.act(x, new NumpyRandom(5)), raised.act(x, new NumpyRandom(5)));
    assertEquals(1, raised.version());
    assertEquals(TWO, raised.members());

    var g = two.greedy();
    assertNotSame(two, g);
    assertEquals(1, g.version());
    assertEquals(zero.act(x, new NumpyRandom(5)), g.act(x, new NumpyRandom(5)));
  }
}
