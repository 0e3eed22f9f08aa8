package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.serving.Feedback;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedRequestsTest {
  private static final World WORLD = Runs.smallWorld(11);
  private static final long SEED = 11;

  @Test
  void theServersStreamingParseOfEachBodyIsTheRequestItself() throws Exception {
    SimulatedRequests sim = new SimulatedRequests(WORLD, SEED, 100, 20);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (long i = 0; i < 30; i++) {
      SimulatedRequests.Session s = sim.session(i);
      RankRequest want = s.request();
      RankRequest got = RankRequest.parseFast(json.writeValueAsBytes(s.body()), sim.schema()).orElseThrow();
      assertArrayEquals(want.context(), got.context(), 0.0);
      assertArrayEquals(want.ids(), got.ids());
      assertArrayEquals(want.baseScores(), got.baseScores(), 0.0);
      for (int j = 0; j < want.size(); j++) {
        assertArrayEquals(want.features()[j], got.features()[j], 0.0);
      }
      assertEquals(want.k(), got.k());
      assertEquals(want.requestId(), got.requestId());
      assertEquals(want.userKey(), got.userKey());
    }
  }

  @Test
  void aRequestIsTheSimulatedServingPathsUserQueryContextAndTopCandidatesByBaseScore() {
    SimulatedRequests sim = new SimulatedRequests(WORLD, SEED, 100, 20);
    RunStreams streams = new RunStreams(SEED);
    SessionRunner runner = new SessionRunner(WORLD, Task.BoostWeights.battle(), streams);
    EpisodeScorer scorer = new EpisodeScorer(WORLD, WORLD.settings().topK());
    for (long i = 0; i < 20; i++) {
      SimulatedRequests.Session s = sim.session(i);
      Population.Arrival a = Population.firstSession(WORLD, streams, i);
      double[] expected = runner.prepare(a);
      RankRequest r = s.request();
      double[] x = r.context();
      assertArrayEquals(expected, java.util.Arrays.copyOf(x, 17), 0.0,
          "request " + i + ": the serving path's 17 context features");
      assertEquals(21, x.length, "then the world schema's four extras");
      assertEquals(a.profile().thetaPrice(), x[17], 0.0);
      assertEquals(a.profile().thetaPl(), x[18], 0.0);
      assertEquals("sim-" + i, r.requestId().orElseThrow());
      assertEquals("sim-user-" + i, r.userKey().orElseThrow());
      assertEquals(20, r.k());
      assertEquals(100, r.size());
      // The same base-score draw as the session's: the top 100 by base score, best first, with their rows.
      scorer.drawBase(a.profile(), a.query(), streams.session(i, 0));
      double[] ch06 = new io.rlsearch.sim.ContextFeatures(WORLD).ch06RichEstimated(a.profile(), a.query(), scorer);
      assertEquals(ch06[7], x[19], 0.0, "the Chapter-6 price-sensitivity estimate");
      assertEquals(ch06[8], x[20], 0.0);
      int[] top = scorer.baseline(100);
      double[] row = new double[10];
      for (int j = 0; j < 100; j++) {
        assertEquals(Integer.toString(top[j]), r.id(j));
        assertEquals(scorer.base(top[j]), r.baseScore(j), 0.0);
        scorer.featureRow(a.profile(), a.query(), top[j], row);
        for (int f = 0; f < 10; f++) {
          assertEquals(row[f], r.feature(j, f), 0.0, "request " + i + " candidate " + j + " feature " + f);
        }
        if (j > 0) {
          assertTrue(r.baseScore(j - 1) >= r.baseScore(j));
        }
      }
      runner.finish(Decision.continuous(new double[10], 1), "neutral", 1);
    }
  }

  @Test
  void theSameSeedGivesTheSameRequestsAndAnotherSeedOthers() {
    SimulatedRequests a = new SimulatedRequests(WORLD, SEED);
    SimulatedRequests b = new SimulatedRequests(WORLD, SEED);
    SimulatedRequests c = new SimulatedRequests(WORLD, SEED + 1);
    assertEquals(a.session(7).body(), b.session(7).body());
    assertNotEquals(a.session(7).body(), a.session(8).body());
    assertNotEquals(a.session(7).body().get("candidates"), c.session(7).body().get("candidates"));
    // The request's key names are the world schema's, in its order.
    ServingSchema schema = ServingSchema.world(WORLD.settings());
    assertEquals(schema.context(), new ArrayList<>(a.session(0).context().keySet()));
    assertEquals(schema.candidate(), new ArrayList<>(a.session(0).features(0).keySet()));
  }

  @Test
  void browsingTheBaseRankingIsTheSimulatorsOwnSessionClickForClick() {
    // Ranking the candidates by base score alone is what the world's neutral weights do over the
    // whole catalog: the user's clicks, purchases and reward are the in-process simulation's.
    SimulatedRequests sim = new SimulatedRequests(WORLD, SEED, 100, 100);
    RunStreams streams = new RunStreams(SEED);
    SessionRunner runner = new SessionRunner(WORLD, Task.BoostWeights.battle(), streams);
    ServingSchema schema = sim.schema();
    int bought = 0;
    for (long i = 0; i < 200; i++) {
      SimulatedRequests.Session s = sim.session(i);
      SimulatedRequests.Outcome o = s.respond(s.ids());
      runner.prepare(Population.firstSession(WORLD, streams, i));
      Transition t = runner.finish(Decision.continuous(new double[10], 1), "neutral", 1);
      assertEquals(t.reward(), o.reward(), 0.0, "request " + i);
      assertEquals(t.breakdown(), o.breakdown(), "request " + i);
      assertEquals((int) t.breakdown().clicks(), o.clicks().size());
      assertEquals(t.orders(), o.purchases().size());
      // The server's reward of the feedback (the world schema's) is the judge's, up to summation order.
      Feedback f = o.feedback("d-" + i);
      assertEquals(o.reward(), f.reward(schema.reward()), 1e-9 * (1 + Math.abs(o.reward())));
      assertTrue(s.ids().subList(0, WORLD.settings().topK()).containsAll(o.clicks()), "only seen positions");
      Set<String> clicked = new HashSet<>(o.clicks());
      for (Feedback.Purchase p : o.purchases()) {
        assertTrue(clicked.contains(p.id()), "a purchase is a clicked product");
        int product = Integer.parseInt(p.id());
        assertEquals(WORLD.catalog().price(product), p.price(), 0.0);
        assertEquals(WORLD.catalog().cm2(product), p.margin(), 0.0);
        assertEquals(WORLD.catalog().strategic(product), p.strategic());
      }
      bought += o.purchases().size();
    }
    assertTrue(bought > 0, "200 sessions buy something");
  }

  @Test
  void theJudgePrefersAGoodPolicysRankingsToABadOnesOnTheSameUsers() {
    // Ranked in-process by the bound policies: the built-in cm2_price against bury, which buries what
    // the user likes and the pricier products; the same 400 users for both.
    ServingSchema schema = ServingSchema.world(WORLD.settings());
    ServingPolicy good = ServingPolicies.bind(io.rlsearch.agents.continuous.ContinuousAgents
        .constant("cm2_price", new double[] {3, 0, 0, 0, 0, 3, 0, 0, 0, 0}).create(0, 0).snapshot(0), schema);
    ServingPolicy bad = ServingPolicies.bind(io.rlsearch.agents.continuous.ContinuousAgents
        .constant("bury", new double[] {0, 0, 0, -3, 0, -3, 0, 0, 0, 0}).create(0, 0).snapshot(0), schema);
    double sumGood = 0;
    double sumBad = 0;
    int n = 400;
    for (long i = 0; i < n; i++) {
      sumGood += outcome(new SimulatedRequests(WORLD, SEED).session(i), good).reward();
      sumBad += outcome(new SimulatedRequests(WORLD, SEED).session(i), bad).reward();
    }
    assertTrue(sumGood / n > sumBad / n, "good " + sumGood / n + " vs bad " + sumBad / n);
  }

  private static SimulatedRequests.Outcome outcome(SimulatedRequests.Session s, ServingPolicy p) {
    RankRequest r = s.request();
    Ranked ranked = p.rank(r, new NumpyRandom(0));
    List<String> ids = new ArrayList<>();
    for (int j : ranked.order()) {
      ids.add(r.id(j));
    }
    return s.respond(ids);
  }

  @Test
  void aRankingOfForeignOrRepeatedIdsIsRefusedAndASessionRespondsOnce() {
    SimulatedRequests sim = new SimulatedRequests(WORLD, SEED);
    SimulatedRequests.Session s = sim.session(3);
    List<String> ids = s.ids();
    IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
        () -> s.respond(List.of("no-such-product")));
    assertTrue(foreign.getMessage().contains("not one of its candidates"), foreign.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.respond(List.of(ids.get(0), ids.get(0))));
    assertThrows(IllegalArgumentException.class, () -> s.respond(List.of()));
    s.respond(ids);
    assertThrows(IllegalStateException.class, () -> s.respond(ids));
    assertThrows(IllegalArgumentException.class, () -> new SimulatedRequests(WORLD, SEED, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new SimulatedRequests(WORLD, SEED, 10, 11));
  }
}
