package io.rlsearch.eval.ope;

import java.util.List;

/**
 * Fitted-Q evaluation (Le, Voloshin and Yue, 2019, <a href="https://arxiv.org/abs/1903.08738">arXiv:1903.08738</a>)
 * with a linear model per arm: {@code Q(x, a) = w_a . [x, 1]}, fitted by ridge regression.
 *
 * <p>Iteration k regresses {@code r + gamma (1 - done) V_k(x')} on the logged (context, arm) pairs,
 * where {@code V_k(x') = sum_a pi_e(a | x') Q_k(x', a)} is the target policy's value of the next
 * context under the previous fit. Single-step logs converge in one iteration (the direct method's
 * reward model). A closed-form ridge solve per arm is exact and fast; a neural Q for richer contexts
 * belongs to the learner package. The reference's FQE uses an ensemble MLP trained by Adam.
 */
public final class LinearFqe implements ActionValueModel {
  private final double[][] weights;
  private final int dim;
  private final int iterations;

  private LinearFqe(double[][] weights, int dim, int iterations) {
    this.weights = weights;
    this.dim = dim;
    this.iterations = iterations;
  }

  /** Iterations run until the fit converged (or the cap). */
  public int iterations() {
    return iterations;
  }

  /**
   * Fits the model.
   *
   * @param data trajectories of discrete decisions
   * @param target the policy whose value is modelled
   * @param gamma discount
   * @param lambda ridge penalty (> 0)
   * @param maxIterations cap on FQE iterations
   */
  public static LinearFqe fit(List<Trajectory> data, TargetPolicy target, double gamma, double lambda, int maxIterations) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException("FQE needs at least one trajectory");
    }
    if (!(lambda > 0)) {
      throw new IllegalArgumentException("FQE ridge lambda must be > 0, got " + lambda);
    }
    int arms = target.arms();
    int dim = data.get(0).steps().get(0).contextRef().length + 1;
    int n = 0;
    for (Trajectory t : data) {
      n += t.length();
    }
    double[][] x = new double[n][];
    int[] a = new int[n];
    double[] r = new double[n];
    double[] cont = new double[n];
    double[][] next = new double[n][];
    int i = 0;
    for (Trajectory t : data) {
      for (int s = 0; s < t.length(); s++) {
        LoggedDecision d = t.steps().get(s);
        if (d.arm() < 0 || d.arm() >= arms) {
          throw new IllegalArgumentException("FQE needs discrete decisions with arms in 0.." + (arms - 1)
              + "; episode " + d.episode() + " step " + d.step() + " has arm " + d.arm());
        }
        if (d.contextRef().length != dim - 1) {
          throw new IllegalArgumentException("contexts must all have " + (dim - 1) + " values; episode "
              + d.episode() + " step " + d.step() + " has " + d.contextRef().length);
        }
        x[i] = withBias(d.contextRef());
        a[i] = d.arm();
        r[i] = d.reward();
        boolean last = s == t.length() - 1;
        cont[i] = d.done() || last ? 0 : 1;
        next[i] = last ? null : t.steps().get(s + 1).contextRef();
        i++;
      }
    }
    double[][] w = new double[arms][dim];
    double[] y = new double[n];
    int iter = 0;
    LinearFqe model = new LinearFqe(w, dim, 0);
    for (iter = 1; iter <= Math.max(1, maxIterations); iter++) {
      boolean bootstrap = false;
      for (int k = 0; k < n; k++) {
        y[k] = r[k];
        if (cont[k] != 0 && gamma != 0) {
          y[k] += gamma * model.value(next[k], target);
          bootstrap = true;
        }
      }
      double[][] fitted = ridge(x, a, y, arms, dim, lambda);
      double change = 0;
      for (int arm = 0; arm < arms; arm++) {
        for (int j = 0; j < dim; j++) {
          change = Math.max(change, Math.abs(fitted[arm][j] - w[arm][j]));
          w[arm][j] = fitted[arm][j];
        }
      }
      if (!bootstrap || change < 1e-9) {
        break;
      }
    }
    return new LinearFqe(w, dim, Math.min(iter, Math.max(1, maxIterations)));
  }

  @Override
  public double q(double[] context, int arm) {
    double[] wa = weights[arm];
    double s = wa[dim - 1];
    for (int j = 0; j < dim - 1; j++) {
      s += wa[j] * context[j];
    }
    return s;
  }

  private static double[] withBias(double[] c) {
    double[] out = java.util.Arrays.copyOf(c, c.length + 1);
    out[c.length] = 1;
    return out;
  }

  /** Per-arm ridge: {@code w_a = (lambda I + X_a^T X_a)^-1 X_a^T y_a} by Cholesky. */
  private static double[][] ridge(double[][] x, int[] a, double[] y, int arms, int dim, double lambda) {
    double[][] gram = new double[arms][dim * dim];
    double[][] rhs = new double[arms][dim];
    for (int arm = 0; arm < arms; arm++) {
      for (int j = 0; j < dim; j++) {
        gram[arm][j * dim + j] = lambda;
      }
    }
    for (int k = 0; k < x.length; k++) {
      double[] g = gram[a[k]];
      double[] b = rhs[a[k]];
      double[] xk = x[k];
      for (int i = 0; i < dim; i++) {
        b[i] += xk[i] * y[k];
        for (int j = 0; j <= i; j++) {
          g[i * dim + j] += xk[i] * xk[j];
        }
      }
    }
    double[][] out = new double[arms][];
    for (int arm = 0; arm < arms; arm++) {
      out[arm] = choleskySolve(gram[arm], rhs[arm], dim);
    }
    return out;
  }

  /** Solves {@code G w = b} for symmetric positive definite G (lower triangle filled). */
  public static double[] choleskySolve(double[] g, double[] b, int d) {
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = g[i * d + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * d + k] * l[j * d + k];
        }
        l[i * d + j] = i == j ? Math.sqrt(s) : s / l[j * d + j];
      }
    }
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i * d + k] * z[k];
      }
      z[i] = s / l[i * d + i];
    }
    double[] w = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < d; k++) {
        s -= l[k * d + i] * w[k];
      }
      w[i] = s / l[i * d + i];
    }
    return w;
  }
}
