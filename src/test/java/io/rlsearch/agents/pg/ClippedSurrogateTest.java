package io.rlsearch.agents.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * PPO's clipped surrogate at the edges of its clip range: with {@code eps = 0.25} the range is
 * {@code [0.75, 1.25]}, both ends exact in binary, so "at the bound" and "a hair past it" are exact.
 */
class ClippedSurrogateTest {
  private static final double EPS = 0.25;

  @Test
  void theValueTakesTheSmallerOfTheRawAndClippedTerms() {
    // ratio below the range, negative advantage: clip(0.5) = 0.75, min(-1.0, -1.5) = -1.5
    assertEquals(-1.5, ClippedSurrogate.value(0.5, -2.0, EPS));
    // ratio below the range, positive advantage: min(1.0, 1.5) = 1.0 (the raw term)
    assertEquals(1.0, ClippedSurrogate.value(0.5, 2.0, EPS));
    // ratio inside the range: both terms are r A
    assertEquals(-2.0, ClippedSurrogate.value(1.0, -2.0, EPS));
    assertEquals(2.0, ClippedSurrogate.value(1.0, 2.0, EPS));
    // ratio above the range, positive advantage: min(4.0, 2.5) = 2.5
    assertEquals(2.5, ClippedSurrogate.value(2.0, 2.0, EPS));
  }

  @Test
  void theClipBindsOnlyStrictlyPastTheRangeInTheAdvantagesDirection() {
    double above = Math.nextUp(1 + EPS);
    double below = Math.nextDown(1 - EPS);
    // at the upper bound the clip does not bind yet; a hair past it it does (for A > 0)
    assertFalse(ClippedSurrogate.clipped(1.25, 2.0, EPS));
    assertEquals(2.5, ClippedSurrogate.logProbWeight(1.25, 2.0, EPS));
    assertTrue(ClippedSurrogate.clipped(above, 2.0, EPS));
    assertEquals(0.0, ClippedSurrogate.logProbWeight(above, 2.0, EPS));
    // at the lower bound it does not bind; a hair below it does (for A < 0)
    assertFalse(ClippedSurrogate.clipped(0.75, -2.0, EPS));
    assertEquals(-1.5, ClippedSurrogate.logProbWeight(0.75, -2.0, EPS));
    assertTrue(ClippedSurrogate.clipped(below, -2.0, EPS));
    assertEquals(0.0, ClippedSurrogate.logProbWeight(below, -2.0, EPS));
    // inside the range nothing binds, whatever the advantage's sign
    assertFalse(ClippedSurrogate.clipped(1.0, 2.0, EPS));
    assertFalse(ClippedSurrogate.clipped(1.0, -2.0, EPS));
    assertEquals(-2.0, ClippedSurrogate.logProbWeight(1.0, -2.0, EPS));
    assertEquals(2.0, ClippedSurrogate.logProbWeight(1.0, 2.0, EPS));
    // past the range against the advantage's direction: the raw term is the minimum, no clip
    assertFalse(ClippedSurrogate.clipped(2.0, -1.0, EPS));
    assertFalse(ClippedSurrogate.clipped(0.5, 1.0, EPS));
  }

  @Test
  void aZeroAdvantageIsNeverClipped() {
    // A = 0 is neither > 0 nor < 0: the clip does not bind on either side
    assertFalse(ClippedSurrogate.clipped(2.0, 0.0, EPS));
    assertFalse(ClippedSurrogate.clipped(0.5, 0.0, EPS));
    assertFalse(ClippedSurrogate.clipped(2.0, -0.0, EPS));
    assertFalse(ClippedSurrogate.clipped(0.5, -0.0, EPS));
    // so the weight is A r exactly, down to the sign of the zero (-0.0 * 2 = -0.0; a clip would give +0.0)
    assertEquals(-0.0, ClippedSurrogate.logProbWeight(2.0, -0.0, EPS));
    assertEquals(-0.0, ClippedSurrogate.logProbWeight(0.5, -0.0, EPS));
  }

  @Test
  void theClipRangeMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClippedSurrogate.logProbWeight(1.0, 1.0, 0.0));
    assertEquals("clip range must be > 0, got 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClippedSurrogate.logProbWeight(1.0, 1.0, -0.1));
    assertThrows(IllegalArgumentException.class, () -> ClippedSurrogate.logProbWeight(1.0, 1.0, Double.NaN));
    // the smallest positive range is accepted
    assertEquals(3.0, ClippedSurrogate.logProbWeight(1.0, 3.0, Double.MIN_VALUE));
  }
}
