package io.rlsearch.experiments.labs;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lab 1.1 and the chapter's two extended exercises, on its self-contained session model: the scalar
 * reward {@code R = alpha GMV + beta CM2 + gamma STRAT + delta CLICKS} of one session (seed 11),
 * the same 500 sessions valued under four weightings (seed 42), and the gain of per-segment boost
 * weights over one static pair (seed 42).
 *
 * <p>The session model: utility {@code u = s_d w_d + s_q w_q} of the segment's discount and quality
 * sensitivities, {@code m = sigmoid(u)}; clicks {@code max(1, floor(poisson(4) (0.5 + m)))}; per click
 * a purchase with probability {@code clip(p_0 (0.8 + 0.4 m), 0.1, 0.8)}; with at least one purchase a
 * cart value {@code v (0.7 + 0.6 U)} per purchase and CM2 at the segment's margin; per purchase a
 * strategic flag with probability {@code 0.3 + 0.2 clip(w_q, -1, 1)}; GMV and CM2 rounded to cents.
 */
public final class RewardLab implements Lab {
  static final String SOURCE = "docs/book/ch01/ch01_lab_solutions.md";
  static final String[] SEGMENTS = {"price_hunter", "premium", "bulk_buyer", "pl_lover"};
  /** discount sensitivity, quality sensitivity, base purchase probability, average cart value, CM2 margin. */
  static final double[][] SEGMENT = {
      {0.8, 0.2, 0.35, 80.0, 0.15},
      {0.2, 0.8, 0.45, 150.0, 0.25},
      {0.5, 0.5, 0.40, 200.0, 0.18},
      {0.4, 0.6, 0.38, 100.0, 0.30}};

  /** One session's outcome. */
  record Outcome(double gmv, double cm2, int strat, int clicks) {
    double reward(double[] w) {
      return w[0] * gmv + w[1] * cm2 + w[2] * strat + w[3] * clicks;
    }
  }

  @Override
  public String name() {
    return "ch01-reward";
  }

  @Override
  public String chapter() {
    return "1 (Lab 1.1, exercises)";
  }

  @Override
  public String shows() {
    return "the scalar reward aggregates GMV, CM2, strategic purchases and clicks; weights change its value, context changes the best boosts";
  }

  static Outcome session(int seg, double wd, double wq, NumpyRandom rng) {
    double[] s = SEGMENT[seg];
    double utility = s[0] * wd + s[1] * wq;
    double m = 1.0 / (1.0 + Math.exp(-utility));
    long base = rng.poisson(4.0);
    int clicks = (int) Math.max(1, (long) (base * (0.5 + m)));
    double p = Math.min(0.8, Math.max(0.1, s[2] * (0.8 + 0.4 * m)));
    int purchases = 0;
    for (int i = 0; i < clicks; i++) {
      if (rng.random() < p) {
        purchases++;
      }
    }
    double gmv = 0;
    double cm2 = 0;
    if (purchases > 0) {
      double cart = s[3] * (0.7 + 0.6 * rng.random());
      gmv = purchases * cart;
      cm2 = gmv * s[4];
    }
    double ps = 0.3 + 0.2 * Math.min(1.0, Math.max(-1.0, wq));
    int strat = 0;
    for (int i = 0; i < purchases; i++) {
      if (rng.random() < ps) {
        strat++;
      }
    }
    return new Outcome(cents(gmv), cents(cm2), strat, clicks);
  }

  /** Python's {@code round(x, 2)}: the exact binary value rounded half to even. */
  static double cents(double x) {
    return new BigDecimal(x).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
  }

  @Override
  public LabReport run(SimSettings settings) {
    LabReport r = new LabReport(name());
    double[] balanced = {1.0, 0.5, 0.2, 0.1};
    Outcome one = session(0, 0.5, 0.3, new NumpyRandom(11));
    r.decimals("reward", one.reward(balanced), 134.09, 2, SOURCE + " (Lab 1.1)");
    r.decimals("gmv", one.gmv(), 124.46, 2, SOURCE + " (Lab 1.1)");
    r.decimals("cm2", one.cm2(), 18.67, 2, SOURCE + " (Lab 1.1)");
    r.put("clicks", one.clicks(), 3, SOURCE + " (Lab 1.1)", one.clicks() == 3 ? LabReport.MATCH : "ours " + one.clicks());

    NumpyRandom rng = new NumpyRandom(42);
    Outcome[] outs = new Outcome[500];
    for (int i = 0; i < outs.length; i++) {
      int seg = (int) rng.integers(0, SEGMENTS.length);
      double wd = rng.uniform(-0.5, 0.8);
      double wq = rng.uniform(-0.3, 0.8);
      outs[i] = session(seg, wd, wq, rng);
    }
    String[] names = {"Balanced", "GMV-Focused", "Profit-Focused", "Engagement-Heavy"};
    double[][] weights = {{1.0, 0.5, 0.2, 0.1}, {1.0, 0.2, 0.1, 0.05}, {0.5, 1.0, 0.3, 0.05}, {1.0, 0.3, 0.2, 0.09}};
    double[] bookMeans = {237.64, 223.30, 154.17, 228.21};
    Map<String, Double> ours = new LinkedHashMap<>();
    Map<String, Double> book = new LinkedHashMap<>();
    for (int c = 0; c < names.length; c++) {
      double[] rewards = new double[outs.length];
      for (int i = 0; i < outs.length; i++) {
        rewards[i] = outs[i].reward(weights[c]);
      }
      ours.put(names[c], io.rlsearch.sim.Stats.mean(rewards));
      book.put(names[c], bookMeans[c]);
    }
    r.withinAll("weight_sensitivity_mean_reward", ours, book, 0.005, SOURCE + " (weight sensitivity)", null);
    double gmv = 0;
    for (Outcome o : outs) {
      gmv += o.gmv();
    }
    r.decimals("weight_sensitivity_mean_gmv", gmv / outs.length, 213.65, 2, SOURCE + " (weight sensitivity)");

    rng = new NumpyRandom(42);
    double[] staticMeans = new double[SEGMENTS.length];
    for (int seg = 0; seg < SEGMENTS.length; seg++) {
      double[] rewards = new double[100];
      for (int i = 0; i < rewards.length; i++) {
        rewards[i] = session(seg, 0.5, 0.3, rng).reward(balanced);
      }
      staticMeans[seg] = io.rlsearch.sim.Stats.mean(rewards);
    }
    double[] bestMeans = new double[SEGMENTS.length];
    Map<String, Object> bestWeights = new LinkedHashMap<>();
    for (int seg = 0; seg < SEGMENTS.length; seg++) {
      double best = Double.NEGATIVE_INFINITY;
      double[] bw = {0, 0};
      for (int i = 0; i < 7; i++) {
        for (int j = 0; j < 7; j++) {
          double wd = -0.5 + 0.25 * i;
          double wq = -0.5 + 0.25 * j;
          double[] rewards = new double[50];
          for (int k = 0; k < rewards.length; k++) {
            rewards[k] = session(seg, wd, wq, rng).reward(balanced);
          }
          double m = io.rlsearch.sim.Stats.mean(rewards);
          if (m > best) {
            best = m;
            bw = new double[] {wd, wq};
          }
        }
      }
      bestMeans[seg] = best;
      bestWeights.put(SEGMENTS[seg], java.util.List.of(bw[0], bw[1]));
    }
    double staticMean = io.rlsearch.sim.Stats.mean(staticMeans);
    double contextualMean = io.rlsearch.sim.Stats.mean(bestMeans);
    String src = SOURCE + " (contextual reward variation)";
    r.decimals("static_mean", staticMean, 266.57, 2, src);
    r.decimals("contextual_mean", contextualMean, 324.66, 2, src);
    r.decimals("contextual_vs_static_pct", 100 * (contextualMean - staticMean) / staticMean, 21.8, 1, src);
    r.ours("contextual_weights", bestWeights);
    r.note("the contextual figure compares each segment's best grid weights (50 sessions per cell, the"
        + " maximum of 49 noisy means, so it is biased upward) with one static pair (0.5, 0.3) on 100 sessions");
    return r;
  }
}
