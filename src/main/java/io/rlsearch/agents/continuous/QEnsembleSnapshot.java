package io.rlsearch.agents.continuous;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import java.util.Optional;

/**
 * A Q-ensemble policy frozen at a version: the action maximising
 * {@code mean_k Q_k(x, a) + beta std_k Q_k(x, a)} over the box, found by CEM.
 *
 * <p>The action is a deterministic function of the context and the episode's policy stream (CEM's
 * samples), so its logged propensity is 1 (a point mass), as the reference's OPE wrapper treats it.
 */
public final class QEnsembleSnapshot implements PolicySnapshot {
  private final long version;
  private final List<Mlp> members;
  private final double beta;
  private final Cem.Settings cem;
  private final int actionDim;

  /** A snapshot of {@code members} (inputs = context dim + action dim). */
  public QEnsembleSnapshot(long version, List<Mlp> members, double beta, Cem.Settings cem, int actionDim) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a Q-ensemble needs at least one member");
    }
    this.version = version;
    this.members = List.copyOf(members);
    this.beta = beta;
    this.cem = cem;
    this.actionDim = actionDim;
  }

  /** The members' weights. */
  public List<Mlp> members() {
    return members;
  }

  @Override
  public String agent() {
    return "contq";
  }

  @Override
  public long version() {
    return version;
  }

  /**
   * Ensemble mean and population std of Q for each action row in context {@code x}: every member scores
   * all rows in one batched pass ({@link Mlp#forwardBatch(float[], float[], int)}, the context's share
   * of the first layer computed once).
   */
  public double[][] predict(double[] x, double[][] actions) {
    int k = members.size();
    int n = actions.length;
    float[] context = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      context[i] = (float) x[i];
    }
    float[] rest = new float[n * actionDim];
    for (int r = 0; r < n; r++) {
      for (int d = 0; d < actionDim; d++) {
        rest[r * actionDim + d] = (float) actions[r][d];
      }
    }
    double[] mean = new double[n];
    float[][] q = new float[k][];
    for (int j = 0; j < k; j++) {
      q[j] = members.get(j).forwardBatch(context, rest, n);
    }
    double[] std = new double[n];
    for (int r = 0; r < n; r++) {
      double m = 0;
      for (int j = 0; j < k; j++) {
        m += q[j][r];
      }
      m /= k;
      double v = 0;
      for (int j = 0; j < k; j++) {
        v += (q[j][r] - m) * (q[j][r] - m);
      }
      mean[r] = m;
      std[r] = Math.sqrt(v / k);
    }
    return new double[][] {mean, std};
  }

  /** The same members acting with bonus {@code beta} on their spread (a schedule of widths). */
  public QEnsembleSnapshot withBeta(double beta) {
    return beta == this.beta ? this : new QEnsembleSnapshot(version, members, beta, cem, actionDim);
  }

  @Override
  public PolicySnapshot greedy() {
    return beta == 0 ? this : new QEnsembleSnapshot(version, members, 0.0, cem, actionDim);
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    Cem.Result r = Cem.maximise(a -> {
      double[][] ms = predict(x, a);
      double[] v = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        v[i] = ms[0][i] + beta * ms[1][i];
      }
      return v;
    }, actionDim, cem, Optional.empty(), Optional.empty(), rng);
    return Decision.continuous(r.best(), 1.0);
  }
}
