package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.continuous.Cem;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.continuous.QEnsembleSnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.TorchRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits.FeatureMode;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The neural labs' own logic, with pure-Java stand-ins for their learners (no DJL): the refusal to run
 * without learners, the shared helpers, the Bradley-Terry check's data, loss and accuracy against an
 * independent logistic regression, Appendix 7.A's driver of the continuous agent, and the RLHF lab's
 * expert and linear Gaussian policy against their definitions. The template-bandit demo (18,000
 * template episodes) and the REINFORCE lab (65,000 episodes) run in a small world in
 * NeuralLabsBanditsTest and NeuralLabsReinforceTest; the calibration check is in
 * NeuralLabsCalibrationTest (its thresholds in NeuralLabsCalibrationBoundaryTest), the RLHF lab's run
 * in NeuralLabsRlhfTest.
 */
class NeuralLabsTest {
  static final SimSettings DEFAULTS = SimSettings.defaults();

  /** Learners that refuse everything: each test overrides what its lab must ask for. */
  static class Refusing implements LabLearners {
    @Override
    public AgentBuilder neuralLinear(int pretrain) {
      throw new AssertionError("the lab asked for the neural-linear bandit");
    }

    @Override
    public AgentBuilder neuralEnsemble() {
      throw new AssertionError("the lab asked for the neural ensemble");
    }

    @Override
    public AgentBuilder continuousQ(double aMax) {
      throw new AssertionError("the lab asked for the Q-ensemble");
    }

    @Override
    public AgentBuilder reinforce(boolean valueBaseline) {
      throw new AssertionError("the lab asked for REINFORCE");
    }

    @Override
    public Scorer scorer(int inputs, int hidden, double lr, long seed) {
      throw new AssertionError("the lab asked for a scorer");
    }

    @Override
    public AgentBuilder reinforceDeep() {
      throw new AssertionError("the lab asked for deep REINFORCE");
    }
  }

  /**
   * A linear scorer {@code w . x + b} (zero at the start) with exact plain gradient steps of size
   * {@code lr}: a step's {@code g[r] / n} is the loss's gradient with respect to row r's output.
   */
  static final class LinearScorer implements LabLearners.Scorer {
    final int inputs;
    final double lr;
    final double[] w;
    double b;
    int steps;
    boolean closed;

    LinearScorer(int inputs, double lr) {
      this.inputs = inputs;
      this.lr = lr;
      this.w = new double[inputs];
    }

    double output(float[] x, int row) {
      double s = b;
      for (int i = 0; i < inputs; i++) {
        s += w[i] * x[row * inputs + i];
      }
      return s;
    }

    @Override
    public float[] score(float[] x, int n) {
      assertEquals(n * inputs, x.length, "rows of the scorer's width");
      float[] out = new float[n];
      for (int r = 0; r < n; r++) {
        out[r] = (float) output(x, r);
      }
      return out;
    }

    @Override
    public void step(float[] x, float[] g, int n) {
      assertEquals(n * inputs, x.length);
      assertEquals(n, g.length);
      double[] gw = new double[inputs];
      double gb = 0;
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < inputs; i++) {
          gw[i] += g[r] / (double) n * x[r * inputs + i];
        }
        gb += g[r] / (double) n;
      }
      for (int i = 0; i < inputs; i++) {
        w[i] -= lr * gw[i];
      }
      b -= lr * gb;
      steps++;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Learners that give one scorer and record what the lab asked for. */
  static final class ScorerLearners extends Refusing {
    final LabLearners.Scorer scorer;
    final List<Object> asked = new ArrayList<>();

    ScorerLearners(LabLearners.Scorer scorer) {
      this.scorer = scorer;
    }

    @Override
    public Scorer scorer(int inputs, int hidden, double lr, long seed) {
      asked.add(List.of(inputs, hidden, lr, seed));
      return scorer;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ch06a-neural-bandits", "ch06a-calibration", "ch07-discrete-vs-continuous", "ch08-reinforce",
      "ch08-bradley-terry", "ch08-rlhf"})
  void everyNeuralLabRefusesToRunWithoutLearners(String name) {
    Lab lab = Labs.find(name).orElseThrow();
    assertTrue(lab.needsLearners(), name);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> lab.run(DEFAULTS));
    assertEquals(name + " trains neural agents: run it with learners (the lab command does)", e.getMessage());
    // the chapter is the name's (6a, 7 or 8), and the lab says what it shows
    assertTrue(lab.chapter().startsWith(name.substring(2, name.indexOf('-')).replaceFirst("^0", "")), lab.chapter());
    assertTrue(lab.shows().length() > 20, lab.shows());
  }

  // ---- shared helpers ----------------------------------------------------------------------------

  @Test
  void trainIsTheSyncRunnersRunInRoundsOfTenAndTailIsTheMeanOfTheLastN() {
    World w = NeuralLabs.world(DEFAULTS, 7);
    Task task = new Task.BoostTemplates(FeatureMode.SIMPLE);
    AgentBuilder lin = BanditAgents.linUcb(new LinUcb.Settings(1.0, 1.0, false), true);
    List<Transition> ours = NeuralLabs.train(w, task, lin, 7, 40);
    World same = World.generate(DEFAULTS.withSeed(7), new NumpyRandom(7));
    List<Transition> ref = SyncRunner.run(same, task, lin, new RunStreams(7), 40, 10, true).transitions();
    assertEquals(40, ours.size());
    for (int i = 0; i < 40; i++) {
      assertEquals(ref.get(i).arm(), ours.get(i).arm(), "episode " + i);
      assertEquals(ref.get(i).reward(), ours.get(i).reward(), 0.0, "episode " + i);
    }
    // a learner that publishes after every episode chooses otherwise: the round size is 10
    List<Transition> everyEpisode = SyncRunner.run(same, task, lin, new RunStreams(7), 40, 1, true).transitions();
    boolean differs = false;
    for (int i = 0; i < 40; i++) {
      differs |= everyEpisode.get(i).arm() != ours.get(i).arm();
    }
    assertTrue(differs, "rounds of 1 and of 10 should choose differently here");
    double r = 0;
    double g = 0;
    for (int i = 28; i < 40; i++) {
      r += ours.get(i).reward();
      g += ours.get(i).breakdown().gmv();
    }
    assertEquals(r / 12, NeuralLabs.tail(ours, 12, false), 1e-12);
    assertEquals(g / 12, NeuralLabs.tail(ours, 12, true), 1e-12);
    assertNotEquals(NeuralLabs.tail(ours, 12, false), NeuralLabs.tail(ours, 12, true), "reward is not GMV here");
  }

  @Test
  void pearsonIsTheSampleCorrelation() {
    // by hand: means 2 and 2, cross sum 1, squares 2 and 2
    assertEquals(0.5, NeuralLabs.pearson(new double[] {1, 2, 3}, new double[] {1, 3, 2}), 1e-15);
    assertEquals(-1.0, NeuralLabs.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-15);
    // unequal means: a = (0, 0, 1, 5), b = (1, 2, 2, 9), means 1.5 and 3.5: the cross sum is
    // sum(a b) - n ma mb = 47 - 21 = 26, the squares sum(a^2) - n ma^2 = 26 - 9 = 17 and 90 - 49 = 41
    assertEquals(26 / Math.sqrt(17 * 41.0), NeuralLabs.pearson(new double[] {0, 0, 1, 5}, new double[] {1, 2, 2, 9}),
        1e-14);
  }

  // ---- ch08-bradley-terry ----------------------------------------------------------------------

  /** The check's data from torch.randn(5, 8) pairs: per-feature means over the steps, and which has the larger mean. */
  private static double[][][] bradleyTerryData(boolean[] aWins) {
    TorchRandom gen = new TorchRandom(2025);
    double[][][] x = new double[64][2][8];
    for (int p = 0; p < 64; p++) {
      float[] a = gen.randn(40);
      float[] b = gen.randn(40);
      double sa = 0;
      double sb = 0;
      for (int t = 0; t < 5; t++) {
        for (int j = 0; j < 8; j++) {
          x[p][0][j] += a[t * 8 + j] / 5.0;
          x[p][1][j] += b[t * 8 + j] / 5.0;
          sa += a[t * 8 + j];
          sb += b[t * 8 + j];
        }
      }
      aWins[p] = sa > sb;
    }
    return x;
  }

  /** A start away from 0 (from 0, swapping every label would only mirror the regression). */
  private static final double[] START = {0.4, -0.3, 0.2, 0.0, -0.5, 0.1, 0.3, -0.2};

  @Test
  void bradleyTerryTrainsALinearScorerAsLogisticRegressionOnTheDifferences() {
    LinearScorer scorer = new LinearScorer(8, 0.05);
    System.arraycopy(START, 0, scorer.w, 0, 8);
    ScorerLearners learners = new ScorerLearners(scorer);
    LabReport r = new NeuralLabs.BradleyTerry().run(DEFAULTS, learners);
    assertEquals(List.of(List.of(8, 32, 1e-3, 2025L)), learners.asked, "8 inputs, 32 tanh units, Adam 1e-3, seed 2025");
    assertTrue(scorer.closed, "the scorer is released");
    assertEquals(5 * 64, scorer.steps, "one step per pair for 5 epochs");
    // independently: logistic regression on x_a - x_b (the bias cancels), one gradient step per pair
    boolean[] aWins = new boolean[64];
    double[][][] x = bradleyTerryData(aWins);
    double[] w = START.clone();
    double[] losses = new double[5];
    for (int e = 0; e < 5; e++) {
      for (int p = 0; p < 64; p++) {
        double z = 0;
        for (int j = 0; j < 8; j++) {
          z += w[j] * (x[p][0][j] - x[p][1][j]);
        }
        losses[e] += Math.log(1 + Math.exp(aWins[p] ? -z : z));
        double d = 1 / (1 + Math.exp(-z)) - (aWins[p] ? 1 : 0);
        for (int j = 0; j < 8; j++) {
          w[j] -= 0.05 * d * (x[p][0][j] - x[p][1][j]);
        }
      }
    }
    int correct = 0;
    for (int p = 0; p < 64; p++) {
      double z = 0;
      for (int j = 0; j < 8; j++) {
        z += w[j] * (x[p][0][j] - x[p][1][j]);
      }
      correct += (z > 0) == aWins[p] ? 1 : 0;
    }
    @SuppressWarnings("unchecked")
    List<Double> ours = (List<Double>) r.figures().get("epoch_total_loss");
    assertEquals(5, ours.size());
    for (int e = 0; e < 5; e++) {
      assertEquals(losses[e], ours.get(e), 1e-4, "epoch " + e + ": " + ours);
    }
    assertTrue(losses[4] < losses[0] - 1, "the regression learns: " + java.util.Arrays.toString(losses));
    assertEquals(correct / 64.0, (double) r.figures().get("pair_accuracy_after_training"), 1e-12);
    assertTrue(correct > 40, "a linear model of the means orders most pairs: " + correct);
    assertEquals(true, r.figures().get("loss_decreases"));
    assertEquals(true, r.book().get("loss_decreases"));
    assertEquals(LabReport.MATCH, r.match().get("loss_decreases"));
    assertTrue(r.sources().get("loss_decreases").contains("bradley_terry_sanity_check.py"));
    assertTrue(r.allMatch());
  }

  /** A scorer that learns nothing and scores a row by its second feature in steps of 1/2: many ties. */
  static final class Steps implements LabLearners.Scorer {
    static double value(double second) {
      return Math.floor(2 * second) / 2;
    }

    @Override
    public float[] score(float[] x, int n) {
      float[] out = new float[n];
      for (int r = 0; r < n; r++) {
        out[r] = (float) value(x[r * 8 + 1]);
      }
      return out;
    }

    @Override
    public void step(float[] x, float[] g, int n) {}

    @Override
    public void close() {}
  }

  @Test
  void aBradleyTerryScorerThatLearnsNothingKeepsItsLossAndTheVerdictSaysTheLossDoesNotFall() {
    LabReport r = new NeuralLabs.BradleyTerry().run(DEFAULTS, new ScorerLearners(new Steps()));
    boolean[] aWins = new boolean[64];
    double[][][] x = bradleyTerryData(aWins);
    double loss = 0;
    int correct = 0;
    int tiesWon = 0;
    int tiesLost = 0;
    for (int p = 0; p < 64; p++) {
      double z = Steps.value(x[p][0][1]) - Steps.value(x[p][1][1]);
      loss += Math.log(1 + Math.exp(aWins[p] ? -z : z));
      // a tie does not put "a" ahead
      correct += (z > 0) == aWins[p] ? 1 : 0;
      tiesWon += z == 0 && aWins[p] ? 1 : 0;
      tiesLost += z == 0 && !aWins[p] ? 1 : 0;
    }
    assertNotEquals(tiesWon, tiesLost, "ties decide the accuracy here");
    @SuppressWarnings("unchecked")
    List<Double> ours = (List<Double>) r.figures().get("epoch_total_loss");
    assertEquals(5, ours.size());
    for (double l : ours) {
      assertEquals(loss, l, 1e-4, "the same loss every epoch: " + ours);
      assertEquals(ours.get(0), l, 0.0);
    }
    assertEquals(false, r.figures().get("loss_decreases"));
    assertEquals("the loss does not fall over the 5 epochs", r.match().get("loss_decreases"));
    assertEquals(correct / 64.0, (double) r.figures().get("pair_accuracy_after_training"), 1e-12);
  }

  @Test
  void aZeroDifferenceCostsLogTwoAPair() {
    LabReport r = new NeuralLabs.BradleyTerry().run(DEFAULTS, new ScorerLearners(new LinearScorer(8, 0.0)));
    @SuppressWarnings("unchecked")
    List<Double> ours = (List<Double>) r.figures().get("epoch_total_loss");
    for (double l : ours) {
      assertEquals(64 * Math.log(2), l, 1e-9, "whatever the label");
    }
  }

  // ---- ch07-discrete-vs-continuous: the driver of the continuous agent ---------------------------

  /** Builds one rule that acts with {@code snapshot} and records its life. */
  static final class Recording implements AgentBuilder {
    final PolicySnapshot snapshot;
    final List<int[]> created = new ArrayList<>();
    final List<Long> versions = new ArrayList<>();
    final List<Object[]> observed = new ArrayList<>();
    int closed;

    Recording(PolicySnapshot snapshot) {
      this.snapshot = snapshot;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public UpdateRule create(int arms, int dim) {
      created.add(new int[] {arms, dim});
      return new UpdateRule() {
        @Override
        public void observe(double[] context, Decision decision, double reward) {
          observed.add(new Object[] {context, decision, reward});
        }

        @Override
        public PolicySnapshot snapshot(long version) {
          versions.add(version);
          return snapshot;
        }

        @Override
        public boolean learns() {
          return true;
        }

        @Override
        public void close() {
          closed++;
        }
      };
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void theDriverActsWithTheScriptsDecayingWidthOnThePolicyStreamOf42AndLearnsEachRewardAtOnce() {
    // Q(x, a) = a_0 + beta |a_1| from two members a_0 + a_1 and a_0 - a_1: the width decides the trade-off
    int dim = 3;
    float[] up = new float[dim + 10];
    float[] down = new float[dim + 10];
    up[dim] = 1;
    down[dim] = 1;
    up[dim + 1] = 1;
    down[dim + 1] = -1;
    List<Mlp> members = List.of(new Mlp(new int[] {dim + 10, 1}, new float[][] {up}, new float[][] {{0f}},
        Mlp.Activation.TANH), new Mlp(new int[] {dim + 10, 1}, new float[][] {down}, new float[][] {{0f}},
        Mlp.Activation.TANH));
    Cem.Settings cem = new Cem.Settings(16, 0.25, 3, 0.5, 0.05, 0.5, 1.0, false, 0);
    QEnsembleSnapshot q = new QEnsembleSnapshot(0, members, 0.0, cem, 10);
    Recording agent = new Recording(q);
    NumpyRandom stream = new RunStreams(42).policy(0);
    boolean widthMatters = false;
    try (NeuralLabs.DiscreteVsContinuous.Driven d = new NeuralLabs.DiscreteVsContinuous.Driven(agent)) {
      for (int ep = 1; ep <= 4; ep++) {
        double[] x = {ep, -1, 0.5};
        double[] a = d.act(x, ep, 4);
        NumpyRandom other = stream.copy();
        double[] expected = q.withBeta(2.0 * Math.exp(-4.0 * ep / 4)).act(x, stream).action();
        assertArrayEquals(expected, a, 0.0, "episode " + ep);
        widthMatters |= !java.util.Arrays.equals(a, q.withBeta(2.0).act(x, other).action());
        d.learn(x, a, 1.5 * ep);
      }
      assertTrue(widthMatters, "the width changes a decision");
      assertEquals(1, agent.created.size(), "the rule is made once");
      assertArrayEquals(new int[] {0, dim}, agent.created.get(0), "no arms, the context's dimension");
      assertEquals(List.of(0L, 1L, 2L, 3L), agent.versions, "each decision with the version after the last lesson");
      assertEquals(4, agent.observed.size());
      for (int i = 0; i < 4; i++) {
        Decision dec = (Decision) agent.observed.get(i)[1];
        assertEquals(1.0, dec.propensity(), 0.0);
        assertEquals(10, dec.action().length);
        assertEquals(1.5 * (i + 1), (double) agent.observed.get(i)[2], 0.0);
        assertEquals(i + 1.0, ((double[]) agent.observed.get(i)[0])[0], 0.0);
      }
      assertEquals(0, agent.closed);
    }
    assertEquals(1, agent.closed, "closing the driver releases the rule");
  }

  @Test
  void theDriverPassesOtherPoliciesThroughAndClosesNothingItNeverMade() {
    double[] v = {0.5, 0, 0, 0, 0, -0.5, 0, 0, 0, 0};
    Recording agent = new Recording(ContinuousAgents.constant("c", v).create(0, 2).snapshot(0));
    try (NeuralLabs.DiscreteVsContinuous.Driven d = new NeuralLabs.DiscreteVsContinuous.Driven(agent)) {
      assertArrayEquals(v, d.act(new double[] {1, 2}, 1, 3000), 0.0);
    }
    assertEquals(1, agent.closed);
    Recording unused = new Recording(null);
    new NeuralLabs.DiscreteVsContinuous.Driven(unused).close();
    assertTrue(unused.created.isEmpty());
    assertEquals(0, unused.closed);
  }

  // ---- ch08-rlhf: the expert and the linear Gaussian policy ------------------------------------

  @Test
  void theExpertPlaysOneOfThreeVectorsByTheSignsOfTheFirstTwoCoordinates() {
    double[] pos = new double[10];
    pos[0] = 2.0;
    pos[1] = -1.5;
    double[] neg = new double[10];
    neg[0] = 0.5;
    neg[1] = 2.0;
    double[] flat = new double[10];
    java.util.Arrays.fill(flat, 0.25);
    assertArrayEquals(pos, NeuralLabs.Rlhf.expert(new double[] {0.3, -0.2, 9}), 1e-15);
    assertArrayEquals(pos, NeuralLabs.Rlhf.expert(new double[] {0.3, 0.0}), 1e-15, "query 0 counts as not positive");
    assertArrayEquals(neg, NeuralLabs.Rlhf.expert(new double[] {-0.3, 0.2}), 1e-15);
    assertArrayEquals(neg, NeuralLabs.Rlhf.expert(new double[] {0.0, 0.2}), 1e-15, "segment 0 counts as not positive");
    assertArrayEquals(flat, NeuralLabs.Rlhf.expert(new double[] {0.3, 0.2}), 1e-15);
    assertArrayEquals(flat, NeuralLabs.Rlhf.expert(new double[] {-0.3, -0.2}), 1e-15);
    assertArrayEquals(flat, NeuralLabs.Rlhf.expert(new double[] {0.0, 0.0}), 1e-15);
  }

  private static NeuralLabs.LinearGaussian policy(long seed) {
    NumpyRandom rng = new NumpyRandom(seed);
    NeuralLabs.LinearGaussian p = new NeuralLabs.LinearGaussian(3);
    for (int k = 0; k < 10; k++) {
      for (int i = 0; i <= 3; i++) {
        p.w[k][i] = rng.normal(0, 0.5);
      }
      p.logStd[k] = rng.uniform(-1.5, 0.8);
    }
    return p;
  }

  /** log pi(a | x) from the Gaussian density, stds taken unclamped (the tests stay inside the clamp). */
  private static double logDensity(NeuralLabs.LinearGaussian p, double[] x, double[] a) {
    double s = 0;
    for (int k = 0; k < 10; k++) {
      double m = p.w[k][3];
      for (int i = 0; i < 3; i++) {
        m += p.w[k][i] * x[i];
      }
      double sd = Math.exp(p.logStd[k]);
      s += -Math.log(sd) - 0.5 * Math.log(2 * Math.PI) - (a[k] - m) * (a[k] - m) / (2 * sd * sd);
    }
    return s;
  }

  @Test
  void theLinearGaussianHasABiasedMeanAndAClampedStd() {
    NeuralLabs.LinearGaussian p = new NeuralLabs.LinearGaussian(2);
    p.w[3] = new double[] {2, -1, 0.5};
    assertEquals(2 * 1.5 - 1 * 4 + 0.5, p.mean(3, new double[] {1.5, 4}), 1e-15);
    assertEquals(0.0, p.mean(2, new double[] {1.5, 4}), 0.0);
    p.logStd[0] = 0.3;
    p.logStd[1] = 1.7;
    p.logStd[2] = -2.5;
    assertEquals(Math.exp(0.3), p.std(0), 1e-15);
    assertEquals(Math.E, p.std(1), 1e-15, "log std at most 1");
    assertEquals(Math.exp(-2), p.std(2), 1e-15, "log std at least -2");
    NeuralLabs.LinearGaussian c = p.copy();
    c.w[3][0] = 7;
    c.logStd[0] = 0;
    assertEquals(2.0, p.w[3][0], 0.0, "the copy is deep");
    assertEquals(0.3, p.logStd[0], 0.0);
    assertEquals(-1.0, c.w[3][1], 0.0);
    assertEquals(1.7, c.logStd[1], 0.0);
  }

  @Test
  void theLogProbGradientIsTheDensitysDerivative() {
    NeuralLabs.LinearGaussian p = policy(3);
    double[] x = {0.7, -1.2, 0.4};
    double[] a = new double[10];
    for (int k = 0; k < 10; k++) {
      a[k] = 0.3 * k - 1;
    }
    double[][] gw = new double[10][4];
    double[] gs = new double[10];
    gw[2][1] = 5;
    gs[4] = -1;
    p.addLogProbGradient(x, a, 0.7, gw, gs);
    double h = 1e-6;
    for (int k = 0; k < 10; k++) {
      for (int i = 0; i <= 3; i++) {
        double keep = p.w[k][i];
        p.w[k][i] = keep + h;
        double hi = logDensity(p, x, a);
        p.w[k][i] = keep - h;
        double lo = logDensity(p, x, a);
        p.w[k][i] = keep;
        double added = (k == 2 && i == 1) ? 5 : 0;
        assertEquals(added + 0.7 * (hi - lo) / (2 * h), gw[k][i], 1e-6, "w[" + k + "][" + i + "]");
      }
      double keep = p.logStd[k];
      p.logStd[k] = keep + h;
      double hi = logDensity(p, x, a);
      p.logStd[k] = keep - h;
      double lo = logDensity(p, x, a);
      p.logStd[k] = keep;
      assertEquals((k == 4 ? -1 : 0) + 0.7 * (hi - lo) / (2 * h), gs[k], 1e-6, "logStd[" + k + "]");
    }
  }

  /** KL(N(m1, s1^2) || N(m2, s2^2)) by Simpson's rule over m1 +- 12 s1. */
  private static double klByQuadrature(double m1, double s1, double m2, double s2) {
    int n = 20_000;
    double lo = m1 - 12 * s1;
    double step = 24 * s1 / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double y = lo + i * step;
      double lp = -Math.log(s1) - 0.5 * Math.log(2 * Math.PI) - (y - m1) * (y - m1) / (2 * s1 * s1);
      double lq = -Math.log(s2) - 0.5 * Math.log(2 * Math.PI) - (y - m2) * (y - m2) / (2 * s2 * s2);
      double f = Math.exp(lp) * (lp - lq);
      sum += f * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2));
    }
    return sum * step / 3;
  }

  @Test
  void theKlIsTheGaussiansDivergenceAndItsGradientItsDerivative() {
    NeuralLabs.LinearGaussian p = policy(5);
    NeuralLabs.LinearGaussian q = policy(6);
    double[] x = {-0.4, 0.9, 1.3};
    double expected = 0;
    for (int k = 0; k < 10; k++) {
      expected += klByQuadrature(p.mean(k, x), Math.exp(p.logStd[k]), q.mean(k, x), Math.exp(q.logStd[k]));
    }
    assertEquals(expected, p.kl(x, q), 1e-8);
    assertEquals(0.0, p.kl(x, p.copy()), 1e-15);
    assertTrue(p.kl(x, q) != q.kl(x, p), "KL is not symmetric");
    double[][] gw = new double[10][4];
    double[] gs = new double[10];
    p.addKlGradient(x, q, -0.1, gw, gs);
    double h = 1e-6;
    for (int k = 0; k < 10; k++) {
      for (int i = 0; i <= 3; i++) {
        double keep = p.w[k][i];
        p.w[k][i] = keep + h;
        double hi = p.kl(x, q);
        p.w[k][i] = keep - h;
        double lo = p.kl(x, q);
        p.w[k][i] = keep;
        assertEquals(-0.1 * (hi - lo) / (2 * h), gw[k][i], 1e-6, "w[" + k + "][" + i + "]");
      }
      double keep = p.logStd[k];
      p.logStd[k] = keep + h;
      double hi = p.kl(x, q);
      p.logStd[k] = keep - h;
      double lo = p.kl(x, q);
      p.logStd[k] = keep;
      assertEquals(-0.1 * (hi - lo) / (2 * h), gs[k], 1e-6, "logStd[" + k + "]");
    }
  }

  @Test
  void ascendIsAdamUpTheMeanGradientAndClearsTheSums() {
    NeuralLabs.LinearGaussian p = new NeuralLabs.LinearGaussian(1);
    double[][] gw = new double[10][2];
    double[] gs = new double[10];
    gw[0][0] = 4;
    gw[0][1] = -4;
    gs[9] = 6;
    p.ascend(gw, gs, 2, 0.01);
    // Adam's first step is lr times the gradient's sign (bias-corrected moments g and g^2)
    assertEquals(0.01, p.w[0][0], 1e-9);
    assertEquals(-0.01, p.w[0][1], 1e-9);
    assertEquals(0.0, p.w[1][0], 0.0);
    assertEquals(0.01, p.logStd[9], 1e-9);
    assertEquals(0.0, gw[0][0], 0.0, "the sums are cleared");
    assertEquals(0.0, gs[9], 0.0);
    // the second, with the mean gradient -1 after 2: m = 0.9 * 0.2 - 0.1 = 0.08 over 1 - 0.81,
    // v = 0.999 * 0.004 + 0.001 over 1 - 0.998001
    gw[0][0] = -2;
    p.ascend(gw, gs, 2, 0.01);
    double m = (0.9 * 0.2 - 0.1) / (1 - 0.81);
    double v = (0.999 * 0.004 + 0.001) / (1 - 0.998001);
    assertEquals(0.01 * 2 / (2 + 1e-8) + 0.01 * m / (Math.sqrt(v) + 1e-8), p.w[0][0], 1e-15);
  }

  @Test
  void theRlhfSnapshotActsWithTheMeanOrDrawsAroundItFromTheStreamAndIsFrozen() {
    NeuralLabs.LinearGaussian p = policy(8);
    double[] x = {0.2, 0.1, -0.3};
    PolicySnapshot mean = p.snapshot(true);
    PolicySnapshot noisy = p.snapshot(false);
    assertEquals("rlhf_policy", mean.agent());
    assertEquals(0L, mean.version());
    double[] expectedMean = new double[10];
    double[] expectedDraw = new double[10];
    NumpyRandom ref = new NumpyRandom(11);
    for (int k = 0; k < 10; k++) {
      expectedMean[k] = p.mean(k, x);
      expectedDraw[k] = p.mean(k, x) + p.std(k) * ref.standardNormal();
    }
    p.w[0][3] += 10;
    Decision dm = mean.act(x, new NumpyRandom(11));
    assertArrayEquals(expectedMean, dm.action(), 1e-15, "the snapshot is a copy");
    assertEquals(1.0, dm.propensity(), 0.0);
    assertArrayEquals(expectedDraw, noisy.act(x, new NumpyRandom(11)).action(), 1e-15);
    assertFalse(java.util.Arrays.equals(expectedMean, expectedDraw));
  }
}
