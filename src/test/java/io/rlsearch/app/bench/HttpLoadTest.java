package io.rlsearch.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.ZoosimConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The open-loop generator against a stub server whose behaviour is known, and the bodies it sends. */
class HttpLoadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A server on one thread: request {@code stallAt} takes {@code stallMs}; every fifth answers 503, every seventh 500. */
  private static HttpServer stub(int stallAt, long stallMs, AtomicInteger seen) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.setExecutor(Executors.newSingleThreadExecutor());
    s.createContext("/v1/rank", ex -> {
      int i = seen.getAndIncrement();
      ex.getRequestBody().readAllBytes();
      if (i == stallAt) {
        try {
          Thread.sleep(stallMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int status = i % 5 == 4 ? 503 : i % 7 == 6 ? 500 : 200;
      byte[] body = (status == 500 ? "{\"error\": \"boom\"}" : "{}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    s.start();
    return s;
  }

  @Test
  void aStallCountsInTheLatencyOfEveryRequestScheduledDuringIt() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    HttpServer s = stub(10, 600, seen);
    try (HttpLoad load = new HttpLoad(URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/v1/rank"),
        List.of("{}".getBytes(StandardCharsets.UTF_8)), Optional.empty(), 1)) {
      // 50 requests/s for 2 s, one open at a time: the 600 ms stall of request 10 holds back the
      // requests due during it. Measured from their scheduled start, those due in its first half
      // wait 300 ms or more; measured from their send, only the stalled one would.
      HttpLoad.Result r = load.run(50, 2);
      assertEquals(100, r.sent());
      assertEquals(100, seen.get(), "every request reached the server");
      assertEquals(100, r.latency().getTotalCount());
      assertEquals(100, r.ok() + r.shed() + r.errors());
      assertEquals(20, r.shed(), "every fifth answers 503");
      // every seventh that is not a fifth: 6, 13, 20, 27, 41, 48, 55, 62, 76, 83, 90, 97
      assertEquals(12, r.errors());
      assertEquals(0, r.timeouts());
      assertEquals(Optional.of("500 {\"error\": \"boom\"}"), r.firstError());
      assertTrue(r.latency().getMaxValue() >= 600_000, "max " + r.latency().getMaxValue() + " us");
      long delayed = r.latency().getCountBetweenValues(300_000, Long.MAX_VALUE);
      assertTrue(delayed >= 10, delayed + " requests at 300 ms or more; 15 were due in the stall's first 300 ms");
    } finally {
      s.stop(0);
    }
  }

  /**
   * Offered twice what the server answers: the run still ends in time and reports, the requests that
   * could not go out within the timeout of their due time counted as unsent errors, never lost.
   */
  @Test
  void aRateAboveWhatTheServerAnswersEndsInTimeAndCountsWhatWasNotSent() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.setExecutor(Executors.newSingleThreadExecutor());
    s.createContext("/v1/rank", ex -> {
      seen.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    s.start();
    try (HttpLoad load = new HttpLoad(URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/v1/rank"),
        List.of("{}".getBytes(StandardCharsets.UTF_8)), Optional.empty(), 2, java.time.Duration.ofMillis(500))) {
      // 100/s for 2 s against a server of at most 50/s: requests fall further and further behind.
      long t0 = System.nanoTime();
      HttpLoad.Result r = load.run(100, 2);
      double took = (System.nanoTime() - t0) / 1e9;
      assertTrue(took < 2 + 2 * 0.5 + 5, "the run ended within its deadline: " + took + " s");
      assertEquals(200, r.sent() + r.unsent(), "every request was sent or counted as unsent");
      assertTrue(r.unsent() > 0, "some could not go out in time");
      assertEquals(seen.get(), r.sent(), "every request sent reached the server");
      assertEquals(r.sent(), r.ok(), "every request sent was answered");
      assertEquals(r.unsent(), r.errors());
      assertEquals(200, r.latency().getTotalCount());
      assertTrue(r.firstError().orElse("").startsWith("not sent"), r.firstError().toString());
    } finally {
      s.stop(0);
    }
  }

  @Test
  void theBodiesAreValidRankRequestsOfTheDefaultSchemaWithEveryFeature() throws Exception {
    ServingSchema schema = ServingSchema.world(ZoosimConfig.load(Optional.empty()));
    List<byte[]> bodies = RankBodies.bodies(schema.context(), schema.candidate(), 100, 3, 7);
    assertEquals(3, bodies.size());
    for (byte[] b : bodies) {
      JsonNode body = JSON.readTree(b);
      RankRequest r = RankRequest.parse(body, schema);
      assertEquals(100, r.size());
      assertEquals(100, r.k());
      assertEquals(schema.context().size(), body.get("context").size());
      assertEquals(21, schema.context().size());
      assertEquals(10, body.get("candidates").get(0).get("features").size());
      double segments = 0;
      for (String name : schema.context()) {
        segments += name.startsWith("segment_") ? body.get("context").get(name).asDouble() : 0;
      }
      assertEquals(1.0, segments, "one segment is set");
    }
    assertTrue(!java.util.Arrays.equals(bodies.get(0), bodies.get(1)), "the bodies differ");
    assertTrue(java.util.Arrays.equals(bodies.get(2), RankBodies.bodies(schema.context(), schema.candidate(), 100, 3,
        7).get(2)), "a seed gives the same bodies");
  }
}
