package io.rlsearch.app;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentPlugins;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The agent plug-ins on the class path (RLSEARCH_CLASSPATH in the launcher), loaded once. */
final class Plugins {
  private Plugins() {}

  /** Names the built-in agents use anywhere on the command line. */
  static final List<String> BUILT_IN;

  static {
    TreeSet<String> names = new TreeSet<>(List.of("linucb", "ts", "discounted_linucb", "restart_linucb", "sliding_ts",
        "random", "static", "static_slate"));
    names.addAll(RunConfig.NEURAL);
    names.addAll(BattleCommand.AVAILABLE);
    BUILT_IN = List.copyOf(names);
  }

  private static volatile AgentPlugins loaded;

  /** The plug-ins, loaded on first use from the class path. */
  static AgentPlugins installed() {
    AgentPlugins p = loaded;
    if (p == null) {
      synchronized (Plugins.class) {
        if (loaded == null) {
          try {
            loaded = AgentPlugins.load(Plugins.class.getClassLoader(), BUILT_IN);
          } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
          }
        }
        p = loaded;
      }
    }
    return p;
  }

  /** The plug-in called {@code name}, or null. */
  static AgentBuilder get(String name) {
    return installed().get(name);
  }

  /** The plug-ins' names, for the lists of accepted agents ("" when there are none). */
  static String listed() {
    Map<String, AgentBuilder> m = installed().byName();
    return m.isEmpty() ? "" : ", " + String.join(", ", m.keySet());
  }
}
