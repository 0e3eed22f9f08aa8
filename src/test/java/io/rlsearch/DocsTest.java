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
class DocsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();

  private static List<Path> pages() throws IOException {
    List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
    }
    return out;
  }

  @Test
  void theReadmeIsALandingPageThatStartsWithTheTwoCommands() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    assertTrue(lines.size() <= 250, "README has " + lines.size() + " lines");
    assertEquals(List.of("```", "./rlsearch battle", "mvn -B test", "```"), lines.subList(2, 6));
  }

  @Test
  void everyRelativeLinkResolves() throws IOException {
    Pattern link = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher m = link.matcher(Files.readString(page));
      while (m.find()) {
        Path target = page.getParent().resolve(m.group(1)).normalize();
        if (!Files.exists(target)) {
          broken.add(ROOT.relativize(page) + " -> " + m.group(1));
        }
      }
    }
    assertTrue(broken.isEmpty(), "broken links: " + broken);
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
