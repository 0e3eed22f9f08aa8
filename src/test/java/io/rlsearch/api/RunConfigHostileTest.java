package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.sim.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression found by the hostile-input run: an unresolvable substitution is refused in one line. */
class RunConfigHostileTest {
  @Test
  void anUnresolvedSubstitutionInAnExperimentFileIsOneLineNamingTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("experiment.conf");
    Files.writeString(f, "experiment { seed = ${nowhere} }\n");
    SettingsException e = assertThrows(SettingsException.class, () -> RunConfig.load(Optional.of(f), Optional.empty()));
    assertTrue(e.getMessage().startsWith("config: " + f + ": cannot be resolved: ") && e.getMessage().contains("nowhere")
        && !e.getMessage().contains("\n"), e.getMessage());
  }
}
