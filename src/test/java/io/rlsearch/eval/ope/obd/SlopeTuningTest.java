package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * SLOPE's acceptance rule at its boundary. Two candidates over n = 4 rounds: lambda 1 gives
 * {@code -3, 3, -3, 3} (mean 0, variance 9), lambda 2 gives {@code d -+ 0.5} (mean d, variance
 * 0.25). With {@code t = t_3(0.9)} the widths are {@code cnf_1 = t sqrt(9 / 3)} and
 * {@code cnf_2 = t sqrt(0.25 / 3)}; lambda 2, the narrower, is accepted while
 * {@code |d| <= cnf_2 + (sqrt(6) - 1) cnf_1}. So a d a hair (1e-7 relative) inside that bound
 * chooses 2, a hair outside chooses 1: any change in the spread, the mean, the t quantile or its
 * degrees of freedom moves the bound by far more than the hair.
 */
class SlopeTuningTest {
  /** The 90% quantile of Student's t with 3 degrees of freedom (tables: 1.6377443536962). */
  private static final double T3 = 1.6377443536962;
  private static final double C = Math.sqrt(6) - 1;
  /** t_3(0.9) (sqrt(1/12) + (sqrt 6 - 1) sqrt 3), about 4.5845. */
  private static final double BOUND = T3 * Math.sqrt(0.25 / 3) + C * T3 * Math.sqrt(9.0 / 3);
  private static final double HAIR = 1e-7;

  private static DoubleFunction<double[]> twoCandidates(double d) {
    return l -> l == 1 ? new double[] {-3, 3, -3, 3} : new double[] {d - 0.5, d + 0.5, d - 0.5, d + 0.5};
  }

  @Test
  void aNarrowerCandidateJustInsideTheBoundIsChosen() {
    assertEquals(2, Slope.tune(new double[] {1, 2}, twoCandidates(BOUND * (1 - HAIR)), 0.1));
    assertEquals(2, Slope.tune(new double[] {1, 2}, twoCandidates(-BOUND * (1 - HAIR)), 0.1));
  }

  @Test
  void aNarrowerCandidateJustOutsideTheBoundIsRejected() {
    assertEquals(1, Slope.tune(new double[] {1, 2}, twoCandidates(BOUND * (1 + HAIR)), 0.1));
    assertEquals(1, Slope.tune(new double[] {1, 2}, twoCandidates(-BOUND * (1 + HAIR)), 0.1));
  }

  /**
   * Zero widths and equal means: {@code |theta_1 - theta_2| = 0 <= 0 + 0}, so the bound is met with
   * equality and the second candidate visited is accepted. Ties in width are visited in reverse
   * candidate order (2, then 1), so the last accepted, 1, is chosen.
   */
  @Test
  void equalEstimatesWithZeroWidthMeetTheBoundWithEquality() {
    assertEquals(1, Slope.tune(new double[] {1, 2}, l -> new double[] {5, 5, 5}, 0.1));
  }

  /**
   * The width is the spread around the candidate's own mean however far that mean is from zero:
   * lambda 2 gives {@code 1e8, 1e8 + 1, 1e8 + 1} (variance 2/9, narrow), lambda 1 gives
   * {@code 1e8 + 97, 1e8 + 100, 1e8 + 103} (variance 6, wider), whose means differ by 99.3, far
   * outside {@code cnf_2 + (sqrt 6 - 1) cnf_1} (about 5.4), so lambda 2 is rejected and 1 chosen. A
   * spread computed as {@code sum v^2 - n m^2} cancels to a negative number here.
   */
  @Test
  void theWidthIsTheSpreadAroundTheMeanFarFromZero() {
    DoubleFunction<double[]> rounds = l -> l == 1 ? new double[] {1e8 + 97, 1e8 + 100, 1e8 + 103}
        : new double[] {1e8, 1e8 + 1, 1e8 + 1};
    assertEquals(1, Slope.tune(new double[] {1, 2}, rounds, 0.1));
  }

  @Test
  void deltaIsStrictlyBetweenZeroAndOne() {
    DoubleFunction<double[]> rounds = l -> new double[] {1, 2};
    assertEquals("delta must be in (0, 1), got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Slope.tune(new double[] {1}, rounds, 0)).getMessage());
    assertEquals("delta must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> Slope.tune(new double[] {1}, rounds, 1)).getMessage());
    assertEquals(1, Slope.tune(new double[] {1}, rounds, Double.MIN_VALUE));
    assertEquals(1, Slope.tune(new double[] {1}, rounds, Math.nextDown(1.0)));
  }

  @Test
  void twoRoundsAreEnoughOneIsNot() {
    assertEquals("SLOPE needs at least 2 rounds, got 1", assertThrows(IllegalArgumentException.class,
        () -> Slope.tune(new double[] {1}, l -> new double[] {1}, 0.1)).getMessage());
    assertEquals(7, Slope.tune(new double[] {7}, l -> new double[] {1, 2}, 0.1));
  }
}
