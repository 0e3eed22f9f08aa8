package io.rlsearch.app;

import static io.rlsearch.app.Cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.app.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract: names, flags, JSON fields, exit codes. */
class CommandLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void worldJsonHasTheContractFieldsAndTheGoldenValues() throws Exception {
    Run r = run("world", "--seed", "20251108", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String f : new String[] {"n_products", "category_shares", "mean_price", "mean_cm2", "price_p25",
        "price_p50", "price_p75", "share_pl", "share_discounted", "share_cm2_above_0_4", "max_bestseller",
        "first_products", "first_user", "first_query"}) {
      assertTrue(j.has(f), "missing " + f);
    }
    assertEquals(10000, j.get("n_products").asInt());
    assertEquals(0.3531, j.get("category_shares").get("dog_food").asDouble(), 1e-12);
    assertEquals(8.0946, j.get("price_p25").asDouble(), 5e-5);
    JsonNode p0 = j.get("first_products").get(0);
    assertEquals("cat_food", p0.get("category").asText());
    assertEquals(13.753065, p0.get("price").asDouble(), 5e-7);
    assertTrue(p0.get("is_pl").asBoolean());
    assertEquals(3, j.get("first_products").size());
    assertEquals("premium", j.get("first_user").get("segment").asText());
    assertEquals(4, j.get("first_user").get("theta_cat").size());
    assertEquals("brand", j.get("first_query").get("query_type").asText());
    assertEquals("tok_170", j.get("first_query").get("tokens").get(4).asText());
  }

  @Test
  void aGpuThatIsNotThereIsRefusedWithOneLine() {
    org.junit.jupiter.api.Assumptions.assumeTrue(ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0,
        "this machine has a GPU");
    Run r = run("train", "--agent", "reinforce", "--device", "gpu", "--episodes", "10", "--json");
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("device gpu: PyTorch sees no GPU"), r.err());
  }

  @Test
  void aBadDeviceIsRefusedOnTheCommandLineAndInTheTopology(@TempDir Path dir) throws Exception {
    Run r = run("train", "--agent", "reinforce", "--device", "tpu", "--episodes", "10");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--device: device must be auto, cpu or gpu; got 'tpu'"), r.err());
    Path topo = dir.resolve("t.conf");
    Files.writeString(topo, "rlsearch.learner.device = npu\n");
    r = run("train", "--agent", "reinforce", "--topology", topo.toString(), "--episodes", "10");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("rlsearch.learner.device: must be auto, cpu or gpu; got 'npu'"), r.err());
  }

  @Test
  void aMistypedCommandOrOptionGetsOneLineWithSuggestionsAndWhereHelpIs() {
    Run r = run("templ");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("did you mean: templates"), r.err());
    assertTrue(r.err().strip().endsWith("see './rlsearch --help'"), r.err());
    r = run("templates", "--n-statik", "5");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("did you mean: --n-static"), r.err());
    assertTrue(r.err().strip().endsWith("see './rlsearch templates --help'"), r.err());
    r = run("templates", "--n-static");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void aNamedCommandIsBuiltAloneAndEverythingElseGetsEveryCommand() {
    assertEquals(java.util.Set.of("templates"),
        Main.commandLine(new String[] {"templates", "--n-static", "5"}).getSubcommands().keySet());
    assertEquals(java.util.Set.of("world"),
        Main.commandLine(new String[] {"--verbose", "world", "--json"}).getSubcommands().keySet());
    int all = Main.COMMANDS.size() + 1;
    for (String[] args : new String[][] {{}, {"--help"}, {"help", "world"}, {"no-such-command"}}) {
      assertEquals(all, Main.commandLine(args).getSubcommands().size(), String.join(" ", args));
    }
    // a command's own subcommands come with it
    assertTrue(Main.commandLine(new String[] {"bench", "env"}).getSubcommands().get("bench").getSubcommands()
        .containsKey("env"));
  }

  @Test
  void everyCommandTakesVerbose() {
    picocli.CommandLine root = Main.commandLine();
    for (var e : root.getSubcommands().entrySet()) {
      if (!e.getKey().equals("help")) {
        assertTrue(e.getValue().getCommandSpec().findOption("--verbose") != null, e.getKey() + " lacks --verbose");
      }
    }
  }

  @Test
  void everyCommandsHelpRendersWithoutFormatWarnings() throws Exception {
    // A bare '%' in a description makes picocli print a warning to System.err and show the raw text.
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.err;
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      picocli.CommandLine root = Main.commandLine();
      java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(root));
      int rendered = 0;
      while (!todo.isEmpty()) {
        picocli.CommandLine c = todo.pop();
        assertFalse(c.getUsageMessage().isBlank(), c.getCommandName());
        rendered++;
        todo.addAll(c.getSubcommands().values());
      }
      assertTrue(rendered > 15, "only " + rendered + " commands rendered");
    } finally {
      System.setErr(saved);
    }
    String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(warnings.contains("WARN"), warnings);
  }

  @Test
  void toyJsonReproducesTheChapterZeroValues() throws Exception {
    Run r = run("toy", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(1.64023665814632, j.get("last_100_mean").asDouble(), 1e-12);
    assertEquals("[4,1]", j.get("greedy_actions").get("price_hunter").toString());
    assertEquals("[1,4]", j.get("greedy_actions").get("premium").toString());
    assertEquals("[2,2]", j.get("greedy_actions").get("bulk_buyer").toString());
    assertEquals(2.2887324022575943, j.get("q_values").get("premium").asDouble(), 1e-12);
    Run bad = run("toy", "--epsilon", "2");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--epsilon must be in [0, 1]"), bad.err());
  }

  @Test
  void benchEnvJsonReportsThroughput() throws Exception {
    Run r = run("bench", "env", "--env", "gym-rich", "--episodes", "20", "--no-jmh", "--json",
        "--config", writeSmallConfig().toString());
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals("gym-rich", j.get("env").asText());
    assertEquals(20, j.get("episodes").asInt());
    assertEquals(1, j.get("threads").asInt());
    assertTrue(j.get("episodes_per_sec").asDouble() > 0);
    assertTrue(j.get("ns_per_episode").asDouble() > 0);
  }

  private static Path writeSmallConfig() throws Exception {
    Path f = Files.createTempFile("rlsearch-small", ".conf");
    Files.writeString(f, "catalog { n_products = 300 }\n");
    f.toFile().deleteOnExit();
    return f;
  }

  @Test
  void badInputGetsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
    Run unknownOption = run("world", "--seeed", "3");
    assertEquals(2, unknownOption.code());
    assertTrue(unknownOption.err().contains("--seeed"), unknownOption.err());
    Run badEnv = run("bench", "env", "--env", "moon", "--no-jmh");
    assertEquals(2, badEnv.code());
    assertTrue(badEnv.err().contains("search, gym, gym-rich, slate, multi"), badEnv.err());
    assertEquals(1, unknownOption.err().strip().lines().count(), unknownOption.err());
    assertEquals(1, badEnv.err().strip().lines().count(), badEnv.err());
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "catalog { category_mix = [0.9, 0.9, 0.1, 0.1] }");
    Run badConfig = run("world", "--config", bad.toString(), "--json");
    assertEquals(2, badConfig.code());
    assertEquals(1, badConfig.err().strip().lines().count(), badConfig.err());
    assertTrue(badConfig.err().contains("catalog.category_mix"));
    assertFalse(badConfig.err().contains("Exception"));
    assertEquals("", badConfig.out());
    assertEquals(2, run("battle", "--episodes", "1").code());
    assertEquals(2, run().code());
  }

  /** Every command, given an option it does not have, says so in one line and exits 2. */
  @Test
  void everyCommandRefusesAMistypedOptionInOneLine() {
    java.util.List<String> bad = new java.util.ArrayList<>();
    for (String cmd : CommandsDocsTest.commands().keySet()) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(cmd.split(" ")));
      args.add("--no-such-option");
      Run r = run(args.toArray(String[]::new));
      // a command with required options names those first (picocli checks them before unknown ones)
      boolean named = r.err().contains("--no-such-option") || r.err().contains("Missing required option");
      if (r.code() != 2 || r.err().strip().lines().count() != 1 || !named) {
        bad.add(cmd + " (exit " + r.code() + "): " + r.err());
      }
    }
    assertEquals("", String.join("\n", bad), "commands whose refusal of a mistyped option is not one line");
  }

  @Test
  void helpDescribesEveryOptionWithItsDefault() {
    Run h = run("bench", "env", "--help");
    assertEquals(0, h.code());
    for (String opt : new String[] {"--env", "--episodes", "--threads", "--json", "--config", "--[no-]jmh"}) {
      assertTrue(h.out().contains(opt), "help lacks " + opt);
    }
    assertTrue(h.out().contains("default: 2000"));
    assertEquals(0, run("--help").code());
  }
}
