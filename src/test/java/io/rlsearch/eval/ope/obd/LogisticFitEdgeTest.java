package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * LogisticFit against optima known in closed form or by their definition (the objective's gradient
 * vanishes), and its objective against values worked out by hand.
 */
class LogisticFitEdgeTest {
  /**
   * One feature, w = 3, intercept -1, one row x = 1 labelled 1, C = 2: the penalty is 9 / 2 and
   * z = 2, so the objective is {@code 4.5 + 2 (log(1 + e^2) - 2) = 4.5 + 2 log(1 + e^-2)}.
   */
  @Test
  void objectiveIsThePenaltyPlusCTimesTheLogLoss() {
    double f = LogisticFit.objective(new double[][] {{1}}, new int[] {1}, 2, new double[] {3, -1});
    assertEquals(4.5 + 2 * Math.log1p(Math.exp(-2)), f, 1e-14);
    assertEquals(4.753856022085945, f, 1e-14);
    // a row labelled 0 at z = -0.5: log(1 + e^-0.5), and w = 0.5 adds 0.125
    assertEquals(0.125 + Math.log1p(Math.exp(-0.5)),
        LogisticFit.objective(new double[][] {{-1}}, new int[] {0}, 1, new double[] {0.5, 0}), 1e-15);
  }

  /**
   * w = 800, rows x = 1 labelled 1 (z = 800) and x = -1 labelled 0 (z = -800): both are fitted
   * perfectly, so the log-loss is 0 to double precision (e^-800 underflows) and the objective is the
   * penalty, 800^2 / 2 = 320000, exactly; computing log(1 + e^z) directly would overflow to infinity.
   */
  @Test
  void objectiveDoesNotOverflowAtLargeMargins() {
    double f = LogisticFit.objective(new double[][] {{1}, {-1}}, new int[] {1, 0}, 1, new double[] {800, 0});
    assertEquals(320_000.0, f, 0.0);
    assertEquals(1600.0, LogisticFit.objective(new double[][] {{1}}, new int[] {0}, 2, new double[] {0, 800}), 0.0,
        "labelled 0 at z = 800: C z");
  }

  /**
   * No features: the optimum is the intercept alone, p = the mean label, b = logit(mean). 99 clicks
   * in 100 rows give log(99); 1 in 100 gives -log(99).
   */
  @Test
  void interceptAloneIsTheLogitOfTheMeanLabel() {
    double[][] x = new double[100][0];
    int[] mostly = new int[100];
    int[] rarely = new int[100];
    for (int i = 0; i < 100; i++) {
      mostly[i] = i < 99 ? 1 : 0;
      rarely[i] = i < 1 ? 1 : 0;
    }
    assertEquals(Math.log(99), LogisticFit.fit(x, mostly, 1).intercept(), 1e-12);
    assertEquals(-Math.log(99), LogisticFit.fit(x, rarely, 1).intercept(), 1e-12);
  }

  /**
   * Rows x = 0 labelled 0 and x = 1 labelled 1, C = 1. The gradient vanishes where
   * {@code sigmoid(b) = 1 - sigmoid(b + w)}, so {@code b = -w / 2}, and {@code w = C (1 - sigmoid(w / 2))},
   * i.e. {@code w = 1 / (1 + e^(w / 2))}: solved here by bisection.
   */
  @Test
  void twoRowsReachTheOptimumGivenByItsEquation() {
    double lo = 0;
    double hi = 1;
    for (int k = 0; k < 200; k++) {
      double mid = (lo + hi) / 2;
      if (mid - 1 / (1 + Math.exp(mid / 2)) > 0) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    double w = lo;
    assertEquals(0.4446469425566583, w, 1e-15);
    LogisticFit fit = LogisticFit.fit(new double[][] {{0}, {1}}, new int[] {0, 1}, 1);
    assertEquals(w, fit.coef()[0], 1e-14);
    assertEquals(-w / 2, fit.intercept(), 1e-14);
  }

  /**
   * Strongly separated rows with C = 1e5, where a full Newton step from zero overshoots into the
   * flat tails (every probability 0 or 1 to double precision) and the next Hessian is singular: the
   * backtracking keeps the steps where the objective falls, and the fit ends where the gradient
   * {@code w_j + C sum (p_i - y_i) x_ij}, {@code C sum (p_i - y_i)} vanishes.
   */
  @Test
  void aLargeCStillReachesAZeroGradient() {
    double[][] x = {{-20, -20}, {20, 20}, {-10, 20}, {-10, -20}, {20, 0}};
    int[] y = {0, 1, 0, 1, 1};
    double c = 1e5;
    LogisticFit fit = LogisticFit.fit(x, y, c);
    double[] g = gradient(x, y, c, fit);
    for (int j = 0; j < g.length; j++) {
      assertEquals(0, g[j], 1e-6, "gradient " + j);
    }
  }

  static double[] gradient(double[][] x, int[] y, double c, LogisticFit fit) {
    int d = x[0].length;
    double[] w = fit.coef();
    double[] g = new double[d + 1];
    System.arraycopy(w, 0, g, 0, d);
    for (int i = 0; i < x.length; i++) {
      double r = c * (fit.predict(x[i]) - y[i]);
      for (int j = 0; j < d; j++) {
        g[j] += r * x[i][j];
      }
      g[d] += r;
    }
    return g;
  }

  @Test
  void cMustBePositive() {
    double[][] x = {{0}, {1}};
    int[] y = {0, 1};
    assertEquals("C must be > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> LogisticFit.fit(x, y, 0)).getMessage());
    assertEquals("C must be > 0, got NaN",
        assertThrows(IllegalArgumentException.class, () -> LogisticFit.fit(x, y, Double.NaN)).getMessage());
    assertTrue(LogisticFit.fit(x, y, 1e-3).coef()[0] > 0, "a small positive C is accepted");
  }

  /**
   * Without features the optimum does not depend on C: the intercept is the logit of the mean label
   * for any C. At C = 1e6 the objective is about 5.6e6 and flat to rounding within 1e-7 of the
   * optimum, so no step there lowers it as computed; the fit must still get there.
   */
  @Test
  void aLargeCReachesTheOptimumWhereTheObjectiveIsFlatToRounding() {
    double[][] x = new double[100][0];
    int[] rarely = new int[100];
    rarely[0] = 1;
    assertEquals(-Math.log(99), LogisticFit.fit(x, rarely, 1e6).intercept(), 1e-12);
    assertEquals(-Math.log(99), LogisticFit.fit(x, rarely, 100).intercept(), 1e-12);
  }

  /**
   * Four rows with a feature, at C = 1e4: x = -0.25 labelled 1, 0 and 1, x = 0 labelled 1. The
   * optimum solves {@code w = C (3 p1 - 2) / 4} and {@code p0 + 3 p1 = 3} with {@code p0 = sigma(b)},
   * {@code p1 = sigma(b - w / 4)} (mpmath's findroot at 50 digits). Near it the objective (about 5e3)
   * is flat to rounding, so the line search fails and the full Newton step is taken only if the
   * gradient with its penalty and feature terms says it helps; stopping there left w 3e-8 off.
   */
  @Test
  void aFeatureFitTakesTheNewtonStepWhereTheObjectiveIsFlatToRounding() {
    double[][] x = {{-0.25}, {-0.25}, {0}, {-0.25}};
    LogisticFit fit = LogisticFit.fit(x, new int[] {1, 0, 1, 1}, 1e4);
    assertEquals(17.098963448370904186, fit.coef()[0], 1e-12 * 17.1);
    assertEquals(4.9781650836939978936, fit.intercept(), 1e-12 * 5);
  }

  /**
   * Rows x = 0 labelled 0 and x = s labelled 1: the gradient vanishes at {@code b = -w s / 2} with
   * {@code w = C s / (1 + e^(w s / 2))}, solved by bisection. At s = 2, C = 100 the objective is
   * flat to rounding 4e-8 before the optimum. At s = 1000, C = 1e6 the clicked row's probability is
   * within 5e-11 of 1, so its {@code 1 - p} carries a relative rounding error of about 2e-6 and the
   * gradient fixes w to about 1e-8 of itself: 1e-7 is allowed there (stopping at a failed line
   * search left it 1.7e-5 off).
   */
  @Test
  void twoRowsReachTheirOptimumAtEveryScale() {
    double[][] cases = {{2, 100, 1e-12}, {2, 1e4, 1e-12}, {1, 1, 1e-12}, {1000, 1e6, 1e-7}};
    for (double[] sc : cases) {
      double s = sc[0];
      double c = sc[1];
      double lo = 0;
      double hi = c * s;
      for (int k = 0; k < 400; k++) {
        double mid = (lo + hi) / 2;
        if (mid - c * s / (1 + Math.exp(mid * s / 2)) > 0) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      LogisticFit fit = LogisticFit.fit(new double[][] {{0}, {s}}, new int[] {0, 1}, c);
      assertEquals(lo, fit.coef()[0], sc[2] * lo, "s " + s + ", C " + c + ": w");
      assertEquals(-lo * s / 2, fit.intercept(), sc[2] * lo * s, "s " + s + ", C " + c + ": b");
    }
  }

  /**
   * One label only has no finite optimum (the intercept runs off to infinity): refused by name, as
   * scikit-learn refuses it, rather than failing inside the solver on a singular matrix.
   */
  @Test
  void oneLabelOnlyIsRefusedWithAClearMessage() {
    double[][] x = {{0}, {1}, {2}, {3}};
    assertEquals("logistic fit needs both labels 0 and 1, got only 1s in 4 rows", assertThrows(
        IllegalArgumentException.class, () -> LogisticFit.fit(x, new int[] {1, 1, 1, 1}, 1)).getMessage());
    assertEquals("logistic fit needs both labels 0 and 1, got only 0s in 4 rows", assertThrows(
        IllegalArgumentException.class, () -> LogisticFit.fit(x, new int[] {0, 0, 0, 0}, 100)).getMessage());
    assertEquals("row 2 has label 2, a logistic fit needs 0 or 1", assertThrows(
        IllegalArgumentException.class, () -> LogisticFit.fit(x, new int[] {0, 1, 2, 1}, 1)).getMessage());
  }

  /** The reward model names the fold and position whose training rounds have one label only. */
  @Test
  void theRewardModelNamesTheFoldAndPositionWithOneLabel() {
    double[][] context = {{0}, {1}, {0}, {1}, {0}, {1}, {0}, {1}};
    double[][] actionContext = {{1}};
    int[] actions = new int[8];
    int[] positions = {0, 0, 0, 0, 1, 1, 1, 1};
    int[] rewards = {0, 1, 0, 1, 0, 0, 0, 0};
    int[] fold = {0, 0, 1, 1, 0, 0, 1, 1};
    assertEquals("the rounds outside fold 0 at position 1: none of 2 clicked; the logistic reward model needs "
        + "clicked and unclicked rounds", assertThrows(IllegalArgumentException.class,
            () -> LogisticRewards.crossFit(context, actionContext, actions, positions, rewards, fold, 2, 2, 1))
            .getMessage());
    int[] allClicked = {0, 1, 0, 1, 1, 1, 1, 1};
    assertEquals("the rounds outside fold 0 at position 1: all 2 clicked; the logistic reward model needs "
        + "clicked and unclicked rounds", assertThrows(IllegalArgumentException.class,
            () -> LogisticRewards.crossFit(context, actionContext, actions, positions, allClicked, fold, 2, 2, 1))
            .getMessage());
  }

  /**
   * A clicked row fitted well (z = 30) loses {@code log(1 + e^-30) = 9.36e-14}: computed as
   * {@code (30 + 9.36e-14) - 30} it keeps only the bits of 9.36e-14 that survive next to 30 (ulp 3.6e-15),
   * an error of about 1.3%, and an objective that noisy lets the fit wander. Exact to rounding of the term itself.
   */
  @Test
  void aWellFittedClickedRowLosesItsOwnSmallLossNotTheRoundingOfZ() {
    double f = LogisticFit.objective(new double[][] {{1}}, new int[] {1}, 1, new double[] {0, 30});
    assertEquals(Math.log1p(Math.exp(-30)), f, 1e-28);
    assertEquals(9.357622968839737e-14, f, 1e-28);
  }
}
