package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code ./rlsearch ...} lines of the README, getting started and the guides' fenced code blocks:
 * every one parses against the commands' picocli model (the command exists, every option exists and
 * takes the value given), and the cheap ones, listed in {@link #RUN}, run in-process through the
 * command line's entry point and exit 0. The others (servers, cluster nodes, runs of minutes, runs that
 * need a plug-in jar or write files) are parse-checked only; {@link #commandsAreRunOrParseChecked} prints
 * which is which.
 */
class GuideCommandsTest {
  /** Run in-process, as printed in the guides (each is a guide's "small" example). */
  static final List<String> RUN = List.of(
      "./rlsearch --help",
      "./rlsearch world --seed 7",
      "./rlsearch lab --list",
      "./rlsearch train --agent linucb --episodes 2000",
      "./rlsearch battle --agents linucb,ts --episodes 200 --seeds 2025,2026 --eval-users 500");

  /** The pages whose commands are held to this test. */
  static List<Path> pages() throws Exception {
    List<Path> out = new ArrayList<>(List.of(Path.of("README.md"), Path.of("docs/getting-started.md")));
    try (Stream<Path> s = Files.list(Path.of("docs/guides"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
    }
    return out;
  }

  /** Every ./rlsearch line in a fenced block, joined across backslash continuations, with its page and line. */
  static Map<String, String> commands() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (Path page : pages()) {
      boolean fenced = false;
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (!fenced) {
          continue;
        }
        String cmd = line.strip();
        int at = i + 1;
        while (cmd.endsWith("\\") && i + 1 < lines.size()) {
          cmd = cmd.substring(0, cmd.length() - 1).strip() + " " + lines.get(++i).strip();
        }
        cmd = cmd.replaceFirst("\\s+#.*$", "").replaceFirst("\\s*&$", "");
        cmd = cmd.replaceFirst("^([A-Z_]+=\\S+\\s+)+", "");
        if (cmd.startsWith("./rlsearch")) {
          out.putIfAbsent(cmd, page + ":" + at);
        }
      }
    }
    return out;
  }

  /** A page's section from the heading that starts with {@code heading} to the next heading of its level. */
  static String section(Path page, String heading) throws java.io.IOException {
    String text = Files.readString(page);
    int at = text.indexOf(heading);
    assertTrue(at >= 0, page + ": no section '" + heading + "'");
    int end = text.indexOf("\n## ", at + 5);
    return text.substring(at, end < 0 ? text.length() : end);
  }

  static String[] args(String cmd) {
    String rest = cmd.substring("./rlsearch".length()).strip();
    return rest.isEmpty() ? new String[0] : rest.split("\\s+");
  }

  @Test
  void everyCommandInTheGuidesParsesAgainstThePicocliModel() throws Exception {
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, String> e : commands().entrySet()) {
      String[] a = args(e.getKey());
      try {
        CommandLine.ParseResult r = Main.commandLine(a).parseArgs(a);
        if (!r.hasSubcommand() && !r.isUsageHelpRequested()) {
          bad.add(e.getValue() + ": " + e.getKey() + ": names no command");
        }
      } catch (CommandLine.ParameterException ex) {
        bad.add(e.getValue() + ": " + e.getKey() + ": " + ex.getMessage());
      }
    }
    assertEquals("", String.join("\n", bad), "guide commands that do not parse");
  }

  @Test
  void commandsAreRunOrParseChecked() throws Exception {
    Map<String, String> all = commands();
    for (String r : RUN) {
      assertTrue(all.containsKey(r), "no guide prints the command this test runs: " + r);
    }
    StringBuilder sb = new StringBuilder("guide commands run in-process:\n");
    RUN.forEach(r -> sb.append("  ").append(r).append('\n'));
    sb.append("guide commands parse-checked only:\n");
    all.keySet().stream().filter(c -> !RUN.contains(c)).forEach(c -> sb.append("  ").append(c).append('\n'));
    System.out.print(sb);
  }

  @Test
  void theCheapCommandsRunAsPrinted() {
    for (String cmd : RUN) {
      Cli.Run run = Cli.run(args(cmd));
      assertEquals(0, run.code(), cmd + "\n" + run.err());
      assertTrue(!run.out().isBlank(), cmd + " printed nothing");
    }
  }
}
