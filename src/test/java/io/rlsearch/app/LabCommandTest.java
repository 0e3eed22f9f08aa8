package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code lab}: the list, one lab's JSON contract, and one clear line for a bad request. */
class LabCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void listNamesEveryLabWithItsChapter() throws Exception {
    Cli.Run r = Cli.run("lab", "--list", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode labs = JSON.readTree(r.out()).get("labs");
    assertTrue(labs.size() >= 7, r.out());
    for (JsonNode l : labs) {
      assertTrue(l.has("name") && l.has("chapter") && l.has("shows"), l.toString());
    }
    Cli.Run text = Cli.run("lab", "--list");
    assertTrue(text.out().contains("ch11-value-stability"), text.out());
  }

  @Test
  void aLabPrintsFiguresBookAndMatch() throws Exception {
    Cli.Run r = Cli.run("lab", "ch03-bellman", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals("ch03-bellman", j.get("lab").asText());
    // the fields lab --json's help promises
    for (String field : java.util.List.of("lab", "chapter", "figures", "book", "match", "sources", "notes")) {
      assertTrue(j.has(field), "lab --json has no '" + field + "': " + j);
    }
    assertEquals(0.886, j.at("/book/contraction_max").asDouble(), 0.0);
    assertEquals(21, j.at("/figures/iterations/0.5").asInt());
    assertEquals(1327, j.at("/figures/iterations/0.99").asInt());
    assertEquals("match", j.at("/match/iterations").asText());
    Cli.Run text = Cli.run("lab", "ch03-bellman");
    assertTrue(text.out().contains("-> match"), text.out());
  }

  @Test
  void aBadRequestGetsOneLineAndExitTwo() {
    Cli.Run unknown = Cli.run("lab", "ch99-nothing");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown lab 'ch99-nothing'") && unknown.err().contains("ch03-bellman"),
        unknown.err());
    assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
    Cli.Run none = Cli.run("lab");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("a lab name is required"), none.err());
    Cli.Run both = Cli.run("lab", "ch03-bellman", "--list");
    assertEquals(2, both.code());
  }

  @Test
  void aLabThatTrainsNetworksGetsThemFromTheCommand() throws Exception {
    Cli.Run r = Cli.run("lab", "ch08-bradley-terry", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals("match", j.at("/match/loss_decreases").asText());
    assertEquals(5, j.at("/figures/epoch_total_loss").size());
  }

  @Test
  @org.junit.jupiter.api.Tag("slow")
  void theDiscreteAgainstContinuousLabReportsBothBoxes() throws Exception {
    Cli.Run r = Cli.run("lab", "ch07-discrete-vs-continuous", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode pct = JSON.readTree(r.out()).at("/figures/continuous_vs_linucb_pct");
    assertTrue(pct.has("0.5") && pct.has("5.0"), pct.toString());
  }
}
