package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.Cem;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The neural agents learn a synthetic continuous bandit whose best action is known. */
class NeuralAgentsTest {
  private static SharedLearner learner;
  private static final double[] TARGET = {2.0, -2.0, 1.5, 0, 0, 0, 0, 0, 0, 0};

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

  private static double[] context(NumpyRandom r) {
    return new double[] {r.normal(0, 1), r.normal(0, 1), 1.0};
  }

  @Test
  void theQEnsembleLearnsWhereTheRewardPeaks() {
    NeuralAgents.QEnsembleSettings s = new NeuralAgents.QEnsembleSettings(3, new int[] {64, 64}, 5e-3, 0, 0.0, 256, 40,
        64, Cem.Settings.defaults(3.0), 1);
    UpdateRule rule = NeuralAgents.qEnsemble(learner, s).create(0, 3);
    NumpyRandom env = new NumpyRandom(2);
    for (int i = 0; i < 256; i++) {
      double[] a = new double[10];
      for (int d = 0; d < 10; d++) {
        a[d] = env.uniform(-3, 3);
      }
      rule.observe(context(env), Decision.continuous(a, 1.0), reward(a));
    }
    PolicySnapshot snap = rule.snapshot(1);
    double chosen = 0;
    double random = 0;
    for (int i = 0; i < 20; i++) {
      Decision d = snap.act(context(env), new NumpyRandom(100 + i));
      assertEquals(10, d.action().length);
      for (double v : d.action()) {
        assertTrue(v >= -3 && v <= 3);
      }
      chosen += reward(d.action()) / 20;
      double[] a = new double[10];
      for (int k = 0; k < 10; k++) {
        a[k] = env.uniform(-3, 3);
      }
      random += reward(a) / 20;
    }
    // A uniform action scores about -40 on average here; the learned choice must be far better.
    assertTrue(chosen > random + 10, "Q-ensemble choice " + chosen + " vs random " + random);
    rule.close();
  }

  @Test
  void reinforceMovesItsMeanTowardTheBestActionAndLearnsTheParameters() {
    for (boolean baseline : new boolean[] {false, true}) {
      NeuralAgents.ReinforceSettings s = new NeuralAgents.ReinforceSettings(3e-3, 0.0, 0.9, 1.0, new int[] {32},
          baseline, 1e-2, 5);
      AgentBuilder b = NeuralAgents.reinforce(learner, s);
      UpdateRule rule = b.create(0, 3);
      GaussianPolicySnapshot first = (GaussianPolicySnapshot) rule.snapshot(0);
      NumpyRandom env = new NumpyRandom(3);
      for (int i = 0; i < 1500; i++) {
        double[] x = context(env);
        Decision d = rule.snapshot(i).act(x, env);
        rule.observe(x, d, reward(d.action()));
      }
      GaussianPolicySnapshot last = (GaussianPolicySnapshot) rule.snapshot(1500);
      assertNotEquals(first.mu(), last.mu());
      double before = reward(first.mean(new double[] {0, 0, 1}));
      double after = reward(last.mean(new double[] {0, 0, 1}));
      // The initial mean action is near 0 (reward about -10.25); the best action scores 0.
      assertTrue(after > before + 3, b.name() + ": mean action reward " + before + " -> " + after);
      rule.close();
    }
  }

  @Test
  void ppoMovesItsMeanTowardTheBestActionEvenFromStaleActors() {
    // Stale actors: each decision is drawn from the snapshot published up to 3 rollouts earlier, and
    // its logged density is that old version's; the importance correction must keep learning stable.
    for (int lag : new int[] {0, 3}) {
      PpoAgent.Settings s = new PpoAgent.Settings(3e-3, 1e-2, 32, 4, 16, 0.2, 0.0, 0.99, 0.95, 1.0, new int[] {32},
          true, 5);
      PpoAgent.Rule rule = (PpoAgent.Rule) PpoAgent.builder(learner, s).create(0, 3);
      GaussianPolicySnapshot first = (GaussianPolicySnapshot) rule.snapshot(0);
      java.util.ArrayDeque<PolicySnapshot> published = new java.util.ArrayDeque<>();
      published.add(first);
      NumpyRandom env = new NumpyRandom(3);
      for (int i = 0; i < 1500; i++) {
        if (i % 32 == 0 && i > 0) {
          published.addLast(rule.snapshot(i));
          while (published.size() > lag + 1) {
            published.removeFirst();
          }
        }
        double[] x = context(env);
        Decision d = published.peekFirst().act(x, env);
        rule.observe(new io.rlsearch.core.Transition(i, i, 0, "ppo", 0, x, -1, d.action(), d.propensity(),
            reward(d.action()), io.rlsearch.core.RewardBreakdown.ZERO, 0, 0, 0, 0));
      }
      GaussianPolicySnapshot last = (GaussianPolicySnapshot) rule.snapshot(1500);
      double before = reward(first.mean(new double[] {0, 0, 1}));
      double after = reward(last.mean(new double[] {0, 0, 1}));
      assertTrue(after > before + 3, "lag " + lag + ": mean action reward " + before + " -> " + after);
      assertTrue(rule.updates() > 0);
      rule.close();
    }
  }

  @Test
  void closedModelsLeaveTheSharedLearner() {
    // Every restore (a learner restart, a policy version on a cluster node) builds models and closes them.
    int before = learner.openModels();
    AgentBuilder b = PpoAgent.builder(learner, new PpoAgent.Settings(1e-3, 1e-3, 16, 1, 8, 0.2, 0.0, 0.9, 0.9, 1.0,
        new int[] {8}, true, 3));
    for (int i = 0; i < 50; i++) {
      UpdateRule r = b.create(0, 3);
      r.close();
      r.close();
    }
    assertEquals(before, learner.openModels());
  }

  @Test
  void everyNeuralAgentsStateRoundTripsThroughACheckpointFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    AgentBuilder[] builders = {
        NeuralAgents.qEnsemble(learner, new NeuralAgents.QEnsembleSettings(2, new int[] {8}, 1e-3, 0, 1.0, 16, 1, 8,
            Cem.Settings.defaults(3.0), 1)),
        NeuralAgents.reinforce(learner, new NeuralAgents.ReinforceSettings(1e-3, 0.01, 0.9, 1.0, new int[] {8}, true,
            1e-3, 2)),
        PpoAgent.builder(learner, new PpoAgent.Settings(1e-3, 1e-3, 16, 1, 8, 0.2, 0.0, 0.9, 0.9, 1.0, new int[] {8},
            true, 3))};
    for (AgentBuilder b : builders) {
      UpdateRule rule = b.create(0, 3);
      NumpyRandom env = new NumpyRandom(9);
      // 21 decisions: some updates done and some samples still buffered for the next one.
      for (int i = 0; i < 21; i++) {
        double[] x = context(env);
        Decision d = rule.snapshot(i).act(x, env);
        rule.observe(new io.rlsearch.core.Transition(i, i, 0, b.name(), 0, x, -1, d.action(), d.propensity(),
            reward(d.action()), io.rlsearch.core.RewardBreakdown.ZERO, 0, 0, 0, 0));
      }
      io.rlsearch.agents.spi.AgentState state = rule.state().orElseThrow();
      if (!b.name().startsWith("reinforce")) {
        // The minibatch and bootstrap streams are part of the state (a restarted learner draws on where it was).
        assertTrue(state.counters().containsKey("rng.0"), b.name());
      }
      java.nio.file.Path f = dir.resolve(b.name() + ".ckpt");
      Checkpoints.write(f, new Checkpoints.Checkpoint(java.util.Map.of("agent", b.name()), 21, 21, 21, state));
      Checkpoints.Checkpoint back = Checkpoints.read(f);
      assertEquals(state, back.state(), b.name());
      UpdateRule restored = b.restoreState(back.state());
      assertEquals(state, restored.state().orElseThrow(), b.name());
      double[] x = {0.3, -0.2, 1.0};
      assertEquals(rule.snapshot(5).act(x, new NumpyRandom(1)), restored.snapshot(5).act(x, new NumpyRandom(1)), b.name());
      rule.close();
      restored.close();
    }
  }

  @Test
  void batchedDjlInferenceGivesTheSnapshotsOwnDecisionsUpToFloatRounding() {
    GaussianPolicySnapshot g = new GaussianPolicySnapshot("g", 3,
        MlpInit.create(new int[] {3, 16, 10}, io.rlsearch.agents.nn.Mlp.Activation.TANH, new NumpyRandom(1)),
        new double[10]);
    double[][] xs = new double[40][];
    NumpyRandom r = new NumpyRandom(2);
    for (int i = 0; i < xs.length; i++) {
      xs[i] = context(r);
    }
    NumpyRandom[] a = new NumpyRandom[xs.length];
    NumpyRandom[] b = new NumpyRandom[xs.length];
    for (int i = 0; i < xs.length; i++) {
      a[i] = new NumpyRandom(100 + i);
      b[i] = new NumpyRandom(100 + i);
    }
    try (DjlInference djl = new DjlInference(learner)) {
      java.util.List<Decision> viaDjl = djl.act(g, xs, a);
      java.util.List<Decision> viaJava = io.rlsearch.agents.spi.InferenceEngine.JAVA.act(g, xs, b);
      for (int i = 0; i < xs.length; i++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(viaJava.get(i).action(), viaDjl.get(i).action(), 1e-5);
        assertEquals(viaJava.get(i).propensity(), viaDjl.get(i).propensity(), 1e-4 * viaJava.get(i).propensity());
      }
      assertEquals(1, djl.forwardPasses(), "one forward pass for the batch");
    }
    try (DjlInference auto = new DjlInference(learner, 64)) {
      NumpyRandom[] c = new NumpyRandom[xs.length];
      NumpyRandom[] d = new NumpyRandom[xs.length];
      for (int i = 0; i < xs.length; i++) {
        c[i] = new NumpyRandom(7 + i);
        d[i] = new NumpyRandom(7 + i);
      }
      // Below its minimum batch the auto engine uses the Java pass: identical decisions, no DJL pass.
      assertEquals(io.rlsearch.agents.spi.InferenceEngine.JAVA.act(g, xs, d), auto.act(g, xs, c));
      assertEquals(0, auto.forwardPasses());
    }
  }

  @Test
  void gaussianPropensityIsTheDensityOfTheSampledAction() {
    GaussianPolicySnapshot g = new GaussianPolicySnapshot("g", 0,
        MlpInit.create(new int[] {3, 4, 10}, io.rlsearch.agents.nn.Mlp.Activation.TANH, new NumpyRandom(1)),
        new double[10]);
    Decision d = g.act(new double[] {1, 2, 3}, new NumpyRandom(4));
    double[] m = g.mean(new double[] {1, 2, 3});
    double log = 0;
    for (int i = 0; i < 10; i++) {
      double z = d.action()[i] - m[i];
      log += -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
    }
    assertEquals(Math.exp(log), d.propensity(), 1e-12 * Math.exp(log) + 1e-300);
    assertEquals(log, g.logDensity(new double[] {1, 2, 3}, d.action()), 1e-9);
  }
}
