package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator's small pieces against numpy where they mirror it (mean, population std, percentile
 * with numpy's two-sided interpolation), the retention hazard's exact values and the clamp of its
 * base rate, the rank-change metric's set semantics, the top-k selector's bounds, and the value types
 * (copies in and out, equality by content, a hash that tells different values apart).
 */
class SimHelpersTest {
  @Test
  void statsFollowNumpy() {
    double[] x = {3.5, 1.0, 7.25, 2.0, 10.0};
    // numpy: x.mean(), x.std(), np.percentile(x, q)
    assertEquals(4.75, Stats.mean(x), 0.0);
    assertEquals(3.3763886032268267, Stats.populationStd(x, Stats.mean(x)), 1e-15);
    double[] q = {0, 10, 25, 37.5, 50, 62.5, 75, 90, 100};
    double[] want = {1.0, 1.4, 2.0, 2.75, 3.5, 5.375, 7.25, 8.9, 10.0};
    for (int i = 0; i < q.length; i++) {
      assertEquals(want[i], Stats.percentile(x, q[i]), 1e-15, "q " + q[i]);
    }
    assertArrayEquals(new double[] {3.5, 1.0, 7.25, 2.0, 10.0}, x, 0.0, "the input is not sorted in place");
    // At a fraction of exactly 0.5 numpy interpolates down from the upper value: to the bit.
    assertEquals(0.39999999999999997, Stats.percentile(new double[] {0.1, 0.7}, 50), 0.0);
    assertEquals(4.0, Stats.percentile(new double[] {4.0}, 30), 0.0);
    assertEquals(0.0, Stats.mean(new double[0]), 0.0);
    assertEquals(0.0, Stats.populationStd(new double[0], 1.0), 0.0);
    assertEquals(0.5, Stats.sigmoid(0), 0.0);
    assertEquals(1 / (1 + Math.exp(-2)), Stats.sigmoid(2), 0.0);
  }

  @Test
  void returnProbabilityIsTheLogisticHazard() {
    Retention r = new Retention(new SimSettings.Retention(0.35, 0.2, 0.5));
    // sigmoid(logit(0.35) + 0.2 * 3 + 0.5 * 0.8), as Python computes it
    assertEquals(0.5941048132675038, r.returnProbability(3, 0.8), 1e-15);
    assertEquals(0.35, r.returnProbability(0, 0), 1e-15);
    // A base rate next to 0 or 1 is clamped to [1e-6, 1 - 1e-6] before the logit.
    assertEquals(1e-6, new Retention(new SimSettings.Retention(1e-9, 0, 0)).returnProbability(0, 0), 1e-18);
    assertEquals(1 - 1e-6, new Retention(new SimSettings.Retention(1 - 1e-9, 0, 0)).returnProbability(0, 0), 1e-15);
    // sampleReturn compares one uniform draw with that probability.
    NumpyRandom a = new NumpyRandom(9);
    NumpyRandom b = new NumpyRandom(9);
    int returned = 0;
    for (int i = 0; i < 200; i++) {
      boolean got = r.sampleReturn(3, 0.8, a);
      assertEquals(b.random() < 0.5941048132675038, got, "draw " + i);
      returned += got ? 1 : 0;
    }
    assertTrue(returned > 0 && returned < 200);
    Retention always = new Retention(new SimSettings.Retention(0.5, 100, 0));
    assertEquals(1.0, always.returnProbability(10, 0), 0.0);
    assertEquals(0.0, always.returnProbability(-10, 0), 0.0);
  }

  @Test
  void rankChangeCountsASharedItemOnce() {
    // set(prev[:3]) & set(curr[:3]) = {1, 2}: a repeated id in the current list counts once
    assertEquals(1.0 / 3, Metrics.deltaRankAtK(new int[] {1, 2, 3}, new int[] {1, 1, 2}, 3), 1e-15);
    assertEquals(1.0, Metrics.deltaRankAtK(new int[] {1, 2}, new int[] {3, 4}, 2), 0.0);
    // k' = min(k, both lengths): only the first two of each are compared
    assertEquals(0.5, Metrics.deltaRankAtK(new int[] {1, 2, 9}, new int[] {1, 3, 2}, 2), 0.0);
    assertEquals(0.0, Metrics.deltaRankAtK(new int[] {1, 2, 9}, new int[] {2, 1}, 5), 0.0);
    assertEquals(0.0, Metrics.deltaRankAtK(new int[] {1}, new int[] {2}, 0), 0.0);
  }

  @Test
  void topKKeepsTheBestFirstAndRefusesAnEmptySelection() {
    assertEquals("k must be >= 1, got 0", assertThrows(IllegalArgumentException.class, () -> new TopK(0)).getMessage());
    TopK t = new TopK(2);
    assertEquals(2, t.capacity());
    assertEquals(Double.NEGATIVE_INFINITY, t.threshold());
    t.offer(0, 1.0);
    assertEquals(Double.NEGATIVE_INFINITY, t.threshold(), "one of two places is still free");
    t.offer(1, 3.0);
    assertEquals(1.0, t.threshold());
    t.offer(2, 1.0); // equal to the k-th: does not enter, catalog order is kept
    t.offer(3, 2.0);
    int[] out = new int[2];
    assertEquals(2, t.copyTo(out));
    assertArrayEquals(new int[] {1, 3}, out);
    assertEquals(2.0, t.threshold());
    t.clear();
    assertEquals(0, t.size());
    assertEquals(Double.NEGATIVE_INFINITY, t.threshold());
    assertArrayEquals(new int[] {2, 0}, TopK.of(new double[] {1, 0, 5}, 2));
    assertArrayEquals(new int[] {0, 1}, TopK.of(new double[] {1, 1}, 5), "k above the length keeps all");
    assertArrayEquals(new int[0], TopK.of(new double[0], 3));
  }

  @Test
  void sessionOutcomesCountAndCompareByContent() {
    int[] clicks = {1, 0, 1};
    SessionOutcome o = new SessionOutcome(clicks, new int[] {1, 0, 0}, -0.5);
    clicks[1] = 1;
    o.clicks()[1] = 1;
    o.buys()[1] = 1;
    assertArrayEquals(new int[] {1, 0, 1}, o.clicks());
    assertArrayEquals(new int[] {1, 0, 0}, o.buys());
    assertEquals(2, o.totalClicks());
    assertEquals(1, o.totalBuys());
    assertEquals(3, o.length());
    assertEquals("SessionOutcome[clicks=[1, 0, 1], buys=[1, 0, 0], satisfaction=-0.5]", o.toString());
    assertEquals(new SessionOutcome(new int[] {1, 0, 1}, new int[] {1, 0, 0}, -0.5), o);
    assertEquals(new SessionOutcome(new int[] {1, 0, 1}, new int[] {1, 0, 0}, -0.5).hashCode(), o.hashCode());
    assertNotEquals(new SessionOutcome(new int[] {1, 1, 1}, new int[] {1, 0, 0}, -0.5), o);
    assertNotEquals(new SessionOutcome(new int[] {1, 0, 1}, new int[] {0, 0, 0}, -0.5), o);
    assertNotEquals(new SessionOutcome(new int[] {1, 0, 1}, new int[] {1, 0, 0}, 0.5), o);
    assertNotEquals(o, "SessionOutcome");
    assertNotEquals(new SessionOutcome(new int[] {1, 1, 1}, new int[] {1, 0, 0}, -0.5).hashCode(), o.hashCode());
    assertNotEquals(new SessionOutcome(new int[] {1, 0, 1}, new int[] {0, 0, 0}, -0.5).hashCode(), o.hashCode());
  }

  @Test
  void usersAndQueriesCopyAndCompareByContent() {
    double[] cat = {0.25, 0.75};
    float[] emb = {0.5f, -1f};
    User u = new User(1, -0.8, 0.3, cat, emb);
    cat[0] = 9;
    emb[0] = 9;
    u.thetaCat()[0] = 9;
    u.thetaEmb()[0] = 9;
    assertArrayEquals(new double[] {0.25, 0.75}, u.thetaCat(), 0.0);
    assertArrayEquals(new float[] {0.5f, -1f}, u.thetaEmb());
    assertEquals(0.75, u.thetaCat(1), 0.0);
    assertEquals("User[segment=1, thetaPrice=-0.8, thetaPl=0.3, thetaCat=[0.25, 0.75]]", u.toString());
    User same = new User(1, -0.8, 0.3, new double[] {0.25, 0.75}, new float[] {0.5f, -1f});
    assertEquals(same, u);
    assertEquals(same.hashCode(), u.hashCode());
    User[] others = {
        new User(2, -0.8, 0.3, new double[] {0.25, 0.75}, new float[] {0.5f, -1f}),
        new User(1, -0.7, 0.3, new double[] {0.25, 0.75}, new float[] {0.5f, -1f}),
        new User(1, -0.8, 0.4, new double[] {0.25, 0.75}, new float[] {0.5f, -1f}),
        new User(1, -0.8, 0.3, new double[] {0.75, 0.25}, new float[] {0.5f, -1f}),
        new User(1, -0.8, 0.3, new double[] {0.25, 0.75}, new float[] {0.5f, 1f}),
    };
    for (int i = 0; i < others.length; i++) {
      assertNotEquals(u, others[i], "variant " + i);
    }
    for (int i : new int[] {0, 1, 4}) {
      assertNotEquals(u.hashCode(), others[i].hashCode(), "variant " + i);
    }
    assertFalse(u.equals("User"));

    float[] qe = {0.1f, 0.2f};
    Query q = new Query(2, 1, qe, List.of("dog", "food", "generic"));
    qe[0] = 9;
    q.phiEmb()[1] = 9;
    assertArrayEquals(new float[] {0.1f, 0.2f}, q.phiEmb());
    assertArrayEquals(new double[] {0, 0, 1, 0}, q.phiCat(4), 0.0);
    assertEquals("Query[intentCategory=2, queryType=1, tokens=[dog, food, generic]]", q.toString());
    Query sameQ = new Query(2, 1, new float[] {0.1f, 0.2f}, List.of("dog", "food", "generic"));
    assertEquals(sameQ, q);
    assertEquals(sameQ.hashCode(), q.hashCode());
    Query[] otherQ = {
        new Query(3, 1, new float[] {0.1f, 0.2f}, List.of("dog", "food", "generic")),
        new Query(2, 0, new float[] {0.1f, 0.2f}, List.of("dog", "food", "generic")),
        new Query(2, 1, new float[] {0.1f, 0.3f}, List.of("dog", "food", "generic")),
        new Query(2, 1, new float[] {0.1f, 0.2f}, List.of("cat", "food", "generic")),
    };
    for (int i = 0; i < otherQ.length; i++) {
      assertNotEquals(q, otherQ[i], "variant " + i);
    }
    for (int i = 0; i < 3; i++) {
      assertNotEquals(q.hashCode(), otherQ[i].hashCode(), "variant " + i);
    }
    assertFalse(q.equals("Query"));
  }
}
