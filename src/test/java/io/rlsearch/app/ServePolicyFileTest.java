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
