package io.rlsearch.api.serving;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.learn.Checkpoints;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Policies the serving path can register, on the boost-weight task (10 weights in [-3, 3]): built-in
 * weight vectors, and the learner state of a `train --checkpoint` file of a weight-task agent.
 */
public final class PolicyCatalog {
  private PolicyCatalog() {}

  /** The built-in versions, by name. */
  public static Map<String, double[]> builtIns() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("neutral", new double[10]);
    m.put("cm2_price", w(3, 0, 0, 0, 0, 3));
    m.put("cm2", w(3));
    m.put("private_label", w(0, 0, 3));
    m.put("price", w(0, 0, 0, 0, 0, 3));
    // Deliberately bad: buries what the user likes (personalisation) and the pricier products.
    m.put("bury", w(0, 0, 0, -3, 0, -3));
    return m;
  }

  static double[] w(double... v) {
    double[] a = new double[10];
    System.arraycopy(v, 0, a, 0, v.length);
    return a;
  }

  /** A fixed weight vector as a policy. */
  public static PolicySnapshot weights(String name, double[] w) {
    return ContinuousAgents.constant(name, w).create(0, 0).snapshot(0);
  }

  /** The built-in called {@code name}. */
  public static PolicySnapshot builtIn(String name) {
    double[] w = builtIns().get(name);
    if (w == null) {
      throw new IllegalArgumentException("no built-in policy '" + name + "'; built-ins: "
          + String.join(", ", builtIns().keySet()));
    }
    return weights(name, w);
  }

  /**
   * The policy of a checkpoint file (its agent's latest snapshot).
   *
   * @param builders the agent builders by name (they decide which agents a checkpoint may hold)
   */
  public static PolicySnapshot fromCheckpoint(Path file, Function<String, AgentBuilder> builders) {
    Checkpoints.Checkpoint c = Checkpoints.read(file);
    AgentBuilder b = builders.apply(c.state().agent());
    var rule = b.restoreState(c.state());
    try {
      return rule.snapshot(c.version());
    } finally {
      rule.close();
    }
  }

  /**
   * The policy of a checkpoint file, refused unless it fits the serving task: its agent acts on
   * contexts of {@code contextDim} values with {@code actionDim} finite weights (a checkpoint of
   * another task, features or dimension would fail every request it served).
   *
   * @throws IllegalArgumentException naming what does not fit
   */
  public static PolicySnapshot fromCheckpoint(Path file, Function<String, AgentBuilder> builders, int contextDim,
      int actionDim) {
    PolicySnapshot p;
    try {
      p = fromCheckpoint(file, builders);
    } catch (IllegalArgumentException | IllegalStateException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("the checkpoint does not restore: " + e.getMessage());
    }
    io.rlsearch.agents.spi.Decision d;
    try {
      d = p.act(new double[contextDim], new io.rlsearch.core.random.NumpyRandom(0));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the checkpoint's policy cannot act on this task's contexts of " + contextDim
          + " values: " + e.getMessage());
    }
    if (!d.continuous() || d.action().length != actionDim) {
      throw new IllegalArgumentException("the checkpoint's policy gives " + (d.continuous() ? d.action().length
          + " weights" : "an arm") + "; serving needs " + actionDim + " weights");
    }
    for (double w : d.action()) {
      if (!Double.isFinite(w)) {
        throw new IllegalArgumentException("the checkpoint's policy gives a weight that is not finite: " + w);
      }
    }
    return p;
  }
}
