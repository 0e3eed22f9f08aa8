package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rlsearch.api.Json;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The swap test's bookkeeping against a stub server whose timing the test sets: a promotion the
 * server applies before its answer reaches the client.
 */
class HttpSwapTestStubTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void answersOfTheBadVersionThatArriveBeforeThePromotionsOwnAnswerAreCountedAsItsRequests() throws Exception {
    World world = Runs.smallWorld(3);
    String schema = Json.write(ServingSchema.world(world.settings()).view());
    AtomicLong live = new AtomicLong(1);
    AtomicInteger rollbacks = new AtomicInteger();
    AtomicInteger badAnswers = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService pool = Executors.newFixedThreadPool(64);
    server.setExecutor(pool);
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      byte[] in = ex.getRequestBody().readAllBytes();
      switch (path) {
        case "/health" -> reply(ex, "{\"status\": \"ok\"}");
        case "/v1/schema" -> reply(ex, schema);
        case "/policies" -> reply(ex, "{\"versions\": [{\"version\": 1, \"name\": \"good\", \"source\": \"test\","
            + " \"live\": " + (live.get() == 1) + "}, {\"version\": 6, \"name\": \"bury\", \"source\": \"test\","
            + " \"live\": " + (live.get() == 6) + "}], \"epoch\": 1, \"known_good\": 1, \"rollbacks\": " + rollbacks.get()
            + ", \"events\": [" + (rollbacks.get() > 0 ? "{\"kind\": \"rollback\", \"detail\": \"by the stub\"}" : "")
            + "]}");
        case "/policies/6/promote" -> {
          // The server applies the promotion at once and answers late.
          live.set(6);
          sleep(800);
          reply(ex, "{\"ok\": true, \"message\": \"promoted\", \"epoch\": 2}");
        }
        case "/v1/rank" -> {
          // Ranked after a while: by the version live then (a request queued before a promotion that the
          // server applied before serving it).
          JsonNode body = JSON.readTree(in);
          sleep(200);
          long v = live.get();
          if (v == 6 && badAnswers.incrementAndGet() >= 30) {
            live.set(1);
            rollbacks.incrementAndGet();
          }
          ObjectNode a = JSON.createObjectNode();
          a.put("request_id", body.get("request_id").asText());
          a.put("decision_id", "d-" + body.get("request_id").asText());
          a.put("policy", v == 6 ? "bury" : "good");
          a.put("version", v);
          ArrayNode ids = a.putArray("ranking");
          ArrayNode scores = a.putArray("scores");
          for (int j = 0; j < body.get("k").asInt(); j++) {
            ids.add(body.get("candidates").get(j).get("id").asText());
            scores.add(1.0);
          }
          a.put("explored", false);
          a.put("propensity", 1.0);
          a.put("propensity_of", "deterministic");
          reply(ex, a.toString());
        }
        case "/v1/feedback" -> reply(ex, "{\"decision_id\": \"" + JSON.readTree(in).get("decision_id").asText()
            + "\", \"reward\": 1.0, \"version\": " + live.get() + "}");
        default -> {
          ex.sendResponseHeaders(404, -1);
          ex.close();
        }
      }
    });
    server.start();
    try {
      RankClient client = new RankClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
          Optional.empty(), Duration.ofSeconds(5));
      HttpSwapTest test = new HttpSwapTest(new HttpSwapTest.Settings(200, 400, 100, "bury", 3, 50, 10, 64,
          Duration.ofSeconds(5)));
      HttpSwapTest.Result r = test.run(client, world);
      assertEquals(400, r.answered(), r.errors().toString());
      assertTrue(r.rolledBack());
      assertEquals("by the stub", r.rollbackReason());
      assertEquals(6, r.badVersion());
      long servedByBad = r.versions().get(6L).answered();
      assertEquals(badAnswers.get(), servedByBad);
      assertEquals(servedByBad, r.badServed(), "every answer of the bad version counts, even one that arrived"
          + " before the promotion's own answer");
    } finally {
      server.stop(0);
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  private static void reply(HttpExchange ex, String body) throws IOException {
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
