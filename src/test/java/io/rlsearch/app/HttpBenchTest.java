package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench http}: a tiny run's figures are all there and consistent; the body file is a valid request. */
class HttpBenchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aTinyRunAgainstAServerInThisJvmReportsEveryFigure() throws Exception {
    Cli.Run r = Cli.run("bench", "http", "--rates", "100,200", "--duration", "1", "--warmup", "0", "--candidates",
        "20", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode out = JSON.readTree(r.out());
    assertTrue(out.get("in_process").asBoolean());
    assertEquals(20, out.get("candidates").asInt());
    assertEquals(10, out.get("candidate_features").asInt());
    assertEquals(21, out.get("context_features").asInt(), "the world schema's 17 and its four extras");
    assertEquals(2, out.get("rates").size());
    double best = -1;
    for (int i = 0; i < 2; i++) {
      JsonNode row = out.get("rates").get(i);
      double rate = i == 0 ? 100 : 200;
      assertEquals(rate, row.get("rate").asDouble());
      assertEquals((long) rate, row.get("sent").asLong(), "one second at the rate: " + row);
      assertEquals(row.get("sent").asLong(), row.get("ok").asLong() + row.get("shed").asLong()
          + row.get("errors").asLong(), row.toString());
      // Every answer a valid request can get: 200, or 503 when shed; on a busy machine a request may time out.
      assertEquals(row.get("timeouts").asLong(), row.get("errors").asLong(), row.toString());
      assertTrue(row.get("ok").asLong() > 0, row.toString());
      double p50 = row.get("p50_ms").asDouble();
      double p99 = row.get("p99_ms").asDouble();
      double p999 = row.get("p999_ms").asDouble();
      assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999 && p999 <= row.get("max_ms").asDouble(), row.toString());
      assertEquals(p99 <= 25 && row.get("shed").asLong() < 0.01 * row.get("sent").asLong()
          && row.get("errors").asLong() == 0,
          row.get("holds_limit").asBoolean(), row.toString());
      if (row.get("holds_limit").asBoolean()) {
        best = rate;
      }
    }
    JsonNode highest = out.get("highest_rate_within_limit");
    assertEquals(best, highest.isNull() ? -1 : highest.asDouble(), out.toString());
  }

  @Test
  void theBodyFileIsARequestOfTheDefaultSchemaWithAHundredCandidates(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("body.json");
    Cli.Run r = Cli.run("bench", "http", "--write-body", file.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("100 candidates x 10 features"), r.err());
    JsonNode body = JSON.readTree(Files.readAllBytes(file));
    RankRequest req = RankRequest.parse(body, ServingSchema.world(ZoosimConfig.load(Optional.empty())));
    assertEquals(100, req.size());
  }

  @Test
  void theBodyFileFollowsTheServingSchemaOfTheConfiguration(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("serving.conf");
    Files.writeString(conf, "serving.schema { context = [query_brand, hour], candidate = [margin, stock] }\n");
    Path file = dir.resolve("body.json");
    Cli.Run r = Cli.run("bench", "http", "--config", conf.toString(), "--candidates", "3", "--write-body",
        file.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode body = JSON.readTree(Files.readAllBytes(file));
    assertEquals(java.util.List.of("query_brand", "hour"), fieldNames(body.get("context")));
    assertEquals(1.0, body.get("context").get("query_brand").asDouble(), "the only query type is set");
    assertEquals(3, body.get("candidates").size());
    for (JsonNode c : body.get("candidates")) {
      assertEquals(java.util.List.of("margin", "stock"), fieldNames(c.get("features")));
    }
  }

  private static java.util.List<String> fieldNames(JsonNode n) {
    java.util.List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void badOptionsAreRefusedWithOneLine() {
    for (String[] args : new String[][] {{"--rates", "0"}, {"--duration", "-1"}, {"--url", "ftp://x"},
        {"--candidates", "0"}}) {
      String[] full = new String[args.length + 2];
      full[0] = "bench";
      full[1] = "http";
      System.arraycopy(args, 0, full, 2, args.length);
      Cli.Run r = Cli.run(full);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains(args[0]), r.err());
    }
  }
}
