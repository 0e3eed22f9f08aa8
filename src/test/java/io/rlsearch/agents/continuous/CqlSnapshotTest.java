package io.rlsearch.agents.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** The CQL greedy policy on one-layer critics over (x, a0, a1) whose values are worked out by hand. */
class CqlSnapshotTest {
  /** q1 = x + a0 - a1. */
  private static final Mlp Q1 = linear(1f, 1f, -1f, 0f);
  /** q2 = 2 - a0. */
  private static final Mlp Q2 = linear(0f, -1f, 0f, 2f);

  private static Mlp linear(float wx, float w0, float w1, float b) {
    return new Mlp(new int[] {3, 1}, new float[][] {{wx, w0, w1}}, new float[][] {{b}}, Mlp.Activation.RELU);
  }

  private static CqlSnapshot cql() {
    return new CqlSnapshot("cql", 3, Q1, Q2, 2, 2.0, 8, 0.25, 2.0);
  }

  @Test
  void theValueIsTheSmallerCriticMappedBackToRewardUnits() {
    CqlSnapshot p = cql();
    // x 0.5, a (1.5, -1): q1 = 3, q2 = 0.5 -> 0.25 + 2 * 0.5
    assertEquals(1.25, p.value(new double[] {0.5}, new double[] {1.5, -1.0}));
    // x 0.5, a (0, 1): q1 = -0.5, q2 = 2 -> 0.25 + 2 * -0.5
    assertEquals(-0.75, p.value(new double[] {0.5}, new double[] {0.0, 1.0}));
    // the default map is the identity
    assertEquals(-0.5, new CqlSnapshot("cql", 3, Q1, Q2, 2, 2.0, 8).value(new double[] {0.5}, new double[] {0.0, 1.0}));
  }

  private static double minQ(double x, double a0, double a1) {
    return Math.min(x + a0 - a1, 2 - a0);
  }

  @Test
  void actingPlaysTheBestOfTheUniformCandidates() {
    CqlSnapshot p = cql();
    double x = 0.5;
    NumpyRandom rng = new NumpyRandom(21);
    NumpyRandom q = new NumpyRandom(21);
    for (int t = 0; t < 4; t++) {
      Decision d = p.act(new double[] {x}, rng);
      double[][] cand = new double[8][2];
      int best = 0;
      for (int c = 0; c < 8; c++) {
        cand[c][0] = -2 + 4 * q.random();
        cand[c][1] = -2 + 4 * q.random();
        if (minQ(x, cand[c][0], cand[c][1]) > minQ(x, cand[best][0], cand[best][1])) {
          best = c;
        }
      }
      assertTrue(best != 0 || t > 0, "the first decision's best should not be the first candidate");
      assertEquals(Decision.continuous(cand[best], 1.0), d, "decision " + t);
    }
  }

  @Test
  void tiedCandidatesGoToTheFirst() {
    Mlp flat = linear(0f, 0f, 0f, 1f);
    CqlSnapshot p = new CqlSnapshot("cql", 0, flat, flat, 2, 1.0, 3);
    Decision d = p.act(new double[] {0.0}, new NumpyRandom(4));
    NumpyRandom q = new NumpyRandom(4);
    assertArrayEquals(new double[] {-1 + 2 * q.random(), -1 + 2 * q.random()}, d.action());
  }

  @Test
  void withVersionKeepsEverythingElse() {
    CqlSnapshot p = cql().withVersion(11);
    assertEquals(11, p.version());
    assertEquals("cql", p.agent());
    assertSame(Q1, p.q1());
    assertSame(Q2, p.q2());
    assertEquals(2.0, p.aMax());
    assertEquals(2, p.actionDim());
    assertEquals(8, p.candidates());
    assertEquals(0.25, p.shift());
    assertEquals(2.0, p.scale());
    CqlSnapshot plain = new CqlSnapshot("cql", 3, Q1, Q2, 2, 2.0, 8);
    assertEquals(0.0, plain.shift());
    assertEquals(1.0, plain.scale());
  }

  @Test
  void theCriticsMustFitTheActionAndEachOther() {
    String msg = "CQL needs two critics with the same (context + 2 action) inputs and one output";
    Mlp twoIn = new Mlp(new int[] {2, 1}, new float[][] {{1f, 1f}}, new float[][] {{0f}}, Mlp.Activation.RELU);
    Mlp twoOut = new Mlp(new int[] {3, 2}, new float[][] {new float[6]}, new float[][] {new float[2]},
        Mlp.Activation.RELU);
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, twoIn, 2, 1.0, 1)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, twoOut, Q2, 2, 1.0, 1)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, twoOut, 2, 1.0, 1)).getMessage());
    // three inputs: an action of 3 leaves no context, an action of 2 leaves one
    assertEquals("CQL needs two critics with the same (context + 3 action) inputs and one output",
        assertThrows(IllegalArgumentException.class, () -> new CqlSnapshot("c", 0, Q1, Q2, 3, 1.0, 1)).getMessage());
    assertDoesNotThrow(() -> new CqlSnapshot("c", 0, Q1, Q2, 2, 1.0, 1));
  }

  @Test
  void theSearchSettingsAreCheckedAtTheirLimits() {
    String msg = "CQL needs a_max > 0, candidates >= 1, a finite shift and a scale > 0";
    double tiny = Double.MIN_VALUE;
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, Q2, 2, 0.0, 1, 0.0, 1.0)).getMessage());
    assertDoesNotThrow(() -> new CqlSnapshot("c", 0, Q1, Q2, 2, tiny, 1, 0.0, 1.0));
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, Q2, 2, 1.0, 0, 0.0, 1.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, Q2, 2, 1.0, 1, 0.0, 0.0)).getMessage());
    assertDoesNotThrow(() -> new CqlSnapshot("c", 0, Q1, Q2, 2, 1.0, 1, 0.0, tiny));
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, Q2, 2, 1.0, 1, Double.POSITIVE_INFINITY, 1.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, Q2, 2, 1.0, 1, Double.NaN, 1.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new CqlSnapshot("c", 0, Q1, Q2, 2, Double.NaN, 1, 0.0, 1.0)).getMessage());
    assertDoesNotThrow(() -> new CqlSnapshot("c", 0, Q1, Q2, 2, 1.0, 1, -1e300, tiny));
  }
}
