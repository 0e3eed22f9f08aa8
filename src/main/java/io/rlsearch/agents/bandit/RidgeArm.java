package io.rlsearch.agents.bandit;

import java.util.Arrays;

/**
 * One arm's Bayesian ridge regression: {@code A = lambda I + s sum(x x^T)}, {@code b = s sum(r x)},
 * {@code theta = A^-1 b}, with the precision A held as its lower Cholesky factor L.
 *
 * <p>Why a Cholesky factor: LinUCB needs {@code x^T A^-1 x} and {@code theta} at every step, and
 * Thompson sampling needs draws from {@code N(theta, A^-1)}. With {@code A = L L^T} all three are
 * triangular solves, O(d^2): {@code x^T A^-1 x = |L^-1 x|^2}, {@code theta} by a forward and a back
 * substitution, and {@code L^-T z ~ N(0, A^-1)} for {@code z ~ N(0, I)}. The factor is kept current
 * by a rank-one update (O(d^2), a sequence of Givens-like rotations), which is backward stable and
 * keeps A positive definite by construction. Sherman-Morrison on an explicit inverse would be as
 * cheap but accumulates rounding in a matrix that is subtracted from, and can lose symmetry and
 * definiteness after many updates; the full inverse per step (the reference's {@code solve}) costs
 * O(d^3). As a guard against slow drift of the factor, A itself is accumulated too (O(d^2)) and L is
 * recomputed from it every {@link #REFACTOR_EVERY} updates.
 *
 * <p>Mutable; one owner.
 */
final class RidgeArm {
  /** Updates between two full refactorisations of A. */
  static final int REFACTOR_EVERY = 4096;

  private final int d;
  private final double[] a;
  private final double[] l;
  private final double[] b;
  private final double[] theta;
  private final double[] work;
  private long updates;

  RidgeArm(int dim, double lambda) {
    if (dim < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
    }
    if (!(lambda > 0)) {
      throw new IllegalArgumentException("ridge lambda must be > 0, got " + lambda);
    }
    this.d = dim;
    this.a = new double[dim * dim];
    this.l = new double[dim * dim];
    this.b = new double[dim];
    this.theta = new double[dim];
    this.work = new double[dim];
    double sl = Math.sqrt(lambda);
    for (int i = 0; i < dim; i++) {
      a[i * dim + i] = lambda;
      l[i * dim + i] = sl;
    }
  }

  int dim() {
    return d;
  }

  long updates() {
    return updates;
  }

  /** {@code A += s x x^T; b += s r x}; refreshes theta. */
  void update(double[] x, double r, double s) {
    checkDim(x);
    for (int i = 0; i < d; i++) {
      double sx = s * x[i];
      b[i] += sx * r;
      int row = i * d;
      for (int j = 0; j < d; j++) {
        a[row + j] += sx * x[j];
      }
    }
    double root = Math.sqrt(s);
    for (int i = 0; i < d; i++) {
      work[i] = root * x[i];
    }
    rankOneUpdate(work);
    updates++;
    // Keyed on the update count (not a counter since the last refactor) so that an arm restored from
    // a snapshot or checkpoint refactors at the same updates as the arm it was frozen from.
    if (updates % REFACTOR_EVERY == 0) {
      refactor();
    }
    solveTheta();
  }

  /** The posterior mean (a copy). */
  double[] theta() {
    return theta.clone();
  }

  double dotTheta(double[] x) {
    double s = 0;
    for (int i = 0; i < d; i++) {
      s += theta[i] * x[i];
    }
    return s;
  }

  /** {@code x^T A^-1 x} as {@code |L^-1 x|^2}. */
  double quadraticForm(double[] x) {
    checkDim(x);
    forward(x, work);
    double s = 0;
    for (int i = 0; i < d; i++) {
      s += work[i] * work[i];
    }
    return s;
  }

  /** {@code (theta + L^-T z) . x}: the score of a posterior draw, given {@code z ~ N(0, I)}. */
  double sampledScore(double[] z, double[] x) {
    backward(z, work);
    double s = 0;
    for (int i = 0; i < d; i++) {
      s += (theta[i] + work[i]) * x[i];
    }
    return s;
  }

  /** {@code trace(A^-1) = |L^-1|_F^2} (O(d^3); for diagnostics, not for the step). */
  double traceOfInverse() {
    double[] e = new double[d];
    double[] col = new double[d];
    double s = 0;
    for (int j = 0; j < d; j++) {
      Arrays.fill(e, 0);
      e[j] = 1;
      forward(e, col);
      for (double v : col) {
        s += v * v;
      }
    }
    return s;
  }

  /** A copy of the precision matrix A (row-major). */
  double[] precision() {
    return a.clone();
  }

  double[] rhs() {
    return b.clone();
  }

  /** An immutable copy of this arm's state (for policy snapshots). */
  Frozen freeze() {
    return new Frozen(d, theta.clone(), l.clone(), a.clone(), b.clone(), updates);
  }

  /** An arm whose state is {@code f}'s. */
  static RidgeArm thaw(Frozen f) {
    RidgeArm arm = new RidgeArm(f.d(), 1.0);
    System.arraycopy(f.theta, 0, arm.theta, 0, f.d());
    System.arraycopy(f.l, 0, arm.l, 0, f.l.length);
    System.arraycopy(f.a, 0, arm.a, 0, f.a.length);
    System.arraycopy(f.b, 0, arm.b, 0, f.d());
    arm.updates = f.updates();
    return arm;
  }

  /**
   * An arm's state, frozen: the same queries as a live arm, thread-safe (scratch is allocated per call).
   * The arrays are never exposed or modified.
   */
  static final class Frozen {
    private final int d;
    private final double[] theta;
    private final double[] l;
    private final double[] a;
    private final double[] b;
    private final long updates;

    Frozen(int d, double[] theta, double[] l, double[] a, double[] b, long updates) {
      this.d = d;
      this.theta = theta;
      this.l = l;
      this.a = a;
      this.b = b;
      this.updates = updates;
    }

    double[] theta() {
      return theta.clone();
    }

    double[] cholesky() {
      return l.clone();
    }

    double[] precisionMatrix() {
      return a.clone();
    }

    double[] rhsVector() {
      return b.clone();
    }

    int d() {
      return d;
    }

    long updates() {
      return updates;
    }

    double dotTheta(double[] x) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        s += theta[i] * x[i];
      }
      return s;
    }

    double quadraticForm(double[] x) {
      double[] y = new double[d];
      double s = 0;
      for (int i = 0; i < d; i++) {
        double v = x[i];
        for (int k = 0; k < i; k++) {
          v -= l[i * d + k] * y[k];
        }
        y[i] = v / l[i * d + i];
        s += y[i] * y[i];
      }
      return s;
    }

    double sampledScore(double[] z, double[] x) {
      double[] y = new double[d];
      double s = 0;
      for (int i = d - 1; i >= 0; i--) {
        double v = z[i];
        for (int k = i + 1; k < d; k++) {
          v -= l[k * d + i] * y[k];
        }
        y[i] = v / l[i * d + i];
      }
      for (int i = 0; i < d; i++) {
        s += (theta[i] + y[i]) * x[i];
      }
      return s;
    }
  }

  /** Rank-one update of L to the factor of {@code L L^T + v v^T}; destroys v. */
  private void rankOneUpdate(double[] v) {
    for (int k = 0; k < d; k++) {
      double lkk = l[k * d + k];
      double r = Math.sqrt(lkk * lkk + v[k] * v[k]);
      double c = r / lkk;
      double s = v[k] / lkk;
      l[k * d + k] = r;
      for (int i = k + 1; i < d; i++) {
        double lik = (l[i * d + k] + s * v[i]) / c;
        l[i * d + k] = lik;
        v[i] = c * v[i] - s * lik;
      }
    }
  }

  /**
   * Forgets old data (discounted ridge, Russac et al., 2019): {@code A <- gamma A + (1 - gamma) lambda I},
   * {@code b <- gamma b}, so the prior keeps weight lambda while observations fade by gamma per step.
   * Refactors (the diagonal term is not rank-one): O(d^3).
   */
  void discount(double gamma, double lambda) {
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("discount must lie in (0, 1], got " + gamma);
    }
    if (gamma == 1) {
      return;
    }
    for (int i = 0; i < d * d; i++) {
      a[i] *= gamma;
    }
    for (int i = 0; i < d; i++) {
      a[i * d + i] += (1 - gamma) * lambda;
      b[i] *= gamma;
    }
    refactor();
    solveTheta();
  }

  /** Removes an observation (a sliding window's eviction): {@code A -= s x x^T; b -= s r x}; refactors. */
  void downdate(double[] x, double r, double s) {
    checkDim(x);
    for (int i = 0; i < d; i++) {
      double sx = s * x[i];
      b[i] -= sx * r;
      for (int j = 0; j < d; j++) {
        a[i * d + j] -= sx * x[j];
      }
    }
    refactor();
    solveTheta();
  }

  /** Back to the prior {@code A = lambda I, b = 0} (a restart after a detected change). */
  void reset(double lambda) {
    java.util.Arrays.fill(a, 0);
    java.util.Arrays.fill(l, 0);
    java.util.Arrays.fill(b, 0);
    java.util.Arrays.fill(theta, 0);
    double sl = Math.sqrt(lambda);
    for (int i = 0; i < d; i++) {
      a[i * d + i] = lambda;
      l[i * d + i] = sl;
    }
    updates = 0;
  }

  /** Recomputes L from A (Cholesky-Banachiewicz). */
  void refactor() {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * d + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * d + k] * l[j * d + k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalStateException("ridge precision matrix is not positive definite (pivot " + s + ")");
          }
          l[i * d + i] = Math.sqrt(s);
        } else {
          l[i * d + j] = s / l[j * d + j];
        }
      }
    }
  }

  private void solveTheta() {
    forward(b, work);
    backward(work, theta);
  }

  /** Solves {@code L y = x}. */
  private void forward(double[] x, double[] y) {
    for (int i = 0; i < d; i++) {
      double s = x[i];
      int row = i * d;
      for (int k = 0; k < i; k++) {
        s -= l[row + k] * y[k];
      }
      y[i] = s / l[row + i];
    }
  }

  /** Solves {@code L^T y = x} (x and y may be the same array only if not aliased by the caller). */
  private void backward(double[] x, double[] y) {
    for (int i = d - 1; i >= 0; i--) {
      double s = x[i];
      for (int k = i + 1; k < d; k++) {
        s -= l[k * d + i] * y[k];
      }
      y[i] = s / l[i * d + i];
    }
  }

  private void checkDim(double[] x) {
    if (x.length != d) {
      throw new IllegalArgumentException("feature vector must have " + d + " values, got " + x.length);
    }
  }
}
