package io.rlsearch.app;

import static io.rlsearch.app.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.app.Cli.Run;
import io.rlsearch.serving.PolicyForm;
import io.rlsearch.serving.export.LuceneRescore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} of a template bandit: one model per segment, each the vector of one of the eight
 * templates over the six template features; a context set with {@code --context}; and the one-line
 * refusals of what it cannot export.
 */
class ExportCommandTest {
  private static final String WORLD = "catalog { n_products = 400 }";

  @TempDir static Path dir;
  private static Path linucb;
  private static Path world;

  @BeforeAll
  static void train() throws Exception {
    Path exp = dir.resolve("simple.conf");
    Files.writeString(exp, "experiment { world { " + WORLD + " }, round_size = 50, features = simple }\n");
    world = dir.resolve("world.conf");
    Files.writeString(world, WORLD + "\n");
    linucb = dir.resolve("linucb.ckpt");
    Run r = run("train", "--experiment", exp.toString(), "--agent", "linucb", "--episodes", "150", "--seed", "5",
        "--shards", "1", "--deterministic", "--json", "--checkpoint", linucb.toString());
    assertEquals(0, r.code(), r.err());
  }

  private static Run export(String... more) {
    List<String> a = new ArrayList<>(List.of("export", "--config", world.toString(), "--policy", linucb.toString()));
    a.addAll(List.of(more));
    return run(a.toArray(String[]::new));
  }

  @Test
  void aTemplateBanditExportsOneTemplatePerSegment() throws Exception {
    Path out = dir.resolve("solr");
    Run r = export("--format", "solr-ltr", "--segment", "price_hunter", "--segment", "premium", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    for (String seg : List.of("price_hunter", "premium")) {
      Map<String, Float> w = LuceneRescore.weights(Files.readString(out.resolve("model-" + seg + ".json")));
      List<String> expectedNames = new ArrayList<>(List.of("original_score"));
      expectedNames.addAll(PolicyForm.TEMPLATE_CANDIDATE);
      assertEquals(expectedNames, List.copyOf(w.keySet()));
      boolean aTemplate = false;
      for (double[] t : PolicyForm.templateArms()) {
        boolean same = true;
        for (int j = 0; j < t.length; j++) {
          same &= w.get(PolicyForm.TEMPLATE_CANDIDATE.get(j)) == (float) t[j];
        }
        aTemplate |= same;
      }
      assertTrue(aTemplate, seg + ": " + w + " is no template's vector");
    }
    String readme = Files.readString(out.resolve("README.txt"));
    assertTrue(readme.contains("for the context 'premium':\n    segment_price_hunter = 0.00000"), readme);
    // the Chapter-6 context's bias is the adapter's constant, not a feature an engine is told about
    assertFalse(java.util.regex.Pattern.compile("(?m)^    =").matcher(readme).find(), readme);
  }

  /**
   * A policy file of {@code learn} (template task, rich features) exports as the template it chooses for
   * each segment's context. Its scores are built so that the answer is known: Budget (-3 on price) for
   * a price hunter, Premium (+3 on price) for a premium user, Neutral (0) otherwise.
   */
  @Test
  void aLearnedTemplatePolicyExportsTheTemplateItChoosesForEachSegment() throws Exception {
    List<String> names = PolicyForm.templateContext(io.rlsearch.experiments.TemplateBandits.FeatureMode.RICH,
        io.rlsearch.sim.ZoosimConfig.fromString(WORLD));
    int k = io.rlsearch.sim.Templates.NAMES.size();
    double[][][] w = new double[1][k][names.size()];
    double[][] b = new double[1][k];
    int budget = io.rlsearch.sim.Templates.NAMES.indexOf("Budget");
    int premium = io.rlsearch.sim.Templates.NAMES.indexOf("Premium");
    w[0][budget][names.indexOf("segment_price_hunter")] = 10;
    w[0][premium][names.indexOf("segment_premium")] = 10;
    b[0][0] = 1; // Neutral wins where neither segment is set
    Path policy = dir.resolve("learned-templates.json");
    new io.rlsearch.eval.opl.LinearPolicy("dr", names, io.rlsearch.sim.Templates.NAMES, w, b, true, 7, 100,
        Map.of("format", "decisions", "task", "templates", "features", "rich")).write(policy);
    Path out = dir.resolve("learned");
    Run r = run("export", "--config", world.toString(), "--policy", policy.toString(), "--format", "solr-ltr",
        "--segment", "price_hunter", "--segment", "premium", "--segment", "pl_lover", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, Double> price = Map.of("price_hunter", -3.0, "premium", 3.0, "pl_lover", 0.0);
    for (String seg : price.keySet()) {
      Map<String, Float> m = LuceneRescore.weights(Files.readString(out.resolve("model-" + seg + ".json")));
      assertEquals(1f, m.get("original_score"), seg);
      for (String f : PolicyForm.TEMPLATE_CANDIDATE) {
        assertEquals(f.equals("price") ? price.get(seg).floatValue() : 0f, m.get(f), seg + " " + f + ": " + m);
      }
    }
  }

  @Test
  void aContextIsSetFeatureByFeature() throws Exception {
    Path out = dir.resolve("ctx");
    Run r = export("--format", "opensearch-ltr", "--context", "segment_premium=1", "--context", "query_brand=1",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String readme = Files.readString(out.resolve("README.txt"));
    assertTrue(readme.contains("model-context.json: rlsearch_linucb_context, for the context 'context':"), readme);
    assertTrue(readme.contains("    segment_premium = 1.00000\n"), readme);
    assertTrue(readme.contains("    query_brand = 1.00000\n"), readme);
  }

  @Test
  void whatCannotBeExportedIsRefusedWithOneLine() {
    Path out = dir.resolve("refused");
    Run none = export("--format", "solr-ltr", "--out", out.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("its weights depend on the context: give --segment SEG"), none.err());
    Run badSeg = export("--format", "solr-ltr", "--segment", "students", "--out", out.toString());
    assertEquals(2, badSeg.code());
    assertTrue(badSeg.err().contains("--segment: no segment 'students'; segments: price_hunter"), badSeg.err());
    Run badCtx = export("--format", "solr-ltr", "--context", "age=3", "--out", out.toString());
    assertEquals(2, badCtx.code());
    assertTrue(badCtx.err().contains("--context must be NAME=VALUE with NAME a context feature"), badCtx.err());
    Run badFormat = export("--format", "vespa", "--segment", "premium", "--out", out.toString());
    assertEquals(2, badFormat.code());
    assertTrue(badFormat.err().contains("--format must be solr-ltr or opensearch-ltr, got 'vespa'"), badFormat.err());
    Run noPolicy = run("export", "--format", "solr-ltr", "--policy", "nothing_here", "--out", out.toString());
    assertEquals(2, noPolicy.code());
    assertTrue(noPolicy.err().contains("no file 'nothing_here' and no built-in of that name"), noPolicy.err());
    for (Run x : List.of(none, badSeg, badCtx, badFormat, noPolicy)) {
      assertEquals(1, x.err().strip().lines().count(), x.err());
      assertFalse(x.err().contains("Exception"), x.err());
    }
    assertFalse(Files.exists(out), "nothing is written when refused");
  }
}
