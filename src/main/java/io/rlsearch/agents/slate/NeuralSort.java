package io.rlsearch.agents.slate;

/**
 * NeuralSort (Grover et al., 2019), the continuous relaxation of the sorting permutation, in plain
 * Java (the learner computes the same in DJL for its gradients; this is the reference the tests and
 * the report use).
 *
 * <p>For scores {@code s} of {@code n} items, row {@code k} (1-based) of the relaxed permutation is
 * {@code softmax(((n + 1 - 2k) s - A 1) / tau)} with {@code A_ij = |s_i - s_j|}: a distribution over
 * which item sits at position {@code k}. As {@code tau -> 0} it tends to the hard descending sort.
 */
public final class NeuralSort {
  private NeuralSort() {}

  /** The first {@code rows} rows of the relaxed permutation, {@code rows x n} row-major. */
  public static double[] relaxed(double[] s, int rows, double tau) {
    int n = s.length;
    if (rows < 1 || rows > n || !(tau > 0)) {
      throw new IllegalArgumentException("NeuralSort needs 1 <= rows <= n and tau > 0; got rows " + rows + ", n " + n
          + ", tau " + tau);
    }
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        b[i] += Math.abs(s[i] - s[j]);
      }
    }
    double[] p = new double[rows * n];
    for (int k = 1; k <= rows; k++) {
      double c = n + 1 - 2.0 * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        p[(k - 1) * n + i] = (c * s[i] - b[i]) / tau;
        max = Math.max(max, p[(k - 1) * n + i]);
      }
      double sum = 0;
      for (int i = 0; i < n; i++) {
        double e = Math.exp(p[(k - 1) * n + i] - max);
        p[(k - 1) * n + i] = e;
        sum += e;
      }
      for (int i = 0; i < n; i++) {
        p[(k - 1) * n + i] /= sum;
      }
    }
    return p;
  }

  /**
   * The relaxed expected reward {@code sum_k sum_i P[k, i] W[k, i]}, where {@code W[k, i]} is what item
   * {@code i} earns at position {@code k} (its click probability there times its value).
   */
  public static double expected(double[] p, double[] w) {
    if (p.length != w.length) {
      throw new IllegalArgumentException("permutation and weights differ in size: " + p.length + " vs " + w.length);
    }
    double v = 0;
    for (int i = 0; i < p.length; i++) {
      v += p[i] * w[i];
    }
    return v;
  }
}
