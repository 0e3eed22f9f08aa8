package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.eval.drift.PageHinkley;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The template agents' builders, snapshots, checkpoints and drift handling, against values worked out by hand. */
class BanditAgentsExactTest {
  private static final double[] ONE = {1};
  private static final BanditAgents.Adaptation NONE = new BanditAgents.Adaptation(1.0, 0, Optional.empty(), 1.0);

  private static AgentState edit(AgentState s, String array, double[] value, String counter, Long count) {
    Map<String, double[]> a = new HashMap<>(s.arrays());
    Map<String, Long> c = new HashMap<>(s.counters());
    if (array != null) {
      a.put(array, value);
    }
    if (counter != null) {
      c.put(counter, count);
    }
    return new AgentState(s.agent(), a, c);
  }

  @Test
  void buildersAreNamedAsOnTheCommandLine() {
    assertEquals("linucb", BanditAgents.linUcb(LinUcb.Settings.defaults()).name());
    assertEquals("ts", BanditAgents.thompson(LinearThompson.Settings.defaults(), 1).name());
    assertEquals("sliding_ts", BanditAgents.adaptiveThompson("sliding_ts", LinearThompson.Settings.defaults(), 1, NONE)
        .name());
    assertEquals("discounted_linucb", BanditAgents.adaptiveLinUcb("discounted_linucb", LinUcb.Settings.defaults(), NONE)
        .name());
  }

  @Test
  void adaptationBoundsAreCheckedAtTheirLimits() {
    assertEquals(1.0, new BanditAgents.Adaptation(1.0, 0, Optional.empty(), Double.MIN_VALUE).gamma());
    assertEquals(Double.MIN_VALUE, new BanditAgents.Adaptation(Double.MIN_VALUE, 0, Optional.empty(), 1).gamma());
    for (double[] bad : new double[][] {{0, 0, 1}, {Math.nextUp(1.0), 0, 1}, {1, -1, 1}, {1, 0, 0}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new BanditAgents.Adaptation(bad[0], (int) bad[1], Optional.empty(), bad[2]));
      assertEquals("adaptation needs gamma in (0, 1], window >= 0, lambda > 0", e.getMessage());
    }
  }

  @Test
  void thompsonNeedsOnePropensitySampleAndWeighsBySigmaToTheMinusTwo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BanditAgents.thompson(LinearThompson.Settings.defaults(), 0));
    assertEquals("propensity samples must be >= 1, got 0", e.getMessage());
    // sigma 2: weight 1/4; x 2, r 3 on prior 1: A = 1 + 4/4 = 2, b = 2 * 3 / 4 = 1.5.
    for (AgentBuilder b : new AgentBuilder[] {BanditAgents.thompson(new LinearThompson.Settings(1, 2), 1),
        BanditAgents.adaptiveThompson("sliding_ts", new LinearThompson.Settings(1, 2), 1, NONE)}) {
      UpdateRule r = b.create(1, 1);
      r.observe(new double[] {2}, Decision.arm(0, 1.0), 3);
      AgentState s = r.state().orElseThrow();
      assertArrayEquals(new double[] {2}, s.array("arm0.a"), b.name());
      assertArrayEquals(new double[] {1.5}, s.array("arm0.b"), b.name());
      assertTrue(r.learns());
    }
  }

  @Test
  void snapshotsNameTheirAgentAndVersionAndTheirGreedyFormPlaysTheFirstBestMean() {
    for (AgentBuilder b : new AgentBuilder[] {BanditAgents.linUcb(LinUcb.Settings.defaults()),
        BanditAgents.thompson(LinearThompson.Settings.defaults(), 1)}) {
      UpdateRule r = b.create(3, 1);
      PolicySnapshot fresh = r.snapshot(7);
      assertEquals(b.name(), fresh.agent());
      assertEquals(7, fresh.version());
      PolicySnapshot g = fresh.greedy();
      assertEquals(b.name(), g.agent());
      assertEquals(7, g.version());
      // Every mean is 0: a tie, the first arm.
      assertEquals(Decision.arm(0, 1.0), g.act(ONE, new NumpyRandom(1)));
      r.observe(ONE, Decision.arm(1, 1.0), 4);
      r.observe(ONE, Decision.arm(2, 1.0), 2);
      // Means 0, 2, 1 (r / 2 after one reward at x = 1).
      assertEquals(Decision.arm(1, 1.0), r.snapshot(8).greedy().act(ONE, new NumpyRandom(1)));
      assertEquals(Decision.arm(0, 1.0), r.snapshot(8).greedy().act(new double[] {-1}, new NumpyRandom(1)));
    }
  }

  @Test
  void fixedAndRandomAgentsKeepTheirArmsThroughRestoreAndCheckpoints() {
    AgentBuilder fixed = BanditAgents.fixed("best", 2);
    UpdateRule f = fixed.create(3, 4);
    assertFalse(f.learns());
    AgentState fs = f.state().orElseThrow();
    assertEquals("best", fs.agent());
    assertEquals(3, fs.counter("arms"));
    PolicySnapshot snap = f.snapshot(5);
    assertEquals("best", snap.agent());
    assertEquals(5, snap.version());
    assertEquals(Decision.arm(2, 1.0), fixed.restore(snap).snapshot(6).act(ONE, new NumpyRandom(1)));
    assertEquals(Decision.arm(2, 1.0), fixed.restoreState(fs).snapshot(6).act(ONE, new NumpyRandom(1)));
    AgentBuilder random = BanditAgents.random();
    UpdateRule u = random.create(4, 2);
    PolicySnapshot rs = u.snapshot(1);
    assertEquals("random", rs.agent());
    assertEquals(0.25, random.restore(rs).snapshot(2).act(ONE, new NumpyRandom(3)).propensity());
    assertEquals(0.25, random.restoreState(u.state().orElseThrow()).snapshot(2).act(ONE, new NumpyRandom(3))
        .propensity());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fixed.restoreState(
        u.state().orElseThrow()));
    assertEquals("the state is agent 'random''s, not 'best''s", e.getMessage());
  }

  @Test
  void aFixedTemplateMustBeOneOfTheArms() {
    assertEquals(0, BanditAgents.fixed("f", 0).create(3, 1).snapshot(0).act(ONE, new NumpyRandom(1)).arm());
    for (int bad : new int[] {-1, 3}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BanditAgents.fixed("f", bad).create(3, 1).snapshot(0));
      assertEquals("template id must be in 0..2, got " + bad, e.getMessage());
    }
  }

  @Test
  void restoringFromASnapshotChecksItsKindAndKeepsTheNoiseEstimate() {
    AgentBuilder lin = BanditAgents.linUcb(LinUcb.Settings.defaults(), true);
    AgentBuilder ts = BanditAgents.thompson(LinearThompson.Settings.defaults(), 1, true);
    PolicySnapshot linSnap = lin.create(2, 1).snapshot(0);
    PolicySnapshot tsSnap = ts.create(2, 1).snapshot(0);
    assertEquals("not a LinUCB snapshot: ts",
        assertThrows(IllegalArgumentException.class, () -> lin.restore(tsSnap)).getMessage());
    assertEquals("not a Thompson sampling snapshot: linucb",
        assertThrows(IllegalArgumentException.class, () -> ts.restore(linSnap)).getMessage());
    AgentBuilder slidingLin = BanditAgents.adaptiveLinUcb("sliding_linucb", LinUcb.Settings.defaults(), NONE);
    AgentBuilder slidingTs = BanditAgents.adaptiveThompson("sliding_ts", LinearThompson.Settings.defaults(), 1, NONE);
    for (AgentBuilder b : new AgentBuilder[] {lin, ts, slidingLin, slidingTs}) {
      UpdateRule r = b.create(1, 1);
      // Residuals: 3 (the prior predicts 0), then 0 (theta = 3/2 predicts 1.5): n 2, sum of squares 9.
      r.observe(ONE, Decision.arm(0, 1.0), 3);
      r.observe(ONE, Decision.arm(0, 1.0), 1.5);
      AgentState s = r.state().orElseThrow();
      assertEquals(9.0, s.array("noise.sum_sq", 1)[0], 1e-12, b.name());
      assertEquals(2, s.counter("noise.n"));
      assertEquals(2, s.counter("observed"));
      UpdateRule restored = b.restore(r.snapshot(3));
      assertNotNull(restored, b.name());
      AgentState back = restored.state().orElseThrow();
      // The snapshot keeps only the scale sqrt((1 + 9) / (1 + 2)); the sum comes back as scale^2 * 3 - 1.
      assertEquals(9.0, back.array("noise.sum_sq", 1)[0], 1e-12, b.name());
      assertEquals(2, back.counter("noise.n"));
      assertEquals(2, back.counter("observed"));
      assertEquals(b.name(), back.agent());
      assertArrayEquals(s.array("arm0.a"), back.array("arm0.a"));
      UpdateRule fromState = b.restoreState(s);
      assertNotNull(fromState, b.name());
      assertEquals(s, fromState.state().orElseThrow());
    }
  }

  @Test
  void observingAnArmOutsideTheRuleIsRefusedAndTheFirstArmIsAccepted() {
    UpdateRule r = BanditAgents.linUcb(LinUcb.Settings.defaults()).create(3, 1);
    r.observe(ONE, Decision.arm(0, 1.0), 1);
    assertEquals("arm must be in 0..2, got 3",
        assertThrows(IllegalArgumentException.class, () -> r.observe(ONE, Decision.arm(3, 1.0), 1)).getMessage());
    assertEquals("arm must be in 0..2, got -1", assertThrows(IllegalArgumentException.class,
        () -> r.observe(ONE, Decision.continuous(new double[] {1}, 1.0), 1)).getMessage());
    assertFalse(r.state().orElseThrow().has("window.arm"));
    assertFalse(r.state().orElseThrow().has("detector.page_hinkley"));
  }

  @Test
  void aCheckpointIsRefusedForAnotherAgentAndForCountsOutsideTheirBoundsButNotAtThem() {
    AgentBuilder lin = BanditAgents.linUcb(LinUcb.Settings.defaults());
    AgentBuilder ts = BanditAgents.thompson(LinearThompson.Settings.defaults(), 1);
    UpdateRule r = lin.create(1, 1);
    r.observe(ONE, Decision.arm(0, 1.0), 2);
    AgentState s = r.state().orElseThrow();
    assertEquals("the state is agent 'linucb''s, not 'ts''s",
        assertThrows(IllegalArgumentException.class, () -> ts.restoreState(s)).getMessage());
    assertEquals(s, lin.restoreState(s).state().orElseThrow());
    // Five arrays: one arm's four and the noise sum. Five arms pass the count check and fail on arm 1's arrays.
    assertEquals(5, s.arrays().size());
    String atArrays = assertThrows(IllegalArgumentException.class,
        () -> lin.restoreState(edit(s, null, null, "arms", 5L))).getMessage();
    assertTrue(atArrays.startsWith("agent state of 'linucb' has no array 'arm1.theta'"), atArrays);
    String overArrays = assertThrows(IllegalArgumentException.class,
        () -> lin.restoreState(edit(s, null, null, "arms", 6L))).getMessage();
    assertEquals("the state of 'linucb' has 6 arm(s) of dimension 1 beside 5 arrays; expected 1 or more arms, each"
        + " with its arrays, and a dimension of 1..46340", overArrays);
    String atDim = assertThrows(IllegalArgumentException.class,
        () -> lin.restoreState(edit(s, null, null, "dim", 46_340L))).getMessage();
    assertEquals("agent state array 'arm0.theta' has 1 values, expected 46340", atDim);
    String overDim = assertThrows(IllegalArgumentException.class,
        () -> lin.restoreState(edit(s, null, null, "dim", 46_341L))).getMessage();
    assertTrue(overDim.startsWith("the state of 'linucb' has 1 arm(s) of dimension 46341 beside"), overDim);
  }

  @Test
  void aSlidingWindowHoldsExactlyItsLengthAndItsCheckpointArmsMustBeArms() {
    AgentBuilder b = BanditAgents.adaptiveLinUcb("sliding_linucb", LinUcb.Settings.defaults(),
        new BanditAgents.Adaptation(1.0, 2, Optional.empty(), 1.0));
    UpdateRule r = b.create(2, 1);
    r.observe(ONE, Decision.arm(0, 1.0), 1);
    r.observe(new double[] {2}, Decision.arm(1, 1.0), 2);
    r.observe(new double[] {3}, Decision.arm(0, 1.0), 3);
    AgentState s = r.state().orElseThrow();
    assertArrayEquals(new double[] {1, 0}, s.array("window.arm"));
    assertArrayEquals(new double[] {2, 3}, s.array("window.x"));
    assertArrayEquals(new double[] {2, 3}, s.array("window.r"));
    // The first observation left: arm 0 holds only x 3 (A = 1 + 9), arm 1 x 2 (A = 1 + 4).
    assertArrayEquals(new double[] {10}, s.array("arm0.a"));
    assertArrayEquals(new double[] {5}, s.array("arm1.a"));
    assertEquals(s, b.restoreState(s).state().orElseThrow());
    for (double bad : new double[] {-1, 2, 0.5}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> b.restoreState(edit(s, "window.arm", new double[] {1, bad}, null, null)));
      assertEquals("the state of 'sliding_linucb' has a window arm " + bad + " outside 0..1", e.getMessage());
    }
  }

  private static AgentBuilder restartAgent(int minInstances) {
    return restartAgent(minInstances, 0);
  }

  private static AgentBuilder restartAgent(int minInstances, int window) {
    return BanditAgents.adaptiveLinUcb("restart_linucb", LinUcb.Settings.defaults(), new BanditAgents.Adaptation(1.0,
        window, Optional.of(new PageHinkley.Settings(0, 0.5, minInstances, DriftDetector.Form.TEXTBOOK)), 1.0));
  }

  @Test
  void theDetectorSeesRewardsInStandardDeviationsOfItsWarmUp() {
    UpdateRule r = restartAgent(3).create(1, 1);
    // Warm-up 1, 3, 5: mean 3, M2 = 4 + 0 + 4 = 8, sd = sqrt(8 / 2) = 2.
    for (double reward : new double[] {1, 3, 5}) {
      r.observe(ONE, Decision.arm(0, 1.0), reward);
    }
    AgentState warm = r.state().orElseThrow();
    assertArrayEquals(new double[] {3, 3, 8}, warm.array("detector.standardise"));
    assertArrayEquals(new double[] {0, 0, 0, 0}, warm.array("detector.page_hinkley"));
    // 7 is (7 - 3) / 2 = 2 sds up; the detector is fed -2 (it watches for drops), its first sample.
    r.observe(ONE, Decision.arm(0, 1.0), 7);
    AgentState after = r.state().orElseThrow();
    assertArrayEquals(new double[] {3, 3, 8}, after.array("detector.standardise"));
    assertArrayEquals(new double[] {1, -2, 0, 0}, after.array("detector.page_hinkley"));
    assertEquals(0, after.counter("restarts"));
    // Constant warm-up rewards have no spread: the detector is fed 0.
    UpdateRule flat = restartAgent(2).create(1, 1);
    for (double reward : new double[] {2, 2, 5}) {
      flat.observe(ONE, Decision.arm(0, 1.0), reward);
    }
    assertArrayEquals(new double[] {1, 0, 0, 0}, flat.state().orElseThrow().array("detector.page_hinkley"));
  }

  @Test
  void aRestartResetsTheArmsTheStandardisationAndTheDetector() {
    UpdateRule r = restartAgent(2, 10).create(1, 1);
    // Warm-up 10, 12: mean 11, sd sqrt 2. Two rewards at the mean feed 0 twice (the detector's warm-up);
    // then a drop of 10 sds feeds +10: the sum 10 passes the threshold 0.5.
    double[] rewards = {10, 12, 11, 11, 11 - 10 * Math.sqrt(2)};
    for (int i = 0; i < rewards.length - 1; i++) {
      r.observe(ONE, Decision.arm(0, 1.0), rewards[i]);
    }
    assertEquals(0, r.state().orElseThrow().counter("restarts"));
    assertEquals(0, BanditAgents.restarts(r));
    r.observe(ONE, Decision.arm(0, 1.0), rewards[4]);
    AgentState s = r.state().orElseThrow();
    assertEquals(1, s.counter("restarts"));
    assertEquals(1, BanditAgents.restarts(r));
    assertArrayEquals(new double[] {0, 0, 0, 0}, s.array("detector.page_hinkley"));
    assertArrayEquals(new double[] {0, 0, 0}, s.array("detector.standardise"));
    assertArrayEquals(new double[] {1}, s.array("arm0.a"));
    assertArrayEquals(new double[] {0}, s.array("arm0.b"));
    // The window forgot the old world with the arms.
    assertEquals(0, s.array("window.arm").length);
  }
}
