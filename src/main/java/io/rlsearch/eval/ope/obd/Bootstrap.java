package io.rlsearch.eval.ope.obd;

import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;

/**
 * Percentile bootstrap confidence intervals of an estimator that is a mean of per-round values, as
 * the Open Bandit Pipeline's {@code estimate_confidence_interval_by_bootstrap}: resample the rounds
 * with replacement {@code b} times, take each resample's mean, and report the {@code alpha/2} and
 * {@code 1 - alpha/2} percentiles of those means, interpolated linearly between order statistics
 * (numpy's default percentile: at {@code h = (b - 1) q}, {@code x[floor h] + (h - floor h)
 * (x[floor h + 1] - x[floor h])}).
 *
 * <p>For a self-normalised estimator (SNIPW, SNDR) the pipeline bootstraps the per-round values as
 * they are, that is with the normaliser {@code mean(w)} of the full sample held fixed;
 * {@link #interval} on {@link PositionEstimators#snipwRounds()} reproduces that. {@link
 * #selfNormalised} instead resamples each round's weight together with its weighted term and
 * recomputes the normaliser in every resample, which accounts for the normaliser's own variance.
 *
 * <p>Seeded and deterministic; the resampling stream is not the pipeline's, so endpoints agree with
 * its to Monte Carlo error, not bit for bit.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /** The interval's bounds and the mean of the resample means. */
  public record Interval(double low, double high, double mean) {}

  /**
   * A self-normalised estimator's per-round parts: its estimate is
   * {@code mean(baseline) + mean(weighted) / mean(weights)}.
   */
  public record SelfNormalisedRounds(double[] baseline, double[] weighted, double[] weights) {
    public SelfNormalisedRounds {
      if (baseline.length != weighted.length || weights.length != weighted.length) {
        throw new IllegalArgumentException("baseline, weighted and weights must have the same length, got "
            + baseline.length + ", " + weighted.length + ", " + weights.length);
      }
    }

    public double estimate() {
      return PositionEstimators.mean(baseline) + PositionEstimators.mean(weighted) / PositionEstimators.mean(weights);
    }
  }

  /** The percentile bootstrap interval of the mean of {@code perRound}. */
  public static Interval interval(double[] perRound, int b, double alpha, long seed) {
    check(perRound.length, b, alpha);
    int n = perRound.length;
    NumpyRandom rng = new NumpyRandom(seed);
    double[] means = new double[b];
    for (int s = 0; s < b; s++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += perRound[(int) rng.integers(0, n)];
      }
      means[s] = sum / n;
    }
    return percentiles(means, alpha);
  }

  /**
   * The intervals of several estimators from the same resamples: element {@code e} of the result is
   * exactly {@link #interval}{@code (perRound[e], b, alpha, seed)}, as the pipeline's intervals of
   * several estimators all resample with the same seed; the resampled rounds are drawn once.
   *
   * @param perRound {@code [estimator][round]}, every estimator over the same rounds
   */
  public static Interval[] intervals(double[][] perRound, int b, double alpha, long seed) {
    int m = perRound.length;
    if (m == 0) {
      return new Interval[0];
    }
    int n = perRound[0].length;
    check(n, b, alpha);
    double[] byRound = new double[n * m]; // round-major, so a resampled round's values are adjacent
    for (int e = 0; e < m; e++) {
      if (perRound[e].length != n) {
        throw new IllegalArgumentException("bootstrap: estimator " + e + " has " + perRound[e].length
            + " rounds, the first has " + n);
      }
      for (int i = 0; i < n; i++) {
        byRound[i * m + e] = perRound[e][i];
      }
    }
    NumpyRandom rng = new NumpyRandom(seed);
    double[][] means = new double[m][b];
    double[] sum = new double[m];
    for (int s = 0; s < b; s++) {
      java.util.Arrays.fill(sum, 0);
      for (int i = 0; i < n; i++) {
        int at = (int) rng.integers(0, n) * m;
        for (int e = 0; e < m; e++) {
          sum[e] += byRound[at + e];
        }
      }
      for (int e = 0; e < m; e++) {
        means[e][s] = sum[e] / n;
      }
    }
    Interval[] out = new Interval[m];
    for (int e = 0; e < m; e++) {
      out[e] = percentiles(means[e], alpha);
    }
    return out;
  }

  /**
   * The percentile bootstrap interval of a self-normalised estimator, each resample's estimate
   * recomputed from the resampled rounds' baseline, weighted terms and weights; a resample whose
   * weights sum to zero has no self-normalised estimate and is left out
   * ({@link #selfNormalisedCounted} counts them). When every resample is left out the bounds are NaN.
   */
  public static Interval selfNormalised(SelfNormalisedRounds rounds, int b, double alpha, long seed) {
    return selfNormalisedCounted(rounds, b, alpha, seed).interval();
  }

  /** {@link #selfNormalised}'s interval and the number of resamples left out for a zero weight sum. */
  public record Counted(Interval interval, int dropped) {}

  /** {@link #selfNormalised}, with the number of zero-weight resamples it left out. */
  public static Counted selfNormalisedCounted(SelfNormalisedRounds rounds, int b, double alpha, long seed) {
    int n = rounds.weights().length;
    check(n, b, alpha);
    NumpyRandom rng = new NumpyRandom(seed);
    double[] means = new double[b];
    int kept = 0;
    for (int s = 0; s < b; s++) {
      double base = 0;
      double num = 0;
      double den = 0;
      for (int i = 0; i < n; i++) {
        int j = (int) rng.integers(0, n);
        base += rounds.baseline()[j];
        num += rounds.weighted()[j];
        den += rounds.weights()[j];
      }
      // A resample whose weights sum to zero has no self-normalised estimate: it is not a zero, so it is left out.
      if (den != 0) {
        means[kept++] = base / n + num / den;
      }
    }
    if (kept == 0) {
      return new Counted(new Interval(Double.NaN, Double.NaN, Double.NaN), b);
    }
    return new Counted(percentiles(Arrays.copyOf(means, kept), alpha), b - kept);
  }

  /** numpy's default (linear) percentile, {@code q} in [0, 1], of a sorted sample. */
  static double percentile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    if (lo >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
  }

  private static Interval percentiles(double[] means, double alpha) {
    double mean = PositionEstimators.mean(means);
    Arrays.sort(means);
    return new Interval(percentile(means, alpha / 2), percentile(means, 1 - alpha / 2), mean);
  }

  private static void check(int n, int b, double alpha) {
    if (n == 0) {
      throw new IllegalArgumentException("bootstrap: no rounds");
    }
    if (b < 1) {
      throw new IllegalArgumentException("bootstrap: the number of resamples must be >= 1, got " + b);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("bootstrap: alpha must be in (0, 1), got " + alpha);
    }
  }
}
