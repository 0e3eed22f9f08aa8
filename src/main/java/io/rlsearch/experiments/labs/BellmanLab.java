package io.rlsearch.experiments.labs;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labs 3.1 and 3.2 on the chapter's 3-state, 2-action MDP: the Bellman optimality operator's
 * empirical contraction ratio {@code ||T V1 - T V2|| / ||V1 - V2||} (sup norm) on 20 random pairs,
 * which never exceeds gamma = 0.9, and value iteration's iteration count (from V = 0 until a sweep
 * moves V by less than 1e-6) at gamma 0.5 ... 0.99, which grows like {@code log(1/eps) / (1 - gamma)}.
 *
 * <p>The lab's draws: 20 seeds from {@code default_rng(42).integers(0, 100000)}, and per seed
 * {@code V1 = normal(size=3)}, {@code V2 = normal(size=3)} from {@code default_rng(seed)}.
 */
public final class BellmanLab implements Lab {
  /** P[s][a][s']. */
  static final double[][][] P = {
      {{0.7, 0.3, 0.0}, {0.4, 0.6, 0.0}},
      {{0.0, 0.6, 0.4}, {0.0, 0.3, 0.7}},
      {{0.2, 0.0, 0.8}, {0.1, 0.0, 0.9}}};
  /** R[s][a]. */
  static final double[][] R = {{1.0, 0.5}, {0.8, 1.2}, {0.0, 0.4}};
  static final double[] GAMMAS = {0.5, 0.7, 0.9, 0.95, 0.99};
  static final int[] BOOK_ITERS = {21, 39, 128, 261, 1327};
  static final String SOURCE = "docs/book/ch03/ch03_lab_solutions.md (Lab 3.1, Lab 3.2)";

  @Override
  public String name() {
    return "ch03-bellman";
  }

  @Override
  public String chapter() {
    return "3 (Labs 3.1, 3.2)";
  }

  @Override
  public String shows() {
    return "the Bellman operator contracts by at most gamma, and value iteration needs about log(1/eps)/(1-gamma) sweeps";
  }

  /** {@code (T V)(s) = max_a R(s,a) + gamma sum_s' P(s'|s,a) V(s')}. */
  static double[] apply(double[] v, double gamma) {
    double[] out = new double[v.length];
    for (int s = 0; s < v.length; s++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < R[s].length; a++) {
        double ev = 0;
        for (int t = 0; t < v.length; t++) {
          ev += P[s][a][t] * v[t];
        }
        best = Math.max(best, R[s][a] + gamma * ev);
      }
      out[s] = best;
    }
    return out;
  }

  static double supDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** Sweeps of value iteration from zero until the sup-norm change is below {@code tol}. */
  static int iterations(double gamma, double tol, int maxIters) {
    double[] v = new double[R.length];
    for (int k = 0; k < maxIters; k++) {
      double[] next = apply(v, gamma);
      if (supDiff(next, v) < tol) {
        return k + 1;
      }
      v = next;
    }
    return maxIters;
  }

  @Override
  public LabReport run(SimSettings settings) {
    NumpyRandom base = new NumpyRandom(42);
    int n = 20;
    double[] ratios = new double[n];
    long[] seeds = new long[n];
    for (int i = 0; i < n; i++) {
      seeds[i] = base.integers(0, 100000);
    }
    for (int i = 0; i < n; i++) {
      NumpyRandom rng = new NumpyRandom(seeds[i]);
      double[] v1 = new double[3];
      double[] v2 = new double[3];
      for (int j = 0; j < 3; j++) {
        v1[j] = rng.standardNormal();
      }
      for (int j = 0; j < 3; j++) {
        v2[j] = rng.standardNormal();
      }
      double den = supDiff(v1, v2);
      ratios[i] = den < 1e-12 ? 0 : supDiff(apply(v1, 0.9), apply(v2, 0.9)) / den;
    }
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    double mean = 0;
    for (double r : ratios) {
      max = Math.max(max, r);
      min = Math.min(min, r);
      mean += r / n;
    }
    LabReport r = new LabReport(name());
    r.decimals("contraction_max", max, 0.886, 3, SOURCE);
    r.decimals("contraction_mean", mean, 0.624, 3, SOURCE);
    r.decimals("contraction_min", min, 0.202, 3, SOURCE);
    r.decimalsAll("contraction_first_seeds", java.util.Arrays.stream(seeds, 0, 10).asDoubleStream().toArray(),
        new double[] {8925, 77395, 65457, 43887, 43301, 85859, 8594, 69736, 20146, 9417}, 0, SOURCE);
    r.decimalsAll("contraction_first_ratios", java.util.Arrays.copyOf(ratios, 10),
        new double[] {0.7763, 0.7240, 0.7509, 0.6131, 0.7543, 0.8856, 0.4745, 0.7208, 0.4828, 0.5208}, 4, SOURCE);
    r.put("contraction_bound_holds", max <= 0.9 + 1e-10, true, SOURCE,
        max <= 0.9 + 1e-10 ? LabReport.MATCH : "a ratio exceeds gamma");
    Map<String, Double> iters = new LinkedHashMap<>();
    Map<String, Double> book = new LinkedHashMap<>();
    for (int i = 0; i < GAMMAS.length; i++) {
      iters.put(Double.toString(GAMMAS[i]), (double) iterations(GAMMAS[i], 1e-6, 10_000));
      book.put(Double.toString(GAMMAS[i]), (double) BOOK_ITERS[i]);
    }
    r.withinAll("iterations", iters, book, 0, SOURCE, null);
    r.note("the chapter's MDP (3 states, 2 actions); contraction at gamma 0.9 on 20 random value pairs;"
        + " value iteration from V = 0 with tolerance 1e-6 on the sup-norm change");
    return r;
  }
}
