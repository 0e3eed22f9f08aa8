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

/** The contract of train, retention and bench pipeline: flags, JSON fields, refusals. */
class RuntimeCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private Path smallExperiment() throws Exception {
    Path f = dir.resolve("small.conf");
    Files.writeString(f, "experiment { world { catalog { n_products = 400 } } }\n");
    return f;
  }

  @Test
  void trainJsonHasTheContractFields() throws Exception {
    Path report = dir.resolve("report.json");
    Run r = run("train", "--experiment", smallExperiment().toString(), "--agent", "ts", "--episodes", "300",
        "--shards", "2", "--seed", "3", "--deterministic", "--inject-faults", "0.01", "--report", report.toString(),
        "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String f : new String[] {"agent", "episodes", "shards", "deterministic", "transitions_produced",
        "transitions_consumed", "transitions_lost", "restarts", "policy_versions", "mean", "final", "episodes_per_sec",
        "wall_s"}) {
      assertTrue(j.has(f), "missing " + f);
    }
    for (String part : new String[] {"mean", "final"}) {
      for (String m : new String[] {"reward", "gmv", "cm2", "ctr"}) {
        assertTrue(j.get(part).has(m), part + "." + m);
      }
    }
    assertEquals("ts", j.get("agent").asText());
    assertEquals(300, j.get("transitions_produced").asLong());
    assertEquals(300, j.get("transitions_consumed").asLong());
    assertEquals(0, j.get("transitions_lost").asLong());
    assertTrue(j.get("deterministic").asBoolean());
    assertEquals(JSON.readTree(r.out()).get("transitions_produced"), JSON.readTree(report.toFile()).get("transitions_produced"));
  }

  @Test
  void unknownExperimentKeysAndBadAgentsAreRefusedWithOneLine() throws Exception {
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "experiment { episods = 10 }\n");
    Run r = run("train", "--experiment", bad.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("experiment.episods") && r.err().contains("episodes"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    Run a = run("train", "--agent", "dqn");
    assertEquals(2, a.code());
    assertTrue(a.err().contains("linucb, ts,") && a.err().contains("random, static"), a.err());
    Path topo = dir.resolve("topo.conf");
    Files.writeString(topo, "rlsearch.topology { shards = 0 }\n");
    Run t = run("train", "--topology", topo.toString());
    assertEquals(2, t.code());
    assertTrue(t.err().contains("rlsearch.topology.shards"), t.err());
  }

  @Test
  void retentionJsonHasTheContractFields() throws Exception {
    Run r = run("retention", "--policy", "neutral", "--users", "40", "--gamma", "0.95", "--seeds", "11,13",
        "--experiment", smallExperiment().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String f : new String[] {"users", "sessions", "sessions_per_user", "retention_curve", "value_per_seed", "mean",
        "std", "cv", "ci_low", "ci_high"}) {
      assertTrue(j.has(f), "missing " + f);
    }
    assertEquals(10, j.get("retention_curve").size());
    assertEquals(1.0, j.get("retention_curve").get(0).asDouble());
    assertEquals(2, j.get("value_per_seed").size());
    assertEquals(2, run("retention", "--policy", "fancy").code());
  }

  @Test
  void benchPipelineJsonHasTheContractFields() throws Exception {
    Run r = run("bench", "pipeline", "--episodes", "200", "--shards", "1,2", "--rounds", "3",
        "--experiment", smallExperiment().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertTrue(j.get("sync_episodes_per_sec").asDouble() > 0);
    assertEquals(2, j.get("pipeline").size());
    assertEquals(2, j.get("pipeline").get(1).get("shards").asInt());
    assertTrue(j.get("pipeline").get(0).get("episodes_per_sec").asDouble() > 0);
    assertEquals(3, j.get("rounds").asInt());
    assertEquals(3, j.get("sync_episodes_per_sec_by_round").size());
    assertTrue(j.get("sync_cpu_us_per_episode").asDouble() > 0);
    double best = 0;
    for (JsonNode row : j.get("pipeline")) {
      assertEquals(3, row.get("episodes_per_sec_by_round").size());
      assertEquals(3, row.get("speedup_by_round").size());
      double[] ratios = new double[3];
      for (int k = 0; k < 3; k++) {
        ratios[k] = row.get("speedup_by_round").get(k).asDouble();
        // a round's speed-up is its own rate over the same round's loop
        assertEquals(row.get("episodes_per_sec_by_round").get(k).asDouble()
            / j.get("sync_episodes_per_sec_by_round").get(k).asDouble(), row.get("speedup_by_round").get(k).asDouble(),
            1e-12);
      }
      // the median of the rounds' ratios, not a ratio of medians
      java.util.Arrays.sort(ratios);
      assertEquals(ratios[1], row.get("speedup").asDouble());
      assertEquals(ratios[0], row.get("speedup_min").asDouble());
      assertEquals(ratios[2], row.get("speedup_max").asDouble());
      best = Math.max(best, row.get("speedup").asDouble());
      assertTrue(row.get("cpu_us_per_episode").asDouble() > 0);
    }
    assertEquals(best, j.get("speedup_best").asDouble());
    assertEquals(2, run("bench", "pipeline", "--rounds", "0").code());
    assertEquals(2, run("bench", "pipeline", "--rounds", "21").code());
  }

  @Test
  void battleJsonIsSortedByTheHeldOutEvaluationAndOutWritesTheReport() throws Exception {
    Path world = dir.resolve("world.conf");
    Files.writeString(world, "catalog { n_products = 400 }\n");
    Path outDir = dir.resolve("battle");
    Run r = run("battle", "--episodes", "60", "--seeds", "3,4", "--eval-users", "100", "--agents",
        "linucb,contq,reinforce,ppo,cql", "--cql-steps", "50", "--config", world.toString(), "--out",
        outDir.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(60, j.get("episodes").asInt());
    assertEquals(100, j.get("eval_users").asInt());
    assertEquals(2, j.get("seeds").size());
    assertEquals(7, j.get("agents").size(), "static and random always run as the baselines");
    assertEquals(500, j.get("cql_training").get(0).get("transitions").asInt(), "CQL trains on 500 logged decisions");
    assertTrue(j.get("reference").get("fixed").get("eval_return").has("mean"));
    assertTrue(j.get("reference").get("per_segment").get("eval_return").get("ci_low").isNumber());
    assertTrue(j.get("wall_s").asDouble() > 0);
    double prev = Double.POSITIVE_INFINITY;
    for (JsonNode a : j.get("agents")) {
      for (String f : new String[] {"name", "mean_return", "ci_low", "ci_high", "final_50", "gmv", "cm2", "wall_s",
          "eval_return", "eval_vs_random", "eval_vs_static", "share_of_reference"}) {
        assertTrue(a.has(f), "missing " + f);
      }
      for (String f : new String[] {"eval_return", "eval_vs_random", "eval_vs_static"}) {
        for (String g : new String[] {"mean", "ci_low", "ci_high"}) {
          assertTrue(a.get(f).get(g).isNumber(), f + "." + g + " of " + a);
        }
      }
      double e = a.get("eval_return").get("mean").asDouble();
      assertTrue(e <= prev, "sorted by eval_return");
      prev = e;
      if (a.get("name").asText().equals("static")) {
        assertEquals(0.0, a.get("eval_vs_static").get("mean").asDouble(), 0.0);
      }
    }
    for (String f : new String[] {"results.json", "results.csv", "curves.csv", "report.html", "cql_dataset_3.jsonl"}) {
      assertTrue(Files.size(outDir.resolve(f)) > 0, f);
    }
    String html = Files.readString(outDir.resolve("report.html"));
    // Self-contained: inline SVG, nothing fetched.
    assertTrue(html.contains("<svg class='forest'") && html.contains("<svg class='curve'"), "no charts");
    assertTrue(!html.contains("src=") && !html.contains("<link") && !html.contains("@import")
        && !html.contains("url(http") && !html.contains("fetch("), "external resources");
    // One seed: no interval over seeds, and the output says so.
    Run one = run("battle", "--episodes", "50", "--seeds", "3", "--eval-users", "20", "--agents", "linucb",
        "--config", world.toString(), "--json");
    assertEquals(0, one.code(), one.err());
    JsonNode o = JSON.readTree(one.out());
    assertTrue(o.get("agents").get(0).get("eval_return").get("ci_low").isNull());
    assertTrue(o.get("ci").asText().startsWith("none"), o.get("ci").asText());
    assertEquals(2, run("battle", "--eval-users", "0").code());
    assertEquals(2, run("battle", "--agents", "nosuch").code());
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{not json\n");
    Run badLog = run("battle", "--agents", "cql", "--cql-log", bad.toString(), "--episodes", "60");
    assertEquals(2, badLog.code());
    assertTrue(badLog.err().contains("--cql-log") && badLog.err().lines().count() == 1, badLog.err());
    assertEquals(2, run("battle", "--episodes", "10").code());
  }

  @Test
  void benchInferenceReportsBatchedAgainstPerRequestThroughThePolicyServer() throws Exception {
    Run r = run("bench", "inference", "--requests", "1000", "--batch", "8", "--max-wait", "1ms", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String f : new String[] {"unbatched_per_sec", "batched_per_sec", "p99_us"}) {
      assertTrue(j.get(f).asDouble() > 0, f);
    }
    assertEquals(1.0, j.get("setups").get("unbatched").get("mean_batch").asDouble(), 1e-9);
    // Eight closed-loop clients against a max batch of 8: the batched set-up gathers more than one.
    assertTrue(j.get("setups").get("batched").get("mean_batch").asDouble() > 1.5, j.toString());
    assertEquals(2, run("bench", "inference", "--max-wait", "soon").code());
  }

  @Test
  void benchLearnerReportsUpdatesPerSecondForTheQEnsembleAndPpo() throws Exception {
    Path world = dir.resolve("world.conf");
    Files.writeString(world, "catalog { n_products = 400 }\n");
    Run r = run("bench", "learner", "--transitions", "256", "--config", world.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(2, j.get("agents").size());
    // 256 transitions: the Q-ensemble takes 8 minibatch steps per member (5) every 32 (320 steps); PPO takes
    // 4 epochs x 4 minibatches of policy and as many of value steps per rollout of 64 (128 steps).
    assertEquals("contq", j.get("agents").get(0).get("agent").asText());
    assertEquals(320, j.get("agents").get(0).get("gradient_steps").asLong());
    assertEquals("ppo", j.get("agents").get(1).get("agent").asText());
    assertEquals(128, j.get("agents").get(1).get("gradient_steps").asLong());
    assertEquals("java", j.get("optimiser").asText());
    for (JsonNode a : j.get("agents")) {
      assertTrue(a.get("updates_per_sec").asDouble() > 0);
      // each step trains one member on one minibatch, so the two rates are one figure
      assertEquals(a.get("optimiser_steps_per_sec").asDouble(), a.get("member_updates_per_sec").asDouble());
      assertEquals("one optimiser step of one network on one minibatch", a.get("step").asText());
      assertTrue(a.get("cpu_s").asDouble() > 0 && a.get("updates_per_cpu_sec").asDouble() > 0, a.toString());
    }
    // a step's cost by minibatch rows, for 1 to 1,024 rows
    JsonNode byRows = j.get("step_us_by_rows");
    java.util.List<String> sizes = new java.util.ArrayList<>();
    byRows.fieldNames().forEachRemaining(sizes::add);
    assertEquals(java.util.List.of("1", "16", "64", "256", "1024"), sizes);
    byRows.forEach(v -> assertTrue(v.asDouble() > 0, byRows.toString()));
    assertEquals(2, run("bench", "learner", "--transitions", "10").code());
    Run opt = run("bench", "learner", "--optimiser", "sgd");
    assertEquals(2, opt.code());
    assertTrue(opt.err().contains("--optimiser must be java or djl, got sgd") && opt.err().lines().count() == 1, opt.err());
  }

  @Test
  void nodeRefusesBadRolesAndAddressesAndBenchClusterRunsOnOneNode() throws Exception {
    Run bad = run("node", "--role", "trainer", "--port", "0", "--seed-nodes", "127.0.0.1:1");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown role 'trainer'") && bad.err().contains("env, learner, serving"), bad.err());
    Run addr = run("node", "--role", "env", "--port", "0", "--seed-nodes", "localhost");
    assertEquals(2, addr.code());
    assertTrue(addr.err().contains("is not host:port"), addr.err());
    assertEquals(2, run("bench", "cluster", "--nodes", "1", "--kill-node-at", "1").code());
    Run one = run("bench", "cluster", "--nodes", "1", "--episodes", "600", "--round-size", "200", "--json");
    assertEquals(0, one.code(), one.err());
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(one.out());
    for (String f : new String[] {"nodes", "episodes_per_sec", "transitions_lost", "local_episodes_per_sec"}) {
      assertTrue(j.has(f), "missing " + f);
    }
    assertEquals(0, j.get("transitions_lost").asLong());
    assertTrue(j.get("same_result_as_local").asBoolean(), "deterministic rounds: the local pipeline's result");
  }

  @Test
  void trainWithAClusteredTopologyRunsOnPekkoClusterWithoutAnyOtherChange() throws Exception {
    int port;
    try (java.net.ServerSocket sock = new java.net.ServerSocket(0)) {
      port = sock.getLocalPort();
    }
    Path topology = Files.createTempFile("rlsearch-cluster", ".conf");
    Files.writeString(topology, "include classpath(\"actors/cluster.conf\")\n"
        + "rlsearch.cluster { port = " + port + ", seed-nodes = [\"127.0.0.1:" + port + "\"], round-size = 100 }\n");
    Run r = run("train", "--topology", topology.toString(), "--agent", "linucb", "--episodes", "500", "--json");
    assertEquals(0, r.code(), r.err());
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    assertEquals(500, j.get("transitions_consumed").asLong());
    assertEquals(0, j.get("transitions_lost").asLong());
    assertEquals(6, j.get("policy_versions").asLong(), "version 0 and one per round of 100");
    Run refused = run("train", "--topology", topology.toString(), "--retention");
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("clustered topology"), refused.err());
  }
}
