package io.rlsearch.eval.opl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.logs.ObdDataset;
import io.rlsearch.eval.logs.TeamLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.eval.ope.obd.Bootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The off-policy learners and their held-out evaluation on synthetic logs whose best action is known. */
class PolicyLearnerTest {
  /**
   * Three user types (one-hot), three actions logged uniformly (pscore 1/3), a click with probability
   * 0.8 when the action equals the type and 0.2 otherwise: the best policy shows action = type and is worth 0.8.
   */
  static BanditData synthetic(int n, long seed) {
    NumpyRandom rng = new NumpyRandom(seed);
    double[][] x = new double[n][3];
    int[] a = new int[n];
    double[] r = new double[n];
    double[] ps = new double[n];
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      int t = (int) rng.integers(0, 3);
      x[i][t] = 1;
      a[i] = (int) rng.integers(0, 3);
      r[i] = rng.random() < (a[i] == t ? 0.8 : 0.2) ? 1 : 0;
      ps[i] = 1.0 / 3;
      g[i] = i;
    }
    return new BanditData(x, a, new int[n], r, ps, g, 3, 1, List.of("t0", "t1", "t2"), List.of("A", "B", "C"));
  }

  @Test
  void bothLearnersPickTheBestActionOfEveryContext() {
    BanditData d = synthetic(3000, 1);
    for (String learner : PolicyLearner.LEARNERS) {
      LinearPolicy p = PolicyLearner.fit(d, PolicyLearner.Settings.defaults(learner, 3), Map.of());
      for (int t = 0; t < 3; t++) {
        double[] x = new double[3];
        x[t] = 1;
        assertEquals(t, p.greedy(x, 0), learner + " in context " + t);
      }
    }
  }

  @Test
  void learningIsDeterministicForASeed() {
    BanditData d = synthetic(500, 2);
    PolicyLearner.Settings s = new PolicyLearner.Settings("dr", 1e-3, 40, 0.05, 2, 1.0, true, 9);
    LinearPolicy a = PolicyLearner.fit(d, s, Map.of());
    LinearPolicy b = PolicyLearner.fit(d, s, Map.of());
    for (int k = 0; k < 3; k++) {
      assertArrayEquals(a.weights()[0][k], b.weights()[0][k], 0.0);
    }
    assertArrayEquals(a.intercepts()[0], b.intercepts()[0], 0.0);
  }

  @Test
  void theObjectivesGradientsMatchFiniteDifferences() {
    NumpyRandom rng = new NumpyRandom(5);
    int n = 25;
    int d = 4;
    int k = 5;
    double[][] phi = new double[n][d];
    int[] a = new int[n];
    double[] w = new double[n];
    double[] r = new double[n];
    double[][] q = new double[n][k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d - 1; j++) {
        phi[i][j] = rng.standardNormal();
      }
      phi[i][d - 1] = 1;
      a[i] = (int) rng.integers(0, k);
      w[i] = 0.5 + 3 * rng.random();
      r[i] = rng.standardNormal();
      for (int b = 0; b < k; b++) {
        q[i][b] = rng.standardNormal();
      }
    }
    for (SoftmaxObjective obj : List.of(SoftmaxObjective.ipw(phi, a, w, k, 0.1),
        SoftmaxObjective.dr(phi, a, w, r, q, k, 0.1))) {
      double[] theta = new double[obj.size()];
      for (int j = 0; j < theta.length; j++) {
        theta[j] = 0.5 * rng.standardNormal();
      }
      assertGradientIsTheDerivative(obj, theta);
    }
  }

  @Test
  void heldOutEstimatesOfTheBestPolicyCoverItsValue() {
    BanditData train = synthetic(3000, 11);
    BanditData held = synthetic(4000, 12);
    LinearPolicy p = PolicyLearner.fit(train, PolicyLearner.Settings.defaults("ipw", 1), Map.of());
    double[][] q = RidgeRewards.crossFit(held, 2, 1.0, 4).predictions();
    HeldOutEvaluation.Result r = HeldOutEvaluation.estimate(held, HeldOutEvaluation.greedy(p, held), q, 500, 6);
    // IPW's per-row standard deviation is sqrt(3 * 0.8 * 3 - 0.64) = 1.33: its standard error 0.021 at 4000 rows.
    double se = Math.sqrt(3 * 0.8 * 3 - 0.64) / Math.sqrt(4000);
    for (HeldOutEvaluation.Value v : List.of(r.ipw(), r.snipw(), r.dr())) {
      assertEquals(0.8, v.value(), 4 * se);
      assertTrue(v.low() <= 0.8 && 0.8 <= v.high(), v.toString());
    }
    // A third of the rows match the deterministic policy: an effective sample near 4000 / 3.
    assertEquals(4000 / 3.0, r.matching(), 4 * Math.sqrt(4000 * (1 / 3.0) * (2 / 3.0)));
    assertEquals(r.matching(), r.effectiveSamples(), 1e-6);
    HeldOutEvaluation.Result u = HeldOutEvaluation.estimate(held, HeldOutEvaluation.uniform(held), q, 500, 6);
    assertEquals(0.4, u.ipw().value(), 4 * Math.sqrt(0.4 * 0.6 / 4000) + 0.01);
  }

  @Test
  void theSplitKeepsRoundsWholeAndIsSeeded() {
    int n = 300;
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      g[i] = i / 3;
    }
    BanditData base = synthetic(n, 3);
    BanditData d = new BanditData(base.context(), base.actions(), base.positions(), base.rewards(), base.pscores(), g,
        3, 1, base.featureNames(), base.actionIds());
    Split s = Split.of(d, 0.3, 8);
    Set<Long> train = new HashSet<>();
    for (int i : s.train()) {
      train.add(g[i]);
    }
    for (int i : s.heldOut()) {
      assertFalse(train.contains(g[i]), "round " + g[i] + " on both sides");
    }
    assertEquals(90, s.heldOut().length);
    assertArrayEquals(s.heldOut(), Split.of(d, 0.3, 8).heldOut());
    assertFalse(java.util.Arrays.equals(s.heldOut(), Split.of(d, 0.3, 9).heldOut()));
    assertThrows(IllegalArgumentException.class, () -> Split.of(d, 1.0, 8));
  }

  @Test
  void aPolicyFileRoundTripsAndItsRankingNeverRepeatsAnItem(@TempDir Path dir) throws Exception {
    double[][][] w = {{{1, 0}, {0.5, 0}, {0, 0}}, {{1, 0}, {0.9, 0}, {0, 0}}};
    double[][] b = {{0, 0, 0.1}, {0, 0, 0}};
    LinearPolicy p = new LinearPolicy("dr", List.of("u", "v"), List.of("x", "y", "z"), w, b, true, 4, 10,
        Map.of("format", "team"));
    assertArrayEquals(new int[] {0, 1}, p.ranking(new double[] {1, 0}));
    LinearPolicy repeat = new LinearPolicy("dr", List.of("u", "v"), List.of("x", "y", "z"), w, b, false, 4, 10,
        Map.of());
    assertArrayEquals(new int[] {0, 0}, repeat.ranking(new double[] {1, 0}));
    Path f = dir.resolve("p.json");
    p.write(f);
    assertTrue(LinearPolicy.isPolicyFile(f));
    LinearPolicy back = LinearPolicy.read(f);
    assertEquals(p.featureNames(), back.featureNames());
    assertEquals(p.actionIds(), back.actionIds());
    assertEquals("team", back.info().get("format"));
    assertArrayEquals(p.weights()[1][1], back.weights()[1][1], 0.0);
    assertArrayEquals(p.intercepts()[0], back.intercepts()[0], 0.0);
    Files.writeString(f, "{\"kind\":\"" + LinearPolicy.KIND + "\",\"learner\":\"dr\"}");
    String msg = assertThrows(IllegalArgumentException.class, () -> LinearPolicy.read(f)).getMessage();
    assertTrue(msg.contains("missing field 'feature_names'"), msg);
  }

  @Test
  void adaptersReadObdTeamLogsAndDiscreteDecisionsOnly(@TempDir Path dir) throws Exception {
    ObdDataset obd = ObdDataset.read(Path.of("data/obd"), "random", "men");
    BanditData o = BanditData.ofObd(obd);
    assertEquals(obd.nRounds(), o.size());
    assertEquals(3, o.nPositions());
    assertEquals(obd.contextColumns(), o.featureNames());
    assertArrayEquals(obd.pscores(), o.pscores(), 0.0);
    assertArrayEquals(obd.positions(), o.positions());

    Path csv = dir.resolve("log.csv");
    Files.writeString(csv, "round,action,position,propensity,reward,ctx_age\nr1,shoe,1,0.5,1,0.3\nr1,bag,2,0.5,0,0.3\n"
        + "r2,bag,1,0.25,0,0.9\n");
    BanditData t = BanditData.ofTeam(TeamLog.read(csv));
    assertEquals(List.of("shoe", "bag"), t.actionIds());
    assertEquals(2, t.nPositions());
    assertArrayEquals(new long[] {0, 0, 1}, t.groups());
    assertArrayEquals(new int[] {0, 1, 0}, t.positions());

    LoggedDecision arm = new LoggedDecision("uniform", 1, 0, 0, new double[] {1, 2}, 3, null, 0.125,
        new double[8], 1.0, true, LoggedDecision.Outcome.NONE);
    LoggedDecision cont = new LoggedDecision("gauss", 1, 1, 0, new double[] {1, 2}, -1, new double[] {0.1}, 0.4,
        null, 1.0, true, LoggedDecision.Outcome.NONE);
    BanditData dd = BanditData.ofDecisions(List.of(arm), "log", null, null);
    assertEquals(8, dd.nActions());
    assertEquals(List.of("x_0", "x_1"), dd.featureNames());
    String msg = assertThrows(IllegalArgumentException.class,
        () -> BanditData.ofDecisions(List.of(arm, cont, cont), "log", null, null)).getMessage();
    assertTrue(msg.startsWith("log: decision 2 (episode 1, step 0) is a continuous"), msg);
  }

  /** {@code rounds} rounds of {@code perRound} rows each; every row of a round has the round's 0/1 reward. */
  static BanditData correlatedRounds(int rounds, int perRound, long seed) {
    NumpyRandom rng = new NumpyRandom(seed);
    int n = rounds * perRound;
    double[][] x = new double[n][1];
    double[] r = new double[n];
    double[] ps = new double[n];
    long[] g = new long[n];
    for (int k = 0; k < rounds; k++) {
      double reward = rng.random() < 0.3 ? 1 : 0;
      for (int j = 0; j < perRound; j++) {
        int i = k * perRound + j;
        r[i] = reward;
        ps[i] = 1;
        g[i] = k;
      }
    }
    return new BanditData(x, new int[n], new int[n], r, ps, g, 1, 1, List.of("x"), List.of("A"));
  }

  @Test
  void intervalsResampleWholeRoundsNotRows() {
    // Five perfectly correlated rows per round: 400 rounds carry the information of 400 rows, not 2000.
    BanditData clustered = correlatedRounds(400, 5, 21);
    HeldOutEvaluation.Value byRound = HeldOutEvaluation.behavior(clustered, 1000, 4);
    Bootstrap.Interval byRow = HeldOutEvaluation.rowBootstrap(clustered.rewards(), 1000, 4);
    double roundWidth = byRound.high() - byRound.low();
    double rowWidth = byRow.high() - byRow.low();
    // The widths' ratio is sqrt(5) = 2.24 in expectation; 1.6 leaves room for the bootstrap's own noise.
    assertTrue(roundWidth > 1.6 * rowWidth, "rounds " + roundWidth + ", rows " + rowWidth);
    // One row per round: the same draws, the same interval as the row bootstrap of the mean.
    BanditData single = correlatedRounds(2000, 1, 21);
    HeldOutEvaluation.Value one = HeldOutEvaluation.behavior(single, 1000, 4);
    Bootstrap.Interval plain = Bootstrap.interval(single.rewards(), 1000, 0.05, 4);
    assertEquals(plain.low(), one.low(), 0.0);
    assertEquals(plain.high(), one.high(), 0.0);
  }

  @Test
  void snipwWithoutAMatchingRowIsUndefinedAndZeroWeightResamplesAreLeftOut() {
    BanditData held = synthetic(60, 31);
    double[][] q = new double[held.size()][3];
    // A target that always picks an action the logger never showed there: no row carries weight.
    double[][] never = new double[held.size()][3];
    for (int i = 0; i < held.size(); i++) {
      never[i][(held.actions()[i] + 1) % 3] = 1;
    }
    HeldOutEvaluation.Result none = HeldOutEvaluation.estimate(held, never, q, 200, 3);
    assertEquals(0, none.matching());
    assertTrue(Double.isNaN(none.snipw().value()) && Double.isNaN(none.snipw().low())
        && Double.isNaN(none.snipw().high()), none.snipw().toString());
    assertEquals(0.0, none.ipw().value(), 0.0);
    // One matching row, rewarded: SNIPW is that row's reward, 1, in every resample that holds it; a
    // resample without it (about (1 - 1/60)^60 = 36% of them) is left out, not counted as 0.
    double[][] once = never.clone();
    int row = -1;
    for (int i = 0; i < held.size() && row < 0; i++) {
      if (held.rewards()[i] == 1) {
        row = i;
      }
    }
    once[row] = new double[3];
    once[row][held.actions()[row]] = 1;
    HeldOutEvaluation.Result r = HeldOutEvaluation.estimate(held, once, q, 1000, 3);
    assertEquals(1.0, r.snipw().value(), 0.0);
    assertEquals(1.0, r.snipw().low(), 0.0);
    assertEquals(1.0, r.snipw().high(), 0.0);
    double dropped = 1000 * Math.pow(1 - 1.0 / 60, 60);
    assertEquals(dropped, r.snipw().dropped(), 4 * Math.sqrt(dropped));
  }

  @Test
  void theIpwLearnerRefusesNegativeRewardsAndNeitherLearnsFromNoReward() {
    BanditData d = synthetic(300, 4);
    double[] r = d.rewards().clone();
    r[17] = -0.5;
    BanditData negative = new BanditData(d.context(), d.actions(), d.positions(), r, d.pscores(), d.groups(), 3, 1,
        d.featureNames(), d.actionIds());
    String msg = assertThrows(IllegalArgumentException.class,
        () -> PolicyLearner.fit(negative, PolicyLearner.Settings.defaults("ipw", 1), Map.of())).getMessage();
    assertTrue(msg.startsWith("training row 18 has reward -0.5") && msg.contains("use --learner dr"), msg);
    PolicyLearner.fit(negative, new PolicyLearner.Settings("dr", 1, 5, 0.05, 2, 1.0, true, 1), Map.of());
    BanditData zero = new BanditData(d.context(), d.actions(), d.positions(), new double[d.size()], d.pscores(),
        d.groups(), 3, 1, d.featureNames(), d.actionIds());
    for (String learner : PolicyLearner.LEARNERS) {
      msg = assertThrows(IllegalArgumentException.class,
          () -> PolicyLearner.fit(zero, PolicyLearner.Settings.defaults(learner, 1), Map.of())).getMessage();
      assertTrue(msg.contains("has reward 0: there is nothing to learn from"), msg);
    }
    // one reward everywhere, not 0, ranks no action above another either
    double[] same = new double[d.size()];
    java.util.Arrays.fill(same, 2.5);
    BanditData constant = new BanditData(d.context(), d.actions(), d.positions(), same, d.pscores(), d.groups(), 3, 1,
        d.featureNames(), d.actionIds());
    for (String learner : PolicyLearner.LEARNERS) {
      msg = assertThrows(IllegalArgumentException.class,
          () -> PolicyLearner.fit(constant, PolicyLearner.Settings.defaults(learner, 1), Map.of())).getMessage();
      assertTrue(msg.contains("has reward 2.5: there is nothing to learn from"), msg);
    }
  }

  @Test
  void aClippedDrObjectivesGradientMatchesFiniteDifferences() {
    NumpyRandom rng = new NumpyRandom(8);
    int n = 30;
    int d = 3;
    int k = 4;
    double[][] phi = new double[n][d];
    int[] a = new int[n];
    double[] w = new double[n];
    double[] r = new double[n];
    double[][] q = new double[n][k];
    for (int i = 0; i < n; i++) {
      phi[i][0] = rng.standardNormal();
      phi[i][1] = rng.standardNormal();
      phi[i][2] = 1;
      a[i] = (int) rng.integers(0, k);
      w[i] = 1 + 20 * rng.random();
      r[i] = rng.standardNormal();
      for (int b = 0; b < k; b++) {
        q[i][b] = rng.standardNormal();
      }
    }
    SoftmaxObjective clipped = SoftmaxObjective.dr(phi, a, w, r, q, k, 0.1, 5);
    SoftmaxObjective plain = SoftmaxObjective.dr(phi, a, w, r, q, k, 0.1, Double.POSITIVE_INFINITY);
    double[] theta = new double[clipped.size()];
    for (int j = 0; j < theta.length; j++) {
      theta[j] = 0.5 * rng.standardNormal();
    }
    // The clip bites (most weights exceed 5) ...
    assertTrue(Math.abs(clipped.value(theta) - plain.value(theta)) > 1e-3);
    assertEquals(plain.value(theta), SoftmaxObjective.dr(phi, a, w, r, q, k, 0.1).value(theta), 0.0);
    // ... and the clipped objective's gradient is its derivative.
    assertGradientIsTheDerivative(clipped, theta);
  }

  @Test
  void aDecisionLogArmBeyondTheActionBoundIsRefused() {
    LoggedDecision far = new LoggedDecision("uniform", 1, 0, 0, new double[] {1}, 2_000_000_000, null, 0.5,
        new double[0], 1.0, true, LoggedDecision.Outcome.NONE);
    String msg = assertThrows(IllegalArgumentException.class,
        () -> BanditData.ofDecisions(List.of(far), "log", null, null)).getMessage();
    assertTrue(msg.contains("at most " + BanditData.MAX_ACTIONS + " arms"), msg);
  }

  /** Each coordinate of the objective's gradient equals its central finite difference. */
  private static void assertGradientIsTheDerivative(SoftmaxObjective obj, double[] theta) {
    double[] g = obj.gradient(theta);
    double h = 1e-6;
    for (int j = 0; j < theta.length; j++) {
      double[] up = theta.clone();
      double[] down = theta.clone();
      up[j] += h;
      down[j] -= h;
      double fd = (obj.value(up) - obj.value(down)) / (2 * h);
      assertEquals(fd, g[j], 1e-6 * Math.max(1, Math.abs(fd)), "coordinate " + j);
    }
  }
}
