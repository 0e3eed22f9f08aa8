package io.rlsearch.learn;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.core.random.NumpyRandom;

/**
 * One regression network in the shared learner: mean squared error, Adam, trained on minibatches of
 * plain float arrays; its weights are exported as an {@link Mlp} for pure-Java inference.
 *
 * <p>Owns its model, trainer and sub-manager; every step's arrays live in a step sub-manager closed at
 * the end of the step, so native memory does not grow with the number of steps.
 */
public final class RegressionModel implements AutoCloseable {
  private final NDManager manager;
  private final Model model;
  private final Trainer trainer;
  private final Mlp shape;
  private final double clipNorm;
  private long steps;
  private boolean trainerStepped;

  /** This model's own lock: its steps, exports and loads run one at a time (other models' beside them). */
  private final Object lock = new Object();
  /** The learner's permits for native steps. */
  private final java.util.concurrent.Semaphore permits;
  private final java.util.function.DoubleConsumer onStep;

  /** The learner's Adam (null: DJL's optimiser, on request or off the CPU). */
  private final FastAdam fast;

  RegressionModel(NDManager manager, java.util.concurrent.Semaphore permits, String name, Mlp init, double lr,
      double weightDecay, double clipNorm, java.util.function.DoubleConsumer onStep, boolean djlOptimiser) {
    this.permits = permits;
    this.onStep = onStep;
    this.manager = manager;
    this.shape = init;
    this.clipNorm = clipNorm;
    this.model = DjlNets.model(name, manager, init);
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) lr))
        .optWeightDecays((float) weightDecay).build();
    this.trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam));
    this.fast = FastAdam.unlessDjl(model.getBlock(), (float) lr, (float) weightDecay, djlOptimiser);
  }

  /**
   * Trains for {@code epochs} passes over {@code n} examples in minibatches of {@code batch}, in an
   * order drawn from {@code rng} per epoch (a permutation, as the reference's {@code randperm}).
   *
   * @param x inputs, {@code n x inputs} row-major
   * @param y targets, {@code n}
   * @return the mean squared error of the last minibatch
   */
  public double fit(float[] x, float[] y, int n, int epochs, int batch, NumpyRandom rng) {
    int in = shape.inputs();
    if (x.length != n * in || y.length != n) {
      throw new IllegalArgumentException("fit needs " + n + " x " + in + " inputs and " + n + " targets; got "
          + x.length + " and " + y.length);
    }
    double last = Double.NaN;
    int[] perm = new int[n];
    for (int e = 0; e < epochs; e++) {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = (int) rng.integers(0, i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (int start = 0; start < n; start += batch) {
        int m = Math.min(batch, n - start);
        float[] xb = new float[m * in];
        float[] yb = new float[m];
        for (int k = 0; k < m; k++) {
          int r = perm[start + k];
          System.arraycopy(x, r * in, xb, k * in, in);
          yb[k] = y[r];
        }
        last = step(xb, yb, m);
      }
    }
    return last;
  }

  private double step(float[] xb, float[] yb, int m) {
    return optimise(s -> {
      NDArray xs = s.create(xb, new Shape(m, shape.inputs()));
      NDArray ys = s.create(yb, new Shape(m, 1));
      NDArray pred = trainer.forward(new NDList(xs)).singletonOrThrow();
      return new NDArray[] {pred.sub(ys).square().mean()};
    })[0];
  }

  /** Builds a step's loss (element 0, back-propagated) and diagnostics from arrays made in {@code s}. */
  @FunctionalInterface
  private interface LossTerms {
    NDArray[] build(NDManager s);
  }

  /**
   * One optimiser step on the loss {@code terms} builds, recorded in a step-scoped manager; clips the
   * gradients when asked. Returns the loss and the diagnostics as numbers.
   */
  private double[] optimise(LossTerms terms) {
    synchronized (lock) {
      permits.acquireUninterruptibly();
      try (NDManager s = manager.newSubManager()) {
        double[] out;
        try (Autograd gc = Autograd.record()) {
          NDArray[] parts = terms.build(s);
          out = new double[parts.length];
          for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i].toFloatArray()[0]; // getFloat() would clone the scalar first
          }
          if (fast != null) {
            fast.backward(parts[0]);
          } else {
            gc.backward(parts[0]);
          }
        }
        if (fast != null) {
          // The norm as DJL's path takes it (PyTorch's float sums); the scale and Adam in Java.
          double scale = 1.0;
          if (clipNorm > 0) {
            double norm = Math.sqrt(Gradients.squaredNorm(model.getBlock()));
            scale = norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0;
          }
          if (!(out[0] == 0 && !trainerStepped)) {
            fast.readGradients(!trainerStepped);
            if (scale < 1.0) {
              fast.scaleGradients((float) scale);
            }
            fast.step();
            trainerStepped = true;
          } else if (scale < 1.0) {
            // DJL's path clips a skipped step's gradients too (they stay, and the next backward adds to them).
            Gradients.scale(model.getBlock(), scale);
          }
          steps++;
          onStep.accept(out[0]);
          return out;
        }
        if (clipNorm > 0) {
          Gradients.clipNorm(model.getBlock(), clipNorm, 0);
        }
        // DJL refuses a first step whose gradients are all zero (a perfect first fit); Adam's first
        // step with a zero gradient moves nothing anyway.
        if (!(out[0] == 0 && !trainerStepped)) {
          trainer.step();
          trainerStepped = true;
        }
        steps++;
        onStep.accept(out[0]);
        return out;
      } finally {
        permits.release();
      }
    }
  }

  /**
   * One conservative Q-learning step (Kumar et al., 2020): minimises
   * {@code mean (q(x_i) - y_i)^2 + alpha * (mean_i logsumexp_j q(xr_ij) - mean_i q(x_i))}, where the
   * {@code xr_ij} are the same contexts with {@code k} sampled actions each.
   *
   * @param x the logged (context, action) inputs, {@code m x inputs}
   * @param y the targets (rewards, or bootstrapped targets)
   * @param xr the sampled-action inputs, {@code (m * k) x inputs}, row {@code i * k + j}
   * @param k sampled actions per context
   * @param alpha the conservative penalty's weight
   * @return the Bellman part and the penalty part of the loss
   */
  public double[] conservativeStep(float[] x, float[] y, int m, float[] xr, int k, double alpha) {
    int in = shape.inputs();
    if (x.length != m * in || y.length != m || xr.length != m * k * in || k < 1) {
      throw new IllegalArgumentException("conservative step needs " + m + " x " + in + " inputs, " + m + " targets and "
          + m + " x " + k + " sampled inputs");
    }
    double[] out = optimise(s -> {
      NDArray xs = s.create(x, new Shape(m, in));
      NDArray ys = s.create(y, new Shape(m, 1));
      NDArray rs = s.create(xr, new Shape((long) m * k, in));
      NDArray q = trainer.forward(new NDList(xs)).singletonOrThrow();
      NDArray qr = trainer.forward(new NDList(rs)).singletonOrThrow().reshape(m, k);
      // logsumexp with the row maximum held constant: its gradient is the softmax either way.
      NDArray mx = qr.max(new int[] {1}, true).stopGradient();
      NDArray lse = qr.sub(mx).exp().sum(new int[] {1}, true).log().add(mx);
      NDArray b = q.sub(ys).square().mean();
      NDArray p = lse.mean().sub(q.mean());
      // The weight as an array of this step (a scalar overload's array is closed while the graph holds it).
      return new NDArray[] {b.add(p.mul(s.create((float) alpha))), b, p};
    });
    return new double[] {out[1], out[2]};
  }

  /**
   * One step on grouped outputs: minimises {@code mean_g (sum_{j<k} f(x_gj) - y_g)^2}, the reference
   * SlateQ's slate regression (the sum of item values over a slate regressed on the slate's reward).
   *
   * @param x {@code (groups * k) x inputs}, group {@code g}'s rows at {@code g * k .. g * k + k - 1}
   * @return the loss
   */
  public double groupedStep(float[] x, int groups, int k, float[] y) {
    int in = shape.inputs();
    if (x.length != groups * k * in || y.length != groups || k < 1) {
      throw new IllegalArgumentException("grouped step needs " + groups + " x " + k + " x " + in + " inputs and "
          + groups + " targets");
    }
    return optimise(s -> {
      NDArray xs = s.create(x, new Shape((long) groups * k, in));
      NDArray ys = s.create(y, new Shape(groups, 1));
      NDArray pred = trainer.forward(new NDList(xs)).singletonOrThrow().reshape(groups, k).sum(new int[] {1}, true);
      return new NDArray[] {pred.sub(ys).square().mean()};
    })[0];
  }

  /**
   * One expectile-regression step (IQL's value step, Kostrikov et al. 2022): minimises
   * {@code mean_i |tau - 1(y_i < f(x_i))| (y_i - f(x_i))^2}, whose minimiser is the tau-expectile of y
   * given x (tau 0.5: the mean; toward 1: the maximum over the data's support).
   */
  public double expectileStep(float[] x, float[] y, int m, double tau) {
    int in = shape.inputs();
    if (x.length != m * in || y.length != m || !(tau > 0 && tau < 1)) {
      throw new IllegalArgumentException("expectile step needs " + m + " x " + in + " inputs, " + m
          + " targets and tau in (0, 1)");
    }
    return optimise(s -> {
      NDArray xs = s.create(x, new Shape(m, in));
      NDArray ys = s.create(y, new Shape(m, 1));
      NDArray u = ys.sub(trainer.forward(new NDList(xs)).singletonOrThrow());
      NDArray weight = u.lt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mul((float) (1 - 2 * tau))
          .add((float) tau);
      return new NDArray[] {weight.mul(u.square()).mean()};
    })[0];
  }

  /**
   * One weighted multi-output regression step: minimises {@code mean_i w_i |f(x_i) - y_i|^2} (IQL's
   * advantage-weighted policy extraction with a fixed-variance Gaussian policy).
   *
   * @param y targets, {@code m x outputs}
   * @param w per-example weights
   */
  public double weightedStep(float[] x, float[] y, float[] w, int m) {
    int in = shape.inputs();
    int out = shape.outputs();
    if (x.length != m * in || y.length != m * out || w.length != m) {
      throw new IllegalArgumentException("weighted step needs " + m + " x " + in + " inputs, " + m + " x " + out
          + " targets and " + m + " weights");
    }
    return optimise(s -> {
      NDArray xs = s.create(x, new Shape(m, in));
      NDArray ys = s.create(y, new Shape(m, out));
      NDArray ws = s.create(w, new Shape(m, 1));
      NDArray d = trainer.forward(new NDList(xs)).singletonOrThrow().sub(ys).square().sum(new int[] {1}, true);
      return new NDArray[] {d.mul(ws).mean()};
    })[0];
  }

  /**
   * One step along given output gradients: the surrogate loss {@code mean_i sum_j g_ij f(x_i)_j} has
   * the parameter gradient {@code mean_i J_i^T g_i}, so this is a gradient step for any loss whose
   * gradient with respect to the outputs is {@code g} at the current weights (TD3+BC's actor, whose
   * loss goes through a critic held elsewhere).
   *
   * @param g output gradients, {@code m x outputs}, computed at the current weights
   * @return the surrogate's value
   */
  public double outputGradientStep(float[] x, float[] g, int m) {
    int in = shape.inputs();
    int out = shape.outputs();
    if (x.length != m * in || g.length != m * out) {
      throw new IllegalArgumentException("output-gradient step needs " + m + " x " + in + " inputs and " + m + " x "
          + out + " gradients");
    }
    return optimise(s -> {
      NDArray xs = s.create(x, new Shape(m, in));
      NDArray gs = s.create(g, new Shape(m, out));
      return new NDArray[] {trainer.forward(new NDList(xs)).singletonOrThrow().mul(gs).sum().div(s.create((float) m))};
    })[0];
  }

  /** Optimiser steps taken. */
  public long steps() {
    return steps;
  }

  /** The current weights. */
  public Mlp export() {
    synchronized (lock) {
      return DjlNets.export(model.getBlock(), shape);
    }
  }

  /** Replaces the weights (a restored checkpoint). */
  public void load(Mlp weights) {
    if (!java.util.Arrays.equals(weights.sizes(), shape.sizes())) {
      throw new IllegalArgumentException("weights of shape " + java.util.Arrays.toString(weights.sizes())
          + " do not fit a model of shape " + java.util.Arrays.toString(shape.sizes()));
    }
    synchronized (lock) {
      DjlNets.load(model.getBlock(), weights);
      if (fast != null) {
        fast.refresh();
      }
    }
  }

  /** Outputs for a batch through DJL (the batched inference path). */
  public float[] predict(float[] x, int n) {
    synchronized (lock) {
      permits.acquireUninterruptibly();
      try {
        return lockedPredict(x, n);
      } finally {
        permits.release();
      }
    }
  }

  private float[] lockedPredict(float[] x, int n) {
    try (NDManager s = manager.newSubManager()) {
      NDArray xs = s.create(x, new Shape(n, shape.inputs()));
      NDArray out = model.getBlock().forward(new ai.djl.training.ParameterStore(s, false), new NDList(xs), false)
          .singletonOrThrow();
      return out.toFloatArray();
    }
  }

  private Runnable onClose = () -> {};
  private boolean closed;

  /** Runs {@code r} once when this model is closed (its learner stops holding it). */
  void onClose(Runnable r) {
    this.onClose = r;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      closeLocked();
      onClose.run();
    }
  }

  private void closeLocked() {
    trainer.close();
    model.close();
    manager.close();
  }
}
