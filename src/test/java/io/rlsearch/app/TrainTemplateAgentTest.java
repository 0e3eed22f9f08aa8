package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A fixed-template agent named on the command line ({@code template:NAME}) trains like any other. */
class TrainTemplateAgentTest {
  @Test
  void aTemplateAgentNameIsNotReadAsAConfigPath() {
    Cli.Run r = Cli.run("train", "--agent", "template:Premium", "--episodes", "40", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"agent\""), r.out());
    Cli.Run bad = Cli.run("train", "--agent", "template:Nope", "--episodes", "40");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("Nope"), bad.err());
  }
}
