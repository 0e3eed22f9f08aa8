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
