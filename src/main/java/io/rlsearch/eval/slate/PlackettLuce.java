package io.rlsearch.eval.slate;

import io.rlsearch.core.random.NumpyRandom;

/**
 * A Plackett-Luce ranking policy over {@code n} candidates with log-weights {@code s_j}: position 1
 * takes candidate j with probability {@code exp(s_j) / sum_l exp(s_l)}, each later position the same
 * over the candidates not yet placed. Pure; the log-weights are given per context.
 */
public final class PlackettLuce {
  /** Batches of samples the marginals may draw before flooring a zero estimate. */
  public static final int MAX_BATCHES = 16;

  private PlackettLuce() {}

  /** The first {@code k} positions of a ranking drawn by the Gumbel-top-k trick (one Gumbel per candidate). */
  public static int[] sample(double[] logits, int k, NumpyRandom rng) {
    int n = logits.length;
    checkK(k, n);
    double[] keys = new double[n];
    for (int j = 0; j < n; j++) {
      keys[j] = logits[j] - Math.log(-Math.log(Math.max(rng.random(), Double.MIN_NORMAL)));
    }
    return topK(keys, k);
  }

  /** The candidates with the {@code k} largest keys, largest first (ties: lower index first). */
  static int[] topK(double[] keys, int k) {
    int n = keys.length;
    boolean[] used = new boolean[n];
    int[] out = new int[k];
    for (int p = 0; p < k; p++) {
      int best = -1;
      for (int j = 0; j < n; j++) {
        if (!used[j] && (best < 0 || keys[j] > keys[best])) {
          best = j;
        }
      }
      used[best] = true;
      out[p] = best;
    }
    return out;
  }

  /**
   * The conditional probability of each shown position: {@code out[p] = P(ranking[p] at p | ranking[0..p))},
   * whose running product is the probability of the prefix.
   */
  public static double[] conditionals(double[] logits, int[] ranking) {
    int n = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (double s : logits) {
      max = Math.max(max, s);
    }
    double[] e = new double[n];
    double total = 0;
    for (int j = 0; j < n; j++) {
      e[j] = Math.exp(logits[j] - max);
      total += e[j];
    }
    double[] out = new double[ranking.length];
    for (int p = 0; p < ranking.length; p++) {
      out[p] = e[ranking[p]] / total;
      total -= e[ranking[p]];
      total = Math.max(total, 0);
    }
    return out;
  }

  /** {@code P(next = j | placed)} for every candidate j (0 for those already placed). */
  public static double[] nextProbabilities(double[] logits, boolean[] placed) {
    int n = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      if (!placed[j]) {
        max = Math.max(max, logits[j]);
      }
    }
    double[] p = new double[n];
    double total = 0;
    for (int j = 0; j < n; j++) {
      if (!placed[j]) {
        p[j] = Math.exp(logits[j] - max);
        total += p[j];
      }
    }
    for (int j = 0; j < n; j++) {
      p[j] /= total;
    }
    return p;
  }

  /**
   * Position-wise marginals of the given (item, position) pairs, {@code P(ranking[p] at position p)}
   * for every p, estimated from {@code samples} prefixes drawn from the policy and Rao-Blackwellised:
   * each sampled prefix of length p contributes the exact probability that the policy places
   * {@code ranking[p]} next (0 if the prefix already holds it). Unbiased, but a rare placement can
   * find every sampled prefix already holding its item: then sampling goes on in batches of
   * {@code samples}, up to {@value #MAX_BATCHES} batches, and a marginal still 0 after that is floored at
   * {@code 1 / (draws n)} (a bias that the estimators which need marginals carry). No closed form
   * exists beyond position 1.
   */
  public static double[] marginals(double[] logits, int[] ranking, int samples, NumpyRandom rng) {
    int n = logits.length;
    int k = ranking.length;
    checkK(k, n);
    if (samples < 1) {
      throw new IllegalArgumentException("marginals need >= 1 sample, got " + samples);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double s : logits) {
      max = Math.max(max, s);
    }
    double[] e = new double[n];
    double all = 0;
    for (int j = 0; j < n; j++) {
      e[j] = Math.exp(logits[j] - max);
      all += e[j];
    }
    double[] sum = new double[k];
    boolean[] inPrefix = new boolean[n];
    int drawn = 0;
    for (int batch = 0; batch < MAX_BATCHES; batch++) {
      for (int s = 0; s < samples; s++) {
        int[] prefix = sample(logits, Math.max(k - 1, 1), rng);
        java.util.Arrays.fill(inPrefix, false);
        double total = all;
        for (int p = 0; p < k; p++) {
          int item = ranking[p];
          if (!inPrefix[item] && total > 0) {
            sum[p] += e[item] / total;
          }
          if (p < prefix.length) {
            inPrefix[prefix[p]] = true;
            total -= e[prefix[p]];
          }
        }
      }
      drawn += samples;
      boolean allPositive = true;
      for (double v : sum) {
        allPositive &= v > 0;
      }
      if (allPositive) {
        break;
      }
    }
    double[] out = new double[k];
    double floor = 1.0 / ((double) drawn * n);
    for (int p = 0; p < k; p++) {
      out[p] = Math.max(sum[p] / drawn, floor);
    }
    return out;
  }

  private static void checkK(int k, int n) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("need 1 <= k <= candidates, got k " + k + " of " + n);
    }
  }
}
