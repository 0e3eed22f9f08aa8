package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** REINFORCE's step is a mean over its batch, and its value baseline learns the reward's level. */
class ReinforceTest {
  private static SharedLearner learner;

  @BeforeAll
  static void start() {
    learner = new SharedLearner();
  }

  @AfterAll
  static void stop() {
    learner.close();
  }

  /** Settings with the return itself as the weight (no baseline, no scaling), {@code batch} episodes per step. */
  private static NeuralAgents.ReinforceSettings plain(int batch) {
    return new NeuralAgents.ReinforceSettings(1e-3, 0.01, 0.0, 1.0, new int[] {16}, false, 1e-3, 7, batch, false,
        0.0);
  }

  @Test
  void aBatchOfIdenticalEpisodesStepsLikeOneEpisode() {
    double[] x = {0.4, -1.2, 1.0};
    double[] a = {1.5, -0.5, 2.0, 0, 0.3, -2.5, 0.7, 0, 1.1, -0.2};
    double reward = 12.0;
    var one = (NeuralAgents.ReinforceRule) NeuralAgents.reinforce(learner, plain(1)).create(0, 3);
    var many = (NeuralAgents.ReinforceRule) NeuralAgents.reinforce(learner, plain(32)).create(0, 3);
    one.observe(x, Decision.continuous(a, 1.0), reward);
    for (int i = 0; i < 32; i++) {
      many.observe(x, Decision.continuous(a, 1.0), reward);
    }
    double g1 = one.lastGradientNorm();
    double g32 = many.lastGradientNorm();
    assertTrue(g1 > 0, "one episode's gradient norm " + g1);
    // The same episode 32 times is the same mean gradient (float sums: relative 1e-5).
    assertEquals(g1, g32, 1e-5 * g1, "gradient norm of 1 episode " + g1 + ", of 32 identical episodes " + g32);
    one.close();
    many.close();
  }

  @Test
  void atRatioOneReinforceAndPpoTakeTheSameGradient() {
    // PPO's surrogate at pi = pi_old (ratios 1, clip inactive) has REINFORCE's gradient with the same
    // advantages and entropy bonus: both are means over the batch.
    int n = 16;
    int dim = 3;
    NumpyRandom r = new NumpyRandom(11);
    Mlp mu = MlpInit.create(new int[] {dim, 16, 10}, Mlp.Activation.TANH, new NumpyRandom(3));
    double[] logStd = new double[10];
    GaussianPolicySnapshot pi = new GaussianPolicySnapshot("p", 0, mu, logStd);
    float[] x = new float[n * dim];
    double[] a = new double[n * 10];
    double[] adv = new double[n];
    double[] logp = new double[n];
    for (int i = 0; i < n; i++) {
      double[] xi = {r.normal(0, 1), r.normal(0, 1), 1.0};
      for (int j = 0; j < dim; j++) {
        x[i * dim + j] = (float) xi[j];
      }
      double[] ai = pi.act(xi, r).action();
      System.arraycopy(ai, 0, a, i * 10, 10);
      adv[i] = r.normal(0, 1);
      logp[i] = pi.logDensity(xi, ai);
    }
    try (GaussianPolicyModel reinforce = learner.gaussianPolicy("r", mu, logStd, 1e-3);
        GaussianPolicyModel ppo = learner.gaussianPolicy("p", mu, logStd, 1e-3)) {
      reinforce.update(x, a, adv, n, 0.01, 0);
      double clipped = ppo.ppoUpdate(x, a, adv, logp, n, 0.2, 0.01, 0);
      assertEquals(0.0, clipped);
      assertEquals(ppo.lastGradientNorm(), reinforce.lastGradientNorm(), 1e-4 * ppo.lastGradientNorm(),
          "PPO at ratio 1: " + ppo.lastGradientNorm() + ", REINFORCE: " + reinforce.lastGradientNorm());
    }
  }

  /** Runs {@code episodes} battle-form reinforce_baseline episodes whose reward is {@code reward(i, x)} + N(0, 1). */
  private static NeuralAgents.ReinforceRule baselineAfter(int episodes, java.util.function.BiFunction<Integer, double[],
      Double> mean) {
    var rule = (NeuralAgents.ReinforceRule) NeuralAgents.reinforce(learner, NeuralAgents.ReinforceSettings.battle(true))
        .create(0, 3);
    NumpyRandom env = new NumpyRandom(5);
    for (int i = 0; i < episodes; i++) {
      double[] x = {env.normal(0, 1), env.normal(0, 1), 1.0};
      Decision d = rule.snapshot(i).act(x, env);
      rule.observe(x, d, mean.apply(i, x) + env.normal(0, 1));
    }
    return rule;
  }

  @Test
  void theValueBaselineLearnsTheRewardsLevel() {
    // 1,000 episodes of reward 10 +- 1 (the battle's length; rewards there average 6-15).
    var rule = baselineAfter(1000, (i, x) -> 10.0);
    NumpyRandom probe = new NumpyRandom(8);
    for (int k = 0; k < 20; k++) {
      double[] x = {probe.normal(0, 1), probe.normal(0, 1), 1.0};
      double v = rule.baselineValue(x);
      assertEquals(10.0, v, 2.0, "V at " + java.util.Arrays.toString(x));
    }
    rule.close();
  }

  @Test
  void theValueBaselineFollowsARisingRewardAndTheContext() {
    // The battle's rewards rise as the policy learns (6 to 15): V must follow the current level, not the
    // running mean of all returns its targets are standardised by (about 10.5 here).
    var rising = baselineAfter(1000, (i, x) -> 6 + 9.0 * i / 999);
    // A reward that depends on the context: V must learn the dependence, not only the level.
    var contextual = baselineAfter(1000, (i, x) -> 10 + 3 * x[0]);
    NumpyRandom probe = new NumpyRandom(8);
    double seRising = 0;
    double seContext = 0;
    int m = 200;
    for (int k = 0; k < m; k++) {
      double[] x = {probe.normal(0, 1), probe.normal(0, 1), 1.0};
      seRising += Math.pow(rising.baselineValue(x) - 15, 2) / m;
      seContext += Math.pow(contextual.baselineValue(x) - (10 + 3 * x[0]), 2) / m;
    }
    // One reward's noise sd (1) as the bound: a batch's mean alone is known to 1 / sqrt(32) = 0.18.
    assertTrue(Math.sqrt(seRising) < 1.0, "V's rms distance to the last level 15: " + Math.sqrt(seRising));
    assertTrue(Math.sqrt(seContext) < 1.0, "V's rms distance to 10 + 3 x0: " + Math.sqrt(seContext));
    rising.close();
    contextual.close();
  }

  @Test
  void aCheckpointWhoseValueNetworkPredictedRawReturnsKeepsItsValues() {
    var rule = baselineAfter(40, (i, x) -> 10.0);
    io.rlsearch.agents.spi.AgentState now = rule.state().orElseThrow();
    // An older checkpoint: the same state, its value network one of raw returns, without the marker.
    Mlp raw = MlpInit.create(new int[] {3, 64, 64, 1}, Mlp.Activation.RELU, new NumpyRandom(4));
    java.util.Map<String, double[]> arrays = new java.util.HashMap<>(now.arrays());
    raw.putState("value", arrays);
    java.util.Map<String, Long> counters = new java.util.HashMap<>(now.counters());
    counters.remove("value_standardised");
    var old = new io.rlsearch.agents.spi.AgentState(now.agent(), arrays, counters);
    var restored = (NeuralAgents.ReinforceRule) NeuralAgents.reinforce(learner,
        NeuralAgents.ReinforceSettings.battle(true)).restoreState(old);
    float[] x = {0.5f, -1.0f, 1.0f};
    assertEquals(raw.forward1(x), restored.baselineValue(new double[] {0.5, -1.0, 1.0}), 1e-4);
    rule.close();
    restored.close();
  }
}
