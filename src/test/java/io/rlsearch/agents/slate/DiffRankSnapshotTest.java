package io.rlsearch.agents.slate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** The differentiable-ranking snapshot on a one-layer scorer whose scores are worked out by hand. */
class DiffRankSnapshotTest {
  /** f(s, i) = 0.5 + c0 + 10 a + 100 b over one context value c0 and item features (a, b). */
  private static final Mlp SCORER =
      new Mlp(new int[] {3, 1}, new float[][] {{1f, 10f, 100f}}, new float[][] {{0.5f}}, Mlp.Activation.RELU);
  /** Context 2, then items (1, 0), (0, 1), (3, 4). */
  private static final double[] X = {2, 1, 0, 0, 1, 3, 4};
  /** 0.5 + 2 + 10, 0.5 + 2 + 100, 0.5 + 2 + 30 + 400. */
  private static final double[] SCORES = {12.5, 102.5, 432.5};

  private static DiffRankSnapshot snapshot(double temperature) {
    return new DiffRankSnapshot(7, SCORER, temperature, 1, 2, 3);
  }

  @Test
  void itsAccessorsReturnWhatItWasBuiltWith() {
    DiffRankSnapshot s = new DiffRankSnapshot(42, SCORER, 1.5, 1, 2, 3);
    assertEquals("diffrank", s.agent());
    assertEquals(42, s.version());
    assertSame(SCORER, s.scorer());
    assertEquals(1.5, s.temperature());
    assertEquals(1, s.contextDim());
    assertEquals(2, s.itemDim());
  }

  @Test
  void theScorerMustTakeTheContextAndOneItemAndGiveOneScore() {
    IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
        () -> new DiffRankSnapshot(0, SCORER, 0, 2, 2, 3));
    assertEquals("the scorer needs 4 inputs and 1 output", wide.getMessage());
    Mlp two = new Mlp(new int[] {3, 2}, new float[][] {new float[6]}, new float[][] {new float[2]},
        Mlp.Activation.RELU);
    assertEquals("the scorer needs 3 inputs and 1 output",
        assertThrows(IllegalArgumentException.class, () -> new DiffRankSnapshot(0, two, 0, 1, 2, 3)).getMessage());
  }

  @Test
  void temperatureZeroAndOneCandidateAreTheLowestAccepted() {
    assertEquals(0.0, new DiffRankSnapshot(0, SCORER, 0.0, 1, 2, 1).temperature());
    for (double t : new double[] {-1e-9, Double.NaN}) {
      assertEquals("diffrank needs temperature >= 0 and candidates >= 1", assertThrows(IllegalArgumentException.class,
          () -> new DiffRankSnapshot(0, SCORER, t, 1, 2, 3)).getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new DiffRankSnapshot(0, SCORER, 1.0, 1, 2, 0));
    // One candidate: its score alone.
    assertArrayEquals(new double[] {12.5}, new DiffRankSnapshot(0, SCORER, 0.0, 1, 2, 1).scores(new double[] {2, 1, 0}));
  }

  @Test
  void scoresPairTheContextWithEachCandidatesRow() {
    assertArrayEquals(SCORES, snapshot(0).scores(X), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> snapshot(0).scores(new double[] {2, 1, 0, 0, 1, 3, 4, 5}));
    assertEquals("a slate context has 7 values, got 8", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> snapshot(0).scores(new double[] {2, 1, 0, 0, 1, 3}));
  }

  @Test
  void aScorerOverTheContextAloneScoresEveryCandidateAlike() {
    Mlp contextOnly =
        new Mlp(new int[] {2, 1}, new float[][] {{2f, -1f}}, new float[][] {{0.25f}}, Mlp.Activation.RELU);
    DiffRankSnapshot s = new DiffRankSnapshot(0, contextOnly, 0.0, 2, 0, 3);
    // 0.25 + 2 x 3 - 1 x 4.
    assertArrayEquals(new double[] {2.25, 2.25, 2.25}, s.scores(new double[] {3, 4}), 0.0);
  }

  @Test
  void atTemperatureZeroItActsOnTheScoresAndDrawsNothing() {
    NumpyRandom rng = new NumpyRandom(5);
    Decision d = snapshot(0).act(X, rng);
    assertEquals(-1, d.arm());
    assertArrayEquals(SCORES, d.action(), 0.0);
    assertEquals(1.0, d.propensity());
    assertEquals(new NumpyRandom(5).random(), rng.random(), "no draw at temperature 0");
  }

  @Test
  void explorationAddsTemperatureTimesGumbelNoiseToEachScore() {
    NumpyRandom rng = new NumpyRandom(5);
    NumpyRandom copy = new NumpyRandom(5);
    double[] a = snapshot(2.0).act(X, rng).action();
    for (int i = 0; i < 3; i++) {
      double u = copy.random();
      double gumbel = -Math.log(-Math.log(u));
      assertEquals(SCORES[i] + 2.0 * gumbel, a[i], 1e-9, "candidate " + i);
    }
    assertEquals(copy.random(), rng.random(), "one uniform per candidate");
  }

  @Test
  void greedyIsTheSameScorerAtTemperatureZero() {
    DiffRankSnapshot cold = snapshot(0);
    assertSame(cold, cold.greedy());
    DiffRankSnapshot hot = snapshot(0.8);
    DiffRankSnapshot g = (DiffRankSnapshot) hot.greedy();
    assertNotSame(hot, g);
    assertEquals(0.0, g.temperature());
    assertEquals(7, g.version());
    assertSame(SCORER, g.scorer());
    assertArrayEquals(SCORES, g.act(X, new NumpyRandom(1)).action(), 0.0);
  }
}
