package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.serving.export.LuceneRescore;
import io.rlsearch.serving.export.PolicyExport;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/export.md as a script: its {@code ./rlsearch} lines run in order in a scratch directory (the
 * paths they name resolved there), each with the exit status its {@code # exit N} comment gives (0
 * without one) and the output printed in the block after it; each file sample is held to the file the
 * commands wrote: a JSON sample's fields must be the file's (an array may show only its first
 * elements; numbers are compared unless the sample says they are one training run's), a text
 * excerpt's lines must appear in the file together. Then the trained policy's exported models are
 * applied by Lucene to simulated requests and must order them as the policy serving them does.
 */
class ExportDocsTest {
  private static final Path PAGE = Path.of("docs/export.md");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FILE = Pattern.compile("`(export/[^`]+\\.(?:json|txt))`");

  @TempDir Path dir;

  record Block(String lang, List<String> lines, String before) {}

  static List<Block> blocks(List<String> page) {
    List<Block> out = new ArrayList<>();
    StringBuilder para = new StringBuilder();
    for (int i = 0; i < page.size(); i++) {
      String l = page.get(i);
      if (l.startsWith("```")) {
        String lang = l.substring(3).strip();
        List<String> text = new ArrayList<>();
        for (i++; i < page.size() && !page.get(i).startsWith("```"); i++) {
          text.add(page.get(i));
        }
        out.add(new Block(lang, text, para.toString()));
        para.setLength(0);
      } else if (!l.isBlank()) {
        para.append(l).append('\n');
      } else if (!para.isEmpty()) {
        para.append('\n');
      }
    }
    return out;
  }

  private String[] args(String line) {
    String cmd = line.substring("./rlsearch ".length());
    int hash = cmd.indexOf('#');
    if (hash >= 0) {
      cmd = cmd.substring(0, hash);
    }
    String[] w = cmd.strip().split("\\s+");
    for (int i = 1; i < w.length; i++) {
      String opt = w[i - 1];
      if (opt.equals("--out") || opt.equals("--checkpoint") || (opt.equals("--policy") && w[i].endsWith(".ckpt"))) {
        w[i] = dir.resolve(w[i]).toString();
      }
    }
    return w;
  }

  private String local(String s) {
    return s.replace(dir.toString() + "/", "");
  }

  @Test
  void theCommandsWriteTheDocumentedFilesAndTheModelsRankAsRlsearch() throws Exception {
    List<Block> blocks = blocks(Files.readAllLines(PAGE));
    int commands = 0;
    int samples = 0;
    for (int b = 0; b < blocks.size(); b++) {
      Block block = blocks.get(b);
      if (block.lang().equals("sh")) {
        Cli.Run last = null;
        int expected = 0;
        for (String line : block.lines()) {
          if (!line.startsWith("./rlsearch ")) {
            continue;
          }
          Matcher m = Pattern.compile("#\\s*exit (\\d+)").matcher(line);
          expected = m.find() ? Integer.parseInt(m.group(1)) : 0;
          last = Cli.run(args(line));
          assertEquals(expected, last.code(), line + "\n" + last.err());
          commands++;
        }
        Block next = b + 1 < blocks.size() ? blocks.get(b + 1) : null;
        if (last != null && next != null && next.lang().equals("text") && next.before().isBlank()) {
          String shown = String.join("\n", next.lines()).strip();
          assertEquals(shown, local(expected == 0 ? last.out() : last.err()).strip(), "the output after " + block);
          b++;
        }
      } else if (block.lang().equals("json") || block.lang().equals("text")) {
        Matcher m = FILE.matcher(block.before());
        if (!m.find()) {
          continue;
        }
        Path file = dir.resolve(m.group(1));
        assertTrue(Files.isRegularFile(file), "the commands wrote no " + m.group(1));
        String actual = Files.readString(file);
        if (block.lang().equals("json")) {
          boolean numbers = !block.before().contains("one training run");
          contains(JSON.readTree(String.join("\n", block.lines())), JSON.readTree(actual), m.group(1), numbers);
        } else {
          String excerpt = String.join("\n", block.lines());
          assertTrue(actual.contains(excerpt), m.group(1) + " does not hold\n" + excerpt + "\n---\n" + actual);
        }
        samples++;
      }
    }
    assertTrue(commands >= 6 && samples >= 8, commands + " commands, " + samples + " samples");
    rankAsRlsearch();
  }

  /** Every field {@code shown} has, {@code actual} has with the same value; an array may be cut short. */
  private static void contains(JsonNode shown, JsonNode actual, String where, boolean numbers) {
    if (shown.isObject()) {
      assertTrue(actual.isObject(), where + " is not an object");
      for (Iterator<Map.Entry<String, JsonNode>> it = shown.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        assertTrue(actual.has(e.getKey()), where + " has no " + e.getKey());
        contains(e.getValue(), actual.get(e.getKey()), where + "." + e.getKey(), numbers);
      }
      assertEquals(actual.size(), shown.size(), where + ": the sample leaves out a field");
    } else if (shown.isArray()) {
      assertTrue(actual.isArray() && actual.size() >= shown.size(), where + " is not an array of " + shown.size());
      for (int i = 0; i < shown.size(); i++) {
        contains(shown.get(i), actual.get(i), where + "[" + i + "]", numbers);
      }
    } else if (shown.isNumber()) {
      assertTrue(actual.isNumber(), where + " is not a number");
      if (numbers) {
        assertEquals(shown.doubleValue(), actual.doubleValue(), where);
      }
    } else {
      assertEquals(shown, actual, where);
    }
  }

  /** The trained policy's exported segment models, applied by Lucene, order a segment's requests as rlsearch. */
  private void rankAsRlsearch() throws Exception {
    SimSettings sim = ZoosimConfig.load(Optional.empty());
    ServingSchema schema = ServingSchema.world(sim);
    ServingPolicy bound;
    try (var learner = new io.rlsearch.learn.SharedLearner()) {
      bound = ServingPolicies.bind(PolicyCatalog.fromCheckpoint(dir.resolve("reinforce.ckpt"), schema, learner)
          .greedy(), schema);
    }
    Map<String, Float> w = LuceneRescore.weights(Files.readString(dir.resolve("export/reinforce/model-premium.json")));
    SimulatedRequests requests = new SimulatedRequests(World.generate(sim, new NumpyRandom(sim.seed())), 0L);
    RankRequest r = requests.session(0).request();
    // the segment's model ranks any request of the segment's mean context as the policy ranks it there
    double[] ctx = io.rlsearch.serving.export.SegmentContexts.of(World.generate(sim, new NumpyRandom(sim.seed())))
        .get("premium");
    RankRequest at = new RankRequest(Optional.empty(), Optional.empty(), ctx, r.ids(), r.baseScores(), r.features(),
        r.size());
    double[] weights = ServingPolicies.greedyWeights(bound, at, new NumpyRandom(0)).orElseThrow();
    double[] scores = new double[at.size()];
    for (int i = 0; i < at.size(); i++) {
      double s = at.baseScore(i);
      for (int j = 0; j < weights.length; j++) {
        s += weights[j] * at.features()[i][j];
      }
      scores[i] = s;
    }
    // float32 cannot resolve scores closer than this at these magnitudes (ExportLuceneTest)
    RankRequest apart = LuceneRescore.separated(at, scores, 1e-3);
    assertTrue(apart.size() >= 50, apart.size() + " of " + at.size() + " candidates are 1e-3 apart");
    double min = java.util.Arrays.stream(scores).min().orElseThrow();
    int[] ours = bound.rank(apart, new NumpyRandom(0)).order();
    int[] lucene = LuceneRescore.rank(apart.baseScores(), apart.features(), schema.candidate(), w,
        Math.max(0, -min) + 1);
    assertEquals(java.util.Arrays.toString(ours), java.util.Arrays.toString(lucene), "Lucene's order of "
        + apart.size() + " candidates");
    assertEquals(PolicyExport.BASE, w.keySet().iterator().next());
  }
}
