package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The position estimators' and the bootstrap's limits, and the baseline's normalisation, at their edges. */
class ObdEdgeCasesTest {
  private static final EstimatedRewards ONE = (round, action, position) -> 1.0;

  @Test
  void positionZeroIsAPositionAndTheTargetsLengthIsNot() {
    var e = new PositionEstimators(new int[] {0}, new int[] {0}, new double[] {1}, new double[] {0.5},
        new double[][] {{0.25, 0.75}});
    assertArrayEquals(new double[] {0.5}, e.ipwRounds(Double.POSITIVE_INFINITY), 0.0);
    var x = assertThrows(IllegalArgumentException.class, () -> new PositionEstimators(new int[] {0}, new int[] {2},
        new double[] {1}, new double[] {0.5}, new double[][] {{0.25, 0.75}}));
    assertEquals("round 0 has position 2, the target policy has 2 positions", x.getMessage());
  }

  @Test
  void theBaselineIsTheTargetWeightedMeanOfTheModelEvenWhenTheTargetIsNotNormalised() {
    // Two actions with target 0.25 each at the one position (sum 0.5): q = 1 everywhere gives a baseline of
    // (0.25 + 0.25) / 0.5 = 1. The weight 0.25 / 0.5 = 0.5 exceeds lambda 0.25, so SWITCH-DR keeps only it.
    var e = new PositionEstimators(new int[] {0}, new int[] {0}, new double[] {0}, new double[] {0.5},
        new double[][] {{0.25}, {0.25}});
    assertArrayEquals(new double[] {1.0}, e.switchDrRounds(ONE, 0.25), 0.0);
  }

  @Test
  void aWeightExactlyAtSwitchsThresholdKeepsItsCorrection() {
    // Weight 0.5, lambda 0.5: the residual 0 - 1 enters with weight 0.5, so 1 - 0.5.
    var e = new PositionEstimators(new int[] {0}, new int[] {0}, new double[] {0}, new double[] {0.5},
        new double[][] {{0.25}, {0.75}});
    assertArrayEquals(new double[] {0.5}, e.switchDrRounds(ONE, 0.5), 0.0);
    assertArrayEquals(new double[] {1.0}, e.switchDrRounds(ONE, Math.nextDown(0.5)), 0.0);
  }

  @Test
  void subGaussianLambdaIsAcceptedFromZeroToOneInclusive() {
    var e = new PositionEstimators(new int[] {0}, new int[] {0}, new double[] {1}, new double[] {0.5},
        new double[][] {{0.25}});
    assertEquals(1, e.subGaussianIpwRounds(0.0).length);
    assertEquals(1, e.subGaussianIpwRounds(1.0).length);
    assertEquals("sub-Gaussian lambda must be in [0, 1], got " + Math.nextUp(1.0),
        assertThrows(IllegalArgumentException.class, () -> e.subGaussianIpwRounds(Math.nextUp(1.0))).getMessage());
    assertEquals("sub-Gaussian lambda must be in [0, 1], got -1.0E-9",
        assertThrows(IllegalArgumentException.class, () -> e.subGaussianIpwRounds(-1e-9)).getMessage());
  }

  @Test
  void oneResampleIsEnoughAndAnAlphaOfZeroIsRefused() {
    Bootstrap.Interval one = Bootstrap.interval(new double[] {2, 2, 2}, 1, 0.05, 7);
    assertEquals(2.0, one.mean(), 0.0);
    assertEquals(2.0, one.low(), 0.0);
    assertEquals("bootstrap: alpha must be in (0, 1), got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.interval(new double[] {1, 2}, 10, 0.0, 7))
            .getMessage());
  }

  @Test
  void theSelfNormalisedBootstrapChecksItsSettingsToo() {
    var rounds = new Bootstrap.SelfNormalisedRounds(new double[] {1, 1}, new double[] {1, 1}, new double[] {1, 1});
    assertEquals("bootstrap: the number of resamples must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.selfNormalisedCounted(rounds, 0, 0.05, 1))
            .getMessage());
  }
}
