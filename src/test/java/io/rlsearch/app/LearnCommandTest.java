package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.app.Cli.Run;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learn command: on the Open Bandit Dataset sample, on a simulated template log against the truth, bad input. */
class LearnCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static JsonNode template;
  static Path templatePolicy;

  /** A uniform template log of 2,000 episodes (seed 7) and the policy dr learns from it, with 1,000 truth episodes. */
  @BeforeAll
  static void learnFromATemplateLog() throws Exception {
    Path log = dir.resolve("uniform.jsonl");
    Run ope = Cli.run("ope", "--behavior", "uniform", "--target", "uniform", "--episodes", "2000", "--truth-episodes",
        "2", "--cross-fit", "1", "--seed", "7", "--log", log.toString());
    assertEquals(0, ope.code(), ope.err());
    templatePolicy = dir.resolve("template-policy.json");
    Run r = Cli.run("learn", "--data", log.toString(), "--format", "decisions", "--seed", "7", "--truth-episodes",
        "1000", "--bootstrap", "200", "--out", templatePolicy.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    template = JSON.readTree(r.out());
  }

  @Test
  void aPolicyLearnedFromAUniformTemplateLogBeatsItInTruthAndItsDrIntervalIsNearTheTruth() {
    double truth = template.get("truth").get("value").asDouble();
    JsonNode behavior = template.get("behavior_truth");
    assertEquals("uniform", behavior.get("policy").asText());
    // Seed 7 is a held-out check: the default --l2 was chosen on seeds 11 and 13 (docs/learn-from-logs.md).
    // Standard errors from the 95% intervals' half-widths; z = 3 for both checks.
    double z = 3;
    double seLearned = (template.get("truth").get("ci_high").asDouble() - template.get("truth").get("ci_low")
        .asDouble()) / 2 / 1.96;
    double seBehavior = (behavior.get("ci_high").asDouble() - behavior.get("ci_low").asDouble()) / 2 / 1.96;
    // The learned policy beats the uniform behaviour by more than z standard errors of the difference.
    assertTrue(truth - behavior.get("value").asDouble() > z * Math.hypot(seLearned, seBehavior), template.toString());
    // The held-out DR estimate is within z standard errors of the truth (both estimates' errors).
    JsonNode dr = template.get("estimates").get("dr");
    double seDr = (dr.get("ci_high").asDouble() - dr.get("ci_low").asDouble()) / 2 / 1.96;
    assertEquals(truth, dr.get("value").asDouble(), z * Math.hypot(seDr, seLearned), "truth " + truth + ", DR " + dr);
    assertEquals(1400, template.get("train_rounds").asInt());
    assertEquals(600, template.get("heldout_rounds").asInt());
    assertTrue(template.get("effective_samples").asDouble() > 0);
    assertTrue(template.has("best_static_truth"));
  }

  @Test
  void aPolicyLearnedFromATemplateLogServesWhereCheckpointsServe() throws Exception {
    ServingSchema schema = ServingSchema.world(ZoosimConfig.load(Optional.empty()));
    ServingPolicies.Trained t = PolicyCatalog.fromFile(templatePolicy, schema, null);
    assertEquals("learned:dr", t.agent());
    io.rlsearch.eval.opl.LinearPolicy p = io.rlsearch.eval.opl.LinearPolicy.read(templatePolicy);
    NumpyRandom rng = new NumpyRandom(3);
    for (int k = 0; k < 5; k++) {
      double[] ctx = new double[schema.context().size()];
      for (int j = 0; j < ctx.length; j++) {
        ctx[j] = rng.standardNormal();
      }
      int n = 6;
      double[][] rows = new double[n][schema.candidate().size()];
      String[] ids = new String[n];
      double[] base = new double[n];
      for (int i = 0; i < n; i++) {
        ids[i] = "p" + i;
        base[i] = rng.standardNormal();
        for (int j = 0; j < rows[i].length; j++) {
          rows[i][j] = rng.standardNormal();
        }
      }
      RankRequest req = new RankRequest(Optional.empty(), Optional.empty(), ctx, ids, base, rows, 4);
      Ranked out = ServingPolicies.bind(t, schema).rank(req, new NumpyRandom(0));
      assertEquals(4, out.order().length);
      assertEquals(1.0, out.propensity(), 0.0);
      // The served template is the policy file's greedy choice on the context it read by name.
      assertEquals(p.greedy(out.policyInput(), 0), out.decision().arm());
    }
    String bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> PolicyCatalog.fromFile(obdPolicy(), schema, null)).getMessage();
    assertTrue(bad.contains("was not learned from a template decision log"), bad);
  }

  @Test
  void servePolicyFileRegistersTheLearnedPolicyAndItAnswersRequestsWhenLive() throws Exception {
    try (io.rlsearch.api.serving.Serving.Running run = io.rlsearch.api.serving.Serving.start(
        io.rlsearch.testing.Runs.smallWorld(3), "neutral", java.util.List.of("learned=" + templatePolicy), 1,
        Optional.empty(), 3, "127.0.0.1", 0, Optional.empty(), 0)) {
      int port = run.port();
      JsonNode versions = get(port, "/policies").get("versions");
      int id = -1;
      for (JsonNode v : versions) {
        if (v.get("name").asText().equals("learned")) {
          id = v.get("version").asInt();
          assertEquals(templatePolicy.toString(), v.get("source").asText());
        }
      }
      assertTrue(id > 0, versions.toString());
      java.net.http.HttpResponse<String> promoted = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/policies/" + id
              + "/promote")).header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, promoted.statusCode(), promoted.body());
      run.system().drive(0, 500, 0.2, t -> { }, () -> false);
      assertTrue(run.system().awaitAnswers(java.time.Duration.ofSeconds(10)));
      for (JsonNode v : get(port, "/policies").get("versions")) {
        if (v.get("version").asInt() == id) {
          assertTrue(v.get("metrics").get("requests").asLong() > 0, v.toString());
        }
      }
    }
  }

  private static JsonNode get(int port, String path) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** A policy file of two OBD-like actions: not learned from a template log. */
  private static Path obdPolicy() throws Exception {
    Path f = dir.resolve("two-items.json");
    new io.rlsearch.eval.opl.LinearPolicy("ipw", java.util.List.of("u"), java.util.List.of("0", "1"),
        new double[][][] {{{1}, {0}}}, new double[][] {{0, 0}}, true, 1, 10, java.util.Map.of("format", "obd"))
        .write(f);
    return f;
  }

  @Test
  void onTheOpenBanditDatasetItReportsEveryEstimateWithTheEffectiveSample() throws Exception {
    Path f = dir.resolve("obd.json");
    Run r = Cli.run("learn", "--data", "data/obd", "--format", "obd", "--campaign", "men", "--behavior", "random",
        "--learner", "dr", "--steps", "60", "--bootstrap", "100", "--out", f.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode o = JSON.readTree(r.out());
    assertEquals("obd", o.get("format").asText());
    assertEquals(7000, o.get("train_rounds").asInt());
    assertEquals(3000, o.get("heldout_rounds").asInt());
    for (String e : new String[] {"ipw", "snipw", "dr"}) {
      JsonNode v = o.get("estimates").get(e);
      assertTrue(v.get("ci_low").asDouble() <= v.get("value").asDouble()
          && v.get("value").asDouble() <= v.get("ci_high").asDouble() + 1e-12, e + " " + v);
    }
    JsonNode b = o.get("behavior_value");
    assertTrue(b.get("value").asDouble() > 0 && b.get("value").asDouble() < 0.02, b.toString());
    // A deterministic policy over 34 items matches about one held-out row in 34.
    int matching = o.get("matching_rounds").asInt();
    assertEquals(3000 / 34.0, matching, 4 * Math.sqrt(3000 / 34.0));
    JsonNode policy = JSON.readTree(f.toFile());
    assertEquals("rlsearch.linear_greedy_policy", policy.get("kind").asText());
    assertEquals(3, policy.get("weights").size());
    assertEquals(34, policy.get("weights").get(0).size());
    assertEquals(policy.get("feature_names").size(), policy.get("weights").get(0).get(0).size());
    Run text = Cli.run("learn", "--data", "data/obd", "--format", "obd", "--steps", "5", "--bootstrap", "10", "--out",
        dir.resolve("obd2.json").toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("learned (greedy)") && text.out().contains("most popular"), text.out());
  }

  @Test
  void badInputIsOneLineNamingTheProblem() throws Exception {
    String out = dir.resolve("x.json").toString();
    String[][] cases = {
        {"--format", "csv", "--data", "data/obd", "--out", out},
        {"--format", "obd", "--data", "data/obd", "--learner", "sgd", "--out", out},
        {"--format", "obd", "--data", "data/obd", "--holdout", "1", "--out", out},
        {"--format", "obd", "--data", "data/obd", "--campaign", "kids", "--out", out},
        {"--format", "team", "--data", "data/obd/random/men/men.csv", "--campaign", "men", "--out", out},
        {"--format", "obd", "--data", "data/obd", "--truth-episodes", "100", "--out", out},
        {"--format", "obd", "--data", "no/such/dir", "--out", out},
        {"--format", "decisions", "--data", "data/obd", "--out", out},
        {"--format", "obd", "--data", "data/obd", "--bootstrap", "5", "--out", out},
        {"--format", "obd", "--data", "data/obd", "--steps", "0", "--out", out},
        {"--format", "obd", "--data", "data/obd", "--folds", "1", "--out", out},
        {"--format", "decisions", "--data", "data/obd/random/men/men.csv", "--out", out},
    };
    String[] expect = {"--format must be one of", "--learner must be ipw or dr", "--holdout must lie in (0, 1)",
        "--campaign must be one of", "--campaign is for --format obd only",
        "--truth-episodes is for --format decisions",
        "no such directory", "is a directory", "--bootstrap must be in", "--steps must be in", "--folds must be in",
        "--data data/obd/random/men/men.csv: decision log"};
    for (int k = 0; k < cases.length; k++) {
      String[] args = new String[cases[k].length + 1];
      args[0] = "learn";
      System.arraycopy(cases[k], 0, args, 1, cases[k].length);
      Run r = Cli.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      String first = r.err().strip().lines().findFirst().orElse("");
      assertTrue(first.contains(expect[k]), String.join(" ", args) + " -> " + r.err());
      assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
    }
  }

  @Test
  void aDecisionLogWithAContinuousDecisionIsRefusedNamingTheFirst() {
    Path log = dir.resolve("mixed.jsonl");
    io.rlsearch.eval.ope.LoggedDecision arm = new io.rlsearch.eval.ope.LoggedDecision("uniform", 1, 0, 0,
        new double[] {1, 2}, 3, null, 0.125, null, 1.0, true, io.rlsearch.eval.ope.LoggedDecision.Outcome.NONE);
    io.rlsearch.eval.ope.LoggedDecision weights = new io.rlsearch.eval.ope.LoggedDecision("contq", 1, 1, 0,
        new double[] {1, 2}, -1, new double[] {0.5, -0.5}, 0.3, null, 2.0, true,
        io.rlsearch.eval.ope.LoggedDecision.Outcome.NONE);
    io.rlsearch.eval.ope.DecisionLog.write(log, java.util.List.of(arm, arm, weights, weights));
    Run r = Cli.run("learn", "--data", log.toString(), "--format", "decisions", "--out",
        dir.resolve("z.json").toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("decision 3 (episode 1, step 0) is a continuous boost-weight action; learning from"
        + " logs takes discrete decisions (arm >= 0) only"), r.err());
  }

  @Test
  void opeRunsAPolicyFileAsItsTargetOnTheEpisodesOfLearnsTruth() throws Exception {
    Run r = Cli.run("ope", "--behavior", "uniform", "--target", "learned:file=" + templatePolicy, "--episodes", "50",
        "--truth-episodes", "1000", "--cross-fit", "1", "--seed", "7", "--json");
    assertEquals(0, r.code(), r.err());
    // The same fresh episodes and the same greedy choices: learn's truth, to the last bit.
    assertEquals(template.get("truth").get("value").asDouble(), JSON.readTree(r.out()).get("truth").get("value")
        .asDouble(), 0.0);
    Run bare = Cli.run("ope", "--target", "learned");
    assertEquals(2, bare.code());
    assertTrue(bare.err().contains("learned needs file=PATH"), bare.err());
  }

  @Test
  void aLogTheLearnerCannotUseIsOneLineNotAnException() throws Exception {
    // Forty rounds of two positions: no reward anywhere, then one negative reward (line 12).
    StringBuilder zero = new StringBuilder("round,action,position,propensity,reward,ctx_age\n");
    StringBuilder negative = new StringBuilder(zero);
    for (int k = 0; k < 40; k++) {
      for (int p = 1; p <= 2; p++) {
        String row = "r" + k + "," + (char) ('a' + (k + p) % 3) + "," + p + ",0.5,";
        zero.append(row).append("0,").append(k % 5).append('\n');
        negative.append(row).append(k == 5 && p == 1 ? "-1" : Integer.toString((k + p) % 2)).append(',')
            .append(k % 5).append('\n');
      }
    }
    Path zeroLog = Files.writeString(dir.resolve("zero.csv"), zero);
    Path negLog = Files.writeString(dir.resolve("negative.csv"), negative);
    Run r = Cli.run("learn", "--data", zeroLog.toString(), "--format", "team", "--steps", "5", "--bootstrap", "10",
        "--out", dir.resolve("zero.json").toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("has reward 0: there is nothing to learn from") && !r.err().contains("Exception"),
        r.err());
    Run ipw = Cli.run("learn", "--data", negLog.toString(), "--format", "team", "--learner", "ipw", "--steps", "5",
        "--bootstrap", "10", "--out", dir.resolve("neg.json").toString());
    assertEquals(2, ipw.code(), ipw.err());
    assertEquals(1, ipw.err().strip().lines().count(), ipw.err());
    assertTrue(ipw.err().contains("line 12 has reward -1.0; --learner ipw takes non-negative rewards only")
        && ipw.err().contains("use --learner dr"), ipw.err());
    // the log's propensity 0.5 is a weight of 2, so a clip at 1.5 binds
    Run dr = Cli.run("learn", "--data", negLog.toString(), "--format", "team", "--learner", "dr", "--clip", "1.5",
        "--steps", "5", "--bootstrap", "10", "--out", dir.resolve("neg.json").toString(), "--json");
    assertEquals(0, dr.code(), dr.err());
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dr.out());
    assertEquals(1.5, j.get("clip").asDouble());
    assertEquals(5, j.get("steps").asInt());
    com.fasterxml.jackson.databind.JsonNode file = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("neg.json").toFile());
    assertEquals("1.5", file.get("clip").asText(), "the policy file says how it was learned: " + file);
    assertEquals(j.get("l2").asDouble(), Double.parseDouble(file.get("l2").asText()));
    Run badClip = Cli.run("learn", "--data", negLog.toString(), "--format", "team", "--clip", "0.5", "--out",
        dir.resolve("neg.json").toString());
    assertEquals(2, badClip.code(), badClip.err());
    assertTrue(badClip.err().contains("--clip must be a finite number >= 1"), badClip.err());
  }

  @Test
  void anUndefinedSnipwIsNullInJsonAndSaidSoInTheTable() throws Exception {
    io.rlsearch.eval.opl.HeldOutEvaluation.Value none = new io.rlsearch.eval.opl.HeldOutEvaluation.Value(Double.NaN,
        Double.NaN, Double.NaN);
    JsonNode v = JSON.readTree(io.rlsearch.api.Json.write(LearnCommand.value(none)));
    assertTrue(v.get("value").isNull() && v.get("ci_low").isNull() && v.get("ci_high").isNull(), v.toString());
    assertEquals("undefined (no matching rows)", LearnCommand.fmt(none));
    JsonNode some = JSON.readTree(io.rlsearch.api.Json.write(LearnCommand.value(
        new io.rlsearch.eval.opl.HeldOutEvaluation.Value(1.0, 1.0, 1.0, 12))));
    assertEquals(12, some.get("dropped_resamples").asInt());
    assertEquals("1.000 [1.000, 1.000]*12", LearnCommand.fmt(new io.rlsearch.eval.opl.HeldOutEvaluation.Value(1.0, 1.0,
        1.0, 12)), "the table marks an interval some resamples were left out of");
  }

  @Test
  void truthNeedsTheSeedTheLogWasWrittenWith() {
    Run r = Cli.run("learn", "--data", dir.resolve("uniform.jsonl").toString(), "--format", "decisions", "--seed", "8",
        "--truth-episodes", "10", "--steps", "5", "--bootstrap", "10", "--out", dir.resolve("y.json").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("was not drawn in the world of --seed 8"), r.err());
  }
}
