package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces the estimators stand on, each against values worked out by hand. */
class OpeBuildingBlocksTest {
  private static final double[] NONE = {};

  private static LoggedDecision step(long ep, int step, double[] x, int arm, double reward, boolean done) {
    return new LoggedDecision("b", 1, ep, step, x, arm, null, 0.5, null, reward, done, LoggedDecision.Outcome.NONE);
  }

  // --- Cholesky ---

  @Test
  void choleskySolvesASymmetricPositiveDefiniteSystemFromItsLowerTriangleOnly() {
    // G = [[4, 2], [2, 3]], b = (2, 5): w = (-0.5, 2). The upper triangle holds junk that must not be read.
    assertArrayEquals(new double[] {-0.5, 2}, LinearFqe.choleskySolve(new double[] {4, 99, 2, 3}, new double[] {2, 5}, 2),
        1e-12);
    // G = [[4, 2, 1], [2, 5, 1], [1, 1, 3]], w = (1, -1, 2): b = (4, -1, 6).
    double[] g = {4, 99, 99, 2, 5, 99, 1, 1, 3};
    assertArrayEquals(new double[] {1, -1, 2}, LinearFqe.choleskySolve(g, new double[] {4, -1, 6}, 3), 1e-12);
  }

  // --- Linear FQE ---

  @Test
  void fqeRidgeShrinksEachArmsInterceptAndLeavesAnUnplayedArmAtZero() {
    // Contexts of no features: Q(., a) is arm a's intercept, sum r / (n + lambda) = (1 + 2 + 3) / (3 + 1).
    List<Trajectory> data = Trajectory.group(List.of(step(0, 0, NONE, 0, 1, true), step(1, 0, NONE, 0, 2, true),
        step(2, 0, NONE, 0, 3, true)));
    LinearFqe fqe = LinearFqe.fit(data, TargetPolicy.discrete(2, x -> new double[] {1, 0}), 0.9, 1.0, 10);
    assertEquals(1.5, fqe.q(NONE, 0), 1e-12);
    assertEquals(0.0, fqe.q(NONE, 1), 0.0);
    // Single steps never bootstrap: one iteration.
    assertEquals(1, fqe.iterations());
  }

  @Test
  void fqeIteratesTheBellmanTargetUntilItConvergesOrHitsTheCap() {
    // One trajectory of two steps on arm 0 (rewards 1, 2), intercept only, gamma 0.5, lambda 0.5:
    // w <- (1 + gamma w + 2) / (2 + lambda), from w = 0: 1.2, then 1.44, ..., fixed point 3 / (2 + 0.5 - 0.5) = 1.5.
    List<Trajectory> data = Trajectory.group(List.of(step(0, 0, NONE, 0, 1, false), step(0, 1, NONE, 0, 2, true)));
    TargetPolicy arm0 = TargetPolicy.discrete(1, x -> new double[] {1});
    LinearFqe one = LinearFqe.fit(data, arm0, 0.5, 0.5, 1);
    assertEquals(1.2, one.q(NONE, 0), 1e-12);
    assertEquals(1, one.iterations());
    LinearFqe two = LinearFqe.fit(data, arm0, 0.5, 0.5, 2);
    assertEquals(1.44, two.q(NONE, 0), 1e-12);
    assertEquals(2, two.iterations());
    // A cap below 1 still runs one iteration.
    assertEquals(1.2, LinearFqe.fit(data, arm0, 0.5, 0.5, 0).q(NONE, 0), 1e-12);
    assertEquals(1, LinearFqe.fit(data, arm0, 0.5, 0.5, 0).iterations());
    LinearFqe converged = LinearFqe.fit(data, arm0, 0.5, 0.5, 100);
    assertEquals(1.5, converged.q(NONE, 0), 1e-8);
    // The error shrinks by 0.2 an iteration: a change below 1e-9 takes 13 or so, never the cap.
    int it = converged.iterations();
    assertEquals(true, it > 5 && it < 30, "iterations " + it);
    // gamma 0 never bootstraps: (1 + 2) / 2.5 in one iteration.
    LinearFqe myopic = LinearFqe.fit(data, arm0, 0.0, 0.5, 100);
    assertEquals(1.2, myopic.q(NONE, 0), 1e-12);
    assertEquals(1, myopic.iterations());
    // A trajectory cut short (its last step not done) has no next context either.
    List<Trajectory> cut = Trajectory.group(List.of(step(0, 0, NONE, 0, 1, false), step(0, 1, NONE, 0, 2, false)));
    assertEquals(1.5, LinearFqe.fit(cut, arm0, 0.5, 0.5, 100).q(NONE, 0), 1e-8);
  }

  @Test
  void fqeUsesTheContextAndTheBias() {
    // Q(x, 0) = 2x + 1 on x = 0, 1, 2 with lambda 1e-10.
    List<LoggedDecision> log = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      log.add(step(i, 0, new double[] {i}, 0, 2 * i + 1, true));
    }
    LinearFqe fqe = LinearFqe.fit(Trajectory.group(log), TargetPolicy.discrete(1, x -> new double[] {1}), 1, 1e-10, 5);
    assertEquals(7.0, fqe.q(new double[] {3}, 0), 1e-6);
    assertEquals(-1.0, fqe.q(new double[] {-1}, 0), 1e-6);
  }

  @Test
  void fqeRefusesBadInputWithOneLine() {
    TargetPolicy two = TargetPolicy.discrete(2, x -> new double[] {0.5, 0.5});
    assertEquals("FQE needs at least one trajectory",
        assertThrows(IllegalArgumentException.class, () -> LinearFqe.fit(List.of(), two, 1, 1, 1)).getMessage());
    List<Trajectory> ok = Trajectory.group(List.of(step(0, 0, new double[] {1}, 1, 1, true)));
    assertEquals("FQE ridge lambda must be > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> LinearFqe.fit(ok, two, 1, 0, 1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> LinearFqe.fit(ok, two, 1, Double.NaN, 1));
    List<Trajectory> arm2 = Trajectory.group(List.of(step(4, 0, new double[] {1}, 2, 1, true)));
    assertEquals("FQE needs discrete decisions with arms in 0..1; episode 4 step 0 has arm 2",
        assertThrows(IllegalArgumentException.class, () -> LinearFqe.fit(arm2, two, 1, 1, 1)).getMessage());
    List<Trajectory> wide = Trajectory.group(List.of(step(0, 0, new double[] {1}, 0, 1, true),
        step(1, 0, new double[] {1, 2}, 0, 1, true)));
    assertEquals("contexts must all have 1 values; episode 1 step 0 has 2",
        assertThrows(IllegalArgumentException.class, () -> LinearFqe.fit(wide, two, 1, 1, 1)).getMessage());
    List<Trajectory> continuous = Trajectory.group(List.of(new LoggedDecision("b", 1, 0, 0, new double[] {1}, -1,
        new double[] {0.5}, 0.5, null, 1, true, LoggedDecision.Outcome.NONE)));
    assertThrows(IllegalArgumentException.class, () -> LinearFqe.fit(continuous, two, 1, 1, 1));
  }

  // --- The model's value of a policy ---

  @Test
  void aModelsValueSkipsArmsTheTargetNeverPlays() {
    // Arm 1 has probability 0: its NaN value must not poison V = 0.25 * 4 + 0.75 * 8.
    ActionValueModel m = (x, a) -> a == 1 ? Double.NaN : 4.0 * (a + 1) / (a == 0 ? 1 : 1.5);
    assertEquals(0.25 * 4 + 0.75 * 8, m.value(NONE, TargetPolicy.discrete(3, x -> new double[] {0.25, 0, 0.75})), 1e-12);
  }

  // --- Target policies ---

  @Test
  void targetPoliciesGiveTheLikelihoodOfTheirKindOfDecisionAndRefuseTheOther() {
    TargetPolicy discrete = TargetPolicy.discrete(2, x -> new double[] {0.3, 0.7});
    TargetPolicy continuous = TargetPolicy.continuous((x, a) -> 2 * a[0]);
    LoggedDecision arm1 = step(0, 0, NONE, 1, 0, true);
    LoggedDecision weights = new LoggedDecision("b", 1, 0, 0, NONE, -1, new double[] {0.25}, 0.5, null, 0, true,
        LoggedDecision.Outcome.NONE);
    assertEquals(2, discrete.arms());
    assertEquals(0, continuous.arms());
    assertEquals(0.7, discrete.likelihood(arm1), 0.0);
    assertEquals(0.5, continuous.likelihood(weights), 0.0);
    assertEquals("a continuous target policy cannot evaluate a discrete decision",
        assertThrows(IllegalArgumentException.class, () -> continuous.likelihood(arm1)).getMessage());
    assertEquals("a discrete target policy cannot evaluate a continuous decision",
        assertThrows(IllegalArgumentException.class, () -> discrete.likelihood(weights)).getMessage());
    assertThrows(UnsupportedOperationException.class, () -> discrete.density(NONE, NONE));
    assertThrows(UnsupportedOperationException.class, () -> continuous.probabilities(NONE));
    assertEquals("a discrete policy needs at least one arm, got 0",
        assertThrows(IllegalArgumentException.class, () -> TargetPolicy.discrete(0, x -> NONE)).getMessage());
    assertEquals(1, TargetPolicy.discrete(1, x -> new double[] {1}).arms());
  }

  // --- Continuous propensities ---

  @Test
  void continuousPropensitiesAtTheBoundsAndTheirRefusals() {
    assertEquals(0.3, ContinuousPropensity.epsilonGreedy(0.3, 1, 0, 4, 0, false), 1e-15);
    assertEquals(0.25, ContinuousPropensity.epsilonGreedy(0.3, 1, 0, 4, 1, false), 1e-15);
    assertEquals(0.5, ContinuousPropensity.epsilonGreedy(0.3, 1, 0, 4, 1, true), 1e-15);
    assertEquals("epsilon must lie in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> ContinuousPropensity.epsilonGreedy(1, 1, 0, 1, 1.5, false))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> ContinuousPropensity.epsilonGreedy(1, 1, 0, 1, -0.1, false));
    assertThrows(IllegalArgumentException.class, () -> ContinuousPropensity.epsilonGreedy(1, 1, 0, 1, Double.NaN, false));
    assertEquals("action box needs high > low, got [1.0, 0.0]",
        assertThrows(IllegalArgumentException.class, () -> ContinuousPropensity.epsilonGreedy(1, 1, 1, 0, 0.1, false))
            .getMessage());
    assertEquals("action dimension must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> ContinuousPropensity.epsilonGreedy(1, 0, 0, 1, 0.1, false))
            .getMessage());
    // N(0, 2^2) at 1: exp(-1/8) / (2 sqrt(2 pi)); in two dimensions at (1, -2) around (0, 0): exp(-5/8) / (8 pi).
    assertEquals(Math.exp(-0.125) / (2 * Math.sqrt(2 * Math.PI)),
        ContinuousPropensity.gaussian(new double[] {1}, new double[] {0}, 2), 1e-15);
    assertEquals(Math.exp(-0.625) / (8 * Math.PI),
        ContinuousPropensity.gaussian(new double[] {1, -2}, new double[] {0, 0}, 2), 1e-15);
    assertEquals(Math.exp(-0.125) / (2 * Math.sqrt(2 * Math.PI)),
        ContinuousPropensity.gaussian(new double[] {3}, new double[] {2}, 2), 1e-15);
    assertEquals("action has 2 values, mean has 1", assertThrows(IllegalArgumentException.class,
        () -> ContinuousPropensity.gaussian(new double[] {0, 0}, new double[] {0}, 1)).getMessage());
  }

  // --- Trajectories ---

  @Test
  void trajectoriesDiscountTheirRewardsAndAreGroupedInOrder() {
    List<Trajectory> t = Trajectory.group(List.of(step(5, 1, NONE, 0, 2, false), step(3, 0, NONE, 0, 9, true),
        step(5, 2, NONE, 0, 4, true), step(5, 0, NONE, 0, 1, false)));
    assertEquals(2, t.size());
    assertEquals(3, t.get(0).episode());
    assertEquals(5, t.get(1).episode());
    assertEquals(List.of(0, 1, 2), t.get(1).steps().stream().map(LoggedDecision::step).toList());
    // 1 + 0.5 * 2 + 0.25 * 4.
    assertEquals(3.0, t.get(1).discountedReturn(0.5), 0.0);
    assertEquals(7.0, t.get(1).discountedReturn(1.0), 0.0);
    assertEquals(1.0, t.get(1).discountedReturn(0.0), 0.0);
    assertEquals(3, t.get(1).length());
    assertEquals("episode 7 has no decisions",
        assertThrows(IllegalArgumentException.class, () -> new Trajectory(7, List.of())).getMessage());
    assertEquals("episode 5: expected step 1, found step 2 (duplicate or missing step)", assertThrows(
        IllegalArgumentException.class, () -> Trajectory.group(List.of(step(5, 0, NONE, 0, 1, false),
            step(5, 2, NONE, 0, 1, true)))).getMessage());
    assertEquals("episode 5: step 0 is marked done but step 1 follows", assertThrows(IllegalArgumentException.class,
        () -> Trajectory.group(List.of(step(5, 0, NONE, 0, 1, true), step(5, 1, NONE, 0, 1, true)))).getMessage());
  }

  // --- Model fits ---

  @Test
  void crossFittingScoresEachTrajectoryWithTheModelOfTheOtherFolds() {
    List<LoggedDecision> log = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      log.add(step(i, 0, NONE, 0, 0, true));
    }
    List<Trajectory> data = Trajectory.group(log);
    // Each fold's model answers the sum of the episode ids it was fitted on.
    ModelFit fit = ModelFit.crossFitted(data, 2, train -> {
      double s = train.stream().mapToLong(Trajectory::episode).sum();
      return (x, a) -> s;
    }, "sum");
    // Fold 0 = {0, 2, 4} is scored by a model of {1, 3}; fold 1 = {1, 3} by a model of {0, 2, 4}.
    double[] expected = {4, 6, 4, 6, 4};
    for (int i = 0; i < 5; i++) {
      assertEquals(expected[i], fit.model(i).q(NONE, 0), 0.0, "trajectory " + i);
    }
    assertEquals("sum, cross-fitted over 2 folds", fit.description());
    assertEquals(5, fit.perTrajectory().size());
    // As many folds as trajectories: leave one out.
    ModelFit loo = ModelFit.crossFitted(data, 5, train -> {
      double s = train.stream().mapToLong(Trajectory::episode).sum();
      return (x, a) -> s;
    }, "loo");
    assertEquals(10 - 3, loo.model(3).q(NONE, 0), 0.0);
    assertEquals("cross-fitting needs 2 <= folds <= trajectories, got 1 folds for 5 trajectories",
        assertThrows(IllegalArgumentException.class, () -> ModelFit.crossFitted(data, 1, t -> null, "x")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelFit.crossFitted(data, 6, t -> null, "x"));

    ActionValueModel m = (x, a) -> 1;
    ModelFit single = ModelFit.single(m, 3, "one");
    assertEquals(3, single.perTrajectory().size());
    assertSame(m, single.model(2));
    assertEquals("one", single.description());
    ModelFit picked = fit.select(new int[] {1, 1, 0});
    assertEquals(List.of(fit.model(1), fit.model(1), fit.model(0)), picked.perTrajectory());
    assertEquals(fit.description(), picked.description());
  }
}
