package io.rlsearch.app;

import static io.rlsearch.app.Cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.app.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train --checkpoint` / `--resume`: a resumed run continues exactly, and bad checkpoints are refused. */
class CheckpointResumeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private Path small() throws Exception {
    Path f = dir.resolve("small.conf");
    Files.writeString(f, "experiment { world { catalog { n_products = 400 } }, round_size = 50 }\n");
    return f;
  }

  private JsonNode train(String... extra) throws Exception {
    String[] base = {"train", "--experiment", small().toString(), "--seed", "5", "--shards", "2", "--deterministic",
        "--json"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    return JSON.readTree(r.out());
  }

  @Test
  void aResumedDeterministicRunContinuesExactlyWhereTheCheckpointStopped() throws Exception {
    for (String agent : new String[] {"linucb", "ts"}) {
      Path cp = dir.resolve(agent + ".ckpt");
      JsonNode full = train("--agent", agent, "--episodes", "600");
      JsonNode first = train("--agent", agent, "--episodes", "300", "--checkpoint", cp.toString());
      assertEquals(1, first.get("checkpoints_saved").asLong());
      JsonNode rest = train("--agent", agent, "--episodes", "600", "--resume", cp.toString());
      assertEquals(300, rest.get("resumed_from").get("users_done").asLong());
      assertEquals(6, rest.get("resumed_from").get("version").asLong());
      assertEquals(300, rest.get("transitions_produced").asLong());
      // Same users, same versions, same learning: the two halves' rewards add up to the full run's,
      // up to the rounding of the two means (each a sum of 300 doubles).
      double whole = full.get("mean").get("reward").get("mean").asDouble() * 600;
      double halves = (first.get("mean").get("reward").get("mean").asDouble()
          + rest.get("mean").get("reward").get("mean").asDouble()) * 300;
      assertEquals(whole, halves, 1e-9 * Math.abs(whole), agent);
      assertEquals(full.get("policy_versions").asInt(),
          first.get("policy_versions").asInt() + rest.get("policy_versions").asInt() - 1, agent);
    }
  }

  @Test
  void neuralAgentsCheckpointDuringTheRunAndResume() throws Exception {
    Path cp = dir.resolve("ppo.ckpt");
    JsonNode first = train("--agent", "ppo", "--episodes", "200", "--checkpoint", cp.toString(), "--checkpoint-every",
        "100");
    assertTrue(first.get("checkpoints_saved").asLong() >= 2, first.toString());
    JsonNode rest = train("--agent", "ppo", "--episodes", "300", "--resume", cp.toString());
    assertEquals(200, rest.get("resumed_from").get("users_done").asLong());
    assertEquals(100, rest.get("transitions_produced").asLong());
    assertEquals(0, rest.get("transitions_lost").asLong());
  }

  @Test
  void corruptTruncatedForeignAndMismatchedCheckpointsAreRefusedWithOneLine() throws Exception {
    Path cp = dir.resolve("ok.ckpt");
    train("--agent", "linucb", "--episodes", "100", "--checkpoint", cp.toString());
    byte[] good = Files.readAllBytes(cp);

    Path flipped = dir.resolve("flipped.ckpt");
    byte[] bad = good.clone();
    bad[bad.length - 10] ^= 0x01;
    Files.write(flipped, bad);
    Path truncated = dir.resolve("truncated.ckpt");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 100));
    Path foreign = dir.resolve("foreign.ckpt");
    Files.writeString(foreign, "{\"not\": \"a checkpoint\"}\n");

    String[][] cases = {
        {flipped.toString(), "linucb", "checksum"},
        {truncated.toString(), "linucb", "truncated"},
        {foreign.toString(), "linucb", "not an rlsearch checkpoint"},
        {dir.resolve("missing.ckpt").toString(), "linucb", "does not exist"},
        {cp.toString(), "ts", "agent was linucb and is now ts"},
    };
    for (String[] c : cases) {
      Run r = run("train", "--experiment", small().toString(), "--seed", "5", "--deterministic", "--agent", c[1],
          "--episodes", "200", "--resume", c[0], "--json");
      assertEquals(2, r.code(), c[0] + ": " + r.err());
      assertTrue(r.err().contains(c[2]), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertEquals("", r.out());
    }
    Run seed = run("train", "--experiment", small().toString(), "--seed", "6", "--deterministic", "--agent", "linucb",
        "--episodes", "200", "--resume", cp.toString());
    assertEquals(2, seed.code());
    assertTrue(seed.err().contains("seed was 5 and is now 6"), seed.err());
    Run done = run("train", "--experiment", small().toString(), "--seed", "5", "--deterministic", "--agent", "linucb",
        "--episodes", "100", "--resume", cp.toString());
    assertEquals(2, done.code());
    assertTrue(done.err().contains("already run 100"), done.err());
  }
}
