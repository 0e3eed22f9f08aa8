package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The neural ensemble snapshot on two one-layer members over {@code context (1 value) ‖ one-hot(2
 * arms)}, means, spreads and choices worked out by hand.
 */
class NeuralEnsembleSnapshotTest {
  private static Mlp linear(float... w) {
    return new Mlp(new int[] {w.length, 1}, new float[][] {w}, new float[][] {{0}}, Mlp.Activation.RELU);
  }

  // x = 0.5. Member A: arm 0 -> 0.5 + 2 = 2.5, arm 1 -> 0.5 - 1 = -0.5.
  // Member B: arm 0 -> 0.5 + 1 = 1.5, arm 1 -> 0.5 + 3 = 3.5.
  private static final Mlp A = linear(1, 2, -1);
  private static final Mlp B = linear(1, 1, 3);
  private static final double[] X = {0.5};

  @Test
  void predictIsTheMembersMeanAndPopulationSpread() {
    NeuralEnsembleSnapshot s = new NeuralEnsembleSnapshot(3, List.of(A, B), 1.0, 2);
    double[][] p = s.predict(X);
    // means (2.5 + 1.5) / 2 = 2, (-0.5 + 3.5) / 2 = 1.5
    assertArrayEquals(new double[] {2.0, 1.5}, p[0]);
    // spreads sqrt((6.25 + 2.25) / 2 - 4) = 0.5, sqrt((0.25 + 12.25) / 2 - 2.25) = 2
    assertArrayEquals(new double[] {0.5, 2.0}, p[1]);
    // one member: its prediction, no spread
    double[][] one = new NeuralEnsembleSnapshot(3, List.of(B), 1.0, 2).predict(X);
    assertArrayEquals(new double[] {1.5, 3.5}, one[0]);
    assertArrayEquals(new double[] {0.0, 0.0}, one[1]);
    // two contexts values, three arms: member over (x0, x1, arm0, arm1, arm2)
    Mlp wide = linear(1, 10, 100, 200, 300);
    double[][] w = new NeuralEnsembleSnapshot(0, List.of(wide), 0, 3).predict(new double[] {2, 0.5});
    assertArrayEquals(new double[] {107, 207, 307}, w[0]);
  }

  @Test
  void theBonusDecidesAndTheGreedyPolicyPlaysTheBestMean() {
    NeuralEnsembleSnapshot s = new NeuralEnsembleSnapshot(3, List.of(A, B), 1.0, 2);
    NumpyRandom rng = new NumpyRandom(1);
    // beta 1: scores 2 + 0.5 = 2.5 and 1.5 + 2 = 3.5 -> arm 1
    assertEquals(Decision.arm(1, 1.0), s.act(X, rng));
    // beta 0: the means, 2 > 1.5 -> arm 0
    PolicySnapshot greedy = s.greedy();
    assertEquals(Decision.arm(0, 1.0), greedy.act(X, rng));
    assertEquals(3, greedy.version());
    assertEquals("neural_ensemble", greedy.agent());
    assertEquals(Decision.arm(0, 1.0), new NeuralEnsembleSnapshot(3, List.of(A, B), 0.0, 2).act(X, rng));
    // beta 1/3 would tie (2 + 1/6 = 1.5 + 2/3); just above it arm 1 wins, just below arm 0
    assertEquals(Decision.arm(1, 1.0), new NeuralEnsembleSnapshot(3, List.of(A, B), 0.34, 2).act(X, rng));
    assertEquals(Decision.arm(0, 1.0), new NeuralEnsembleSnapshot(3, List.of(A, B), 0.33, 2).act(X, rng));
    // a negative beta penalises the spread: 2 - 0.5 = 1.5 against 1.5 - 2 = -0.5
    assertEquals(Decision.arm(0, 1.0), new NeuralEnsembleSnapshot(3, List.of(A, B), -1.0, 2).act(X, rng));
  }

  @Test
  void tiesGoToTheLowestTemplate() {
    // identical members scoring every arm 1.5 (1 from the context, 0.5 from the arm's weight), no spread
    Mlp flat = linear(1, 0.5f, 0.5f, 0.5f);
    NeuralEnsembleSnapshot s = new NeuralEnsembleSnapshot(0, List.of(flat, flat), 2.0, 3);
    assertEquals(Decision.arm(0, 1.0), s.act(new double[] {1}, new NumpyRandom(1)));
    // and the last arm is reachable: it wins when it is strictly best
    Mlp last = linear(1, 0.5f, 0.5f, 0.75f);
    assertEquals(Decision.arm(2, 1.0),
        new NeuralEnsembleSnapshot(0, List.of(last), 0.0, 3).act(new double[] {1}, new NumpyRandom(1)));
  }

  @Test
  void itNeedsMembersAndAtLeastOneArm() {
    String msg = "a neural ensemble needs members and arms";
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new NeuralEnsembleSnapshot(0, List.of(), 1, 2)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new NeuralEnsembleSnapshot(0, List.of(A), 1, 0)).getMessage());
    // one arm is enough (its member reads context ‖ one-hot(1))
    NeuralEnsembleSnapshot one = new NeuralEnsembleSnapshot(9, List.of(linear(2, 1)), 1, 1);
    assertEquals(1, one.arms());
    assertEquals(Decision.arm(0, 1.0), one.act(new double[] {4}, new NumpyRandom(1)));
    assertArrayEquals(new double[] {9}, one.predict(new double[] {4})[0]);
  }

  @Test
  void itKeepsItsMembersVersionAndArms() {
    NeuralEnsembleSnapshot s = new NeuralEnsembleSnapshot(42, List.of(A, B), 1.0, 2);
    assertEquals(List.of(A, B), s.members());
    assertEquals(2, s.arms());
    assertEquals(42, s.version());
    assertEquals("neural_ensemble", s.agent());
  }
}
