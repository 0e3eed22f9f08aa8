package io.rlsearch.agents.slate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

class ClickModelTest {
  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void recoversAttractivenessAndPositionBiasFromClicks() {
    // Truth: logit = 1.5 * f0 - 1.0, position bias 0, -1, -2.
    double[] bias = {0, -1, -2};
    ClickModel m = new ClickModel(1, 2, 3, 0.01, 0.0);
    NumpyRandom r = new NumpyRandom(1);
    double[] ctx = {0.0};
    int n = 100_000;
    for (int t = 0; t < n; t++) {
      double[] f = {r.normal(0, 1), r.normal(0, 1)};
      int k = (int) r.integers(0, 3);
      boolean click = r.random() < sigmoid(1.5 * f[0] - 1.0 + bias[k]);
      m.update(ctx, f, 0, k, click);
    }
    double[] p = m.parameters();
    // SGD with a constant step of 0.01 over 100,000 samples: parameters within about 0.15 of the truth
    // (the stationary noise of the step); bias and position terms are only identified up to a shift,
    // so compare position differences.
    assertEquals(1.5, p[1], 0.15);
    assertEquals(0.0, p[2], 0.15);
    assertEquals(-1.0, p[5] - p[4], 0.2);
    assertEquals(-2.0, p[6] - p[4], 0.2);
    assertEquals(n, m.updates());
  }

  @Test
  void decomposedScoresAreAttractivenessTimesItemValueAndTheSlateValueIsChoiceWeighted() {
    // Q(s, i) = feature 0 of the item (one linear layer over [context, f0, f1]).
    Mlp q = new Mlp(new int[] {3, 1}, new float[][] {{0f, 1f, 0f}}, new float[][] {{0f}}, Mlp.Activation.RELU);
    ClickModel choice = new ClickModel(1, 2, 2, 0.1, 0.0);
    choice.load(new double[] {0.0, 0.0, 1.0, 0.0, 0.0, -1.0}, 0);
    double[] x = {0.0, 3.0, -1.0, 1.0, 2.0, 2.0, 0.0};
    SlateQSnapshot s = new SlateQSnapshot(0, SlateQSnapshot.Mode.DECOMPOSED, q, choice, 0.0, 1, 2, 3, 2);
    double[] scores = s.scores(x);
    // v = P(click at the first position) = sigmoid(f1): items (3, -1), (1, 2), (2, 0).
    assertEquals(3 * sigmoid(-1), scores[0], 1e-9);
    assertEquals(sigmoid(2), scores[1], 1e-9);
    assertEquals(2 * sigmoid(0), scores[2], 1e-9);
    // Scores 0.81, 0.88, 1.0: the greedy slate is item 2, then item 1; its value is
    // P(click item 2 at position 0) * Q(item 2) + P(click item 1 at position 1) * Q(item 1).
    double expected = sigmoid(0) * 2 + sigmoid(2 - 1) * 1;
    assertEquals(expected, s.slateValue(x), 1e-9);
    SlateQSnapshot simple = new SlateQSnapshot(0, SlateQSnapshot.Mode.SIMPLIFIED, q, choice, 0.0, 1, 2, 3, 2);
    assertTrue(simple.scores(x)[0] > simple.scores(x)[2], "simplified ranks by Q alone");
  }

  /** w = (c: 0.5, a: -1, b: 2, bias: -0.75), beta = (0.3, -0.25): logit 0.25 at context 2, item (1, 0.5). */
  private static ClickModel tiny() {
    ClickModel m = new ClickModel(1, 2, 2, 0.5, 0.1);
    m.load(new double[] {0.5, -1.0, 2.0, -0.75, 0.3, -0.25}, 3);
    return m;
  }

  @Test
  void theLogitReadsTheContextAndTheItemAtItsOffset() {
    ClickModel m = tiny();
    double[] feats = {9, 1, 0.5};
    // -0.75 + 0.5 x 2 - 1 x 1 + 2 x 0.5.
    assertEquals(0.25, m.logit(new double[] {2}, feats, 1), 1e-15);
    assertEquals(2, m.positions());
    assertEquals(3, m.updates());
    // Position 0 adds beta_0; positions past the last share the last one's bias.
    assertEquals(sigmoid(0.25 + 0.3), m.clickProbability(0.25, 0), 1e-15);
    assertEquals(0.5, m.clickProbability(0.25, 1), 1e-15);
    assertEquals(0.5, m.clickProbability(0.25, 5), 1e-15);
  }

  @Test
  void oneSgdStepFollowsTheLogLossGradientWithItsL2Penalty() {
    ClickModel m = tiny();
    // A click at position 5 (the last bias): p = sigmoid(0.25 - 0.25) = 0.5, gradient g = p - 1 = -0.5.
    m.update(new double[] {2}, new double[] {9, 1, 0.5}, 1, 5, true);
    double[] p = m.parameters();
    assertEquals(0.5 - 0.5 * (-0.5 * 2 + 0.1 * 0.5), p[0], 1e-12); // 0.975
    assertEquals(-1.0 - 0.5 * (-0.5 * 1 + 0.1 * -1.0), p[1], 1e-12); // -0.7
    assertEquals(2.0 - 0.5 * (-0.5 * 0.5 + 0.1 * 2.0), p[2], 1e-12); // 2.025
    assertEquals(-0.75 - 0.5 * -0.5, p[3], 1e-12, "the bias is not penalised");
    assertEquals(0.3, p[4], 0.0, "another position's bias is untouched");
    assertEquals(-0.25 - 0.5 * -0.5, p[5], 1e-12);
    assertEquals(4, m.updates());
    assertArrayEquals(new double[] {0.975, -0.7, 2.025, -0.5, 0.3, 0.0}, p, 1e-12);
  }

  @Test
  void settingsAreCheckedAtTheirLimits() {
    ClickModel smallest = new ClickModel(0, 1, 1, Double.MIN_VALUE, 0.0);
    assertEquals(1, smallest.positions());
    assertEquals(3, smallest.parameters().length);
    String message = "click model needs dims >= 0/1, positions >= 1, lr > 0, l2 >= 0";
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new ClickModel(-1, 1, 1, 0.1, 0)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new ClickModel(0, 0, 1, 0.1, 0)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new ClickModel(0, 1, 0, 0.1, 0)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new ClickModel(0, 1, 1, 0.0, 0)).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> new ClickModel(0, 1, 1, 0.1, -1e-12)).getMessage());
    assertEquals("click model needs 6 parameters, got 5", assertThrows(IllegalArgumentException.class,
        () -> tiny().load(new double[5], 0)).getMessage());
  }
}
