package io.rlsearch.agents.spi;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An agent's whole learning state as plain data, for checkpoints: named numeric arrays (weights,
 * statistics, buffered samples) and named counters. Immutable; what the arrays mean is the agent's
 * business ({@link AgentBuilder#restoreState} reads them back).
 *
 * @param agent the agent's name
 * @param arrays named arrays
 * @param counters named counters
 */
public record AgentState(String agent, Map<String, double[]> arrays, Map<String, Long> counters) {
  public AgentState {
    Objects.requireNonNull(agent, "agent");
    TreeMap<String, double[]> a = new TreeMap<>();
    arrays.forEach((k, v) -> a.put(k, v.clone()));
    arrays = Collections.unmodifiableMap(a);
    counters = Collections.unmodifiableMap(new TreeMap<>(counters));
  }

  /** A copy of array {@code name}; refuses a state without it (a checkpoint of another agent or version). */
  public double[] array(String name) {
    double[] v = arrays.get(name);
    if (v == null) {
      throw new IllegalArgumentException("agent state of '" + agent + "' has no array '" + name + "'; it has "
          + arrays.keySet());
    }
    return v.clone();
  }

  /** Array {@code name} with exactly {@code length} values. */
  public double[] array(String name, int length) {
    double[] v = array(name);
    if (v.length != length) {
      throw new IllegalArgumentException("agent state array '" + name + "' has " + v.length + " values, expected "
          + length);
    }
    return v;
  }

  /** Counter {@code name}. */
  public long counter(String name) {
    Long v = counters.get(name);
    if (v == null) {
      throw new IllegalArgumentException("agent state of '" + agent + "' has no counter '" + name + "'; it has "
          + counters.keySet());
    }
    return v;
  }

  /** Whether array {@code name} is present. */
  public boolean has(String name) {
    return arrays.containsKey(name);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AgentState s) || !agent.equals(s.agent) || !counters.equals(s.counters)
        || !arrays.keySet().equals(s.arrays.keySet())) {
      return false;
    }
    for (Map.Entry<String, double[]> e : arrays.entrySet()) {
      if (!Arrays.equals(e.getValue(), s.arrays.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(agent, counters, arrays.keySet());
  }

  @Override
  public String toString() {
    return "AgentState[" + agent + ", arrays " + arrays.keySet() + ", counters " + counters + "]";
  }
}
