package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The Cholesky factor a {@link RidgeArm} keeps current by rank-one updates is the factor a fresh
 * decomposition of {@code A = lambda I + sum s x x^T} gives, and its theta, {@code x^T A^-1 x} and
 * sampled score are what a fresh solve gives, for any dimension, ridge and sequence of weighted updates.
 */
class RidgeArmProperties {
  record Obs(double[] x, double r, double s) {}

  record Case(int d, double lambda, List<Obs> updates, double[] probe) {}

  @Provide
  Arbitrary<Case> cases() {
    return Arbitraries.integers().between(1, 6).flatMap(d -> {
      Arbitrary<double[]> vec = Arbitraries.doubles().between(-3, 3).array(double[].class).ofSize(d);
      Arbitrary<Obs> obs = Combinators.combine(vec, Arbitraries.doubles().between(-5, 5),
          Arbitraries.doubles().between(0.01, 3)).as(Obs::new);
      return Combinators.combine(Arbitraries.doubles().between(0.1, 10), obs.list().ofMinSize(0).ofMaxSize(40), vec)
          .as((lambda, ups, probe) -> new Case(d, lambda, ups, probe));
    });
  }

  @Property(tries = 200, seed = "20251207")
  void rankOneUpdatesEqualAFreshDecompositionAndSolve(@ForAll("cases") Case c) {
    int d = c.d();
    RidgeArm arm = new RidgeArm(d, c.lambda());
    double[][] a = new double[d][d];
    double[] b = new double[d];
    for (int i = 0; i < d; i++) {
      a[i][i] = c.lambda();
    }
    for (Obs o : c.updates()) {
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
        assertEquals(j <= i ? l[i][j] : 0.0, kept[i * d + j], 1e-9 * Math.sqrt(scale), "L[" + i + "][" + j + "]");
      }
    }
    double[] theta = solve(l, b);
    double[] got = arm.theta();
    for (int i = 0; i < d; i++) {
      assertEquals(theta[i], got[i], 1e-8 * (1 + Math.abs(theta[i])), "theta[" + i + "]");
    }
    double[] w = solve(l, c.probe());
    double q = 0;
    for (int i = 0; i < d; i++) {
      q += c.probe()[i] * w[i];
    }
    assertEquals(q, arm.quadraticForm(c.probe()), 1e-8 * (1 + q), "x^T A^-1 x");
    // A frozen and thawed arm answers the same.
    RidgeArm thawed = RidgeArm.thaw(arm.freeze());
    assertEquals(arm.quadraticForm(c.probe()), thawed.quadraticForm(c.probe()), 0.0);
    assertEquals(arm.dotTheta(c.probe()), thawed.dotTheta(c.probe()), 0.0);
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
