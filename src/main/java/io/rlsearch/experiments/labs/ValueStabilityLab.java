package io.rlsearch.experiments.labs;

import io.rlsearch.core.Action;
import io.rlsearch.core.Step;
import io.rlsearch.sim.MultiSessionEnv;
import io.rlsearch.sim.SimSettings;
import java.util.Arrays;

/**
 * Lab 11.3, value stability: the zero-boost policy's discounted value per user, estimated on 600
 * users per seed for ten seeds, and the spread of those estimates across seeds (CV target 0.10).
 *
 * <p>The lab's own draw order: per seed one multi-session environment on {@code default_rng(seed)}
 * (the catalog drawn first from that stream), then every user in turn on the same stream: reset, then
 * sessions with the zero action until churn or 100 sessions, each adding {@code gamma^k r_k}. The
 * runtime's {@code retention} command gives each user a stream of its own instead, so its per-seed
 * values differ by design; this lab is the book's protocol draw for draw.
 */
public final class ValueStabilityLab implements Lab {
  static final long[] SEEDS = {11, 13, 17, 19, 23, 29, 31, 37, 41, 43};
  static final double[] BOOK = {8.1101, 7.1644, 7.9486, 8.3764, 7.7241, 8.7478, 9.6739, 8.6162, 8.4765, 9.8536};
  static final String SOURCE = "docs/book/ch11/data/lab11_value_stability_run1.txt";
  static final int USERS = 600;
  static final double GAMMA = 0.95;
  static final int MAX_SESSIONS = 100;
  static final double TARGET_CV = 0.10;

  @Override
  public String name() {
    return "ch11-value-stability";
  }

  @Override
  public String chapter() {
    return "11 (Lab 11.3)";
  }

  @Override
  public String shows() {
    return "the zero-boost policy's discounted value over 600 users is stable across 10 seeds (CV below 0.10)";
  }

  /** The zero-boost policy's mean discounted value per user for one seed, the lab's draw order. */
  public static double estimate(SimSettings settings, long seed, int users, double gamma) {
    return estimate(settings, seed, users, gamma, new double[settings.action().featureDim()]);
  }

  /** A fixed boost vector's mean discounted value per user for one seed, the lab's draw order. */
  public static double estimate(SimSettings settings, long seed, int users, double gamma, double[] boosts) {
    MultiSessionEnv env = new MultiSessionEnv(settings, seed);
    Action action = Action.of(boosts);
    double sum = 0;
    for (int u = 0; u < users; u++) {
      env.reset();
      double value = 0;
      double discount = 1;
      for (int s = 0; s < MAX_SESSIONS; s++) {
        Step step = env.step(action);
        value += discount * step.reward();
        discount *= gamma;
        if (step.terminated()) {
          break;
        }
      }
      sum += value;
    }
    return sum / users;
  }

  @Override
  public LabReport run(SimSettings settings) {
    double[] values = new double[SEEDS.length];
    for (int i = 0; i < SEEDS.length; i++) {
      values[i] = estimate(settings, SEEDS[i], USERS, GAMMA);
    }
    double mean = Arrays.stream(values).sum() / values.length;
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / (values.length - 1));
    double cv = std / mean;
    LabReport r = new LabReport(name());
    r.decimalsAll("value_per_seed", values, BOOK, 4, SOURCE);
    r.decimals("mean", mean, 8.4692, 4, SOURCE);
    r.decimals("std", std, 0.8255, 4, SOURCE);
    r.decimals("cv", cv, 0.0975, 4, SOURCE);
    r.put("cv_target_met", cv < TARGET_CV, true, SOURCE, (cv < TARGET_CV) ? LabReport.MATCH
        : "CV " + cv + " is not below the target " + TARGET_CV);
    r.note("seeds " + Arrays.toString(SEEDS) + ", " + USERS + " users each, gamma " + GAMMA
        + ", zero boosts, at most " + MAX_SESSIONS + " sessions per user; std with ddof 1");
    return r;
  }
}
