package io.rlsearch.eval.ope.obd;

import io.rlsearch.eval.logs.ObdDataset;

/**
 * Off-policy estimators over logged rounds that each show one action at one position, with the
 * target policy's probability {@code pi_e(a | position)} the same in every round (a fixed
 * distribution per position, such as the Open Bandit Pipeline's Bernoulli TS estimate or a uniform
 * policy). Each estimator is the mean over rounds of a per-round value, with
 * {@code w_i = pi_e(a_i | p_i) / pscore_i}:
 *
 * <ul>
 *   <li>IPW: {@code w_i r_i} (with a finite clipping {@code lambda}, {@code min(w_i, lambda) r_i});
 *   <li>SNIPW: {@code w_i r_i / mean(w)};
 *   <li>sub-Gaussian IPW: {@code w_i / (1 - lambda + lambda w_i) r_i};
 *   <li>DM: {@code sum_a pi_e(a|p_i) q(x_i,a,p_i) / sum_a pi_e(a|p_i)};
 *   <li>DR: DM's term plus {@code min(w_i, lambda) (r_i - q(x_i,a_i,p_i))};
 *   <li>SNDR: DM's term plus {@code w_i (r_i - q(x_i,a_i,p_i)) / mean(w)};
 *   <li>Switch-DR: DM's term plus {@code [w_i <= lambda] w_i (r_i - q(x_i,a_i,p_i))};
 *   <li>DR-OS: DM's term plus {@code lambda w_i / (w_i^2 + lambda) (r_i - q(x_i,a_i,p_i))}, plain
 *       {@code w_i} when lambda is infinite.
 * </ul>
 *
 * <p>These are the Open Bandit Pipeline's definitions (Saito et al. 2021, obp.ope.estimators), which
 * the tests check against its own figures.
 */
public final class PositionEstimators {
  private final int[] actions;
  private final int[] positions;
  private final double[] rewards;
  private final double[] weights;
  private final double[][] targetDist;

  /**
   * @param targetDist {@code [action][position]}: the target's probability of each action at each position
   */
  public PositionEstimators(int[] actions, int[] positions, double[] rewards, double[] pscores,
      double[][] targetDist) {
    int n = actions.length;
    if (positions.length != n || rewards.length != n || pscores.length != n) {
      throw new IllegalArgumentException("actions, positions, rewards and pscores must have the same length, got "
          + n + ", " + positions.length + ", " + rewards.length + ", " + pscores.length);
    }
    if (n == 0) {
      throw new IllegalArgumentException("no logged rounds");
    }
    this.actions = actions.clone();
    this.positions = positions.clone();
    this.rewards = rewards.clone();
    this.targetDist = new double[targetDist.length][];
    for (int a = 0; a < targetDist.length; a++) {
      this.targetDist[a] = targetDist[a].clone();
    }
    this.weights = new double[n];
    for (int i = 0; i < n; i++) {
      if (actions[i] < 0 || actions[i] >= targetDist.length) {
        throw new IllegalArgumentException("round " + i + " has action " + actions[i] + ", the target policy has "
            + targetDist.length + " actions");
      }
      if (positions[i] < 0 || positions[i] >= targetDist[actions[i]].length) {
        throw new IllegalArgumentException("round " + i + " has position " + positions[i]
            + ", the target policy has " + targetDist[actions[i]].length + " positions");
      }
      if (!(pscores[i] > 0)) {
        throw new IllegalArgumentException("round " + i + " has propensity " + pscores[i] + ", must be > 0");
      }
      weights[i] = targetDist[actions[i]][positions[i]] / pscores[i];
    }
  }

  /** The logged rounds of an Open Bandit Dataset sample under a target distribution {@code [action][position]}. */
  public static PositionEstimators of(ObdDataset data, double[][] targetDist) {
    int[] r = data.rewards();
    double[] rewards = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      rewards[i] = r[i];
    }
    return new PositionEstimators(data.actions(), data.positions(), rewards, data.pscores(), targetDist);
  }

  public int rounds() {
    return actions.length;
  }

  /** The importance weight {@code pi_e(a_i|p_i) / pscore_i} of each round. */
  public double[] weights() {
    return weights.clone();
  }

  public double ipw() {
    return ipw(Double.POSITIVE_INFINITY);
  }

  /** IPW with weights clipped at {@code lambda} (infinite: no clipping). */
  public double ipw(double lambda) {
    return mean(ipwRounds(lambda));
  }

  public double snipw() {
    return mean(snipwRounds());
  }

  /** Sub-Gaussian IPW (Metelli et al. 2021): weights {@code w / (1 - lambda + lambda w)}, lambda in [0, 1]. */
  public double subGaussianIpw(double lambda) {
    return mean(subGaussianIpwRounds(lambda));
  }

  public double dm(EstimatedRewards q) {
    return mean(dmRounds(q));
  }

  public double dr(EstimatedRewards q) {
    return dr(q, Double.POSITIVE_INFINITY);
  }

  /** DR with the correction's weights clipped at {@code lambda} (infinite: no clipping). */
  public double dr(EstimatedRewards q, double lambda) {
    return mean(drRounds(q, lambda));
  }

  public double sndr(EstimatedRewards q) {
    return mean(sndrRounds(q));
  }

  /** Switch-DR: the DR correction only for rounds whose weight is at most {@code lambda}. */
  public double switchDr(EstimatedRewards q, double lambda) {
    return mean(switchDrRounds(q, lambda));
  }

  /** DR with optimistic shrinkage (Su et al. 2020): weights {@code lambda w / (w^2 + lambda)}. */
  public double drOs(EstimatedRewards q, double lambda) {
    return mean(drOsRounds(q, lambda));
  }

  /** Per-round values of IPW clipped at {@code lambda}; their mean is the estimate. */
  public double[] ipwRounds(double lambda) {
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = rewards[i] * Math.min(weights[i], lambda);
    }
    return v;
  }

  public double[] snipwRounds() {
    double wMean = mean(weights);
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = rewards[i] * weights[i] / wMean;
    }
    return v;
  }

  public double[] subGaussianIpwRounds(double lambda) {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("sub-Gaussian lambda must be in [0, 1], got " + lambda);
    }
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      double w = weights[i];
      v[i] = rewards[i] * (w / (1 - lambda + lambda * w));
    }
    return v;
  }

  public double[] dmRounds(EstimatedRewards q) {
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = baseline(q, i);
    }
    return v;
  }

  public double[] drRounds(EstimatedRewards q, double lambda) {
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = baseline(q, i) + Math.min(weights[i], lambda) * residual(q, i);
    }
    return v;
  }

  public double[] sndrRounds(EstimatedRewards q) {
    double wMean = mean(weights);
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = baseline(q, i) + weights[i] * residual(q, i) / wMean;
    }
    return v;
  }

  public double[] switchDrRounds(EstimatedRewards q, double lambda) {
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = baseline(q, i);
      if (weights[i] <= lambda) {
        v[i] += weights[i] * residual(q, i);
      }
    }
    return v;
  }

  public double[] drOsRounds(EstimatedRewards q, double lambda) {
    if (!(lambda >= 0)) {
      throw new IllegalArgumentException("shrinkage lambda must be >= 0, got " + lambda);
    }
    double[] v = new double[rewards.length];
    for (int i = 0; i < v.length; i++) {
      double w = weights[i];
      double shrunk = lambda == Double.POSITIVE_INFINITY ? w : lambda * w / (w * w + lambda);
      v[i] = baseline(q, i) + shrunk * residual(q, i);
    }
    return v;
  }

  /** SNIPW's parts for {@link Bootstrap#selfNormalised}: no baseline, {@code w_i r_i}, {@code w_i}. */
  public Bootstrap.SelfNormalisedRounds snipwParts() {
    double[] weighted = new double[rewards.length];
    for (int i = 0; i < weighted.length; i++) {
      weighted[i] = weights[i] * rewards[i];
    }
    return new Bootstrap.SelfNormalisedRounds(new double[rewards.length], weighted, weights.clone());
  }

  /** SNDR's parts for {@link Bootstrap#selfNormalised}: DM's term, {@code w_i (r_i - q_i)}, {@code w_i}. */
  public Bootstrap.SelfNormalisedRounds sndrParts(EstimatedRewards q) {
    double[] weighted = new double[rewards.length];
    for (int i = 0; i < weighted.length; i++) {
      weighted[i] = weights[i] * residual(q, i);
    }
    return new Bootstrap.SelfNormalisedRounds(dmRounds(q), weighted, weights.clone());
  }

  /** The target-weighted mean of q over actions at round {@code i}'s position (OBP normalises by the weights' sum). */
  private double baseline(EstimatedRewards q, int i) {
    int p = positions[i];
    double num = 0;
    double den = 0;
    for (int a = 0; a < targetDist.length; a++) {
      double pi = targetDist[a][p];
      num += pi * q.at(i, a, p);
      den += pi;
    }
    return num / den;
  }

  private double residual(EstimatedRewards q, int i) {
    return rewards[i] - q.at(i, actions[i], positions[i]);
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }
}
