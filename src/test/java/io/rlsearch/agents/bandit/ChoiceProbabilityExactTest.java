package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The normal CDF's tail and the exact Thompson propensity against 40-digit values and closed forms. */
class ChoiceProbabilityExactTest {
  // Phi(z) to 20 digits (mpmath.ncdf at 40 digits).
  private static final double PHI_1 = 0.84134474606854294859;
  private static final double PHI_M8 = 6.2209605742717841235e-16;
  private static final double PHI_M10 = 7.619853024160526066e-24;
  private static final double PHI_M20 = 2.7536241186062336951e-89;
  private static final double PHI_M37 = 5.7255712225245768227e-300;

  @Test
  void theFarTailFollowsTheContinuedFractionToEightDigitsAndEndsAt37() {
    assertEquals(PHI_M8, BanditAgents.normalCdf(-8), 1e-8 * PHI_M8);
    assertEquals(PHI_M10, BanditAgents.normalCdf(-10), 1e-8 * PHI_M10);
    assertEquals(PHI_M20, BanditAgents.normalCdf(-20), 1e-8 * PHI_M20);
    // At 37 exactly still the formula; a hair beyond, 0.
    assertEquals(PHI_M37, BanditAgents.normalCdf(-37), 1e-8 * PHI_M37);
    assertEquals(0.0, BanditAgents.normalCdf(Math.nextDown(-37.0)));
    assertEquals(1.0, BanditAgents.normalCdf(Math.nextUp(37.0)));
    assertEquals(1 - PHI_M8, BanditAgents.normalCdf(8), 2e-16);
    assertEquals(0.5, BanditAgents.normalCdf(0));
    assertEquals(PHI_1, BanditAgents.normalCdf(1), 4e-16);
  }

  /**
   * West's algorithm uses the rational approximation strictly below |z| = 7.07106781186547 and the
   * continued fraction {@code phi(x) / (x + 1/(x + 2/(x + 3/(x + 4/(x + 0.65)))))} from there on. At
   * the switch the two differ by 6.5e-9 of the value (7.69e-13; both within the 1e-8 documented
   * there, mpmath's 7.6872989721e-13 lies between them), so the boundary is pinned to the fraction.
   */
  @Test
  void theContinuedFractionTakesOverExactlyAtTheSwitch() {
    double x = 7.07106781186547;
    double fraction = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)
        / (x + 1 / (x + 2 / (x + 3 / (x + 4 / (x + 0.65)))));
    assertEquals(fraction, BanditAgents.normalCdf(-x), 1e-12 * fraction);
    assertEquals(1 - fraction, BanditAgents.normalCdf(x), 1e-16);
  }

  @Test
  void aCertainChosenArmMultipliesTheOthersCdfsAtItsMean() {
    // Arm 0 scores exactly 1; arm 1 ~ N(0, 1) is below with Phi(1), arm 2 ~ N(2, 1) with Phi(-1).
    assertEquals(PHI_1 * (1 - PHI_1), BanditAgents.choiceProbability(new double[] {1, 0, 2}, new double[] {0, 1, 1}, 0),
        1e-15);
    // Certain rivals: below counts 1, equal 1/2, above 0 (floored at 1e-12).
    assertEquals(1.0, BanditAgents.choiceProbability(new double[] {1, 0.5}, new double[] {0, 0}, 0));
    assertEquals(0.5, BanditAgents.choiceProbability(new double[] {1, 1, 0.5}, new double[] {0, 0, 0}, 0));
    assertEquals(1e-12, BanditAgents.choiceProbability(new double[] {1, 2}, new double[] {0, 0}, 0));
    assertEquals(1.0, BanditAgents.choiceProbability(new double[] {3}, new double[] {2}, 0));
  }

  /** Two independent Gaussian scores: P(k beats j) = Phi((mu_k - mu_j) / sqrt(sd_k^2 + sd_j^2)). */
  private static void twoArms(double muK, double sdK, double muJ, double sdJ, double expected) {
    double p = BanditAgents.choiceProbability(new double[] {muK, muJ}, new double[] {sdK, sdJ}, 0);
    assertEquals(expected, p, 1e-10 * expected + 1e-14, muK + " " + sdK + " " + muJ + " " + sdJ);
    double q = BanditAgents.choiceProbability(new double[] {muJ, muK}, new double[] {sdJ, sdK}, 1);
    assertEquals(expected, q, 1e-10 * expected + 1e-14);
  }

  @Test
  void twoArmsMatchTheirClosedForm() {
    // Values of Phi from mpmath at 40 digits.
    twoArms(0, 1, 0.3, 1e-6, 0.38208857781110457087);   // Phi(-0.3 / sqrt(1 + 1e-12))
    twoArms(0, 1, 6, 1, 1.1045248499292720686e-05);    // Phi(-6 / sqrt 2)
    twoArms(0.5, 2, -1, 0.01, 0.77336982450271376721);   // Phi(1.5 / sqrt(4.0001))
    twoArms(0, 1, 0, 1, 0.5);
  }

  @Test
  void threeEqualArmsShareTheChoiceEqually() {
    for (int k = 0; k < 3; k++) {
      assertEquals(1.0 / 3, BanditAgents.choiceProbability(new double[] {1, 1, 1}, new double[] {1, 1, 1}, k), 1e-12);
    }
  }
}
