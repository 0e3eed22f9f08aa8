package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.api.serving.ServingApi;
import io.rlsearch.testing.Runs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of the serving API, its bad requests and the token rule, over real HTTP. */
class ServingApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;

  private record Res(int status, JsonNode body) {}

  private static Res call(int port, String method, String path, String body, Optional<String> token) throws Exception {
    // A well-behaved client: JSON for every mutating call.
    return call(port, method, path, body, token, method.equals("POST") ? java.util.Map.of("Content-Type",
        "application/json") : java.util.Map.of());
  }

  private static Res call(int port, String method, String path, String body, Optional<String> token,
      java.util.Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    headers.forEach(b::header);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path + ": " + r.body());
    return new Res(r.statusCode(), JSON.readTree(r.body()));
  }

  private static Res call(int port, String method, String path, String body) throws Exception {
    return call(port, method, path, body, Optional.empty());
  }

  @Test
  void everyEndpointAndItsBadRequests() throws Exception {
    Path log = dir.resolve("decisions.jsonl");
    long answered;
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "cm2_price", List.of(), 2, Optional.of(log), 3,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      int p = run.port();
      run.system().drive(0, 2000, 0.2, t -> { }, () -> false);
      assertTrue(run.system().awaitAnswers(java.time.Duration.ofSeconds(10)));
      Res health = call(p, "GET", "/health", null);
      assertEquals(200, health.status());
      assertEquals(1, health.body().get("live").asLong());
      assertEquals(2, health.body().get("shards").get("alive").asInt(), health.body().toString());
      assertEquals(0, health.body().get("shards").get("restarts").asLong());
      assertEquals(0, health.body().get("monitor").get("dropped").asLong());
      assertEquals(0, health.body().get("decision_log").get("dropped").asLong());
      Res policies = call(p, "GET", "/policies", null);
      assertEquals(200, policies.status());
      assertEquals(6, policies.body().get("versions").size(), "the six built-ins");
      assertTrue(policies.body().get("versions").get(0).get("metrics").get("requests").asLong() > 0);

      assertEquals(200, call(p, "POST", "/policies/2/promote", null).status());
      assertEquals(2, call(p, "GET", "/health", null).body().get("live").asLong());
      assertEquals(404, call(p, "POST", "/policies/42/promote", null).status());
      assertEquals(400, call(p, "POST", "/policies/two/promote", null).status());
      assertEquals(400, call(p, "POST", "/policies/2/promote", "{\"min_shadow_ratio\": \"high\"}").status());
      assertEquals(409, call(p, "POST", "/policies/3/promote", "{\"min_shadow_ratio\": 0.9}").status(),
          "a gated promotion needs a shadow estimate first");
      assertEquals(400, call(p, "POST", "/policies/3/canary", null).status(), "the share is required");
      assertEquals(400, call(p, "POST", "/policies/3/canary", "{\"share\": 1.5}").status());
      assertEquals(400, call(p, "POST", "/policies/3/canary", "not json").status());
      assertEquals(404, call(p, "POST", "/policies/42/canary", "{\"share\": 0.1}").status());
      Res canary = call(p, "POST", "/policies/3/canary", "{\"share\": 0.25}");
      assertEquals(200, canary.status());
      assertEquals(200, call(p, "POST", "/policies/4/shadow", null).status());
      assertEquals(404, call(p, "POST", "/policies/42/shadow", null).status());
      JsonNode v = call(p, "GET", "/policies", null).body().get("versions");
      assertEquals(0.25, v.get(2).get("canary_share").asDouble());
      assertTrue(v.get(3).get("shadow").asBoolean());
      // Version 2 is live but not yet known-good: a hand rollback returns to version 1.
      assertEquals(200, call(p, "POST", "/rollback", "{\"reason\": \"test\"}").status());
      assertEquals(1, call(p, "GET", "/health", null).body().get("live").asLong());
      assertEquals(409, call(p, "POST", "/rollback", null).status(), "nothing left to roll back to");
      assertEquals(405, call(p, "GET", "/rollback", null).status());
      assertEquals(405, call(p, "POST", "/policies", null).status());
      assertEquals(404, call(p, "GET", "/nothing", null).status());
      assertTrue(call(p, "GET", "/policies", null).body().get("events").toString().contains("by hand: test"));
      answered = run.system().countsNow().answered();
      assertEquals(400, run.system().countsNow().sent());
      assertEquals(answered, run.system().flushLog(), "every served decision is logged");
    }
    // A cold JVM may shed some of the 400 (admission control); every answered one is in the log.
    assertEquals(answered, Files.readAllLines(log).size());
  }

  @Test
  void aCheckpointThatDoesNotFitTheServingTaskIsRefusedAtStartUpWithOneLine() throws Exception {
    // A REINFORCE state trained on 5-value contexts: the serving task's contexts have more.
    Path bad = dir.resolve("other-task.ckpt");
    try (io.rlsearch.learn.SharedLearner learner = new io.rlsearch.learn.SharedLearner()) {
      var rule = io.rlsearch.learn.NeuralAgents.reinforce(learner,
          io.rlsearch.learn.NeuralAgents.ReinforceSettings.battle(true)).create(0, 5);
      io.rlsearch.learn.Checkpoints.write(bad, new io.rlsearch.learn.Checkpoints.Checkpoint(java.util.Map.of(
          "agent", "reinforce_baseline"), 10, 1, 10, rule.state().orElseThrow()));
      rule.close();
    }
    io.rlsearch.api.BadRequestException e = assertThrows(io.rlsearch.api.BadRequestException.class, () -> Serving.start(Runs.smallWorld(3),
        "neutral", List.of("other=" + bad), 1, Optional.empty(), 3, "127.0.0.1", 0, Optional.empty(), 0));
    assertTrue(e.getMessage().startsWith("--policy-file other: the checkpoint's policy cannot act on this task's"),
        e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void aWebPageCannotDriveTheApiAndBodiesAreCapped() throws Exception {
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "neutral", List.of(), 1, Optional.empty(), 3,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      int p = run.port();
      // What a page's form or fetch without a preflight can send: no JSON content type.
      assertEquals(415, call(p, "POST", "/policies/6/promote", null, Optional.empty(), java.util.Map.of()).status());
      assertEquals(415, call(p, "POST", "/policies/6/promote", "{}", Optional.empty(),
          java.util.Map.of("Content-Type", "text/plain")).status());
      assertEquals(403, call(p, "POST", "/policies/6/promote", "{}", Optional.empty(),
          java.util.Map.of("Content-Type", "application/json", "Origin", "https://evil.example")).status());
      assertEquals(1, call(p, "GET", "/health", null).body().get("live").asLong(), "nothing was promoted");
      assertEquals(200, call(p, "POST", "/policies/2/promote", "{}", Optional.empty(),
          java.util.Map.of("Content-Type", "application/json", "Origin", "http://127.0.0.1:" + p)).status());
      String longReason = "x".repeat(ServingApi.MAX_REASON + 1);
      assertEquals(400, call(p, "POST", "/rollback", "{\"reason\": \"" + longReason + "\"}").status());
      HttpResponse<String> big = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/rollback"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"" + "y".repeat(10_000) + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(413, big.statusCode(), big.body());
    }
  }

  /** A raw HTTP/1.1 GET with the given Host header (HttpClient does not let one set it). */
  private static String[] rawGet(int port, String path, String host) throws Exception {
    try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
      sock.setSoTimeout(10_000);
      sock.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(sock.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int blank = response.indexOf("\r\n\r\n");
      return new String[] {response.substring(0, response.indexOf("\r\n")), response.substring(blank + 4)};
    }
  }

  @Test
  void onLoopbackARequestForAnotherHostIsRefusedSoDnsRebindingReadsNothing() throws Exception {
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "neutral", List.of(), 1, Optional.empty(), 3,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      int p = run.port();
      for (String path : List.of("/health", "/policies", "/metrics", "/")) {
        String[] r = rawGet(p, path, "rebind.example:" + p);
        assertTrue(r[0].startsWith("HTTP/1.1 403"), path + ": " + r[0]);
        JsonNode body = JSON.readTree(r[1]);
        assertEquals("the Host header names 'rebind.example', not this server: on loopback it answers to 127.0.0.1,"
            + " localhost or [::1] only", body.get("error").asText(), path);
        assertEquals(1, body.get("error").asText().lines().count());
      }
      for (String host : List.of("127.0.0.1:" + p, "localhost:" + p, "LOCALHOST", "[::1]:" + p)) {
        String[] r = rawGet(p, "/health", host);
        assertTrue(r[0].startsWith("HTTP/1.1 200"), host + ": " + r[0] + " " + r[1]);
      }
    }
  }

  @Test
  void offLoopbackEveryEndpointNeedsTheToken() throws Exception {
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "neutral", List.of(), 1, Optional.empty(), 3,
        "0.0.0.0", 0, Optional.of("s3cret"), 0)) {
      int p = run.port();
      assertEquals(401, call(p, "GET", "/policies", null).status(), "reads show checkpoint paths: token needed");
      assertEquals(401, call(p, "GET", "/health", null).status());
      assertEquals(200, call(p, "GET", "/policies", null, Optional.of("s3cret")).status());
      assertEquals(200, call(p, "POST", "/policies/2/promote", null, Optional.of("s3cret")).status());
    }
  }

  @Test
  void mutatingCallsNeedTheTokenAndAnOpenBindNeedsOne() throws Exception {
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "neutral", List.of(), 1, Optional.empty(), 3,
        "127.0.0.1", 0, Optional.of("s3cret"), 0)) {
      int p = run.port();
      assertEquals(200, call(p, "GET", "/policies", null).status(), "reading needs no token");
      assertEquals(401, call(p, "POST", "/policies/2/promote", null).status());
      assertEquals(401, call(p, "POST", "/policies/2/promote", null, Optional.of("wrong")).status());
      assertEquals(401, call(p, "POST", "/rollback", null).status());
      assertEquals(200, call(p, "POST", "/policies/2/promote", null, Optional.of("s3cret")).status());
    }
    io.rlsearch.api.BadRequestException e = assertThrows(io.rlsearch.api.BadRequestException.class, () -> Serving.start(Runs.smallWorld(3),
        "neutral", List.of(), 1, Optional.empty(), 3, "0.0.0.0", 0, Optional.empty(), 0));
    assertTrue(e.getMessage().contains("--token"), e.getMessage());
  }

  @Test
  void swapTestPrintsTheContractFieldsAndTheGuardrailsRollTheBadVersionBack() throws Exception {
    Path world = dir.resolve("world.conf");
    Files.writeString(world, "catalog { n_products = 500 }\n");
    Cli.Run r = Cli.run("swap-test", "--rate", "800", "--duration", "6", "--swaps", "2", "--bad-policy-at", "3.5",
        "--warmup", "0", "--config", world.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String f : new String[] {"requests", "failed", "dropped", "latency_p50_us", "latency_p99_us",
        "latency_p999_us", "swaps", "swap_visible_ms_p99", "rollbacks", "rollback_after_requests", "reward_before",
        "reward_during_bad", "reward_after", "latency_p99_us_no_swaps"}) {
      assertTrue(j.has(f), "missing " + f);
    }
    assertEquals(4800, j.get("requests").asLong());
    assertEquals(0, j.get("failed").asLong());
    assertEquals(0, j.get("dropped").asLong());
    assertEquals(3, j.get("swaps").asLong(), "two good versions and the bad one");
    assertEquals(1, j.get("rollbacks").asLong(), j.get("events").toString());
    assertTrue(j.get("rollback_after_requests").asLong() > 0 && j.get("rollback_after_requests").asLong() < 1500);
    assertTrue(j.get("reward_during_bad").asDouble() < j.get("reward_before").asDouble());
    assertEquals(2, Cli.run("swap-test", "--rate", "0").code());
    assertEquals(2, Cli.run("swap-test", "--duration", "10", "--bad-policy-at", "20").code());
  }
}
