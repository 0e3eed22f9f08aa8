package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.constrained.Constraint;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The primal-dual agent on a toy: the reward peaks at a[0] = 2, the "CM2" of a session is -a[0], and
 * the floor CM2 >= 1 forbids the peak (it needs a[0] <= -1).
 */
class ConstrainedAgentTest {
  private static SharedLearner learner;

  @BeforeAll
  static void start() {
    learner = new SharedLearner();
  }

  @AfterAll
  static void stop() {
    learner.close();
  }

  private static Transition session(double[] x, Decision d) {
    double a0 = Math.max(-3, Math.min(3, d.action()[0]));
    double reward = -(a0 - 2) * (a0 - 2);
    return new Transition(0, 0, 0, "cmdp", 0, x, -1, d.action(), d.propensity(), reward,
        new RewardBreakdown(0, -a0, 0, 0), 0, 0, 0, 0);
  }

  private static ConstrainedAgent.Settings settings(boolean external, double lambdaMax) {
    return new ConstrainedAgent.Settings(List.of(new Constraint("cm2_floor", 1.0, Constraint.Sense.GEQ, "cm2", 1.0)),
        0.0, 0.5, lambdaMax, 50, new NeuralAgents.ReinforceSettings(3e-3, 0.0, 0.9, 1.0, new int[] {32}, true, 1e-2, 5),
        external, true);
  }

  private static double train(ConstrainedAgent.Rule rule, int episodes) {
    NumpyRandom env = new NumpyRandom(3);
    for (int i = 0; i < episodes; i++) {
      double[] x = {env.normal(0, 1), env.normal(0, 1), 1.0};
      rule.observe(session(x, rule.snapshot(i).act(x, env)));
    }
    return ((GaussianPolicySnapshot) rule.snapshot(episodes)).mean(new double[] {0, 0, 1})[0];
  }

  @Test
  void theDualRaisesTheMultiplierUntilTheFloorBindsThePolicy() {
    ConstrainedAgent.Rule free = (ConstrainedAgent.Rule) ConstrainedAgent.builder(learner, settings(false, 0.0))
        .create(0, 3);
    ConstrainedAgent.Rule bound = (ConstrainedAgent.Rule) ConstrainedAgent.builder(learner, settings(false, 100.0))
        .create(0, 3);
    double freeA0 = train(free, 2000);
    double boundA0 = train(bound, 2000);
    // Unconstrained, the mean moves toward the peak at 2 (it starts near 0); bound, it must move the
    // other way, toward the floor's a[0] <= -1, and the multiplier must have risen to hold it there.
    assertTrue(freeA0 > 0.5, "unconstrained a[0] " + freeA0);
    assertTrue(boundA0 < -0.3, "constrained a[0] " + boundA0 + " (lambda " + bound.lambdas()[0] + ")");
    assertTrue(bound.lambdas()[0] > 0.5, "lambda " + bound.lambdas()[0]);
    assertEquals(0.0, free.lambdas()[0], "a cap of 0 holds the multiplier at 0");
    free.close();
    bound.close();
  }

  @Test
  void anExternalDualMovesOnlyThroughDualStepsAndTheMultipliersSurviveACheckpoint() {
    ConstrainedAgent.Rule rule = (ConstrainedAgent.Rule) ConstrainedAgent.builder(learner, settings(true, 100.0))
        .create(0, 3);
    train(rule, 200);
    assertEquals(0.0, rule.lambdas()[0], "observing sessions does not step an external dual");
    rule.dualStep(Map.of("cm2_floor", -1.0));
    assertEquals(1.0, rule.lambdas()[0], 1e-12, "slack -2 at step 0.5");
    AgentState state = rule.state().orElseThrow();
    ConstrainedAgent.Rule back = (ConstrainedAgent.Rule) ConstrainedAgent.builder(learner, settings(true, 100.0))
        .restoreState(state);
    assertArrayEquals(rule.lambdas(), back.lambdas(), 0.0);
    rule.close();
    back.close();
  }
}
