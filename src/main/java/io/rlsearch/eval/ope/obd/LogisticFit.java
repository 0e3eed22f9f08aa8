package io.rlsearch.eval.ope.obd;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * L2-regularised logistic regression with an unpenalised intercept, the objective of
 * scikit-learn's {@code LogisticRegression(C)}: minimise
 * {@code C * sum_i logloss(y_i, sigmoid(b + w.x_i)) + ||w||^2 / 2}. Solved by Newton's method with
 * backtracking (the objective is strictly convex in {@code w}), to a step below 1e-10, so it
 * finds the optimum that scikit-learn's lbfgs approaches to its own tolerance. Where the objective
 * is flat to rounding, so that no step lowers it as computed, a step is taken if it lowers the
 * gradient instead.
 *
 * @param intercept b
 * @param coef w, one per feature
 */
public record LogisticFit(double intercept, double[] coef) {
  private static final int MAX_ITERATIONS = 200;
  private static final double STEP_TOLERANCE = 1e-10;

  public LogisticFit {
    coef = coef.clone();
  }

  @Override
  public double[] coef() {
    return coef.clone();
  }

  /**
   * Fits rows {@code x} (all the same width) to 0/1 labels {@code y}, both present, with inverse
   * regularisation strength {@code c}.
   */
  public static LogisticFit fit(double[][] x, int[] y, double c) {
    int n = x.length;
    if (n == 0 || y.length != n) {
      throw new IllegalArgumentException("logistic fit needs rows with one label each, got " + n + " rows and "
          + y.length + " labels");
    }
    if (!(c > 0)) {
      throw new IllegalArgumentException("C must be > 0, got " + c);
    }
    int ones = 0;
    for (int i = 0; i < n; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("row " + i + " has label " + y[i] + ", a logistic fit needs 0 or 1");
      }
      ones += y[i];
    }
    // With one label the intercept runs off to infinity (no finite optimum) and the Hessian becomes singular.
    if (ones == 0 || ones == n) {
      throw new IllegalArgumentException("logistic fit needs both labels 0 and 1, got only " + y[0] + "s in " + n
          + " rows");
    }
    int d = x[0].length;
    double[] beta = new double[d + 1]; // coefficients, then the intercept
    double f = objective(x, y, c, beta);
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      double[] g = new double[d + 1];
      double[][] h = new double[d + 1][d + 1];
      for (int j = 0; j < d; j++) {
        g[j] = beta[j];
        h[j][j] = 1;
      }
      for (int i = 0; i < n; i++) {
        double p = sigmoid(linear(x[i], beta));
        double r = c * (p - y[i]);
        double s = c * p * (1 - p);
        for (int j = 0; j < d; j++) {
          double xj = x[i][j];
          if (xj == 0) {
            continue;
          }
          g[j] += r * xj;
          for (int k = 0; k < d; k++) {
            h[j][k] += s * xj * x[i][k];
          }
          h[j][d] += s * xj;
        }
        g[d] += r;
        for (int k = 0; k < d; k++) {
          h[d][k] += s * x[i][k];
        }
        h[d][d] += s;
      }
      RealVector step = new LUDecomposition(new Array2DRowRealMatrix(h, false)).getSolver()
          .solve(new ArrayRealVector(g, false));
      double t = 1;
      double[] next = new double[d + 1];
      double fNext;
      while (true) {
        for (int j = 0; j <= d; j++) {
          next[j] = beta[j] - t * step.getEntry(j);
        }
        fNext = objective(x, y, c, next);
        // An unchanged objective is accepted at the full step only: a shortened step too small to change
        // anything would end the fit as if it had converged.
        if (fNext < f || fNext == f && t == 1) {
          break;
        }
        if (t < 1e-12) {
          // No step length lowers the objective as computed. Near the optimum the objective is flat to rounding
          // (its changes are below its own rounding error), so this is not convergence; the gradient is still
          // computed accurately there, so the full Newton step is taken if it lowers the gradient.
          double[] full = new double[d + 1];
          for (int j = 0; j <= d; j++) {
            full[j] = beta[j] - step.getEntry(j);
          }
          if (largest(gradient(x, y, c, full)) < largest(g)) {
            t = 1;
            next = full;
            fNext = objective(x, y, c, full);
          }
          break;
        }
        t /= 2;
      }
      double size = t * step.getLInfNorm();
      System.arraycopy(next, 0, beta, 0, d + 1);
      f = fNext;
      if (size < STEP_TOLERANCE) {
        break;
      }
    }
    double[] w = new double[d];
    System.arraycopy(beta, 0, w, 0, d);
    return new LogisticFit(beta[d], w);
  }

  public double predict(double[] x) {
    return sigmoid(intercept + dot(coef, x));
  }

  static double objective(double[][] x, int[] y, double c, double[] beta) {
    int d = beta.length - 1;
    double f = 0;
    for (int j = 0; j < d; j++) {
      f += 0.5 * beta[j] * beta[j];
    }
    for (int i = 0; i < x.length; i++) {
      double z = linear(x[i], beta);
      // log(1 + e^z) - y z is log(1 + e^m) with m = z for y = 0 and m = -z for y = 1 (no cancellation of
      // z against z when a clicked row is fitted well), computed without overflow
      double m = y[i] == 1 ? -z : z;
      f += c * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
    }
    return f;
  }

  /** The objective's gradient: {@code w_j + C sum_i (p_i - y_i) x_ij}, then {@code C sum_i (p_i - y_i)}. */
  static double[] gradient(double[][] x, int[] y, double c, double[] beta) {
    int d = beta.length - 1;
    double[] g = new double[d + 1];
    System.arraycopy(beta, 0, g, 0, d);
    for (int i = 0; i < x.length; i++) {
      double r = c * (sigmoid(linear(x[i], beta)) - y[i]);
      for (int j = 0; j < d; j++) {
        g[j] += r * x[i][j];
      }
      g[d] += r;
    }
    return g;
  }

  private static double largest(double[] v) {
    double m = 0;
    for (double e : v) {
      m = Math.max(m, Math.abs(e));
    }
    return m;
  }

  private static double linear(double[] x, double[] beta) {
    int d = beta.length - 1;
    double z = beta[d];
    for (int j = 0; j < d; j++) {
      z += beta[j] * x[j];
    }
    return z;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

  static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }
}
