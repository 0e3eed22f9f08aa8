package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

class RidgeArmTest {
  /** Solves A y = x by Gaussian elimination with partial pivoting (an independent reference). */
  static double[] solve(double[] a, double[] x, int d) {
    double[][] m = new double[d][d + 1];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        m[i][j] = a[i * d + j];
      }
      m[i][d] = x[i];
    }
    for (int c = 0; c < d; c++) {
      int p = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      for (int r = c + 1; r < d; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= d; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] y = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double s = m[i][d];
      for (int k = i + 1; k < d; k++) {
        s -= m[i][k] * y[k];
      }
      y[i] = s / m[i][i];
    }
    return y;
  }

  @Test
  void rankOneUpdatesTrackTheDirectSolutionPastSeveralRefactorisations() {
    int d = 6;
    RidgeArm arm = new RidgeArm(d, 0.5);
    NumpyRandom rng = new NumpyRandom(7);
    int n = RidgeArm.REFACTOR_EVERY * 2 + 100;
    for (int i = 0; i < n; i++) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) {
        x[j] = rng.normal(0, 1);
      }
      arm.update(x, rng.normal(1, 1), 0.25 + rng.random());
    }
    double[] a = arm.precision();
    double[] expected = solve(a, arm.rhs(), d);
    double[] theta = arm.theta();
    for (int j = 0; j < d; j++) {
      assertEquals(expected[j], theta[j], 1e-10 * (1 + Math.abs(expected[j])));
    }
    double[] x = {1, -2, 0.5, 0, 3, 1};
    double[] ainvx = solve(a, x, d);
    double q = 0;
    for (int j = 0; j < d; j++) {
      q += x[j] * ainvx[j];
    }
    assertEquals(q, arm.quadraticForm(x), 1e-12 * q);
    double tr = 0;
    for (int j = 0; j < d; j++) {
      double[] e = new double[d];
      e[j] = 1;
      tr += solve(a, e, d)[j];
    }
    assertEquals(tr, arm.traceOfInverse(), 1e-12 * tr);
  }

  @Test
  void posteriorDrawsHaveCovarianceAInverse() {
    int d = 2;
    RidgeArm arm = new RidgeArm(d, 1.0);
    arm.update(new double[] {1, 1}, 0, 3.0);
    arm.update(new double[] {1, 0}, 0, 1.0);
    // A = [[5, 3], [3, 4]]; A^-1 = [[4, -3], [-3, 5]] / 11.
    NumpyRandom rng = new NumpyRandom(11);
    int n = 200_000;
    double s11 = 0;
    double s12 = 0;
    double s22 = 0;
    for (int i = 0; i < n; i++) {
      double[] z = {rng.standardNormal(), rng.standardNormal()};
      double v1 = arm.sampledScore(z, new double[] {1, 0});
      double v2 = arm.sampledScore(z, new double[] {0, 1});
      s11 += v1 * v1;
      s12 += v1 * v2;
      s22 += v2 * v2;
    }
    // Sample second moments of a zero-mean Gaussian: sd of the estimate is about sqrt(2/n) * var
    // (<= 0.0015 here); 0.01 is over 6 sd.
    assertEquals(4.0 / 11, s11 / n, 0.01);
    assertEquals(-3.0 / 11, s12 / n, 0.01);
    assertEquals(5.0 / 11, s22 / n, 0.01);
  }
}
