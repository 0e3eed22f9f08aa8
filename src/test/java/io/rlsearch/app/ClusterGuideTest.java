package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cluster guide's two nodes by hand, run as it prints them: the environment node in a JVM of its
 * own (stopped at the end as Ctrl-C stops it), the learner node through the command line in this JVM.
 * The guide's ports (25520, 25521) are swapped for free ones so that the test never meets a port in use;
 * everything else is the guide's text.
 */
class ClusterGuideTest {
  private static final Path PAGE = Path.of("docs/guides/cluster.md");

  @Test
  void theGuidesTwoNodesByHandRunTogetherAndLoseNothing() throws Exception {
    List<String> nodes = new ArrayList<>();
    for (String line : GuideCommandsTest.section(PAGE, "## 2. Two nodes by hand").lines().toList()) {
      if (line.startsWith("./rlsearch node ")) {
        nodes.add(line.strip());
      }
    }
    assertEquals(2, nodes.size(), "the section's two node commands: " + nodes);
    String learnerLine = nodes.get(0);
    String envLine = nodes.get(1);
    assertTrue(learnerLine.contains("--role learner,env") && learnerLine.contains("--port 25520"), learnerLine);
    assertTrue(envLine.contains("--role env") && envLine.contains("--port 25521")
        && envLine.contains("--seed-nodes 127.0.0.1:25520"), envLine);
    int learnerPort = freePort();
    int envPort = freePort();
    String[] learner = GuideCommandsTest.args(ports(learnerLine, learnerPort, envPort));
    String[] env = GuideCommandsTest.args(ports(envLine, learnerPort, envPort));

    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(env));
    File envLog = Files.createTempFile("cluster-guide-env", ".log").toFile();
    Process envNode = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(envLog).start();
    try {
      Cli.Run run = Cli.run(learner);
      assertEquals(0, run.code(), String.join(" ", learner) + "\n" + run.err() + "\nthe env node:\n"
          + Files.readString(envLog.toPath()));
      JsonNode report = new ObjectMapper().readTree(run.out());
      assertEquals(2, report.get("nodes").asInt(), report.toString());
      assertEquals(2, report.get("nodes_that_played").size(), "both nodes played shards: " + report);
      assertEquals(20_000, report.get("transitions_consumed").asLong(), report.toString());
      assertEquals(0, report.get("transitions_lost").asLong(), report.toString());
    } finally {
      envNode.destroy(); // SIGTERM: what Ctrl-C does to the launcher's JVM
      if (!envNode.waitFor(60, TimeUnit.SECONDS)) {
        envNode.destroyForcibly();
      }
      Files.deleteIfExists(envLog.toPath());
    }
  }

  private static String ports(String line, int learnerPort, int envPort) {
    return line.replace("25520", Integer.toString(learnerPort)).replace("25521", Integer.toString(envPort));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
