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

/**
 * A Gaussian policy trained by policy gradient: the mean {@code mu(x)} is a DJL network, the
 * state-independent {@code log_std} a vector kept here; both move by Adam.
 *
 * <p>One update takes a batch of (context, action, weight) triples and minimises
 * {@code -(1/n) sum_i w_i log pi(a_i | x_i) - entropyCoef * H} (REINFORCE's loss with {@code w} the
 * advantages: a mean over the batch, as PPO's surrogate is, so the entropy bonus and the norm cap act
 * alike at any batch size). The gradient with respect to the mean is analytic, {@code -w (a - mu) / std^2}; it is
 * pushed through the network by back-propagating the surrogate {@code sum mu * g} with {@code g} held
 * constant, which has exactly that gradient. The log-std gradient is analytic too (0 where the clamp
 * to [-2, 1] is active). Gradients are clipped to a global norm over both, as the reference clips all
 * policy parameters.
 */
public final class GaussianPolicyModel implements AutoCloseable {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final NDManager manager;
  private final Model model;
  private final Trainer trainer;
  private final Mlp shape;
  private final double[] logStd;
  private final double[] m1;
  private final double[] m2;
  private final double lr;
  private long steps;
  private boolean trainerStepped;
  private double lastGradientNorm = Double.NaN;

  /** This model's own lock: its updates, exports and loads run one at a time (other models' beside them). */
  private final Object lock = new Object();
  /** The learner's permits for native steps. */
  private final java.util.concurrent.Semaphore permits;
  private final Runnable onStep;

  /** The learner's Adam for the mean network (null: DJL's optimiser, on request or off the CPU). */
  private final FastAdam fast;

  GaussianPolicyModel(NDManager manager, java.util.concurrent.Semaphore permits, String name, Mlp mu, double[] logStd,
      double lr, Runnable onStep, boolean djlOptimiser) {
    this.permits = permits;
    this.onStep = onStep;
    this.manager = manager;
    this.shape = mu;
    this.model = DjlNets.model(name, manager, mu);
    this.trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) lr)).build()));
    this.logStd = logStd.clone();
    this.m1 = new double[logStd.length];
    this.m2 = new double[logStd.length];
    this.lr = lr;
    this.fast = FastAdam.unlessDjl(model.getBlock(), (float) lr, 0f, djlOptimiser);
  }

  /**
   * One policy-gradient step on the batch's mean gradient.
   *
   * @param x contexts, {@code n x inputs}
   * @param a actions, {@code n x outputs}
   * @param w per-sample weights (advantages)
   * @param entropyCoef entropy bonus
   * @param clipNorm global gradient-norm cap (0: none)
   */
  public void update(float[] x, double[] a, double[] w, int n, double entropyCoef, double clipNorm) {
    double[] mean = new double[n];
    for (int i = 0; i < n; i++) {
      mean[i] = w[i] / n;
    }
    synchronized (lock) {
      lockedUpdate(x, a, (mu, std) -> mean, n, entropyCoef, clipNorm);
    }
  }

  /**
   * One PPO step on a minibatch: maximises the clipped surrogate against {@code logpOld} (the log
   * densities of the actions under the policy the ratios are taken against) plus the entropy bonus.
   *
   * @param x contexts, {@code n x inputs}
   * @param a actions, {@code n x outputs}
   * @param advantages per-sample advantages
   * @param logpOld per-sample {@code log pi_old(a|x)}
   * @param clipEps PPO's clip range
   * @return the fraction of samples on which the clip bound
   */
  public double ppoUpdate(float[] x, double[] a, double[] advantages, double[] logpOld, int n, double clipEps,
      double entropyCoef, double clipNorm) {
    double[] clippedCount = new double[1];
    synchronized (lock) {
      lockedUpdate(x, a, (mu, std) -> {
        int d = std.length;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
          double logp = 0;
          for (int j = 0; j < d; j++) {
            double z = (a[i * d + j] - mu[i * d + j]) / std[j];
            logp += -0.5 * z * z - Math.log(std[j]) - 0.5 * Math.log(2 * Math.PI);
          }
          double ratio = Math.exp(Math.min(50, logp - logpOld[i]));
          // Mean over the minibatch: each sample's weight is divided by n.
          w[i] = io.rlsearch.agents.pg.ClippedSurrogate.logProbWeight(ratio, advantages[i], clipEps) / n;
          if (io.rlsearch.agents.pg.ClippedSurrogate.clipped(ratio, advantages[i], clipEps)) {
            clippedCount[0]++;
          }
        }
        return w;
      }, n, entropyCoef, clipNorm);
    }
    return clippedCount[0] / n;
  }

  /** Per-sample weights of {@code log pi} from the current means ({@code n x outputs}) and stds. */
  @FunctionalInterface
  private interface Weights {
    double[] of(float[] mu, double[] std);
  }

  private void lockedUpdate(float[] x, double[] a, Weights weights, int n, double entropyCoef, double clipNorm) {
    permits.acquireUninterruptibly();
    try {
      gatedUpdate(x, a, weights, n, entropyCoef, clipNorm);
    } finally {
      permits.release();
    }
  }

  private void gatedUpdate(float[] x, double[] a, Weights weights, int n, double entropyCoef, double clipNorm) {
    int in = shape.inputs();
    int d = shape.outputs();
    double[] std = new double[d];
    for (int j = 0; j < d; j++) {
      std[j] = Math.exp(Math.max(-2, Math.min(1, logStd[j])));
    }
    double[] gLog = new double[d];
    double[] w;
    try (NDManager s = manager.newSubManager()) {
      NDArray xs = s.create(x, new Shape(n, in));
      try (Autograd gc = Autograd.record()) {
        NDArray mu = trainer.forward(new NDList(xs)).singletonOrThrow();
        float[] muv = mu.toFloatArray();
        w = weights.of(muv, std);
        float[] g = new float[n * d];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < d; j++) {
            double z = (a[i * d + j] - muv[i * d + j]) / std[j];
            g[i * d + j] = (float) (-w[i] * z / std[j]);
            boolean active = logStd[j] > -2 && logStd[j] < 1;
            if (active) {
              gLog[j] += -w[i] * (z * z - 1);
            }
          }
        }
        for (int j = 0; j < d; j++) {
          boolean active = logStd[j] > -2 && logStd[j] < 1;
          if (active) {
            gLog[j] -= entropyCoef;
          }
        }
        NDArray surrogate = mu.mul(s.create(g, new Shape(n, d))).sum();
        if (fast != null) {
          fast.backward(surrogate);
        } else {
          gc.backward(surrogate);
        }
      }
      double extra = 0;
      for (double v : gLog) {
        extra += v * v;
      }
      double norm = Math.sqrt(Gradients.squaredNorm(model.getBlock()) + extra);
      lastGradientNorm = norm;
      double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0;
      boolean allZero = true;
      for (double v : w) {
        allZero &= v == 0;
      }
      // DJL refuses a first step whose gradients are all zero; until the trainer has stepped once, a
      // zero-gradient step (which moves nothing in Adam from a fresh state) is skipped.
      boolean stepping = !(allZero && !trainerStepped);
      if (fast != null && stepping) {
        fast.readGradients(!trainerStepped);
        if (scale < 1.0) {
          fast.scaleGradients((float) scale);
        }
        fast.step();
        trainerStepped = true;
      } else {
        if (scale < 1.0) {
          Gradients.scale(model.getBlock(), scale);
        }
        if (stepping) {
          trainer.step();
          trainerStepped = true;
        }
      }
      steps++;
      onStep.run();
      double bc1 = 1 - Math.pow(BETA1, steps);
      double bc2 = 1 - Math.pow(BETA2, steps);
      for (int j = 0; j < d; j++) {
        double gj = gLog[j] * scale;
        m1[j] = BETA1 * m1[j] + (1 - BETA1) * gj;
        m2[j] = BETA2 * m2[j] + (1 - BETA2) * gj * gj;
        logStd[j] -= lr * (m1[j] / bc1) / (Math.sqrt(m2[j] / bc2) + EPS);
      }
    }
  }

  /** The global norm of the last update's gradient (network and log-stds) before clipping; NaN before any. */
  public double lastGradientNorm() {
    return lastGradientNorm;
  }

  /** Updates taken. */
  public long steps() {
    return steps;
  }

  /** The mean network's weights. */
  public Mlp exportMu() {
    synchronized (lock) {
      return DjlNets.export(model.getBlock(), shape);
    }
  }

  /** The log-stds. */
  public double[] logStd() {
    return logStd.clone();
  }

  /** Restores weights and log-stds (optimiser moments start afresh). */
  public void load(Mlp mu, double[] ls) {
    synchronized (lock) {
      DjlNets.load(model.getBlock(), mu);
      if (fast != null) {
        fast.refresh();
      }
    }
    System.arraycopy(ls, 0, logStd, 0, logStd.length);
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
