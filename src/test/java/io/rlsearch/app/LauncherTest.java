package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./rlsearch} launcher's JVM options, read from a stand-in {@code java} that prints its
 * arguments (the launcher is copied beside a built jar, so it does not build).
 */
class LauncherTest {

  /** The arguments the launcher passes to java for {@code args}, with {@code env} added. */
  private static List<String> javaArgs(Path dir, Map<String, String> env, String... args) throws Exception {
    Path home = dir.resolve("home");
    Path bin = dir.resolve("bin");
    if (!Files.exists(home)) {
      Files.createDirectories(home.resolve("target"));
      Files.copy(Path.of("rlsearch"), home.resolve("rlsearch"));
      Files.writeString(home.resolve("target/rlsearch.jar"), "");
      Files.createDirectories(bin);
      Path java = bin.resolve("java");
      Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    List<String> command = new ArrayList<>(List.of("bash", home.resolve("rlsearch").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().remove("RLSEARCH_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish in 30 s");
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), err);
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void batchCommandsRunOnTheSerialCollectorAndServicesOnTheDefault(@TempDir Path dir) throws Exception {
    for (String batch : List.of("templates", "bench", "battle", "train", "lab", "ope")) {
      List<String> a = javaArgs(dir, Map.of(), "--verbose", batch, "--help");
      assertTrue(a.contains("-XX:+UseSerialGC"), batch + ": " + a);
      assertTrue(a.indexOf("-XX:+UseSerialGC") < a.indexOf("io.rlsearch.app.Main"), a.toString());
      assertEquals(List.of("--verbose", batch, "--help"), a.subList(a.indexOf("io.rlsearch.app.Main") + 1, a.size()));
    }
    for (String service : List.of("serve", "swap-test", "node")) {
      List<String> a = javaArgs(dir, Map.of(), service, "--rate", "10");
      assertFalse(a.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w*GC")), service + ": " + a);
    }
    // bench http runs a server under load; the other benchmarks are batch runs.
    List<String> http = javaArgs(dir, Map.of(), "bench", "http", "--rates", "100");
    assertFalse(http.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w*GC")), http.toString());
    assertTrue(javaArgs(dir, Map.of(), "bench", "env", "--env", "http").contains("-XX:+UseSerialGC"));
  }

  @Test
  void aCollectorChosenInTheJavaOptionsWins(@TempDir Path dir) throws Exception {
    List<String> a = javaArgs(dir, Map.of("RLSEARCH_JAVA_OPTS", "-Xmx2g -XX:+UseParallelGC"), "templates");
    assertFalse(a.contains("-XX:+UseSerialGC"), a.toString());
    assertTrue(a.contains("-XX:+UseParallelGC") && a.contains("-Xmx2g"), a.toString());
    List<String> b = javaArgs(dir, Map.of("RLSEARCH_JAVA_OPTS", "-Xmx2g"), "templates");
    assertTrue(b.contains("-XX:+UseSerialGC") && b.contains("-Xmx2g"), b.toString());
  }
}
