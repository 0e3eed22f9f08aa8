package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SimulatedRequests' limits at and past them, a session's accessors, and requests under another schema. */
class SimulatedRequestsLimitsTest {
  private static final World WORLD = Runs.smallWorld(11);

  private static String refusal(int candidates, int k) {
    return assertThrows(IllegalArgumentException.class, () -> new SimulatedRequests(WORLD, 1, candidates, k))
        .getMessage();
  }

  @Test
  void candidatesRunFromOneToTheCatalogAndKFromOneToTheCandidates() {
    SimulatedRequests one = new SimulatedRequests(WORLD, 1, 1, 1);
    assertEquals(1, one.candidates());
    assertEquals(1, one.k());
    assertEquals(1, one.session(0).size());
    SimulatedRequests all = new SimulatedRequests(WORLD, 1, 500, 1);
    assertEquals(500, all.candidates());
    assertEquals(500, all.session(0).size());
    assertEquals("candidates must be in 1..500 (the catalog), got 501", refusal(501, 1));
    assertEquals("candidates must be in 1..500 (the catalog), got 0", refusal(0, 1));
    assertEquals("k must be in 1..20 (the candidates), got 0", refusal(20, 0));
    assertEquals("k must be in 1..20 (the candidates), got 21", refusal(20, 21));
  }

  @Test
  void requestIndicesRunToTwoToThe31MinusOne() {
    SimulatedRequests sim = new SimulatedRequests(WORLD, 1, 20, 5);
    SimulatedRequests.Session last = sim.session(Integer.MAX_VALUE);
    assertEquals(2147483647L, last.index());
    assertEquals("sim-2147483647", last.requestId());
    assertEquals("request index must be in 0..2147483647, got 2147483648",
        assertThrows(IllegalArgumentException.class, () -> sim.session(2147483648L)).getMessage());
    assertEquals("request index must be in 0..2147483647, got -1",
        assertThrows(IllegalArgumentException.class, () -> sim.session(-1)).getMessage());
  }

  @Test
  void aSessionsAccessorsAgreeWithItsBody() {
    SimulatedRequests sim = new SimulatedRequests(WORLD, 1, 20, 5);
    assertEquals(20, sim.candidates());
    assertEquals(5, sim.k());
    SimulatedRequests.Session s = sim.session(7);
    assertEquals(7, s.index());
    assertEquals(5, s.k());
    assertEquals(20, s.size());
    JsonNode body = s.body();
    assertEquals(5, body.get("k").asInt());
    JsonNode cs = body.get("candidates");
    assertEquals(20, cs.size());
    for (int j = 0; j < 20; j++) {
      assertEquals(cs.get(j).get("base_score").asDouble(), s.baseScore(j), 0.0, "candidate " + j);
      assertEquals(s.ids().get(j), cs.get(j).get("id").asText());
      if (j > 0) {
        assertTrue(s.baseScore(j) <= s.baseScore(j - 1), "best first");
      }
    }
    assertTrue(s.baseScore(0) != 0.0);
  }

  @Test
  void anotherSchemasFeaturesComeFromTheWorldsOrTheirDefaults() {
    SimulatedRequests sim = new SimulatedRequests(WORLD, 1, 20, 5);
    SimulatedRequests.Session s = sim.session(3);
    ServingSchema target = new ServingSchema(List.of("price_sensitivity", "store_open"), List.of("stock", "cm2"),
        Map.of("store_open", 1.5, "stock", -2.0), ServingSchema.Reward.gmvOnly(), ServingSchema.Limits.defaults());
    RankRequest r = s.request(target);
    assertEquals(2, r.context().length);
    assertEquals(s.context().get("price_sensitivity"), r.context()[0], 0.0);
    assertEquals(1.5, r.context()[1], 0.0);
    for (int j = 0; j < 20; j++) {
      assertEquals(-2.0, r.features()[j][0], 0.0);
      assertEquals(s.features(j).get("cm2"), r.features()[j][1], 0.0);
    }
    ServingSchema noDefault = new ServingSchema(List.of("store_open"), List.of("cm2"), Map.of(),
        ServingSchema.Reward.gmvOnly(), ServingSchema.Limits.defaults());
    assertEquals("the simulated users cannot send the context feature 'store_open': it is not one of the world's"
        + " and the schema gives it no default",
        assertThrows(IllegalArgumentException.class, () -> s.request(noDefault)).getMessage());
  }
}
