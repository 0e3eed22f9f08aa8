package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.NeuralLinearSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Chapter-6a neural bandits learn a synthetic 4-armed contextual bandit whose best arm depends
 * non-linearly on the context, restore from their state, and refuse continuous actions.
 */
class NeuralBanditsTest {
  private static SharedLearner learner;
  private static final int ARMS = 4;

  @BeforeAll
  static void start() {
    learner = new SharedLearner();
  }

  @AfterAll
  static void stop() {
    learner.close();
  }

  /** Arm a pays 10 in quadrant a of (x0, x1) and 0 elsewhere, plus N(0, 1) noise: a scale far from 1. */
  private static int best(double[] x) {
    return (x[0] >= 0 ? 1 : 0) + (x[1] >= 0 ? 2 : 0);
  }

  private static double[] context(NumpyRandom r) {
    return new double[] {r.uniform(-1, 1), r.uniform(-1, 1), 1.0};
  }

  /** Plays {@code n} rounds acting with a fresh snapshot every 10; returns the share of best arms in the last 500. */
  private static double play(UpdateRule rule, int n, long seed) {
    NumpyRandom env = new NumpyRandom(seed);
    NumpyRandom policy = new NumpyRandom(seed + 1);
    PolicySnapshot snap = rule.snapshot(0);
    int hits = 0;
    for (int t = 0; t < n; t++) {
      if (t % 10 == 0) {
        snap = rule.snapshot(t / 10);
      }
      double[] x = context(env);
      Decision d = snap.act(x, policy);
      double r = (d.arm() == best(x) ? 10 : 0) + env.standardNormal();
      rule.observe(x, d, r);
      if (t >= n - 500 && d.arm() == best(x)) {
        hits++;
      }
    }
    return hits / 500.0;
  }

  private static NeuralLinearAgent.Settings linearSettings() {
    return new NeuralLinearAgent.Settings(new int[] {32}, 8, 5e-3, 400, 60, 64, 1.0, 1.0, 3);
  }

  @Test
  void neuralLinearLogsUniformlyThenLearnsTheBestArm() {
    UpdateRule rule = NeuralLinearAgent.builder(learner, linearSettings()).create(ARMS, 3);
    PolicySnapshot first = rule.snapshot(0);
    Decision d = first.act(new double[] {0.5, 0.5, 1}, new NumpyRandom(1));
    assertEquals(1.0 / ARMS, d.propensity(), 0.0, "the logging phase is uniform");
    double share = play(rule, 2500, 11);
    // Uniform play would pick the best arm a quarter of the time; 500 rounds give a binomial SE of 0.02.
    assertTrue(share > 0.8, "best-arm share in the last 500 rounds " + share);
    assertTrue(((NeuralLinearSnapshot) rule.snapshot(999)).trained());
    rule.close();
  }

  @Test
  void neuralEnsembleLearnsTheBestArm() {
    NeuralAgents.QEnsembleSettings s = new NeuralAgents.QEnsembleSettings(3, new int[] {32}, 5e-3, 0, 1.0, 10, 4, 64,
        null, 5, 5000, true, true);
    UpdateRule rule = NeuralAgents.neuralEnsemble(learner, s).create(ARMS, 3);
    double share = play(rule, 2500, 21);
    assertTrue(share > 0.8, "best-arm share in the last 500 rounds " + share);
    rule.close();
  }

  @Test
  void bothRestoreFromTheirStateAndActAlike() {
    AgentBuilder[] builders = {NeuralLinearAgent.builder(learner, linearSettings()),
        NeuralAgents.neuralEnsemble(learner, NeuralAgents.QEnsembleSettings.templates())};
    for (AgentBuilder b : builders) {
      UpdateRule rule = b.create(ARMS, 3);
      play(rule, 600, 31);
      AgentState state = rule.state().orElseThrow();
      assertEquals(b.name(), state.agent());
      UpdateRule restored = b.restoreState(state);
      PolicySnapshot x = rule.snapshot(7);
      PolicySnapshot y = restored.snapshot(7);
      NumpyRandom env = new NumpyRandom(4);
      for (int i = 0; i < 50; i++) {
        double[] c = context(env);
        assertEquals(x.act(c, new NumpyRandom(i)), y.act(c, new NumpyRandom(i)), b.name() + " context " + i);
      }
      UpdateRule fromSnapshot = b.restore(x);
      assertEquals(x.act(new double[] {0.3, -0.2, 1}, new NumpyRandom(0)),
          fromSnapshot.snapshot(7).act(new double[] {0.3, -0.2, 1}, new NumpyRandom(0)), b.name());
      assertThrows(IllegalArgumentException.class, () -> rule.observe(new double[] {0, 0, 1},
          Decision.continuous(new double[10], 1.0), 1.0));
      rule.close();
      restored.close();
      fromSnapshot.close();
    }
  }

  @Test
  void theGreedySnapshotDropsTheBonus() {
    UpdateRule rule = NeuralLinearAgent.builder(learner, linearSettings()).create(ARMS, 3);
    assertFalse(((NeuralLinearSnapshot) rule.snapshot(0).greedy()).trained(), "still logging: greedy is uniform");
    play(rule, 500, 41);
    PolicySnapshot g = rule.snapshot(1).greedy();
    assertEquals(1.0, g.act(new double[] {0.9, 0.9, 1}, new NumpyRandom(0)).propensity(), 0.0);
    rule.close();
  }
}
