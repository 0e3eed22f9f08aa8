package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rlsearch.api.Json;
import io.rlsearch.serving.Feedback;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.testing.Runs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The typed client against a stub server (the JDK's): what it sends, what it reads, how it fails. */
class RankClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private ExecutorService pool;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private volatile Stub stub;

  private record Seen(String method, String path, String contentType, String authorization, JsonNode body) {}

  private record Reply(int status, String body, Map<String, String> headers, long delayMs) {
    static Reply json(int status, String body) {
      return new Reply(status, body, Map.of("Content-Type", "application/json"), 0);
    }
  }

  @FunctionalInterface
  private interface Stub {
    Reply answer(Seen s);
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pool = Executors.newFixedThreadPool(4);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.stop(0);
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] in = ex.getRequestBody().readAllBytes();
    JsonNode body = in.length == 0 ? null : JSON.readTree(in);
    Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(),
        ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Authorization"), body);
    seen.add(s);
    Reply r = stub.answer(s);
    if (r.delayMs() > 0) {
      try {
        Thread.sleep(r.delayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      ex.getResponseBody().write(out);
    }
    ex.close();
  }

  private RankClient client(Optional<String> token, Duration deadline) {
    return new RankClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), token, deadline);
  }

  private RankClient client() {
    return client(Optional.empty(), Duration.ofSeconds(5));
  }

  private static RankClient.RankCall call() {
    return new RankClient.RankCall(Optional.of("r-1"), Optional.of("u-9"), Map.of("segment_a", 1.0),
        List.of(new RankClient.Candidate("p1", 0.5, Map.of("cm2", 0.1, "price", -1.25)),
            new RankClient.Candidate("p2", 0.25, Map.of("cm2", 0.3, "price", 2.0))), OptionalInt.of(2));
  }

  @Test
  void rankSendsTheCallAsJsonWithTheTokenAndReadsTheDecision() {
    stub = s -> Reply.json(200, "{\"request_id\": \"r-1\", \"decision_id\": \"d-7\", \"policy\": \"cm2_price\","
        + " \"version\": 3, \"ranking\": [\"p2\", \"p1\"], \"scores\": [1.5, 0.1], \"explored\": true,"
        + " \"propensity\": 0.125, \"propensity_of\": \"weights\"}");
    RankClient.RankAnswer a = client(Optional.of("s3cret"), Duration.ofSeconds(5)).rank(call());
    assertEquals(new RankClient.RankAnswer(Optional.of("r-1"), "d-7", "cm2_price", 3, List.of("p2", "p1"),
        List.of(1.5, 0.1), true, 0.125, "weights"), a);
    Seen s = seen.poll();
    assertEquals("POST", s.method());
    assertEquals("/v1/rank", s.path());
    assertEquals("application/json", s.contentType());
    assertEquals("Bearer s3cret", s.authorization());
    assertEquals("r-1", s.body().get("request_id").asText());
    assertEquals("u-9", s.body().get("user_key").asText());
    assertEquals(1.0, s.body().get("context").get("segment_a").asDouble());
    assertEquals(2, s.body().get("k").asInt());
    JsonNode c = s.body().get("candidates");
    assertEquals(2, c.size());
    assertEquals("p1", c.get(0).get("id").asText());
    assertEquals(0.5, c.get(0).get("base_score").asDouble());
    assertEquals(-1.25, c.get(0).get("features").get("price").asDouble());
    assertEquals(2.0, c.get(1).get("features").get("price").asDouble());
  }

  @Test
  void scoresGivenByIdAreReadInRankingOrderAndAMalformedDecisionFailsWithOneLine() {
    stub = s -> Reply.json(200, "{\"decision_id\": \"d\", \"policy\": \"p\", \"version\": 1, \"ranking\": [\"b\","
        + " \"a\"], \"scores\": {\"a\": 1.0, \"b\": 2.0}, \"explored\": false, \"propensity\": 1,"
        + " \"propensity_of\": \"deterministic\"}");
    RankClient.RankAnswer a = client().rank(call());
    assertEquals(List.of(2.0, 1.0), a.scores());
    assertEquals(Optional.empty(), a.requestId());
    stub = s -> Reply.json(200, "{\"decision_id\": \"d\", \"policy\": \"p\", \"version\": 1, \"ranking\": [\"a\"]}");
    RankClient.CallFailed e = assertThrows(RankClient.CallFailed.class, () -> client().rank(call()));
    assertTrue(e.getMessage().contains("'scores' is missing"), e.getMessage());
  }

  @Test
  void aNon2xxFailsWithItsStatusAndTheServersOneLineError() {
    stub = s -> Reply.json(409, "{\"error\": \"decision d-1 already has its feedback\", \"status\": 409}");
    Feedback f = new Feedback("d-1", List.of("p1"), List.of(new Feedback.Purchase("p1", 12.5, 3.0, true)),
        OptionalDouble.empty());
    RankClient.CallFailed dup = assertThrows(RankClient.CallFailed.class, () -> client().feedback(f));
    assertEquals(409, dup.status());
    assertEquals("POST /v1/feedback: 409: decision d-1 already has its feedback", dup.getMessage());
    stub = s -> new Reply(503, "{\"error\": \"overloaded\"}", Map.of("Content-Type", "application/json",
        "Retry-After", "2"), 0);
    RankClient.CallFailed shed = assertThrows(RankClient.CallFailed.class, () -> client().rank(call()));
    assertEquals(503, shed.status());
    assertEquals(Optional.of(Duration.ofSeconds(2)), shed.retryAfter());
    stub = s -> new Reply(500, "something broke\n\tat a.b.C(C.java:1)\n", Map.of("Content-Type", "text/plain"), 0);
    RankClient.CallFailed plain = assertThrows(RankClient.CallFailed.class, () -> client().schema());
    assertEquals(500, plain.status());
    assertEquals("GET /v1/schema: 500: something broke", plain.getMessage());
  }

  @Test
  void feedbackSendsClicksAndPurchasesAndReadsTheReward() {
    stub = s -> Reply.json(200, "{\"decision_id\": \"d-1\", \"reward\": 4.75, \"version\": 2}");
    Feedback f = new Feedback("d-1", List.of("p1", "p2"), List.of(new Feedback.Purchase("p1", 12.5, 3.0, true)),
        OptionalDouble.empty());
    assertEquals(new RankClient.FeedbackAnswer(200, "d-1", 4.75, 2), client().feedback(f));
    Seen s = seen.poll();
    assertEquals("/v1/feedback", s.path());
    assertEquals("application/json", s.contentType());
    // What the client sends parses back, under the server's own parser, to the same feedback.
    assertEquals(f, Feedback.parse(s.body()));
    Feedback explicit = new Feedback("d-2", List.of(), List.of(), OptionalDouble.of(-1.5));
    client().feedback(explicit);
    assertEquals(explicit, Feedback.parse(seen.poll().body()));
  }

  @Test
  void theSchemaIsReadBackAsTheServingSchema() {
    ServingSchema world = ServingSchema.world(Runs.smallWorld(3).settings());
    stub = s -> Reply.json(200, Json.write(world.view()));
    assertEquals(world, client().schema());
    assertEquals("GET", seen.poll().method());
  }

  @Test
  void theControlCallsNameTheirRoutesAndBodies() {
    stub = s -> switch (s.path()) {
      case "/policies" -> Reply.json(200, "{\"versions\": [{\"version\": 1, \"name\": \"cm2_price\", \"live\": false,"
          + " \"canary_share\": 0.0, \"known_good\": true, \"metrics\": {\"requests\": 40, \"reward\": {\"mean\": 2.5}}},"
          + " {\"version\": 6, \"name\": \"bury\", \"live\": true, \"canary_share\": 0.0, \"known_good\": false}],"
          + " \"epoch\": 4, \"known_good\": 1, \"rollbacks\": 0}");
      default -> Reply.json(200, "{\"ok\": true, \"message\": \"done " + s.path() + "\", \"epoch\": 5}");
    };
    RankClient c = client();
    RankClient.Policies p = c.policies();
    assertEquals(6, p.live());
    assertEquals(1, p.knownGood());
    assertEquals(40, p.named("cm2_price").orElseThrow().requests());
    assertEquals(2.5, p.named("cm2_price").orElseThrow().reward());
    assertTrue(Double.isNaN(p.named("bury").orElseThrow().reward()));
    seen.clear();
    assertEquals(new RankClient.ControlAnswer("done /policies/6/promote", 5), c.promote(6));
    Seen promote = seen.poll();
    assertEquals("POST", promote.method());
    assertEquals("application/json", promote.contentType(), "the control API takes JSON only");
    c.canary(3, 0.25);
    Seen canary = seen.poll();
    assertEquals("/policies/3/canary", canary.path());
    assertEquals(0.25, canary.body().get("share").asDouble());
    c.rollback("by a test");
    Seen rollback = seen.poll();
    assertEquals("/rollback", rollback.path());
    assertEquals("by a test", rollback.body().get("reason").asText());
  }

  @Test
  void aServerSlowerThanTheDeadlineFailsTheCallAtTheDeadline() {
    stub = s -> new Reply(200, "{}", Map.of("Content-Type", "application/json"), 5_000);
    RankClient c = client(Optional.empty(), Duration.ofMillis(200));
    long t0 = System.nanoTime();
    RankClient.CallFailed e = assertThrows(RankClient.CallFailed.class, () -> c.rank(call()));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(0, e.status());
    assertTrue(e.getMessage().contains("no answer within the deadline of 200 ms"), e.getMessage());
    assertTrue(ms < 4_000, "failed after " + ms + " ms, not at the 200 ms deadline");
    // The asynchronous form fails the same way.
    RankClient.CallFailed async = assertThrows(RankClient.CallFailed.class, () -> {
      try {
        c.rankAsync(call()).join();
      } catch (java.util.concurrent.CompletionException x) {
        throw x.getCause();
      }
    });
    assertEquals(0, async.status());
  }

  @Test
  void anUnreachableServerFailsWithStatusZeroAndOneLine() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RankClient c = new RankClient(URI.create("http://127.0.0.1:" + port), Optional.empty(), Duration.ofSeconds(2));
    RankClient.CallFailed e = assertThrows(RankClient.CallFailed.class, c::health);
    assertEquals(0, e.status());
    assertTrue(e.getMessage().startsWith("GET /health: cannot connect to http://127.0.0.1:" + port), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  @Test
  void aBadUrlOrDeadlineOrTokenIsRefusedWhenTheClientIsMade() {
    assertThrows(IllegalArgumentException.class, () -> new RankClient(URI.create("ftp://x:1"), Optional.empty(),
        Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new RankClient(URI.create("http://x:1"), Optional.empty(),
        Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new RankClient(URI.create("http://x:1"),
        Optional.of("two words"), Duration.ofSeconds(1)));
  }
}
