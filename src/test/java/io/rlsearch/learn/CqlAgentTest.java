package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.CqlSnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CQL learns from logged decisions; its penalty keeps unseen actions' values down. */
class CqlAgentTest {
  private static SharedLearner learner;

  @BeforeAll
  static void start() {
    learner = new SharedLearner();
  }

  @AfterAll
  static void stop() {
    learner.close();
  }

  /** Reward peaks at action (1, -1) whatever the context. */
  private static double reward(double[] a) {
    return 4 - (a[0] - 1) * (a[0] - 1) - (a[1] + 1) * (a[1] + 1);
  }

  private static List<LoggedDecision> log(int n, double spread, NumpyRandom r, boolean twoStep) {
    List<LoggedDecision> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int steps = twoStep ? 2 : 1;
      for (int s = 0; s < steps; s++) {
        double[] x = {r.normal(0, 1), s};
        double[] a = {r.uniform(-spread, spread), r.uniform(-spread, spread)};
        out.add(new LoggedDecision("random", 0, i, s, x, -1, a, 1.0, null, reward(a), s == steps - 1,
            LoggedDecision.Outcome.NONE));
      }
    }
    return out;
  }

  private static CqlAgent.Settings settings(double alpha, double gamma, int steps) {
    return new CqlAgent.Settings(new int[] {32, 32}, 3e-3, alpha, 10, 200, gamma, 50, steps, 64, 3.0, 7);
  }

  @Test
  void theGreedyPolicyFindsTheRewardPeakFromRandomData() {
    CqlAgent.Trained t = CqlAgent.train(learner, settings(0.5, 0.0, 800), log(600, 3.0, new NumpyRandom(1), false));
    assertEquals(600, t.transitions());
    CqlSnapshot p = t.policy();
    NumpyRandom r = new NumpyRandom(2);
    double chosen = 0;
    for (int i = 0; i < 20; i++) {
      chosen += reward(p.act(new double[] {r.normal(0, 1), 0}, new NumpyRandom(10 + i)).action()) / 20;
    }
    // Uniform actions in [-3, 3]^2 score 4 - 2 * (3 + 1) = -4 on average; the peak scores 4.
    assertTrue(chosen > 2.0, "CQL's choice scores " + chosen);
  }

  @Test
  void thePenaltyLowersTheValueOfActionsTheLogNeverTook() {
    // Data only in [-0.5, 0.5]^2; the true reward at (3, 3) is -16 + 4 = -12, but an unpenalised fit
    // may say anything there. The conservative penalty pushes out-of-data values below in-data ones.
    List<LoggedDecision> data = log(600, 0.5, new NumpyRandom(3), false);
    CqlSnapshot plain = CqlAgent.train(learner, settings(0.0, 0.0, 600), data).policy();
    CqlSnapshot conservative = CqlAgent.train(learner, settings(5.0, 0.0, 600), data).policy();
    double[] x = {0.0, 0.0};
    double[][] far = {{3, 3}, {-3, 3}, {3, -3}, {-3, -3}};
    double gapPlain = 0;
    double gapCons = 0;
    for (double[] a : far) {
      gapPlain += (plain.value(x, new double[] {0, 0}) - plain.value(x, a)) / far.length;
      gapCons += (conservative.value(x, new double[] {0, 0}) - conservative.value(x, a)) / far.length;
    }
    assertTrue(gapCons > gapPlain + 1.0, "in-data minus out-of-data value: plain " + gapPlain + ", alpha 5 " + gapCons);
  }

  @Test
  void theBootstrappedFormAddsTheNextSessionsValue() {
    // Two sessions per user, both rewarded: with gamma 0.9 the first session's value includes the
    // second's (about 0.9 * E[max over sampled actions]); the bandit form's does not.
    List<LoggedDecision> data = log(400, 3.0, new NumpyRandom(4), true);
    CqlSnapshot bandit = CqlAgent.train(learner, settings(0.0, 0.0, 600), data).policy();
    CqlSnapshot boot = CqlAgent.train(learner, settings(0.0, 0.9, 600), data).policy();
    double[] a = {1, -1};
    double first = boot.value(new double[] {0, 0}, a) - bandit.value(new double[] {0, 0}, a);
    double last = boot.value(new double[] {0, 1}, a) - bandit.value(new double[] {0, 1}, a);
    assertTrue(first > 1.5, "first session gains " + first);
    assertTrue(Math.abs(last) < first / 2, "last session changes by " + last + " vs first " + first);
  }

  @Test
  void theFrozenPolicysStateHoldsItsCriticsAndRestoresTheSamePolicy() {
    CqlSnapshot p = CqlAgent.train(learner, settings(0.5, 0.0, 50), log(200, 3.0, new NumpyRandom(8), false)).policy();
    var builder = CqlAgent.frozen(p);
    var rule = builder.create(0, 2);
    var state = rule.state().orElseThrow();
    var back = builder.restoreState(state);
    assertEquals(state, back.state().orElseThrow());
    double[] x = {0.3, 0};
    assertEquals(rule.snapshot(3).act(x, new NumpyRandom(1)), back.snapshot(3).act(x, new NumpyRandom(1)));
    assertTrue(!rule.learns());
  }

  @Test
  void aLogWithoutContinuousDecisionsIsRefused() {
    List<LoggedDecision> discrete = List.of(new LoggedDecision("t", 0, 0, 0, new double[] {1}, 2, null, 0.5, null, 1.0,
        true, LoggedDecision.Outcome.NONE));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CqlAgent.train(learner, settings(1.0, 0.0, 10), discrete));
    assertTrue(e.getMessage().contains("continuous"), e.getMessage());
  }
}
