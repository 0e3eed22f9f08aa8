package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lab 8.4 (RLHF) with a fixed linear reward model in place of the trained network: the lab's three
 * stages are re-done here from their definitions (the expert's demonstrations, maximum-likelihood SFT
 * with Adam, the reward model's Bradley-Terry gradients, REINFORCE on the model's reward centred on its
 * running mean with the exact KL gradient, the held-out GMV of each stage's mean action) and every
 * figure must agree. The reward model rewards boost 8 (which raises true GMV here), so the fine-tuned
 * policy beats SFT.
 */
class NeuralLabsRlhfTest {
  static final SimSettings DEFAULTS = SimSettings.defaults();
  static final Task TASK = new Task.BoostWeights(ContextFeatures.Mode.RICH_EST, 5.0, List.of());

  /**
   * A reward model that does not learn: {@code sum_k c_k in_k} over the last 10 inputs (the boosts in
   * units of the box). It records its Bradley-Terry steps and the single rows it scores.
   */
  static final class FixedRewardModel implements LabLearners.Scorer {
    final double[] c;
    final List<float[]> stepRows = new ArrayList<>();
    final List<float[]> stepGradients = new ArrayList<>();
    final List<float[]> singleRows = new ArrayList<>();
    boolean closed;

    FixedRewardModel(double[] c) {
      this.c = c;
    }

    static float value(double[] c, float[] x, int from, int width) {
      double s = 0;
      for (int k = 0; k < 10; k++) {
        s += c[k] * x[from + width - 10 + k];
      }
      return (float) s;
    }

    @Override
    public float[] score(float[] x, int n) {
      int width = x.length / n;
      if (n == 1) {
        singleRows.add(x.clone());
      }
      float[] out = new float[n];
      for (int r = 0; r < n; r++) {
        out[r] = value(c, x, r * width, width);
      }
      return out;
    }

    @Override
    public void step(float[] x, float[] g, int n) {
      assertEquals(2, n);
      stepRows.add(x.clone());
      stepGradients.add(g.clone());
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A frozen continuous policy from a function of the context. */
  static AgentBuilder policy(String name, java.util.function.Function<double[], double[]> f) {
    return ContinuousAgents.frozen(name, v -> new PolicySnapshot() {
      @Override
      public String agent() {
        return name;
      }

      @Override
      public long version() {
        return v;
      }

      @Override
      public Decision act(double[] x, NumpyRandom rng) {
        return Decision.continuous(f.apply(x), 1.0);
      }
    });
  }

  /** The expert, from the lab's statement: three fixed vectors (in units of the box 5) by the signs of x_0 and x_1. */
  static double[] expert(double[] x) {
    double[] a = new double[10];
    if (x[0] > 0 && x[1] <= 0) {
      a[0] = 2.0;
      a[1] = -1.5;
    } else if (x[0] <= 0 && x[1] > 0) {
      a[0] = 0.5;
      a[1] = 2.0;
    } else {
      java.util.Arrays.fill(a, 0.25);
    }
    return a;
  }

  static List<Transition> run(World w, AgentBuilder agent, long seed, int episodes) {
    return SyncRunner.run(w, TASK, agent, new RunStreams(seed), episodes, 10, true).transitions();
  }

  static double meanGmv(List<Transition> ts) {
    double s = 0;
    for (Transition t : ts) {
      s += t.breakdown().gmv();
    }
    return s / ts.size();
  }

  /** A diagonal Gaussian policy, mean linear in the context with a bias, log std per boost, and Adam ascent. */
  static final class Gaussian {
    final int d;
    final double[][] w;
    final double[] ls = new double[10];
    final double[][] m;
    final double[][] v;
    final double[][] gw;
    int t;

    Gaussian(int d) {
      this.d = d;
      // rows 0..9: the boosts' weights (bias last); row 10: the log stds
      int width = Math.max(d + 1, 10);
      w = new double[10][d + 1];
      m = new double[11][width];
      v = new double[11][width];
      gw = new double[11][width];
    }

    Gaussian copy() {
      Gaussian c = new Gaussian(d);
      for (int k = 0; k < 10; k++) {
        c.w[k] = w[k].clone();
      }
      System.arraycopy(ls, 0, c.ls, 0, 10);
      return c;
    }

    double mean(int k, double[] x) {
      double s = w[k][d];
      for (int i = 0; i < d; i++) {
        s += w[k][i] * x[i];
      }
      return s;
    }

    double sd(int k) {
      return Math.exp(Math.min(1, Math.max(-2, ls[k])));
    }

    double[] means(double[] x) {
      double[] a = new double[10];
      for (int k = 0; k < 10; k++) {
        a[k] = mean(k, x);
      }
      return a;
    }

    /** d/dtheta of scale * log N(a; mean, sd^2) (row 10 of gw holds the log stds' gradient). */
    void logDensityGradient(double[] x, double[] a, double scale) {
      for (int k = 0; k < 10; k++) {
        double s = sd(k);
        double u = (a[k] - mean(k, x)) / s;
        for (int i = 0; i < d; i++) {
          gw[k][i] += scale * u / s * x[i];
        }
        gw[k][d] += scale * u / s;
        gw[10][k] += scale * (u * u - 1);
      }
    }

    /** d/dtheta of scale * KL(this || ref) at x. */
    void klGradient(double[] x, Gaussian ref, double scale) {
      for (int k = 0; k < 10; k++) {
        double s = sd(k);
        double r = ref.sd(k);
        double dm = (mean(k, x) - ref.mean(k, x)) / (r * r);
        for (int i = 0; i < d; i++) {
          gw[k][i] += scale * dm * x[i];
        }
        gw[k][d] += scale * dm;
        gw[10][k] += scale * (s * s / (r * r) - 1);
      }
    }

    double kl(double[] x, Gaussian ref) {
      double s = 0;
      for (int k = 0; k < 10; k++) {
        double s1 = sd(k);
        double s2 = ref.sd(k);
        double dm = mean(k, x) - ref.mean(k, x);
        s += Math.log(s2 / s1) + (s1 * s1 + dm * dm) / (2 * s2 * s2) - 0.5;
      }
      return s;
    }

    /** Adam (0.9, 0.999, 1e-8) up the mean gradient over {@code n}, then the sums are cleared. */
    void adam(int n, double lr) {
      t++;
      for (int k = 0; k <= 10; k++) {
        double[] p = k < 10 ? w[k] : ls;
        for (int i = 0; i < p.length; i++) {
          double g = gw[k][i] / n;
          m[k][i] = 0.9 * m[k][i] + 0.1 * g;
          v[k][i] = 0.999 * v[k][i] + 0.001 * g * g;
          p[i] += lr * (m[k][i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[k][i] / (1 - Math.pow(0.999, t))) + 1e-8);
          gw[k][i] = 0;
        }
      }
    }
  }

  /** The reward model's input for one episode: the context, then the boosts over the box, as floats. */
  static float[] input(double[] x, double[] a) {
    float[] in = new float[x.length + 10];
    for (int i = 0; i < x.length; i++) {
      in[i] = (float) x[i];
    }
    for (int k = 0; k < 10; k++) {
      in[x.length + k] = (float) (Math.max(-5, Math.min(5, a[k])) / 5);
    }
    return in;
  }

  static float[] concat(float[] a, float[] b) {
    float[] x = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, x, a.length, b.length);
    return x;
  }

  /** SFT: 10 epochs over the 100 demonstrations in batches of 64 (then 36), Adam 1e-3, permutations from 2025. */
  static Gaussian sft(List<Transition> expertEps) {
    Gaussian sft = new Gaussian(expertEps.get(0).context().length);
    NumpyRandom rng = new NumpyRandom(2025);
    for (int epoch = 0; epoch < 10; epoch++) {
      int[] perm = rng.choiceWithoutReplacement(100, 100);
      for (int start = 0; start < 100; start += 64) {
        int n = Math.min(64, 100 - start);
        for (int i = start; i < start + n; i++) {
          double[] x = expertEps.get(perm[i]).context();
          sft.logDensityGradient(x, expert(x), 1.0);
        }
        sft.adam(n, 1e-3);
      }
    }
    return sft;
  }

  /** The expert's 200 demonstration episodes on the world of 2025 (the first 100 teach, the others test). */
  static List<Transition> demonstrations(World w) {
    return run(w, policy("expert", NeuralLabsRlhfTest::expert), 2025, 200);
  }

  /**
   * Stages (2) and (3) and the fine-tuned policy's GMV; SFT's and the expert's GMV are checked in
   * NeuralLabsRlhfNoRewardTest (the same in both runs: they do not depend on the reward model).
   */
  @Test
  void everyStageEqualsItsDefinitionRedoneHere() {
    double[] c = new double[10];
    c[8] = 10;
    FixedRewardModel rm = new FixedRewardModel(c);
    NeuralLabsTest.ScorerLearners learners = new NeuralLabsTest.ScorerLearners(rm);
    LabReport r = new NeuralLabs.Rlhf().run(DEFAULTS, learners);

    World w = World.generate(DEFAULTS.withSeed(2025), new NumpyRandom(2025));
    List<Transition> demo = demonstrations(w);
    List<Transition> expertEps = demo.subList(0, 100);
    List<Transition> testEps = demo.subList(100, 200);
    int d = demo.get(0).context().length;
    assertEquals(List.of(List.of(d + 10, 64, 1e-3, 2025L)), learners.asked, "context and 10 boosts, 64 units, Adam 1e-3");
    assertTrue(rm.closed, "the reward model is released");

    Gaussian sft = sft(expertEps);

    // (2) the reward model's Bradley-Terry steps on 200 pairs for 10 epochs, then its accuracy on other pairs
    NumpyRandom pr = new NumpyRandom(2025);
    int[][] pairs = new int[200][2];
    for (int[] p : pairs) {
      p[0] = (int) pr.integers(0, 100);
      p[1] = (int) pr.integers(0, 100);
    }
    assertEquals(2000, rm.stepRows.size(), "one step per pair for 10 epochs");
    for (int s = 0; s < 2000; s++) {
      Transition a = expertEps.get(pairs[s % 200][0]);
      Transition b = expertEps.get(pairs[s % 200][1]);
      float[] x = concat(input(a.context(), expert(a.context())), input(b.context(), expert(b.context())));
      assertArrayEquals(x, rm.stepRows.get(s), "step " + s);
      double z = FixedRewardModel.value(c, x, 0, d + 10) - FixedRewardModel.value(c, x, d + 10, d + 10);
      double q = 1 / (1 + Math.exp(-z)) - (a.breakdown().gmv() > b.breakdown().gmv() ? 1 : 0);
      assertArrayEquals(new float[] {(float) (2 * q), (float) (-2 * q)}, rm.stepGradients.get(s), 1e-6f, "step " + s);
    }
    int correct = 0;
    int decided = 0;
    for (int i = 0; i < 200; i++) {
      Transition a = testEps.get((int) pr.integers(0, 100));
      Transition b = testEps.get((int) pr.integers(0, 100));
      double ga = a.breakdown().gmv();
      double gb = b.breakdown().gmv();
      if (ga != gb) {
        decided++;
        boolean aAhead = FixedRewardModel.value(c, input(a.context(), expert(a.context())), 0, d + 10)
            > FixedRewardModel.value(c, input(b.context(), expert(b.context())), 0, d + 10);
        correct += aAhead == (ga > gb) ? 1 : 0;
      }
    }
    assertTrue(decided > 20 && decided < 200, "ties (no purchase on either side) are left out: " + decided);
    assertEquals(correct / (double) decided, (double) r.figures().get("reward_model_pair_accuracy"), 1e-12);

    // (3) REINFORCE from SFT on 2,000 users of the zero vector's stream 4242, drawing from 4243
    List<Transition> users = run(w, policy("probe", x -> new double[10]), 4242, 2000);
    Gaussian rl = sft.copy();
    Gaussian ref = sft.copy();
    NumpyRandom act = new NumpyRandom(4243);
    double baseline = 0;
    assertEquals(2000, rm.singleRows.size(), "one reward per episode");
    boolean clipped = false;
    for (int e = 0; e < 2000; e++) {
      double[] x = users.get(e).context();
      double[] a = new double[10];
      for (int k = 0; k < 10; k++) {
        a[k] = rl.mean(k, x) + rl.sd(k) * act.standardNormal();
        clipped |= Math.abs(a[k]) > 5;
      }
      float[] in = input(x, a);
      assertArrayEquals(in, rm.singleRows.get(e), "episode " + e);
      double j = FixedRewardModel.value(c, in, 0, d + 10);
      baseline += (j - baseline) / Math.min(e + 1, 200);
      rl.logDensityGradient(x, a, j - baseline);
      rl.klGradient(x, ref, -0.1);
      if ((e + 1) % 16 == 0) {
        rl.adam(16, 3e-3);
      }
    }
    assertTrue(clipped, "some boost leaves the box, and the reward model sees it clipped");
    double kl = 0;
    for (Transition t : users.subList(1800, 2000)) {
      kl += rl.kl(t.context(), ref) / 200;
    }
    assertEquals(kl, (double) r.figures().get("kl_to_sft_last_200"), 1e-9 * kl);

    // the fine-tuned mean action on the 1,000 held-out users (streams of 99)
    double rlGmv = meanGmv(run(w, policy("rl", rl::means), 99, 1000));
    assertEquals(rlGmv, (double) r.figures().get("rl_gmv"), 1e-9);
    assertTrue(rlGmv > (double) r.figures().get("sft_gmv"), r.figures().toString());

    assertEquals(true, r.figures().get("rl_beats_sft"));
    assertEquals(true, r.book().get("rl_beats_sft"));
    assertEquals(LabReport.MATCH, r.match().get("rl_beats_sft"));
    assertEquals(10.4, r.book().get("sft_gmv"));
    assertEquals(0.78, r.book().get("reward_model_pair_accuracy"));
    assertEquals(12.1, r.book().get("rl_gmv"));
    for (String k : List.of("sft_gmv", "reward_model_pair_accuracy", "rl_gmv")) {
      assertTrue(r.match().get(k).startsWith("no recorded run"), k);
      assertTrue(r.sources().get(k).contains("Lab 8.4"), k);
    }
    assertEquals(List.of("sft_gmv", "reward_model_pair_accuracy", "rl_gmv", "expert_gmv", "kl_to_sft_last_200",
        "rl_beats_sft"), List.copyOf(r.figures().keySet()));
  }
}
