package io.rlsearch.learn;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * The direct method for a continuous-action target policy: a reward model {@code r(x, a)} (an MLP)
 * fitted on logged decisions, averaged over logged contexts at the target's actions. Cross-fitted
 * over two folds: the model of one half scores the contexts of the other, so no context is scored by
 * a model that saw it.
 *
 * <p>Importance-weighted estimators cannot serve a deterministic (or search-based) continuous policy
 * such as CQL's or the Q-ensemble's: its density is a point mass. The interval here covers the
 * sampling of contexts only, not the reward model's bias: a narrow interval is no evidence that the
 * model is right, which is what comparing with the online value checks.
 */
public final class NeuralDirectMethod {
  private NeuralDirectMethod() {}

  /**
   * Settings.
   *
   * @param hidden the reward model's hidden sizes
   * @param lr Adam's learning rate
   * @param epochs passes over each fold
   * @param batch minibatch size
   * @param seed initialisation, order and policy-stream seed
   */
  public record Settings(int[] hidden, double lr, int epochs, int batch, long seed) {
    public Settings {
      hidden = hidden.clone();
      if (!(lr > 0) || epochs < 1 || batch < 1) {
        throw new IllegalArgumentException("the direct method needs lr > 0, epochs >= 1, batch >= 1");
      }
    }

    /** A (64, 64) ReLU reward model, lr 1e-3, 60 epochs of minibatches of 64. */
    public static Settings defaults() {
      return new Settings(new int[] {64, 64}, 1e-3, 60, 64, 17);
    }
  }

  /** The target's estimated value per decision over {@code log}'s continuous decisions. */
  public static Estimate estimate(SharedLearner learner, Settings s, List<LoggedDecision> log, PolicySnapshot target) {
    List<LoggedDecision> data = new ArrayList<>();
    for (LoggedDecision d : log) {
      if (d.arm() < 0) {
        data.add(d);
      }
    }
    if (data.size() < 4) {
      throw new IllegalArgumentException("the direct method needs at least 4 continuous decisions, the log has "
          + data.size());
    }
    int dim = data.get(0).context().length;
    int ad = data.get(0).action().length;
    int in = dim + ad;
    int n = data.size();
    double[] values = new double[n];
    for (int fold = 0; fold < 2; fold++) {
      List<Integer> train = new ArrayList<>();
      List<Integer> score = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        (i % 2 == fold ? score : train).add(i);
      }
      float[] x = new float[train.size() * in];
      float[] y = new float[train.size()];
      for (int r = 0; r < train.size(); r++) {
        LoggedDecision d = data.get(train.get(r));
        fill(x, r * in, d.context(), d.action());
        y[r] = (float) d.reward();
      }
      RegressionModel model = learner.regression("dm-" + fold, MlpInit.create(NeuralAgents.sizes(in, s.hidden(), 1),
          Mlp.Activation.RELU, new NumpyRandom(s.seed() + fold)), s.lr(), 0);
      try {
        model.fit(x, y, train.size(), s.epochs(), s.batch(), new NumpyRandom(s.seed() + 10 + fold));
        Mlp m = model.export();
        float[] row = new float[in];
        for (int i : score) {
          LoggedDecision d = data.get(i);
          Decision a = target.act(d.context(), new NumpyRandom(s.seed() * 1_000_003L + i));
          fill(row, 0, d.context(), a.action());
          values[i] = m.forward1(row);
        }
      } finally {
        model.close();
      }
    }
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (double v : values) {
      var += (v - mean) * (v - mean);
    }
    double se = Math.sqrt(var / (n - 1) / n);
    double t = n > 1 ? io.rlsearch.eval.Summary.t975(n - 1) : Double.NaN;
    return new Estimate("dm_mlp", mean, mean - t * se, mean + t * se, se, n, 1.0, n,
        "MLP reward model, 2-fold cross-fitted; the interval covers context sampling, not model bias");
  }

  private static void fill(float[] out, int at, double[] context, double[] action) {
    for (int j = 0; j < context.length; j++) {
      out[at + j] = (float) context[j];
    }
    for (int j = 0; j < action.length; j++) {
      out[at + context.length + j] = (float) action[j];
    }
  }
}
