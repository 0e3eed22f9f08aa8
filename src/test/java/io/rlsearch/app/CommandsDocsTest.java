package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What docs/commands.md says of every command's options, held to the commands' picocli model. */
class CommandsDocsTest {
  /** Every runnable command path ("train", "bench env"), with its command line. */
  static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all = new TreeMap<>();
    walk(Main.commandLine(), "", all);
    return all;
  }

  private static void walk(CommandLine cl, String path, Map<String, CommandLine> all) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      String name = e.getKey();
      if (name.equals("help")) {
        continue;
      }
      String p = path.isEmpty() ? name : path + " " + name;
      if (e.getValue().getSubcommands().isEmpty()) {
        all.put(p, e.getValue());
      } else {
        walk(e.getValue(), p, all);
      }
    }
  }

  private static TreeSet<String> named(String row) {
    TreeSet<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("`([a-z][a-z -]*)`").matcher(row);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * docs/commands.md holds, between its two marker lines, every command's options as the picocli model
   * renders them (names, label, default, description). Rewrite it with
   * {@code -Drlsearch.docs.write=true} after changing an option.
   */
  @Test
  void theReferenceListsEveryOptionOfEveryCommandAsThePicocliModelHasIt() throws Exception {
    Path page = Path.of("docs/commands.md");
    String text = Files.readString(page);
    int b = text.indexOf(CommandsReference.BEGIN);
    int e = text.indexOf(CommandsReference.END);
    org.junit.jupiter.api.Assertions.assertTrue(b >= 0 && e > b, "docs/commands.md: the generated block's markers");
    String current = text.substring(b + CommandsReference.BEGIN.length(), e);
    String expected = CommandsReference.render() + "\n";
    if (Boolean.getBoolean("rlsearch.docs.write")) {
      Files.writeString(page, text.substring(0, b + CommandsReference.BEGIN.length()) + expected + text.substring(e));
      current = expected;
    }
    assertEquals(expected, current, "docs/commands.md is out of date: run CommandsDocsTest with -Drlsearch.docs.write=true");
  }

  /** Flags of other programs the docs show (java, curl, wrk, the OBP scripts) and anchors that look like flags. */
  private static final java.util.Set<String> OTHER_TOOLS = java.util.Set.of("--add-modules", "--data-binary",
      "--latency", "--random-state", "--l2-was-chosen", "--events");

  /** Every {@code --option} a page names is an option of some command (or a flag of another tool, listed). */
  @Test
  void everyOptionTheDocsNameExists() throws Exception {
    java.util.Set<String> known = new java.util.HashSet<>(List.of("--help", "--version", "--verbose"));
    for (CommandLine cl : commands().values()) {
      cl.getCommandSpec().options().forEach(o -> {
        for (String n : o.names()) {
          known.add(n);
          if (o.negatable()) {
            known.add(n.replaceFirst("^--(no-)?", "--no-"));
          }
        }
      });
    }
    TreeSet<String> unknown = new TreeSet<>();
    Pattern opt = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]+");
    for (Path page : io.rlsearch.DocsTest.pages()) {
      Matcher m = opt.matcher(Files.readString(page));
      while (m.find()) {
        if (!known.contains(m.group()) && !OTHER_TOOLS.contains(m.group())) {
          unknown.add(Path.of("").toAbsolutePath().relativize(page) + ": " + m.group());
        }
      }
    }
    assertEquals("", String.join("\n", unknown), "options the docs name that no command has");
  }

  /** A page a command's help names (docs/NAME.md) exists. */
  @Test
  void everyPageTheHelpNamesExists() {
    TreeSet<String> missing = new TreeSet<>();
    Pattern page = Pattern.compile("docs/[a-z0-9/-]+\\.md");
    List<CommandLine> all = new ArrayList<>(commands().values());
    all.add(Main.commandLine());
    for (CommandLine cl : all) {
      var usage = cl.getCommandSpec().usageMessage();
      StringBuilder text = new StringBuilder(String.join(" ", usage.description())).append(' ')
          .append(String.join(" ", usage.footer()));
      cl.getCommandSpec().options().forEach(o -> text.append(' ').append(String.join(" ", o.description())));
      Matcher m = page.matcher(text);
      while (m.find()) {
        if (!Files.exists(Path.of(m.group()))) {
          missing.add(cl.getCommandName() + ": " + m.group());
        }
      }
    }
    assertEquals("", String.join("\n", missing), "pages the commands' help names that do not exist");
  }

  @Test
  void theTableOfWhereSettingsComeFromListsEveryCommandWhereItBelongs() throws Exception {
    TreeSet<String> config = new TreeSet<>();
    TreeSet<String> experiment = new TreeSet<>();
    TreeSet<String> neither = new TreeSet<>();
    for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
      boolean c = e.getValue().getCommandSpec().findOption("--config") != null;
      boolean x = e.getValue().getCommandSpec().findOption("--experiment") != null;
      (c ? config : x ? experiment : neither).add(e.getKey());
    }
    List<String> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("docs/commands.md"))) {
      if (line.startsWith("| `--config FILE`") || line.startsWith("| `--experiment FILE`")
          || line.startsWith("| neither")) {
        rows.add(line.substring(line.indexOf('|', 2)));
      }
    }
    assertEquals(3, rows.size(), "docs/commands.md: the table of --config, --experiment and neither");
    String expected = "config " + config + "\nexperiment " + experiment + "\nneither " + neither;
    String actual = "config " + named(rows.get(0)) + "\nexperiment " + named(rows.get(1)) + "\nneither "
        + named(rows.get(2));
    assertEquals(expected, actual);
  }
}
