package io.rlsearch.core.random;

import java.util.Arrays;

/**
 * A prepared weighted choice: numpy's {@code choice(n, p=p)} without recomputing the cumulative sum.
 *
 * <p>numpy computes {@code cdf = cumsum(p); cdf /= cdf[-1]} and returns
 * {@code searchsorted(cdf, random(), side='right')}; this does the same arithmetic in the same order.
 */
public final class Choice {
  private final double[] cdf;

  private Choice(double[] cdf) {
    this.cdf = cdf;
  }

  /** A table for the probabilities {@code p} (non-negative, summing to 1 within 1.5e-8, as numpy checks). */
  public static Choice of(double[] p) {
    return new Choice(cdf(p));
  }

  /** The number of outcomes. */
  public int size() {
    return cdf.length;
  }

  /** The outcome for the uniform draw {@code u}. */
  public int index(double u) {
    return cdfIndex(cdf, u);
  }

  static double[] cdf(double[] p) {
    if (p.length == 0) {
      throw new IllegalArgumentException("choice: p must not be empty");
    }
    double sum = 0;
    double[] cdf = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0)) {
        throw new IllegalArgumentException("choice: probabilities must be non-negative, got " + p[i]);
      }
      sum += p[i];
      cdf[i] = sum;
    }
    if (Math.abs(sum - 1.0) > Math.sqrt(Math.ulp(1.0))) {
      throw new IllegalArgumentException(
          "choice: probabilities do not sum to 1 (sum " + sum + "): " + Arrays.toString(p));
    }
    double last = cdf[cdf.length - 1];
    for (int i = 0; i < cdf.length; i++) {
      cdf[i] /= last;
    }
    return cdf;
  }

  static int cdfIndex(double[] cdf, double u) {
    // searchsorted(side='right'): the number of entries <= u
    int lo = 0;
    int hi = cdf.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] <= u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
