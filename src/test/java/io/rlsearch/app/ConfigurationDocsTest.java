package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every key of the shipped configuration files is documented: its full path, or its last segment
 * in a row of a table that names its section, appears in backticks in docs/world.md or
 * docs/configuration.md.
 */
class ConfigurationDocsTest {
  @Test
  void everyShippedKeyIsDocumented() throws Exception {
    String docs = Files.readString(Path.of("docs/world.md")) + Files.readString(Path.of("docs/configuration.md"));
    List<String> rows = docs.lines().filter(l -> l.startsWith("|")).toList();
    TreeSet<String> missing = new TreeSet<>();
    for (String file : List.of("config/zoosim.conf", "config/experiments/default.conf", "actors/local.conf",
        "actors/cluster.conf")) {
      Config c = ConfigFactory.parseFile(Path.of(file).toFile());
      for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
        String key = e.getKey();
        if (key.startsWith("pekko.")) {
          continue; // Pekko's own settings, documented by Pekko
        }
        String[] parts = key.split("\\.");
        // documented: the key, a row naming its last segment beside its section, or a row naming its parent
        // (a map of values such as behavior.pos_bias, or a dispatcher's executor settings)
        boolean found = docs.contains("`" + key + "`") || docs.contains(key.substring(key.indexOf('.') + 1) + "`");
        String last = parts[parts.length - 1];
        for (int k = parts.length - 1; k >= 1 && !found; k--) {
          int i = k;
          String parent = String.join(".", java.util.Arrays.copyOfRange(parts, 0, i));
          String parentName = parts[i - 1];
          String heading = parts[0];
          found = rows.stream().anyMatch(r -> r.contains("`" + parent + "`")
              || (r.contains("`" + parentName + "`") && i >= 2)
              || (r.contains("`" + last + "`") && (r.contains(parentName) || blockOf(docs, r).contains(heading))));
        }        if (!found) {
          missing.add(file + ": " + key);
        }
      }
    }
    assertEquals("", String.join("\n", missing));
  }

  /**
   * Every configuration key a page names in backticks with its section (`catalog.n_products`,
   * `rlsearch.topology.shards`, `experiment.agent`) is a key, or a section, of the shipped files.
   */
  @Test
  void everyKeyTheDocsNameExists() throws Exception {
    Config all = ConfigFactory.empty();
    for (String file : List.of("config/zoosim.conf", "config/experiments/default.conf", "actors/local.conf",
        "actors/cluster.conf")) {
      all = all.withFallback(ConfigFactory.parseFile(Path.of(file).toFile()));
    }
    java.util.Set<String> roots = all.root().keySet();
    java.util.regex.Pattern key = java.util.regex.Pattern.compile("`([a-z_]+)((?:\\.[a-z0-9_-]+)+)`");
    TreeSet<String> unknown = new TreeSet<>();
    for (Path page : io.rlsearch.DocsTest.pages()) {
      java.util.regex.Matcher m = key.matcher(Files.readString(page));
      while (m.find()) {
        String k = m.group(1) + m.group(2);
        // rlsearch.linear_greedy_policy is the kind a learned policy file declares, not a setting;
        // rlsearch.cmd is the Windows launcher, a file of the repository
        boolean file = Files.exists(Path.of(k));
        if (roots.contains(m.group(1)) && !m.group(1).equals("pekko") && !all.hasPathOrNull(k)
            && !k.equals(io.rlsearch.eval.opl.LinearPolicy.KIND) && !file) {
          unknown.add(Path.of("").toAbsolutePath().relativize(page) + ": " + k);
        }
      }
    }
    assertEquals("", String.join("\n", unknown), "keys the docs name that the shipped configuration does not have");
  }

  /**
   * The default docs/configuration.md gives each key of the experiment, topology and cluster tables is
   * the shipped file's value (rows whose defaults cell does not list one value per key are prose, and
   * are left out).
   */
  @Test
  void theDefaultsTheTablesGiveAreTheShippedOnes() throws Exception {
    Config all = ConfigFactory.parseFile(Path.of("config/experiments/default.conf").toFile())
        .withFallback(ConfigFactory.parseFile(Path.of("actors/cluster.conf").toFile()))
        .withFallback(ConfigFactory.parseFile(Path.of("actors/local.conf").toFile()));
    java.util.Map<String, String> sections = java.util.Map.of("## The experiment", "experiment.",
        "## The topology", "", "## The cluster", "rlsearch.cluster.");
    TreeSet<String> wrong = new TreeSet<>();
    int checked = 0;
    String prefix = null;
    for (String line : Files.readAllLines(Path.of("docs/configuration.md"))) {
      if (line.startsWith("## ")) {
        prefix = sections.entrySet().stream().filter(e -> line.startsWith(e.getKey())).map(java.util.Map.Entry::getValue)
            .findFirst().orElse(null);
        continue;
      }
      if (prefix == null || !line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\s*\\|\\s*");
      java.util.List<String> keys = new java.util.ArrayList<>();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([a-z_.*-]+)`").matcher(cells[1]);
      while (m.find()) {
        String k = m.group(1);
        keys.add(k.contains(".") && (k.startsWith("rlsearch.") || k.startsWith("pekko.")) ? k
            : keys.isEmpty() ? prefix + k : keys.get(0).substring(0, keys.get(0).lastIndexOf('.') + 1) + k);
      }
      String[] defaults = cells[2].split(",\\s*");
      if (keys.size() != defaults.length) {
        continue;
      }
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).contains("*") || !all.hasPath(keys.get(i))) {
          continue; // keys the other tests check
        }
        Object v = all.getValue(keys.get(i)).unwrapped();
        if (v instanceof java.util.Map<?, ?> map && !map.isEmpty()) {
          continue; // a section (a mailbox's or dispatcher's settings), described in words
        }
        String shipped = v instanceof java.util.Map<?, ?> map && map.isEmpty() ? "{}" : String.valueOf(v);
        String doc = defaults[i].strip().replace("\"", "");
        boolean same = shipped.equals(doc) || shipped.isEmpty() && doc.isEmpty()
            || (v instanceof Number n && doc.matches("-?[0-9.]+") && n.doubleValue() == Double.parseDouble(doc));
        checked++;
        if (!same) {
          wrong.add(keys.get(i) + ": docs " + doc + ", shipped " + shipped);
        }
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(checked >= 30, "only " + checked + " defaults checked");
    assertEquals("", String.join("\n", wrong), "docs/configuration.md's defaults against the shipped files");
  }

  @Test
  void theExperimentFileNamesEveryBuiltInAgent() throws Exception {
    String conf = Files.readString(Path.of("config/experiments/default.conf"));
    TreeSet<String> missing = new TreeSet<>();
    for (List<String> names : List.of(io.rlsearch.api.Agents.TEMPLATE, io.rlsearch.api.RunConfig.NEURAL)) {
      for (String name : names) {
        if (!java.util.regex.Pattern.compile("#.*\\b" + name + "\\b").matcher(conf).find()) {
          missing.add(name);
        }
      }
    }
    assertEquals("", String.join(", ", missing), "agents the comment of experiment.agent does not name");
  }

  @Test
  void theDocsNameEveryPathWhoseChangesRebuildTheJarAndTheConfigHelpEverySection() throws Exception {
    String launcher = Files.readString(Path.of("rlsearch"));
    java.util.regex.Matcher find = java.util.regex.Pattern.compile("find ((?:\"\\$here/[^\"]+\" )+)-newer").matcher(launcher);
    org.junit.jupiter.api.Assertions.assertTrue(find.find(), "the launcher's find of changed files");
    java.util.regex.Matcher path = java.util.regex.Pattern.compile("\\$here/([^\"]+)").matcher(find.group(1));
    for (String page : List.of("docs/commands.md")) {
      String text = Files.readString(Path.of(page)).replaceAll("\\s+", " ");
      int at = text.indexOf("`./rlsearch` rebuilds");
      String sentence = text.substring(at, text.indexOf(" newer than", at));
      path.reset();
      while (path.find()) {
        String p = path.group(1);
        org.junit.jupiter.api.Assertions.assertTrue(sentence.contains("`" + p + "`") || sentence.contains("`" + p + "/`"),
            page + " does not name " + p + ": " + sentence);
      }
    }
    String help = ConfigOption.class.getDeclaredField("file").getAnnotation(picocli.CommandLine.Option.class)
        .description()[0];
    for (String section : ConfigFactory.parseFile(Path.of("config/zoosim.conf").toFile()).root().keySet()) {
      org.junit.jupiter.api.Assertions.assertTrue(help.contains(section), "--config's help omits " + section);
    }
  }

  /** The heading above a table row. */
  private static String blockOf(String docs, String row) {
    int at = docs.indexOf(row);
    int h = docs.lastIndexOf("\n#", at);
    return h < 0 ? "" : docs.substring(h, docs.indexOf('\n', h + 1));
  }
}
