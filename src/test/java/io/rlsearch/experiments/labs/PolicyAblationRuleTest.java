package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.experiments.labs.PolicyAblationLab.Head;
import io.rlsearch.experiments.labs.PolicyAblationLab.Rule;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The ablation's REINFORCE rule against score-function gradients worked out by hand on one feature. */
class PolicyAblationRuleTest {
  private static final int DIM = PolicyAblationLab.DIM;
  private static final double[] X = {2.0};
  private static final double TOL = 1e-12;

  private static Decision all(double a) {
    double[] v = new double[DIM];
    Arrays.fill(v, a);
    return Decision.continuous(v, 1.0);
  }

  /** Every mean row gets weight 0.1 and bias 0.05, so its mean is 0.1 * 2 + 0.05 = 0.25. */
  private static Rule withMeans(Head head) {
    Rule r = new Rule(head, 1);
    for (int k = 0; k < DIM; k++) {
      r.p.w[k][0] = 0.1;
      r.p.w[k][1] = 0.05;
    }
    return r;
  }

  @Test
  void theGaussianHeadsStartAtStd15AndTheBetaHasNoStd() {
    double[] l15 = new double[DIM];
    Arrays.fill(l15, Math.log(1.5));
    assertArrayEquals(l15, new Rule(Head.GAUSSIAN, 3).p.logStd, 0.0);
    assertArrayEquals(l15, new Rule(Head.SQUASHED, 3).p.logStd, 0.0);
    assertArrayEquals(new double[DIM], new Rule(Head.BETA, 3).p.logStd, 0.0);
    assertEquals(2 * DIM, new Rule(Head.BETA, 3).p.w.length);
    assertTrue(new Rule(Head.GAUSSIAN, 3).learns());
  }

  @Test
  void theGaussianGradientUsesTheRunningCentringAndScaling() {
    Rule r = withMeans(Head.GAUSSIAN);
    // reward 3: delta 3, mean 3, var 1 + (9 - 1) / 1 = 9, adv 1; action 1: z = (1 - 0.25) / 1.5 = 0.5,
    // d log pi / d mu = z / sd = 1/3, d log pi / d log sd = z^2 - 1 = -0.75
    r.observe(X, all(1.0), 3.0);
    // reward 1: delta -2, mean 3 - 2 / 2 = 2, var 9 + (4 - 9) / 2 = 6.5, adv -2 / sqrt(6.5)
    r.observe(X, all(1.0), 1.0);
    assertEquals(2.0, r.mean, TOL);
    assertEquals(6.5, r.var, TOL);
    double sum = 1 - 2 / Math.sqrt(6.5);
    for (int k = 0; k < DIM; k++) {
      assertEquals(2 * sum / 3, r.gw[k][0], TOL, "weight " + k);
      assertEquals(sum / 3, r.gw[k][1], TOL, "bias " + k);
      assertEquals(-0.75 * sum, r.gs[k], TOL, "log std " + k);
    }
    assertEquals(2, r.inBatch);
    assertEquals(0, r.adamSteps);
  }

  @Test
  void theFixedStdHeadUsesStdOneAndLeavesTheStdAlone() {
    Rule r = withMeans(Head.FIXED_STD);
    r.observe(X, all(1.0), 3.0); // adv 1, z = 0.75 / 1 = dMu
    for (int k = 0; k < DIM; k++) {
      assertEquals(1.5, r.gw[k][0], TOL);
      assertEquals(0.75, r.gw[k][1], TOL);
      assertEquals(0.0, r.gs[k], 0.0);
    }
  }

  @Test
  void theSquashedHeadScoresThePreTanhAction() {
    Rule r = withMeans(Head.SQUASHED);
    // a = 5 tanh(1): u = 1, z = (1 - 0.25) / 1.5 = 0.5 as for the Gaussian
    r.observe(X, all(PolicyAblationLab.A_MAX * Math.tanh(1.0)), 3.0);
    for (int k = 0; k < DIM; k++) {
      assertEquals(2.0 / 3, r.gw[k][0], 1e-9);
      assertEquals(1.0 / 3, r.gw[k][1], 1e-9);
      assertEquals(-0.75, r.gs[k], 1e-9);
    }
  }

  @Test
  void theBetaGradientIsTheDigammaScoreThroughTheSoftplus() {
    Rule r = new Rule(Head.BETA, 1);
    // biases chosen so the concentrations are 1 + softplus = 2 and 3; softplus' = sigmoid = 1 - e^-softplus
    double za = Math.log(Math.E - 1);
    double zb = Math.log(Math.E * Math.E - 1);
    for (int k = 0; k < DIM; k++) {
      r.p.w[k][1] = za;
      r.p.w[DIM + k][1] = zb;
    }
    // a = 1: y = (1/5 + 1) / 2 = 0.6; psi(2) = 1 - g, psi(3) = 3/2 - g, psi(5) = 25/12 - g (g Euler's constant)
    r.observe(X, all(1.0), 3.0); // adv 1
    double ga = (Math.log(0.6) - 1 + 25.0 / 12) * (1 - Math.exp(-1));
    double gb = (Math.log(0.4) - 1.5 + 25.0 / 12) * (1 - Math.exp(-2));
    for (int k = 0; k < DIM; k++) {
      assertEquals(2 * ga, r.gw[k][0], 1e-10);
      assertEquals(ga, r.gw[k][1], 1e-10);
      assertEquals(2 * gb, r.gw[DIM + k][0], 1e-10);
      assertEquals(gb, r.gw[DIM + k][1], 1e-10);
    }
  }

  @Test
  void theBatchOf32TakesOneAdamStepAndClampsTheStd() {
    Rule r = withMeans(Head.GAUSSIAN);
    r.p.logStd[0] = Math.log(10); // above the clamp log 5
    // the action is the mean, so z = 0: no mean gradient, log-std gradient -adv; rising rewards keep adv > 0
    for (int i = 1; i <= 31; i++) {
      r.observe(X, all(0.25), i);
    }
    assertEquals(31, r.inBatch);
    assertEquals(0, r.adamSteps);
    r.observe(X, all(0.25), 32);
    assertEquals(0, r.inBatch);
    assertEquals(1, r.adamSteps);
    assertEquals(Math.log(5), r.p.logStd[0], 0.0);
    // Adam's first step moves by lr * g / (|g| + 1e-8), i.e. 0.01 against the sign of the negative gradient
    for (int k = 1; k < DIM; k++) {
      assertEquals(Math.log(1.5) - 0.01, r.p.logStd[k], 1e-9, "log std " + k);
      assertEquals(0.0, r.gs[k], 0.0);
    }
    assertEquals(0.1, r.p.w[1][0], 0.0);
  }

  @Test
  void softplusSwitchesToTheIdentityOnlyPast30() {
    // log1p(e^30) = 30 + 9.4e-14, a few ulps above 30
    assertTrue(PolicyAblationLab.softplus(30) > 30);
    assertEquals(Math.log1p(Math.exp(30)), PolicyAblationLab.softplus(30), 0.0);
    assertEquals(Math.nextUp(30.0), PolicyAblationLab.softplus(Math.nextUp(30.0)), 0.0);
  }
}
