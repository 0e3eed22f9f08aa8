package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

class BanditAgentsTest {
  private static double[] x(NumpyRandom r) {
    return new double[] {r.normal(0, 1), r.normal(0, 1), 1.0};
  }

  @Test
  void aSnapshotIsFrozenWhileTheRuleKeepsLearning() {
    UpdateRule rule = BanditAgents.linUcb(new LinUcb.Settings(1.0, 0.0, false)).create(3, 3);
    rule.observe(new double[] {1, 0, 1}, Decision.arm(2, 1.0), 5.0);
    PolicySnapshot s1 = rule.snapshot(1);
    assertEquals(2, s1.act(new double[] {1, 0, 1}, new NumpyRandom(1)).arm());
    for (int i = 0; i < 50; i++) {
      rule.observe(new double[] {1, 0, 1}, Decision.arm(0, 1.0), 50.0);
    }
    assertEquals(2, s1.act(new double[] {1, 0, 1}, new NumpyRandom(1)).arm());
    assertEquals(0, rule.snapshot(2).act(new double[] {1, 0, 1}, new NumpyRandom(1)).arm());
  }

  @Test
  void linUcbSnapshotChoosesAsLinUcbAtTheSameStep() {
    LinUcb live = new LinUcb(4, 3, new LinUcb.Settings(1.0, 0.7, true));
    UpdateRule rule = BanditAgents.linUcb(new LinUcb.Settings(1.0, 0.7, true)).create(4, 3);
    NumpyRandom env = new NumpyRandom(2);
    for (int i = 0; i < 200; i++) {
      double[] c = x(env);
      // The snapshot after i observations acts with t = i + 1, as the live policy's i+1-th select.
      int snapArm = rule.snapshot(i).act(c, new NumpyRandom(0)).arm();
      int liveArm = live.select(c);
      assertEquals(liveArm, snapArm, "step " + i);
      double r = env.normal(liveArm == 1 ? 1 : 0, 1);
      live.update(liveArm, c, r);
      rule.observe(c, Decision.arm(liveArm, 1.0), r);
    }
  }

  @Test
  void thompsonPropensityIsAProbabilityAndRestoreContinuesExactly() {
    AgentBuilder ts = BanditAgents.thompson(new LinearThompson.Settings(1.0, 0.5), 32);
    UpdateRule rule = ts.create(4, 3);
    NumpyRandom env = new NumpyRandom(3);
    for (int i = 0; i < 300; i++) {
      double[] c = x(env);
      rule.observe(c, Decision.arm(i % 4, 1.0), env.normal(i % 4 == 3 ? 2 : 0, 1));
    }
    PolicySnapshot s = rule.snapshot(7);
    Decision d = s.act(new double[] {0.1, 0.2, 1}, new NumpyRandom(9));
    assertTrue(d.propensity() > 0 && d.propensity() <= 1);
    assertEquals(3, d.arm());
    assertTrue(d.propensity() > 0.5, "arm 3 is clearly best; propensity " + d.propensity());
    // The same episode stream gives the same decision.
    assertEquals(d, s.act(new double[] {0.1, 0.2, 1}, new NumpyRandom(9)));
    UpdateRule restored = ts.restore(s);
    double[] c = {0.3, -0.1, 1};
    rule.observe(c, Decision.arm(1, 1.0), 4.0);
    restored.observe(c, Decision.arm(1, 1.0), 4.0);
    assertEquals(rule.snapshot(8).act(c, new NumpyRandom(5)), restored.snapshot(8).act(c, new NumpyRandom(5)));
  }

  @Test
  void thompsonLogsTheExactProbabilityOfItsChoiceSoRareArmsAreNotOverWeighted() {
    // Three arms on a constant context: one clearly best, one close behind, one rarely sampled.
    UpdateRule rule = BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 16).create(3, 1);
    double[] x = {1.0};
    for (int i = 0; i < 30; i++) {
      rule.observe(x, Decision.arm(0, 1.0), 1.0);
      rule.observe(x, Decision.arm(1, 1.0), 0.8);
    }
    for (int i = 0; i < 4; i++) {
      rule.observe(x, Decision.arm(2, 1.0), 0.2);
    }
    PolicySnapshot s = rule.snapshot(1);
    int n = 40_000;
    int[] count = new int[3];
    double[] logged = new double[3];
    for (int i = 0; i < n; i++) {
      Decision d = s.act(x, new NumpyRandom(1000 + i));
      count[d.arm()]++;
      logged[d.arm()] += d.propensity();
    }
    for (int a = 0; a < 3; a++) {
      double freq = (double) count[a] / n;
      assertTrue(count[a] > 100, "arm " + a + " played " + count[a] + " times");
      double meanLogged = logged[a] / count[a];
      // The logged propensity of a decision is that arm's probability, so over the decisions that
      // chose it, it averages to the arm's frequency (4 standard errors of the frequency).
      double tol = 4 * Math.sqrt(freq * (1 - freq) / n);
      assertEquals(freq, meanLogged, tol, "arm " + a + ": played " + freq + ", logged " + meanLogged);
    }
  }

  /** P(X1 > X2) for X1 ~ N(m1, s1^2), X2 ~ N(m2, s2^2): Phi((m1 - m2) / sqrt(s1^2 + s2^2)). */
  private static double twoArms(double m1, double s1, double m2, double s2) {
    return 0.5 * org.apache.commons.math3.special.Erf.erfc(-(m1 - m2) / Math.sqrt(s1 * s1 + s2 * s2) / Math.sqrt(2));
  }

  @Test
  void thompsonPropensityIsExactForArmsOfVeryUnequalCertainty() {
    // The other arm's score sd is 0.02, 0.01, 0.001 of the chosen arm's, and the other way round;
    // means at several distances. The closed form is exact; the integral must be within 1e-8
    // relative (its stated tolerance is 1e-10 absolute or relative, whichever is larger).
    double[] ratios = {0.02, 0.01, 0.001};
    double[] gaps = {-2.0, -0.7, -0.1, 0.0, 0.3, 1.5};
    for (double ratio : ratios) {
      for (double gap : gaps) {
        double[] mu = {1.0 + gap, 1.0};
        double[] wide = {1.0, ratio};
        double[] narrow = {ratio, 1.0};
        double p = BanditAgents.choiceProbability(mu, wide, 0);
        double q = BanditAgents.choiceProbability(mu, narrow, 0);
        double pe = twoArms(mu[0], 1.0, mu[1], ratio);
        double qe = twoArms(mu[0], ratio, mu[1], 1.0);
        assertEquals(pe, p, 1e-8 * pe, "chosen sd 1, other " + ratio + ", gap " + gap);
        assertEquals(qe, q, 1e-8 * qe, "chosen sd " + ratio + ", other 1, gap " + gap);
        // The two arms' probabilities sum to 1.
        assertEquals(1.0, p + BanditAgents.choiceProbability(mu, wide, 1), 1e-9);
      }
    }
  }

  @Test
  void thompsonPropensityOfSeveralArmsSumsToOne() {
    // Eight arms, sds from 1e-3 to 3, means spread around one another.
    double[] mu = {0.1, 0.5, 0.45, -1.0, 0.52, 0.3, 2.0, 0.49};
    double[] sd = {1e-3, 0.2, 3.0, 0.5, 0.01, 1.0, 0.05, 0.002};
    double sum = 0;
    for (int k = 0; k < mu.length; k++) {
      sum += BanditAgents.choiceProbability(mu, sd, k);
    }
    assertEquals(1.0, sum, 1e-8);
  }

  @Test
  void fixedAndRandomAgentsLearnNothingAndReportTheirPropensities() {
    UpdateRule fixed = BanditAgents.fixed("static:Premium", 4).create(8, 3);
    assertTrue(!fixed.learns());
    assertEquals(Decision.arm(4, 1.0), fixed.snapshot(0).act(new double[3], new NumpyRandom(1)));
    UpdateRule random = BanditAgents.random().create(8, 3);
    Decision a = random.snapshot(0).act(new double[3], new NumpyRandom(1));
    assertEquals(0.125, a.propensity());
    assertNotEquals(a.arm(), random.snapshot(0).act(new double[3], new NumpyRandom(2)).arm() + 100);
  }
}
