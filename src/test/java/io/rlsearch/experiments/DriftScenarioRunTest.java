package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.FixedArmBandit;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.safety.SafetyMonitor;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.eval.drift.PageHinkley;
import org.junit.jupiter.api.Test;

/**
 * One drift run against the scenario written out from its description: a unit context, then per arm a
 * click, a purchase and a noise draw (reward 0.4 price click buy + N(0, 0.5), the rates switching at the
 * drift), a guarded and a plain LinUCB on the same outcomes, and the figures measured from those rewards.
 */
class DriftScenarioRunTest {
  private static final double[][] CTR = {{0.10, 0.20, 0.15, 0.12}, {0.10, 0.05, 0.15, 0.25}};
  private static final double[][] CVR = {{0.50, 0.60, 0.53, 0.50}, {0.50, 0.40, 0.53, 0.60}};
  private static final double[] PRICE = {50, 60, 45, 55};

  /** The figures of a run, by the description; also the alarm steps. */
  private static DriftScenario.Run reference(DriftScenario.Settings s, NumpyRandom rng) {
    SafetyMonitor guarded = new SafetyMonitor(new LinUcb(4, 5, new LinUcb.Settings(1.0, s.linAlpha(), false)),
        new FixedArmBandit(4, 5, 0),
        new PageHinkley(new PageHinkley.Settings(s.phDelta(), s.phThreshold(), s.phMin(), s.form())),
        new SafetyMonitor.Settings(s.patience(), s.probeAfter(), 50, 0.3, Double.NaN, 100, 200));
    LinUcb plain = new LinUcb(4, 5, new LinUcb.Settings(1.0, s.linAlpha(), false));
    int n = s.steps();
    int d = s.driftAt();
    double[] g = new double[n];
    double[] p = new double[n];
    double detection = Double.NaN;
    int falseAlarms = 0;
    for (int t = 0; t < n; t++) {
      double[] z = new double[5];
      double norm2 = 0;
      for (int i = 0; i < 5; i++) {
        z[i] = rng.standardNormal();
        norm2 += z[i] * z[i];
      }
      double[] x = new double[5];
      for (int i = 0; i < 5; i++) {
        x[i] = z[i] / Math.sqrt(norm2);
      }
      double[] r = new double[4];
      int phase = t >= d ? 1 : 0;
      for (int a = 0; a < 4; a++) {
        double u1 = rng.random();
        double u2 = rng.random();
        int sale = (u1 < CTR[phase][a] ? 1 : 0) * (u2 < CVR[phase][a] ? 1 : 0);
        r[a] = 0.4 * PRICE[a] * sale + 0.5 * rng.standardNormal();
      }
      int ag = guarded.select(x);
      long before = guarded.alarms();
      guarded.update(ag, x, r[ag], Double.NaN);
      g[t] = r[ag];
      if (guarded.alarms() != before) {
        if (t >= d) {
          if (Double.isNaN(detection)) {
            detection = t - d;
          }
        } else {
          falseAlarms++;
        }
      }
      int ap = plain.select(x);
      plain.update(ap, x, r[ap]);
      p[t] = r[ap];
    }
    double fallback = Double.NaN;
    for (SafetyMonitor.Event e : guarded.events()) {
      // Event steps count updates: the update of step t is number t + 1.
      if (e.toFallback() && e.step() - 1 >= d) {
        fallback = e.step() - 1 - d;
        break;
      }
    }
    return new DriftScenario.Run(detection, fallback, recovery(g, d), recovery(p, d), falseAlarms,
        mean(g, d, n), mean(p, d, n), guarded.fallbacks());
  }

  /** Brute force: the first window [e - 50, e) after the drift whose mean is >= 0.9 x the mean of the 200 before. */
  private static double recovery(double[] r, int d) {
    double target = 0.9 * mean(r, d - 200, d);
    for (int e = d + 50; e <= r.length; e++) {
      if (mean(r, e - 50, e) >= target - 1e-12) {
        return e - d;
      }
    }
    return Double.NaN;
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  private static DriftScenario.Settings book(int steps, int drift, int patience, int probe) {
    return new DriftScenario.Settings(2, 0, steps, drift, 1.5, 30, 0.01, 30, DriftDetector.Form.TEXTBOOK, patience,
        probe);
  }

  private static void assertRun(DriftScenario.Run want, DriftScenario.Run got) {
    assertEquals(want.detectionDelay(), got.detectionDelay(), 0.0, "detection");
    assertEquals(want.fallbackDelay(), got.fallbackDelay(), 0.0, "fallback");
    assertEquals(want.recoveryTime(), got.recoveryTime(), 0.0, "recovery");
    assertEquals(want.recoveryTimeWithoutGuardrail(), got.recoveryTimeWithoutGuardrail(), 0.0, "recovery plain");
    assertEquals(want.falseAlarms(), got.falseAlarms(), "false alarms");
    assertEquals(want.rewardWithGuardrail(), got.rewardWithGuardrail(), 1e-12, "reward guarded");
    assertEquals(want.rewardWithoutGuardrail(), got.rewardWithoutGuardrail(), 1e-12, "reward plain");
    assertEquals(want.fallbacks(), got.fallbacks(), "fallbacks");
  }

  @Test
  void aRunIsTheScenarioAsDescribed() {
    DriftScenario.Settings s = book(900, 500, 5, 100);
    DriftScenario.Run want = reference(s, new NumpyRandom(3));
    DriftScenario.Run got = DriftScenario.runOne(s, new NumpyRandom(3));
    assertRun(want, got);
    // The run exercises every figure: alarms before and after the drift, a fallback after it, a recovery.
    assertTrue(want.falseAlarms() > 0 && want.detectionDelay() >= 0 && want.fallbackDelay() >= 0
        && !Double.isNaN(want.recoveryTime()), want.toString());
  }

  @Test
  void anAlarmAtTheDriftStepIsADetectionWithNoDelayAndItsFallbackCountsToo() {
    // Seed 0, drift at step 356, patience 1: the detector's alarm lands on the drift step itself.
    DriftScenario.Settings s = book(416, 356, 1, 20);
    DriftScenario.Run want = reference(s, new NumpyRandom(0));
    assertRun(want, DriftScenario.runOne(s, new NumpyRandom(0)));
    assertEquals(0.0, want.detectionDelay(), 0.0);
    assertEquals(0.0, want.fallbackDelay(), 0.0);
    assertEquals(3, want.falseAlarms());
  }

  @Test
  void figuresThatNeverHappenAreLeftOutOfTheSummaries() {
    // A threshold no reward sum reaches: no alarm, no fallback, and the guarded run is the plain one.
    DriftScenario.Settings s = new DriftScenario.Settings(3, 4, 320, 250, 1.5, 1e9, 0.01, 30,
        DriftDetector.Form.TEXTBOOK, 5, 100);
    DriftScenario.Result r = DriftScenario.run(s);
    assertEquals(0, r.detectionDelay().n());
    assertEquals(0, r.fallbackDelay().n());
    assertEquals(3, r.falseAlarms().n());
    assertEquals(0.0, r.falseAlarms().mean(), 0.0);
    assertEquals(0.0, r.fallbacks().mean(), 0.0);
    assertEquals(3, r.rewardDifference().n());
    assertEquals(0.0, r.rewardDifference().mean(), 0.0);
    long recovered = r.runs().stream().filter(x -> !Double.isNaN(x.recoveryTime())).count();
    assertEquals(recovered, r.recoveryTime().n());
    for (DriftScenario.Run x : r.runs()) {
      assertEquals(x.rewardWithoutGuardrail(), x.rewardWithGuardrail(), 0.0);
    }
  }

  @Test
  void recoveryCountsFullFiftyStepWindowsAndAcceptsExactlyNinetyPercent() {
    int d = 200;
    // Before the drift 1.0 (target 0.9); after it 1, ten zeros, then ones.
    double[] r = new double[d + 100];
    java.util.Arrays.fill(r, 1.0);
    for (int t = d + 1; t <= d + 10; t++) {
      r[t] = 0.0;
    }
    // The window [e - 50, e) holds 11 - max(1, e - 50) zeros while e - 50 <= 10: five zeros
    // (mean 45 / 50 = 0.9, exactly the target) first at e = 56.
    assertEquals(56.0, DriftScenario.recovery(r, d), 0.0);
    // Far above the target from the first step: still the first full window, 50.
    double[] high = new double[d + 60];
    java.util.Arrays.fill(high, 1.0);
    java.util.Arrays.fill(high, d, d + 60, 10.0);
    assertEquals(50.0, DriftScenario.recovery(high, d), 0.0);
    // Just below the target throughout: never.
    double[] low = new double[d + 60];
    java.util.Arrays.fill(low, 1.0);
    java.util.Arrays.fill(low, d, d + 60, 0.89);
    assertTrue(Double.isNaN(DriftScenario.recovery(low, d)));
  }
}
