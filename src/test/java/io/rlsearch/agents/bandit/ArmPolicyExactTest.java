package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** Exact behaviour of the frozen arm policies and of the fixed-arm bandit, worked out by hand. */
class ArmPolicyExactTest {
  private static final double[] X = {0.5, -1};

  @Test
  void samplingStopsAtTheFirstArmWhoseCumulativeProbabilityExceedsTheDraw() {
    NumpyRandom rng = new NumpyRandom(11);
    double u = rng.copy().random();
    // The first arm's probability is exactly the draw: u < u is false, so the draw falls to arm 1.
    ArmPolicy atU = new ArmPolicy.Simple("at-u", 2, x -> new double[] {u, 1 - u});
    assertEquals(1, atU.sample(X, rng.copy()));
    // A hair more and it is arm 0's.
    double above = Math.nextUp(u);
    ArmPolicy pastU = new ArmPolicy.Simple("past-u", 2, x -> new double[] {above, 1 - above});
    assertEquals(0, pastU.sample(X, rng.copy()));
  }

  @Test
  void aDrawBeyondTheTotalGoesToTheLastArmOfPositiveProbabilityNotToAZeroArm() {
    NumpyRandom rng = new NumpyRandom(4);
    double u = rng.copy().random();
    assertTrue(u > 0.2, "the seed must draw above the total mass; drew " + u);
    // Mass 0.2 in all (as a distribution short by rounding would be): no arm catches the draw.
    ArmPolicy shortMass = new ArmPolicy.Simple("short", 4, x -> new double[] {0, 0.2, 0, 0});
    assertEquals(1, shortMass.sample(X, rng.copy()));
    // Zero arms are never played, even at the front.
    ArmPolicy late = new ArmPolicy.Simple("late", 3, x -> new double[] {0, 0, 1});
    assertEquals(2, late.sample(X, rng.copy()));
  }

  @Test
  void fixedPolicyAcceptsEveryArmAndRefusesOneBelowAndOneAbove() {
    assertArrayEquals(new double[] {1, 0, 0}, ArmPolicy.fixed("f", 3, 0).probabilities(X));
    assertArrayEquals(new double[] {0, 0, 1}, ArmPolicy.fixed("f", 3, 2).probabilities(X));
    assertEquals("f", ArmPolicy.fixed("f", 3, 2).name());
    assertEquals(3, ArmPolicy.fixed("f", 3, 2).arms());
    IllegalArgumentException below = assertThrows(IllegalArgumentException.class, () -> ArmPolicy.fixed("f", 3, -1));
    assertEquals("arm must be in 0..2, got -1", below.getMessage());
    IllegalArgumentException above = assertThrows(IllegalArgumentException.class, () -> ArmPolicy.fixed("f", 3, 3));
    assertEquals("arm must be in 0..2, got 3", above.getMessage());
  }

  @Test
  void uniformGivesAQuarterToEachOfFourArmsAndAFreshArrayEachTime() {
    ArmPolicy u = ArmPolicy.uniform(4);
    assertEquals("uniform", u.name());
    assertEquals(4, u.arms());
    double[] p = u.probabilities(X);
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, p);
    p[0] = 7;
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, u.probabilities(X));
  }

  @Test
  void greedyIsOneHotOnTheFirstMaximum() {
    ArmPolicy g = ArmPolicy.greedy("g", 4, x -> new double[] {1, 3, 3, -2});
    assertEquals("g", g.name());
    assertArrayEquals(new double[] {0, 1, 0, 0}, g.probabilities(X));
    ArmPolicy h = ArmPolicy.greedy("h", 3, x -> new double[] {-5, -4, -4.5});
    assertArrayEquals(new double[] {0, 1, 0}, h.probabilities(X));
    assertEquals(0, ArmPolicy.argmax(new double[] {2, 2, 2}));
    assertEquals(2, ArmPolicy.argmax(new double[] {2, 2, Math.nextUp(2.0)}));
  }

  @Test
  void softmaxWeighsByExpOfScoreOverTemperature() {
    // Scores 0 and 2 ln 2 at temperature 2: weights 1 and 2, so 1/3 and 2/3.
    ArmPolicy s = ArmPolicy.softmax("s", 2, x -> new double[] {0, 2 * Math.log(2)}, 2.0);
    double[] p = s.probabilities(X);
    assertEquals(1.0 / 3, p[0], 1e-15);
    assertEquals(2.0 / 3, p[1], 1e-15);
    // Huge scores do not overflow: only differences count (weights 1 and e^-1 at temperature 1).
    ArmPolicy big = ArmPolicy.softmax("b", 2, x -> new double[] {1000, 999}, 1.0);
    double[] q = big.probabilities(X);
    assertEquals(1 / (1 + Math.exp(-1)), q[0], 1e-15);
    assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), q[1], 1e-15);
  }

  @Test
  void softmaxTemperatureMustBePositiveAndFinite() {
    for (double tau : new double[] {0.0, -0.0, -1, Double.POSITIVE_INFINITY, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ArmPolicy.softmax("s", 2, x -> new double[] {0, 1}, tau));
      assertEquals("softmax temperature must be > 0, got " + tau, e.getMessage());
    }
    double[] p = ArmPolicy.softmax("s", 2, x -> new double[] {0, 0}, Double.MIN_VALUE).probabilities(X);
    assertArrayEquals(new double[] {0.5, 0.5}, p);
  }

  @Test
  void fixedArmBanditPlaysItsArmCountsItAndReportsFrequencies() {
    FixedArmBandit b = new FixedArmBandit(3, 5, 2);
    assertEquals(3, b.arms());
    assertEquals(5, b.dim());
    BanditDiagnostics before = b.diagnostics();
    assertArrayEquals(new long[] {0, 0, 0}, before.selections());
    assertArrayEquals(new double[] {0, 0, 0}, before.frequencies());
    assertEquals(2, b.select(X));
    assertEquals(2, b.select(X));
    b.update(2, X, 1.0);
    assertArrayEquals(new double[] {0, 0, 1}, b.meanScores(X));
    BanditDiagnostics d = b.diagnostics();
    assertArrayEquals(new long[] {0, 0, 2}, d.selections());
    assertArrayEquals(new double[] {0, 0, 1}, d.frequencies());
    assertArrayEquals(new double[] {0, 0, 0}, d.thetaNorms());
    assertArrayEquals(new double[] {0, 0, 0}, d.traceInverse());
    assertTrue(Double.isNaN(d.alpha()));
    assertEquals(0, new FixedArmBandit(2, 1, 0).select(X));
  }

  @Test
  void fixedArmBanditRefusesAnArmOneBelowOrAtTheCount() {
    IllegalArgumentException below = assertThrows(IllegalArgumentException.class, () -> new FixedArmBandit(3, 1, -1));
    assertEquals("arm must be in 0..2, got -1", below.getMessage());
    IllegalArgumentException at = assertThrows(IllegalArgumentException.class, () -> new FixedArmBandit(3, 1, 3));
    assertEquals("arm must be in 0..2, got 3", at.getMessage());
  }
}
