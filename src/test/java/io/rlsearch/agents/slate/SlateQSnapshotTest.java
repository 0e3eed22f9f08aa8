package io.rlsearch.agents.slate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SlateQ's snapshot on tiny networks worked out by hand: two context values (c0, c1) and three
 * candidates of two features (a, b).
 */
class SlateQSnapshotTest {
  /** Q(s, i) = c0 + 2 c1 + 10 a + 100 b. */
  private static final Mlp Q = new Mlp(new int[] {4, 1}, new float[][] {{1f, 2f, 10f, 100f}}, new float[][] {{0f}},
      Mlp.Activation.RELU);
  /** Q(s, end) = 0.5 + 3 c0 - c1. */
  private static final Mlp END =
      new Mlp(new int[] {2, 1}, new float[][] {{3f, -1f}}, new float[][] {{0.5f}}, Mlp.Activation.RELU);
  /** Context (1, 0.5); items (0, 0.5), (2, 0.25), (-1, 1). */
  private static final double[] X = {1, 0.5, 0, 0.5, 2, 0.25, -1, 1};
  /** 1 + 1 + 0 + 50, 1 + 1 + 20 + 25, 1 + 1 - 10 + 100. */
  private static final double[] QV = {52, 47, 92};
  /** 0.5 + 3 - 0.5. */
  private static final double END_VALUE = 3.0;

  /** P(click | item, k) = sigmoid(a + beta_k), beta = (0, -1): attractiveness is the first feature. */
  private static ClickModel choice() {
    ClickModel m = new ClickModel(2, 2, 2, 0.1, 0.0);
    m.load(new double[] {0, 0, 1, 0, 0, 0, -1}, 0);
    return m;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static SlateQSnapshot decomposed(double epsilon, Mlp end) {
    return new SlateQSnapshot(9, SlateQSnapshot.Mode.DECOMPOSED, Q, end, choice(), epsilon, 2, 2, 3, 2);
  }

  private static SlateQSnapshot simplified(double epsilon) {
    return new SlateQSnapshot(9, SlateQSnapshot.Mode.SIMPLIFIED, Q, choice(), epsilon, 2, 2, 3, 2);
  }

  @Test
  void itsAccessorsReturnWhatItWasBuiltWith() {
    SlateQSnapshot s = new SlateQSnapshot(11, SlateQSnapshot.Mode.DECOMPOSED, Q, END, choice(), 0.25, 2, 2, 3, 2);
    assertEquals("slateq", s.agent());
    assertEquals("slateq_simplified", simplified(0).agent());
    assertEquals(11, s.version());
    assertEquals(SlateQSnapshot.Mode.DECOMPOSED, s.mode());
    assertEquals(SlateQSnapshot.Mode.SIMPLIFIED, simplified(0).mode());
    assertEquals(0.25, s.epsilon());
    assertEquals(2, s.contextDim());
    assertEquals(2, s.itemDim());
    assertSame(Q, s.q());
    assertEquals(Optional.of(END), s.end());
    assertEquals(Optional.empty(), simplified(0).end());
    assertArrayEquals(choice().parameters(), s.choice().parameters(), 0.0);
  }

  @Test
  void theClickModelIsCopiedInAndOut() {
    ClickModel m = choice();
    SlateQSnapshot s = new SlateQSnapshot(0, SlateQSnapshot.Mode.DECOMPOSED, Q, m, 0, 2, 2, 3, 2);
    m.load(new double[7], 0);
    s.choice().load(new double[7], 0);
    assertArrayEquals(choice().parameters(), s.choice().parameters(), 0.0);
  }

  @Test
  void theNetworksMustFitTheContextAndItems() {
    assertEquals("the item network needs 5 inputs and 1 output", assertThrows(IllegalArgumentException.class,
        () -> new SlateQSnapshot(0, SlateQSnapshot.Mode.SIMPLIFIED, Q, choice(), 0, 2, 3, 3, 2)).getMessage());
    Mlp twoOut = new Mlp(new int[] {4, 2}, new float[][] {new float[8]}, new float[][] {new float[2]},
        Mlp.Activation.RELU);
    assertThrows(IllegalArgumentException.class,
        () -> new SlateQSnapshot(0, SlateQSnapshot.Mode.SIMPLIFIED, twoOut, choice(), 0, 2, 2, 3, 2));
    String endMessage = "the session-end network is decomposed SlateQ's, with 2 inputs and 1 output";
    Mlp wideEnd = new Mlp(new int[] {3, 1}, new float[][] {new float[3]}, new float[][] {new float[1]},
        Mlp.Activation.RELU);
    assertEquals(endMessage, assertThrows(IllegalArgumentException.class, () -> decomposed(0, wideEnd)).getMessage());
    Mlp twoOutEnd = new Mlp(new int[] {2, 2}, new float[][] {new float[4]}, new float[][] {new float[2]},
        Mlp.Activation.RELU);
    assertEquals(endMessage, assertThrows(IllegalArgumentException.class, () -> decomposed(0, twoOutEnd)).getMessage());
    assertEquals(endMessage, assertThrows(IllegalArgumentException.class,
        () -> new SlateQSnapshot(0, SlateQSnapshot.Mode.SIMPLIFIED, Q, END, choice(), 0, 2, 2, 3, 2)).getMessage());
  }

  @Test
  void epsilonZeroAndOneAndOneCandidateAndOnePositionAreAccepted() {
    assertEquals(0.0, simplified(0.0).epsilon());
    assertEquals(1.0, simplified(1.0).epsilon());
    SlateQSnapshot one = new SlateQSnapshot(0, SlateQSnapshot.Mode.SIMPLIFIED, Q, choice(), 0.5, 2, 2, 1, 1);
    assertArrayEquals(new double[] {52}, one.itemValues(new double[] {1, 0.5, 0, 0.5}), 0.0);
    String message = "SlateQ needs epsilon in [0, 1], candidates >= 1, shown >= 1";
    for (double eps : new double[] {-1e-9, 1 + 1e-9, Double.NaN}) {
      assertEquals(message, assertThrows(IllegalArgumentException.class, () -> simplified(eps)).getMessage());
    }
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new SlateQSnapshot(0, SlateQSnapshot.Mode.SIMPLIFIED, Q, choice(), 0, 2, 2, 0, 1)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new SlateQSnapshot(0, SlateQSnapshot.Mode.SIMPLIFIED, Q, choice(), 0, 2, 2, 3, 0)).getMessage());
  }

  @Test
  void itemValuesAndTheSessionEndsValue() {
    assertArrayEquals(QV, decomposed(0, END).itemValues(X), 0.0);
    assertEquals(END_VALUE, decomposed(0, END).endValue(X), 0.0);
    assertEquals(0.0, decomposed(0, null).endValue(X), 0.0, "no session-end network: the end is worth 0");
    double[] longer = new double[X.length + 1];
    String message = "a slate context has 8 values, got 9";
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> decomposed(0, END).itemValues(longer)).getMessage());
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> decomposed(0, END).endValue(longer)).getMessage());
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> decomposed(0, null).endValue(longer)).getMessage());
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> decomposed(0, END).greedyValue(longer, QV)).getMessage());
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> decomposed(0, END).slateValue(longer)).getMessage());
    // A context too short is refused as such, before any candidate's features are read.
    double[] shorter = new double[X.length - 1];
    assertEquals("a slate context has 8 values, got 7",
        assertThrows(IllegalArgumentException.class, () -> decomposed(0, END).greedyValue(shorter, QV)).getMessage());
    assertEquals("a slate context has 8 values, got 7",
        assertThrows(IllegalArgumentException.class, () -> decomposed(0, END).slateValue(shorter)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> decomposed(0, END).slateValue(longer, new int[] {7})).getMessage(), "the context is checked first");
    assertEquals("need 3 item values, got 2", assertThrows(IllegalArgumentException.class,
        () -> decomposed(0, END).greedyValue(X, new double[] {1, 2})).getMessage());
  }

  @Test
  void decomposedScoresAreFirstPositionClickProbabilityTimesItemValue() {
    double[] s = decomposed(0, END).scores(X);
    assertEquals(sigmoid(0) * 52, s[0], 1e-12);
    assertEquals(sigmoid(2) * 47, s[1], 1e-12);
    assertEquals(sigmoid(-1) * 92, s[2], 1e-12);
    assertArrayEquals(QV, simplified(0).scores(X), 0.0);
  }

  @Test
  void theGreedySlatesValueIsItsChoiceWeightedItemValuesPlusTheEnd() {
    // Decomposed scores 26, 41.4, 24.7: the slate is item 1 then item 0 (2 positions shown), beta (0, -1).
    double decomposedValue = sigmoid(2 + 0) * 47 + sigmoid(0 - 1) * 52 + END_VALUE;
    assertEquals(decomposedValue, decomposed(0, END).slateValue(X), 1e-12);
    assertEquals(decomposedValue, decomposed(0, END).greedyValue(X, QV), 1e-12);
    assertEquals(decomposedValue - END_VALUE, decomposed(0, null).slateValue(X), 1e-12);
    // Simplified ranks by Q alone: item 2, then item 0; no session end.
    double simplifiedValue = sigmoid(-1 + 0) * 92 + sigmoid(0 - 1) * 52;
    assertEquals(simplifiedValue, simplified(0).slateValue(X), 1e-12);
    assertEquals(simplifiedValue, simplified(0).greedyValue(X, QV), 1e-12);
  }

  @Test
  void aGivenSlatesValueCountsOnlyTheShownPositionsAndChecksItsIndices() {
    SlateQSnapshot s = decomposed(0, END);
    assertEquals(sigmoid(-1) * 92 + sigmoid(2 - 1) * 47 + END_VALUE, s.slateValue(X, new int[] {2, 1, 0}), 1e-12);
    assertEquals(sigmoid(0) * 52 + END_VALUE, s.slateValue(X, new int[] {0}), 1e-12);
    assertEquals(END_VALUE, s.slateValue(X, new int[0]), 0.0);
    for (int bad : new int[] {-1, 3}) {
      assertEquals("a ranking holds candidate indices 0..2, got " + bad,
          assertThrows(IllegalArgumentException.class, () -> s.slateValue(X, new int[] {0, bad})).getMessage());
    }
  }

  @Test
  void anItemNetworkOverTheContextAloneValuesEveryCandidateAlike() {
    // No item features: Q(s, i) = c0 + 2 c1 for every candidate; the empty slate is worth the end alone.
    Mlp q = new Mlp(new int[] {2, 1}, new float[][] {{1f, 2f}}, new float[][] {{0f}}, Mlp.Activation.RELU);
    SlateQSnapshot s = new SlateQSnapshot(0, SlateQSnapshot.Mode.DECOMPOSED, q, END, new ClickModel(2, 1, 1, 0.1, 0),
        0, 2, 0, 3, 1);
    double[] x = {1, 0.5};
    assertArrayEquals(new double[] {2, 2, 2}, s.itemValues(x), 0.0);
    assertEquals(END_VALUE, s.slateValue(x, new int[0]), 0.0);
  }

  @Test
  void withoutExplorationItActsOnTheScoresAndDrawsNothing() {
    NumpyRandom rng = new NumpyRandom(3);
    Decision d = decomposed(0, END).act(X, rng);
    assertArrayEquals(decomposed(0, END).scores(X), d.action(), 0.0);
    assertEquals(1.0, d.propensity());
    assertEquals(new NumpyRandom(3).random(), rng.random(), "no draw at epsilon 0");
  }

  @Test
  void explorationAddsStandardNormalNoiseToEveryScoreWhenTheDrawFallsBelowEpsilon() {
    NumpyRandom rng = new NumpyRandom(3);
    NumpyRandom copy = new NumpyRandom(3);
    double[] a = simplified(1.0).act(X, rng).action();
    copy.random();
    for (int i = 0; i < 3; i++) {
      assertEquals(QV[i] + copy.standardNormal(), a[i], 1e-12, "candidate " + i);
    }
    assertEquals(copy.random(), rng.random());
  }

  @Test
  void aDrawEqualToEpsilonDoesNotExplore() {
    // Explore when the uniform draw is strictly below epsilon: epsilon set to the draw itself.
    double u = new NumpyRandom(8).random();
    assertTrue(u > 0 && u < 1);
    NumpyRandom rng = new NumpyRandom(8);
    assertArrayEquals(QV, simplified(u).act(X, rng).action(), 0.0);
    NumpyRandom copy = new NumpyRandom(8);
    copy.random();
    assertEquals(copy.random(), rng.random(), "exactly one draw: the exploration coin");
    double above = Math.nextUp(u);
    double[] explored = simplified(above).act(X, new NumpyRandom(8)).action();
    assertTrue(explored[0] != QV[0] && explored[1] != QV[1] && explored[2] != QV[2]);
  }

  @Test
  void greedyKeepsEverythingButExploration() {
    SlateQSnapshot cold = decomposed(0, END);
    assertSame(cold, cold.greedy());
    SlateQSnapshot hot = decomposed(0.4, END);
    SlateQSnapshot g = (SlateQSnapshot) hot.greedy();
    assertNotSame(hot, g);
    assertEquals(0.0, g.epsilon());
    assertEquals(9, g.version());
    assertEquals(SlateQSnapshot.Mode.DECOMPOSED, g.mode());
    assertEquals(hot.slateValue(X), g.slateValue(X), 0.0);
    assertEquals(END_VALUE, g.endValue(X), 0.0);
  }

  @Test
  void candidatesAreOrderedByDescendingScoreWithTiesByIndex() {
    assertArrayEquals(new Integer[] {1, 3, 0, 2}, SlateQSnapshot.order(new double[] {2, 5, 1, 2.5}));
    assertArrayEquals(new Integer[] {1, 0, 2, 3}, SlateQSnapshot.order(new double[] {1, 3, 1, 1}));
  }
}
