package io.rlsearch.app;

import static io.rlsearch.app.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.api.Training;
import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.app.Cli.Run;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.learn.Checkpoints;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.serving.PolicyForm;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `train --checkpoint` records the features a policy reads; `serve --policy-file` loads a checkpoint of
 * every family that acts on a context and refuses, with one line, one whose features the schema lacks.
 */
class ServePolicyFileTest {
  private static final String WORLD_OVERLAY = "catalog { n_products = 400 }";
  private static final SimSettings SIM = ZoosimConfig.fromString(WORLD_OVERLAY);
  private static final ServingSchema WORLD_ALL = ServingSchema.world(SIM);
  /** A service's schema with the boost-weight task's 17 context features only (no true sensitivities). */
  private static final ServingSchema WORLD = new ServingSchema(
      io.rlsearch.serving.ServingPolicies.bareContext(WORLD_ALL), WORLD_ALL.candidate(), Map.of(),
      WORLD_ALL.reward(), WORLD_ALL.limits());
  private static final ServingSchema WITH_TRUE;

  static {
    List<String> ctx = new ArrayList<>(WORLD.context());
    ctx.addAll(PolicyForm.TRUE_SENSITIVITIES);
    WITH_TRUE = new ServingSchema(ctx, WORLD.candidate(), Map.of(), WORLD.reward(), WORLD.limits());
  }

  @TempDir static Path dir;
  private static SharedLearner learner;
  private static final Map<String, Path> CHECKPOINTS = new LinkedHashMap<>();

  /** Trains {@code agent} a few episodes with {@code features}, checkpointed at the end. */
  private static Path train(String agent, String features) throws Exception {
    Path exp = dir.resolve(agent + "-" + features + ".conf");
    Files.writeString(exp, "experiment { world { " + WORLD_OVERLAY + " }, round_size = 50, features = " + features
        + " }\n");
    Path cp = dir.resolve(agent + "-" + features + ".ckpt");
    Run r = run("train", "--experiment", exp.toString(), "--agent", agent, "--episodes", "150", "--seed", "5",
        "--shards", "1", "--deterministic", "--json", "--checkpoint", cp.toString());
    assertEquals(0, r.code(), r.err());
    return cp;
  }

  @BeforeAll
  static void trainOnePerFamily() throws Exception {
    learner = new SharedLearner();
    CHECKPOINTS.put("reinforce", train("reinforce", "rich"));
    CHECKPOINTS.put("linucb", train("linucb", "simple"));
    CHECKPOINTS.put("linucb-rich", train("linucb", "rich"));
    CHECKPOINTS.put("neural_ensemble", train("neural_ensemble", "simple"));
    CHECKPOINTS.put("diffrank", train("diffrank", "rich"));
    CHECKPOINTS.put("slateq", train("slateq", "rich"));
  }

  @AfterAll
  static void close() {
    learner.close();
  }

  private static RankRequest request(ServingSchema s, int n, long seed) {
    return io.rlsearch.testing.RandomRequests.of(s, n, Math.min(n, 5), seed);
  }

  private static void assertRanks(ServingPolicies.Trained t, ServingSchema s) {
    for (long seed = 0; seed < 5; seed++) {
      RankRequest r = request(s, 8, seed);
      Ranked out = ServingPolicies.bind(t, s).rank(r, new NumpyRandom(seed));
      assertEquals(r.k(), out.order().length);
      Set<Integer> seen = new HashSet<>();
      for (int i : out.order()) {
        assertTrue(i >= 0 && i < r.size() && seen.add(i));
      }
      assertTrue(out.propensity() > 0 && Double.isFinite(out.propensity()));
      // What it read is the request's features named by the form (a constant where the form has one).
      List<String> c = t.form().context();
      double[] in = out.policyInput();
      assertEquals(c.size(), in.length);
      for (int j = 0; j < c.size(); j++) {
        double want = PolicyForm.isConstant(c.get(j)) ? PolicyForm.constant(c.get(j))
            : r.context()[s.context().indexOf(c.get(j))];
        assertEquals(want, in[j], 0.0, c.get(j));
      }
      if (t.form().kind() == PolicyForm.Kind.BOOST) {
        Decision d = t.policy().act(in, new NumpyRandom(seed));
        assertEquals(d.arm(), out.decision().arm());
        assertArrayEquals(d.action(), out.decision().action(), 0.0);
      }
    }
  }

  @Test
  void aCheckpointOfEachFamilyRecordsItsFeaturesAndServesUnderTheWorldSchema() {
    Map<String, String> kind = Map.of("reinforce", "weights", "linucb", "arm", "neural_ensemble", "arm");
    for (String agent : kind.keySet()) {
      Checkpoints.Checkpoint c = Checkpoints.read(CHECKPOINTS.get(agent));
      ServingPolicies.Trained t = PolicyCatalog.fromCheckpoint(CHECKPOINTS.get(agent), WORLD, learner);
      assertEquals(PolicyForm.decode(c.config().get(Training.CONTEXT_FEATURES)), t.form().context(), agent);
      assertEquals(PolicyForm.decode(c.config().get(Training.CANDIDATE_FEATURES)), t.form().candidate(), agent);
      assertEquals(agent, t.agent());
      assertRanks(t, WORLD);
      assertEquals(kind.get(agent), ServingPolicies.bind(t, WORLD).rank(request(WORLD, 4, 9), new NumpyRandom(1))
          .propensityOf(), agent);
    }
    assertEquals(WORLD.context(), PolicyCatalog.fromCheckpoint(CHECKPOINTS.get("reinforce"), WORLD, learner).form()
        .context(), "the weight task reads the world schema itself");
  }

  @Test
  void everyFamilyTrainedOnTheWorldServesUnderTheDefaultSchemaOutOfTheBox() {
    // serve's default schema is the world's with its extras (true sensitivities, Chapter-6 estimates).
    for (Map.Entry<String, Path> e : CHECKPOINTS.entrySet()) {
      ServingPolicies.Trained t = PolicyCatalog.fromCheckpoint(e.getValue(), WORLD_ALL, learner);
      assertEquals(e.getKey().replace("-rich", ""), t.agent());
      assertRanks(t, WORLD_ALL);
    }
  }

  @Test
  void aSlateCheckpointReadsTheTrueSensitivitiesSoOnlyASchemaWithThemServesIt() throws Exception {
    Path cp = CHECKPOINTS.get("diffrank");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyCatalog.fromCheckpoint(cp, WORLD, learner));
    assertTrue(e.getMessage().contains("reads the context feature 'true_price_sensitivity'"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    ServingPolicies.Trained t = PolicyCatalog.fromCheckpoint(cp, WITH_TRUE, learner);
    assertEquals(PolicyForm.Kind.SLATE, t.form().kind());
    assertRanks(t, WITH_TRUE);
    Ranked out = ServingPolicies.bind(t, WITH_TRUE).rank(request(WITH_TRUE, 30, 3), new NumpyRandom(3));
    assertEquals("ranking", out.propensityOf(), "diffrank explores by Plackett-Luce sampling");
    ServingPolicies.Trained q = PolicyCatalog.fromCheckpoint(CHECKPOINTS.get("slateq"), WITH_TRUE, learner);
    assertEquals("slateq", q.agent());
    assertRanks(q, WITH_TRUE);
    Ranked qo = ServingPolicies.bind(q, WITH_TRUE).rank(request(WITH_TRUE, 30, 3), new NumpyRandom(3));
    double eps = ((io.rlsearch.agents.slate.SlateQSnapshot) q.policy()).epsilon();
    assertEquals(eps > 0 ? "exploration" : "deterministic", qo.propensityOf());
    assertTrue(eps == 0 || qo.propensity() == eps || qo.propensity() == 1 - eps, "the branch's probability");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PolicyCatalog.fromCheckpoint(
        CHECKPOINTS.get("slateq"), WORLD, learner)).getMessage().contains("'true_price_sensitivity'"));
    // Through the command's path, under a service's schema without the true sensitivities: one line
    // naming the policy file and the missing feature.
    io.rlsearch.sim.World small = io.rlsearch.testing.Runs.smallWorld(3);
    ServingSchema all = ServingSchema.world(small.settings());
    ServingSchema service = new ServingSchema(io.rlsearch.serving.ServingPolicies.bareContext(all), all.candidate(),
        Map.of(), all.reward(), all.limits());
    io.rlsearch.api.BadRequestException b = assertThrows(io.rlsearch.api.BadRequestException.class,
        () -> Serving.start(small, "neutral", List.of("slate=" + cp), 1, Optional.empty(), 3, "127.0.0.1", 0,
            Optional.empty(), 0, 0, service));
    assertTrue(b.getMessage().startsWith("--policy-file slate: the policy of 'diffrank' reads the context feature"
        + " 'true_price_sensitivity'"), b.getMessage());
    assertEquals(1, b.getMessage().lines().count());
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static com.fasterxml.jackson.databind.JsonNode post(int port, String path, String body) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(java.time.Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /**
   * A slate policy's real decision is logged with what evaluating another slate policy on it needs: the
   * candidates' ids, base scores and feature rows as the request gave them (in the schema's order), the
   * ranking returned and its propensity, and what that propensity is of; 100 candidates of 10 features
   * make a line of about 10 KB.
   */
  @Test
  void aSlateDecisionIsLoggedWithItsCandidatesRowsAndRankingCompactly() throws Exception {
    io.rlsearch.sim.World small = io.rlsearch.testing.Runs.smallWorld(3);
    ServingSchema schema = ServingSchema.world(small.settings());
    Path log = dir.resolve("slate-decisions.jsonl");
    com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode();
    body.put("request_id", "slate-1");
    java.util.Random rnd = new java.util.Random(7);
    com.fasterxml.jackson.databind.node.ObjectNode ctx = body.putObject("context");
    for (String f : schema.context()) {
      ctx.put(f, Math.round(rnd.nextGaussian() * 1000) / 1000.0);
    }
    com.fasterxml.jackson.databind.node.ArrayNode cands = body.putArray("candidates");
    int n = 100;
    for (int i = 0; i < n; i++) {
      com.fasterxml.jackson.databind.node.ObjectNode c = cands.addObject();
      c.put("id", "sku-" + (1000 + i));
      c.put("base_score", Math.round(rnd.nextDouble() * 1000) / 1000.0);
      com.fasterxml.jackson.databind.node.ObjectNode f = c.putObject("features");
      // In an order other than the schema's: the log keeps the schema's.
      List<String> names = new ArrayList<>(schema.candidate());
      java.util.Collections.reverse(names);
      for (String name : names) {
        f.put(name, Math.round(rnd.nextGaussian() * 1000) / 1000.0);
      }
    }
    body.put("k", 10);
    com.fasterxml.jackson.databind.JsonNode answer;
    try (Serving.Running run = Serving.start(small, "neutral", List.of("slate=" + CHECKPOINTS.get("diffrank")), 1,
        Optional.of(log), 3, "127.0.0.1", 0, Optional.empty(), 0, 0, schema)) {
      int p = run.port();
      long slate = -1;
      for (com.fasterxml.jackson.databind.JsonNode v : JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + p + "/policies")).GET()
              .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body()).get("versions")) {
        if (v.get("name").asText().equals("slate")) {
          slate = v.get("version").asLong();
        }
      }
      assertTrue(slate > 0, "the policy file is a version");
      post(p, "/policies/" + slate + "/promote", "{}");
      answer = post(p, "/v1/rank", body.toString());
      assertEquals("slate", answer.get("policy").asText(), answer.toString());
      post(p, "/v1/feedback", "{\"decision_id\": \"" + answer.get("decision_id").asText() + "\", \"reward\": 1.5}");
      assertEquals(1, run.system().flushLog());
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size());
    String line = lines.get(0);
    assertTrue(line.length() < 10_000, "a line of 100 candidates x 10 features stays compact: " + line.length()
        + " characters");
    com.fasterxml.jackson.databind.JsonNode d = JSON.readTree(line);
    assertEquals(answer.get("propensity_of").asText(), d.path("propensityOf").asText(), line);
    assertEquals(answer.get("propensity").asDouble(), d.get("propensity").asDouble());
    com.fasterxml.jackson.databind.JsonNode s = d.path("slate");
    assertTrue(s.isObject(), "the slate part: " + line);
    List<String> features = new ArrayList<>();
    s.get("features").forEach(f -> features.add(f.asText()));
    assertEquals(schema.candidate(), features, "the rows' columns: the schema's candidate features, in its order");
    assertEquals(n, s.get("ids").size());
    for (int i = 0; i < n; i++) {
      com.fasterxml.jackson.databind.JsonNode c = body.get("candidates").get(i);
      assertEquals(c.get("id").asText(), s.get("ids").get(i).asText());
      assertEquals(c.get("base_score").asDouble(), s.get("baseScores").get(i).asDouble());
      for (int j = 0; j < features.size(); j++) {
        assertEquals(c.get("features").get(features.get(j)).asDouble(), s.get("rows").get(i).get(j).asDouble(),
            "candidate " + i + " feature " + features.get(j) + ": as the request gave it");
      }
    }
    assertEquals(answer.get("ranking").size(), s.get("ranking").size());
    for (int r = 0; r < s.get("ranking").size(); r++) {
      assertEquals(answer.get("ranking").get(r).asText(), s.get("ids").get(s.get("ranking").get(r).asInt()).asText());
    }
    // And the log's reader gives the same slate as the request ranked in-process.
    io.rlsearch.eval.ope.LoggedDecision read = io.rlsearch.eval.ope.DecisionLog.read(log).get(0);
    RankRequest parsed = RankRequest.parse(body, schema);
    io.rlsearch.eval.ope.LoggedDecision.Slate got = read.slate();
    assertEquals(List.of(parsed.ids()), got.ids());
    assertArrayEquals(parsed.baseScores(), got.baseScores(), 0.0);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(parsed.features()[i], got.rows()[i], 0.0);
    }
    assertEquals(io.rlsearch.eval.ope.LoggedDecision.RANKING, read.propensityOf());
    assertEquals(0, read.action().length, "the slate says what the policy did; no score vector");
  }

  @Test
  void aTemplateBanditOnTheOracleContextIsRefusedByTheWorldSchemaAndServedByOneWithTheOracle() {
    Path cp = CHECKPOINTS.get("linucb-rich");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyCatalog.fromCheckpoint(cp, WORLD, learner));
    assertTrue(e.getMessage().contains("'true_price_sensitivity'"), e.getMessage());
    assertRanks(PolicyCatalog.fromCheckpoint(cp, WITH_TRUE, learner), WITH_TRUE);
  }

  private static Path rewritten(Path from, String name, java.util.function.Consumer<Map<String, String>> edit)
      throws Exception {
    Checkpoints.Checkpoint c = Checkpoints.read(from);
    Map<String, String> cfg = new LinkedHashMap<>(c.config());
    edit.accept(cfg);
    Path out = dir.resolve(name);
    Checkpoints.write(out, new Checkpoints.Checkpoint(cfg, c.usersDone(), c.version(), c.learned(), c.state(),
        c.learnedBeyond()));
    return out;
  }

  @Test
  void anOldCheckpointIsReadAsTrainedUnderTheWorldSchemaOfItsTask() throws Exception {
    for (String agent : List.of("linucb", "reinforce")) {
      Path old = rewritten(CHECKPOINTS.get(agent), agent + "-old.ckpt", cfg -> {
        cfg.remove(Training.CONTEXT_FEATURES);
        cfg.remove(Training.CANDIDATE_FEATURES);
      });
      ServingPolicies.Trained t = PolicyCatalog.fromCheckpoint(old, WORLD, learner);
      assertEquals(PolicyCatalog.fromCheckpoint(CHECKPOINTS.get(agent), WORLD, learner).form().context(),
          t.form().context());
      assertRanks(t, WORLD);
    }
  }

  @Test
  void aCheckpointTrainedUnderAnotherSchemaOrCorruptIsRefusedWithOneLine() throws Exception {
    Path other = rewritten(CHECKPOINTS.get("reinforce"), "other-schema.ckpt", cfg -> {
      List<String> ctx = new ArrayList<>(PolicyForm.decode(cfg.get(Training.CONTEXT_FEATURES)));
      ctx.set(3, "basket_value");
      cfg.put(Training.CONTEXT_FEATURES, PolicyForm.encode(ctx));
    });
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyCatalog.fromCheckpoint(other, WORLD, learner));
    assertEquals("the policy of 'reinforce' reads the context feature 'basket_value', which the serving schema does"
        + " not have (it was trained under another schema)", e.getMessage());
    Path cand = rewritten(CHECKPOINTS.get("linucb"), "other-candidates.ckpt", cfg -> cfg.put(
        Training.CANDIDATE_FEATURES, PolicyForm.encode(List.of("cm2", "discount", "private_label", "bestseller",
            "price", "margin_rank"))));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PolicyCatalog.fromCheckpoint(cand, WORLD, learner))
        .getMessage().contains("reads the candidate feature 'margin_rank'"));
    Path wrongCount = rewritten(CHECKPOINTS.get("linucb"), "wrong-count.ckpt", cfg -> cfg.put(
        Training.CANDIDATE_FEATURES, PolicyForm.encode(List.of("cm2"))));
    String wc = assertThrows(IllegalArgumentException.class, () -> PolicyCatalog.fromCheckpoint(wrongCount, WORLD,
        learner)).getMessage();
    assertTrue(wc.contains("do not fit the policy's task"), wc);

    byte[] good = Files.readAllBytes(CHECKPOINTS.get("linucb"));
    Path flipped = dir.resolve("flipped.ckpt");
    byte[] bad = good.clone();
    bad[bad.length - 10] ^= 0x01;
    Files.write(flipped, bad);
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "not a checkpoint\n");
    Path truncated = dir.resolve("truncated.ckpt");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
    for (Path p : List.of(flipped, text, truncated, dir.resolve("missing.ckpt"))) {
      IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
          () -> PolicyCatalog.fromCheckpoint(p, WORLD, learner));
      assertEquals(1, x.getMessage().lines().count(), x.getMessage());
      assertTrue(x.getMessage().contains(p.toString()), x.getMessage());
    }
  }
}
