package io.rlsearch.agents.safety;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditDiagnostics;
import io.rlsearch.agents.bandit.ContextualBandit;
import io.rlsearch.agents.bandit.FixedArmBandit;
import io.rlsearch.agents.safety.SafetyMonitor.Event;
import io.rlsearch.agents.safety.SafetyMonitor.Reason;
import io.rlsearch.agents.safety.SafetyMonitor.Settings;
import io.rlsearch.eval.drift.DriftDetector;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The monitor's bookkeeping step by step, with a detector that alarms on chosen updates and policies
 * that count what they are fed.
 */
class SafetyMonitorScriptedTest {
  private static final double[] X = {1.0};

  /** Alarms on the given (1-based) calls of update; counts resets. */
  private static final class Scripted implements DriftDetector {
    private final Set<Integer> alarmAt;
    int calls;
    int resets;

    Scripted(Integer... alarmAt) {
      this.alarmAt = Set.of(alarmAt);
    }

    @Override
    public boolean update(double x) {
      return alarmAt.contains(++calls);
    }

    @Override
    public void reset() {
      resets++;
    }

    @Override
    public long samples() {
      return calls;
    }
  }

  /** Plays the given arms in turn; counts its updates. */
  private static final class Counting implements ContextualBandit {
    private final int[] arms;
    private int next;
    int updates;

    Counting(int... arms) {
      this.arms = arms;
    }

    @Override
    public int arms() {
      return 4;
    }

    @Override
    public int dim() {
      return 1;
    }

    @Override
    public int select(double[] x) {
      return arms[next++ % arms.length];
    }

    @Override
    public void update(int arm, double[] x, double reward) {
      updates++;
    }

    @Override
    public double[] meanScores(double[] x) {
      return new double[4];
    }

    @Override
    public BanditDiagnostics diagnostics() {
      return new FixedArmBandit(4, 1, 0).diagnostics();
    }
  }

  private static void step(SafetyMonitor m, double cm2) {
    m.update(m.select(X), X, 1.0, cm2);
  }

  @Test
  void settingsAtTheirLimitsAndTheDefaults() {
    assertEquals(1, new Settings(1, 1, 2, 0.0, Double.NaN, 1, 0).patience());
    assertEquals(1.0, new Settings(1, 1, 2, 1.0, Double.NaN, 1, 0).maxChangeRate());
    String message = "safety monitor needs patience >= 1, probe >= 1, stability window >= 2, change rate in [0, 1],"
        + " CM2 window >= 1 and alarm memory >= 0";
    List<Runnable> bad = List.of(
        () -> new Settings(0, 1, 2, 0.5, Double.NaN, 1, 0),
        () -> new Settings(1, 0, 2, 0.5, Double.NaN, 1, 0),
        () -> new Settings(1, 1, 1, 0.5, Double.NaN, 1, 0),
        () -> new Settings(1, 1, 2, -1e-12, Double.NaN, 1, 0),
        () -> new Settings(1, 1, 2, 1 + 1e-12, Double.NaN, 1, 0),
        () -> new Settings(1, 1, 2, Double.NaN, Double.NaN, 1, 0),
        () -> new Settings(1, 1, 2, 0.5, Double.NaN, 0, 0),
        () -> new Settings(1, 1, 2, 0.5, Double.NaN, 1, -1));
    for (int i = 0; i < bad.size(); i++) {
      assertEquals(message, assertThrows(IllegalArgumentException.class, bad.get(i)::run).getMessage(), "case " + i);
    }
    assertEquals(new Settings(5, 100, 50, 0.3, Double.NaN, 100, 0), Settings.defaults());
  }

  @Test
  void theNetAlarmCounterFallsBackAtPatienceAndTheSafePolicyServesUntilTheProbe() {
    Counting primary = new Counting(2);
    Counting safe = new Counting(3);
    Scripted detector = new Scripted(1, 3, 4);
    SafetyMonitor m = new SafetyMonitor(primary, safe, detector, new Settings(2, 3, 50, 1.0, Double.NaN, 100, 0));
    assertEquals(-1, m.lastAlarmStep());
    step(m, Double.NaN); // alarm: counter 1
    step(m, Double.NaN); // quiet: 0
    step(m, Double.NaN); // alarm: 1
    assertFalse(m.inFallback(), "alarm, quiet, alarm nets one");
    step(m, Double.NaN); // alarm: 2, the patience
    assertTrue(m.inFallback());
    assertEquals(List.of(new Event(4, true, Reason.DRIFT)), m.events());
    assertEquals(3, m.alarms());
    assertEquals(4, m.lastAlarmStep());
    assertEquals(1, m.fallbacks());
    assertEquals(1, detector.resets);
    assertEquals(4, primary.updates);
    for (int i = 0; i < 3; i++) {
      assertEquals(3, m.select(X), "the safe policy serves");
      m.update(3, X, 0.0, Double.NaN);
    }
    assertEquals(3, safe.updates, "the safe policy learns while it serves");
    assertEquals(4, primary.updates, "the primary does not");
    assertFalse(m.inFallback());
    assertEquals(List.of(new Event(4, true, Reason.DRIFT), new Event(7, false, Reason.PROBE)), m.events());
    assertEquals(2, detector.resets, "reset at the fallback and at the probe");
    assertEquals(1, m.fallbacks());
    assertEquals(3, m.alarms());
    assertEquals(2, m.select(X));
  }

  @Test
  void alarmsExpireExactlyAlarmMemoryUpdatesLaterAndTheProbeForgetsThem() {
    // Memory 3, patience 2: the alarm of update 1 no longer counts at update 4.
    Scripted detector = new Scripted(1, 4, 6, 7, 9);
    SafetyMonitor m = new SafetyMonitor(new Counting(2), new Counting(0), detector,
        new Settings(2, 2, 50, 1.0, Double.NaN, 100, 3));
    for (int i = 0; i < 5; i++) {
      step(m, Double.NaN);
    }
    assertFalse(m.inFallback(), "alarms at 1 and 4 are 3 updates apart");
    step(m, Double.NaN);
    assertTrue(m.inFallback(), "alarms at 4 and 6 are within 3");
    assertEquals(new Event(6, true, Reason.DRIFT), m.events().get(0));
    step(m, Double.NaN); // 7: an alarm while in fallback
    step(m, Double.NaN); // 8: the probe
    assertFalse(m.inFallback());
    assertEquals(new Event(8, false, Reason.PROBE), m.events().get(1));
    step(m, Double.NaN); // 9: an alarm; the one at 7 was forgotten at the probe
    assertFalse(m.inFallback());
    assertEquals(5, m.alarms());
    assertEquals(9, m.lastAlarmStep());
  }

  @Test
  void theCm2FloorFiresStrictlyBelowItAndAProbedPrimaryStartsAFreshWindow() {
    Scripted detector = new Scripted();
    SafetyMonitor m = new SafetyMonitor(new Counting(2), new Counting(0), detector,
        new Settings(5, 2, 50, 1.0, 0.5, 2, 0));
    step(m, 0.25);
    step(m, 0.75);
    assertFalse(m.inFallback(), "a mean of exactly the floor");
    step(m, 0.2);
    assertTrue(m.inFallback(), "(0.75 + 0.2) / 2 < 0.5");
    assertEquals(List.of(new Event(3, true, Reason.CM2_FLOOR)), m.events());
    assertEquals(1, detector.resets);
    assertEquals(2, detector.calls, "the step that fell back fed no detector");
    step(m, 0.0);
    step(m, 0.0);
    assertFalse(m.inFallback(), "probed after 2 updates");
    step(m, 0.8);
    assertFalse(m.inFallback(), "the window before the fallback is gone: one CM2 of 0.8 so far");
    step(m, 0.8);
    assertFalse(m.inFallback());
    assertEquals(1, m.fallbacks());
    assertEquals(0, m.alarms());
    assertEquals(-1, m.lastAlarmStep());
  }

  @Test
  void stabilityBreachesAreChangeSharesStrictlyAboveTheRateOverTheLastWindowOfChoices() {
    // Window 3, rate 0.5; choices 0, 1, 1, 1, 0, 1.
    SafetyMonitor m = new SafetyMonitor(new Counting(0, 1, 1, 1, 0, 1), new Counting(0), new Scripted(),
        new Settings(5, 10, 3, 0.5, Double.NaN, 100, 0));
    long[] breaches = new long[6];
    for (int i = 0; i < 6; i++) {
      m.select(X);
      breaches[i] = m.stabilityBreaches();
    }
    // [0] too few; [0,1] 1/1; [0,1,1] 1/2; [1,1,1] 0; [1,1,0] 1/2; [1,0,1] 2/2.
    assertArrayEquals(new long[] {0, 1, 1, 1, 1, 2}, breaches);
  }
}
