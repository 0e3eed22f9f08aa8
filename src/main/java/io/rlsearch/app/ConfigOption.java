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
          + " catalog, users, queries, relevance, behavior, reward, retention, action, templates, drift, quirks; seed,"
          + " top_k; serve also reads"
          + " a serving section: docs/configuration.md).")
  Path file;

  SimSettings load() {
    return ZoosimConfig.load(Optional.ofNullable(file));
  }

  /**
   * The world's settings and the serving schema of the file's {@code serving} section (over the
   * world's schema; the rest of the file is the world's, as {@link #load} reads it).
   *
   * @throws SettingsException one line naming the bad key (exit 2)
   */
  Served loadServing() {
    if (file == null) {
      SimSettings sim = load();
      return new Served(sim, io.rlsearch.serving.ServingSchema.world(sim), com.typesafe.config.ConfigFactory.empty());
    }
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new io.rlsearch.sim.SettingsException("--config", "no such file: " + file);
    }
    com.typesafe.config.Config user;
    try {
      user = com.typesafe.config.ConfigFactory.parseFile(file.toFile(), com.typesafe.config.ConfigParseOptions
          .defaults().setSyntax(com.typesafe.config.ConfigSyntax.CONF).setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      throw new io.rlsearch.sim.SettingsException(file.toString(), "cannot be parsed: "
          + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
    SimSettings sim = ZoosimConfig.fromOverlay(user.withoutPath("serving"));
    com.typesafe.config.Config serving = com.typesafe.config.ConfigFactory.empty();
    io.rlsearch.serving.ServingSchema schema;
    try {
      if (user.hasPath("serving")) {
        serving = user.withOnlyPath("serving").resolve();
      }
      schema = io.rlsearch.serving.ServingSchema.fromConfig(serving, io.rlsearch.serving.ServingSchema.world(sim));
    } catch (com.typesafe.config.ConfigException e) {
      throw new io.rlsearch.sim.SettingsException("serving", String.valueOf(e.getMessage()).replace('\n', ' '));
    } catch (IllegalArgumentException e) {
      // The schema's messages name their key first ("serving.max_body must be ...").
      throw new Main.UsageException("config: " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
    return new Served(sim, schema, serving);
  }

  /**
   * What {@link #loadServing} read.
   *
   * @param sim the world's settings
   * @param schema the serving schema
   * @param serving the file's {@code serving} section (empty without one), for the keys the schema does not read
   */
  record Served(SimSettings sim, io.rlsearch.serving.ServingSchema schema, com.typesafe.config.Config serving) {}
}
