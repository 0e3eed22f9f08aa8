package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SettingsException;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import org.junit.jupiter.api.Test;

/** A shift scheduled in the world's config: users from user `at` on come from the shifted world. */
class ScheduledShiftTest {
  @Test
  void usersFromTheShiftOnComeFromTheShiftedMixAndTheCatalogStays() {
    World w = World.generate(ZoosimConfig.fromString("catalog { n_products = 300 }\n"
        + "drift { at = 200, segment_mix = [0, 1, 0, 0], price_scale = 2.0 }").withSeed(4), new NumpyRandom(4));
    Population p = new Population(w, new RunStreams(4), 400, false, 1);
    int[] before = new int[4];
    int[] after = new int[4];
    for (int i = 0; i < 400; i++) {
      Population.Arrival a = p.next().orElseThrow();
      (a.user() < 200 ? before : after)[a.profile().segment()]++;
      p.finished(a.user(), 0, 0, 0);
    }
    assertEquals(200, after[1], "every shifted user is a private-label lover");
    assertTrue(before[0] > 20 && before[2] > 5, "before the shift the default mix");
    assertEquals(w.settings().users().priceMean()[1] * 2.0, w.settings().shifted().users().priceMean()[1], 1e-12);
    // The same users before the shift as without one: the shift changes only what comes after.
    World plain = World.generate(ZoosimConfig.fromString("catalog { n_products = 300 }").withSeed(4), new NumpyRandom(4));
    Population q = new Population(plain, new RunStreams(4), 10, false, 1);
    Population r = new Population(w, new RunStreams(4), 10, false, 1);
    for (int i = 0; i < 10; i++) {
      assertEquals(q.next().orElseThrow().profile().segment(), r.next().orElseThrow().profile().segment());
    }
  }

  @Test
  void aBadShiftIsRefusedWithItsKey() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> ZoosimConfig.fromString("drift { at = 10, segment_mix = [0.5, 0.5] }"));
    assertTrue(e.getMessage().contains("drift.segment_mix"), e.getMessage());
    SettingsException f = assertThrows(SettingsException.class,
        () -> ZoosimConfig.fromString("drift { at = 10, price_scale = 0 }"));
    assertTrue(f.getMessage().contains("drift.price_scale"), f.getMessage());
  }
}
