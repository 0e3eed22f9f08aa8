package io.rlsearch.agents.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** N(mu(x), diag(std^2)) on a one-layer mean network, checked against the density written out by hand. */
class GaussianPolicySnapshotTest {
  /** mu(x) = (2 x + 0.5, -x) for one input. */
  private static final Mlp MU = new Mlp(new int[] {1, 2}, new float[][] {{2f, -1f}}, new float[][] {{0.5f, 0f}},
      Mlp.Activation.RELU);
  private static final double LN2 = Math.log(2);
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private static GaussianPolicySnapshot policy() {
    // std = (exp(0) = 1, exp(ln 2) = 2)
    return new GaussianPolicySnapshot("reinforce", 6, MU, new double[] {0.0, LN2});
  }

  @Test
  void theStdIsTheClampedExponential() {
    assertEquals(1.0, GaussianPolicySnapshot.std(0.0));
    assertEquals(Math.exp(0.5), GaussianPolicySnapshot.std(0.5));
    assertEquals(Math.exp(-2), GaussianPolicySnapshot.std(-2.0));
    assertEquals(Math.exp(-2), GaussianPolicySnapshot.std(-7.0));
    assertEquals(Math.E, GaussianPolicySnapshot.std(1.0));
    assertEquals(Math.E, GaussianPolicySnapshot.std(4.0));
  }

  @Test
  void accessorsAndTheMeanAction() {
    GaussianPolicySnapshot p = policy();
    double[] ls = {0.0, LN2};
    assertArrayEquals(ls, p.logStd());
    p.logStd()[0] = 5; // a copy
    assertArrayEquals(ls, p.logStd());
    assertSame(MU, p.mu());
    assertEquals("reinforce", p.agent());
    assertEquals(6, p.version());
    // x = 1: (2.5, -1)
    assertArrayEquals(new double[] {2.5, -1.0}, p.mean(new double[] {1.0}));
    assertArrayEquals(new double[] {-0.5, 0.5}, p.mean(new double[] {-0.5}));
  }

  @Test
  void theLogDensityIsTheDiagonalGaussiansWrittenOut() {
    GaussianPolicySnapshot p = policy();
    // x = 1, mean (2.5, -1), std (1, 2); a = (4.5, 5): z = (2, 3)
    // log pi = (-0.5 * 4 - 0 - 0.5 ln 2 pi) + (-0.5 * 9 - ln 2 - 0.5 ln 2 pi) = -6.5 - ln 2 - ln 2 pi
    assertEquals(-6.5 - LN2 - LOG_2PI, p.logDensity(new double[] {1.0}, new double[] {4.5, 5.0}), 1e-12);
    // a = the mean: -ln 2 - ln 2 pi
    assertEquals(-LN2 - LOG_2PI, p.logDensity(new double[] {1.0}, new double[] {2.5, -1.0}), 1e-12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.logDensity(new double[] {1.0}, new double[] {1.0}));
    assertEquals("action has 1 values, the policy 2", e.getMessage());
  }

  @Test
  void aDecisionIsTheMeanPlusStdTimesNoiseWithItsDensity() {
    GaussianPolicySnapshot p = policy();
    NumpyRandom rng = new NumpyRandom(17);
    NumpyRandom q = new NumpyRandom(17);
    for (int t = 0; t < 5; t++) {
      double x = 0.25 * t - 0.5;
      Decision d = p.act(new double[] {x}, rng);
      double z0 = q.standardNormal();
      double z1 = q.standardNormal();
      double[] a = {2 * x + 0.5 + z0, -x + 2 * z1};
      assertArrayEquals(a, d.action(), 1e-12);
      double log = -0.5 * z0 * z0 - 0.5 * z1 * z1 - LN2 - LOG_2PI;
      assertEquals(Math.exp(log), d.propensity(), 1e-12 * Math.exp(log));
      assertEquals(p.logDensity(new double[] {x}, a), Math.log(d.propensity()), 1e-9);
    }
  }

  @Test
  void sampleTakesAGivenMeanAndChecksItsLength() {
    GaussianPolicySnapshot p = policy();
    Decision d = p.sample(new double[] {10.0, -10.0}, new NumpyRandom(2));
    NumpyRandom q = new NumpyRandom(2);
    double z0 = q.standardNormal();
    double z1 = q.standardNormal();
    assertArrayEquals(new double[] {10.0 + z0, -10.0 + 2 * z1}, d.action(), 1e-12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.sample(new double[] {1.0, 2.0, 3.0}, new NumpyRandom(2)));
    assertEquals("mean has 3 values, the policy 2", e.getMessage());
  }

  @Test
  void aDensityTooSmallForADoubleIsLoggedAsTheSmallestNormal() {
    // 400 dimensions at the largest std e: each adds at most -1 - 0.919 to the log density (< -700 in all)
    double[] ls = new double[400];
    java.util.Arrays.fill(ls, 1.0);
    float[] w = new float[400];
    GaussianPolicySnapshot wide = new GaussianPolicySnapshot("wide", 0,
        new Mlp(new int[] {1, 400}, new float[][] {w}, new float[][] {new float[400]}, Mlp.Activation.RELU), ls);
    assertEquals(Double.MIN_NORMAL, wide.act(new double[] {0.0}, new NumpyRandom(0)).propensity());
  }

  @Test
  void greedyPlaysTheMeanWithPropensityOne() {
    GaussianPolicySnapshot p = policy();
    PolicySnapshot g = p.greedy();
    assertNotSame(p, g);
    assertEquals("reinforce", g.agent());
    assertEquals(6, g.version());
    NumpyRandom rng = new NumpyRandom(5);
    assertEquals(Decision.continuous(new double[] {2.5, -1.0}, 1.0), g.act(new double[] {1.0}, rng));
    assertEquals(new NumpyRandom(5).nextRaw(), rng.nextRaw(), "the mean action draws nothing");
  }

  @Test
  void theLogStdNeedsOneValuePerOutput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GaussianPolicySnapshot("a", 0, MU, new double[] {0.0}));
    assertEquals("mean network has 2 outputs, log-std has 1", e.getMessage());
  }
}
