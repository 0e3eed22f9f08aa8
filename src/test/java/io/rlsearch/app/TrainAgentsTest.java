package io.rlsearch.app;

import static io.rlsearch.app.Cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.app.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train` with the neural, slate and offline agents, single- and multi-session. */
class TrainAgentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private Path small() throws Exception {
    Path f = dir.resolve("small.conf");
    Files.writeString(f, "experiment { world { catalog { n_products = 400 } } }\n");
    return f;
  }

  private JsonNode train(String... extra) throws Exception {
    String[] base = {"train", "--experiment", small().toString(), "--seed", "3", "--json"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    return JSON.readTree(r.out());
  }

  @Test
  void slateAgentsCheckpointAndResume() throws Exception {
    for (String agent : new String[] {"slateq", "diffrank"}) {
      Path cp = dir.resolve(agent + ".ckpt");
      JsonNode first = train("--agent", agent, "--episodes", "100", "--checkpoint", cp.toString());
      assertEquals(1, first.get("checkpoints_saved").asLong());
      JsonNode rest = train("--agent", agent, "--episodes", "160", "--resume", cp.toString());
      assertEquals(100, rest.get("resumed_from").get("users_done").asLong());
      assertEquals(60, rest.get("transitions_produced").asLong());
    }
  }

  @Test
  void slateAgentsTrainOnTheSlateTaskAcrossSessions() throws Exception {
    for (String agent : new String[] {"slateq", "diffrank"}) {
      JsonNode j = train("--agent", agent, "--episodes", "150", "--retention");
      assertEquals(agent, j.get("agent").asText());
      assertTrue(j.get("transitions_produced").asLong() > 150, "returning users add sessions: " + j);
      assertEquals(0, j.get("transitions_lost").asLong());
      assertTrue(j.get("policy_versions").asInt() > 1);
    }
  }

  @Test
  void cqlTrainsOnALoggedFileAndIsEvaluatedOnlineAndByTheDirectMethod() throws Exception {
    Path log = dir.resolve("random.jsonl");
    JsonNode logged = train("--agent", "random_weights", "--episodes", "100", "--retention", "--log", log.toString());
    long lines = Files.readAllLines(log).size();
    assertEquals(logged.get("transitions_produced").asLong(), lines);
    JsonNode j = train("--agent", "cql", "--episodes", "50", "--retention", "--offline-log", log.toString(),
        "--offline-steps", "50");
    JsonNode off = j.get("offline");
    assertEquals(lines, off.get("transitions").asLong());
    assertTrue(off.get("form").asText().startsWith("bootstrapped"));
    assertTrue(off.get("ope").get("ci_low").asDouble() <= off.get("ope").get("estimate").asDouble());
    assertEquals(1, j.get("policy_versions").asInt(), "an offline agent does not learn online");
    JsonNode bandit = train("--agent", "cql", "--episodes", "50", "--offline-log", log.toString(),
        "--offline-steps", "50");
    assertEquals("bandit", bandit.get("offline").get("form").asText());

    // A slate policy's decision (served real traffic) has no boost weights to learn from: refused by name.
    Path mixed = dir.resolve("with-slate.jsonl");
    io.rlsearch.eval.ope.LoggedDecision slate = new io.rlsearch.eval.ope.LoggedDecision("diffrank", 4,
        1_000_000_000L, 0, new double[] {0.5}, -1, null, 0.25, null, 1.0, true,
        io.rlsearch.eval.ope.LoggedDecision.Outcome.NONE, io.rlsearch.eval.ope.LoggedDecision.RANKING,
        new io.rlsearch.eval.ope.LoggedDecision.Slate(List.of("cm2"), List.of("a", "b"), new double[] {1, 0},
            new double[][] {{0.5}, {-0.5}}, new int[] {1, 0}));
    Files.writeString(mixed, Files.readString(log) + io.rlsearch.eval.ope.DecisionLog.toLine(slate) + "\n");
    Run slates = run("train", "--agent", "cql", "--episodes", "50", "--offline-log", mixed.toString(),
        "--offline-steps", "50");
    assertEquals(2, slates.code(), slates.err());
    assertTrue(slates.err().contains("--offline-log: decision log " + mixed + ": decision " + (lines + 1)
        + " (episode 1000000000, policy 'diffrank') is a slate policy's ranking"), slates.err());

    Run missing = run("train", "--agent", "cql", "--episodes", "100");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--offline-log"), missing.err());
    Run det = run("train", "--agent", "ppo", "--retention", "--deterministic", "--episodes", "100");
    assertEquals(2, det.code());
    // CQL's checkpoint holds its critics: resuming continues with the same frozen policy.
    Path cp = dir.resolve("cql.ckpt");
    train("--agent", "cql", "--episodes", "40", "--offline-log", log.toString(), "--offline-steps", "20",
        "--checkpoint", cp.toString());
    JsonNode resumed = train("--agent", "cql", "--episodes", "60", "--offline-log", log.toString(), "--offline-steps",
        "20", "--resume", cp.toString());
    assertEquals(40, resumed.get("resumed_from").get("users_done").asLong());
    // IQL and TD3+BC train on the same file (bandit form), run frozen, and resume from their actor.
    for (String agent : new String[] {"iql", "td3_bc"}) {
      JsonNode o = train("--agent", agent, "--episodes", "40", "--offline-log", log.toString(), "--offline-steps",
          "20", "--checkpoint", dir.resolve(agent + ".ckpt").toString());
      assertEquals("bandit", o.get("offline").get("form").asText());
      assertEquals(agent, o.get("agent").asText());
      assertEquals(1, o.get("policy_versions").asInt());
      JsonNode again = train("--agent", agent, "--episodes", "60", "--offline-log", log.toString(), "--offline-steps",
          "20", "--resume", dir.resolve(agent + ".ckpt").toString());
      assertEquals(40, again.get("resumed_from").get("users_done").asLong());
    }
    Run multi = run("train", "--agent", "iql", "--retention", "--offline-log", log.toString(), "--episodes", "10");
    assertEquals(2, multi.code());
    assertTrue(multi.err().contains("bandit form"), multi.err());
  }

  @Test
  void driftAwareBanditsTrainOnTheRuntime() throws Exception {
    for (String agent : new String[] {"discounted_linucb", "sliding_ts", "restart_linucb"}) {
      JsonNode j = train("--agent", agent, "--episodes", "200", "--deterministic");
      assertEquals(agent, j.get("agent").asText());
      assertEquals(200, j.get("transitions_produced").asLong());
      assertEquals(0, j.get("transitions_lost").asLong());
    }
  }

  @Test
  void nonstationaryReportsRegretAndRecoveryPerAgent() throws Exception {
    Path exp = dir.resolve("ns.conf");
    Files.writeString(exp, "experiment { world { catalog { n_products = 400 } } }\n");
    Run r = run("nonstationary", "--episodes", "600", "--shift-at", "300", "--seeds", "3", "--experiment",
        exp.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(5, j.get("agents").size());
    for (JsonNode a : j.get("agents")) {
      for (String f : new String[] {"agent", "regret_before", "regret_after", "recovery_episodes", "guardrail_breaches"}) {
        assertTrue(a.has(f), "missing " + f);
      }
    }
    assertTrue(j.get("phases").get(0).has("best_after"));
    assertEquals(2, run("nonstationary", "--episodes", "600", "--shift-at", "590").code());
    assertEquals(2, run("nonstationary", "--shift", "users { segment_mix = [1, 1] }").code());
    Run swap = run("nonstationary", "--episodes", "400", "--shift-at", "200", "--seeds", "3", "--scenario", "swap",
        "--experiment", exp.toString(), "--json");
    assertEquals(0, swap.code(), swap.err());
    JsonNode k = JSON.readTree(swap.out());
    assertEquals("swap", k.get("scenario").asText());
    assertEquals("simple", k.get("features").asText(), "the swap hides from a context without the sensitivities");
    assertEquals(5, k.get("agents").size());
    Run bad = run("nonstationary", "--scenario", "flip");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--scenario must be mix, swap or demand"), bad.err());
  }

  @Test
  void paretoSweepPrintsItsPointsAndFront() throws Exception {
    Run r = run("pareto", "--constraint", "exposure", "--thresholds", "0.5,0.7", "--episodes", "200", "--seeds", "3",
        "--config", smallWorld().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(2, j.get("points").size());
    for (JsonNode p : j.get("points")) {
      for (String f : new String[] {"threshold", "gmv", "cm2", "exposure_pl", "violation_rate", "lambda_final",
          "price_gmv"}) {
        assertTrue(p.has(f), "missing " + f);
      }
      double v = p.get("violation_rate").get("mean").asDouble();
      assertTrue(v >= 0 && v <= 1);
    }
    assertTrue(j.get("front").size() >= 1);
    assertTrue(j.get("dual_evaluation_sessions").asLong() > 0, "the dual steps on evaluation sessions");
    assertTrue(j.has("acceptance_met") && j.has("violation_rate_max_feasible"));
    JsonNode seed = j.get("points").get(0).get("runs").get(0);
    for (String f : new String[] {"gmv", "violation_rate", "lambda_final", "feasible", "violation_rate_best_fixed_arm"}) {
      assertTrue(seed.has(f), "missing per-seed " + f);
    }
    assertEquals(2, run("pareto", "--constraint", "fairness").code());
    assertEquals(2, run("pareto", "--thresholds", "1.5").code());
  }

  @Test
  void logWritesAMixtureDatasetThatOfflineLearnsFrom() throws Exception {
    Path data = dir.resolve("mix.jsonl");
    Run r = run("log", "--policies", "uniform,own_brand", "--episodes", "60", "--out", data.toString(), "--seed", "3",
        "--config", smallWorld().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(60, j.get("logged").asInt());
    assertEquals(60, Files.readAllLines(data).size());
    var decisions = io.rlsearch.eval.ope.DecisionLog.read(data);
    assertTrue(decisions.stream().allMatch(d -> d.arm() < 0 && d.propensity() > 0), "continuous, with densities");
    Run off = run("offline", "--log", data.toString(), "--steps", "20", "--eval-episodes", "20", "--alphas", "0,1",
        "--seed", "3", "--config", smallWorld().toString(), "--json");
    assertEquals(0, off.code(), off.err());
    JsonNode o = JSON.readTree(off.out());
    assertEquals(48, o.get("dataset").get("train").asInt());
    assertEquals(12, o.get("dataset").get("held_out").asInt());
    List<String> names = new java.util.ArrayList<>();
    for (JsonNode m : o.get("methods")) {
      names.add(m.get("method").asText());
      for (String f : new String[] {"value", "ci_low", "ci_high"}) {
        assertTrue(m.get("online").has(f), f);
      }
      for (String f : new String[] {"estimate", "ci_low", "ci_high"}) {
        assertTrue(m.get("ope").has(f), f);
      }
    }
    assertEquals(List.of("cql_alpha_0.0", "cql_alpha_1.0", "iql", "td3_bc"), names);
    Run bad = run("log", "--policies", "greedy", "--out", dir.resolve("x.jsonl").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown policy 'greedy'") && bad.err().contains("own_brand"), bad.err());
    assertEquals(2, run("offline", "--alphas", "-1").code());
  }

  private Path smallWorld() throws Exception {
    Path f = dir.resolve("world.conf");
    Files.writeString(f, "catalog { n_products = 400 }\n");
    return f;
  }
}
