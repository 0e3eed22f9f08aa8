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
 * with the learner. The device is chosen once, at construction ({@link LearnerDevice}).
 *
 * <p>Each model trains under its own lock, and the steps of different models run side by side on
 * different threads, at most {@link #parallelSteps()} at once (by default one per processor): PyTorch's
 * grad mode belongs to a thread, and each step records its graph on its own thread ({@link Autograd};
 * DJL's gradient collector is not used, as it refuses a second collector anywhere in the process). The
 * bound keeps the native steps from crowding the processors: with one lock per model alone, the
 * learner's eight threads stepped at once on two cores and took a third more processor time for the
 * same steps. A model's steps keep their order whichever others run beside them, and each runs on one
 * native thread (PyTorch's and OpenMP's thread counts set to 1, as the launcher sets them), so results
 * do not depend on which run beside it. Creating models and closing the learner take this learner's
 * lock; the learner closes each model it holds under the model's own lock (never during one of its
 * steps); inference from exported weights needs no lock.
 */
public final class SharedLearner implements AutoCloseable {
  private final NDManager root;
  private final Device device;
  /** Models open in this learner (a model leaves when it is closed: restores and restarts do not pile up). */
  private final java.util.Set<AutoCloseable> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private final java.util.concurrent.atomic.AtomicLong gradientSteps = new java.util.concurrent.atomic.AtomicLong();

  /** Native steps that may run at once (training steps, batched inference), one permit each. */
  private final java.util.concurrent.Semaphore steps;
  private final int parallelSteps;

  /** A learner on PyTorch and its default device (a GPU when one is visible, the CPU otherwise). */
  public SharedLearner() {
    this(LearnerDevice.AUTO);
  }

  /**
   * A learner on PyTorch and the given device, stepping up to one model per processor at once.
   *
   * @throws DeviceUnavailableException for {@link LearnerDevice#GPU} when PyTorch sees no GPU
   */
  public SharedLearner(LearnerDevice requested) {
    this(requested, Runtime.getRuntime().availableProcessors());
  }

  /**
   * A learner on PyTorch and the given device, stepping up to {@code parallelSteps} models at once (1:
   * one step at a time in the whole learner).
   *
   * @throws DeviceUnavailableException for {@link LearnerDevice#GPU} when PyTorch sees no GPU
   */
  public SharedLearner(LearnerDevice requested, int parallelSteps) {
    if (parallelSteps < 1) {
      throw new IllegalArgumentException("a learner steps at least 1 model at a time, got " + parallelSteps);
    }
    this.parallelSteps = parallelSteps;
    this.steps = new java.util.concurrent.Semaphore(parallelSteps);
    Engine engine = Engine.getEngine("PyTorch");
    this.device = switch (requested) {
      case AUTO -> engine.defaultDevice();
      case CPU -> Device.cpu();
      case GPU -> {
        if (engine.getGpuCount() < 1) {
          throw new DeviceUnavailableException("device gpu: PyTorch sees no GPU on this machine (a GPU needs"
              + " a CUDA driver and the build of the cuda profile: mvn -P cuda package); use auto or cpu");
        }
        yield Device.gpu();
      }
    };
    this.root = engine.newBaseManager(device);
  }

  /** The device models train on. */
  public String device() {
    return device.toString();
  }

  /** Whether models train on a GPU (where they keep DJL's own Adam step). */
  public boolean onGpu() {
    return device.isGpu();
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
    synchronized (lock) {
      RegressionModel m = new RegressionModel(root.newSubManager(), steps, name, init, lr, weightDecay, clipNorm,
          this::countStep, djlOptimiser);
      owned.add(m);
      m.onClose(() -> owned.remove(m));
      return m;
    }
  }

  /** A Gaussian policy network (mean MLP and state-independent log-stds) trained by policy gradient. */
  public GaussianPolicyModel gaussianPolicy(String name, Mlp mu, double[] logStd, double lr) {
    synchronized (lock) {
      GaussianPolicyModel m = new GaussianPolicyModel(root.newSubManager(), steps, name, mu, logStd, lr,
          this::countStep, djlOptimiser);
      owned.add(m);
      m.onClose(() -> owned.remove(m));
      return m;
    }
  }

  private boolean djlOptimiser;

  /**
   * Whether models created from now on step through DJL's own optimiser (its Adam, one native call per
   * parameter tensor) instead of the learner's step; both give the same bits (the equivalence test).
   */
  public void useDjlOptimiser(boolean on) {
    this.djlOptimiser = on;
  }

  /** Whether models created now step through DJL's own optimiser. */
  public boolean djlOptimiser() {
    return djlOptimiser;
  }

  /** Optimiser steps taken by every model of this learner so far (minibatch gradient steps). */
  public long gradientSteps() {
    return gradientSteps.get();
  }

  void countStep() {
    gradientSteps.incrementAndGet();
  }

  private volatile double lossEma = Double.NaN;

  /** Counts a step of a model with a loss, kept as an exponential moving average (weight 0.01). */
  void countStep(double loss) {
    gradientSteps.incrementAndGet();
    if (Double.isFinite(loss)) {
      // models step on several threads at once: each update of the average is whole
      synchronized (emaLock) {
        double prev = lossEma;
        lossEma = Double.isNaN(prev) ? loss : 0.99 * prev + 0.01 * loss;
      }
    }
  }

  private final Object emaLock = new Object();

  /** The moving average of the training losses of this learner's regression models (NaN before any). */
  public double lossAverage() {
    return lossEma;
  }

  /** The lock that creating models and closing the learner take (each model's steps take the model's own). */
  Object lock() {
    return lock;
  }

  /** How many models may step at once. */
  public int parallelSteps() {
    return parallelSteps;
  }

  /** The permits a native step takes (one each, released when the step ends). */
  java.util.concurrent.Semaphore steps() {
    return steps;
  }

  /** The base manager, for models of this package. */
  NDManager manager() {
    return root;
  }

  void own(AutoCloseable c) {
    owned.add(c);
  }

  /** {@code c} is closed (or will be by its owner): the learner stops holding it. */
  void disown(AutoCloseable c) {
    owned.remove(c);
  }

  @Override
  public void close() {
    synchronized (lock) {
      closeAll();
    }
  }

  /** Models open in this learner. */
  int openModels() {
    synchronized (lock) {
      return owned.size();
    }
  }

  private void closeAll() {
    for (AutoCloseable c : new ArrayList<>(owned)) {
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
