package io.rlsearch.learn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.rlsearch.agents.nn.Mlp;
import java.util.ArrayList;
import java.util.List;

/**
 * The one DJL owner of a run: the engine's base {@link NDManager} and every model trained in it.
 *
 * <p>Callers see plain Java: they create regression models from {@link Mlp} weights, train them on
 * float arrays and export {@link Mlp} weights back; no NDArray leaves this package. Models are closed
 * with the learner. Not thread-safe: one owner (the learner actor, or one thread in a benchmark).
 * Uses the GPU when DJL sees one, the CPU otherwise.
 */
public final class SharedLearner implements AutoCloseable {
  private final NDManager root;
  private final Device device;
  private final List<AutoCloseable> owned = new ArrayList<>();

  /** A learner on DJL's default engine (PyTorch) and device. */
  public SharedLearner() {
    Engine engine = Engine.getEngine("PyTorch");
    this.device = engine.defaultDevice();
    this.root = engine.newBaseManager(device);
  }

  /** The device models train on. */
  public String device() {
    return device.toString();
  }

  /**
   * A regression network (mean squared error, Adam) starting from {@code init}.
   *
   * @param lr Adam's learning rate
   * @param weightDecay L2 weight decay (0 for none)
   */
  public RegressionModel regression(String name, Mlp init, double lr, double weightDecay) {
    return regression(name, init, lr, weightDecay, 0);
  }

  /** As {@link #regression(String, Mlp, double, double)} with gradients clipped to global norm {@code clipNorm} (0: none). */
  public RegressionModel regression(String name, Mlp init, double lr, double weightDecay, double clipNorm) {
    RegressionModel m = new RegressionModel(root.newSubManager(), name, init, lr, weightDecay, clipNorm);
    owned.add(m);
    return m;
  }

  /** A Gaussian policy network (mean MLP and state-independent log-stds) trained by policy gradient. */
  public GaussianPolicyModel gaussianPolicy(String name, Mlp mu, double[] logStd, double lr) {
    GaussianPolicyModel m = new GaussianPolicyModel(root.newSubManager(), name, mu, logStd, lr);
    owned.add(m);
    return m;
  }

  /** The base manager, for models of this package. */
  NDManager manager() {
    return root;
  }

  void own(AutoCloseable c) {
    owned.add(c);
  }

  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing native resources must not hide the run's result; the manager below frees the rest.
      }
    }
    owned.clear();
    root.close();
  }
}
