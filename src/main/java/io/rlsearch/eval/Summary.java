package io.rlsearch.eval;

/**
 * Mean, standard deviation and a 95% confidence interval of a sample.
 *
 * <p>The interval is {@code mean ± z * std / sqrt(n)} with Student's t quantile for small n (exact
 * table to n = 30, the normal 1.96 beyond), the usual large-sample interval for a mean.
 *
 * @param n sample size
 * @param mean sample mean
 * @param std sample standard deviation (n - 1 in the denominator)
 * @param ciLow lower end of the 95% interval
 * @param ciHigh upper end of the 95% interval
 */
public record Summary(long n, double mean, double std, double ciLow, double ciHigh) {
  private static final double[] T975 = {
    Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
    2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042
  };

  /** The summary of {@code values}. */
  public static Summary of(double[] values) {
    int n = values.length;
    if (n == 0) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= n;
    if (n == 1) {
      return new Summary(1, mean, Double.NaN, Double.NaN, Double.NaN);
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / (n - 1));
    int df = n - 1;
    double t = df < T975.length ? T975[df] : 1.959964;
    double half = t * std / Math.sqrt(n);
    return new Summary(n, mean, std, mean - half, mean + half);
  }

  /**
   * The summary of a sample given by its size, mean and sum of squared deviations from the mean (as
   * Welford's running sums give them); the same interval as {@link #of}.
   */
  public static Summary ofMoments(long n, double mean, double m2) {
    if (n == 0) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    if (n == 1) {
      return new Summary(1, mean, Double.NaN, Double.NaN, Double.NaN);
    }
    double std = Math.sqrt(m2 / (n - 1));
    long df = n - 1;
    double t = df < T975.length ? T975[(int) df] : 1.959964;
    double half = t * std / Math.sqrt(n);
    return new Summary(n, mean, std, mean - half, mean + half);
  }

  /** Half-width of the 95% interval. */
  public double halfWidth() {
    return (ciHigh - ciLow) / 2;
  }
}
