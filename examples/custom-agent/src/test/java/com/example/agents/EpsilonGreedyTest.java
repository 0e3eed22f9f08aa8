package com.example.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The update math and the policy, without any runtime. */
class EpsilonGreedyTest {
  @Test
  void meansAreRunningAveragesAndTheGreedyArmIsTheBest() {
    UpdateRule rule = new EpsilonGreedyBuilder(0.2).create(3, 4);
    double[] x = new double[4];
    rule.observe(x, Decision.arm(0, 1), 1.0);
    rule.observe(x, Decision.arm(1, 1), 5.0);
    rule.observe(x, Decision.arm(1, 1), 3.0);
    rule.observe(x, Decision.arm(2, 1), 2.0);
    EpsilonGreedySnapshot s = (EpsilonGreedySnapshot) rule.snapshot(7);
    assertEquals(7, s.version());
    assertEquals(4.0, s.means()[1], 1e-12);
    assertEquals(1, s.best());
    assertEquals(1, s.greedy().act(x, new NumpyRandom(1)).arm(), "no exploration when greedy");
  }

  @Test
  void untriedArmsComeFirst() {
    UpdateRule rule = new EpsilonGreedyBuilder(0.0).create(4, 1);
    double[] x = new double[1];
    NumpyRandom rng = new NumpyRandom(3);
    for (int expected = 0; expected < 4; expected++) {
      Decision d = rule.snapshot(expected).act(x, rng);
      assertEquals(expected, d.arm());
      rule.observe(x, d, -1.0);
    }
  }

  @Test
  void propensitiesMatchTheEmpiricalFrequencies() {
    // epsilon 0.3 over 5 arms: the best arm has 0.7 + 0.06 = 0.76, every other 0.06.
    UpdateRule rule = new EpsilonGreedyBuilder(0.3).create(5, 1);
    double[] x = new double[1];
    for (int a = 0; a < 5; a++) {
      rule.observe(x, Decision.arm(a, 1), a == 2 ? 1.0 : 0.0);
    }
    PolicySnapshot s = rule.snapshot(1);
    NumpyRandom rng = new NumpyRandom(11);
    int n = 20_000;
    int[] hits = new int[5];
    for (int i = 0; i < n; i++) {
      Decision d = s.act(x, rng);
      hits[d.arm()]++;
      assertEquals(d.arm() == 2 ? 0.76 : 0.06, d.propensity(), 1e-12);
    }
    for (int a = 0; a < 5; a++) {
      double p = a == 2 ? 0.76 : 0.06;
      double tol = 4 * Math.sqrt(p * (1 - p) / n); // four standard errors
      assertEquals(p, (double) hits[a] / n, tol, "arm " + a);
    }
  }

  @Test
  void theBuilderIsRegisteredByName() {
    boolean found = false;
    for (AgentBuilder b : ServiceLoader.load(AgentBuilder.class)) {
      found |= b.name().equals("custom_egreedy") && b instanceof EpsilonGreedyBuilder;
    }
    assertTrue(found, "custom_egreedy is not registered through ServiceLoader");
  }

  @Test
  void aRestoredRuleContinuesFromItsSnapshot() {
    EpsilonGreedyBuilder b = new EpsilonGreedyBuilder(0.1);
    UpdateRule rule = b.create(2, 1);
    rule.observe(new double[1], Decision.arm(1, 1), 2.0);
    UpdateRule back = b.restore(rule.snapshot(3));
    back.observe(new double[1], Decision.arm(1, 1), 4.0);
    assertEquals(3.0, ((EpsilonGreedySnapshot) back.snapshot(4)).means()[1], 1e-12);
  }
}
