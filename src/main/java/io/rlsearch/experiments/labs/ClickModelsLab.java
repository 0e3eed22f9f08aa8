package io.rlsearch.experiments.labs;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chapter 2's labs on the probability of users and clicks: the segment mix's empirical frequencies
 * (Lab 2.1), the textbook position-bias (PBM) and dynamic Bayesian network (DBN) click models
 * against their closed forms (Lab 2.3), and the stop reasons of the utility-based cascade (Lab 2.5).
 *
 * <p>Each part draws as its lab does: Lab 2.1 per user {@code choice(segments, p=mix)}, two normals
 * and a Dirichlet on {@code default_rng(21)}; Lab 2.3 PBM examinations then clicks as
 * {@code binomial(1, p)} arrays (50,000 sessions x 10 positions, row-major) on {@code default_rng(42)},
 * the DBN cascade on {@code default_rng(43)}; Lab 2.5 20 products (log-normal prices, a private-label
 * flag with probability 0.4) then 2,000 cascades over them on {@code default_rng(42)}.
 */
public final class ClickModelsLab implements Lab {
  static final String SOURCE = "docs/book/ch02/ch02_lab_solutions.md";
  static final String[] SEGMENTS = {"price_hunter", "pl_lover", "premium", "litter_heavy"};
  static final double[] MIX = {0.35, 0.25, 0.15, 0.25};
  /** price mean, price std, pl mean, pl std, then the category concentrations. */
  static final double[][] SEGMENT = {
      {-3.5, 0.3, -1.0, 0.2, 0.30, 0.30, 0.20, 0.20},
      {-1.8, 0.2, 3.2, 0.3, 0.20, 0.45, 0.20, 0.15},
      {1.2, 0.25, -2.0, 0.2, 0.50, 0.25, 0.05, 0.20},
      {-1.0, 0.2, 1.0, 0.2, 0.05, 0.05, 0.85, 0.05}};

  @Override
  public String name() {
    return "ch02-click-models";
  }

  @Override
  public String chapter() {
    return "2 (Labs 2.1, 2.3, 2.5)";
  }

  @Override
  public String shows() {
    return "sampled segments converge to their mix; PBM and DBN clicks match their closed forms; the cascade mostly stops on a failed examination";
  }

  /** numpy's {@code binomial(1, p)}: inversion on the smaller of p and 1 - p, one uniform. */
  static int bernoulli(NumpyRandom rng, double p) {
    if (p == 0) {
      return 0;
    }
    if (p <= 0.5) {
      double qn = Math.exp(Math.log(1.0 - p));
      return rng.random() > qn ? 1 : 0;
    }
    double qn = Math.exp(Math.log(p));
    return rng.random() > qn ? 0 : 1;
  }

  static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-Math.max(-500, Math.min(500, x))));
  }

  @Override
  public LabReport run(SimSettings settings) {
    LabReport r = new LabReport(name());
    segmentMix(r);
    clickModels(r);
    cascade(r);
    return r;
  }

  private void segmentMix(LabReport r) {
    NumpyRandom rng = new NumpyRandom(21);
    int n = 10_000;
    int[] counts = new int[SEGMENTS.length];
    for (int i = 0; i < n; i++) {
      int s = rng.choice(MIX);
      double[] p = SEGMENT[s];
      rng.normal(p[0], p[1]);
      rng.normal(p[2], p[3]);
      rng.dirichlet(new double[] {p[4], p[5], p[6], p[7]});
      counts[s]++;
    }
    Map<String, Double> freq = new LinkedHashMap<>();
    Map<String, Double> book = new LinkedHashMap<>();
    double[] bookFreq = {0.335, 0.254, 0.153, 0.258};
    double linf = 0;
    for (int s = 0; s < SEGMENTS.length; s++) {
      double f = counts[s] / (double) n;
      freq.put(SEGMENTS[s], f);
      book.put(SEGMENTS[s], bookFreq[s]);
      linf = Math.max(linf, Math.abs(f - MIX[s]));
    }
    r.withinAll("segment_frequencies", freq, book, 0.0005, SOURCE + " (Lab 2.1)", null);
    r.decimals("segment_linf", linf, 0.015, 3, SOURCE + " (Lab 2.1)");
  }

  private void clickModels(LabReport r) {
    int m = 10;
    int sessions = 50_000;
    double[] exam = new double[m];
    double[] rel = new double[m];
    double[] sat = new double[m];
    for (int k = 0; k < m; k++) {
      exam[k] = 0.9 * Math.exp(-0.3 * k);
      rel[k] = 0.7 - 0.05 * k;
      sat[k] = 0.2 - 0.01 * k;
    }
    NumpyRandom rng = new NumpyRandom(42);
    int[][] e = new int[sessions][m];
    for (int s = 0; s < sessions; s++) {
      for (int k = 0; k < m; k++) {
        e[s][k] = bernoulli(rng, exam[k]);
      }
    }
    double[] clicks = new double[m];
    for (int s = 0; s < sessions; s++) {
      for (int k = 0; k < m; k++) {
        clicks[k] += e[s][k] * bernoulli(rng, rel[k]);
      }
    }
    double pbmMax = 0;
    for (int k = 0; k < m; k++) {
      pbmMax = Math.max(pbmMax, Math.abs(rel[k] * exam[k] - clicks[k] / sessions));
    }
    rng = new NumpyRandom(43);
    double[] examined = new double[m];
    for (int s = 0; s < sessions; s++) {
      boolean satisfied = false;
      for (int k = 0; k < m; k++) {
        if (k > 0 && satisfied) {
          continue;
        }
        examined[k]++;
        if (rng.random() < rel[k] && rng.random() < sat[k]) {
          satisfied = true;
        }
      }
    }
    double[] theory = new double[m];
    double dbnMax = 0;
    for (int k = 0; k < m; k++) {
      theory[k] = 1;
      for (int j = 0; j < k; j++) {
        theory[k] *= 1 - rel[j] * sat[j];
      }
      dbnMax = Math.max(dbnMax, Math.abs(theory[k] - examined[k] / sessions));
    }
    String src = SOURCE + " (Lab 2.3)";
    r.decimals("pbm_max_error", pbmMax, 0.0034, 4, src);
    r.decimals("dbn_max_error", dbnMax, 0.0023, 4, src);
    r.decimals("pbm_p_exam_5", exam[4], 0.271, 3, src);
    r.decimals("dbn_p_exam_5", theory[4], 0.610, 3, src);
  }

  private void cascade(LabReport r) {
    NumpyRandom rng = new NumpyRandom(42);
    int n = 20;
    double[] rel = new double[n];
    double[] price = new double[n];
    boolean[] pl = new boolean[n];
    double[] draws = new double[n];
    rng.fillNormal(draws, n, 2.5, 0.4);
    for (int k = 0; k < n; k++) {
      rel[k] = 0.6 - 0.02 * k;
      price[k] = Math.exp(draws[k]);
    }
    for (int k = 0; k < n; k++) {
      pl[k] = rng.random() < 0.4;
    }
    double[] posBias = {1.2, 0.9, 0.7, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
    int sessions = 2_000;
    int[] stops = new int[4]; // exam_fail, abandon, limit, end
    double lengthSum = 0;
    for (int s = 0; s < sessions; s++) {
      double satisfaction = 0;
      int purchases = 0;
      int stop = 3;
      int length = 0;
      for (int k = 0; k < n; k++) {
        double examP = sigmoid(posBias[k] + 0.2 * satisfaction);
        if (rng.random() > examP) {
          stop = 0;
          break;
        }
        double utility = 1.0 * rel[k] + 0.8 * (-0.5) * Math.log1p(price[k]) + 1.2 * (pl[k] ? 0.5 : 0.0)
            + rng.normal(0, 0.8);
        boolean limit = false;
        if (rng.random() < sigmoid(utility)) {
          satisfaction += 0.5 * utility;
          if (rng.random() < 0.3) {
            purchases++;
            satisfaction -= 1.2;
            limit = purchases >= 3;
          }
        } else {
          satisfaction -= 0.2;
        }
        length++;
        if (limit) {
          stop = 2;
          break;
        }
        if (satisfaction < -2.0) {
          stop = 1;
          break;
        }
      }
      stops[stop]++;
      lengthSum += length;
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    shares.put("exam_fail", stops[0] / (double) sessions);
    shares.put("abandon", stops[1] / (double) sessions);
    shares.put("limit", stops[2] / (double) sessions);
    Map<String, Double> book = new LinkedHashMap<>();
    book.put("exam_fail", 0.950);
    book.put("abandon", 0.049);
    book.put("limit", 0.001);
    r.withinAll("stop_reasons", shares, book, 0.0005, SOURCE + " (Lab 2.5)", null);
    r.decimals("mean_session_length", lengthSum / sessions, 2.0, 1, SOURCE + " (Lab 2.5)");
  }
}
