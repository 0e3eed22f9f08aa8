package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.labs.PolicyAblationLab.Head;
import io.rlsearch.experiments.labs.PolicyAblationLab.Params;
import io.rlsearch.experiments.labs.PolicyAblationLab.Snapshot;
import org.junit.jupiter.api.Test;

/**
 * The ablation's frozen heads against their definitions on one feature x = 2: row k's linear output is
 * {@code 0.05 k * 2 + 0.1 = 0.1 (k + 1)}, log standard deviations log 2 (sd 2). A sampling head draws its noise
 * from the stream it is given; a copy of that stream, taken before, gives the same draws for the hand computation.
 */
class PolicyAblationSnapshotTest {
  private static final int DIM = PolicyAblationLab.DIM;
  private static final double[] X = {2.0};
  private static final double TOL = 1e-12;

  /** Mean rows 0.1 (k + 1) at x = 2, sd 2. */
  private static Params linear() {
    Params p = new Params(DIM, 1);
    for (int k = 0; k < DIM; k++) {
      p.w[k][0] = 0.05 * k;
      p.w[k][1] = 0.1;
      p.logStd[k] = Math.log(2);
    }
    return p;
  }

  /** Beta concentrations 1 + softplus(za) = 2 and 1 + softplus(zb) = 3 on every coordinate (weights 0). */
  private static Params beta() {
    Params p = new Params(2 * DIM, 1);
    for (int k = 0; k < DIM; k++) {
      p.w[k][1] = Math.log(Math.E - 1);
      p.w[DIM + k][1] = Math.log(Math.E * Math.E - 1);
    }
    return p;
  }

  private static double[] act(Head head, Params p, boolean greedy, NumpyRandom rng) {
    Decision d = new Snapshot(head, p, 7, greedy).act(X, rng);
    assertEquals(1.0, d.propensity(), 0.0);
    assertEquals(DIM, d.action().length);
    return d.action();
  }

  @Test
  void eachHeadIsNamedAndItsGreedyCopyKeepsTheVersion() {
    assertEquals("gaussian", new Snapshot(Head.GAUSSIAN, linear(), 3, false).agent());
    assertEquals("fixed_std", new Snapshot(Head.FIXED_STD, linear(), 3, false).agent());
    assertEquals("squashed", new Snapshot(Head.SQUASHED, linear(), 3, false).agent());
    assertEquals("beta", new Snapshot(Head.BETA, beta(), 3, false).agent());
    PolicySnapshot g = new Snapshot(Head.GAUSSIAN, linear(), 3, false).greedy();
    assertTrue(((Snapshot) g).greedyOnly());
    assertEquals(3, ((Snapshot) g).version());
  }

  @Test
  void theGreedyGaussianHeadsPlayTheMean() {
    for (Head h : new Head[] {Head.GAUSSIAN, Head.FIXED_STD}) {
      double[] a = act(h, linear(), true, new NumpyRandom(1));
      for (int k = 0; k < DIM; k++) {
        assertEquals(0.1 * (k + 1), a[k], TOL, h + " " + k);
      }
    }
  }

  @Test
  void theGaussianSamplesMeanPlusItsLearnedStdTimesANormalDraw() {
    NumpyRandom rng = new NumpyRandom(5);
    NumpyRandom twin = rng.copy();
    double[] a = act(Head.GAUSSIAN, linear(), false, rng);
    for (int k = 0; k < DIM; k++) {
      assertEquals(0.1 * (k + 1) + 2 * twin.standardNormal(), a[k], TOL, "coordinate " + k);
    }
  }

  @Test
  void theFixedStdHeadIgnoresItsLogStdAndUsesOne() {
    NumpyRandom rng = new NumpyRandom(5);
    NumpyRandom twin = rng.copy();
    double[] a = act(Head.FIXED_STD, linear(), false, rng);
    for (int k = 0; k < DIM; k++) {
      assertEquals(0.1 * (k + 1) + twin.standardNormal(), a[k], TOL, "coordinate " + k);
    }
  }

  @Test
  void theSquashedHeadIsFiveTanhOfTheMeanOrOfTheGaussianSample() {
    double[] greedy = act(Head.SQUASHED, linear(), true, new NumpyRandom(1));
    NumpyRandom rng = new NumpyRandom(6);
    NumpyRandom twin = rng.copy();
    double[] sampled = act(Head.SQUASHED, linear(), false, rng);
    for (int k = 0; k < DIM; k++) {
      assertEquals(5 * Math.tanh(0.1 * (k + 1)), greedy[k], TOL, "greedy " + k);
      assertEquals(5 * Math.tanh(0.1 * (k + 1) + 2 * twin.standardNormal()), sampled[k], TOL, "sampled " + k);
      assertTrue(Math.abs(sampled[k]) <= 5);
    }
    assertEquals(0.49833997312477907, greedy[0], TOL); // 5 tanh(0.1)
  }

  @Test
  void theGreedyBetaHeadPlaysTheMeanOfBeta23ScaledToTheBox() {
    // mean 2 / (2 + 3) = 0.4 on [0, 1], i.e. 5 (2 * 0.4 - 1) = -1 on [-5, 5]
    double[] a = act(Head.BETA, beta(), true, new NumpyRandom(1));
    for (int k = 0; k < DIM; k++) {
      assertEquals(-1.0, a[k], 1e-12, "coordinate " + k);
    }
  }

  @Test
  void theSampledBetaIsARatioOfTwoGammaDrawsScaledToTheBox() {
    NumpyRandom rng = new NumpyRandom(8);
    NumpyRandom twin = rng.copy();
    double[] a = act(Head.BETA, beta(), false, rng);
    double al = 1 + Math.log1p(Math.exp(Math.log(Math.E - 1)));
    double be = 1 + Math.log1p(Math.exp(Math.log(Math.E * Math.E - 1)));
    assertEquals(2.0, al, 1e-15);
    assertEquals(3.0, be, 1e-15);
    for (int k = 0; k < DIM; k++) {
      double g1 = twin.standardGamma(al);
      double g2 = twin.standardGamma(be);
      assertEquals(5 * (2 * g1 / (g1 + g2) - 1), a[k], TOL, "coordinate " + k);
      assertTrue(Math.abs(a[k]) < 5);
    }
  }
}
