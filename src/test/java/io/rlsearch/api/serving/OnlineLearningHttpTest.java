package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rlsearch.actors.serve.OnlineLearningActor;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.serving.OnlineLearning;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.Behavior;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.SessionOutcome;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --learn} end to end over HTTP: the world's users are ranked with {@code POST /v1/rank}
 * and report what they did with {@code POST /v1/feedback}; the learner learns from the joined
 * decisions, publishes, and its versions appear as the canary in {@code GET /policies}.
 */
class OnlineLearningHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static JsonNode call(int port, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (method.equals("POST")) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** The world's user {@code i} as a search service would send it, and its response to a ranking. */
  private static final class SimulatedUser {
    final Population.Arrival arrival;
    final NumpyRandom rng;
    final int[] products;
    final double[] cosines;
    final ObjectNode body;

    SimulatedUser(World world, RunStreams streams, EpisodeScorer scorer, ContextFeatures contexts,
        ServingSchema schema, long i, int candidates, int k) {
      arrival = Population.firstSession(world, streams, i);
      rng = streams.session(arrival.user(), arrival.session());
      scorer.drawBase(arrival.profile(), arrival.query(), rng);
      double[] x = contexts.richEstimated(arrival.profile(), arrival.query(), scorer);
      products = scorer.baseline(candidates);
      cosines = new double[world.catalog().size()];
      body = JSON.createObjectNode();
      body.put("request_id", "r" + i);
      body.put("user_key", "u" + i);
      ObjectNode ctx = body.putObject("context");
      for (int j = 0; j < x.length; j++) {
        ctx.put(schema.context().get(j), x[j]);
      }
      double[] ch06 = contexts.ch06RichEstimated(arrival.profile(), arrival.query(), scorer);
      ctx.put("true_price_sensitivity", arrival.profile().thetaPrice());
      ctx.put("true_private_label_affinity", arrival.profile().thetaPl());
      ctx.put("ch06_price_sensitivity", ch06[x.length - 10]);
      ctx.put("ch06_private_label_affinity", ch06[x.length - 9]);
      ArrayNode cs = body.putArray("candidates");
      double[] f = new double[10];
      for (int p : products) {
        cosines[p] = scorer.semantic(p);
        scorer.featureRow(arrival.profile(), arrival.query(), p, f);
        ObjectNode c = cs.addObject();
        c.put("id", Integer.toString(p));
        c.put("base_score", scorer.base(p));
        ObjectNode fs = c.putObject("features");
        for (int j = 0; j < f.length; j++) {
          fs.put(schema.candidate().get(j), f[j]);
        }
      }
      body.put("k", k);
    }

    /** The feedback body: the user browses {@code ranking} with the world's behaviour model. */
    ObjectNode respond(World world, Behavior behavior, String decisionId, List<String> ranking) {
      int[] order = ranking.stream().mapToInt(Integer::parseInt).toArray();
      SessionOutcome out = behavior.simulate(arrival.profile(), arrival.query(), order, cosines, rng);
      ObjectNode fb = JSON.createObjectNode();
      fb.put("decision_id", decisionId);
      ArrayNode clicks = fb.putArray("clicks");
      ArrayNode purchases = fb.putArray("purchases");
      for (int r = 0; r < order.length; r++) {
        if (out.clicks()[r] != 0) {
          clicks.add(ranking.get(r));
        }
        if (out.buys()[r] != 0) {
          ObjectNode p = purchases.addObject();
          p.put("id", ranking.get(r));
          p.put("price", world.catalog().price(order[r]));
          p.put("margin", world.catalog().cm2(order[r]));
          p.put("strategic", world.catalog().strategic(order[r]));
        }
      }
      return fb;
    }
  }

  @Test
  void theWorldsUsersOverHttpTeachTheLearnerWhoseVersionsEnterAsCanary() throws Exception {
    World world = Runs.smallWorld(3);
    ServingSchema schema = ServingSchema.world(world.settings());
    RunStreams streams = new RunStreams(11);
    EpisodeScorer scorer = new EpisodeScorer(world, world.settings().topK());
    ContextFeatures contexts = new ContextFeatures(world);
    Behavior behavior = new Behavior(world);
    int candidates = Math.min(30, world.catalog().size());
    int k = Math.min(world.settings().topK(), candidates);
    try (Serving.Running run = Serving.start(world, "cm2_price", List.of(), 1, Optional.empty(), 3, "127.0.0.1", 0,
        Optional.empty(), 0, 0, schema)) {
      ActorRef<OnlineLearningActor.Command> learner = Learning.start(run.system(),
          new OnlineLearning.Settings("linucb", 0.5, 20, 10, 1000));
      int p = run.port();
      Map<Long, Integer> servedBy = new HashMap<>();
      int n = 120;
      for (long i = 0; i < n; i++) {
        SimulatedUser u = new SimulatedUser(world, streams, scorer, contexts, schema, i, candidates, k);
        JsonNode ranked = call(p, "POST", "/v1/rank", u.body.toString());
        List<String> ranking = new ArrayList<>();
        ranked.get("ranking").forEach(id -> ranking.add(id.asText()));
        servedBy.merge(ranked.get("version").asLong(), 1, Integer::sum);
        JsonNode fb = call(p, "POST", "/v1/feedback", u.respond(world, behavior, ranked.get("decision_id").asText(),
            ranking).toString());
        assertEquals(ranked.get("decision_id").asText(), fb.get("decision_id").asText());
      }
      assertTrue(servedBy.size() >= 2, "the learner's canary served real requests too: " + servedBy);
      // The learner learned from the joined decisions of its own template arms, published versions, and
      // one of them is now a registered version of the serving path; the gate decided on the first.
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      OnlineLearningActor.Stats s = Learning.stats(run.system(), learner);
      while ((s.learner().map(l -> l.published()).orElse(0L) < 1 || s.gate().candidates() < 2)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
        s = Learning.stats(run.system(), learner);
      }
      assertEquals(n, s.received(), s.toString());
      assertEquals(0, s.dropped() + s.notSent(), s.toString());
      assertTrue(s.enqueued() >= 20, "the canary's decisions were learned: " + s);
      assertTrue(s.learner().orElseThrow().published() >= 1, s.toString());
      assertTrue(s.gate().candidates() >= 2, "a learned version followed version 0: " + s);
      assertTrue(s.gate().promoted() + s.gate().rolledBack() >= 1, "the gate decided: " + s);
      JsonNode versions = call(p, "GET", "/policies", null).get("versions");
      List<String> learned = new ArrayList<>();
      boolean learnedOnCanary = false;
      for (JsonNode v : versions) {
        String name = v.get("name").asText();
        if (name.startsWith("online:linucb:v") && !name.equals("online:linucb:v0")) {
          learned.add(name);
          assertEquals("online learner", v.get("source").asText());
          learnedOnCanary |= v.get("canary_share").asDouble() == 0.5 || v.get("live").asBoolean();
        }
      }
      assertTrue(!learned.isEmpty() && learnedOnCanary, "a learned version serves in GET /policies: " + versions);
    }
  }
}
