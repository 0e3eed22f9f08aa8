package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One ridge arm's statistics after each operation, against values worked out by hand on 1x1 and 2x2 systems. */
class RidgeArmExactTest {
  private static final double EPS = 1e-15;

  @Test
  void dimensionAndPriorAreCheckedAtTheirLimits() {
    IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> new RidgeArm(0, 1));
    assertEquals("dimension must be >= 1, got 0", dim.getMessage());
    IllegalArgumentException lambda = assertThrows(IllegalArgumentException.class, () -> new RidgeArm(1, 0));
    assertEquals("ridge lambda must be > 0, got 0.0", lambda.getMessage());
    assertEquals(1, new RidgeArm(1, Double.MIN_VALUE).dim());
  }

  @Test
  void oneUpdateOfAOneDimensionalArm() {
    // lambda 3, x 1, r 8: A = 4, L = 2, b = 8, theta = 2.
    RidgeArm arm = new RidgeArm(1, 3);
    arm.update(new double[] {1}, 8, 1);
    assertEquals(1, arm.updates());
    assertEquals(1, arm.freeze().updates());
    assertArrayEquals(new double[] {4}, arm.precision());
    assertArrayEquals(new double[] {8}, arm.rhs());
    assertArrayEquals(new double[] {2}, arm.theta(), 4 * EPS);
    assertArrayEquals(new double[] {2}, arm.freeze().cholesky(), 4 * EPS);
    // x^T A^-1 x = 9 / 4; a draw z = 2 moves theta by L^-T z = 1: (2 + 1) * 3.
    assertEquals(2.25, arm.quadraticForm(new double[] {3}), 1e-14);
    assertEquals(9.0, arm.sampledScore(new double[] {2}, new double[] {3}), 1e-14);
    assertEquals(3.0, arm.sampledScore(new double[] {-2}, new double[] {3}), 1e-14);
    assertEquals(0.25, arm.traceOfInverse(), 1e-15);
    arm.update(new double[] {2}, 1, 0.5);
    assertEquals(2, arm.updates());
    assertEquals(2, arm.freeze().updates());
  }

  @Test
  void aContextOfTheWrongLengthIsRefusedByEveryQuery() {
    RidgeArm arm = new RidgeArm(2, 1);
    IllegalArgumentException q = assertThrows(IllegalArgumentException.class,
        () -> arm.quadraticForm(new double[] {1, 2, 3}));
    assertEquals("feature vector must have 2 values, got 3", q.getMessage());
    IllegalArgumentException dd = assertThrows(IllegalArgumentException.class,
        () -> arm.downdate(new double[] {1, 2, 3}, 1, 1));
    assertEquals("feature vector must have 2 values, got 3", dd.getMessage());
    assertArrayEquals(new double[] {1, 0, 0, 1}, arm.precision());
    assertArrayEquals(new double[] {0, 0}, arm.rhs());
  }

  @Test
  void aTwoDimensionalUpdate() {
    // lambda 1, x (1, 1), r 2: A = [[2, 1], [1, 2]], b = (2, 2), theta = A^-1 b = (2/3, 2/3),
    // L = [[sqrt 2, 0], [1 / sqrt 2, sqrt 1.5]], trace A^-1 = 4/3.
    RidgeArm arm = new RidgeArm(2, 1);
    arm.update(new double[] {1, 1}, 2, 1);
    assertArrayEquals(new double[] {2, 1, 1, 2}, arm.precision());
    assertArrayEquals(new double[] {2, 2}, arm.rhs());
    assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3}, arm.theta(), EPS);
    assertArrayEquals(new double[] {Math.sqrt(2), 0, 1 / Math.sqrt(2), Math.sqrt(1.5)}, arm.freeze().cholesky(), EPS);
    assertEquals(4.0 / 3, arm.traceOfInverse(), EPS);
    // (1, 0) A^-1 (1, 0)^T = 2/3.
    assertEquals(2.0 / 3, arm.quadraticForm(new double[] {1, 0}), EPS);
    assertEquals(-1.0 / 3, arm.dotTheta(new double[] {2, -2.5}), EPS);
  }

  @Test
  void discountingFadesTheDataAndKeepsThePrior() {
    // From A = [[2, 1], [1, 2]], b = (2, 2) with gamma 1/2 and lambda 1:
    // A = [[1.5, 0.5], [0.5, 1.5]], b = (1, 1), theta = (1/2, 1/2), (A^-1)_00 = 1.5 / 2 = 0.75.
    RidgeArm arm = new RidgeArm(2, 1);
    arm.update(new double[] {1, 1}, 2, 1);
    arm.discount(0.5, 1);
    assertArrayEquals(new double[] {1.5, 0.5, 0.5, 1.5}, arm.precision());
    assertArrayEquals(new double[] {1, 1}, arm.rhs());
    assertArrayEquals(new double[] {0.5, 0.5}, arm.theta(), EPS);
    assertEquals(0.75, arm.quadraticForm(new double[] {1, 0}), EPS);
    assertArrayEquals(new double[] {Math.sqrt(1.5), 0, 0.5 / Math.sqrt(1.5), Math.sqrt(4.0 / 3)}, arm.freeze().cholesky(),
        EPS);
    // A prior of 3 (not the arm's own) is what the diagonal moves towards: 1.5 / 2 + 3 / 2... from A above.
    RidgeArm other = new RidgeArm(1, 1);
    other.update(new double[] {1}, 4, 1);
    other.discount(0.25, 3);
    // A = 0.25 * 2 + 0.75 * 3 = 2.75, b = 1.
    assertArrayEquals(new double[] {2.75}, other.precision());
    assertArrayEquals(new double[] {1}, other.rhs());
    assertEquals(1 / 2.75, other.theta()[0], EPS);
  }

  @Test
  void aDiscountOfOneChangesNothingAndOnlyDiscountsInZeroOneAreAccepted() {
    RidgeArm arm = new RidgeArm(2, 1);
    arm.update(new double[] {0.3, 1.7}, 2, 1);
    double[] l = arm.freeze().cholesky();
    double[] a = arm.precision();
    double[] theta = arm.theta();
    arm.discount(1, 5);
    assertArrayEquals(l, arm.freeze().cholesky());
    assertArrayEquals(a, arm.precision());
    assertArrayEquals(theta, arm.theta());
    for (double g : new double[] {0, -0.5, Math.nextUp(1.0), Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> arm.discount(g, 1));
      assertEquals("discount must lie in (0, 1], got " + g, e.getMessage());
    }
    arm.discount(Double.MIN_VALUE, 1);
    assertArrayEquals(new double[] {1, 0, 0, 1}, arm.precision(), 1e-300);
  }

  @Test
  void aDowndateRemovesExactlyTheObservation() {
    // Prior I; add (1, 1) r 2 and (1, 0) r 3; remove (1, 1) r 2: A = diag(2, 1), b = (3, 0), theta = (1.5, 0).
    RidgeArm arm = new RidgeArm(2, 1);
    arm.update(new double[] {1, 1}, 2, 1);
    arm.update(new double[] {1, 0}, 3, 1);
    arm.downdate(new double[] {1, 1}, 2, 1);
    assertArrayEquals(new double[] {2, 0, 0, 1}, arm.precision());
    assertArrayEquals(new double[] {3, 0}, arm.rhs());
    assertArrayEquals(new double[] {1.5, 0}, arm.theta(), EPS);
    assertArrayEquals(new double[] {Math.sqrt(2), 0, 0, 1}, arm.freeze().cholesky(), EPS);
    // (1, 1) diag(1/2, 1) (1, 1)^T = 1.5.
    assertEquals(1.5, arm.quadraticForm(new double[] {1, 1}), EPS);
    // A weight of 2 removes twice the observation: A = diag(2, 1) - 2 (0.5, 0)(0.5, 0)^T = diag(1.5, 1).
    arm.downdate(new double[] {0.5, 0}, 1, 2);
    assertArrayEquals(new double[] {1.5, 0, 0, 1}, arm.precision());
    assertArrayEquals(new double[] {2, 0}, arm.rhs());
    assertArrayEquals(new double[] {2 / 1.5, 0}, arm.theta(), EPS);
  }

  @Test
  void removingThePriorItselfIsRefusedAsNotPositiveDefinite() {
    RidgeArm one = new RidgeArm(1, 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> one.downdate(new double[] {1}, 0, 1));
    assertEquals("ridge precision matrix is not positive definite (pivot 0.0)", e.getMessage());
    RidgeArm two = new RidgeArm(2, 1);
    IllegalStateException e2 = assertThrows(IllegalStateException.class,
        () -> two.downdate(new double[] {0, 1}, 0, 1));
    assertEquals("ridge precision matrix is not positive definite (pivot 0.0)", e2.getMessage());
    // A hair short of the prior still factors.
    RidgeArm close = new RidgeArm(1, 1);
    close.downdate(new double[] {1}, 0, 0.75);
    assertArrayEquals(new double[] {0.5}, close.freeze().cholesky());
  }

  @Test
  void resetGoesBackToTheGivenPrior() {
    RidgeArm arm = new RidgeArm(2, 1);
    arm.update(new double[] {1, 1}, 2, 1);
    arm.update(new double[] {0.5, -1}, 3, 1);
    arm.reset(4);
    assertEquals(0, arm.updates());
    assertArrayEquals(new double[] {4, 0, 0, 4}, arm.precision());
    assertArrayEquals(new double[] {2, 0, 0, 2}, arm.freeze().cholesky());
    assertArrayEquals(new double[] {0, 0}, arm.rhs());
    assertArrayEquals(new double[] {0, 0}, arm.theta());
    assertEquals(0.5, arm.quadraticForm(new double[] {1, 1}));
  }

  @Test
  void refactorComputesTheCholeskyFactorOfTheAccumulatedPrecision() {
    // A = [[4, 2], [2, 10]] = L L^T with L = [[2, 0], [1, 3]].
    RidgeArm arm = new RidgeArm(2, 1);
    arm.update(new double[] {Math.sqrt(3), 2 / Math.sqrt(3)}, 0, 1);
    arm.reset(1);
    double[] a = {4, 2, 2, 10};
    RidgeArm.Frozen f = new RidgeArm.Frozen(2, new double[2], new double[4], a, new double[2], 0);
    RidgeArm thawed = RidgeArm.thaw(f);
    thawed.refactor();
    assertArrayEquals(new double[] {2, 0, 1, 3}, thawed.freeze().cholesky());
    RidgeArm three = RidgeArm.thaw(new RidgeArm.Frozen(3, new double[3], new double[9],
        new double[] {4, 2, 2, 2, 10, 7, 2, 7, 21}, new double[3], 0));
    three.refactor();
    // L = [[2, 0, 0], [1, 3, 0], [1, 2, 4]]: 1 + 4 + 16 = 21.
    assertArrayEquals(new double[] {2, 0, 0, 1, 3, 0, 1, 2, 4}, three.freeze().cholesky());
  }

  @Test
  void theFactorIsRecomputedFromThePrecisionAtEveryMultipleOfTheRefactorPeriod() {
    RidgeArm arm = new RidgeArm(3, 1);
    NumpyRandom rng = new NumpyRandom(5);
    for (int i = 1; i <= RidgeArm.REFACTOR_EVERY; i++) {
      arm.update(new double[] {rng.normal(0, 1), rng.normal(0, 1), 1}, rng.normal(0, 1), 1);
      if (i == RidgeArm.REFACTOR_EVERY - 1) {
        // Rank-one updates drift from the direct factor by rounding (the precondition for the check below).
        assertFalse(Arrays.equals(cholesky(arm.precision(), 3), arm.freeze().cholesky()));
      }
    }
    assertArrayEquals(cholesky(arm.precision(), 3), arm.freeze().cholesky());
    arm.update(new double[] {1, 2, 1}, 0.5, 1);
    assertFalse(Arrays.equals(cholesky(arm.precision(), 3), arm.freeze().cholesky()));
  }

  @Test
  void aFrozenArmSolvesWithItsOwnFactor() {
    // L = [[2, 0], [1, 3]], theta = (1, -1).
    RidgeArm.Frozen f = new RidgeArm.Frozen(2, new double[] {1, -1}, new double[] {2, 0, 1, 3},
        new double[] {4, 2, 2, 10}, new double[] {0, 0}, 7);
    assertEquals(7, f.updates());
    // L y = (2, 4): y = (1, 1), |y|^2 = 2.
    assertEquals(2.0, f.quadraticForm(new double[] {2, 4}));
    // L^T y = (5, 6): y = (1.5, 2); ((1 + 1.5) * 2 + (-1 + 2) * 1) = 6.
    assertEquals(6.0, f.sampledScore(new double[] {5, 6}, new double[] {2, 1}));
    assertEquals(3.0, f.dotTheta(new double[] {2, -1}));
    RidgeArm live = RidgeArm.thaw(f);
    assertEquals(2.0, live.quadraticForm(new double[] {2, 4}));
    assertEquals(6.0, live.sampledScore(new double[] {5, 6}, new double[] {2, 1}));
    assertEquals(7, live.updates());
    // Three dimensions, L = [[2, 0, 0], [1, 3, 0], [1, 2, 4]]: L (1, 1, 1) = (2, 4, 7), L^T (1, 1, 1) = (4, 5, 4).
    RidgeArm.Frozen g = new RidgeArm.Frozen(3, new double[] {0, 0, 0}, new double[] {2, 0, 0, 1, 3, 0, 1, 2, 4},
        new double[] {4, 2, 2, 2, 10, 7, 2, 7, 21}, new double[3], 0);
    assertEquals(3.0, g.quadraticForm(new double[] {2, 4, 7}));
    assertEquals(6.0, g.sampledScore(new double[] {4, 5, 4}, new double[] {1, 2, 3}));
  }

  /** Cholesky-Banachiewicz of a row-major d x d matrix, as the textbook writes it. */
  private static double[] cholesky(double[] a, int d) {
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * d + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * d + k] * l[j * d + k];
        }
        l[i * d + j] = i == j ? Math.sqrt(s) : s / l[j * d + j];
      }
    }
    return l;
  }
}
