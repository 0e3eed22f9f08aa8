package io.rlsearch.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's side of exposure fairness: a product's group under a scheme (as the reference's
 * {@code group_key}: "pl" gives pl / non_pl, "category" the category name, "strategic" gives
 * strategic / non_strategic) and the position-bias logits per query type.
 */
public final class FairnessGroups {
  /** The accepted schemes. */
  public static final List<String> SCHEMES = List.of("pl", "category", "strategic");

  private FairnessGroups() {}

  /** Product {@code i}'s group under {@code scheme}. */
  public static String groupKey(World world, int i, String scheme) {
    Catalog c = world.catalog();
    return switch (scheme) {
      case "pl" -> c.isPl(i) ? "pl" : "non_pl";
      case "category" -> world.settings().catalog().categories().get(c.category(i));
      case "strategic" -> c.strategic(i) ? "strategic" : "non_strategic";
      default -> throw new IllegalArgumentException("unknown group scheme '" + scheme + "'; accepted: "
          + String.join(", ", SCHEMES));
    };
  }

  /** The groups of a ranking's products. */
  public static List<String> groups(World world, int[] ranking, String scheme) {
    List<String> out = new ArrayList<>(ranking.length);
    for (int p : ranking) {
      out.add(groupKey(world, p, scheme));
    }
    return out;
  }

  /** The position-bias logits by query-type name. */
  public static Map<String, double[]> positionBias(World world) {
    Map<String, double[]> out = new LinkedHashMap<>();
    List<String> types = world.settings().queries().queryTypes();
    double[][] bias = world.settings().behavior().posBias();
    for (int t = 0; t < types.size(); t++) {
      out.put(types.get(t), bias[t].clone());
    }
    return out;
  }
}
