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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./rlsearch} launcher's JVM options, read from a stand-in {@code java} that prints its
 * arguments (the launcher is copied beside a built jar, so it does not build), and its filter of the
 * engine's start-up lines, run with a PATH that has no perl.
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

  /** A stand-in java that writes {@code script}'s stderr; on a PATH of its own with no perl on it. */
  private static Process launchWithoutPerl(Path dir, String script, String... args) throws Exception {
    Path home = dir.resolve("home");
    Path bin = dir.resolve("bin");
    Files.createDirectories(home.resolve("target"));
    Files.copy(Path.of("rlsearch"), home.resolve("rlsearch"));
    Files.writeString(home.resolve("target/rlsearch.jar"), "");
    Files.createDirectories(bin);
    // only what the launcher and the stand-in call, taken from the test's own PATH
    for (String tool : List.of("bash", "dirname", "find", "cat", "sleep")) {
      Path found = null;
      for (String d : System.getenv("PATH").split(":")) {
        if (found == null && Files.isExecutable(Path.of(d, tool))) {
          found = Path.of(d, tool);
        }
      }
      assertTrue(found != null, tool + " is not on the PATH");
      Files.createSymbolicLink(bin.resolve(tool), found);
    }
    assertFalse(Files.exists(bin.resolve("perl")));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command = new ArrayList<>(List.of(bin.resolve("bash").toString(), home.resolve("rlsearch").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PATH", bin.toString());
    pb.environment().remove("RLSEARCH_JAVA_OPTS");
    pb.environment().put("GO", dir.resolve("go").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  private static final String LEGACY = "[W1207 04:23:40.177965970 LegacyTypeDispatch.h:74] Warning: "
      + "AutoNonVariableTypeMode is deprecated and will be removed in 1.10 release. (function operator())";

  /** The JVM's notice, PyTorch's warning, real lines, and a progress bar's redraw without a newline. */
  private static final String STDERR_SCRIPT = String.join("\n",
      "printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n' >&2",
      "printf 'first real line\\n' >&2",
      "printf '%s\\n' '" + LEGACY + "' >&2",
      "printf 'Warning: a line of the application\\n' >&2",
      "printf '\\r[bar] 50%%' >&2",
      // the stand-in goes on only once the test has seen the redraw, so a held-back redraw hangs it
      "while [ ! -f \"$GO\" ]; do sleep 0.05; done",
      "printf '\\r[bar] 100%%\\n' >&2",
      "echo out",
      "");

  private static String stderrOf(Process p, Path go) throws Exception {
    var err = p.getErrorStream();
    StringBuilder seen = new StringBuilder();
    CompletableFuture<Void> redraw = CompletableFuture.runAsync(() -> {
      try {
        int b;
        while (!seen.toString().endsWith("[bar] 50%") && (b = err.read()) >= 0) {
          seen.append((char) b);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    redraw.get(60, TimeUnit.SECONDS); // a filter that held the redraw back would never end this
    Files.writeString(go, "");
    seen.append(new String(err.readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish in 30 s");
    assertEquals(0, p.exitValue(), seen.toString());
    assertEquals("out\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    return seen.toString();
  }

  @Test
  void theFilterDropsTheTwoStartUpLinesWithoutPerlAndPassesARedrawAsItComes(@TempDir Path dir) throws Exception {
    Process p = launchWithoutPerl(dir, STDERR_SCRIPT, "bench", "learner");
    assertEquals("first real line\nWarning: a line of the application\n\r[bar] 50%\r[bar] 100%\n",
        stderrOf(p, dir.resolve("go")));
  }

  @Test
  void verboseKeepsPyTorchsWarningAndStillDropsTheJvmsNotice(@TempDir Path dir) throws Exception {
    Process p = launchWithoutPerl(dir, STDERR_SCRIPT, "--verbose", "bench", "learner");
    assertEquals("first real line\n" + LEGACY + "\nWarning: a line of the application\n\r[bar] 50%\r[bar] 100%\n",
        stderrOf(p, dir.resolve("go")));
  }
}
