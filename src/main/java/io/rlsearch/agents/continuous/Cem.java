package io.rlsearch.agents.continuous;

import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cross-entropy method for maximising a black-box objective over a box (the reference's
 * {@code cem_optimize}): sample around a Gaussian, keep the elites, move the Gaussian toward them with
 * smoothing, and return the best sample seen.
 *
 * <p>As the reference: samples are clipped to {@code [-aMax, aMax]}, then (with a trust region)
 * projected row-wise into the L2 ball around its centre; {@code alpha} is the weight on the old
 * distribution; the std has a floor. The reference re-creates its generator with the same seed on
 * every call (the same noise at every decision); that is reproduced only with
 * {@code reseedEveryCall}, otherwise the caller's stream is used.
 */
public final class Cem {
  /**
   * Settings (reference defaults: 64 samples, elite fraction 0.2, 5 iterations, init std 0.5,
   * min std 0.05, alpha 0.7, seed 0).
   */
  public record Settings(int samples, double eliteFraction, int iterations, double initStd, double minStd, double alpha,
      double aMax, boolean reseedEveryCall, long seed) {
    public Settings {
      if (samples < 1 || !(eliteFraction > 0 && eliteFraction <= 1) || iterations < 1 || !(initStd > 0)
          || !(minStd >= 0) || !(alpha >= 0 && alpha < 1) || !(aMax > 0)) {
        throw new IllegalArgumentException("CEM needs samples >= 1, elite fraction in (0, 1], iterations >= 1,"
            + " init std > 0, min std >= 0, alpha in [0, 1) and a_max > 0");
      }
    }

    /** The reference's defaults with box {@code aMax}. */
    public static Settings defaults(double aMax) {
      return new Settings(64, 0.2, 5, 0.5, 0.05, 0.7, aMax, false, 0);
    }
  }

  /**
   * The search result.
   *
   * @param best the best sample seen
   * @param bestValue its objective value
   */
  public record Result(double[] best, double bestValue) {}

  private Cem() {}

  /**
   * Maximises {@code objective} (which scores a batch of actions, one per row) over {@code dim} dimensions.
   *
   * @param initMean the initial mean (zeros if empty); also the trust region's centre
   * @param trustRadius the trust region's radius ({@code >= 0}), if any
   * @param rng the caller's stream (ignored when the settings re-seed every call)
   */
  public static Result maximise(Function<double[][], double[]> objective, int dim, Settings s, Optional<double[]> initMean,
      Optional<Double> trustRadius, NumpyRandom rng) {
    if (trustRadius.isPresent() && !(trustRadius.get() >= 0)) {
      throw new IllegalArgumentException("the trust radius must be >= 0, got " + trustRadius.get());
    }
    NumpyRandom r = s.reseedEveryCall() ? new NumpyRandom(s.seed()) : rng;
    double[] mean = initMean.map(double[]::clone).orElse(new double[dim]);
    double[] center = mean.clone();
    double[] std = new double[dim];
    Arrays.fill(std, s.initStd());
    int nElite = Math.max(1, (int) (s.eliteFraction() * s.samples()));
    double[] best = mean.clone();
    double bestVal = Double.NEGATIVE_INFINITY;
    double[][] x = new double[s.samples()][dim];
    for (int it = 0; it < s.iterations(); it++) {
      for (int i = 0; i < s.samples(); i++) {
        for (int d = 0; d < dim; d++) {
          x[i][d] = Math.max(-s.aMax(), Math.min(s.aMax(), r.normal(mean[d], std[d])));
        }
        if (trustRadius.isPresent()) {
          project(x[i], center, trustRadius.get());
        }
      }
      double[] v = objective.apply(x);
      Integer[] order = new Integer[s.samples()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      // Ascending by value (ties by index: the sort is stable); the elites are the last n_elite.
      Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
      double[] eMean = new double[dim];
      double[] eVar = new double[dim];
      for (int k = s.samples() - nElite; k < s.samples(); k++) {
        for (int d = 0; d < dim; d++) {
          eMean[d] += x[order[k]][d] / nElite;
        }
      }
      for (int k = s.samples() - nElite; k < s.samples(); k++) {
        for (int d = 0; d < dim; d++) {
          double dd = x[order[k]][d] - eMean[d];
          eVar[d] += dd * dd / nElite;
        }
      }
      for (int d = 0; d < dim; d++) {
        mean[d] = s.alpha() * mean[d] + (1 - s.alpha()) * eMean[d];
        std[d] = Math.max(s.minStd(), s.alpha() * std[d] + (1 - s.alpha()) * Math.sqrt(eVar[d]));
      }
      int top = order[s.samples() - 1];
      if (v[top] > bestVal) {
        bestVal = v[top];
        best = x[top].clone();
      }
    }
    return new Result(best, bestVal);
  }

  private static void project(double[] row, double[] center, double radius) {
    double n = 0;
    for (int d = 0; d < row.length; d++) {
      double dd = row[d] - center[d];
      n += dd * dd;
    }
    n = Math.sqrt(n);
    if (n > radius && n > 0) {
      double f = radius / n;
      for (int d = 0; d < row.length; d++) {
        row[d] = center[d] + (row[d] - center[d]) * f;
      }
    }
  }
}
