package io.rlsearch.eval.opl;

/**
 * The learners' features {@code phi(x) = [z(x), 1]}: each context column z-scored with the training
 * rows' mean and (population) standard deviation, a constant column mapped to 0, then a bias. A
 * policy's weights are per action over {@code phi} (so {@code theta_p . phi(x, a)} is action
 * {@code a}'s own linear function of the context); {@link #toRaw} folds the scaling back so the
 * stored policy scores the raw context.
 */
final class Features {
  private final double[] mean;
  private final double[] scale;

  private Features(double[] mean, double[] scale) {
    this.mean = mean;
    this.scale = scale;
  }

  /** The standardisation of {@code x}'s columns. */
  static Features fit(double[][] x, int dim) {
    double[] mean = new double[dim];
    double[] sd = new double[dim];
    for (double[] row : x) {
      for (int j = 0; j < dim; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < dim; j++) {
      mean[j] /= Math.max(1, x.length);
    }
    for (double[] row : x) {
      for (int j = 0; j < dim; j++) {
        double d = row[j] - mean[j];
        sd[j] += d * d;
      }
    }
    double[] scale = new double[dim];
    for (int j = 0; j < dim; j++) {
      double s = Math.sqrt(sd[j] / Math.max(1, x.length));
      // A constant column carries nothing: its z-score is 0 (scale 0), and the bias does its work.
      scale[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? 1.0 / s : 0.0;
    }
    return new Features(mean, scale);
  }

  /** Length of {@code phi}: the context's columns and the bias. */
  int dim() {
    return mean.length + 1;
  }

  double[] phi(double[] x) {
    double[] f = new double[mean.length + 1];
    for (int j = 0; j < mean.length; j++) {
      f[j] = (x[j] - mean[j]) * scale[j];
    }
    f[mean.length] = 1.0;
    return f;
  }

  double[][] phi(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = phi(x[i]);
    }
    return out;
  }

  /**
   * The raw-context weights ({@code [action][feature]}) and intercepts of the scores
   * {@code theta[a] . phi(x)}.
   */
  double[][] toRaw(double[][] theta, double[] interceptsOut) {
    int d = mean.length;
    double[][] w = new double[theta.length][d];
    for (int a = 0; a < theta.length; a++) {
      double b = theta[a][d];
      for (int j = 0; j < d; j++) {
        w[a][j] = theta[a][j] * scale[j];
        b -= w[a][j] * mean[j];
      }
      interceptsOut[a] = b;
    }
    return w;
  }
}
