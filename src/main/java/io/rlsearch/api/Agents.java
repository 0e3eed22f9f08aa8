package io.rlsearch.api;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentPlugins;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The agents rlsearch knows by name: the built-in families and the plug-ins registered through the
 * agent SPI ({@link AgentPlugins}) on the class path. {@link RunConfig#agent} and
 * {@link RunConfig#neural} build them with an experiment's settings.
 */
public final class Agents {
  private Agents() {}

  /** Template bandits and fixed policies: they choose among the 8 Chapter-6 templates. */
  public static final List<String> TEMPLATE = List.of("linucb", "ts", "discounted_linucb", "restart_linucb",
      "sliding_ts", "random", "static");

  /** The agents of the Battle Royale. */
  public static final List<String> BATTLE = List.of("static", "random", "linucb", "ts", "contq", "reinforce",
      "reinforce_baseline", "ppo", "cql", "slateq", "slateq_simplified", "diffrank", "static_slate", "neural_linear",
      "neural_ensemble");

  /** The battle's default line-up. */
  public static final List<String> BATTLE_DEFAULT = List.of("static", "random", "linucb", "ts", "contq", "reinforce",
      "reinforce_baseline", "ppo", "cql", "slateq", "diffrank");

  /** Every built-in name (a plug-in may not take one). */
  public static final List<String> BUILT_IN;

  static {
    TreeSet<String> names = new TreeSet<>(TEMPLATE);
    names.add("static_slate");
    names.addAll(RunConfig.NEURAL);
    names.addAll(BATTLE);
    BUILT_IN = List.copyOf(names);
  }

  private static volatile AgentPlugins loaded;

  /**
   * The plug-ins on this class's class loader, loaded on first use.
   *
   * @throws BadRequestException when a registration is broken (one line)
   */
  public static AgentPlugins plugins() {
    AgentPlugins p = loaded;
    if (p == null) {
      synchronized (Agents.class) {
        if (loaded == null) {
          try {
            loaded = AgentPlugins.load(Agents.class.getClassLoader(), BUILT_IN);
          } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
          }
        }
        p = loaded;
      }
    }
    return p;
  }

  /** The plug-in called {@code name}, or null. */
  public static AgentBuilder plugin(String name) {
    return plugins().get(name);
  }

  /** The plug-ins' names, as a suffix for the lists of accepted agents ("" when there are none). */
  public static String pluginsListed() {
    Map<String, AgentBuilder> m = plugins().byName();
    return m.isEmpty() ? "" : ", " + String.join(", ", m.keySet());
  }

  /** Every agent name: built-in and plug-in, sorted. */
  public static List<String> all() {
    TreeSet<String> names = new TreeSet<>(BUILT_IN);
    names.addAll(plugins().byName().keySet());
    return List.copyOf(names);
  }
}
