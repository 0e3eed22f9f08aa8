package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.eval.drift.PageHinkley;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Drift-aware bandits on an abrupt change: three arms with mean rewards 1, 0.5, 0 (noise sd 0.5)
 * that become 0, 0.5, 1 at step 3,000. The plain bandits hold on to 3,000 steps of evidence for the
 * old best arm; forgetting, a window or a restart let the new one through.
 */
class DriftAwareBanditsTest {
  private static final int BEFORE = 3000;
  private static final int AFTER = 1500;

  private static double mean(int arm, boolean shifted) {
    double[] m = shifted ? new double[] {0, 0.5, 1} : new double[] {1, 0.5, 0};
    return m[arm];
  }

  /** Mean reward over the steps after the change. */
  private static double afterChange(AgentBuilder b, long seed) {
    UpdateRule rule = b.create(3, 2);
    NumpyRandom env = new NumpyRandom(seed);
    double sum = 0;
    for (int t = 0; t < BEFORE + AFTER; t++) {
      double[] x = {1.0, env.normal(0, 0.1)};
      Decision d = rule.snapshot(t).act(x, new NumpyRandom(seed * 100_000 + t));
      double r = mean(d.arm(), t >= BEFORE) + env.normal(0, 0.5);
      rule.observe(x, d, r);
      if (t >= BEFORE) {
        sum += mean(d.arm(), true);
      }
    }
    return sum / AFTER;
  }

  @Test
  void forgettingAWindowOrARestartRecoverFromTheChangeAndThePlainBanditsDoNot() {
    // Widths in residual standard deviations of the reward (0.5 here): LinUCB's two sds (what a bandit
    // that forgets needs to find the new best arm again; at one sd discounting sticks to the middle arm
    // on some seeds), Thompson sampling's posterior of that noise; the plain bandits scaled alike.
    LinUcb.Settings lin = new LinUcb.Settings(1.0, 2.0, false);
    LinearThompson.Settings ts = new LinearThompson.Settings(1.0, 1.0);
    AgentBuilder plainLin = BanditAgents.linUcb(lin, true);
    AgentBuilder plainTs = BanditAgents.thompson(ts, 4, true);
    AgentBuilder discounted = BanditAgents.adaptiveLinUcb("discounted_linucb", lin,
        new BanditAgents.Adaptation(0.99, 0, Optional.empty(), 1.0));
    AgentBuilder sliding = BanditAgents.adaptiveThompson("sliding_ts", ts, 4,
        new BanditAgents.Adaptation(1.0, 300, Optional.empty(), 1.0));
    // A restart forgets everything, so what follows is a fresh bandit's exploration: with a width of
    // two noise sds it finds the new best arm.
    AgentBuilder restart = BanditAgents.adaptiveLinUcb("restart_linucb", new LinUcb.Settings(1.0, 2.0, false),
        new BanditAgents.Adaptation(1.0, 0,
        Optional.of(new PageHinkley.Settings(0.1, 50.0, 100, DriftDetector.Form.TEXTBOOK)), 1.0));
    // Expected value per step after the change (the best arm earns 1); seeds 1 and 2.
    for (long seed : new long[] {1, 2}) {
      double pl = afterChange(plainLin, seed);
      double pt = afterChange(plainTs, seed);
      double dl = afterChange(discounted, seed);
      double st = afterChange(sliding, seed);
      double rl = afterChange(restart, seed);
      String all = "plain linucb " + pl + ", plain ts " + pt + ", discounted " + dl + ", sliding " + st + ", restart "
          + rl;
      // A plain LinUCB in residual sds partly recovers too (after the change its residuals grow, and
      // its width with them), but slowly; forgetting and restarting recover almost at once.
      assertTrue(dl > pl + 0.1, all);
      assertTrue(st > pt + 0.1, all);
      assertTrue(rl > pl + 0.1, all);
      assertTrue(dl > 0.8 && st > 0.8 && rl > 0.8, all);
    }
  }

  /** Restarts of a restart bandit fed {@code steps} rewards of {@code reward(t)} through arm 0. */
  private static long restarts(AgentBuilder b, int steps, java.util.function.IntToDoubleFunction reward) {
    UpdateRule rule = b.create(2, 1);
    double[] x = {1.0};
    for (int t = 0; t < steps; t++) {
      rule.observe(x, Decision.arm(t % 2, 0.5), reward.applyAsDouble(t));
    }
    return BanditAgents.restarts(rule);
  }

  private static AgentBuilder restartBandit() {
    return BanditAgents.adaptiveLinUcb("restart_linucb", new LinUcb.Settings(1.0, 0.5, false),
        new BanditAgents.Adaptation(1.0, 0, Optional.of(new PageHinkley.Settings(0.1, 50.0, 100,
            DriftDetector.Form.TEXTBOOK)), 1.0));
  }

  @Test
  void aPersistingDropRestartsTheBanditOnceNotAgainAndAgain() {
    // Mean 10 then 8 from step 2,000 on (noise sd 1): one change, so one restart; a detector whose
    // baseline still holds the old mean would alarm every few dozen steps after it.
    NumpyRandom noise = new NumpyRandom(7);
    long n = restarts(restartBandit(), 6000, t -> (t < 2000 ? 10.0 : 8.0) + noise.normal(0, 1));
    assertTrue(n >= 1 && n <= 2, "restarts after one persisting drop: " + n);
  }

  @Test
  void theDetectorWorksInUnitsOfTheRewardsSpreadSoStationaryNoiseOfAnyScaleRestartsNothing() {
    // The battle's scale: a session reward of mean 8 and sd 25, no change at all.
    NumpyRandom noise = new NumpyRandom(11);
    long wide = restarts(restartBandit(), 20000, t -> 8.0 + noise.normal(0, 25));
    assertTrue(wide == 0, "restarts on stationary rewards of sd 25: " + wide);
    // And a drop of one sd is found at that scale too.
    NumpyRandom noise2 = new NumpyRandom(12);
    long drop = restarts(restartBandit(), 8000, t -> (t < 4000 ? 8.0 : -17.0) + noise2.normal(0, 25));
    assertTrue(drop >= 1 && drop <= 2, "restarts after a drop of one sd at sd 25: " + drop);
  }

  /**
   * Feeds {@code rule} and {@code restored} the same {@code steps} decisions from step {@code from}:
   * each acts on the same context with the same stream and must decide alike (arm and propensity),
   * and after each observation their whole states (posterior, window, detector) must be equal.
   */
  private static void agreeFrom(UpdateRule rule, UpdateRule restored, NumpyRandom env, int from, int steps,
      double drop) {
    for (int t = from; t < from + steps; t++) {
      double[] x = {1.0, env.normal(0, 1)};
      Decision a = rule.snapshot(t).act(x, new NumpyRandom(t));
      Decision b = restored.snapshot(t).act(x, new NumpyRandom(t));
      assertEquals(a, b, "decision at step " + t);
      double r = (a.arm() == 1 ? 1.0 : 0.2) - (t >= from + 5 ? drop : 0) + env.normal(0, 0.5);
      rule.observe(x, a, r);
      restored.observe(x, b, r);
      assertEquals(rule.state().orElseThrow(), restored.state().orElseThrow(), "state after step " + t);
    }
  }

  private static UpdateRule afterTen(AgentBuilder b, NumpyRandom env) {
    UpdateRule rule = b.create(3, 2);
    for (int t = 0; t < 10; t++) {
      double[] x = {1.0, env.normal(0, 1)};
      Decision d = rule.snapshot(t).act(x, new NumpyRandom(t));
      rule.observe(x, d, (d.arm() == 1 ? 1.0 : 0.2) + env.normal(0, 0.5));
    }
    return rule;
  }

  @Test
  void aSlidingWindowSurvivesASaveAndRestoreExactly() {
    AgentBuilder sliding = BanditAgents.adaptiveThompson("sliding_ts", new LinearThompson.Settings(1.0, 1.0), 4,
        new BanditAgents.Adaptation(1.0, 5, Optional.empty(), 1.0));
    NumpyRandom env = new NumpyRandom(41);
    UpdateRule rule = afterTen(sliding, env);
    UpdateRule restored = sliding.restoreState(rule.state().orElseThrow());
    // 20 more steps: the window of 5 turns over four times, each downdate of an observation saved
    // before the restore.
    agreeFrom(rule, restored, env, 10, 20, 0.0);
  }

  @Test
  void aRestartDetectorSurvivesASaveAndRestoreExactly() {
    // Warm-up of 3 rewards, a low threshold: the drop of 3 after the restore restarts the bandit.
    AgentBuilder restart = BanditAgents.adaptiveLinUcb("restart_linucb", new LinUcb.Settings(1.0, 1.0, false),
        new BanditAgents.Adaptation(1.0, 0, Optional.of(new PageHinkley.Settings(0.1, 5.0, 3,
            DriftDetector.Form.TEXTBOOK)), 1.0));
    NumpyRandom env = new NumpyRandom(43);
    UpdateRule rule = afterTen(restart, env);
    long before = BanditAgents.restarts(rule);
    UpdateRule restored = restart.restoreState(rule.state().orElseThrow());
    agreeFrom(rule, restored, env, 10, 40, 3.0);
    assertTrue(BanditAgents.restarts(rule) > before, "the drop restarts the bandit after the restore");
    assertEquals(BanditAgents.restarts(rule), BanditAgents.restarts(restored));
  }

  @Test
  void aStateWithoutItsWindowOrDetectorIsRefusedWithOneLine() {
    AgentBuilder sliding = BanditAgents.adaptiveThompson("sliding_ts", new LinearThompson.Settings(1.0, 1.0), 4,
        new BanditAgents.Adaptation(1.0, 5, Optional.empty(), 1.0));
    AgentState full = afterTen(sliding, new NumpyRandom(5)).state().orElseThrow();
    java.util.Map<String, double[]> arrays = new java.util.HashMap<>(full.arrays());
    arrays.keySet().removeIf(k -> k.startsWith("window."));
    AgentState old = new AgentState(full.agent(), arrays, full.counters());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sliding.restoreState(old));
    assertTrue(e.getMessage().contains("window") && !e.getMessage().contains("\n"), e.getMessage());
    AgentBuilder restart = restartBandit();
    AgentState r = afterTen(restart, new NumpyRandom(6)).state().orElseThrow();
    java.util.Map<String, double[]> ra = new java.util.HashMap<>(r.arrays());
    ra.keySet().removeIf(k -> k.startsWith("detector."));
    IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
        () -> restart.restoreState(new AgentState(r.agent(), ra, r.counters())));
    assertTrue(f.getMessage().contains("detector"), f.getMessage());
  }
}
