package io.rlsearch.eval.opl;

/**
 * The objective a learner maximises over the softmax policy of one position,
 * {@code pi(a | x) = exp(theta[a] . phi(x)) / sum_b exp(theta[b] . phi(x))}, with {@code theta}
 * flattened action by action ({@code theta[a * dim + j]}):
 *
 * <ul>
 *   <li>{@link #ipw}: the IPW learner's weighted log-likelihood (a reduction to cost-sensitive
 *       classification): {@code (1/n) sum_i w_i log pi(a_i | x_i) - (l2/2) |theta|^2} with
 *       {@code w_i = r_i / pscore_i};
 *   <li>{@link #dr}: the doubly robust estimate of the policy's value,
 *       {@code (1/n) sum_i [sum_a pi(a | x_i) q_ia + pi(a_i | x_i) / pscore_i (r_i - q_ia_i)]
 *       - (l2/2) |theta|^2}, optionally with {@code 1 / pscore_i} clipped at a largest weight.
 * </ul>
 */
public final class SoftmaxObjective {
  private final boolean dr;
  private final double[][] phi;
  private final int[] actions;
  private final double[] weights;
  private final double[] rewards;
  private final double[][] q;
  private final int nActions;
  private final double l2;

  private SoftmaxObjective(boolean dr, double[][] phi, int[] actions, double[] weights, double[] rewards,
      double[][] q, int nActions, double l2) {
    this.dr = dr;
    this.phi = phi;
    this.actions = actions;
    this.weights = weights;
    this.rewards = rewards;
    this.q = q;
    this.nActions = nActions;
    this.l2 = l2;
  }

  /**
   * The IPW learner's objective.
   *
   * @param weights {@code r_i / pscore_i} per row
   */
  public static SoftmaxObjective ipw(double[][] phi, int[] actions, double[] weights, int nActions, double l2) {
    return new SoftmaxObjective(false, phi, actions, weights, null, null, nActions, l2);
  }

  /**
   * The DR objective.
   *
   * @param inversePscores {@code 1 / pscore_i} per row
   * @param q the reward model's {@code q[i][a]}
   */
  public static SoftmaxObjective dr(double[][] phi, int[] actions, double[] inversePscores, double[] rewards,
      double[][] q, int nActions, double l2) {
    return new SoftmaxObjective(true, phi, actions, inversePscores, rewards, q, nActions, l2);
  }

  /**
   * The DR objective with its weights clipped: {@code min(1 / pscore_i, clip)} in place of
   * {@code 1 / pscore_i} (a constant per row, so the objective stays smooth in {@code theta}).
   *
   * @param clip the largest weight; infinity for none
   */
  public static SoftmaxObjective dr(double[][] phi, int[] actions, double[] inversePscores, double[] rewards,
      double[][] q, int nActions, double l2, double clip) {
    double[] w = new double[inversePscores.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.min(inversePscores[i], clip);
    }
    return dr(phi, actions, w, rewards, q, nActions, l2);
  }

  /** The length of {@code theta}. */
  public int size() {
    return nActions * dim();
  }

  private int dim() {
    return phi.length == 0 ? 0 : phi[0].length;
  }

  /** The objective at {@code theta}. */
  public double value(double[] theta) {
    return evaluate(theta, null);
  }

  /** The gradient at {@code theta}. */
  public double[] gradient(double[] theta) {
    double[] g = new double[theta.length];
    evaluate(theta, g);
    return g;
  }

  /** The value; with {@code grad} non-null, also its gradient there. */
  double evaluate(double[] theta, double[] grad) {
    int d = dim();
    int n = phi.length;
    double total = 0;
    double[] pi = new double[nActions];
    double[] coef = new double[nActions];
    for (int i = 0; i < n; i++) {
      double[] x = phi[i];
      double max = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < nActions; a++) {
        double s = 0;
        int off = a * d;
        for (int j = 0; j < d; j++) {
          s += theta[off + j] * x[j];
        }
        pi[a] = s;
        max = Math.max(max, s);
      }
      double z = 0;
      for (int a = 0; a < nActions; a++) {
        pi[a] = Math.exp(pi[a] - max);
        z += pi[a];
      }
      for (int a = 0; a < nActions; a++) {
        pi[a] /= z;
      }
      int ai = actions[i];
      if (!dr) {
        double w = weights[i];
        if (w == 0) {
          continue;
        }
        total += w * Math.log(Math.max(pi[ai], Double.MIN_NORMAL));
        if (grad != null) {
          // d/dtheta_b of w log pi(a_i) = w (1[b = a_i] - pi_b) phi
          for (int b = 0; b < nActions; b++) {
            coef[b] = w * ((b == ai ? 1 : 0) - pi[b]);
          }
        }
      } else {
        double[] qi = q[i];
        double mean = 0;
        double value = 0;
        for (int a = 0; a < nActions; a++) {
          double c = qi[a] + (a == ai ? (rewards[i] - qi[ai]) * weights[i] : 0);
          coef[a] = c;
          value += pi[a] * c;
        }
        mean = value;
        total += value;
        if (grad != null) {
          // d/dtheta_b of sum_a pi_a c_a = pi_b (c_b - sum_a pi_a c_a) phi
          for (int b = 0; b < nActions; b++) {
            coef[b] = pi[b] * (coef[b] - mean);
          }
        }
      }
      if (grad != null) {
        for (int b = 0; b < nActions; b++) {
          double c = coef[b];
          if (c == 0) {
            continue;
          }
          int off = b * d;
          for (int j = 0; j < d; j++) {
            grad[off + j] += c * x[j];
          }
        }
      }
    }
    double norm = 0;
    for (double t : theta) {
      norm += t * t;
    }
    double inv = n == 0 ? 0 : 1.0 / n;
    if (grad != null) {
      for (int k = 0; k < grad.length; k++) {
        grad[k] = grad[k] * inv - l2 * theta[k];
      }
    }
    return total * inv - 0.5 * l2 * norm;
  }
}
