package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IQL and TD3+BC on a logged toy: actions uniform in [-3, 3]^10, reward {@code -|a - target|^2} plus
 * noise, so the logged actions score about -40 on average and the best one 0.
 */
class OfflineAgentsTest {
  private static final double[] TARGET = {2.0, -2.0, 1.5, 0, 0, 0, 0, 0, 0, 0};
  private static SharedLearner learner;

  @BeforeAll
  static void start() {
    learner = new SharedLearner();
  }

  @AfterAll
  static void stop() {
    learner.close();
  }

  private static double reward(double[] a) {
    double s = 0;
    for (int i = 0; i < 10; i++) {
      double d = Math.max(-3, Math.min(3, a[i])) - TARGET[i];
      s += d * d;
    }
    return -s;
  }

  private static List<LoggedDecision> log(int n) {
    NumpyRandom rng = new NumpyRandom(8);
    List<LoggedDecision> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = {rng.normal(0, 1), rng.normal(0, 1), 1.0};
      double[] a = new double[10];
      for (int d = 0; d < 10; d++) {
        a[d] = rng.uniform(-3, 3);
      }
      double r = reward(a) + rng.normal(0, 1);
      out.add(new LoggedDecision("uniform", 0, i, 0, x, -1, a, Math.pow(6, -10), null, r, true,
          new LoggedDecision.Outcome(r, 0, 0, 0, 0)));
    }
    return out;
  }

  @Test
  void bothLearnersPickFarBetterActionsThanTheLoggedOnes() {
    List<LoggedDecision> data = log(2000);
    double logged = data.stream().mapToDouble(LoggedDecision::reward).average().orElseThrow();
    OfflineAgents.Settings s = new OfflineAgents.Settings(new int[] {64, 64}, 1e-3, 1500, 128, 0.7, 3.0, 2.5, 3.0, 1);
    for (OfflineAgents.Trained t : List.of(OfflineAgents.iql(learner, s, data), OfflineAgents.td3bc(learner, s, data))) {
      double r = reward(t.policy().action(new double[] {0, 0, 1}));
      // The logged mean is about -40 (variance of U(-3, 3) is 3 per dimension, plus the offsets); a
      // learner that moved toward the target by half the distance scores above -20.
      assertTrue(r > logged + 20, t.policy().agent() + ": " + r + " vs logged " + logged);
      assertEquals(2000, t.transitions());
      for (double v : t.policy().action(new double[] {1, -1, 1})) {
        assertTrue(v >= -3 && v <= 3, "actions stay in the box");
      }
    }
  }

  @Test
  void aLogWithoutContinuousDecisionsIsRefused() {
    List<LoggedDecision> arms = List.of(new LoggedDecision("t", 0, 0, 0, new double[] {1}, 2, null, 0.5, null, 1.0,
        true, new LoggedDecision.Outcome(1, 0, 0, 0, 0)));
    OfflineAgents.Settings s = OfflineAgents.Settings.defaults(3.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OfflineAgents.iql(learner, s,
        arms));
    assertTrue(e.getMessage().contains("continuous decisions"), e.getMessage());
  }

  @Test
  void td3bcAveragesTheBehaviourCloningTermOverTheActionAsThePaperDoes() {
    // Fujimoto and Gu's actor loss is -lambda Q + mse(pi, a), the squared error averaged over the action's
    // dimensions: with Q out of it, pi one away from a in all 10 dimensions costs 1, not 10.
    int ad = 10;
    float[] pi = new float[ad];
    java.util.Arrays.fill(pi, 1f);
    float[] a = new float[ad];
    float[] g = new float[ad];
    double loss = OfflineAgents.actorTerm(0.0, 0.0, new float[ad], 0, pi, a, 0, ad, 3.0, g);
    org.junit.jupiter.api.Assertions.assertEquals(1.0, loss, 1e-12);
    for (float v : g) {
      org.junit.jupiter.api.Assertions.assertEquals(2.0 / ad, v, 1e-6);
    }
    // The critic's part is unchanged: -lambda q and -lambda dq/da inside the box, nothing outside.
    float[] grad = {5f, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    float[] piIn = new float[ad];
    piIn[1] = 3.5f;
    float[] g2 = new float[ad];
    double l2 = OfflineAgents.actorTerm(2.0, 4.0, grad, 1, piIn, a, 0, ad, 3.0, g2);
    org.junit.jupiter.api.Assertions.assertEquals(-8.0 + 3.5 * 3.5 / ad, l2, 1e-6);
    org.junit.jupiter.api.Assertions.assertEquals(-1.0, g2[0], 1e-6);
    org.junit.jupiter.api.Assertions.assertEquals(2 * 3.5 / ad, g2[1], 1e-6);
  }
}
