package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.Task;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.RequestKeys;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane over real HTTP: ranking, the canary split, feedback and its join, expiry, every bad
 * input, overload, the token off loopback, the guardrails on real reward and the decision log.
 */
class DataPlaneApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final World WORLD = Runs.smallWorld(3);
  private static final ServingSchema SCHEMA = ServingSchema.world(WORLD.settings());
  @TempDir Path dir;

  record Res(int status, JsonNode body, HttpResponse<String> raw) {}

  static Res post(int port, String path, String body) throws Exception {
    return send(port, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static Res get(int port, String path) throws Exception {
    return send(port, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
  }

  static Res send(int port, HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
    return new Res(r.statusCode(), JSON.readTree(r.body()), r);
  }

  /** A request of {@code n} candidates with every feature of the world's schema, drawn from {@code seed}. */
  static ObjectNode request(String requestId, String userKey, int n, Integer k, long seed) {
    Random rnd = new Random(seed);
    ObjectNode body = JSON.createObjectNode();
    if (requestId != null) {
      body.put("request_id", requestId);
    }
    if (userKey != null) {
      body.put("user_key", userKey);
    }
    ObjectNode ctx = body.putObject("context");
    for (String f : SCHEMA.context()) {
      ctx.put(f, rnd.nextGaussian());
    }
    ArrayNode cands = body.putArray("candidates");
    for (int i = 0; i < n; i++) {
      ObjectNode c = cands.addObject();
      c.put("id", "p" + i);
      c.put("base_score", rnd.nextDouble());
      ObjectNode f = c.putObject("features");
      for (String name : SCHEMA.candidate()) {
        f.put(name, rnd.nextGaussian());
      }
    }
    if (k != null) {
      body.put("k", k);
    }
    return body;
  }

  static Serving.Running start(Optional<Path> log, ServingSchema schema) {
    return Serving.start(WORLD, "cm2_price", List.of(), 2, log, 3, "127.0.0.1", 0, Optional.empty(), 0, 0, schema);
  }

  @Test
  void aRankedRequestIsAPermutationOfAtMostKCandidatesWithItsVersionAndAFreshDecisionId() throws Exception {
    try (Serving.Running run = start(Optional.empty(), SCHEMA)) {
      ObjectNode body = request("req-1", null, 30, 10, 1);
      Res r = post(run.port(), "/v1/rank", body.toString());
      assertEquals(200, r.status(), r.body().toString());
      JsonNode a = r.body();
      assertEquals("req-1", a.get("request_id").asText());
      assertEquals("cm2_price", a.get("policy").asText());
      assertEquals(1, a.get("version").asLong());
      assertEquals(10, a.get("ranking").size());
      assertEquals(10, a.get("scores").size());
      Set<String> ids = new HashSet<>();
      for (JsonNode id : a.get("ranking")) {
        assertTrue(id.asText().matches("p([0-9]|[12][0-9])"), "a candidate of the request: " + id);
        assertTrue(ids.add(id.asText()), "each candidate at most once: " + a);
      }
      for (int i = 1; i < 10; i++) {
        assertTrue(a.get("scores").get(i - 1).asDouble() >= a.get("scores").get(i).asDouble(), "best first: " + a);
      }
      assertTrue(a.get("propensity").asDouble() > 0);
      assertTrue(a.get("propensity_of").isTextual());
      assertTrue(a.get("explored").isBoolean());
      // The same request ranked in-process with the server's seed and the request id: the same decision.
      RankRequest parsed = RankRequest.parse(body, SCHEMA);
      Ranked in = ServingPolicies.bind(PolicyCatalog.builtIn("cm2_price"), SCHEMA).rank(parsed,
          RequestKeys.policyStream(3, "req-1"));
      List<String> expected = new ArrayList<>();
      for (int i : in.order()) {
        expected.add(parsed.id(i));
      }
      List<String> got = new ArrayList<>();
      a.get("ranking").forEach(n -> got.add(n.asText()));
      assertEquals(expected, got);
      assertEquals(in.propensity(), a.get("propensity").asDouble());
      // Without k, every candidate comes back; without a request id, none is echoed.
      Res all = post(run.port(), "/v1/rank", request(null, null, 7, null, 2).toString());
      assertEquals(7, all.body().get("ranking").size());
      assertFalse(all.body().has("request_id"));
      assertNotEquals(a.get("decision_id").asText(), all.body().get("decision_id").asText());
      assertTrue(a.get("decision_id").asText().length() >= 14, a.get("decision_id").asText());
      Res schema = get(run.port(), "/v1/schema");
      assertEquals(200, schema.status());
      assertEquals(SCHEMA.context().size(), schema.body().get("context").size());
      assertEquals(SCHEMA.candidate().get(0), schema.body().get("candidate").get(0).asText());
      assertEquals(1000, schema.body().get("limits").get("max_candidates").asInt());
      assertEquals(2, run.system().realCounts().answered());
      assertEquals(0, run.system().countsNow().sent(), "no simulated traffic was driven");
    }
  }

  @Test
  void duringACanaryEachUserKeySeesOneVersionAcrossRequestsAndBothVersionsServe() throws Exception {
    try (Serving.Running run = start(Optional.empty(), SCHEMA)) {
      assertEquals(200, post(run.port(), "/policies/2/canary", "{\"share\": 0.5}").status());
      Map<String, Long> seen = new LinkedHashMap<>();
      for (int round = 0; round < 3; round++) {
        for (int u = 0; u < 40; u++) {
          Res r = post(run.port(), "/v1/rank", request("r" + round + "-" + u, "user-" + u, 5, 3, u).toString());
          assertEquals(200, r.status(), r.body().toString());
          long v = r.body().get("version").asLong();
          Long before = seen.putIfAbsent("user-" + u, v);
          assertTrue(before == null || before == v, "user-" + u + " saw " + before + " then " + v);
        }
      }
      Set<Long> versions = new HashSet<>(seen.values());
      assertEquals(Set.of(1L, 2L), versions, "40 users split by a half share: " + seen);
      // Without a user key, the request id chooses the version: the same id, the same version.
      for (int u = 0; u < 10; u++) {
        long v1 = post(run.port(), "/v1/rank", request("id-" + u, null, 5, 3, u).toString()).body().get("version")
            .asLong();
        long v2 = post(run.port(), "/v1/rank", request("id-" + u, null, 5, 3, u + 100).toString()).body()
            .get("version").asLong();
        assertEquals(v1, v2, "request id id-" + u);
      }
    }
  }

  @Test
  void feedbackJoinsOnceThenIsADuplicateAndAnUnknownDecisionIsNotFound() throws Exception {
    try (Serving.Running run = start(Optional.empty(), SCHEMA)) {
      Res r = post(run.port(), "/v1/rank", request("q", "u", 5, 3, 4).toString());
      String id = r.body().get("decision_id").asText();
      String first = r.body().get("ranking").get(0).asText();
      String fb = "{\"decision_id\": \"" + id + "\", \"clicks\": [\"" + first + "\"], \"purchases\": [{\"id\": \""
          + first + "\", \"price\": 20, \"margin\": 5}]}";
      // Purchases whose total overflows the double range: refused, and the decision still waits for its feedback.
      Res overflow = post(run.port(), "/v1/feedback", "{\"decision_id\": \"" + id + "\", \"purchases\": [{\"id\":"
          + " \"a\", \"price\": 1e308}, {\"id\": \"b\", \"price\": 1e308}]}");
      assertEquals(400, overflow.status(), overflow.body().toString());
      assertTrue(overflow.body().get("error").asText().contains("purchases"), overflow.body().toString());
      Res ok = post(run.port(), "/v1/feedback", fb);
      assertEquals(200, ok.status(), ok.body().toString());
      assertEquals(id, ok.body().get("decision_id").asText());
      assertEquals(1, ok.body().get("version").asLong());
      io.rlsearch.sim.SimSettings.Reward w = WORLD.settings().reward();
      assertEquals(w.alphaGmv() * 20 + w.betaCm2() * 5 + w.deltaClicks(), ok.body().get("reward").asDouble(), 1e-9,
          "the world's reward of the purchase and the click");
      Res again = post(run.port(), "/v1/feedback", "{\"decision_id\": \"" + id + "\", \"reward\": 1}");
      assertEquals(409, again.status());
      assertTrue(again.body().get("error").asText().contains(id));
      Res unknown = post(run.port(), "/v1/feedback", "{\"decision_id\": \"no-such-decision\", \"reward\": 1}");
      assertEquals(404, unknown.status());
      assertTrue(unknown.body().get("error").asText().contains("no-such-decision"));
      JsonNode health = get(run.port(), "/health").body();
      assertEquals(1, health.get("feedback").get("joined").asLong(), health.toString());
      assertEquals(1, health.get("feedback").get("duplicate").asLong());
      assertEquals(1, health.get("feedback").get("unknown").asLong());
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.port() + "/metrics"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("rlsearch_feedback_joined_total{run=\"serve\"} 1.0"), metrics);
      assertTrue(metrics.contains("rlsearch_feedback_duplicate_total{run=\"serve\"} 1.0"), metrics);
      assertTrue(metrics.contains("rlsearch_feedback_unknown_total{run=\"serve\"} 1.0"), metrics);
      assertTrue(metrics.contains("rlsearch_rank_requests_total{run=\"serve\"} 1.0"), metrics);
      // every serving metric the docs name is one the server exposes, under that exact name
      java.util.TreeSet<String> undocumented = new java.util.TreeSet<>();
      for (String page : java.util.List.of("README.md", "docs/serving.md", "docs/runtime.md", "docs/configuration.md",
          "docs/actors.md", "docs/http-api.md", "docs/guides/serve-and-swap.md", "docs/guides/observe.md")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
            "rlsearch_(?:rank|feedback|data|shadow|request_id|decision_log|serving_monitor)[a-z_]*[a-z]")
            .matcher(java.nio.file.Files.readString(java.nio.file.Path.of(page)));
        while (m.find()) {
          if (!metrics.contains("# TYPE " + m.group() + " ")) {
            undocumented.add(page + ": " + m.group());
          }
        }
      }
      assertEquals("", String.join("\n", undocumented), "metrics the docs name that /metrics does not expose");
    }
  }

  private static ServingSchema withLimits(ServingSchema s, ServingSchema.Limits l) {
    return new ServingSchema(s.context(), s.candidate(), s.defaults(), s.reward(), l);
  }

  /** The request id keys the exploration draws: a request id given again is ranked alike, and counted. */
  @Test
  void aRequestIdGivenAgainIsRankedAlikeAndCountedWhileTheJoinHoldsItsDecision() throws Exception {
    try (Serving.Running run = start(Optional.empty(), SCHEMA)) {
      int p = run.port();
      String body = request("same-id", null, 20, 5, 1).toString();
      Res first = post(p, "/v1/rank", body);
      Res again = post(p, "/v1/rank", body);
      assertEquals(first.body().get("ranking"), again.body().get("ranking"));
      assertNotEquals(first.body().get("decision_id"), again.body().get("decision_id"));
      assertEquals(200, post(p, "/v1/rank", request("other-id", null, 20, 5, 1).toString()).status());
      assertEquals(200, post(p, "/v1/rank", request(null, null, 20, 5, 1).toString()).status());
      // The join registers decisions in its own time: wait until it has the four.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      JsonNode fb = get(p, "/health").body().get("feedback");
      while (System.nanoTime() < deadline && fb.get("open").asLong() < 4) {
        Thread.sleep(20);
        fb = get(p, "/health").body().get("feedback");
      }
      assertEquals(4, fb.get("open").asLong(), fb.toString());
      assertEquals(1, fb.get("request_ids_reused").asLong(), "only 'same-id' came again: " + fb);
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/metrics"))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.matches("(?s).*\\nrlsearch_request_id_reused_total\\{[^}]*\\} 1\\.0\\n.*"), metrics);
    }
  }

  @Test
  void aDecisionPastTheFeedbackWindowExpiresIsCountedAndItsFeedbackIsNotFound() throws Exception {
    ServingSchema shortWindow = withLimits(SCHEMA, new ServingSchema.Limits(1000, 1 << 20, Duration.ofMillis(200), 2));
    try (Serving.Running run = start(Optional.empty(), shortWindow)) {
      String expired = post(run.port(), "/v1/rank", request("a", null, 3, null, 1).toString()).body()
          .get("decision_id").asText();
      // Swept within a second of its window's end, with no other decision arriving.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long n = 0;
      while (System.nanoTime() < deadline && (n = get(run.port(), "/health").body().get("feedback").get("expired")
          .asLong()) == 0) {
        Thread.sleep(50);
      }
      assertEquals(1, n, "expired within 10 s");
      assertEquals(404, post(run.port(), "/v1/feedback", "{\"decision_id\": \"" + expired + "\", \"reward\": 1}")
          .status());
      // At most open_decisions (2) wait: a third evicts the oldest.
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(post(run.port(), "/v1/rank", request("b" + i, null, 3, null, i).toString()).body().get("decision_id")
            .asText());
      }
      assertEquals(404, post(run.port(), "/v1/feedback", "{\"decision_id\": \"" + ids.get(0) + "\", \"reward\": 1}")
          .status());
      assertEquals(200, post(run.port(), "/v1/feedback", "{\"decision_id\": \"" + ids.get(2) + "\", \"reward\": 1}")
          .status());
      JsonNode fb = get(run.port(), "/health").body().get("feedback");
      assertEquals(1, fb.get("evicted").asLong(), fb.toString());
      assertEquals(1, fb.get("expired").asLong(), fb.toString());
      // Neither is logged; both are counted on /metrics too.
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.port() + "/metrics"))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.matches("(?s).*\\nrlsearch_feedback_expired_total\\{[^}]*\\} 1\\.0\\n.*"), metrics);
      assertTrue(metrics.matches("(?s).*\\nrlsearch_feedback_evicted_total\\{[^}]*\\} 1\\.0\\n.*"), metrics);
    }
  }

  private static void refused(int port, int status, String body, String names) throws Exception {
    Res r = post(port, "/v1/rank", body);
    assertEquals(status, r.status(), body + " -> " + r.body());
    assertTrue(r.body().get("error").asText().contains(names), "names " + names + ": " + r.body());
  }

  @Test
  void everyBadInputIsAFourHundredNamingTheFieldAndTheServerStaysWell() throws Exception {
    ServingSchema small = withLimits(SCHEMA, new ServingSchema.Limits(20, 64 * 1024, Duration.ofMinutes(30), 1000));
    try (Serving.Running run = start(Optional.empty(), small)) {
      int p = run.port();
      refused(p, 400, "{\"candidates\": [", "not JSON");
      String notJson = post(p, "/v1/rank", "{\"candidates\": [").body().get("error").asText();
      assertTrue(notJson.contains("(line 1, column ") && !notJson.contains("Source"), "one plain line: " + notJson);
      refused(p, 400, "[1, 2]", "JSON object");
      ObjectNode wrongType = request(null, null, 3, null, 1);
      ((ObjectNode) wrongType.get("candidates").get(1)).put("base_score", "high");
      refused(p, 400, wrongType.toString(), "candidates[1].base_score");
      ObjectNode unknown = request(null, null, 3, null, 1);
      ((ObjectNode) unknown.get("context")).put("mood", 1.0);
      refused(p, 400, unknown.toString(), "context.mood");
      ObjectNode missing = request(null, null, 3, null, 1);
      ((ObjectNode) missing.get("candidates").get(2).get("features")).remove("price");
      refused(p, 400, missing.toString(), "candidates[2].features.price");
      ObjectNode empty = request(null, null, 3, null, 1);
      empty.putArray("candidates");
      refused(p, 400, empty.toString(), "candidates");
      refused(p, 413, request(null, null, 21, null, 1).toString(), "max_candidates");
      ObjectNode huge = request(null, null, 3, null, 1);
      ((ObjectNode) huge.get("candidates").get(0)).put("base_score", 1e308);
      String infinite = huge.toString().replace("1.0E308", "1e999");
      refused(p, 400, infinite, "candidates[0].base_score");
      refused(p, 400, huge.toString().replace("1.0E308", "NaN"), "not JSON");
      ObjectNode badK = request(null, null, 3, null, 1);
      badK.put("k", 0);
      refused(p, 400, badK.toString(), "'k'");
      // A body over serving.max_body, with its length announced and chunked.
      String big = "{\"candidates\": [], \"pad\": \"" + "x".repeat(70 * 1024) + "\"}";
      refused(p, 413, big, "max_body");
      Res chunked = send(p, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/v1/rank"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
              () -> new java.io.ByteArrayInputStream(big.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
      assertEquals(413, chunked.status(), chunked.body().toString());
      assertTrue(chunked.body().get("error").asText().contains("max_body"), chunked.body().toString());
      Res text = send(p, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/v1/rank"))
          .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(request(null, null, 3, null, 1)
              .toString())));
      assertEquals(415, text.status());
      assertTrue(text.body().get("error").asText().contains("application/json"));
      assertEquals(405, get(p, "/v1/rank").status());
      Res badFeedback = post(p, "/v1/feedback", "{\"decision_id\": \"x\", \"reward\": \"lots\"}");
      assertEquals(400, badFeedback.status());
      assertTrue(badFeedback.body().get("error").asText().contains("reward"));
      assertEquals(400, post(p, "/v1/feedback", "{\"reward\": 1}").status());
      assertEquals(400, post(p, "/v1/feedback", "{\"decision_id\": ").status());
      assertEquals(413, post(p, "/v1/feedback", big).status());
      // Still serving, and every refusal counted: the rank requests' and the feedbacks' apart.
      assertEquals(200, post(p, "/v1/rank", request(null, null, 20, 5, 9).toString()).status());
      JsonNode health = get(p, "/health").body();
      assertEquals(200, get(p, "/health").status());
      assertEquals(13, health.get("rank").get("refused").asLong(), health.toString());
      assertEquals(1, health.get("rank").get("answered").asLong(), health.toString());
      assertEquals(4, health.get("feedback").get("refused").asLong(), health.toString());
      assertEquals(4, run.system().realCounts().feedbackRefused());
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("rlsearch_feedback_refused_total{run=\"serve\"} 4.0"), metrics);
      assertTrue(metrics.contains("rlsearch_rank_refused_total{run=\"serve\"} 13.0"), metrics);
      assertTrue(metrics.contains("rlsearch_shadow_skipped_total{run=\"serve\"} 0.0"), metrics);
    }
  }

  @Test
  void beyondAShardsQueueARankRequestIsShedWith503AndRetryAfterAndCounted() throws Exception {
    ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(), Optional.empty(),
        3, 0, 1);
    try (ServingSystem sys = new ServingSystem(WORLD, Task.BoostWeights.battle(), "cm2_price", "built-in",
        PolicyCatalog.builtIn("cm2_price"), s, Runs.quietSystemConfig())) {
      ServerBinding b = Http.get(sys.system()).newServerAt("127.0.0.1", 0).bind(new ServingApi(sys, Optional.empty())
          .route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      int p = b.localAddress().getPort();
      String body = request(null, null, 1000, 10, 5).toString();
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/v1/rank"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int shed = 0;
      for (CompletableFuture<HttpResponse<String>> f : all) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        if (r.statusCode() == 503) {
          shed++;
          assertEquals("1", r.headers().firstValue("Retry-After").orElse(""), r.headers().toString());
          assertTrue(JSON.readTree(r.body()).get("error").asText().contains("overloaded"), r.body());
        } else {
          assertEquals(200, r.statusCode(), r.body());
          ok++;
        }
      }
      assertTrue(shed > 0 && ok > 0, "ok " + ok + ", shed " + shed);
      assertEquals(shed, sys.realCounts().shed());
      assertEquals(shed, sys.countsNow().shed(), "counted with the simulated traffic's sheds");
      assertEquals(ok, sys.realCounts().answered());
      assertTrue(sys.maxInFlight() <= 1);
      b.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void offLoopbackTheDataPlaneNeedsTheToken() throws Exception {
    ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(), Optional.empty(),
        3, 0);
    try (ServingSystem sys = new ServingSystem(WORLD, Task.BoostWeights.battle(), "cm2_price", "built-in",
        PolicyCatalog.builtIn("cm2_price"), s, Runs.quietSystemConfig())) {
      ServerBinding b = Http.get(sys.system()).newServerAt("127.0.0.1", 0).bind(new ServingApi(sys,
          Optional.of("sesame"), false, 0, "0.0.0.0").route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      int p = b.localAddress().getPort();
      String body = request(null, null, 3, null, 1).toString();
      assertEquals(401, post(p, "/v1/rank", body).status());
      assertEquals(401, get(p, "/v1/schema").status());
      assertEquals(401, post(p, "/v1/feedback", "{\"decision_id\": \"x\", \"reward\": 1}").status());
      Res ok = send(p, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/v1/rank"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer sesame")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertEquals(200, ok.status(), ok.body().toString());
      b.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCanaryWhoseRealRewardIsLowerIsEndedByTheGuardrailsAndTheLogHoldsCompleteDecisions() throws Exception {
    Path log = dir.resolve("decisions.jsonl");
    List<double[]> joined = new ArrayList<>();
    List<String> propensityOf = new ArrayList<>();
    try (Serving.Running run = start(Optional.of(log), SCHEMA)) {
      int p = run.port();
      assertEquals(200, post(p, "/policies/3/canary", "{\"share\": 0.5}").status());
      Random rnd = new Random(11);
      boolean ended = false;
      int served = 0;
      for (int i = 0; i < 4000 && !ended; i++) {
        Res r = post(p, "/v1/rank", request("q" + i, "user-" + i, 4, 2, i).toString());
        assertEquals(200, r.status(), r.body().toString());
        served++;
        long v = r.body().get("version").asLong();
        String top = r.body().get("ranking").get(0).asText();
        // Real users buy for about 10 under the live version and for about 4 under the canary.
        double price = (v == 3 ? 4 : 10) + rnd.nextGaussian();
        double margin = (v == 3 ? 1 : 2.5) + 0.2 * rnd.nextGaussian();
        Res f = post(p, "/v1/feedback", "{\"decision_id\": \"" + r.body().get("decision_id").asText()
            + "\", \"clicks\": [\"" + top + "\"], \"purchases\": [{\"id\": \"" + top + "\", \"price\": " + price
            + ", \"margin\": " + margin + "}]}");
        assertEquals(200, f.status(), f.body().toString());
        joined.add(new double[] {v, f.body().get("reward").asDouble(), r.body().get("propensity").asDouble()});
        propensityOf.add(r.body().get("propensity_of").asText());
        if (i % 50 == 49) {
          JsonNode versions = get(p, "/policies").body().get("versions");
          ended = versions.get(2).get("canary_share").asDouble() == 0;
        }
      }
      assertTrue(ended, "the canary was ended within " + served + " requests");
      JsonNode policies = get(p, "/policies").body();
      String events = policies.get("events").toString();
      assertTrue(events.contains("canary ended by guardrail drift:"), events);
      assertTrue(policies.get("versions").get(2).get("metrics").get("reward").get("mean").asDouble()
          < policies.get("versions").get(0).get("metrics").get("reward").get("mean").asDouble(), policies.toString());
      // After the end, every request is served by the live version.
      for (int i = 0; i < 20; i++) {
        assertEquals(1, post(p, "/v1/rank", request("after" + i, "user-" + i, 4, 2, i).toString()).body()
            .get("version").asLong());
      }
      assertEquals(joined.size(), run.system().flushLog(), "every joined decision, and only those, logged");
    }
    List<LoggedDecision> lines = DecisionLog.read(log);
    assertEquals(joined.size(), lines.size());
    // Each line says what its propensity is of, as the answer did: a reader tells a density from a probability.
    List<String> raw = java.nio.file.Files.readAllLines(log);
    assertEquals(joined.size(), raw.size());
    for (int i = 0; i < raw.size(); i++) {
      assertEquals(propensityOf.get(i), JSON.readTree(raw.get(i)).path("propensityOf").asText(), raw.get(i));
      assertFalse(raw.get(i).contains("\"slate\""), "a boost-weight decision has no slate: " + raw.get(i));
    }
    for (int i = 0; i < lines.size(); i++) {
      LoggedDecision d = lines.get(i);
      assertEquals((long) joined.get(i)[0], d.version());
      assertEquals(joined.get(i)[1], d.reward(), 1e-9);
      assertEquals(joined.get(i)[2], d.propensity(), 1e-12);
      assertEquals(io.rlsearch.serving.ServingPolicies.bareContext(SCHEMA).size(), d.context().length,
          "the context the served policy read");
      assertTrue(d.done());
      assertEquals(1, d.outcome().clicks());
      assertEquals(1, d.outcome().orders());
      assertTrue(d.outcome().gmv() > 0);
    }
  }

  @Test
  void aSubscriberReceivesEveryJoinedDecision() throws Exception {
    try (Serving.Running run = start(Optional.empty(), SCHEMA)) {
      var probe = org.apache.pekko.actor.testkit.typed.javadsl.TestProbe.<io.rlsearch.serving.Joined>create(
          run.system().system());
      io.rlsearch.actors.serve.Backlog b = run.system().subscribeJoined(probe.ref(), 10);
      // The subscription is a message to the join: a rank after it is registered after it, in order.
      Res r = post(run.port(), "/v1/rank", request("s1", null, 3, null, 1).toString());
      String id = r.body().get("decision_id").asText();
      assertEquals(200, post(run.port(), "/v1/feedback", "{\"decision_id\": \"" + id + "\", \"reward\": 2.5}")
          .status());
      io.rlsearch.serving.Joined j = probe.receiveMessage(Duration.ofSeconds(10));
      b.taken();
      assertEquals(id, j.decision().decisionId());
      assertEquals(2.5, j.reward());
      assertEquals(Optional.of("s1"), j.decision().requestId());
      assertEquals(0, b.counts().queued());
    }
  }

  @Test
  void aShadowRanksRealRequestsApartAndItsTopKAgreementWithTheServedRankingIsRecorded() throws Exception {
    try (Serving.Running run = start(Optional.empty(), SCHEMA)) {
      int p = run.port();
      assertEquals(200, post(p, "/policies/6/shadow", "{}").status());
      String shadowName = get(p, "/policies").body().get("versions").get(5).get("name").asText();
      var live = ServingPolicies.bind(PolicyCatalog.builtIn("cm2_price"), SCHEMA);
      var shadow = ServingPolicies.bind(PolicyCatalog.builtIn(shadowName), SCHEMA);
      double sum = 0;
      int n = 20;
      for (int i = 0; i < n; i++) {
        ObjectNode body = request("s" + i, null, 12, 4, 100 + i);
        assertEquals(200, post(p, "/v1/rank", body.toString()).status());
        RankRequest q = RankRequest.parse(body, SCHEMA);
        sum += io.rlsearch.actors.serve.ShadowActor.topKAgreement(live.rank(q, RequestKeys.policyStream(3, "s" + i))
            .order(), shadow.rank(q, RequestKeys.policyStream(3, "shadow/s" + i)).order());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (run.system().shadowAgreement().compared() < n && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      io.rlsearch.actors.serve.ShadowActor.Agreement a = run.system().shadowAgreement();
      assertEquals(n, a.compared(), "every request compared within 10 s");
      assertEquals(sum / n, a.meanTopK(), 1e-12);
      assertTrue(a.meanTopK() < 1, "the shadow (" + shadowName + ") ranks otherwise than the live version: " + a);
    }
  }

  @Test
  void aVersionWhosePolicyThrowsAnswersA500WithTheErrorAndTheShardServesOn() throws Exception {
    ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(), Optional.empty(),
        3, 0);
    try (ServingSystem sys = new ServingSystem(WORLD, Task.BoostWeights.battle(), "cm2_price", "built-in",
        PolicyCatalog.builtIn("cm2_price"), s, Runs.quietSystemConfig())) {
      long broken = sys.register("broken", "test", new io.rlsearch.agents.spi.PolicySnapshot() {
        @Override
        public String agent() {
          return "broken";
        }

        @Override
        public long version() {
          return 0;
        }

        @Override
        public io.rlsearch.agents.spi.Decision act(double[] x, io.rlsearch.core.random.NumpyRandom rng) {
          throw new IllegalStateException("no weights today");
        }
      });
      ServerBinding b = Http.get(sys.system()).newServerAt("127.0.0.1", 0).bind(new ServingApi(sys, Optional.empty())
          .route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      int p = b.localAddress().getPort();
      assertEquals(200, post(p, "/policies/" + broken + "/canary", "{\"share\": 1}").status());
      Res r = post(p, "/v1/rank", request("x", null, 3, null, 1).toString());
      assertEquals(500, r.status());
      assertTrue(r.body().get("error").asText().contains("no weights today"), r.body().toString());
      assertEquals(1, sys.realCounts().failed());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sys.metrics().versions().getOrDefault(broken, null) == null && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, sys.metrics().versions().get(broken).errors(), "the error-rate guardrail sees it");
      assertEquals(200, post(p, "/policies/" + broken + "/canary", "{\"share\": 0}").status());
      assertEquals(200, post(p, "/v1/rank", request("y", null, 3, null, 1).toString()).status());
      b.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void bodiesBeingReadAreBoundedTheNextIsShedWith503AndTheirPlacesComeBack() throws Exception {
    try (Serving.Running run = start(Optional.empty(), SCHEMA)) {
      int p = run.port();
      String body = request(null, null, 3, null, 1).toString();
      List<java.net.Socket> slow = new ArrayList<>();
      try {
        // Clients that announce a body and send half of it: each holds a place while it is read.
        for (int i = 0; i < ServingSystem.BODIES; i++) {
          java.net.Socket so = new java.net.Socket("127.0.0.1", p);
          slow.add(so);
          so.getOutputStream().write(("POST /v1/rank HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
              + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, body.length() / 2))
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          so.getOutputStream().flush();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (run.system().bodies().counts().queued() < ServingSystem.BODIES && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(ServingSystem.BODIES, run.system().bodies().counts().queued(), "every slow body holds a place");
        Res shed = post(p, "/v1/rank", body);
        assertEquals(503, shed.status(), shed.body().toString());
        assertEquals("1", shed.raw().headers().firstValue("Retry-After").orElse(""));
        assertEquals(1, run.system().bodies().dropped());
      } finally {
        for (java.net.Socket so : slow) {
          so.close();
        }
      }
      // The closed connections' bodies fail to arrive: their places are given back.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (run.system().bodies().counts().queued() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, run.system().bodies().counts().queued());
      assertEquals(200, post(p, "/v1/rank", body).status());
    }
  }
}
