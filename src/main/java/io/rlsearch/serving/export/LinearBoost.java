package io.rlsearch.serving.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One exported model: a candidate scores {@code base_score + sum_j weights[j] * features[j]}.
 *
 * @param name the model's name in the engine's store
 * @param policy the policy's name (a built-in's, or the checkpoint file's)
 * @param agent the agent that learned it
 * @param label what the context is (a segment's name, {@code context}, or {@code all} for a policy that
 *     reads no context)
 * @param context the context features the policy reads, with the values the weights were computed for (empty
 *     for a policy whose weights do not depend on the context)
 * @param features the candidate features, in the schema's order
 * @param weights their weights
 */
public record LinearBoost(String name, String policy, String agent, String label, Map<String, Double> context,
    List<String> features, double[] weights) {
  public LinearBoost {
    context = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
    features = List.copyOf(features);
    weights = weights.clone();
    if (weights.length != features.size()) {
      throw new IllegalArgumentException(features.size() + " features and " + weights.length + " weights");
    }
    for (double w : weights) {
      if (!Double.isFinite(w)) {
        throw new IllegalArgumentException("a weight of '" + name + "' is not finite: " + w);
      }
    }
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /** The score of a candidate of base score {@code base} and features {@code f} (in {@link #features} order). */
  public double score(double base, double[] f) {
    double s = base;
    for (int j = 0; j < weights.length; j++) {
      s += weights[j] * f[j];
    }
    return s;
  }
}
