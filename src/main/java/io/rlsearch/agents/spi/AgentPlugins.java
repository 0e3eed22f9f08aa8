package io.rlsearch.agents.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Agents brought by users: every {@link AgentBuilder} registered through {@link ServiceLoader} (a jar
 * on the class path whose {@code META-INF/services/io.rlsearch.agents.spi.AgentBuilder} names the
 * builder class; the class needs a public no-argument constructor).
 *
 * <p>Such an agent chooses among discrete arms (the 8 templates of the template tasks, or a weight
 * task's arms): {@code train --agent NAME} and {@code battle --agents NAME} run it through the same
 * runtime as the built-in bandits, with no change to the runtime. Its name must be lower-case letters,
 * digits and underscores, and must not be a built-in agent's.
 */
public final class AgentPlugins {
  /** The names a plug-in may take. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final Map<String, AgentBuilder> byName;

  private AgentPlugins(Map<String, AgentBuilder> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * The builders registered on {@code loader}.
   *
   * @param reserved built-in names a plug-in may not take
   * @throws IllegalArgumentException (one line) for a registration that cannot be loaded, a bad name, a
   *     name taken twice or a built-in's name
   */
  public static AgentPlugins load(ClassLoader loader, Collection<String> reserved) {
    Map<String, AgentBuilder> found = new TreeMap<>();
    Iterator<AgentBuilder> it = ServiceLoader.load(AgentBuilder.class, loader).iterator();
    while (true) {
      AgentBuilder b;
      try {
        if (!it.hasNext()) {
          break;
        }
        b = it.next();
      } catch (ServiceConfigurationError e) {
        throw new IllegalArgumentException("agent plug-in cannot be loaded: " + oneLine(e.getMessage()));
      }
      String name = b.name();
      String cls = b.getClass().getName();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("agent plug-in " + cls + " has the name '" + name + "'; a name is"
            + " lower-case letters, digits and underscores, starting with a letter");
      }
      if (reserved.contains(name)) {
        throw new IllegalArgumentException("agent plug-in " + cls + " takes the built-in name '" + name + "'");
      }
      AgentBuilder prev = found.putIfAbsent(name, b);
      if (prev != null) {
        throw new IllegalArgumentException("agent '" + name + "' is registered twice: " + prev.getClass().getName()
            + " and " + cls);
      }
    }
    return new AgentPlugins(found);
  }

  /** The registered builders by name, sorted. */
  public Map<String, AgentBuilder> byName() {
    return byName;
  }

  /** The builder called {@code name}, or null. */
  public AgentBuilder get(String name) {
    return byName.get(name);
  }

  private static String oneLine(String s) {
    return String.valueOf(s).replace('\n', ' ');
  }
}
