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
