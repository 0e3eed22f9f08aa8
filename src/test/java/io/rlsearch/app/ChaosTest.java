package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chaos: one actor of a training run crashes once (`train --crash ROLE@N`). Every role is supervised
 * and keeps its state across the restart: the run completes with every transition consumed and none
 * lost. (A role that keeps failing stops after its restarts' limit and the run fails with one line:
 * PipelineTest's poison transition.) No run hangs and no stack trace reaches the user.
 */
class ChaosTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}")
  @CsvSource({"population,completes", "shard,completes", "learner,completes", "evaluator,completes",
      "policy-server,completes", "replay,completes", "registry,completes"})
  void aCrashedRoleEitherRecoversWithNothingLostOrFailsTheRunAtOnceWithOneLine(String role, String outcome)
      throws Exception {
    Cli.Run r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> Cli.run("train", "--agent", "linucb",
        "--episodes", "3000", "--crash", role + "@5", "--json"));
    JsonNode j = JSON.readTree(r.out());
    assertEquals(1, j.get("crashes_injected").asLong(), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    if (outcome.equals("completes")) {
      assertEquals(0, r.code(), r.err());
      assertEquals(0, j.get("transitions_lost").asLong());
      assertEquals(3000, j.get("transitions_produced").asLong());
      java.util.List<String> consumers = new java.util.ArrayList<>();
      j.get("transitions_consumed_by").fieldNames().forEachRemaining(consumers::add);
      assertEquals(java.util.List.of("learner", "replay", "evaluator", "population"), consumers,
          "every consumer reports its count");
      for (JsonNode c : j.get("transitions_consumed_by")) {
        assertEquals(3000, c.asLong(), j.get("transitions_consumed_by").toString());
      }
    } else {
      assertEquals(1, r.code(), r.err());
      String line = r.err().lines().filter(l -> l.startsWith("rlsearch:")).findFirst().orElse("");
      assertTrue(line.contains(role.equals("registry") ? "policy-registry" : role) && line.contains("stopped"),
          "one line naming the actor: " + r.err());
    }
  }

  @org.junit.jupiter.api.Test
  void aCrashWhoseMessageNeverComesIsReportedOnStderrWithHowFarTheRoleGot() throws Exception {
    Cli.Run r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> Cli.run("train", "--agent", "linucb",
        "--episodes", "300", "--crash", "learner@1000000", "--json"));
    assertEquals(0, r.code(), r.err());
    assertEquals(0, JSON.readTree(r.out()).get("crashes_injected").asLong());
    java.util.List<String> lines = r.err().lines().filter(l -> l.startsWith("rlsearch:")).toList();
    assertEquals(1, lines.size(), "one line: " + r.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "rlsearch: train: --crash learner@1000000 never fired: the learner handled (\\d+) message\\(s\\) in this run,"
            + " fewer than 1000000").matcher(lines.get(0));
    assertTrue(m.matches(), lines.get(0));
    // The learner took in the stream's start, its batches and its end at least.
    assertTrue(Long.parseLong(m.group(1)) >= 3, lines.get(0));
  }
}
