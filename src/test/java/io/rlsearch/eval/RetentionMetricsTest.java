package io.rlsearch.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import org.junit.jupiter.api.Test;

/** Retention metrics: the settings' bounds, duplicates, and the curve out to ten sessions. */
class RetentionMetricsTest {
  private static Transition t(long episode, long user, int session, double reward) {
    return new Transition(episode, user, session, "a", 0, new double[] {1}, 0, null, 1.0, reward,
        new RewardBreakdown(0, 0, 0, 0), 0, 0, 0, 0);
  }

  @Test
  void settingsAcceptTheirBoundsAndRefuseWhatIsPast() {
    assertDoesNotThrow(() -> new RetentionMetrics(1, 0));
    assertDoesNotThrow(() -> new RetentionMetrics(1, 1));
    assertThrows(IllegalArgumentException.class, () -> new RetentionMetrics(0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new RetentionMetrics(1L << 31, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new RetentionMetrics(1, -1e-12));
    assertThrows(IllegalArgumentException.class, () -> new RetentionMetrics(1, 1 + 1e-12));
    assertThrows(IllegalArgumentException.class, () -> new RetentionMetrics(1, Double.NaN));
  }

  @Test
  void aUserWithTenSessionsReachesTheEndOfTheCurve() {
    // gamma 1: the return is the plain sum. User 0 has 10 sessions of reward 1, user 1 one session of 3.
    RetentionMetrics m = new RetentionMetrics(2, 1);
    for (int s = 0; s < 10; s++) {
      assertTrue(m.add(t(s, 0, s, 1)));
    }
    assertTrue(m.add(t(10, 1, 0, 3)));
    assertFalse(m.add(t(10, 1, 0, 3)), "a duplicate");
    RetentionMetrics.Report r = m.report();
    assertEquals(11, r.sessions());
    assertArrayEquals(new long[] {2, 1, 1, 1, 1, 1, 1, 1, 1, 1}, r.atLeast());
    assertEquals(0.5, r.retentionCurve()[9]);
    assertEquals(10.0, r.value().mean() * 2 - 3, 1e-12);
  }

  @Test
  void gammaZeroKeepsOnlyTheFirstSession() {
    RetentionMetrics m = new RetentionMetrics(1, 0);
    m.add(t(0, 0, 0, 5));
    m.add(t(1, 0, 1, 7));
    assertEquals(5.0, m.report().value().mean());
  }
}
