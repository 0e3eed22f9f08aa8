package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Action;
import io.rlsearch.core.Observation;
import io.rlsearch.core.Step;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's env tests (tests/test_env_basic.py, ch11 session env and value, ch14 env info). */
class EnvironmentsTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 400 }");

  @Test
  void coreEnvStepsOnceWithAFullInfo() {
    SearchSimulator env = new SearchSimulator(SMALL, 1);
    Observation obs = env.reset();
    assertEquals(11, obs.dim());
    assertEquals(4, env.state().phiCat().length);
    Step s = env.step(Action.zeros(10));
    assertTrue(s.terminated());
    assertFalse(s.truncated());
    assertEquals(Observation.EMPTY, s.observation());
    assertEquals(SMALL.topK(), s.info().clicks().length);
    assertEquals(SMALL.topK(), s.info().buys().length);
    assertEquals(SMALL.topK(), s.info().ranking().length);
    assertEquals(SMALL.topK() * 10, s.info().features().length);
    // zero action ranks by base score: the baseline itself
    assertEquals(0.0, s.info().deltaRankAtK());
    assertArrayEquals(s.info().baselineRanking(), s.info().ranking());
    Step t = env.step(Action.of(5, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    assertTrue(t.info().deltaRankAtK() >= 0 && t.info().deltaRankAtK() <= 1);
    assertTrue(t.info().deltaRankAtK() > 0, "a strong CM2 boost changes the top 20");
  }

  @Test
  void infoFeaturesFollowTheQuirkSwitch() {
    SearchSimulator ref = new SearchSimulator(SMALL, 2);
    ref.reset();
    Step a = ref.step(Action.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    SimSettings fixed = ZoosimConfig.fromString("catalog { n_products = 400 }, quirks { features_in_catalog_order = false }");
    SearchSimulator fix = new SearchSimulator(fixed, 2);
    fix.reset();
    Step b = fix.step(Action.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    assertArrayEquals(a.info().ranking(), b.info().ranking(), "the switch changes only the report");
    double[] catalogRow0 = new double[10];
    System.arraycopy(a.info().features(), 0, catalogRow0, 0, 10);
    double[] rankedRow0 = new double[10];
    System.arraycopy(b.info().features(), 0, rankedRow0, 0, 10);
    assertNotEquals(catalogRow0[0], rankedRow0[0]);
  }

  @Test
  void actionsAreClippedToTheBox() {
    SearchSimulator a = new SearchSimulator(SMALL, 3);
    SearchSimulator b = new SearchSimulator(SMALL, 3);
    a.reset();
    b.reset();
    Step big = a.step(Action.of(100, -100, 0, 0, 0, 0, 0, 0, 0, 0));
    Step clipped = b.step(Action.of(5, -5, 0, 0, 0, 0, 0, 0, 0, 0));
    assertArrayEquals(clipped.info().ranking(), big.info().ranking());
    assertThrows(IllegalArgumentException.class, () -> a.step(Action.of(1, 2, 3)));
    assertThrows(IllegalStateException.class, () -> new SearchSimulator(SMALL, 3).step(Action.zeros(10)));
  }

  @Test
  void gymEnvResetsInsideStep() {
    for (boolean rich : new boolean[] {false, true}) {
      GymEnv env = new GymEnv(SMALL, 5, rich);
      Observation obs = env.reset();
      assertEquals(rich ? 17 : 11, obs.dim());
      assertEquals(env.observationDim(), obs.dim());
      if (!rich) {
        for (float v : obs.features()) {
          assertTrue(v >= 0 && v <= 1, "non-rich observations lie in [0, 1]");
        }
      }
      Step s = env.step(Action.zeros(10));
      assertTrue(s.terminated());
      assertFalse(s.truncated());
      assertEquals(obs.dim(), s.observation().dim());
      assertFalse(s.info().rawState().userSegment().isEmpty(), "raw_state is in the info");
      assertEquals(-5.0, env.actionLow());
      assertEquals(5.0, env.actionHigh());
    }
  }

  @Test
  void richObservationHasTheEstimatedThetaGrid() {
    GymEnv env = new GymEnv(SMALL, 6, true);
    for (int i = 0; i < 20; i++) {
      Observation o = env.reset();
      User u = env.core().user();
      assertEquals(ContextFeatures.zoosimEstimate(u.thetaPrice()), o.feature(7), 1e-6);
      assertEquals(ContextFeatures.zoosimEstimate(u.thetaPl()), o.feature(8), 1e-6);
      assertEquals(0.0, (o.feature(7) * 2) % 1, 1e-6, "estimates lie on the 0.5 grid");
    }
    assertEquals(-1.5, ContextFeatures.zoosimEstimate(-2.1)); // round(-2.94) / 2
    assertEquals(3.0, ContextFeatures.ch06Estimate(3.2, 3.2)); // 0.9 * 3.2 = 2.88 -> 0.25 grid -> 3.0
    assertEquals(-3.5, ContextFeatures.ch06Estimate(-5, -4)); // clipped
  }

  @Test
  void slateEnvScoresFiftyCandidates() {
    SlateEnv env = new SlateEnv(SMALL, 7);
    Observation o = env.reset();
    assertEquals(8, o.dim());
    assertEquals(50, o.nCandidates());
    assertEquals(10, o.candidateDim());
    for (int i = 0; i < 6; i++) {
      assertEquals(0f, o.feature(i), "the reference's one-hots never match (quirk)");
    }
    double[] colMean = new double[10];
    for (int c = 0; c < 50; c++) {
      for (int d = 0; d < 10; d++) {
        colMean[d] += o.candidate(c, d) / 50.0;
      }
    }
    for (double m : colMean) {
      assertEquals(0.0, m, 1e-5);
    }
    double[] scores = new double[50];
    for (int i = 0; i < 50; i++) {
      scores[i] = -i; // keep the base-score order
    }
    int[] cands = env.candidates();
    Step s = env.step(new Action(scores));
    assertTrue(s.terminated());
    assertArrayEquals(java.util.Arrays.copyOf(cands, SMALL.topK()), s.info().ranking());
    assertEquals(50, s.observation().nCandidates());
    SlateEnv fixed = new SlateEnv(ZoosimConfig.fromString(
        "catalog { n_products = 400 }, quirks { slate_context_onehots_zero = false }"), 7);
    Observation f = fixed.reset();
    assertEquals(9, f.dim());
    float sum = 0;
    for (int i = 0; i < 7; i++) {
      sum += f.feature(i);
    }
    assertEquals(2f, sum, "segment and query-type one-hots");
  }

  @Test
  void multiSessionEnvKeepsTheUserUntilChurn() {
    MultiSessionEnv env = new MultiSessionEnv(SMALL, 11);
    for (int ep = 0; ep < 30; ep++) {
      MultiSessionEnv.SessionState s0 = env.resetState();
      assertEquals(0, s0.t());
      assertEquals(0, s0.lastClicks());
      assertEquals(0.0, s0.lastSatisfaction());
      User user = env.user();
      Step s;
      int t = 0;
      do {
        s = env.step(Action.zeros(10));
        t++;
        assertEquals(user, env.user());
        assertEquals(s0.userSegment(), s.info().userSegment());
        assertTrue(s.info().pReturn() >= 0 && s.info().pReturn() <= 1);
        assertEquals(SMALL.topK(), s.info().ranking().length);
        assertEquals(SMALL.topK() * 10, s.info().features().length);
        assertEquals(t, env.state().t());
      } while (!s.terminated());
      assertFalse(s.info().returned());
      assertEquals("terminal", env.state().queryType());
      assertEquals(0, env.state().phiCat().length);
      assertThrows(IllegalStateException.class, () -> env.step(Action.zeros(10)));
    }
  }

  @Test
  void sameSeedSameTrajectoriesAndDiscountedValue() {
    List<Double> a = trajectory(21);
    List<Double> b = trajectory(21);
    assertEquals(a, b);
    assertNotEquals(a, trajectory(22));
    double gamma = 0.95;
    double v = 0;
    for (int t = 0; t < a.size(); t++) {
      v += Math.pow(gamma, t) * a.get(t);
    }
    double backwards = 0;
    for (int t = a.size() - 1; t >= 0; t--) {
      backwards = a.get(t) + gamma * backwards;
    }
    assertEquals(v, backwards, 1e-9);
  }

  private static List<Double> trajectory(long seed) {
    MultiSessionEnv env = new MultiSessionEnv(SMALL, seed);
    List<Double> rewards = new ArrayList<>();
    for (int ep = 0; ep < 20; ep++) {
      env.reset();
      Step s;
      do {
        s = env.step(Action.of(1, 0, 0.5, 0, 0, 0, 0, 0, 0, 0));
        rewards.add(s.reward());
      } while (!s.terminated());
    }
    return rewards;
  }

  @Test
  void retentionMatchesTheSpecsValues() {
    Retention r = new Retention(SMALL.retention());
    assertEquals(0.3500, r.returnProbability(0, 0), 5e-5);
    assertEquals(0.3848, r.returnProbability(0, 1), 5e-5);
    assertEquals(0.3967, r.returnProbability(1, 0), 5e-5);
    assertEquals(0.5140, r.returnProbability(3, 0.5), 5e-5);
    assertEquals(0.5941, r.returnProbability(5, 0), 5e-5);
    assertEquals(0.8221, r.returnProbability(10, 1), 5e-5);
    assertEquals(0.9263, r.returnProbability(15, 1), 5e-5);
    assertEquals(0.9671, r.returnProbability(20, 0), 5e-5);
    double prev = -1;
    for (int c = 0; c <= 20; c++) {
      double p = r.returnProbability(c, 0.3);
      assertTrue(p >= prev && p >= 0 && p <= 1);
      prev = p;
    }
    prev = -1;
    for (double h = -3; h <= 3; h += 0.25) {
      double p = r.returnProbability(2, h);
      assertTrue(p >= prev);
      prev = p;
    }
    NumpyRandom x = new NumpyRandom(8);
    NumpyRandom y = new NumpyRandom(8);
    for (int i = 0; i < 100; i++) {
      assertEquals(r.sampleReturn(i % 7, 0.1, x), r.sampleReturn(i % 7, 0.1, y));
    }
  }

  @Test
  void sameSeedGivesTheSameEpisodesInEveryEnv() {
    for (int kind = 0; kind < 3; kind++) {
      List<Object> a = episodes(kind, 31);
      assertEquals(a, episodes(kind, 31), "env kind " + kind);
      assertNotEquals(a, episodes(kind, 32), "env kind " + kind);
    }
  }

  private static List<Object> episodes(int kind, long seed) {
    List<Object> out = new ArrayList<>();
    io.rlsearch.core.SearchEnv env = switch (kind) {
      case 0 -> new SearchSimulator(SMALL, seed);
      case 1 -> new GymEnv(SMALL, seed, true);
      default -> new SlateEnv(SMALL, seed);
    };
    NumpyRandom act = new NumpyRandom(1);
    for (int e = 0; e < 25; e++) {
      out.add(env.reset());
      double[] a = new double[env.actionDim()];
      for (int i = 0; i < a.length; i++) {
        a[i] = act.uniform(-1, 1);
      }
      Step s = env.step(new Action(a));
      out.add(s.reward());
      out.add(s.info());
    }
    return out;
  }
}
