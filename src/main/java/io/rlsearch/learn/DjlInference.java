package io.rlsearch.learn;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.InferenceEngine;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched inference in the shared learner: a Gaussian policy's means for a whole batch in one DJL
 * forward pass (the policy server's SEED-style central inference); the sampling that follows is the
 * snapshot's own, from each context's stream. Other snapshot types act through their pure-Java
 * forward pass (their search, e.g. CEM over a Q-ensemble, is per context).
 *
 * <p>The engine keeps one DJL copy of the current snapshot's mean network and reloads its weights
 * when a new snapshot arrives. Its forward passes take the engine's own lock and one of the learner's
 * permits for native steps ({@link SharedLearner#parallelSteps()}).
 * Owned by one policy server; not thread-safe.
 */
public final class DjlInference implements InferenceEngine {
  private final SharedLearner learner;
  /** This engine's own lock: its forward passes run one at a time (the learner's models step beside them). */
  private final Object lock = new Object();
  private NDManager manager;
  private Model model;
  private Mlp shape;
  private PolicySnapshot loaded;
  private long forwardPasses;
  private final int minBatch;

  /** An engine on {@code learner}'s device that runs every batch through DJL. */
  public DjlInference(SharedLearner learner) {
    this(learner, 1);
  }

  /**
   * An engine that runs batches of at least {@code minBatch} contexts through DJL and smaller ones
   * through the pure-Java forward pass ("auto": `bench inference` puts the crossover for the Battle
   * Royale's policy between 16 and 64 concurrent requests on the 2-core CPU).
   */
  public DjlInference(SharedLearner learner, int minBatch) {
    if (minBatch < 1) {
      throw new IllegalArgumentException("min batch must be >= 1, got " + minBatch);
    }
    this.learner = learner;
    this.minBatch = minBatch;
    // closed with the learner under its own lock, so never while a forward pass is under way
    learner.own(this);
  }

  @Override
  public String name() {
    return minBatch > 1 ? "auto" : "djl";
  }

  /** DJL forward passes run. */
  public long forwardPasses() {
    return forwardPasses;
  }

  @Override
  public List<Decision> act(PolicySnapshot snapshot, double[][] contexts, NumpyRandom[] streams) {
    if (!(snapshot instanceof GaussianPolicySnapshot g) || contexts.length < minBatch) {
      return InferenceEngine.JAVA.act(snapshot, contexts, streams);
    }
    int n = contexts.length;
    int in = g.mu().inputs();
    int out = g.mu().outputs();
    float[] x = new float[n * in];
    for (int i = 0; i < n; i++) {
      if (contexts[i].length != in) {
        throw new IllegalArgumentException("context " + i + " has " + contexts[i].length + " values, the policy " + in);
      }
      for (int j = 0; j < in; j++) {
        x[i * in + j] = (float) contexts[i][j];
      }
    }
    float[] mu;
    synchronized (lock) {
      if (loaded != snapshot) {
        load(g.mu());
        loaded = snapshot;
      }
      learner.steps().acquireUninterruptibly();
      try (NDManager s = manager.newSubManager()) {
        NDArray xs = s.create(x, new Shape(n, in));
        mu = model.getBlock().forward(new ParameterStore(s, false), new NDList(xs), false).singletonOrThrow()
            .toFloatArray();
      } finally {
        learner.steps().release();
      }
      forwardPasses++;
    }
    List<Decision> decisions = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] m = new double[out];
      for (int j = 0; j < out; j++) {
        m[j] = mu[i * out + j];
      }
      decisions.add(g.sample(m, streams[i]));
    }
    return decisions;
  }

  private void load(Mlp weights) {
    if (model != null && java.util.Arrays.equals(shape.sizes(), weights.sizes())
        && shape.activation() == weights.activation()) {
      DjlNets.load(model.getBlock(), weights);
      return;
    }
    closeModel();
    manager = learner.manager().newSubManager();
    model = DjlNets.model("inference", manager, weights);
    shape = weights;
  }

  private void closeModel() {
    if (model != null) {
      model.close();
      manager.close();
      model = null;
      manager = null;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closeModel();
    }
    learner.disown(this);
  }
}
