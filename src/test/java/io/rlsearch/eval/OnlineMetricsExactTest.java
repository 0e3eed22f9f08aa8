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

/** Online metrics on small hand-made streams: block folding, CM2 windows, the final 10% and the id bounds. */
class OnlineMetricsExactTest {
  /** A metrics row with this reward and CM2 (the other metrics 0). */
  private static double[] row(double reward, double cm2) {
    return new double[] {reward, 0, cm2, 0, 0, 0, 0};
  }

  private static Transition t(long episode, double reward) {
    return new Transition(episode, 0, 0, "a", 0, new double[] {1}, 0, null, 1.0, reward,
        new RewardBreakdown(0, 0, 0, 0), 0, 0, 0, 0);
  }

  @Test
  void addSaysWhetherTheEpisodeIsNewAndSeenRemembersIt() {
    OnlineMetrics m = new OnlineMetrics(1);
    assertFalse(m.seen(t(0, 1)));
    assertTrue(m.add(t(0, 1)));
    assertTrue(m.seen(t(0, 1)));
    assertTrue(m.add(t(1, 2)), "beyond the kept episodes too");
    assertFalse(m.add(t(1, 2)));
    assertFalse(m.seen(t(2, 1)));
    // Ids outside 0..2^31-1 are never seen (and refused when added).
    assertFalse(m.seen(t(-1, 1)));
    assertFalse(m.seen(t(1L << 31, 1)));
    assertThrows(IllegalArgumentException.class, () -> m.add(t(-1, 1)));
    assertThrows(IllegalArgumentException.class, () -> m.add(t(1L << 31, 1)));
    assertEquals(2, m.count());
    assertEquals(1, m.duplicates());
  }

  @Test
  void theLargestEpisodeIdIsAccepted() {
    // 2^31 - 1 is the last id a bit per episode can hold (the bit set then takes 256 MB).
    OnlineMetrics m = new OnlineMetrics(1);
    long last = Integer.MAX_VALUE;
    assertTrue(m.add(t(last, 3)));
    assertTrue(m.seen(t(last, 3)));
    assertEquals(3.0, m.report().mean().get("reward").mean());
  }

  @Test
  void aDetailOfOneIsAcceptedAndZeroIsRefused() {
    assertDoesNotThrow(() -> new OnlineMetrics(1));
    assertThrows(IllegalArgumentException.class, () -> new OnlineMetrics(0));
  }

  @Test
  void aBlockIsFoldedWhenCompleteOrWhenTheLookAheadIsReached() {
    OnlineMetrics m = new OnlineMetrics(1);
    for (int e = 0; e < 999; e++) {
      m.add(e, 0, 0, row(e, 0));
    }
    assertEquals(1, m.pendingBlocks());
    m.add(999, 0, 0, row(999, 0));
    assertEquals(0, m.pendingBlocks(), "block 0 is complete");
    // Block 1 waits until an id 8 blocks later arrives: block 8 (id 8000) is 7 later, block 9 (id 9000) 8.
    m.add(1000, 0, 0, row(0, 0));
    m.add(8000, 0, 0, row(0, 0));
    assertEquals(2, m.pendingBlocks());
    m.add(9000, 0, 0, row(0, 0));
    assertEquals(2, m.pendingBlocks(), "block 1 folded; blocks 8 and 9 wait");
  }

  @Test
  void cm2WindowsBeyondTheKeptEpisodesAreTheMeansOfEachHundredIds() {
    OnlineMetrics m = new OnlineMetrics(1);
    // Block 0: ids 0 and 1 (CM2 1 and 3) in window 0, id 650 (CM2 10) in window 6.
    m.add(0, 0, 0, row(1, 1));
    m.add(1, 0, 0, row(1, 3));
    m.add(650, 0, 0, row(1, 10));
    // Id 8100 (block 8, window 81, version 1) folds block 0; a late retry of id 5 (CM2 5) joins window 0.
    m.add(8100, 1, 0, row(7, 7));
    assertEquals(1, m.pendingBlocks());
    m.add(5, 0, 0, row(1, 5));
    OnlineMetrics.Report r = m.report();
    assertEquals(5, r.episodes());
    // Window 0: (1 + 3 + 5) / 3; window 6: 10; window 81: 7 (from the pending block).
    assertArrayEquals(new double[] {3, 10, 7}, r.cm2Hundreds(), 1e-12);
    assertEquals(1.0 / 3, r.cm2FloorViolationRate(5, 100), 1e-12);
    assertEquals(0.0, r.cm2FloorViolationRate(3, 100));
    assertThrows(IllegalArgumentException.class, () -> r.cm2FloorViolationRate(5, 50));
    // Version 1 holds the pending block's one episode; the final 10% (1 episode) is that block alone.
    assertEquals(2, r.versions().size());
    assertEquals(1, r.versions().get(1).episodes());
    assertEquals(7.0, r.versions().get(1).metrics().get("reward").mean());
    assertEquals(7.0, r.last().get("reward").mean());
    assertEquals(1, r.last().get("reward").n());
    assertEquals((1 + 1 + 1 + 7 + 1) / 5.0, r.mean().get("reward").mean(), 1e-12);
  }

  @Test
  void theFinalTenPercentMergesWholeBlocksFromTheLast() {
    OnlineMetrics m = new OnlineMetrics(1);
    for (int e = 0; e < 30; e++) {
      m.add(e, 0, 0, row(100, 0));
    }
    // Block 1: rewards 0 and 2; block 2: rewards 4 and 6. 34 episodes: the final 10% is 4, blocks 2 and 1.
    m.add(1000, 0, 0, row(0, 0));
    m.add(1001, 0, 0, row(2, 0));
    m.add(2000, 0, 0, row(4, 0));
    m.add(2001, 0, 0, row(6, 0));
    Summary last = m.report().last().get("reward");
    assertEquals(4, last.n());
    assertEquals(3.0, last.mean(), 1e-12);
    // Squared deviations 9 + 1 + 1 + 9 = 20 over 3 degrees of freedom.
    assertEquals(Math.sqrt(20.0 / 3), last.std(), 1e-12);
  }

  @Test
  void cm2WindowsOfTheKeptEpisodesAreConsecutiveAndAnIncompleteLastOneIsDropped() {
    OnlineMetrics m = new OnlineMetrics();
    double[] cm2 = {1, 3, 10, 0, 2};
    for (int e = 0; e < cm2.length; e++) {
      m.add(e, 0, 0, row(0, cm2[e]));
    }
    OnlineMetrics.Report r = m.report();
    assertEquals(0, r.cm2Hundreds().length);
    // Windows of 2: means 2 and 5 (episode 4 is left over).
    assertEquals(0.5, r.cm2FloorViolationRate(3, 2), 1e-12);
    assertEquals(0.0, r.cm2FloorViolationRate(2, 2));
    assertEquals(1.0, r.cm2FloorViolationRate(5.5, 2));
    // One window of 5: mean 3.2.
    assertEquals(1.0, r.cm2FloorViolationRate(3.3, 5));
    assertEquals(0.0, r.cm2FloorViolationRate(3.1, 5));
    assertEquals(Double.NaN, r.cm2FloorViolationRate(3, 6));
  }
}
