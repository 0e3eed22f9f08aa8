package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.testing.Runs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code swap-test --http URL}: against a running server, an unreachable one, and options that do not apply. */
class SwapTestHttpCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void againstARunningServerTheBadVersionIsRolledBackAndTheDecisionsAreTheInProcessOnes() throws Exception {
    Path world = dir.resolve("world.conf");
    Files.writeString(world, "catalog { n_products = 500 }\n");
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "cm2_price", List.of(), 2, Optional.empty(), 7,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      Cli.Run r = Cli.run("swap-test", "--http", "http://127.0.0.1:" + run.port(), "--rate", "500", "--requests",
          "1200", "--bad-policy-at", "0.6", "--seed", "7", "--deadline", "10000", "--config", world.toString(),
          "--json");
      assertEquals(0, r.code(), r.err());
      JsonNode j = JSON.readTree(r.out());
      assertEquals(1200, j.get("requests").asLong());
      assertEquals(300, j.get("bad_promoted_at_request").asLong(), "0.6 s at 500 requests/s");
      assertTrue(j.get("rolled_back").asBoolean());
      assertTrue(j.get("rollback_after_requests").asLong() > 0);
      assertEquals(j.get("answered").asLong(), j.get("decisions_checked").asLong());
      assertEquals(0, j.get("decisions_mismatched").asLong());
      assertEquals(2, j.get("versions").size(), j.toString());
      assertEquals(j.get("live_before").asLong(), j.get("live_after").asLong());
    }
  }

  @Test
  void anUnreachableServerExitsOneWithOneLine() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path world = dir.resolve("world.conf");
    Files.writeString(world, "catalog { n_products = 500 }\n");
    Cli.Run r = Cli.run("swap-test", "--http", "http://127.0.0.1:" + port, "--config", world.toString());
    assertEquals(1, r.code());
    assertEquals("rlsearch: swap-test: GET /health: cannot connect to http://127.0.0.1:" + port + " (is the server"
        + " running?)", r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  void optionsOfTheOtherModeAreRefused() {
    Cli.Run swaps = Cli.run("swap-test", "--http", "http://127.0.0.1:1", "--swaps", "3");
    assertEquals(2, swaps.code());
    assertTrue(swaps.err().contains("--swaps applies to the in-process run, not with --http"), swaps.err());
    Cli.Run requests = Cli.run("swap-test", "--requests", "10");
    assertEquals(2, requests.code());
    assertTrue(requests.err().contains("--requests applies to a run over HTTP: give --http URL"), requests.err());
    Cli.Run late = Cli.run("swap-test", "--http", "http://127.0.0.1:1", "--requests", "100", "--rate", "10",
        "--bad-policy-at", "10");
    assertEquals(2, late.code());
    assertTrue(late.err().contains("--bad-policy-at must come before the last request"), late.err());
    Cli.Run url = Cli.run("swap-test", "--http", "127.0.0.1:8080");
    assertEquals(2, url.code());
    assertTrue(url.err().contains("--http"), url.err());
  }
}
