package io.rlsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README and docs/ stay true to the tree: links resolve, every world setting is documented. */
public class DocsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();

  /** The README, every page under docs/ (guides included) and the example agent's README. */
  public static List<Path> pages() throws IOException {
    List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
    }
    out.add(ROOT.resolve("examples/custom-agent/README.md"));
    return out;
  }

  /** Pages another change adds; a link to one is accepted until it exists. */
  private static final List<String> PENDING = List.of();

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
  static String anchor(String heading) {
    return heading.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  /** The anchors of a page's headings (outside fenced code). */
  static java.util.Set<String> anchors(Path page) throws IOException {
    java.util.Set<String> out = new java.util.HashSet<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(page)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("#")) {
        String a = anchor(line.replaceFirst("^#+", ""));
        String u = a;
        for (int i = 1; out.contains(u); i++) {
          u = a + "-" + i;
        }
        out.add(u);
      }
    }
    return out;
  }

  @Test
  void theReadmeIsALandingPageThatStartsWithOneSentenceThenTheTwoCommands() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    assertTrue(lines.size() <= 120, "README has " + lines.size() + " lines");
    assertEquals("# rlsearch", lines.get(0));
    assertTrue(lines.get(2).endsWith(".") && lines.get(3).isEmpty(), "one sentence of what rlsearch is: " + lines.get(2));
    assertEquals(List.of("```", "./rlsearch battle", "mvn -B test", "```"), lines.subList(4, 8));
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    assertTrue(ci.contains("\nmvn -B test\n"), ".ci/run no longer runs the README's test command");
  }

  @Test
  void everyRelativeLinkResolvesToAFileAndItsHeading() throws IOException {
    Pattern link = Pattern.compile("\\]\\(([^)#:\\s]*)(#[^)\\s]*)?\\)");
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher m = link.matcher(Files.readString(page));
      while (m.find()) {
        Path target = m.group(1).isEmpty() ? page : page.getParent().resolve(m.group(1)).normalize();
        String rel = ROOT.relativize(page) + " -> " + m.group(1) + (m.group(2) == null ? "" : m.group(2));
        if (!Files.exists(target)) {
          if (!PENDING.contains(ROOT.relativize(target).toString())) {
            broken.add(rel);
          }
        } else if (m.group(2) != null && target.toString().endsWith(".md")
            && !anchors(target).contains(m.group(2).substring(1))) {
          broken.add(rel + " (no such heading)");
        }
      }
    }
    assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
  }

  @Test
  void theDocsSpeakToUsersNotToTheirAuthors() throws IOException {
    Pattern bad = Pattern.compile("(?i)\\bissues? ?#?\\d|\\bissue\\b(?! a | (its|their|a new|new) )|/(?:tmp|work)/|\\.\\./shared|\\bhelpers?\\b|work log|before\\.jar|an earlier session|in this session\\b");
    List<String> found = new ArrayList<>();
    for (Path page : pages()) {
      int n = 0;
      for (String line : Files.readAllLines(page)) {
        n++;
        Matcher m = bad.matcher(line);
        if (m.find()) {
          found.add(ROOT.relativize(page) + ":" + n + ": " + m.group());
        }
      }
    }
    assertTrue(found.isEmpty(), "words about the work, not the product:\n" + String.join("\n", found));
  }

  /**
   * Speed figures (throughput, latency per unit, wall times of runs) live on one page,
   * docs/performance.md; other pages link to it. A figure quoted elsewhere drifts from the page.
   */
  @Test
  void speedFiguresAreQuotedOnlyOnTheBenchmarksPage() throws IOException {
    Pattern figure = Pattern.compile("(?i)\\d[\\d,.]*\\s*(k\\s*)?(episodes|requests|transitions|decisions|gradient steps|sessions)"
        + "(/s\\b| a second| per second)|\\d[\\d,.]*\\s*(episodes|requests)/s|\\b(about|took|takes|in) \\d[\\d.]* ?(s|seconds|minutes)\\b"
        + "|\\b\\d+(\\.\\d+)?-\\d+(\\.\\d+)? s\\b|\\d[\\d.]* ?(µs|us|ms) (an|a|per) (episode|request|call|decision|session)\\b|\\d[\\d.]* s (of study|for the study|with the JVM)");
    Pattern input = Pattern.compile("--rates? |default:|\\(default |default \\d|`--|at most|open loop|within|deadline|timeout|every \\d|window|\\+ \\d+ ms per|\\bat [\\d,]+ requests/s");
    List<String> found = new ArrayList<>();
    for (Path page : pages()) {
      if (page.endsWith("docs/performance.md")) {
        continue;
      }
      boolean fenced = false;
      int n = 0;
      for (String line : Files.readAllLines(page)) {
        n++;
        if (line.startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        Matcher m = figure.matcher(line);
        if (!fenced && m.find() && !input.matcher(line).find()) {
          found.add(ROOT.relativize(page) + ":" + n + ": " + m.group());
        }
      }
    }
    assertTrue(found.isEmpty(), "speed figures outside docs/performance.md (move them there and link):\n"
        + String.join("\n", found));
  }

  /**
   * The cluster guide's "Running from the bare jar" gives what the launcher gives java: every -D
   * property, module, collector flag and environment variable it sets, and the main class.
   */
  @Test
  void theBareJarSectionGivesWhatTheLauncherGives() throws IOException {
    String launcher = Files.readString(ROOT.resolve("rlsearch"));
    String guide = Files.readString(ROOT.resolve("docs/guides/cluster.md"));
    int at = guide.indexOf("## Running from the bare jar");
    assertTrue(at >= 0, "docs/guides/cluster.md: the bare-jar section");
    String section = guide.substring(at, guide.indexOf("\n## ", at + 5));
    List<String> missing = new ArrayList<>();
    Matcher m = Pattern.compile("(-D(?!maven)[a-z._]+=[a-z0-9]+|--add-modules [a-z.]+|-XX:\\+Use\\w+|export ([A-Z_]+)=|"
        + "io\\.rlsearch\\.app\\.Main|RLSEARCH_[A-Z_]+)").matcher(launcher);
    while (m.find()) {
      String token = m.group(2) != null ? m.group(2) : m.group(1);
      if (!section.contains(token)) {
        missing.add(token);
      }
    }
    Matcher env = Pattern.compile("export ([A-Z_]+)=.*? ([A-Z_]+)=.*?\"").matcher(launcher);
    while (env.find()) {
      for (int g = 1; g <= 2; g++) {
        if (!section.contains(env.group(g))) {
          missing.add(env.group(g));
        }
      }
    }
    assertTrue(missing.isEmpty(), "the bare-jar section does not name: " + missing);
  }

  /**
   * docs/http-api.md's metrics table names every metric the code registers (a string literal
   * "rlsearch_..." under src/main), and only those; counters are named with Prometheus's _total.
   */
  @Test
  void theMetricsReferenceListsWhatTheCodeRegisters() throws IOException {
    java.util.TreeSet<String> code = new java.util.TreeSet<>();
    // A counter (Counter.builder().name("...") or a counter("...") helper) is exposed with _total.
    Pattern counter = Pattern.compile("(?:Counter\\.builder\\(\\)\\s*\\.name\\(|counter\\()\\s*\"(rlsearch_[a-z0-9_]+)\"");
    try (Stream<Path> s = Files.walk(ROOT.resolve("src/main/java"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        java.util.Set<String> counters = new java.util.HashSet<>();
        Matcher c = counter.matcher(text);
        while (c.find()) {
          counters.add(c.group(1));
        }
        Matcher m = Pattern.compile("\"(rlsearch_[a-z0-9_]+)\"").matcher(text);
        while (m.find()) {
          code.add(counters.contains(m.group(1)) ? m.group(1) + "_total" : m.group(1));
        }
      }
    }
    String page = Files.readString(ROOT.resolve("docs/http-api.md"));
    String table = page.substring(page.indexOf("## Metrics"));
    java.util.TreeSet<String> documented = new java.util.TreeSet<>();
    Matcher m = Pattern.compile("`(rlsearch_[a-z0-9_]+)`").matcher(table);
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertEquals(code, documented, "metrics registered in the code against those docs/http-api.md lists");
    // and every page names a metric as it is exposed (a counter with _total; a histogram's series too)
    List<String> wrong = new ArrayList<>();
    for (Path p : pages()) {
      Matcher any = Pattern.compile("`(rlsearch_[a-z0-9_]+)").matcher(Files.readString(p));
      while (any.find()) {
        String name = any.group(1);
        String base = name.replaceFirst("_(bucket|sum|count)$", "");
        if (!name.endsWith("_") && !code.contains(name) && !code.contains(base)) { // a prefix (`rlsearch_rank_*`) names a family
          wrong.add(ROOT.relativize(p) + ": " + name);
        }
      }
    }
    assertTrue(wrong.isEmpty(), "metric names the code does not expose (counters end in _total): " + wrong);
  }

  @Test
  void everyWorldSettingIsDocumented() throws IOException {
    String world = Files.readString(ROOT.resolve("docs/world.md"));
    Config c = ConfigFactory.parseFile(ROOT.resolve("config/zoosim.conf").toFile());
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, ?> e : c.entrySet()) {
      String[] parts = e.getKey().split("\\.");
      String key = parts.length == 1 ? parts[0] : parts[1];
      if (!world.contains(key)) {
        missing.add(e.getKey());
      }
    }
    assertTrue(missing.isEmpty(), "world settings missing from docs/world.md: " + missing);
  }

  /**
   * docs/world.md's table of every setting gives each scalar or list default as config/zoosim.conf
   * has it (rows that describe a structure in words are left out; at least 20 are checked).
   */
  @Test
  void theWorldTableGivesTheShippedDefaults() throws IOException {
    Config c = ConfigFactory.parseFile(ROOT.resolve("config/zoosim.conf").toFile());
    String world = Files.readString(ROOT.resolve("docs/world.md"));
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (String line : world.substring(world.indexOf("## Every setting")).split("\n")) {
      Matcher row = Pattern.compile("^\\| `([a-z_.]+)` \\| ([^|]+) \\|").matcher(line);
      if (!row.find() || !c.hasPath(row.group(1))) {
        continue;
      }
      Object v = c.getValue(row.group(1)).unwrapped();
      List<?> shipped = v instanceof List<?> l ? l : List.of(v);
      if (shipped.stream().anyMatch(x -> x instanceof List || x instanceof Map)) {
        continue;
      }
      String[] doc = row.group(2).strip().split(",\\s*");
      boolean same = doc.length == shipped.size();
      for (int i = 0; same && i < doc.length; i++) {
        Object s = shipped.get(i);
        same = s instanceof Number n && doc[i].matches("-?[0-9.]+(e-?[0-9]+)?")
            ? n.doubleValue() == Double.parseDouble(doc[i]) : String.valueOf(s).equals(doc[i]);
      }
      if (doc.length == shipped.size() || shipped.size() > 1) {
        checked++;
        if (!same) {
          wrong.add(row.group(1) + ": docs " + row.group(2).strip() + ", shipped " + v);
        }
      }
    }
    assertTrue(checked >= 20, "only " + checked + " world defaults checked");
    assertTrue(wrong.isEmpty(), "docs/world.md's defaults against config/zoosim.conf:\n" + String.join("\n", wrong));
  }

  @Test
  void nothingCitesADocumentOutsideTheRepository() throws IOException {
    Pattern cite = Pattern.compile("(?i)zoosim-spec|spec(ification)? section|spec \\d+\\.\\d+|\\.\\./shared");
    List<String> found = new ArrayList<>();
    List<Path> files = new ArrayList<>(pages());
    for (String dir : List.of("src/main", "config", "actors", "examples")) {
      try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
        s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/target/"))
            .filter(p -> p.toString().matches(".*\\.(java|conf|md|xml|html)$")).forEach(files::add);
      }
    }
    for (Path f : files) {
      if (cite.matcher(Files.readString(f)).find()) {
        found.add(ROOT.relativize(f).toString());
      }
    }
    assertTrue(found.isEmpty(), "cites a document outside the repository: " + found);
  }
}
