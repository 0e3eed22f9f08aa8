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
}
