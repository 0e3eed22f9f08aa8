package io.rlsearch.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void beyondTheKeptEpisodesReportsComeFromRunningSumsInIdOrderAndMemoryStaysBounded() {
    int n = 30_000;
    long[] order = shuffledInWindows(n, 5);
    long[] other = shuffledInWindows(n, 6);
    OnlineMetrics exact = new OnlineMetrics(n);
    OnlineMetrics summed = new OnlineMetrics(500);
    OnlineMetrics summedAgain = new OnlineMetrics(500);
    for (int i = 0; i < n; i++) {
      long e = order[i];
      double r = Math.sin(e) * 3 + (e % 11);
      exact.add(t(e, e, 0, e / 2500, r));
      summed.add(t(e, e, 0, e / 2500, r));
      long f = other[i];
      summedAgain.add(t(f, f, 0, f / 2500, Math.sin(f) * 3 + (f % 11)));
      assertTrue(summed.pendingBlocks() <= OnlineMetrics.LOOKAHEAD + 1, "pending " + summed.pendingBlocks());
    }
    OnlineMetrics.Report a = exact.report();
    OnlineMetrics.Report b = summed.report();
    assertEquals(n, b.episodes());
    assertEquals(500, b.rewards().length, "the kept episodes only");
    for (String m : OnlineMetrics.NAMES) {
      assertEquals(a.mean().get(m).mean(), b.mean().get(m).mean(), 1e-9, m);
      assertEquals(a.mean().get(m).std(), b.mean().get(m).std(), 1e-9, m);
    }
    // Folded in id order: the same sums whatever the arrival order.
    assertEquals(b.mean(), summedAgain.report().mean());
    assertEquals(a.versions().size(), b.versions().size());
    for (int v = 0; v < a.versions().size(); v++) {
      assertEquals(a.versions().get(v).episodes(), b.versions().get(v).episodes());
      assertEquals(a.versions().get(v).metrics().get("reward").mean(), b.versions().get(v).metrics().get("reward").mean(),
          1e-9);
    }
    // The final 10% (3,000 episodes) is exactly the last three blocks here.
    assertEquals(a.last().get("reward").mean(), b.last().get("reward").mean(), 1e-9);
    assertEquals(a.cm2FloorViolationRate(0.5, 100), b.cm2FloorViolationRate(0.5, 100), 1e-12);
  }

  /** 0..n-1, shuffled within consecutive windows of 64 (as shards and retries reorder a stream). */
  private static long[] shuffledInWindows(int n, long seed) {
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    io.rlsearch.core.random.NumpyRandom rng = new io.rlsearch.core.random.NumpyRandom(seed);
    for (int i = 0; i < n; i += 64) {
      for (int j = Math.min(n, i + 64) - 1; j > i; j--) {
        int k = i + (int) rng.integers(0, j - i + 1);
        long x = order[j];
        order[j] = order[k];
        order[k] = x;
      }
    }
    return order;
  }

  @Test
  void sparseEpisodeIdsAreFoldedAfterTheLookAheadAndLateRetriesStillCount() {
    OnlineMetrics m = new OnlineMetrics(10);
    double sum = 0;
    for (long u = 0; u < 5000; u++) {
      // Users of 8 sessions who leave after 1 to 3: most ids never come.
      for (int s = 0; s <= u % 3; s++) {
        m.add(t(u * 8 + s, u, s, 0, s));
        sum += s;
      }
      assertTrue(m.pendingBlocks() <= OnlineMetrics.LOOKAHEAD + 1);
    }
    m.add(t(8 * 0 + 5, 0, 5, 0, 100));
    sum += 100;
    OnlineMetrics.Report r = m.report();
    assertEquals(m.count(), r.episodes());
    assertEquals(sum / m.count(), r.mean().get("reward").mean(), 1e-9);
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
