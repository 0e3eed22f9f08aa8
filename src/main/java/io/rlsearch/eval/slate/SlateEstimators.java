package io.rlsearch.eval.slate;

import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.Estimate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Off-policy estimators of a ranking policy's value from rankings logged under another, each the mean
 * of one term per logged ranking with a 95% t interval from that term's standard error. With
 * {@code w_k = pi_k / mu_k} the ratio of position-wise marginals and {@code W_k} the product of the
 * conditional ratios up to position k (the ratio of prefix probabilities):
 * <ul>
 *   <li>{@code ips}: the whole ranking's weight {@code W_K} times the session reward; unbiased, its
 *       variance explodes with K;</li>
 *   <li>{@code iips} (independent IPS, Li et al. 2018): {@code sum_k w_k r_k}; unbiased when each
 *       position's reward depends only on the item there;</li>
 *   <li>{@code pi} (pseudo-inverse, Swaminathan et al. 2017): {@code (sum_k w_k - K + 1) R}; unbiased
 *       when the session reward is additive over (item, position) pairs, exactly so when the logging
 *       policy fills positions independently (here it is a Plackett-Luce, so only approximately);</li>
 *   <li>{@code rips} (reward-interaction IPS, McInerney et al. 2020; Kiyohara et al. 2022):
 *       {@code sum_k W_k r_k}; unbiased under the cascade, where position k's reward depends on the
 *       items above it and not below;</li>
 *   <li>{@code dm}: the reward model summed over a ranking drawn from the target;</li>
 *   <li>{@code cascade_dr} (Kiyohara et al. 2022): {@code sum_k [W_k (r_k - q_k) + W_{k-1} qbar_k]},
 *       the cascade estimator with the reward model as control variate: unbiased under the cascade
 *       whatever the model, and lower-variance the better the model.</li>
 * </ul>
 * Pure.
 */
public final class SlateEstimators {
  private SlateEstimators() {}

  /** Every estimator over {@code log}, by name, in the order above. */
  public static Map<String, Estimate> all(List<LoggedSlate> log) {
    if (log.isEmpty()) {
      throw new IllegalArgumentException("no logged rankings");
    }
    int n = log.size();
    double[][] terms = new double[6][n];
    double[][] weights = new double[6][n];
    for (int i = 0; i < n; i++) {
      LoggedSlate s = log.get(i);
      int k = s.positions();
      double total = s.total();
      double prefix = 1;
      double iips = 0;
      double sumW = 0;
      double maxW = 0;
      double rips = 0;
      double dr = 0;
      for (int p = 0; p < k; p++) {
        double before = prefix;
        prefix *= s.targetConditionals()[p] / s.behaviorConditionals()[p];
        double w = s.targetMarginals()[p] / s.behaviorMarginals()[p];
        iips += w * s.rewards()[p];
        sumW += w;
        maxW = Math.max(maxW, w);
        rips += prefix * s.rewards()[p];
        dr += prefix * (s.rewards()[p] - s.modelLogged()[p]) + before * s.modelTarget()[p];
      }
      terms[0][i] = prefix * total;
      weights[0][i] = prefix;
      terms[1][i] = iips;
      weights[1][i] = maxW;
      terms[2][i] = (sumW - k + 1) * total;
      weights[2][i] = sumW - k + 1;
      terms[3][i] = rips;
      weights[3][i] = prefix;
      terms[4][i] = s.modelTargetRanking();
      weights[4][i] = 1;
      terms[5][i] = dr;
      weights[5][i] = prefix;
    }
    String[] names = {"ips", "iips", "pi", "rips", "dm", "cascade_dr"};
    String[] notes = {"weight: whole ranking", "weight: largest position-wise marginal ratio",
        "weight: sum of marginal ratios - K + 1", "weight: whole ranking (the last prefix)", "reward model",
        "weight: whole ranking (the last prefix)"};
    Map<String, Estimate> out = new LinkedHashMap<>();
    for (int e = 0; e < names.length; e++) {
      Summary m = Summary.of(terms[e]);
      double se = n > 1 ? m.std() / Math.sqrt(n) : 0;
      out.put(names[e], new Estimate(names[e], m.mean(), m.ciLow(), m.ciHigh(), se,
          ess(weights[e]), max(weights[e]), n, notes[e]));
    }
    return out;
  }

  private static double ess(double[] w) {
    double s = 0;
    double s2 = 0;
    for (double x : w) {
      s += x;
      s2 += x * x;
    }
    return s2 > 0 ? s * s / s2 : 0;
  }

  private static double max(double[] w) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : w) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
