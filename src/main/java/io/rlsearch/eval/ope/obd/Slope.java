package io.rlsearch.eval.ope.obd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.DoubleFunction;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * SLOPE hyperparameter selection (Su, Srinath and Krishnamurthy 2020, in Tucker and Lee's 2021
 * form, as the Open Bandit Pipeline's default tuning): each candidate lambda gives per-round values
 * with mean {@code theta} and a confidence width {@code cnf = t_{n-1}(1 - delta) sqrt(var / (n - 1))}
 * (variance over n). Candidates are visited from the widest width to the narrowest; a candidate is
 * accepted while {@code |theta_j - theta| <= cnf + (sqrt(6) - 1) cnf_j} for every accepted
 * {@code j}; the last accepted one is chosen (the narrowest, if all are accepted). Ties in width
 * are visited in reverse candidate order, as the pipeline's reversed ascending sort visits them, so
 * when several candidates give the same values the order of {@code lambdas} decides which is
 * reported: pass them in the pipeline's order (its Switch-DR sorts them descending, its DR-OS and
 * sub-Gaussian IPW ascending).
 */
public final class Slope {
  private static final double C = Math.sqrt(6) - 1;

  private Slope() {}

  /** The Open Bandit Pipeline's confidence delta for SLOPE. */
  public static final double DELTA = 0.1;

  public static double tune(double[] lambdas, DoubleFunction<double[]> roundValues, double delta) {
    if (lambdas.length == 0) {
      throw new IllegalArgumentException("no candidate lambdas");
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    double[] theta = new double[lambdas.length];
    double[] cnf = new double[lambdas.length];
    for (int k = 0; k < lambdas.length; k++) {
      double[] x = roundValues.apply(lambdas[k]);
      int n = x.length;
      if (n < 2) {
        throw new IllegalArgumentException("SLOPE needs at least 2 rounds, got " + n);
      }
      double m = PositionEstimators.mean(x);
      double ss = 0;
      for (double v : x) {
        ss += (v - m) * (v - m);
      }
      double t = new TDistribution(null, n - 1, 1e-14).inverseCumulativeProbability(1 - delta);
      theta[k] = m;
      cnf[k] = Math.sqrt(ss / n / (n - 1)) * t;
    }
    Integer[] ascending = new Integer[lambdas.length];
    for (int k = 0; k < ascending.length; k++) {
      ascending[k] = k;
    }
    Arrays.sort(ascending, Comparator.comparingDouble(k -> cnf[k]));
    int[] order = new int[ascending.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = ascending[ascending.length - 1 - k];
    }
    for (int i = 1; i < order.length; i++) {
      int idx = order[i];
      for (int j = 0; j < i; j++) {
        int prev = order[j];
        if (!(Math.abs(theta[prev] - theta[idx]) <= cnf[idx] + C * cnf[prev])) {
          return lambdas[order[i - 1]];
        }
      }
    }
    return lambdas[order[order.length - 1]];
  }
}
