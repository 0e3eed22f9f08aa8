package io.rlsearch.core;

/**
 * The count, mean and variance of a stream of numbers, updated one value at a time (Welford's
 * algorithm: no sum of squares, so no cancellation when the mean is large against the spread).
 * Not thread-safe.
 */
public final class RunningMoments {
  private long n;
  private double mean;
  private double m2;

  /** Adds {@code x}. */
  public void add(double x) {
    n++;
    double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }

  /** Values added. */
  public long n() {
    return n;
  }

  /** Their mean (NaN before the first). */
  public double mean() {
    return n == 0 ? Double.NaN : mean;
  }

  /** Their sample variance (n - 1 in the denominator; 0 below two values). */
  public double variance() {
    return n < 2 ? 0 : Math.max(0, m2 / (n - 1));
  }

  /**
   * Two-sided 95% half-width of the mean's interval on Student's t at n - 1 degrees of freedom, given
   * {@code t975} the t quantile for those degrees (NaN below two values).
   */
  public double halfWidth(double t975) {
    return n < 2 ? Double.NaN : t975 * Math.sqrt(variance() / n);
  }
}
