package io.rlsearch.eval.opl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.logs.ObdDataset;
import io.rlsearch.eval.ope.LoggedDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The objectives' values and gradients by hand, the DR learner's construction, and the adapters' bounds. */
class SoftmaxObjectiveExactTest {
  // One bias feature, two actions, theta = (0, ln 3): pi = (1/4, 3/4) for every row. Row 1 logs action 0 with
  // weight 2 and reward 1, row 2 action 1 with weight 4 and reward 0; q = (0.5, 1) on both; l2 = 0.1.
  private static final double LN3 = Math.log(3);
  private static final double[][] PHI = {{1}, {1}};
  private static final int[] ACTIONS = {0, 1};
  private static final double[] W = {2, 4};

  @Test
  void theIpwObjectiveIsTheWeightedMeanLogLikelihoodLessThePenalty() {
    SoftmaxObjective obj = SoftmaxObjective.ipw(PHI, ACTIONS, W, 2, 0.1);
    double[] g = new double[2];
    double v = obj.evaluate(new double[] {0, LN3}, g);
    assertEquals((2 * Math.log(0.25) + 4 * Math.log(0.75)) / 2 - 0.05 * LN3 * LN3, v, 1e-12);
    // Per row w (1[b = a] - pi_b): (1.5, -1.5) and (-1, 1); mean (0.25, -0.25), less l2 theta.
    assertArrayEquals(new double[] {0.25, -0.25 - 0.1 * LN3}, g, 1e-12);
  }

  @Test
  void theDrObjectiveIsTheMeanOfThePoliciesCorrectedModelValue() {
    SoftmaxObjective obj = SoftmaxObjective.dr(PHI, ACTIONS, W, new double[] {1, 0},
        new double[][] {{0.5, 1}, {0.5, 1}}, 2, 0.1);
    double[] g = new double[2];
    double v = obj.evaluate(new double[] {0, LN3}, g);
    // Row 1: c = (0.5 + 2 (1 - 0.5), 1) = (1.5, 1), value 1.125. Row 2: c = (0.5, 1 + 4 (0 - 1)) = (0.5, -3),
    // value -2.125. Mean -0.5.
    assertEquals(-0.5 - 0.05 * LN3 * LN3, v, 1e-12);
    // pi_b (c_b - value): (0.09375, -0.09375) and (0.65625, -0.65625); mean (0.375, -0.375).
    assertArrayEquals(new double[] {0.375, -0.375 - 0.1 * LN3}, g, 1e-12);
    // Clipped at 3: row 2's weight 4 becomes 3, c = (0.5, -2), value 0.125 - 1.5 = -1.375.
    SoftmaxObjective clipped = SoftmaxObjective.dr(PHI, ACTIONS, W, new double[] {1, 0},
        new double[][] {{0.5, 1}, {0.5, 1}}, 2, 0.1, 3);
    assertEquals((1.125 - 1.375) / 2 - 0.05 * LN3 * LN3, clipped.evaluate(new double[] {0, LN3}, null), 1e-12);
  }

  @Test
  void largeScoresDoNotOverflowTheSoftmax() {
    // Scores 800 and 799: pi = (1 / (1 + e^-1), e^-1 / (1 + e^-1)).
    SoftmaxObjective obj = SoftmaxObjective.ipw(PHI, ACTIONS, new double[] {1, 1}, 2, 0);
    double p0 = 1 / (1 + Math.exp(-1));
    assertEquals((Math.log(p0) + Math.log(1 - p0)) / 2, obj.evaluate(new double[] {800, 799}, null), 1e-12);
  }

  @Test
  void theDrLearnerFollowsItsConstruction() {
    // Rewards standardised (population sd), the cross-fitted model on the same scale, weights 1 / pscore, a
    // seeded start of 0.01 standard normals, Adam on the DR objective, and the weights mapped back to raw features.
    NumpyRandom rng = new NumpyRandom(31);
    int n = 200;
    double[][] x = new double[n][];
    int[] a = new int[n];
    double[] r = new double[n];
    double[] ps = new double[n];
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {rng.normal(1, 2), rng.random()};
      a[i] = (int) rng.integers(0, 3);
      ps[i] = 0.1 + 0.8 * rng.random();
      r[i] = 3 * a[i] * x[i][1] + rng.normal(0, 1) + 10;
      g[i] = i;
    }
    BanditData d = new BanditData(x, a, new int[n], r, ps, g, 3, 1, List.of("u", "v"), List.of("A", "B", "C"));
    PolicyLearner.Settings s = new PolicyLearner.Settings("dr", 0.5, 20, 0.05, 2, 1.0, true, 9);
    LinearPolicy got = PolicyLearner.fit(d, s, Map.of());

    Features f = Features.fit(x, 2);
    double mean = Arrays.stream(r).average().orElseThrow();
    double sd = Math.sqrt(Arrays.stream(r).map(v -> (v - mean) * (v - mean)).sum() / n);
    double[][] raw = RidgeRewards.crossFit(d, 2, 1.0, 9).predictions();
    double[] rs = new double[n];
    double[][] qs = new double[n][3];
    double[] inv = new double[n];
    for (int i = 0; i < n; i++) {
      rs[i] = (r[i] - mean) / sd;
      inv[i] = 1 / ps[i];
      for (int k = 0; k < 3; k++) {
        qs[i][k] = (raw[i][k] - mean) / sd;
      }
    }
    SoftmaxObjective obj = SoftmaxObjective.dr(f.phi(x), a, inv, rs, qs, 3, 0.5, Double.POSITIVE_INFINITY);
    int dim = f.dim();
    double[] theta = new double[3 * dim];
    NumpyRandom init = new NumpyRandom(9);
    for (int k = 0; k < theta.length; k++) {
      theta[k] = 0.01 * init.standardNormal();
    }
    PolicyLearner.adam(obj, theta, 20, 0.05);
    double[][] t = new double[3][dim];
    for (int k = 0; k < 3; k++) {
      System.arraycopy(theta, k * dim, t[k], 0, dim);
    }
    double[] b = new double[3];
    double[][] w = f.toRaw(t, b);
    for (int k = 0; k < 3; k++) {
      assertArrayEquals(w[k], got.weights()[0][k], 1e-9, "action " + k);
    }
    assertArrayEquals(b, got.intercepts()[0], 1e-9);
  }

  @Test
  void aConstantHugeRewardIsNamedInScientificNotation() {
    BanditData d = PolicyLearnerTest.synthetic(10, 1);
    double[] r = new double[10];
    Arrays.fill(r, 1e15);
    BanditData flat = new BanditData(d.context(), d.actions(), d.positions(), r, d.pscores(), d.groups(), 3, 1,
        d.featureNames(), d.actionIds());
    String msg = assertThrows(IllegalArgumentException.class,
        () -> PolicyLearner.fit(flat, PolicyLearner.Settings.defaults("dr", 1), Map.of())).getMessage();
    assertTrue(msg.contains("has reward 1.0E15:"), msg);
    Arrays.fill(r, 3);
    String three = assertThrows(IllegalArgumentException.class,
        () -> PolicyLearner.fit(flat, PolicyLearner.Settings.defaults("dr", 1), Map.of())).getMessage();
    assertTrue(three.contains("has reward 3:"), three);
  }

  private static LoggedDecision decision(long episode, int arm, double propensity, double[] probabilities) {
    return new LoggedDecision("uniform", 1, episode, 0, new double[] {1, 2}, arm, null, propensity, probabilities,
        1.0, true, LoggedDecision.Outcome.NONE);
  }

  @Test
  void decisionLogsTakeArmsUpToTheBoundAndNamesThatFit() {
    BanditData d = BanditData.ofDecisions(List.of(decision(0, 0, 1, new double[0]), decision(1, 3, 0.5,
        new double[0])), "log", null, null);
    assertEquals(4, d.nActions(), "arm 3 means 4 arms");
    assertEquals(List.of("arm_0", "arm_1", "arm_2", "arm_3"), d.actionIds());
    assertArrayEquals(new long[] {0, 1}, d.groups());
    assertArrayEquals(new double[] {1, 0.5}, d.pscores());
    assertEquals(BanditData.MAX_ACTIONS, BanditData.ofDecisions(List.of(decision(0, BanditData.MAX_ACTIONS - 1, 0.5,
        new double[BanditData.MAX_ACTIONS])), "log", null, null).nActions());
    String far = assertThrows(IllegalArgumentException.class, () -> BanditData.ofDecisions(List.of(decision(0,
        BanditData.MAX_ACTIONS, 0.5, new double[0])), "log", null, null)).getMessage();
    assertTrue(far.startsWith("log: decision 1 (episode 0, step 0) has arm 1000 of 0 probabilities"), far);
    String zero = assertThrows(IllegalArgumentException.class, () -> BanditData.ofDecisions(List.of(decision(0, 0, 0,
        new double[0])), "log", null, null)).getMessage();
    assertTrue(zero.startsWith("log: decision 1 (episode 0, step 0) has propensity 0.0"), zero);
    assertThrows(IllegalArgumentException.class, () -> BanditData.ofDecisions(List.of(decision(0, 0, 0.5,
        new double[BanditData.MAX_ACTIONS + 1])), "log", null, null));
    BanditData named = BanditData.ofDecisions(List.of(decision(0, 3, 0.5, new double[0])), "log", List.of("p", "q"),
        List.of("a", "b", "c", "d"));
    assertEquals(List.of("p", "q"), named.featureNames());
    String features = assertThrows(IllegalArgumentException.class, () -> BanditData.ofDecisions(
        List.of(decision(0, 0, 0.5, new double[0])), "log", List.of("p"), null)).getMessage();
    assertEquals("log: the decisions have 2 context values, the expected features are 1 (p)", features);
    String arms = assertThrows(IllegalArgumentException.class, () -> BanditData.ofDecisions(
        List.of(decision(0, 3, 0.5, new double[0])), "log", null, List.of("a", "b", "c"))).getMessage();
    assertEquals("log: the decisions have 4 arms, expected at most 3", arms);
  }

  @Test
  void anObdSampleKeepsEveryClickAndARoundPerRow() {
    ObdDataset obd = ObdDataset.read(Path.of("data/obd"), "random", "men");
    BanditData d = BanditData.ofObd(obd);
    assertEquals(46.0, Arrays.stream(d.rewards()).sum());
    assertEquals(10_000, Arrays.stream(d.groups()).distinct().count());
    assertEquals(9_999, d.groups()[9_999]);
  }

  @Test
  void aTeamLogTakesUpToTheActionBound(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("round,action,propensity,reward\n");
    for (int k = 0; k < BanditData.MAX_ACTIONS; k++) {
      csv.append("r").append(k).append(",a").append(k).append(",0.5,1\n");
    }
    Path file = Files.writeString(dir.resolve("log.csv"), csv);
    assertEquals(BanditData.MAX_ACTIONS, BanditData.ofTeam(io.rlsearch.eval.logs.TeamLog.read(file)).nActions());
    Files.writeString(file, csv + "r,extra,0.5,1\n");
    assertThrows(IllegalArgumentException.class,
        () -> BanditData.ofTeam(io.rlsearch.eval.logs.TeamLog.read(file)));
  }

  @Test
  void aZeroPropensityIsRefused() {
    BanditData d = PolicyLearnerTest.synthetic(2, 1);
    assertThrows(IllegalArgumentException.class, () -> new BanditData(d.context(), d.actions(), d.positions(),
        d.rewards(), new double[] {0, 0.5}, d.groups(), 3, 1, d.featureNames(), d.actionIds()));
  }

  @Test
  void aOnePositionPolicyReadsBackAndZeroPositionsAreRefused(@TempDir Path dir) throws Exception {
    LinearPolicy p = new LinearPolicy("ipw", List.of("u"), List.of("x", "y"), new double[][][] {{{1}, {2}}},
        new double[][] {{0.5, -0.5}}, true, 1, 3, Map.of());
    Path f = dir.resolve("p.json");
    p.write(f);
    LinearPolicy back = LinearPolicy.read(f);
    assertArrayEquals(new double[] {2}, back.weights()[0][1]);
    assertArrayEquals(new double[] {0.5, -0.5}, back.intercepts()[0]);
    Files.writeString(f, "{\"kind\":\"" + LinearPolicy.KIND + "\",\"learner\":\"ipw\",\"feature_names\":[\"u\"],"
        + "\"action_ids\":[\"x\",\"y\"],\"positions\":0,\"distinct\":true,\"seed\":1,\"training_rounds\":3,"
        + "\"weights\":[],\"intercepts\":[]}\n");
    String msg = assertThrows(IllegalArgumentException.class, () -> LinearPolicy.read(f)).getMessage();
    assertTrue(msg.contains("positions is 0"), msg);
  }
}
