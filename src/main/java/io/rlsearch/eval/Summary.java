package io.rlsearch.eval;

/**
 * Mean, standard deviation and a 95% confidence interval of a sample.
 *
 * <p>The interval is {@code mean ± t * std / sqrt(n)} with Student's t 0.975 quantile at n - 1
 * degrees of freedom ({@link #t975}), the usual interval for a mean.
 *
 * @param n sample size
 * @param mean sample mean
 * @param std sample standard deviation (n - 1 in the denominator)
 * @param ciLow lower end of the 95% interval
 * @param ciHigh upper end of the 95% interval
 */
public record Summary(long n, double mean, double std, double ciLow, double ciHigh) {
  /** Degrees of freedom above which the quantile comes from its expansion in 1 / df. */
  private static final long LARGE_DF = 100_000;

  /** The standard normal's 0.975 quantile. */
  private static final double Z975 = 1.959963984540054;

  /**
   * Student's t 0.975 quantile at {@code df} degrees of freedom (df >= 1): commons-math's inverse
   * of the t distribution (absolute error below 1e-9), or above 100,000 degrees of freedom the
   * Cornish-Fisher expansion {@code z + (z^3 + z) / (4 df) + (5 z^5 + 16 z^3 + 3 z) / (96 df^2)} (error
   * below 1e-14 there).
   */
  public static double t975(long df) {
    if (df < 1) {
      throw new IllegalArgumentException("the t quantile needs df >= 1, got " + df);
    }
    if (df > LARGE_DF) {
      double z = Z975;
      double z3 = z * z * z;
      double d = df;
      return z + (z3 + z) / (4 * d) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * d * d);
    }
    return T975.computeIfAbsent((int) df, Summary::t975Inverse);
  }

  /**
   * The quantiles computed so far, by degrees of freedom (at most {@link #LARGE_DF} of them): a cache of a
   * pure function, which the rolling intervals of a run ask for at every report with the same few sizes.
   * Inverting the t distribution costs tens of microseconds; a look-up costs nothing, and gives the same
   * bits.
   */
  private static final java.util.concurrent.ConcurrentHashMap<Integer, Double> T975 =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static double t975Inverse(int df) {
    // No random generator: the distribution is only inverted, never sampled.
    return new org.apache.commons.math3.distribution.TDistribution(null, df).inverseCumulativeProbability(0.975);
  }


  /** The median of {@code x} (numpy's: the mean of the two middle values for an even count); x not empty. */
  public static double median(double[] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] s = x.clone();
    java.util.Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

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
    double half = t975(n - 1) * std / Math.sqrt(n);
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
    double half = t975(n - 1) * std / Math.sqrt(n);
    return new Summary(n, mean, std, mean - half, mean + half);
  }

  /** Half-width of the 95% interval. */
  public double halfWidth() {
    return (ciHigh - ciLow) / 2;
  }
}
