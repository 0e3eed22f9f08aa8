package io.rlsearch.app;

import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command shares. */
final class ConfigOption {
  @Option(names = "--config", paramLabel = "FILE",
      description = "HOCON file layered over config/zoosim.conf (keys: its field names in sections"
          + " catalog, users, queries, relevance, behavior, reward, retention, action; seed, top_k).")
  Path file;

  SimSettings load() {
    return ZoosimConfig.load(Optional.ofNullable(file));
  }
}
