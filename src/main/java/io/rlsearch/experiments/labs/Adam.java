package io.rlsearch.experiments.labs;

/** Adam's ascent step on plain arrays (beta1 0.9, beta2 0.999, eps 1e-8), for the labs' pure-Java learners. */
final class Adam {
  private Adam() {}

  /**
   * Moves {@code p} up the gradient {@code sum / n} and clears {@code sum}; {@code m} and {@code v}
   * are the moment estimates, {@code t} the step's number (from 1).
   */
  static void ascend(double[] p, double[] sum, int n, double[] m, double[] v, long t, double lr) {
    double c1 = 1 - Math.pow(0.9, t);
    double c2 = 1 - Math.pow(0.999, t);
    for (int i = 0; i < p.length; i++) {
      double g = sum[i] / n;
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      p[i] += lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
      sum[i] = 0;
    }
  }
}
