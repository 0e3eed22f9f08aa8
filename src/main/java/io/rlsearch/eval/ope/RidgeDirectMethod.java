package io.rlsearch.eval.ope;

import java.util.List;

/**
 * The direct method with a ridge-regression reward model over {@code [1, x, a, a^2, x a^T]}
 * (context, action, squared action, all context-action products), for a continuous-action target
 * evaluated on logged decisions: fit {@code r(x, a)} on the log, then average {@code r(x, pi(x))}
 * over the logged contexts. Cheap enough to re-run on a live log (a few hundred features, normal
 * equations with a Cholesky solve). Like every direct method it is as good as its model: where the
 * target acts far from the logged actions the model extrapolates; the interval covers context
 * sampling only.
 */
public final class RidgeDirectMethod {
  private RidgeDirectMethod() {}

  /** The features of {@code (x, a)}. */
  static double[] features(double[] x, double[] a) {
    int d = x.length;
    int k = a.length;
    double[] f = new double[1 + d + 2 * k + d * k];
    f[0] = 1;
    System.arraycopy(x, 0, f, 1, d);
    for (int j = 0; j < k; j++) {
      f[1 + d + j] = a[j];
      f[1 + d + k + j] = a[j] * a[j];
    }
    int at = 1 + d + 2 * k;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < k; j++) {
        f[at++] = x[i] * a[j];
      }
    }
    return f;
  }

  /**
   * Fits the model on {@code contexts}, {@code actions}, {@code rewards} and estimates the value of the
   * target whose actions on the same contexts are {@code targetActions}.
   *
   * @param lambda ridge penalty
   */
  public static Estimate estimate(List<double[]> contexts, List<double[]> actions, double[] rewards,
      List<double[]> targetActions, double lambda) {
    int n = contexts.size();
    if (n < 2 || actions.size() != n || rewards.length != n || targetActions.size() != n || !(lambda > 0)) {
      throw new IllegalArgumentException("the direct method needs n >= 2 logged decisions with a target action"
          + " each and lambda > 0; got " + n + " contexts, " + actions.size() + " actions, " + rewards.length
          + " rewards, " + targetActions.size() + " target actions");
    }
    int p = features(contexts.get(0), actions.get(0)).length;
    double[] a = new double[p * p];
    double[] b = new double[p];
    for (int i = 0; i < n; i++) {
      double[] f = features(contexts.get(i), actions.get(i));
      for (int r = 0; r < p; r++) {
        b[r] += f[r] * rewards[i];
        if (f[r] == 0) {
          continue;
        }
        for (int c = 0; c <= r; c++) {
          a[r * p + c] += f[r] * f[c];
        }
      }
    }
    // The lower triangle is all the Cholesky solve reads.
    for (int r = 0; r < p; r++) {
      a[r * p + r] += lambda;
    }
    double[] w = LinearFqe.choleskySolve(a, b, p);
    double[] v = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      double[] f = features(contexts.get(i), targetActions.get(i));
      double s = 0;
      for (int r = 0; r < p; r++) {
        s += w[r] * f[r];
      }
      v[i] = s;
      mean += s;
    }
    mean /= n;
    double var = 0;
    for (double x : v) {
      var += (x - mean) * (x - mean);
    }
    double se = Math.sqrt(var / (n - 1) / n);
    double t = OffPolicyEstimators.t975(n);
    return new Estimate("dm_ridge", mean, mean - t * se, mean + t * se, se, n, 1.0, n,
        "ridge reward model on [1, x, a, a^2, x a]; the interval covers context sampling, not model bias");
  }
}
