package io.rlsearch.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.testing.Runs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hostile bodies for every endpoint of {@code ./rlsearch serve}, over real HTTP against the real server
 * in this JVM: for each of the data plane's {@code POST /v1/rank} and {@code POST /v1/feedback} and the
 * control plane's {@code POST /policies/{v}/promote}, {@code .../canary}, {@code .../shadow} and
 * {@code POST /rollback}, thousands of bodies drawn with fixed seeds (valid bodies with bytes deleted,
 * inserted, flipped, repeated or cut; every field of a valid body given a value of the wrong type, a
 * non-finite or huge number, deleted, or joined by an unknown field; empty bodies, deep nesting, bodies
 * of several MB, wrong content types, invalid UTF-8, bodies that never finish). Each answer must be a
 * 2xx, or a 4xx whose JSON error is one line naming the problem; never a 5xx, a stack trace, or no
 * answer within the deadline; and the server must rank a valid request afterwards. The heap after a
 * forced collection may grow by less than {@link #HEAP_BOUND} between the warm-up and the end, and
 * the threads by at most {@link #THREAD_MARGIN}.
 */
@Tag("slow") // about two and a half minutes on two cores: mvn -P slow test -Dtest=HostileHttpTest
class HostileHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The most the heap may grow between the warm-up and the end. Retained by design: the open decisions
   * of the accepted rank requests (under 2,000 here, each its ids, scores and features of at most six
   * candidates: under 8 KB, so under 16 MB), the event log (1,000 events) and the live page's history
   * (2,000 series events, 500 policy events), a few MB; twice that. The bodies themselves, up to 4 MiB
   * each, must all be garbage once answered.
   */
  static final long HEAP_BOUND = 32L << 20;

  /** Threads that may come and go with the dispatchers' pools between the warm-up and the end. */
  static final int THREAD_MARGIN = 8;

  /** No answer within this is a hang (the data plane gives up on a body after 10 s). */
  static final long DEADLINE_MS = 30_000;

  private static Serving.Running run;
  private static ServingSchema schema;
  private static RawHttp http;
  private static ExecutorService writers;
  private static ExecutorService callers;
  private static int versions;

  @BeforeAll
  static void start() {
    writers = Executors.newFixedThreadPool(8, daemon("hostile-http-writer"));
    callers = Executors.newFixedThreadPool(8, daemon("hostile-http-caller"));
    // The client's own threads all exist before the threads are first counted.
    ((java.util.concurrent.ThreadPoolExecutor) writers).prestartAllCoreThreads();
    ((java.util.concurrent.ThreadPoolExecutor) callers).prestartAllCoreThreads();
    io.rlsearch.sim.World world = Runs.smallWorld(3);
    run = Serving.start(world, "cm2_price", List.of(), 2, Optional.empty(), 3, "127.0.0.1", 0, Optional.empty(), 0, 0,
        ServingSchema.world(world.settings()));
    schema = run.system().schema();
    http = new RawHttp(run.port(), writers, DEADLINE_MS);
    versions = io.rlsearch.api.serving.PolicyCatalog.builtIns().size();
  }

  @AfterAll
  static void stop() {
    if (run != null) {
      run.close();
    }
    writers.shutdownNow();
    callers.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Judging one answer.

  /** A stack frame, or an exception's class name, in a body. */
  private static final Pattern TRACE = Pattern.compile(
      "(\\bat [a-zA-Z_$][\\w$]*(\\.[\\w$]+)+\\()|((java|javax|scala|org|com|io)\\.[\\w.$]*(Exception|Error)\\b)");

  /**
   * Why {@code r} escapes (a 5xx, no answer, an error that is not one JSON line naming the problem,
   * a trace), or null when it is a 2xx or such a 4xx.
   */
  static String escape(RawHttp.Reply r) {
    if (!r.answered()) {
      return r.failure();
    }
    if (r.status() >= 500 || r.status() < 200 || (r.status() >= 300 && r.status() < 400)) {
      return "status " + r.status() + ": " + abbreviate(r.body());
    }
    if (TRACE.matcher(r.body()).find()) {
      return "a stack trace or exception name in the body: " + abbreviate(r.body());
    }
    if (r.status() < 300) {
      return null;
    }
    if (!r.contentType().startsWith("application/json")) {
      return "status " + r.status() + " answered as '" + r.contentType() + "', not JSON: " + abbreviate(r.body());
    }
    JsonNode e;
    try {
      e = JSON.readTree(r.body());
    } catch (java.io.IOException x) {
      return "status " + r.status() + " with a body that is not JSON: " + abbreviate(r.body());
    }
    if (e == null || !e.isObject() || !e.path("error").isTextual() || e.path("status").asInt() != r.status()) {
      return "status " + r.status() + " without {\"error\": ..., \"status\": " + r.status() + "}: "
          + abbreviate(r.body());
    }
    String m = e.get("error").asText();
    if (m.isBlank() || m.contains("\n") || m.contains("\r") || m.contains("\u2028") || m.contains("\u2029")) {
      return "status " + r.status() + " with an error that is not one line: " + abbreviate(m);
    }
    return null;
  }

  static String abbreviate(String s) {
    String t = s.replace("\n", "\\n").replace("\r", "\\r");
    return t.length() > 300 ? t.substring(0, 300) + "... (" + t.length() + " characters)" : t;
  }

  /** What one endpoint's bodies did. */
  static final class Tally {
    final String surface;
    int tried;
    int accepted;
    int refused;
    long slowestMs;
    final List<String> escapes = new ArrayList<>();

    Tally(String surface) {
      this.surface = surface;
    }

    synchronized void count(String input, RawHttp.Reply r) {
      tried++;
      slowestMs = Math.max(slowestMs, r.millis());
      String why = escape(r);
      if (why != null) {
        escapes.add(input + ": " + why);
      } else if (r.status() < 300) {
        accepted++;
      } else {
        refused++;
      }
    }

    String line() {
      return "hostile http: " + surface + ": " + tried + " tried, " + accepted + " accepted, " + refused
          + " refused in one line, " + escapes.size() + " escapes, slowest " + slowestMs + " ms";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Valid bodies.

  private static ObjectNode rankBody(NumpyRandom rng, int n) {
    ObjectNode body = JSON.createObjectNode();
    body.put("request_id", "req-" + rng.integers(0, 1_000_000));
    body.put("user_key", "user-" + rng.integers(0, 1000));
    ObjectNode ctx = body.putObject("context");
    for (String f : schema.context()) {
      ctx.put(f, Math.round(rng.normal(0, 1) * 1000) / 1000.0);
    }
    ArrayNode cands = body.putArray("candidates");
    for (int i = 0; i < n; i++) {
      ObjectNode c = cands.addObject();
      c.put("id", "p" + i);
      c.put("base_score", Math.round(rng.random() * 1000) / 1000.0);
      ObjectNode f = c.putObject("features");
      for (String name : schema.candidate()) {
        f.put(name, Math.round(rng.normal(0, 1) * 1000) / 1000.0);
      }
    }
    body.put("k", Math.max(1, n - 1));
    return body;
  }

  /** A valid rank request must be answered with 200 and a ranking. */
  private static JsonNode rankValid(NumpyRandom rng) throws Exception {
    RawHttp.Reply r = http.send("POST", "/v1/rank", "application/json", bytes(rankBody(rng, 4)),
        RawHttp.Framing.LENGTH);
    assertEquals(200, r.status(), "a valid rank request: " + r);
    JsonNode a = JSON.readTree(r.body());
    assertTrue(a.path("ranking").isArray() && a.path("ranking").size() == 3, r.body());
    return a;
  }

  private static ObjectNode feedbackBody(String decisionId, NumpyRandom rng) {
    ObjectNode body = JSON.createObjectNode();
    body.put("decision_id", decisionId);
    body.putArray("clicks").add("p0").add("p2");
    ArrayNode p = body.putArray("purchases");
    ObjectNode one = p.addObject();
    one.put("id", "p0");
    one.put("price", 20.5);
    one.put("margin", 4);
    one.put("strategic", rng.random() < 0.5);
    if (rng.random() < 0.3) {
      body.put("reward", 1.25);
    }
    return body;
  }

  private static byte[] bytes(JsonNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------
  // Hostile bodies.

  /** Values of the wrong type, non-finite, huge or negative numbers, odd strings, nesting: raw JSON text. */
  static final List<String> VALUES = List.of("null", "true", "false", "0", "-1", "-0", "1.5", "-2147483648",
      "1e999", "-1e999", "NaN", "Infinity", "-Infinity", "1e-400", "9223372036854775808", "-9223372036854775809",
      "2147483648", "123456789012345678901234567890", "1" + "0".repeat(2000), "0." + "1".repeat(2000), "\"\"",
      "\"x\"", "\"1\"", "\"0.5\"", "\"\\u0000\"", "\"\\ud800\"", "\"é\u202e\"", "\"line\\nbreak\"", "\"a\\rb\"",
      "\"\\u2028\"", "[]", "[1]", "[[[]]]", "[null]", "{}", "{\"a\": 1}", "\"" + "a".repeat(300) + "\"",
      "[".repeat(2000) + "]".repeat(2000), "{\"a\":".repeat(1500) + "1" + "}".repeat(1500), "01", "+1", ".5",
      "0x10", "1e", "-", "\"unterminated", "tru", "nul");

  private static final String HOLE = "__hostile_value__";

  /** Every node of {@code root} (objects' fields and arrays' elements), with its parent. */
  private record Slot(JsonNode parent, String field, int index) {}

  private static List<Slot> slots(JsonNode node) {
    List<Slot> out = new ArrayList<>();
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
        String f = it.next();
        out.add(new Slot(node, f, -1));
        out.addAll(slots(node.get(f)));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        out.add(new Slot(node, null, i));
        out.addAll(slots(node.get(i)));
      }
    }
    return out;
  }

  /**
   * {@code valid} with one field or element given a hostile value, deleted, or joined by an unknown
   * field, or one key repeated; {@code what} receives a description.
   */
  static byte[] structural(ObjectNode valid, NumpyRandom rng, StringBuilder what) {
    ObjectNode copy = valid.deepCopy();
    List<Slot> all = slots(copy);
    if (all.isEmpty()) {
      // An empty object: one field of any name with a hostile value.
      String v = VALUES.get((int) rng.integers(0, VALUES.size()));
      String f = rng.random() < 0.5 ? "share" : "unexpected";
      what.append(f).append(" = ").append(abbreviate(v.length() > 40 ? v.substring(0, 40) + "..." : v));
      return ("{\"" + f + "\": " + v + "}").getBytes(StandardCharsets.UTF_8);
    }
    Slot s = all.get((int) rng.integers(0, all.size()));
    String name = s.field != null ? s.field : "[" + s.index + "]";
    int op = (int) rng.integers(0, 10);
    if (op < 7) {
      String v = VALUES.get((int) rng.integers(0, VALUES.size()));
      what.append(name).append(" = ").append(abbreviate(v.length() > 40 ? v.substring(0, 40) + "..." : v));
      if (s.field != null) {
        ((ObjectNode) s.parent).set(s.field, TextNode.valueOf(HOLE));
      } else {
        ((ArrayNode) s.parent).set(s.index, TextNode.valueOf(HOLE));
      }
      return copy.toString().replace("\"" + HOLE + "\"", v).getBytes(StandardCharsets.UTF_8);
    }
    if (op < 9) {
      what.append(name).append(" deleted");
      if (s.field != null) {
        ((ObjectNode) s.parent).remove(s.field);
      } else {
        ((ArrayNode) s.parent).remove(s.index);
      }
      return bytes(copy);
    }
    if (s.parent.isObject()) {
      if (rng.random() < 0.5) {
        what.append(name).append(" repeated");
        String text = copy.toString();
        String key = "\"" + s.field + "\":";
        int at = text.indexOf(key);
        return (text.substring(0, at) + key + s.parent.get(s.field) + "," + text.substring(at))
            .getBytes(StandardCharsets.UTF_8);
      }
      what.append("an extra field beside ").append(name);
      ((ObjectNode) s.parent).put("unexpected_" + rng.integers(0, 100), 1);
      return bytes(copy);
    }
    what.append("an extra element beside ").append(name);
    ((ArrayNode) s.parent).add(JSON.createObjectNode().put("unexpected", true));
    return bytes(copy);
  }

  /** A body that is not any endpoint's: empty, deep, huge, not UTF-8, not an object. */
  record Special(String name, String contentType, byte[] body, RawHttp.Framing framing) {}

  static List<Special> specials(byte[] valid, long limit) {
    List<Special> s = new ArrayList<>();
    String json = "application/json";
    RawHttp.Framing len = RawHttp.Framing.LENGTH;
    s.add(new Special("an empty body", json, new byte[0], len));
    s.add(new Special("no body at all", json, null, len));
    s.add(new Special("whitespace", json, " \r\n\t ".getBytes(StandardCharsets.US_ASCII), len));
    for (String top : List.of("null", "true", "0", "-1", "1e999", "\"x\"", "[]", "[{}]", "NaN", "{", "}", "{}}",
        "{}{}", "{} x", "\u0000", "\"\\ud800\"")) {
      s.add(new Special("the body " + abbreviate(top), json, top.getBytes(StandardCharsets.UTF_8), len));
    }
    s.add(new Special("100,000 levels of [", json, "[".repeat(100_000).getBytes(StandardCharsets.US_ASCII), len));
    s.add(new Special("100,000 levels of [] closed", json,
        ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.US_ASCII), len));
    s.add(new Special("100,000 levels of {\"a\":", json, "{\"a\":".repeat(100_000).getBytes(StandardCharsets.US_ASCII),
        len));
    s.add(new Special("a field nested 100,000 deep", json, ("{\"context\": " + "[".repeat(100_000) + "]".repeat(100_000)
        + "}").getBytes(StandardCharsets.US_ASCII), len));
    byte[] big = new byte[(int) (limit + (2 << 20))];
    Arrays.fill(big, (byte) 'a');
    byte[] huge = ("{\"request_id\": \"" + new String(big, StandardCharsets.US_ASCII) + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    s.add(new Special("a string of " + big.length + " bytes (above the limit)", json, huge, len));
    s.add(new Special("a string of " + big.length + " bytes, chunked", json, huge, RawHttp.Framing.CHUNKED));
    byte[] under = ("{\"request_id\": \"" + "b".repeat((int) Math.min(limit - 100, 3 << 20)) + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    s.add(new Special("a string of " + under.length + " bytes (under the limit)", json, under, len));
    StringBuilder arr = new StringBuilder("{\"clicks\": [");
    while (arr.length() < Math.min(limit - 100, 3 << 20)) {
      arr.append("1e999,");
    }
    arr.append("0]}");
    s.add(new Special("an array of 500,000 numbers", json, arr.toString().getBytes(StandardCharsets.US_ASCII), len));
    s.add(new Special("an object of 100,000 keys", json, keys(100_000), len));
    s.add(new Special("a number of 3 MB", json, ("{\"k\": " + "9".repeat(3 << 20) + "}")
        .getBytes(StandardCharsets.US_ASCII), len));
    for (String ct : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
        "application/octet-stream", "application/jsonx", "application/json-patch+json", "text/json",
        "application/json; charset=utf-16", "application/json; charset=nope", "application/*", "*/*", "json",
        "application/json, text/plain", ";;", "application/json; boundary=\"x"}) {
      s.add(new Special("the valid body as '" + ct + "'", ct, valid, len));
    }
    s.add(new Special("the valid body chunked", json, valid, RawHttp.Framing.CHUNKED));
    s.add(new Special("a byte-order mark, then the valid body", json, concat(new byte[] {(byte) 0xEF, (byte) 0xBB,
        (byte) 0xBF}, valid), len));
    s.add(new Special("the valid body in UTF-16", json, new String(valid, StandardCharsets.UTF_8)
        .getBytes(StandardCharsets.UTF_16), len));
    for (byte[] bad : new byte[][] {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80},
        {(byte) 0xE2, (byte) 0x82}}) {
      s.add(new Special("invalid UTF-8 " + Arrays.toString(bad) + " in a string", json,
          insertInString(valid, bad), len));
      s.add(new Special("invalid UTF-8 " + Arrays.toString(bad) + " as a key", json,
          concat(concat("{\"".getBytes(StandardCharsets.US_ASCII), bad), "\": 1}".getBytes(StandardCharsets.US_ASCII)),
          len));
    }
    return s;
  }

  private static byte[] keys(int n) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    return b.append('}').toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** {@code valid} with {@code bad} inserted after the first string's opening quote of a value. */
  private static byte[] insertInString(byte[] valid, byte[] bad) {
    String t = new String(valid, StandardCharsets.UTF_8);
    int at = t.indexOf(": \"");
    at = at < 0 ? t.indexOf(":\"") + 2 : at + 3;
    byte[] head = t.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] tail = t.substring(at).getBytes(StandardCharsets.UTF_8);
    return concat(concat(head, bad), tail);
  }

  // ---------------------------------------------------------------------------------------------
  // The endpoints.

  /** One endpoint: its path for the next input, and a valid body for it. */
  private record Endpoint(String name, Supplier<String> path, Supplier<ObjectNode> valid) {}

  private static long heapAfterGc() throws InterruptedException {
    java.lang.management.MemoryMXBean m = java.lang.management.ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, m.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The live threads' names, sorted (pool threads by their pool's name). */
  private static List<String> threads() throws InterruptedException {
    Thread.sleep(500);
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(t -> t.getName().replaceAll("-\\d+$", "-N")).sorted().toList();
  }

  @Test
  void everyEndpointAnswersEveryHostileBodyWithA2xxOrOneLine4xxPromptlyAndKeepsServing() throws Exception {
    NumpyRandom rng = new NumpyRandom(11);
    long limit = schema.limits().maxBodyBytes();
    // Decisions to give feedback to: one rank each, made as the inputs need them.
    java.util.ArrayDeque<String> decisions = new java.util.ArrayDeque<>();
    Supplier<String> decision = () -> {
      if (decisions.isEmpty()) {
        try {
          for (int i = 0; i < 16; i++) {
            decisions.add(rankValid(rng).get("decision_id").asText());
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
      return decisions.poll();
    };
    String[] odd = {"0", "-1", "99999999999999999999", "1e3", "x", "%00", "%0A", "1.0", "%20" + "1", "0x1",
        String.valueOf(Long.MAX_VALUE), "999"};
    Supplier<String> version = () -> rng.random() < 0.9 ? String.valueOf(1 + rng.integers(0, versions))
        : odd[(int) rng.integers(0, odd.length)];
    List<Endpoint> endpoints = List.of(
        new Endpoint("POST /v1/rank", () -> "/v1/rank", () -> rankBody(rng, 1 + (int) rng.integers(0, 6))),
        new Endpoint("POST /v1/feedback", () -> "/v1/feedback", () -> feedbackBody(decision.get(), rng)),
        new Endpoint("POST /policies/{v}/promote", () -> "/policies/" + version.get() + "/promote",
            () -> rng.random() < 0.5 ? JSON.createObjectNode()
                : JSON.createObjectNode().put("min_shadow_ratio", rng.random() < 0.5 ? 0.0 : 0.95)),
        new Endpoint("POST /policies/{v}/canary", () -> "/policies/" + version.get() + "/canary",
            () -> JSON.createObjectNode().put("share", Math.round(rng.random() * 100) / 200.0)),
        new Endpoint("POST /policies/{v}/shadow", () -> "/policies/" + version.get() + "/shadow",
            JSON::createObjectNode),
        new Endpoint("POST /rollback", () -> "/rollback", () -> rng.random() < 0.5 ? JSON.createObjectNode()
            : JSON.createObjectNode().put("reason", "hostile input " + rng.integers(0, 100))));

    // Warm-up: a batch of valid and mutated bodies on every endpoint, so that pools, caches and JIT are
    // as the rest of the run will keep them.
    for (int i = 0; i < 300; i++) {
      Endpoint e = endpoints.get(i % endpoints.size());
      byte[] body = bytes(e.valid().get());
      http.send("POST", e.path().get(), "application/json", i % 2 == 0 ? body : HostileInputTest.mutate(body, rng),
          RawHttp.Framing.LENGTH);
    }
    rankValid(rng);
    long heapBefore = heapAfterGc();
    List<String> threadsBefore = threads();
    long started = System.nanoTime();

    Map<String, Tally> tallies = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      Tally t = new Tally(e.name());
      tallies.put(e.name(), t);
      // Valid bodies.
      for (int i = 0; i < 200; i++) {
        byte[] body = bytes(e.valid().get());
        RawHttp.Reply r = http.send("POST", e.path().get(), "application/json", body, RawHttp.Framing.LENGTH);
        if (e.name().contains("/v1/") && r.answered() && r.status() != 200) {
          // The data plane's valid bodies must be served (the control plane's may meet a state that forbids).
          r = new RawHttp.Reply(0, r.contentType(), r.body(), "a valid body answered " + r.status(), r.millis());
        }
        t.count("valid body #" + i + " " + abbreviate(new String(body, StandardCharsets.UTF_8)), r);
      }
      // Valid bodies mutated byte-wise.
      for (int i = 0; i < 1200; i++) {
        byte[] m = HostileInputTest.mutate(bytes(e.valid().get()), rng);
        t.count("mutated body #" + i + " " + abbreviate(new String(m, StandardCharsets.UTF_8)),
            http.send("POST", e.path().get(), "application/json", m, RawHttp.Framing.LENGTH));
      }
      // One field at a time: a hostile value, deleted, repeated, or an unknown one beside it.
      for (int i = 0; i < 800; i++) {
        StringBuilder what = new StringBuilder();
        byte[] m = structural(e.valid().get(), rng, what);
        t.count("field " + what, http.send("POST", e.path().get(), "application/json", m, RawHttp.Framing.LENGTH));
      }
      // Empty, deep, huge, not UTF-8, not JSON's content type.
      for (Special s : specials(bytes(e.valid().get()), limit)) {
        t.count(s.name(), http.send("POST", e.path().get(), s.contentType(), s.body(), s.framing()));
        rankValid(rng);
      }
      // Bodies that never finish, all at once: each must be answered (408 or so), not held.
      List<Future<RawHttp.Reply>> pending = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        byte[] body = bytes(e.valid().get());
        String path = e.path().get();
        names.add("a body of " + body.length + " bytes announced as " + (2L * body.length + 1));
        pending.add(callers.submit(() -> http.send("POST", path, "application/json", body, RawHttp.Framing.SHORT)));
      }
      for (int i = 0; i < pending.size(); i++) {
        t.count(names.get(i), pending.get(i).get());
      }
      rankValid(rng);
      System.out.println(t.line());
      for (String x : t.escapes.subList(0, Math.min(20, t.escapes.size()))) {
        System.out.println("  escape: " + t.surface + ": " + x);
      }
    }
    // The other routes: every method with a hostile body, and paths that are none of the routes.
    Tally routes = new Tally("other routes and methods");
    tallies.put(routes.surface, routes);
    List<String> paths = List.of("/health", "/policies", "/v1/schema", "/v1/openapi.json", "/metrics", "/",
        "/assets/uPlot.min.css", "/v1", "/v1/rank/x", "/policies/1", "/policies/1/retire", "/rollback/1",
        "/%00", "/%2e%2e/%2e%2e/etc/passwd", "/v1/%0Arank", "/" + "a".repeat(1500), "/policies/%E2%80%A8/promote",
        "/health?x=%0A", "//v1//rank");
    List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    for (int i = 0; i < 1200; i++) {
      String path = paths.get((int) rng.integers(0, paths.size()));
      String method = methods.get((int) rng.integers(0, methods.size()));
      byte[] body = rng.random() < 0.3 ? null : HostileInputTest.mutate(bytes(rankBody(rng, 2)), rng);
      String type = rng.random() < 0.8 ? "application/json" : "text/plain";
      routes.count(method + " " + abbreviate(path), http.send(method, path, type, body, RawHttp.Framing.LENGTH));
    }
    System.out.println(routes.line());
    for (String x : routes.escapes.subList(0, Math.min(20, routes.escapes.size()))) {
      System.out.println("  escape: " + routes.surface + ": " + x);
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    // Every endpoint still serves a valid request; the server's own counters saw no failure.
    rankValid(rng);
    String id = rankValid(rng).get("decision_id").asText();
    RawHttp.Reply fb = http.send("POST", "/v1/feedback", "application/json", bytes(feedbackBody(id, rng)),
        RawHttp.Framing.LENGTH);
    assertEquals(200, fb.status(), fb.toString());
    RawHttp.Reply health = http.send("GET", "/health", null, null, RawHttp.Framing.LENGTH);
    assertEquals(200, health.status(), health.toString());
    JsonNode h = JSON.readTree(health.body());
    assertEquals(0, h.path("rank").path("failed").asLong(), "rank requests failed by the server: " + h);

    long heapAfter = heapAfterGc();
    List<String> threadsAfter = threads();
    long growth = heapAfter - heapBefore;
    System.out.printf("hostile http: %.0f s for %d inputs; heap after a forced GC %.1f MB after the warm-up, %.1f MB"
        + " at the end (growth %.1f MB, bound %d MB); threads %d then %d%n", seconds,
        tallies.values().stream().mapToInt(x -> x.tried).sum(), heapBefore / 1048576.0, heapAfter / 1048576.0,
        growth / 1048576.0, HEAP_BOUND >> 20, threadsBefore.size(), threadsAfter.size());
    List<String> added = new ArrayList<>(threadsAfter);
    threadsBefore.forEach(added::remove);
    System.out.println("hostile http: threads added " + added);

    List<String> escaped = new ArrayList<>();
    for (Tally t : tallies.values()) {
      System.out.println(t.line());
      if (!t.escapes.isEmpty()) {
        escaped.add(t.surface + ": " + t.escapes.size() + " of " + t.tried + "; first: " + t.escapes.get(0));
      }
      assertTrue(t.accepted > 0 && t.refused > 0, t.line());
    }
    assertEquals(List.of(), escaped, "inputs that escaped");
    assertTrue(growth < HEAP_BOUND, "the heap grew by " + growth + " bytes; bound " + HEAP_BOUND);
    assertTrue(threadsAfter.size() <= threadsBefore.size() + THREAD_MARGIN, "threads " + threadsBefore.size()
        + " then " + threadsAfter.size() + "; added " + added);
  }
}
