package io.rlsearch.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A template-policy specification as the {@code ope} command takes it: {@code KIND[:key=value[,key=value...]]}.
 *
 * <p>Kinds and their keys (defaults in brackets):
 * <ul>
 *   <li>{@code uniform}: every template with probability 1/8.
 *   <li>{@code template:id=K} or {@code template:name=NAME}: always template K (0..7) or the named one.
 *   <li>{@code best-static[:episodes=2000]}: always the template with the best mean reward in a static
 *       sweep of that many episodes.
 *   <li>{@code linucb[:episodes=2000,alpha=1.0]}: the greedy (posterior-mean) choice of a LinUCB trained
 *       for that many episodes with adaptive width alpha, then frozen.
 *   <li>{@code epsilon-greedy[:eps=0.3,base=linucb,episodes=2000]}: the base policy's greedy template
 *       with probability 1 - eps, a uniform template otherwise; base is {@code linucb} or {@code best-static}.
 *   <li>{@code softmax[:tau=1.0,base=linucb,episodes=2000]}: templates with probability proportional to
 *       {@code exp(score / tau)}, scores from the base (LinUCB's posterior means, or the static sweep's
 *       mean rewards).
 *   <li>{@code learned:file=PATH}: the greedy template of a policy file written by {@code learn} from a
 *       template decision log (its position 0; the path may not contain a comma).
 * </ul>
 *
 * @param kind the policy kind
 * @param params the given keys, validated
 */
public record PolicySpec(String kind, Map<String, String> params) {
  private static final Map<String, Set<String>> KEYS = Map.of(
      "uniform", Set.of(),
      "template", Set.of("id", "name"),
      "best-static", Set.of("episodes"),
      "linucb", Set.of("episodes", "alpha"),
      "epsilon-greedy", Set.of("eps", "base", "episodes", "alpha"),
      "softmax", Set.of("tau", "base", "episodes", "alpha"),
      "learned", Set.of("file"));
  private static final List<String> KINDS = List.of("uniform", "template", "best-static", "linucb", "epsilon-greedy",
      "softmax", "learned");

  public PolicySpec {
    params = Map.copyOf(params);
  }

  /** Parses a specification; an error names the problem and the accepted values. */
  public static PolicySpec parse(String text) {
    String s = text.trim();
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    if (!KEYS.containsKey(kind)) {
      throw new IllegalArgumentException("policy '" + text + "': unknown kind '" + kind + "' (kinds: "
          + String.join(", ", KINDS) + ")");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (colon >= 0 && colon < s.length() - 1) {
      for (String kv : s.substring(colon + 1).split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("policy '" + text + "': expected key=value, got '" + kv + "'");
        }
        String k = kv.substring(0, eq).trim();
        if (!KEYS.get(kind).contains(k)) {
          throw new IllegalArgumentException("policy '" + text + "': '" + kind + "' has no key '" + k + "' (keys: "
              + (KEYS.get(kind).isEmpty() ? "none" : String.join(", ", KEYS.get(kind).stream().sorted().toList())) + ")");
        }
        if (params.put(k, kv.substring(eq + 1).trim()) != null) {
          throw new IllegalArgumentException("policy '" + text + "': key '" + k + "' given twice");
        }
      }
    }
    PolicySpec spec = new PolicySpec(kind, params);
    spec.validate(text);
    return spec;
  }

  private void validate(String text) {
    if (kind.equals("learned") && !params.containsKey("file")) {
      throw new IllegalArgumentException("policy '" + text + "': learned needs file=PATH (a policy file of learn)");
    }
    if (kind.equals("template") && params.containsKey("id") == params.containsKey("name")) {
      throw new IllegalArgumentException("policy '" + text + "': template needs exactly one of id=K (0..7) or name=NAME");
    }
    if (params.containsKey("id")) {
      int id = intParam("id", -1);
      if (id < 0 || id > 7) {
        throw new IllegalArgumentException("policy '" + text + "': template id must be 0..7, got " + id);
      }
    }
    if (params.containsKey("episodes") && intParam("episodes", 0) < 1) {
      throw new IllegalArgumentException("policy '" + text + "': episodes must be >= 1");
    }
    if (params.containsKey("eps")) {
      double eps = doubleParam("eps", 0);
      if (!(eps >= 0 && eps <= 1)) {
        throw new IllegalArgumentException("policy '" + text + "': eps must lie in [0, 1], got " + eps);
      }
    }
    if (params.containsKey("tau") && !(doubleParam("tau", 1) > 0)) {
      throw new IllegalArgumentException("policy '" + text + "': tau must be > 0");
    }
    if (params.containsKey("alpha") && !(doubleParam("alpha", 1) >= 0)) {
      throw new IllegalArgumentException("policy '" + text + "': alpha must be >= 0");
    }
    if (params.containsKey("base") && !List.of("linucb", "best-static").contains(params.get("base"))) {
      throw new IllegalArgumentException("policy '" + text + "': base must be linucb or best-static, got '"
          + params.get("base") + "'");
    }
  }

  /** An integer parameter or its default. */
  public int intParam(String key, int dflt) {
    String v = params.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("policy " + kind + ": " + key + " must be an integer, got '" + v + "'");
    }
  }

  /** A number parameter or its default. */
  public double doubleParam(String key, double dflt) {
    String v = params.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("policy " + kind + ": " + key + " must be a number, got '" + v + "'");
    }
  }

  /** A string parameter or its default. */
  public String param(String key, String dflt) {
    return params.getOrDefault(key, dflt);
  }

  /** The canonical text of this specification, keys sorted. */
  @Override
  public String toString() {
    if (params.isEmpty()) {
      return kind;
    }
    return kind + ":" + String.join(",", params.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
