package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The learner's fast optimiser step changes no number: contq, PPO, REINFORCE with a value baseline and
 * the regression model's other losses (weight decay, clipping, the conservative and grouped steps),
 * trained through DJL's own optimiser and through the learner's step, end with bit-identical weights,
 * optimiser-driven states and losses.
 */
class LearnerEquivalenceTest {
  private static final int DIM = 17;

  /** A fingerprint of an agent's state after training on {@code n} synthetic transitions. */
  private static String trainAgent(boolean djlOptimiser, Function<SharedLearner, AgentBuilder> agent, int n) {
    try (SharedLearner learner = new SharedLearner(LearnerDevice.CPU)) {
      learner.useDjlOptimiser(djlOptimiser);
      UpdateRule rule = agent.apply(learner).create(0, DIM);
      NumpyRandom rng = new NumpyRandom(7);
      for (int i = 0; i < n; i++) {
        double[] x = new double[DIM];
        for (int j = 0; j < DIM; j++) {
          x[j] = rng.normal(0, 1);
        }
        double[] a = new double[10];
        double r = x[0];
        for (int j = 0; j < 10; j++) {
          a[j] = rng.uniform(-1, 1);
          r += 0.3 * a[j] * x[j + 1] - 0.1 * a[j] * a[j];
        }
        rule.observe(x, Decision.continuous(a, 0.5), r + rng.normal(0, 0.1));
      }
      AgentState s = rule.state().orElseThrow();
      rule.close();
      return digest(new TreeMap<>(s.arrays()));
    }
  }

  private static String digest(Map<String, double[]> arrays) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, double[]> e : arrays.entrySet()) {
        md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(8 * e.getValue().length);
        for (double d : e.getValue()) {
          b.putLong(Double.doubleToRawLongBits(d));
        }
        md.update(b.array());
      }
      return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void contqTrainsToTheSameBitsEitherWay() {
    // 640 transitions: 20 updates of 8 minibatches for each of 5 members, 800 optimiser steps.
    Function<SharedLearner, AgentBuilder> contq = l -> NeuralAgents.qEnsemble(l,
        NeuralAgents.QEnsembleSettings.battle(1.0));
    assertEquals(trainAgent(true, contq, 640), trainAgent(false, contq, 640));
  }

  @Test
  void ppoTrainsToTheSameBitsEitherWay() {
    // 640 transitions: 10 rollouts of 4 epochs of 4 policy and 4 value minibatches, 320 steps, value clipped.
    Function<SharedLearner, AgentBuilder> ppo = l -> PpoAgent.builder(l, PpoAgent.Settings.battle());
    assertEquals(trainAgent(true, ppo, 640), trainAgent(false, ppo, 640));
  }

  @Test
  void reinforceWithAValueBaselineTrainsToTheSameBitsEitherWay() {
    Function<SharedLearner, AgentBuilder> rb = l -> NeuralAgents.reinforce(l,
        NeuralAgents.ReinforceSettings.battle(true));
    assertEquals(trainAgent(true, rb, 640), trainAgent(false, rb, 640));
  }

  /** Weights and losses of a regression model after every kind of step, with weight decay and clipping. */
  private static String trainRegression(boolean djlOptimiser, double weightDecay, double clipNorm) {
    try (SharedLearner learner = new SharedLearner(LearnerDevice.CPU)) {
      learner.useDjlOptimiser(djlOptimiser);
      // Layer sizes whose tensors are not multiples of the kernels' vector width (tails).
      Mlp init = MlpInit.create(new int[] {5, 13, 7, 3}, Mlp.Activation.TANH, new NumpyRandom(3));
      Mlp init1 = MlpInit.create(new int[] {5, 13, 1}, Mlp.Activation.RELU, new NumpyRandom(4));
      RegressionModel multi = learner.regression("multi", init, 3e-3, weightDecay, clipNorm);
      RegressionModel single = learner.regression("single", init1, 1e-2, weightDecay, clipNorm);
      NumpyRandom rng = new NumpyRandom(5);
      List<Double> losses = new ArrayList<>();
      int m = 24;
      for (int it = 0; it < 40; it++) {
        float[] x = floats(rng, m * 5, 1.5);
        float[] y3 = floats(rng, m * 3, 2);
        float[] y = floats(rng, m, 2);
        float[] w = floats(rng, m, 1);
        losses.add(multi.weightedStep(x, y3, w, m));
        losses.add(multi.outputGradientStep(x, floats(rng, m * 3, 1), m));
        losses.add(single.fit(x, y, m, 2, 10, rng));
        losses.add(single.expectileStep(x, y, m, 0.7));
        double[] c = single.conservativeStep(x, y, m, floats(rng, m * 4 * 5, 1), 4, 0.5);
        losses.add(c[0]);
        losses.add(c[1]);
        losses.add(single.groupedStep(x, 6, 4, floats(rng, 6, 1)));
      }
      Map<String, double[]> out = new TreeMap<>();
      multi.export().putState("multi", out);
      single.export().putState("single", out);
      out.put("losses", losses.stream().mapToDouble(Double::doubleValue).toArray());
      out.put("steps", new double[] {multi.steps(), single.steps()});
      return digest(out);
    }
  }

  private static float[] floats(NumpyRandom rng, int n, double sd) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) rng.normal(0, sd);
    }
    return f;
  }

  @Test
  void regressionStepsWithWeightDecayAndClippingGiveTheSameBitsEitherWay() {
    assertEquals(trainRegression(true, 1e-3, 0.5), trainRegression(false, 1e-3, 0.5));
    assertEquals(trainRegression(true, 0, 0), trainRegression(false, 0, 0));
  }
}
