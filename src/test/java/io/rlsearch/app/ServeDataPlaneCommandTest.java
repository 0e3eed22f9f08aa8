package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}'s data plane as a command: the {@code serving} section of --config, and real traffic alone. */
class ServeDataPlaneCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void aBadServingKeyOrValueIsOneLineAndExitTwo() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "serving { max_candidatez = 5 }\n");
    Cli.Run r = Cli.run("serve", "--config", conf.toString(), "--port", "0", "--rate", "0", "--duration", "1");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("serving.max_candidatez is not a key; accepted:"), r.err());
    Files.writeString(conf, "serving { feedback_window = -1s }\n");
    r = Cli.run("serve", "--config", conf.toString(), "--port", "0", "--rate", "0", "--duration", "1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("serving.feedback_window must be > 0"), r.err());
    Files.writeString(conf, "serving { schema { context = [a, a] } }\n");
    r = Cli.run("serve", "--config", conf.toString(), "--port", "0", "--rate", "0", "--duration", "1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("'a' appears twice"), r.err());
    // The world's keys are still checked beside the serving section.
    Files.writeString(conf, "serving { max_candidates = 5 }\ncatalog { n_productz = 5 }\n");
    r = Cli.run("serve", "--config", conf.toString(), "--port", "0", "--rate", "0", "--duration", "1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("catalog.n_productz"), r.err());
  }

  @Test
  void atRateZeroServeRanksRealRequestsOnlyUnderTheConfiguredLimitsAndCountsThem() throws Exception {
    Path conf = dir.resolve("serving.conf");
    Files.writeString(conf, "catalog { n_products = 500 }\nserving { max_candidates = 5, feedback_window = 10m }\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> Main.execute(new String[] {"serve",
        "--config", conf.toString(), "--port", "0", "--rate", "0", "--duration", "6", "--json", "--seed", "5"},
        new PrintWriter(out, true), new PrintWriter(err, true)));
    Pattern serving = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Matcher m = serving.matcher(err.toString());
    boolean up = m.find();
    while (!up && System.nanoTime() < deadline && !code.isDone()) {
      Thread.sleep(50);
      m = serving.matcher(err.toString());
      up = m.find();
    }
    assertTrue(up, "the server said where it serves within 60 s: " + err);
    int port = Integer.parseInt(m.group(1));
    HttpClient http = HttpClient.newHttpClient();
    JsonNode schema = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v1/schema")).build(), HttpResponse.BodyHandlers.ofString()).body());
    assertEquals(5, schema.get("limits").get("max_candidates").asInt());
    assertEquals(600, schema.get("limits").get("feedback_window_seconds").asLong());
    StringBuilder body = new StringBuilder("{\"context\": {");
    for (int i = 0; i < schema.get("context").size(); i++) {
      body.append(i == 0 ? "" : ", ").append('"').append(schema.get("context").get(i).asText()).append("\": 0.5");
    }
    body.append("}, \"candidates\": [");
    for (int c = 0; c < 3; c++) {
      body.append(c == 0 ? "" : ", ").append("{\"id\": \"c").append(c).append("\", \"base_score\": ").append(c)
          .append(", \"features\": {");
      for (int i = 0; i < schema.get("candidate").size(); i++) {
        body.append(i == 0 ? "" : ", ").append('"').append(schema.get("candidate").get(i).asText()).append("\": ")
            .append(0.1 * (i + c));
      }
      body.append("}}");
    }
    body.append("]}");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/rank"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(3, JSON.readTree(r.body()).get("ranking").size());
    assertEquals(0, code.get(60, TimeUnit.SECONDS), err.toString());
    JsonNode figures = JSON.readTree(out.toString());
    assertEquals(0, figures.get("requests").asLong(), "no simulated request at --rate 0: " + figures);
    assertEquals(1, figures.get("rank_requests").asLong(), figures.toString());
    assertEquals(1, figures.get("rank_answered").asLong());
    assertEquals(0, figures.get("rank_refused").asLong());
    assertEquals(0, figures.get("feedback_refused").asLong(), figures.toString());
    assertEquals(1, figures.get("feedback_open").asLong(), "waiting for its feedback: " + figures);
    assertEquals(0, figures.get("feedback_expired").asLong());
  }
}
