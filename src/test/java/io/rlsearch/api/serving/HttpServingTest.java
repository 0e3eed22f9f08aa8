package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.serve.Routing;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.RequestKeys;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The simulator as a real client of a running server: the same decisions over HTTP as in-process for
 * the same seeds, and a bad version promoted over HTTP rolled back by the guardrails on the feedback
 * the simulated users send.
 */
class HttpServingTest {
  private static final long SEED = 41;

  private static RankClient client(Serving.Running run) {
    return new RankClient(URI.create("http://127.0.0.1:" + run.port()), Optional.empty(), Duration.ofSeconds(10));
  }

  /** A stochastic policy: cm2_price's weights with Gaussian exploration, or uniform weights, per decision. */
  private static PolicySnapshot explorer() {
    double[] cm2Price = PolicyCatalog.builtIns().get("cm2_price");
    List<double[]> components = new ArrayList<>();
    components.add(cm2Price);
    components.add(null);
    return ContinuousAgents.mixture("explorer", components, 10, 0.5, 3.0).create(0, 0).snapshot(0);
  }

  @Test
  void everyRequestGetsTheSameDecisionOverHttpAsInProcessWithTheSameSeeds() {
    World world = Runs.smallWorld(3);
    ServingSchema schema = ServingSchema.world(world.settings());
    try (Serving.Running run = Serving.start(world, "cm2_price", List.of(), 2, Optional.empty(), SEED, "127.0.0.1", 0,
        Optional.empty(), 0)) {
      RankClient client = client(run);
      assertEquals(schema, client.schema(), "the server's schema is the world's");
      PolicySnapshot explorer = explorer();
      long explorerId = run.system().register("explorer", "test", explorer);
      RankClient.Policies p = client.policies();
      RankClient.PolicyVersion live = p.named("cm2_price").orElseThrow();
      assertTrue(live.live());
      // A canary of 30% for the stochastic version: which version serves a user is the hash of its key.
      client.canary(explorerId, 0.3);
      Routing routing = new Routing(0, new Routing.Version(live.version(), "cm2_price",
          PolicyCatalog.builtIn("cm2_price")), Optional.of(new Routing.Version(explorerId, "explorer", explorer)), 0.3,
          Optional.empty());
      ServingPolicy inLive = ServingPolicies.bind(PolicyCatalog.builtIn("cm2_price"), schema);
      ServingPolicy inCanary = ServingPolicies.bind(explorer, schema);

      SimulatedRequests sim = new SimulatedRequests(world, SEED);
      int n = 300;
      List<SimulatedRequests.Session> sessions = new ArrayList<>();
      List<CompletableFuture<RankClient.RankAnswer>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        SimulatedRequests.Session s = sim.session(i);
        sessions.add(s);
        answers.add(client.rankAsync(s.body()));
        if (answers.size() % 32 == 0) {
          // At most 32 waiting: a shard's queue is not what this test measures.
          CompletableFuture.allOf(answers.subList(answers.size() - 32, answers.size())
              .toArray(new CompletableFuture<?>[0])).join();
        }
      }
      int canaried = 0;
      int explored = 0;
      Set<Double> propensities = new HashSet<>();
      Set<String> decisions = new HashSet<>();
      for (int i = 0; i < n; i++) {
        RankClient.RankAnswer a = answers.get(i).join();
        SimulatedRequests.Session s = sessions.get(i);
        RankRequest r = s.request();
        long version = routing.serving(RequestKeys.hash64(s.userKey())).id();
        assertEquals(version, a.version(), "request " + s.requestId() + ": the version its user key chooses");
        ServingPolicy policy = version == explorerId ? inCanary : inLive;
        Ranked expected = policy.rank(r, RequestKeys.policyStream(SEED, s.requestId()));
        List<String> ids = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int j = 0; j < expected.order().length; j++) {
          ids.add(r.id(expected.order()[j]));
          scores.add(expected.scores()[j]);
        }
        assertEquals(Optional.of(s.requestId()), a.requestId());
        assertEquals(ids, a.ranking(), s.requestId());
        assertEquals(scores, a.scores(), s.requestId());
        assertEquals(expected.propensity(), a.propensity(), 0.0, s.requestId());
        assertEquals(expected.explored(), a.explored(), s.requestId());
        assertEquals(expected.propensityOf(), a.propensityOf(), s.requestId());
        assertEquals(HttpSwapTest.compare(r, a, policy, SEED), Optional.empty());
        assertEquals(s.k(), a.ranking().size());
        assertTrue(decisions.add(a.decisionId()), "decision ids are distinct");
        if (version == explorerId) {
          canaried++;
          propensities.add(a.propensity());
          assertEquals("explorer", a.policy());
        } else {
          assertEquals("cm2_price", a.policy());
        }
      }
      // The canary's share is near 30% (binomial: 300 requests, 4 standard deviations of 7.9 each way).
      assertTrue(canaried > 90 - 32 && canaried < 90 + 32, "canaried " + canaried);
      // The stochastic version drew a different action for almost every request: the streams are per request.
      assertTrue(propensities.size() > canaried / 2, propensities.size() + " distinct of " + canaried);
      // The same request sent again is the same decision (a new decision id).
      SimulatedRequests.Session again = new SimulatedRequests(world, SEED).session(7);
      RankClient.RankAnswer second = client.rank(new RankClient.RankCall(Optional.of(again.requestId()),
          Optional.of(again.userKey()), again.context(), candidates(again), java.util.OptionalInt.of(again.k())));
      RankClient.RankAnswer first = answers.get(7).join();
      assertEquals(first.ranking(), second.ranking());
      assertEquals(first.scores(), second.scores());
      assertEquals(first.propensity(), second.propensity(), 0.0);
      assertFalse(first.decisionId().equals(second.decisionId()));
    }
  }

  private static List<RankClient.Candidate> candidates(SimulatedRequests.Session s) {
    List<RankClient.Candidate> out = new ArrayList<>();
    List<String> ids = s.ids();
    for (int j = 0; j < ids.size(); j++) {
      out.add(new RankClient.Candidate(ids.get(j), s.baseScore(j), s.features(j)));
    }
    return out;
  }

  @Test
  void aBadVersionPromotedOverHttpIsRolledBackByTheGuardrailsOnTheSimulatedUsersFeedback() {
    World world = Runs.smallWorld(3);
    try (Serving.Running run = Serving.start(world, "cm2_price", List.of(), 2, Optional.empty(), SEED, "127.0.0.1", 0,
        Optional.empty(), 0)) {
      RankClient client = client(run);
      HttpSwapTest test = new HttpSwapTest(new HttpSwapTest.Settings(500, 1500, 400, "bury", SEED, 100, 20, 64,
          Duration.ofSeconds(10)));
      HttpSwapTest.Result r = test.run(client, world);
      assertEquals(1500, r.sent());
      assertEquals(0, r.failed(), r.errors().toString());
      assertEquals(r.sent(), r.answered() + r.shed());
      assertEquals(r.answered(), r.feedbackJoined(), "every answered decision's feedback was joined");
      assertEquals(0, r.feedbackFailed());
      assertEquals(0, r.mismatched(), r.firstMismatch().orElse(""));
      assertEquals(r.answered(), r.checked(), "every version served is a built-in: every decision checked");
      long bad = client.policies().named("bury").orElseThrow().version();
      assertEquals(bad, r.badVersion());
      assertEquals(400, r.badPromotedAt());
      assertTrue(r.rolledBack(), "the guardrails rolled back bury; it served " + r.badServed());
      assertTrue(r.badServed() > 0 && r.badServed() < 1500 - 400, "bury served " + r.badServed());
      assertTrue(r.rollbackSeenAt() > 400);
      assertEquals(r.liveBefore(), r.liveAfter(), "back to the known-good version");
      assertFalse(r.rollbackReason().isEmpty());
      // The server's reward from the feedback is the simulator's, version by version; bury's is lower.
      for (HttpSwapTest.VersionStats v : r.versions().values()) {
        assertEquals(v.trueReward(), v.reward(), 1e-9 * (1 + Math.abs(v.trueReward())), v.toString());
      }
      HttpSwapTest.VersionStats good = r.versions().get(r.liveBefore());
      HttpSwapTest.VersionStats worse = r.versions().get(bad);
      assertEquals(r.badServed(), worse.answered());
      assertTrue(worse.trueReward() < good.trueReward(), good + " vs " + worse);
      assertEquals(1, client.policies().rollbacks());
    }
  }

  @Test
  void anUnknownBadVersionOrAnUnreachableServerEndsTheRunWithOneLine() throws Exception {
    World world = Runs.smallWorld(3);
    try (Serving.Running run = Serving.start(world, "cm2_price", List.of(), 1, Optional.empty(), SEED, "127.0.0.1", 0,
        Optional.empty(), 0)) {
      HttpSwapTest test = new HttpSwapTest(new HttpSwapTest.Settings(100, 10, 5, "no_such", SEED, 100, 20, 8,
          Duration.ofSeconds(1)));
      HttpSwapTest.Failed e = assertThrows(HttpSwapTest.Failed.class, () -> test.run(client(run), world));
      assertTrue(e.getMessage().startsWith("the server has no version named 'no_such' to promote"), e.getMessage());
    }
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RankClient gone = new RankClient(URI.create("http://127.0.0.1:" + port), Optional.empty(), Duration.ofSeconds(2));
    HttpSwapTest test = new HttpSwapTest(new HttpSwapTest.Settings(100, 10, 5, "bury", SEED, 100, 20, 8,
        Duration.ofSeconds(1)));
    RankClient.CallFailed e = assertThrows(RankClient.CallFailed.class, () -> test.run(gone, world));
    assertEquals(0, e.status());
  }
}
