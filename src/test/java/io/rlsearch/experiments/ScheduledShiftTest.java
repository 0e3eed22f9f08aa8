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
  void aSegmentSwapExchangesBehaviourUnderUnchangedLabels() {
    var sim = ZoosimConfig.fromString("drift { at = 0, swap_segments = [premium, price_hunter] }");
    var u = sim.users();
    var s = sim.shifted().users();
    int premium = u.segments().indexOf("premium");
    int hunter = u.segments().indexOf("price_hunter");
    assertEquals(u.priceMean()[premium], s.priceMean()[hunter], 1e-12);
    assertEquals(u.priceMean()[hunter], s.priceMean()[premium], 1e-12);
    assertEquals(u.plMean()[premium], s.plMean()[hunter], 1e-12);
    assertEquals(u.plStd()[hunter], s.plStd()[premium], 1e-12);
    assertEquals(u.catConc()[premium][0], s.catConc()[hunter][0], 1e-12);
    assertEquals(u.segments(), s.segments(), "labels stay");
    assertEquals(u.segmentMix()[premium], s.segmentMix()[premium], 1e-12, "so do their shares");
    int other = u.segments().indexOf("pl_lover");
    assertEquals(u.plMean()[other], s.plMean()[other], 1e-12, "other segments are untouched");
    SettingsException e = assertThrows(SettingsException.class,
        () -> ZoosimConfig.fromString("drift { at = 0, swap_segments = [premium, whales] }"));
    assertTrue(e.getMessage().contains("drift.swap_segments") && e.getMessage().contains("pl_lover"), e.getMessage());
    assertThrows(SettingsException.class,
        () -> ZoosimConfig.fromString("drift { at = 0, swap_segments = [premium, premium] }"));
  }

  @Test
  void categoryDemandScalesEverySegmentsCategoryWeights() {
    var sim = ZoosimConfig.fromString("drift { at = 0, category_demand = [0.5, 1, 4, 1] }");
    var u = sim.users();
    var s = sim.shifted().users();
    for (int seg = 0; seg < u.segments().size(); seg++) {
      assertEquals(u.catConc()[seg][0] * 0.5, s.catConc()[seg][0], 1e-12);
      assertEquals(u.catConc()[seg][2] * 4, s.catConc()[seg][2], 1e-12);
      assertEquals(u.catConc()[seg][1], s.catConc()[seg][1], 1e-12);
    }
    assertEquals(ZoosimConfig.fromString("").users().catConc()[0][0], sim.users().catConc()[0][0], 0.0,
        "shifting leaves the unshifted settings as they were");
    // Litter queries become more frequent after the shift (the queries follow the preferences).
    World w = World.generate(ZoosimConfig.fromString("catalog { n_products = 300 }").withSeed(4), new NumpyRandom(4));
    World after = new World(ZoosimConfig.fromString("catalog { n_products = 300 }\n"
        + "drift { at = 0, category_demand = [0.5, 0.5, 6, 0.5] }").withSeed(4).shifted(), w.catalog());
    int litter = w.settings().catalog().categories().indexOf("litter");
    RunStreams streams = new RunStreams(4);
    int before = 0;
    int shifted = 0;
    for (long id = 0; id < 400; id++) {
      before += Population.firstSession(w, streams, id).query().intentCategory() == litter ? 1 : 0;
      shifted += Population.firstSession(after, streams, id).query().intentCategory() == litter ? 1 : 0;
    }
    assertTrue(shifted > before + 40, "litter queries " + before + " -> " + shifted);
    SettingsException e = assertThrows(SettingsException.class,
        () -> ZoosimConfig.fromString("drift { at = 0, category_demand = [1, 1] }"));
    assertTrue(e.getMessage().contains("drift.category_demand") && e.getMessage().contains("(4)"), e.getMessage());
    assertThrows(SettingsException.class,
        () -> ZoosimConfig.fromString("drift { at = 0, category_demand = [1, 0, 1, 1] }"));
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
