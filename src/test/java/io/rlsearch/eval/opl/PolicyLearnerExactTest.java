package io.rlsearch.eval.opl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The learners' Adam steps, their invariance to reward units, the split's bounds and the settings' bounds. */
class PolicyLearnerExactTest {
  @Test
  void adamTakesTheTextbookSteps() {
    BanditData d = PolicyLearnerTest.synthetic(60, 3);
    Features f = Features.fit(d.context(), d.dim());
    double[] w = new double[d.size()];
    Arrays.fill(w, 3);
    SoftmaxObjective obj = SoftmaxObjective.ipw(f.phi(d.context()), d.actions(), w, 3, 0.5);
    double[] theta = new double[3 * f.dim()];
    for (int k = 0; k < theta.length; k++) {
      theta[k] = 0.1 * Math.sin(k + 1);
    }
    double[] mine = theta.clone();
    PolicyLearner.adam(obj, theta, 4, 0.05);
    // Kingma and Ba's Adam (ascent): m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, step lr mhat / (sqrt(vhat) + 1e-8).
    double[] m = new double[mine.length];
    double[] v = new double[mine.length];
    for (int t = 1; t <= 4; t++) {
      double[] g = new double[mine.length];
      obj.evaluate(mine, g);
      for (int k = 0; k < mine.length; k++) {
        m[k] = 0.9 * m[k] + 0.1 * g[k];
        v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
        double mh = m[k] / (1 - Math.pow(0.9, t));
        double vh = v[k] / (1 - Math.pow(0.999, t));
        mine[k] += 0.05 * mh / (Math.sqrt(vh) + 1e-8);
      }
    }
    assertArrayEquals(mine, theta, 1e-12);
  }

  private static BanditData withRewards(BanditData d, double scale, double shift) {
    double[] r = d.rewards().clone();
    for (int i = 0; i < r.length; i++) {
      r[i] = r[i] * scale + shift;
    }
    return new BanditData(d.context(), d.actions(), d.positions(), r, d.pscores(), d.groups(), d.nActions(),
        d.nPositions(), d.featureNames(), d.actionIds());
  }

  private static void assertSamePolicy(LinearPolicy a, LinearPolicy b) {
    for (int p = 0; p < a.weights().length; p++) {
      for (int k = 0; k < a.weights()[p].length; k++) {
        assertArrayEquals(a.weights()[p][k], b.weights()[p][k], 1e-7, "position " + p + ", action " + k);
      }
      assertArrayEquals(a.intercepts()[p], b.intercepts()[p], 1e-7);
    }
  }

  @Test
  void theDrLearnerStandardisesRewardsSoTheirUnitsDoNotMatter() {
    BanditData d = PolicyLearnerTest.synthetic(300, 4);
    PolicyLearner.Settings s = new PolicyLearner.Settings("dr", 1.0, 60, 0.05, 2, 1.0, true, 3);
    LinearPolicy base = PolicyLearner.fit(d, s, Map.of());
    assertSamePolicy(base, PolicyLearner.fit(withRewards(d, 7, 0), s, Map.of()));
    assertSamePolicy(base, PolicyLearner.fit(withRewards(d, 1, 5), s, Map.of()));
    assertSamePolicy(base, PolicyLearner.fit(withRewards(d, 0.25, -3), s, Map.of()));
  }

  @Test
  void theIpwLearnerNormalisesItsWeightsSoTheRewardsScaleDoesNotMatter() {
    BanditData d = PolicyLearnerTest.synthetic(300, 5);
    PolicyLearner.Settings s = new PolicyLearner.Settings("ipw", 1.0, 60, 0.05, 2, 1.0, true, 3);
    LinearPolicy base = PolicyLearner.fit(d, s, Map.of());
    assertSamePolicy(base, PolicyLearner.fit(withRewards(d, 7, 0), s, Map.of()));
    assertSamePolicy(base, PolicyLearner.fit(withRewards(d, 0.25, 0), s, Map.of()));
  }

  @Test
  void theIpwLearnerRefusesANegativeRewardInTheFirstRow() {
    BanditData d = withRewards(PolicyLearnerTest.synthetic(30, 6), 1, -0.5);
    double[] r = d.rewards().clone();
    for (int i = 1; i < r.length; i++) {
      r[i] = Math.abs(r[i]);
    }
    r[0] = -0.5;
    BanditData first = new BanditData(d.context(), d.actions(), d.positions(), r, d.pscores(), d.groups(), 3, 1,
        d.featureNames(), d.actionIds());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyLearner.fit(first, PolicyLearner.Settings.defaults("ipw", 1), Map.of()));
    assertTrue(e.getMessage().startsWith("training row 1 has reward -0.5"), e.getMessage());
  }

  @Test
  void settingsAcceptTheirBoundsAndRefuseWhatIsPast() {
    assertDoesNotThrow(() -> new PolicyLearner.Settings("dr", 0, 1, 1e-9, 2, 1e-9, true, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new PolicyLearner.Settings("dr", 0, 1, 0.1, 2, 1, true, 1,
        Math.nextDown(1.0)));
    assertThrows(IllegalArgumentException.class, () -> new PolicyLearner.Settings("dr", -1e-12, 1, 0.1, 2, 1, true, 1));
    assertThrows(IllegalArgumentException.class, () -> new PolicyLearner.Settings("dr", 0, 0, 0.1, 2, 1, true, 1));
    assertThrows(IllegalArgumentException.class, () -> new PolicyLearner.Settings("dr", 0, 1, 0, 2, 1, true, 1));
    assertThrows(IllegalArgumentException.class, () -> new PolicyLearner.Settings("dr", 0, 1, 0.1, 1, 1, true, 1));
    assertThrows(IllegalArgumentException.class, () -> new PolicyLearner.Settings("dr", 0, 1, 0.1, 2, 0, true, 1));
  }

  @Test
  void theSplitAcceptsTwoRoundsAndAlwaysKeepsOneOnEachSide() {
    BanditData d = PolicyLearnerTest.synthetic(2, 7);
    for (double holdout : new double[] {0.01, 0.5, 0.99}) {
      Split s = Split.of(d, holdout, 1);
      assertEquals(1, s.train().length, "holdout " + holdout);
      assertEquals(1, s.heldOut().length, "holdout " + holdout);
    }
    assertThrows(IllegalArgumentException.class, () -> Split.of(d, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> Split.of(PolicyLearnerTest.synthetic(1, 7), 0.5, 1));
    // 10 rounds, 30%: 3 held out.
    assertEquals(3, Split.of(PolicyLearnerTest.synthetic(10, 7), 0.3, 2).heldOut().length);
  }

  @Test
  void shuffledIsAPermutation() {
    int[] order = Split.shuffled(7, 3);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, sorted);
  }
}
