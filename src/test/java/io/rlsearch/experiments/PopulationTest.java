package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PopulationTest {
  private static final World WORLD = Runs.smallWorld(5);

  @Test
  void withoutRetentionEachUserHasOneSession() {
    Population p = new Population(WORLD, new RunStreams(5), 3, false, 1);
    for (int u = 0; u < 3; u++) {
      Population.Arrival a = p.next().orElseThrow();
      assertEquals(u, a.user());
      assertEquals(u, a.episode());
      assertEquals(0, a.session());
    }
    assertTrue(p.next().isEmpty());
    assertFalse(p.exhausted());
    for (int u = 0; u < 3; u++) {
      p.finished(u, 0, 1, 0);
      p.finished(u, 0, 1, 0);
    }
    assertTrue(p.exhausted());
    assertEquals(3, p.retired());
  }

  @Test
  void withRetentionUsersReturnWithNewQueriesUntilTheyChurnOrHitTheCap() {
    Population p = new Population(WORLD, new RunStreams(8), 200, true, 3);
    long sessions = 0;
    int maxSession = 0;
    Optional<Population.Arrival> a;
    while (!p.exhausted()) {
      a = p.next();
      if (a.isEmpty()) {
        break;
      }
      Population.Arrival x = a.get();
      sessions++;
      maxSession = Math.max(maxSession, x.session());
      assertEquals(x.user() * 3 + x.session(), x.episode());
      // Many clicks and high satisfaction: p_return ~ 0.97.
      p.finished(x.user(), x.session(), 20, 1.0);
    }
    assertTrue(p.exhausted());
    assertEquals(2, maxSession, "the cap of 3 sessions was not reached or exceeded");
    assertTrue(sessions > 500 && sessions <= 600, "sessions " + sessions);
  }

  @Test
  void aUserKeepsItsProfileAcrossSessionsAndStreamsAreIndependentOfOrder() {
    Population a = new Population(WORLD, new RunStreams(4), 2, true, 10);
    Population.Arrival u0 = a.next().orElseThrow();
    Population.Arrival u1 = a.next().orElseThrow();
    a.finished(u1.user(), 0, 30, 2.0);
    a.finished(u0.user(), 0, 30, 2.0);
    Population b = new Population(WORLD, new RunStreams(4), 2, true, 10);
    Population.Arrival v0 = b.next().orElseThrow();
    Population.Arrival v1 = b.next().orElseThrow();
    b.finished(v0.user(), 0, 30, 2.0);
    b.finished(v1.user(), 0, 30, 2.0);
    Population.Arrival ra = a.next().orElseThrow();
    Population.Arrival rb = b.next().orElseThrow();
    // Finishing in another order changes who returns first, not what each user draws.
    Population.Arrival ra2 = a.next().orElseThrow();
    Population.Arrival rb2 = b.next().orElseThrow();
    Population.Arrival aUser0 = ra.user() == 0 ? ra : ra2;
    Population.Arrival bUser0 = rb.user() == 0 ? rb : rb2;
    assertEquals(aUser0.query(), bUser0.query());
    assertEquals(u0.profile(), aUser0.profile());
  }
}
