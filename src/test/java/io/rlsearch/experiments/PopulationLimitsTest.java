package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Population's limits (users, first user, sessions cap), its counters and the episode id it will hand
 * out next. A return probability of exactly 1 (clicks so many that the logistic saturates) or exactly
 * 0 (clicks so negative that it underflows) makes the return decisions certain.
 */
class PopulationLimitsTest {
  private static final World WORLD = Runs.smallWorld(5);
  private static final double ALWAYS = 1e6;
  private static final double NEVER = -1e6;
  private static final long MAX = Integer.MAX_VALUE;

  private static Population pop(long users, boolean retention, int cap, long first) {
    return new Population(WORLD, new RunStreams(3), users, retention, cap, first);
  }

  private static String refusal(long users, boolean retention, int cap, long first) {
    return assertThrows(IllegalArgumentException.class, () -> pop(users, retention, cap, first)).getMessage();
  }

  @Test
  void theFirstUserMustBeBelowTheUsers() {
    assertEquals("first user must be in 0..2, got 3", refusal(3, false, 1, 3));
    assertEquals("first user must be in 0..2, got -1", refusal(3, false, 1, -1));
    assertEquals(2, pop(3, false, 1, 2).next().orElseThrow().user(), "the last user may be the first");
    assertEquals(0, pop(3, false, 1, 0).next().orElseThrow().user());
  }

  @Test
  void usersRunFromOneToTwoToThe31MinusOne() {
    assertEquals(0, pop(1, false, 1, 0).next().orElseThrow().user(), "one user is enough");
    assertEquals("users must be in 1..2147483647, got 2147483648", refusal(MAX + 1, false, 1, 0));
    // exactly 2^31 - 1 users with one session each: the product stays at the limit
    Population most = pop(MAX, false, 1, 0);
    assertEquals(Optional.of(0L), most.nextEpisodeId());
  }

  @Test
  void usersTimesTheCapMustStayBelowTwoToThe31() {
    assertEquals("users x sessions cap must stay below 2^31, got 2147483648", refusal(1L << 30, true, 2, 0));
    Population p = pop((1L << 30) - 1, true, 2, 0);
    assertEquals(2, p.sessionsCap());
    assertEquals(Optional.of(0L), p.nextEpisodeId());
    assertEquals("sessions cap must be >= 1 (exactly 1 without retention), got 2", refusal(3, false, 2, 0));
    assertEquals("sessions cap must be >= 1 (exactly 1 without retention), got 0", refusal(3, true, 0, 0));
  }

  @Test
  void aResumedPopulationCountsOnlyItsOwnUsers() {
    Population p = pop(5, false, 1, 2);
    assertEquals(0, p.arrived());
    Population.Arrival a = p.next().orElseThrow();
    assertEquals(2, a.user());
    assertEquals(2, a.episode());
    assertEquals(1, p.arrived());
    assertEquals(1, p.sessionsStarted());
    Population.Arrival b = p.next().orElseThrow();
    Population.Arrival c = p.next().orElseThrow();
    assertEquals(4, c.user());
    assertEquals(3, p.arrived());
    assertEquals(3, p.sessionsStarted());
    assertTrue(p.next().isEmpty());
    assertEquals(3, p.sessionsStarted(), "an empty next starts no session");
    p.finished(a.user(), 0, 1, 0);
    p.finished(b.user(), 0, 1, 0);
    assertFalse(p.exhausted());
    p.finished(c.user(), 0, 1, 0);
    assertTrue(p.exhausted(), "users 2..4 have all left");
    assertEquals(3, p.retired());
  }

  @Test
  void theNextEpisodeIdIsAReturningUsersOrTheNextArrivalsOrNone() {
    Population p = pop(2, true, 3, 0);
    assertEquals(3, p.sessionsCap());
    assertEquals(Optional.of(0L), p.nextEpisodeId());
    Population.Arrival u0 = p.next().orElseThrow();
    assertEquals(Optional.of(3L), p.nextEpisodeId());
    Population.Arrival u1 = p.next().orElseThrow();
    assertEquals(3, u1.episode());
    assertEquals(Optional.empty(), p.nextEpisodeId(), "both users arrived, none returning");
    p.finished(u1.user(), 0, ALWAYS, 1);
    assertEquals(Optional.of(4L), p.nextEpisodeId(), "user 1's second session: 1 x 3 + 1");
    Population.Arrival r = p.next().orElseThrow();
    assertEquals(4, r.episode());
    assertEquals(1, r.session());
    assertEquals(3, p.sessionsStarted());
    assertEquals(Optional.empty(), p.nextEpisodeId());
    p.finished(u0.user(), 0, NEVER, 0);
    assertEquals(1, p.retired());
    assertEquals(Optional.empty(), p.nextEpisodeId());
    assertTrue(p.next().isEmpty());
  }

  @Test
  void finishingASessionTwiceWithRetentionDecidesOnce() {
    Population p = pop(1, true, 10, 0);
    Population.Arrival a = p.next().orElseThrow();
    p.finished(a.user(), 0, ALWAYS, 1);
    // the retried duplicate: a second decision would queue a second return
    p.finished(a.user(), 0, ALWAYS, 1);
    Population.Arrival r = p.next().orElseThrow();
    assertEquals(1, r.session());
    assertTrue(p.next().isEmpty(), "one return queued, not two");
    assertEquals(0, p.retired());
    p.finished(a.user(), 1, NEVER, 0);
    p.finished(a.user(), 1, NEVER, 0);
    assertEquals(1, p.retired());
    assertTrue(p.exhausted());
  }

  @Test
  void theCapEndsAUserWhoWouldReturn() {
    Population p = pop(1, true, 2, 0);
    p.next().orElseThrow();
    p.finished(0, 0, ALWAYS, 1);
    Population.Arrival last = p.next().orElseThrow();
    assertEquals(1, last.session());
    p.finished(0, 1, ALWAYS, 1);
    assertTrue(p.next().isEmpty(), "session index 2 is past the cap of 2");
    assertTrue(p.exhausted());
  }
}
