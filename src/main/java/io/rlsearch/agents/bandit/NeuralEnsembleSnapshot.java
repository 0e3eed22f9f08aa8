package io.rlsearch.agents.bandit;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import java.util.List;

/**
 * The neural ensemble bandit frozen at a version: every member predicts the reward of each template
 * from {@code context ‖ one-hot(template)}, and the template with the largest
 * {@code mean + beta std} over the members is played (ties to the lowest template). The members learn
 * from bootstrap resamples of the data, so their spread is the uncertainty the bonus rewards.
 * Deterministic given the context: the logged propensity is 1.
 */
public final class NeuralEnsembleSnapshot implements PolicySnapshot {
  private final long version;
  private final List<Mlp> members;
  private final double beta;
  private final int arms;

  /** A snapshot of {@code members} (inputs: context dim + {@code arms}). */
  public NeuralEnsembleSnapshot(long version, List<Mlp> members, double beta, int arms) {
    if (members.isEmpty() || arms < 1) {
      throw new IllegalArgumentException("a neural ensemble needs members and arms");
    }
    this.version = version;
    this.members = List.copyOf(members);
    this.beta = beta;
    this.arms = arms;
  }

  /** The members' weights. */
  public List<Mlp> members() {
    return members;
  }

  /** Templates. */
  public int arms() {
    return arms;
  }

  @Override
  public String agent() {
    return "neural_ensemble";
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public PolicySnapshot greedy() {
    return new NeuralEnsembleSnapshot(version, members, 0, arms);
  }

  /** Per template: the members' mean prediction and their population standard deviation. */
  public double[][] predict(double[] x) {
    int in = x.length + arms;
    float[] rows = new float[arms * in];
    for (int a = 0; a < arms; a++) {
      for (int i = 0; i < x.length; i++) {
        rows[a * in + i] = (float) x[i];
      }
      rows[a * in + x.length + a] = 1f;
    }
    double[] sum = new double[arms];
    double[] sq = new double[arms];
    for (Mlp m : members) {
      float[] out = m.forwardBatch(rows, arms);
      for (int a = 0; a < arms; a++) {
        sum[a] += out[a];
        sq[a] += (double) out[a] * out[a];
      }
    }
    int k = members.size();
    double[][] r = new double[2][arms];
    for (int a = 0; a < arms; a++) {
      r[0][a] = sum[a] / k;
      r[1][a] = Math.sqrt(Math.max(sq[a] / k - r[0][a] * r[0][a], 0));
    }
    return r;
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    double[][] p = predict(x);
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int a = 0; a < arms; a++) {
      double s = p[0][a] + beta * p[1][a];
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    return Decision.arm(best, 1.0);
  }
}
