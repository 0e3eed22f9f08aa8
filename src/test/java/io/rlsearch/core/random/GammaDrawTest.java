package io.rlsearch.core.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The rejection steps of the gamma draw exactly at their boundaries, with the uniforms, normals
 * and exponentials given one by one (a generator reaches these equalities with probability about
 * 2^-53 a draw, so the fixture streams never do). Below shape 1 a candidate equal to its bound is
 * accepted; above it, the squeeze and the log test are strict.
 */
class GammaDrawTest {
  private static DoubleSupplier seq(double... values) {
    int[] next = {0};
    return () -> values[next[0]++];
  }

  private static final DoubleSupplier NO_NORMAL = () -> {
    throw new AssertionError("no normal draw below shape 1");
  };

  @Test
  void aPowerEqualToItsExponentialIsAccepted() {
    // shape 1/2: u = 1/4 <= 1/2, x = u^2 = 1/16 exactly, and the exponential is 1/16
    assertEquals(0.0625, GammaDraw.standardGamma(0.5, seq(0.25, 0.5), NO_NORMAL, seq(0.0625, 1.0)), 0.0);
  }

  @Test
  void theOtherBranchAtItsBoundIsAccepted() {
    // shape 1/2, u = 3/4 > 1/2: y = -log((1 - u) / shape), x = (1 - shape + shape y)^2, v + y == x
    double y = -Math.log((1 - 0.75) / 0.5);
    double x = Math.pow(1.0 - 0.5 + 0.5 * y, 1.0 / 0.5);
    double v = x - y;
    while (v + y < x) {
      v = Math.nextUp(v);
    }
    while (v + y > x) {
      v = Math.nextDown(v);
    }
    assertEquals(x, v + y, 0.0, "the exponential puts the bound exactly on x");
    assertEquals(x, GammaDraw.standardGamma(0.5, seq(0.75, 0.25), NO_NORMAL, seq(v, 1.0)), 0.0);
  }

  @Test
  void aUniformEqualToOneMinusTheShapeTakesThePowerBranch() {
    // shape 0.1: u = 1 - 0.1 = 0.9 rounds so that 1 - u is not 0.1, and the other branch's y is 2^-52
    // rather than 0; an exponential one ulp below u^10 rejects on the power branch (the right one) but
    // would accept on the other, so the draw goes on to the second uniform
    double shape = 0.1;
    double u = 1.0 - shape;
    double x = Math.pow(u, 1.0 / shape);
    double v = Math.nextDown(x);
    double y = -Math.log((1 - u) / shape);
    assertTrue(y > 0 && Math.pow(1.0 - shape + shape * y, 1.0 / shape) <= v + y, "the other branch would accept");
    double second = Math.pow(0.25, 1.0 / shape);
    assertEquals(second, GammaDraw.standardGamma(shape, seq(u, 0.25), NO_NORMAL, seq(v, 1.0)), 0.0);
  }

  @Test
  void aLogUniformEqualToTheMarsagliaTsangBoundIsRejected() {
    // shape 5: for a normal x, v = (1 + c x)^3; the squeeze (u < 1 - 0.0331 x^4) fails and u is chosen
    // with log(u) exactly equal to 0.5 x^2 + b (1 - v + log v): not below it, so the draw goes on to
    // the next normal. The first x (from 1.5 in steps of 1/1024) whose bound some double hits is used.
    double shape = 5;
    double b = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9 * b);
    double x = 0;
    double u = 0;
    double v = 0;
    for (int k = 0; k < 4096 && u == 0; k++) {
      double xk = 1.5 + k / 1024.0;
      double vk = 1.0 + c * xk;
      vk = vk * vk * vk;
      double bound = 0.5 * xk * xk + b * (1.0 - vk + Math.log(vk));
      double uk = Math.exp(bound);
      for (int step = 0; step < 8 && Math.log(uk) != bound; step++) {
        uk = Math.log(uk) < bound ? Math.nextUp(uk) : Math.nextDown(uk);
      }
      if (Math.log(uk) == bound && !(uk < 1 - 0.0331 * (xk * xk) * (xk * xk))) {
        x = xk;
        u = uk;
        v = vk;
      }
    }
    assertTrue(u > 0, "a double on the bound");
    // the second try: x = 0 gives v = 1 and is accepted by the squeeze with u = 1/2
    assertEquals(b, GammaDraw.standardGamma(shape, seq(u, 0.5), seq(x, 0.0), () -> 1.0), 0.0,
        "x " + x + ", v " + v);
  }
}
