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

  /**
   * An inline span or a line that starts with a command ({@code `train --agent linucb`}, {@code ./rlsearch bench
   * env --episodes N}) names only that command's own options: an option another command has does not pass.
   */
  @Test
  void theOptionsBesideACommandAreThatCommands() throws Exception {
    Map<String, CommandLine> all = commands();
    Pattern span = Pattern.compile("(?:`|^\\s*)(?:\\./rlsearch )?([a-z][a-z-]*)((?: [^`\\n]*)?)(?:`|$)", Pattern.MULTILINE);
    Pattern opt = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]+");
    TreeSet<String> wrong = new TreeSet<>();
    for (Path page : io.rlsearch.DocsTest.pages()) {
      Matcher m = span.matcher(Files.readString(page));
      while (m.find()) {
        String rest = m.group(2);
        String cmd = m.group(1);
        String[] words = rest.strip().split("\\s+");
        if (words.length > 0 && all.containsKey(cmd + " " + words[0])) {
          cmd = cmd + " " + words[0];
        }
        CommandLine cl = all.get(cmd);
        if (cl == null || !opt.matcher(rest).find()) {
          continue;
        }
        java.util.Set<String> own = new java.util.HashSet<>(List.of("--help", "--version", "--verbose"));
        cl.getCommandSpec().options().forEach(o -> {
          for (String n : o.names()) {
            own.add(n);
            if (o.negatable()) {
              own.add(n.replaceFirst("^--(no-)?", "--no-"));
            }
          }
        });
        Matcher o = opt.matcher(rest);
        while (o.find()) {
          if (!own.contains(o.group()) && !OTHER_TOOLS.contains(o.group())) {
            wrong.add(Path.of("").toAbsolutePath().relativize(page) + ": " + cmd + " " + o.group());
          }
        }
      }
    }
    assertEquals("", String.join("\n", wrong), "options written beside a command that the command does not have");
  }

  /** No page says that every command reads --config FILE: only some do (commands.md's table says which). */
  @Test
  void noPageSaysEveryCommandTakesConfig() throws Exception {
    TreeSet<String> found = new TreeSet<>();
    for (Path page : io.rlsearch.DocsTest.pages()) {
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i).toLowerCase(java.util.Locale.ROOT);
        if (l.contains("--config") && (l.contains("every command") || l.contains("all commands"))) {
          found.add(Path.of("").toAbsolutePath().relativize(page) + ":" + (i + 1));
        }
      }
    }
    assertEquals("", String.join("\n", found), "pages that say every command takes --config");
  }

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
