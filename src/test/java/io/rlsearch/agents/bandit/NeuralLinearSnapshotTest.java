package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/**
 * The neural-linear snapshot: uniform before training, LinUCB on {@code relu(f(x ‖ one-hot(a)))} after,
 * on a one-layer representation with two features and two arms, scores worked out by hand.
 */
class NeuralLinearSnapshotTest {
  /** f(x ‖ e_a) = (x + e_a[0], e_a[0] + 2 e_a[1]) for one context value. */
  private static final Mlp F = new Mlp(new int[] {3, 2}, new float[][] {{1, 1, 0, 0, 1, 2}}, new float[][] {{0, 0}},
      Mlp.Activation.RELU);
  private static final double[] X = {1};
  // x = 1: phi(arm 0) = (2, 1), phi(arm 1) = (1, 2)
  private static final double[][] THETA = {{1, -1}, {1, 0.5}}; // means 2 - 1 = 1 and 1 + 1 = 2
  // arm 0: rows (1 * 2 + 1.5 * 1, 0 + 2 * 1) = (3.5, 2), quad 2 * 3.5 + 1 * 2 = 9 -> bonus 3 (not symmetric, on purpose)
  // arm 1: rows (4 * 1, 0) -> quad 4 -> bonus 2
  private static final double[][] INVERSE = {{1, 1.5, 0, 2}, {4, 0, 0, 0}};
  private static final double[][] PRECISION = {{1, 0, 0, 1}, {2, 0, 0, 2}};
  private static final double[][] RHS = {{0.5, 0.25}, {3, 4}};

  private static NeuralLinearSnapshot linear(double width) {
    return NeuralLinearSnapshot.linear(6, 2, F, THETA, INVERSE, PRECISION, RHS, width);
  }

  @Test
  void featuresAreTheReluOfTheRepresentationOnContextAndOneHot() {
    assertArrayEquals(new double[] {2, 1}, NeuralLinearSnapshot.features(F, X, 0, 2));
    assertArrayEquals(new double[] {1, 2}, NeuralLinearSnapshot.features(F, X, 1, 2));
    // x = -3: f = (-3 + 1, 1) for arm 0, the negative feature cut to 0; (-3, 2) for arm 1
    assertArrayEquals(new double[] {0, 1}, NeuralLinearSnapshot.features(F, new double[] {-3}, 0, 2));
    assertArrayEquals(new double[] {0, 2}, NeuralLinearSnapshot.features(F, new double[] {-3}, 1, 2));
  }

  @Test
  void theScoreIsTheMeanPlusWidthTimesTheFeaturesUncertainty() {
    NumpyRandom rng = new NumpyRandom(1);
    // width 0: means 1 and 2 -> arm 1
    assertEquals(Decision.arm(1, 1.0), linear(0).act(X, rng));
    // width 2: 1 + 6 = 7 against 2 + 4 = 6 -> arm 0
    assertEquals(Decision.arm(0, 1.0), linear(2).act(X, rng));
    // width 1: 1 + 3 = 4 against 2 + 2 = 4, a tie, to the lowest template
    assertEquals(Decision.arm(0, 1.0), linear(1).act(X, rng));
    // a hair either side of the tie
    assertEquals(Decision.arm(0, 1.0), linear(Math.nextUp(1.0)).act(X, rng));
    assertEquals(Decision.arm(1, 1.0), linear(Math.nextDown(1.0)).act(X, rng));
    // the greedy policy drops the bonus: arm 1 whatever the width was
    PolicySnapshot greedy = linear(2).greedy();
    assertEquals(Decision.arm(1, 1.0), greedy.act(X, rng));
    assertEquals(0.0, ((NeuralLinearSnapshot) greedy).width());
    assertEquals(6, greedy.version());
    assertTrue(((NeuralLinearSnapshot) greedy).trained());
  }

  @Test
  void beforeTrainingItPlaysUniformly() {
    NeuralLinearSnapshot u = NeuralLinearSnapshot.uniform(0, 4, 3);
    assertFalse(u.trained());
    assertNull(u.representation());
    assertEquals(4, u.arms());
    assertEquals(3, u.dim());
    assertEquals(0.0, u.width());
    assertSame(u, u.greedy());
    assertEquals("neural_linear", u.agent());
    NumpyRandom rng = new NumpyRandom(5);
    NumpyRandom same = new NumpyRandom(5);
    int[] seen = new int[4];
    for (int i = 0; i < 40; i++) {
      Decision d = u.act(new double[3], rng);
      assertEquals(Decision.arm((int) same.integers(0, 4), 0.25), d);
      seen[d.arm()]++;
    }
    for (int c : seen) {
      assertTrue(c > 0, java.util.Arrays.toString(seen));
    }
  }

  @Test
  void theLoggingPhaseNeedsArmsAndDimensions() {
    assertEquals("arms and dim must be >= 1, got 0 and 3", assertThrows(IllegalArgumentException.class,
        () -> NeuralLinearSnapshot.uniform(0, 0, 3)).getMessage());
    assertEquals("arms and dim must be >= 1, got 2 and 0", assertThrows(IllegalArgumentException.class,
        () -> NeuralLinearSnapshot.uniform(0, 2, 0)).getMessage());
    NeuralLinearSnapshot one = NeuralLinearSnapshot.uniform(1, 1, 1);
    assertEquals(Decision.arm(0, 1.0), one.act(new double[1], new NumpyRandom(1)));
    assertEquals(1, one.version());
  }

  @Test
  void aTrainedSnapshotKeepsCopiesOfItsHeads() {
    double[][] precision = {PRECISION[0].clone(), PRECISION[1].clone()};
    double[][] rhs = {RHS[0].clone(), RHS[1].clone()};
    double[][] theta = {THETA[0].clone(), THETA[1].clone()};
    double[][] inverse = {INVERSE[0].clone(), INVERSE[1].clone()};
    NeuralLinearSnapshot s = NeuralLinearSnapshot.linear(6, 2, F, theta, inverse, precision, rhs, 2);
    precision[1][0] = 99;
    rhs[0][1] = 99;
    theta[0][0] = 99;
    inverse[0][0] = 99;
    assertArrayEquals(new double[] {2, 0, 0, 2}, s.precision(1));
    assertArrayEquals(new double[] {0.5, 0.25}, s.rhs(0));
    assertArrayEquals(new double[] {3, 4}, s.rhs(1));
    s.precision(0)[0] = 99;
    assertArrayEquals(new double[] {1, 0, 0, 1}, s.precision(0));
    assertEquals(Decision.arm(0, 1.0), s.act(X, new NumpyRandom(1)));
    assertSame(F, s.representation());
    assertEquals(2, s.arms());
    assertEquals(1, s.dim()); // 3 inputs less 2 arms
    assertEquals(2.0, s.width());
    assertTrue(s.trained());
    assertEquals("neural_linear", s.agent());
    assertNotSame(s, s.greedy());
  }

  @Test
  void headsThatDoNotFitAreRefused() {
    double[][] one = {THETA[0]};
    String perTemplate = "one head per template is needed";
    assertEquals(perTemplate, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, one, INVERSE, PRECISION, RHS, 1)));
    assertEquals(perTemplate, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, THETA, one, PRECISION, RHS, 1)));
    assertEquals(perTemplate, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, THETA, INVERSE, one, RHS, 1)));
    assertEquals(perTemplate, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, THETA, INVERSE, PRECISION, one, 1)));
    String fits = "template 1's head does not fit 2 features";
    double[][] shortTheta = {THETA[0], {1}};
    double[][] shortSquare = {INVERSE[0], {1, 0, 0}};
    double[][] longRhs = {RHS[0], {1, 2, 3}};
    assertEquals(fits, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, shortTheta, INVERSE, PRECISION, RHS, 1)));
    assertEquals(fits, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, THETA, shortSquare, PRECISION, RHS, 1)));
    assertEquals(fits, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, THETA, INVERSE, shortSquare, RHS, 1)));
    assertEquals(fits, refusal(() -> NeuralLinearSnapshot.linear(0, 2, F, THETA, INVERSE, PRECISION, longRhs, 1)));
  }

  private static String refusal(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }
}
