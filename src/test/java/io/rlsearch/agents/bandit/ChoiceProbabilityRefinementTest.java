package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Inputs on which the quadrature's first pieces (cut every 2 and at each rival's step) are not
 * accurate, so the exact Thompson propensity depends on the error estimate and the refinement it
 * drives. Each is checked against a closed form at the documented relative tolerance, 1e-10.
 */
class ChoiceProbabilityRefinementTest {

  private static double equalArms(int arms) {
    double[] mu = new double[arms];
    double[] sd = new double[arms];
    Arrays.fill(sd, 1.0);
    return BanditAgents.choiceProbability(mu, sd, 0);
  }

  @Test
  void manyEqualArmsShareTheChoiceEqually() {
    // The integrand phi(t) Phi(t)^n peaks near t = 3 (n = 1,000) to 4 (n = 30,000), a bump far
    // narrower than the pieces of width 2: without refinement the result is off by 1e-7 (n = 1,000)
    // to 2e-5 (n = 10,000). At n = 30,000 the result is 3.3e-5, so an error estimate or a tolerance
    // off by a factor stops a bisection or two early, off by 1e-9.
    assertEquals(1.0 / 1001, equalArms(1001), 1e-10 / 1001);
    assertEquals(1.0 / 10001, equalArms(10001), 1e-10 / 10001);
    assertEquals(1.0 / 30001, equalArms(30001), 1e-10 / 30001);
  }

  @Test
  void aTightChosenArmAgainstAFarMoreCertainRival() {
    // Scores N(0, 0.001^2) and N(5e-4, 1e-6^2): P = Phi(-5e-4 / sqrt(1e-6 + 1e-12)) =
    // Phi(-0.5 / sqrt(1 + 1e-6)) (mpmath at 40 digits). The rival's step in t is 1e-3 wide at t =
    // 0.5; only the cuts 8 of its widths either side keep it from hiding between the nodes.
    double p = BanditAgents.choiceProbability(new double[] {0, 5e-4}, new double[] {1e-3, 1e-6}, 0);
    assertEquals(0.30853762674225807626, p, 1e-10 * 0.30853762674225807626);
    // Scores N(0, 100^2) and N(30, 0.01^2): P = Phi(-30 / sqrt(100^2 + 0.01^2)).
    double q = BanditAgents.choiceProbability(new double[] {0, 30}, new double[] {100, 0.01}, 0);
    assertEquals(0.38208857838312908172, q, 1e-10 * 0.38208857838312908172);
  }
}
