package io.rlsearch.eval.opl;

import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Off-policy learning of a {@link LinearPolicy} from logged bandit data, one softmax policy per
 * position over {@code phi(x) = [z(x), 1]} with per-action weights (see {@link Features}):
 *
 * <ul>
 *   <li>{@code ipw}: the IPW learner, a reduction to cost-sensitive classification: a weighted
 *       multinomial logistic regression of the logged action on the context, each row weighted by
 *       {@code r / pscore} (weights scaled to mean 1), so actions that earned reward where they were
 *       unlikely are learned to be chosen. Rewards must be non-negative: shifting them would change the
 *       objective (the learner is not invariant to a translation of the rewards), so negative rewards
 *       are refused and the {@code dr} learner is the one for them.
 *   <li>{@code dr}: gradient ascent on the doubly robust estimate of the softmax policy's value, with
 *       a cross-fitted ridge reward model ({@link RidgeRewards}); rewards scaled to unit standard
 *       deviation first (the maximiser of the unpenalised objective does not change). Its weights
 *       {@code 1 / pscore} may be clipped at {@code clip} (in learning only), which trades a bias for
 *       less variance when a few rows have very small propensities.
 * </ul>
 *
 * Both maximise their objective (with the L2 penalty {@code l2/2 |theta|^2}) by full-batch Adam for a
 * fixed number of steps from a seeded initialisation {@code N(0, 0.01^2)}; the result is deterministic
 * for a seed. The deployed policy is the greedy argmax of the learned scores.
 */
public final class PolicyLearner {
  private PolicyLearner() {}

  /** The learners. */
  public static final List<String> LEARNERS = List.of("ipw", "dr");

  /**
   * Settings.
   *
   * @param learner {@code ipw} or {@code dr}
   * @param l2 the L2 penalty on the standardised weights
   * @param steps full-batch gradient steps
   * @param learningRate Adam's step size
   * @param folds the DR reward model's cross-fitting folds
   * @param ridge the reward model's ridge penalty
   * @param distinct whether the deployed ranking never repeats an action across positions
   * @param seed the initialisation's and the folds' seed
   * @param clip the {@code dr} objective's largest weight {@code 1 / pscore} (infinity: no clipping)
   */
  public record Settings(String learner, double l2, int steps, double learningRate, int folds, double ridge,
      boolean distinct, long seed, double clip) {
    /** Settings without weight clipping. */
    public Settings(String learner, double l2, int steps, double learningRate, int folds, double ridge,
        boolean distinct, long seed) {
      this(learner, l2, steps, learningRate, folds, ridge, distinct, seed, Double.POSITIVE_INFINITY);
    }

    public Settings {
      if (!(clip >= 1)) {
        throw new IllegalArgumentException("the clip must be a number >= 1 (a weight 1/pscore is at least 1), got "
            + clip);
      }
      if (!LEARNERS.contains(learner)) {
        throw new IllegalArgumentException("learner '" + learner + "': expected one of " + String.join(", ", LEARNERS));
      }
      if (!(l2 >= 0) || Double.isInfinite(l2)) {
        throw new IllegalArgumentException("l2 must be a finite number >= 0, got " + l2);
      }
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be >= 1, got " + steps);
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("the learning rate must be > 0, got " + learningRate);
      }
      if (folds < 2) {
        throw new IllegalArgumentException("folds must be >= 2, got " + folds);
      }
      if (!(ridge > 0) || Double.isInfinite(ridge)) {
        throw new IllegalArgumentException("the ridge penalty must be > 0, got " + ridge);
      }
    }

    /** The defaults for {@code learner}. */
    public static Settings defaults(String learner, long seed) {
      return new Settings(learner, 1.0, 300, 0.05, 2, 1.0, true, seed);
    }
  }

  /** Learns a policy from {@code train}; {@code info} goes into the policy file. */
  public static LinearPolicy fit(BanditData train, Settings s, Map<String, String> info) {
    if (train.size() == 0) {
      throw new IllegalArgumentException("no training rows");
    }
    double first = train.rewards()[0];
    boolean varies = false;
    for (double r : train.rewards()) {
      varies |= r != first;
    }
    if (!varies) {
      // one reward everywhere ranks no action above another: dr would centre it to zeros and keep only its
      // penalty, ipw would learn the inverse of the behaviour's propensities
      throw new IllegalArgumentException("every one of the " + train.size() + " training rows has reward "
          + (first == Math.rint(first) && Math.abs(first) < 1e15 ? Long.toString((long) first) : Double.toString(first))
          + ": there is nothing to learn from");
    }
    if (s.learner().equals("ipw")) {
      int neg = firstNegative(train.rewards());
      if (neg >= 0) {
        throw new IllegalArgumentException("training row " + (neg + 1) + " has reward " + train.rewards()[neg]
            + ": the ipw learner takes non-negative rewards only; use --learner dr");
      }
    }
    Features f = Features.fit(train.context(), train.dim());
    double[][] phi = f.phi(train.context());
    int n = train.size();
    double[] rowWeights = new double[n];
    double[] rewards = new double[n];
    double[][] q = null;
    if (s.learner().equals("ipw")) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        rowWeights[i] = train.rewards()[i] / train.pscores()[i];
        sum += rowWeights[i];
      }
      if (sum > 0) {
        for (int i = 0; i < n; i++) {
          rowWeights[i] *= n / sum;
        }
      }
    } else {
      double mean = train.meanReward();
      double var = 0;
      for (double r : train.rewards()) {
        var += (r - mean) * (r - mean);
      }
      double sd = Math.sqrt(var / n);
      double scale = sd > 0 ? 1.0 / sd : 1.0;
      double[][] raw = RidgeRewards.crossFit(train, s.folds(), s.ridge(), s.seed()).predictions();
      q = new double[n][];
      for (int i = 0; i < n; i++) {
        rewards[i] = (train.rewards()[i] - mean) * scale;
        rowWeights[i] = 1.0 / train.pscores()[i];
        q[i] = new double[raw[i].length];
        for (int a = 0; a < raw[i].length; a++) {
          q[i][a] = (raw[i][a] - mean) * scale;
        }
      }
    }
    NumpyRandom init = new NumpyRandom(s.seed());
    int d = f.dim();
    int aCount = train.nActions();
    double[][][] weights = new double[train.nPositions()][][];
    double[][] intercepts = new double[train.nPositions()][];
    for (int p = 0; p < train.nPositions(); p++) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (train.positions()[i] == p) {
          rows.add(i);
        }
      }
      double[][] phiP = new double[rows.size()][];
      int[] aP = new int[rows.size()];
      double[] wP = new double[rows.size()];
      double[] rP = new double[rows.size()];
      double[][] qP = q == null ? null : new double[rows.size()][];
      for (int k = 0; k < rows.size(); k++) {
        int i = rows.get(k);
        phiP[k] = phi[i];
        aP[k] = train.actions()[i];
        wP[k] = rowWeights[i];
        rP[k] = rewards[i];
        if (qP != null) {
          qP[k] = q[i];
        }
      }
      SoftmaxObjective obj = q == null ? SoftmaxObjective.ipw(phiP, aP, wP, aCount, s.l2())
          : SoftmaxObjective.dr(phiP, aP, wP, rP, qP, aCount, s.l2(), s.clip());
      double[] theta = new double[aCount * d];
      for (int k = 0; k < theta.length; k++) {
        theta[k] = 0.01 * init.standardNormal();
      }
      if (!rows.isEmpty()) {
        adam(obj, theta, s.steps(), s.learningRate());
      }
      double[][] t = new double[aCount][d];
      for (int a = 0; a < aCount; a++) {
        System.arraycopy(theta, a * d, t[a], 0, d);
      }
      intercepts[p] = new double[aCount];
      weights[p] = f.toRaw(t, intercepts[p]);
    }
    return new LinearPolicy(s.learner(), train.featureNames(), train.actionIds(), weights, intercepts, s.distinct(),
        s.seed(), n, info);
  }

  /** The index of the first negative value, or -1. */
  public static int firstNegative(double[] rewards) {
    for (int i = 0; i < rewards.length; i++) {
      if (rewards[i] < 0) {
        return i;
      }
    }
    return -1;
  }

  /** Maximises {@code obj} from {@code theta} in place by full-batch Adam. */
  static void adam(SoftmaxObjective obj, double[] theta, int steps, double lr) {
    double b1 = 0.9;
    double b2 = 0.999;
    double[] m = new double[theta.length];
    double[] v = new double[theta.length];
    double[] g = new double[theta.length];
    for (int t = 1; t <= steps; t++) {
      java.util.Arrays.fill(g, 0);
      obj.evaluate(theta, g);
      double c1 = 1 - Math.pow(b1, t);
      double c2 = 1 - Math.pow(b2, t);
      for (int k = 0; k < theta.length; k++) {
        m[k] = b1 * m[k] + (1 - b1) * g[k];
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        theta[k] += lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + 1e-8);
      }
    }
  }
}
