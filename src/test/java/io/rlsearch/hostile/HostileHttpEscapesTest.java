package io.rlsearch.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.testing.Runs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inputs that {@link HostileHttpTest} found escaping, each as sent: an error that echoed a line
 * break of the request (a version of {@code %0A}, a decision id or a price with one) came back as
 * several lines, and a control call whose body never finished was never answered.
 */
class HostileHttpEscapesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Serving.Running run;
  private static ExecutorService pool;
  private static RawHttp http;

  @BeforeAll
  static void start() {
    pool = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "hostile-http-escapes");
      t.setDaemon(true);
      return t;
    });
    io.rlsearch.sim.World world = Runs.smallWorld(3);
    run = Serving.start(world, "cm2_price", List.of(), 1, Optional.empty(), 3, "127.0.0.1", 0, Optional.empty(), 0, 0,
        ServingSchema.world(world.settings()));
    http = new RawHttp(run.port(), pool, 30_000);
  }

  @AfterAll
  static void stop() {
    run.close();
    pool.shutdownNow();
  }

  private static RawHttp.Reply post(String path, String body) {
    return http.send("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8),
        RawHttp.Framing.LENGTH);
  }

  /** A one-line JSON error of {@code status} whose message contains {@code naming}. */
  private static void oneLine(int status, String naming, RawHttp.Reply r) throws Exception {
    assertEquals(status, r.status(), r.toString());
    assertNull(HostileHttpTest.escape(r), r.toString());
    String m = JSON.readTree(r.body()).get("error").asText();
    assertTrue(m.contains(naming), m);
  }

  @Test
  void aVersionThatIsALineBreakIsRefusedInOneLine() throws Exception {
    for (String endpoint : List.of("promote", "canary", "shadow")) {
      oneLine(400, "version must be a whole number", post("/policies/%0A/" + endpoint, "{\"share\": 0.1}"));
      oneLine(400, "version must be a whole number", post("/policies/%0D%E2%80%A8/" + endpoint, "{}"));
    }
  }

  @Test
  void aDecisionIdOrAPriceWithALineBreakIsRefusedInOneLine() throws Exception {
    oneLine(404, "no decision 'a", post("/v1/feedback", "{\"decision_id\": \"a\\rb\", \"reward\": 1}"));
    oneLine(404, "no decision '", post("/v1/feedback", "{\"decision_id\": \"\u2028\", \"reward\": 1}"));
    oneLine(400, "'purchases[0].price' must be a finite number", post("/v1/feedback",
        "{\"decision_id\": \"d\", \"purchases\": [{\"id\": \"p0\", \"price\": \"\u2028\"}]}"));
    oneLine(400, "'purchases[0].margin' must be a finite number", post("/v1/feedback",
        "{\"decision_id\": \"d\", \"purchases\": [{\"id\": \"p0\", \"price\": 1, \"margin\": \"x\\ny\"}]}"));
    com.fasterxml.jackson.databind.node.ObjectNode rank = JSON.createObjectNode();
    ServingSchema schema = run.system().schema();
    schema.context().forEach(f -> rank.with("context").put(f, 0.0));
    for (int i = 0; i < 2; i++) {
      com.fasterxml.jackson.databind.node.ObjectNode c = rank.withArray("candidates").addObject();
      c.put("id", "a\nb").put("base_score", 1.0);
      schema.candidate().forEach(f -> c.with("features").put(f, 0.0));
    }
    oneLine(400, "repeats the id", post("/v1/rank", rank.toString()));
    rank.withArray("candidates").remove(1);
    rank.put("k", "x\u2028y");
    oneLine(400, "'k' must be a whole number", post("/v1/rank", rank.toString()));
  }

  @Test
  void aControlBodyThatNeverFinishesIsAnswered408() throws Exception {
    List<String> paths = List.of("/policies/2/promote", "/policies/2/canary", "/rollback", "/v1/rank");
    List<Future<RawHttp.Reply>> replies = new java.util.ArrayList<>();
    for (String p : paths) {
      replies.add(pool.submit(() -> http.send("POST", p, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
          RawHttp.Framing.SHORT)));
    }
    for (int i = 0; i < paths.size(); i++) {
      oneLine(408, "did not arrive", replies.get(i).get());
    }
    // The server still serves a control call whose body does arrive.
    RawHttp.Reply after = post("/policies/2/canary", "{\"share\": 0}");
    assertTrue(after.status() == 200 || after.status() == 409, after.toString());
    assertNull(HostileHttpTest.escape(after), after.toString());
  }

  /** A request id and a rollback reason with line breaks: the server's log lines that quote them stay one line. */
  @Test
  void aRequestIdOrARollbackReasonWithALineBreakIsLoggedOnOneLine() throws Exception {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    root.addAppender(lines);
    try {
      com.fasterxml.jackson.databind.node.ObjectNode rank = JSON.createObjectNode();
      ServingSchema schema = run.system().schema();
      rank.put("request_id", "forged\n12:00:00.000 WARN  forged line\u2028");
      schema.context().forEach(f -> rank.with("context").put(f, 0.0));
      com.fasterxml.jackson.databind.node.ObjectNode c = rank.withArray("candidates").addObject();
      c.put("id", "p0").put("base_score", 1.0);
      schema.candidate().forEach(f -> c.with("features").put(f, 0.0));
      assertEquals(200, post("/v1/rank", rank.toString()).status());
      assertEquals(200, post("/v1/rank", rank.toString()).status());
      assertEquals(200, post("/policies/3/promote", "{}").status());
      RawHttp.Reply back = post("/rollback", "{\"reason\": \"by hand\\r\\nforged line\"}");
      assertEquals(200, back.status(), back.toString());
      List<String> quoting = new java.util.ArrayList<>();
      for (int i = 0; i < 100 && quoting.size() < 2; i++) {
        Thread.sleep(50);
        List<ch.qos.logback.classic.spi.ILoggingEvent> seen;
        synchronized (lines) { // the appender appends under its own lock
          seen = List.copyOf(lines.list);
        }
        quoting = seen.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("forged")).toList();
      }
      assertEquals(2, quoting.size(), "the request id's and the rollback's warnings: " + quoting);
      for (String m : quoting) {
        assertTrue(!m.contains("\n") && !m.contains("\r") && !m.contains("\u2028"), "one line: " + m);
      }
    } finally {
      root.detachAppender(lines);
    }
  }
}
