package io.rlsearch.sim;

import java.util.Arrays;

/** Small numeric helpers with numpy's conventions (population std, linear-interpolated percentiles). */
public final class Stats {
  private Stats() {}

  /** Arithmetic mean (0 for an empty array). */
  public static double mean(double[] x) {
    if (x.length == 0) {
      return 0;
    }
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** Population standard deviation (numpy's default ddof = 0) around {@code mean}. */
  public static double populationStd(double[] x, double mean) {
    if (x.length == 0) {
      return 0;
    }
    double s = 0;
    for (double v : x) {
      double d = v - mean;
      s += d * d;
    }
    return Math.sqrt(s / x.length);
  }

  /** numpy's {@code percentile(x, q)} with its default linear interpolation; q in [0, 100]. */
  public static double percentile(double[] x, double q) {
    double[] s = x.clone();
    Arrays.sort(s);
    double pos = (s.length - 1) * (q / 100.0);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    double frac = pos - lo;
    // numpy's _lerp: a + (b - a) * t, switched to b - (b - a) * (1 - t) for t >= 0.5
    double diff = s[hi] - s[lo];
    return frac >= 0.5 ? s[hi] - diff * (1 - frac) : s[lo] + diff * frac;
  }

  /** The logistic function 1 / (1 + e^-x). */
  public static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }
}
