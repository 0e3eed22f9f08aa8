package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Cholesky factor a {@link RidgeArm} keeps current by rank-one updates is the factor a fresh
 * decomposition of {@code A = lambda I + sum s x x^T} gives, and its theta, {@code x^T A^-1 x} and
 * sampled score are what a fresh solve gives, for any dimension, ridge and sequence of weighted updates.
 * Each try draws its inputs from {@code Gen.of(SEED, try)}.
 */
class RidgeArmPropertyTest {
  static final long SEED = 20251207L;

  record Obs(double[] x, double r, double s) {
    @Override
    public String toString() {
      return "(x=" + Gen.show(x) + ", r=" + r + ", s=" + s + ")";
    }
  }

  static IntStream tries() {
    return IntStream.range(0, 200);
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("tries")
  void rankOneUpdatesEqualAFreshDecompositionAndSolve(int t) {
    Gen g = Gen.of(SEED, t);
    int d = g.ints(1, 6);
    double lambda = g.doubles(0.1, 10);
    int n = g.ints(0, 40);
    List<Obs> updates = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      updates.add(new Obs(g.doubles(d, -3, 3), g.doubles(-5, 5), g.doubles(0.01, 3)));
    }
    double[] probe = g.doubles(d, -3, 3);
    String at = Gen.label(SEED, t, "d", d, "lambda", lambda, "updates", updates, "probe", probe);
    RidgeArm arm = new RidgeArm(d, lambda);
    double[][] a = new double[d][d];
    double[] b = new double[d];
    for (int i = 0; i < d; i++) {
      a[i][i] = lambda;
    }
    for (Obs o : updates) {
      arm.update(o.x().clone(), o.r(), o.s());
      for (int i = 0; i < d; i++) {
        b[i] += o.s() * o.r() * o.x()[i];
        for (int j = 0; j < d; j++) {
          a[i][j] += o.s() * o.x()[i] * o.x()[j];
        }
      }
    }
    double scale = 0;
    for (double[] row : a) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    double[][] l = cholesky(a);
    double[] kept = arm.freeze().cholesky();
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        assertEquals(j <= i ? l[i][j] : 0.0, kept[i * d + j], 1e-9 * Math.sqrt(scale), "L[" + i + "][" + j + "]; " + at);
      }
    }
    double[] theta = solve(l, b);
    double[] got = arm.theta();
    for (int i = 0; i < d; i++) {
      assertEquals(theta[i], got[i], 1e-8 * (1 + Math.abs(theta[i])), "theta[" + i + "]; " + at);
    }
    double[] w = solve(l, probe);
    double q = 0;
    for (int i = 0; i < d; i++) {
      q += probe[i] * w[i];
    }
    assertEquals(q, arm.quadraticForm(probe), 1e-8 * (1 + q), "x^T A^-1 x; " + at);
    // A frozen and thawed arm answers the same.
    RidgeArm thawed = RidgeArm.thaw(arm.freeze());
    assertEquals(arm.quadraticForm(probe), thawed.quadraticForm(probe), 0.0, "thawed x^T A^-1 x; " + at);
    assertEquals(arm.dotTheta(probe), thawed.dotTheta(probe), 0.0, "thawed x^T theta; " + at);
  }

  /** Cholesky-Banachiewicz, written out here independently of the arm's. */
  private static double[][] cholesky(double[][] a) {
    int d = a.length;
    double[][] l = new double[d][d];
    for (int j = 0; j < d; j++) {
      double s = a[j][j];
      for (int k = 0; k < j; k++) {
        s -= l[j][k] * l[j][k];
      }
      l[j][j] = Math.sqrt(s);
      for (int i = j + 1; i < d; i++) {
        double t = a[i][j];
        for (int k = 0; k < j; k++) {
          t -= l[i][k] * l[j][k];
        }
        l[i][j] = t / l[j][j];
      }
    }
    return l;
  }

  /** {@code (L L^T)^-1 y}. */
  private static double[] solve(double[][] l, double[] y) {
    int d = l.length;
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      double s = y[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * z[k];
      }
      z[i] = s / l[i][i];
    }
    double[] x = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < d; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }
}
