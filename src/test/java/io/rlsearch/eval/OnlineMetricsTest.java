package io.rlsearch.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import org.junit.jupiter.api.Test;

class OnlineMetricsTest {
  private static Transition t(long episode, long user, int session, long version, double reward) {
    return new Transition(episode, user, session, "a", version, new double[] {1}, 0, null, 1.0, reward,
        new RewardBreakdown(2 * reward, 0.5, 0, 4), 1, 20, 0, 0);
  }

  @Test
  void reportsAreIndependentOfArrivalOrderAndDuplicatesAreRefused() {
    OnlineMetrics a = new OnlineMetrics();
    OnlineMetrics b = new OnlineMetrics();
    for (int e = 0; e < 20; e++) {
      a.add(t(e, e, 0, e / 10, e));
    }
    for (int e = 19; e >= 0; e--) {
      b.add(t(e, e, 0, e / 10, e));
    }
    assertFalse(b.add(t(3, 3, 0, 0, 3)));
    assertEquals(1, b.duplicates());
    OnlineMetrics.Report ra = a.report();
    OnlineMetrics.Report rb = b.report();
    assertArrayEquals(ra.rewards(), rb.rewards());
    assertEquals(ra.mean(), rb.mean());
    assertEquals(9.5, ra.mean().get("reward").mean(), 1e-12);
    assertEquals(0.2, ra.mean().get("ctr").mean(), 1e-12);
    // Final 10% of 20 episodes: episodes 18 and 19.
    assertEquals(18.5, ra.last().get("reward").mean(), 1e-12);
    assertEquals(2, ra.versions().size());
    assertEquals(10, ra.versions().get(1).episodes());
    assertEquals(14.5, ra.versions().get(1).metrics().get("reward").mean(), 1e-12);
  }

  @Test
  void retentionMetricsDiscountEachUsersSessions() {
    RetentionMetrics m = new RetentionMetrics(3, 0.5);
    m.add(t(0, 0, 0, 0, 4));
    m.add(t(1, 0, 1, 0, 4));
    m.add(t(2, 0, 2, 0, 4));
    m.add(t(10, 1, 0, 0, 2));
    m.add(t(10, 1, 0, 0, 2));
    m.add(t(20, 2, 0, 0, 0));
    RetentionMetrics.Report r = m.report();
    assertEquals(5, r.sessions());
    assertEquals(5.0 / 3, r.sessionsPerUser(), 1e-12);
    assertEquals(1.0, r.retentionCurve()[0]);
    assertEquals(1.0 / 3, r.retentionCurve()[1], 1e-12);
    assertEquals(0.0, r.retentionCurve()[3]);
    // User 0: 4 + 0.5*4 + 0.25*4 = 7; user 1: 2; user 2: 0.
    assertEquals(3.0, r.value().mean(), 1e-12);
  }
}
