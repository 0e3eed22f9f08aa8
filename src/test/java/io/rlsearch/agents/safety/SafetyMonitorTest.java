package io.rlsearch.agents.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.ContextualBandit;
import io.rlsearch.agents.bandit.FixedArmBandit;
import io.rlsearch.eval.drift.DriftDetector.Form;
import io.rlsearch.eval.drift.PageHinkley;
import org.junit.jupiter.api.Test;

/** The reference's SafetyMonitor cases (tests/ch10/test_monitoring.py) and the CM2 floor it lacks. */
class SafetyMonitorTest {
  private static final double[] X = {1.0};

  private static SafetyMonitor monitor(ContextualBandit primary, Form form, SafetyMonitor.Settings s) {
    return new SafetyMonitor(primary, new FixedArmBandit(4, 1, 0),
        new PageHinkley(new PageHinkley.Settings(0.1, 1, 5, form)), s);
  }

  @Test
  void fallsBackAfterARewardDropThenServesTheSafeArm() {
    for (Form form : Form.values()) {
      SafetyMonitor m = monitor(new FixedArmBandit(4, 1, 2), form,
          new SafetyMonitor.Settings(1, 100, 50, 0.3, Double.NaN, 100, 0));
      for (int i = 0; i < 20; i++) {
        m.update(m.select(X), X, 1.0, Double.NaN);
      }
      assertFalse(m.inFallback());
      for (int i = 0; i < 20 && !m.inFallback(); i++) {
        m.update(m.select(X), X, 0.0, Double.NaN);
      }
      assertTrue(m.inFallback(), form + ": no fallback after the drop");
      assertEquals(0, m.select(X));
      assertEquals(SafetyMonitor.Reason.DRIFT, m.events().get(0).reason());
    }
  }

  @Test
  void probesThePrimaryAgainAfterTheConfiguredNumberOfFallbackSteps() {
    SafetyMonitor m = monitor(new FixedArmBandit(4, 1, 2), Form.REFERENCE,
        new SafetyMonitor.Settings(1, 10, 50, 0.3, Double.NaN, 100, 0));
    for (int i = 0; i < 20; i++) {
      m.update(m.select(X), X, 1.0, Double.NaN);
    }
    while (!m.inFallback()) {
      m.update(m.select(X), X, 0.0, Double.NaN);
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(0, m.select(X));
      m.update(0, X, 0.0, Double.NaN);
    }
    assertFalse(m.inFallback());
    assertEquals(2, m.select(X));
    assertEquals(SafetyMonitor.Reason.PROBE, m.events().get(m.events().size() - 1).reason());
  }

  @Test
  void alternatingChoicesCountStabilityBreaches() {
    ContextualBandit flip = new Alternating();
    SafetyMonitor m = monitor(flip, Form.TEXTBOOK, new SafetyMonitor.Settings(5, 100, 10, 0.5, Double.NaN, 100, 0));
    for (int i = 0; i < 20; i++) {
      m.update(m.select(X), X, 1.0, Double.NaN);
    }
    assertTrue(m.stabilityBreaches() > 0);
    SafetyMonitor steady = monitor(new FixedArmBandit(4, 1, 3), Form.TEXTBOOK,
        new SafetyMonitor.Settings(5, 100, 10, 0.5, Double.NaN, 100, 0));
    for (int i = 0; i < 20; i++) {
      steady.update(steady.select(X), X, 1.0, Double.NaN);
    }
    assertEquals(0, steady.stabilityBreaches());
  }

  @Test
  void aCm2FloorBreachTriggersTheFallbackWithItsReason() {
    SafetyMonitor m = monitor(new FixedArmBandit(4, 1, 2), Form.TEXTBOOK,
        new SafetyMonitor.Settings(5, 100, 50, 0.3, 0.5, 10, 0));
    for (int i = 0; i < 30; i++) {
      m.update(m.select(X), X, 1.0, 1.0);
    }
    assertFalse(m.inFallback());
    for (int i = 0; i < 10 && !m.inFallback(); i++) {
      m.update(m.select(X), X, 1.0, -1.0);
    }
    assertTrue(m.inFallback());
    assertEquals(SafetyMonitor.Reason.CM2_FLOOR, m.events().get(0).reason());
  }

  @Test
  void withAlarmMemoryPatienceCountsRecentAlarms() {
    // Textbook detector restarts its sums after each alarm; patience 3 within 50 steps.
    SafetyMonitor m = monitor(new FixedArmBandit(4, 1, 2), Form.TEXTBOOK,
        new SafetyMonitor.Settings(3, 100, 50, 0.3, Double.NaN, 100, 50));
    for (int i = 0; i < 30; i++) {
      m.update(m.select(X), X, 1.0, Double.NaN);
    }
    int steps = 0;
    while (!m.inFallback() && steps < 50) {
      m.update(m.select(X), X, -2.0, Double.NaN);
      steps++;
    }
    assertTrue(m.inFallback(), "no fallback within 50 steps of a drop");
    assertTrue(m.alarms() >= 3);
  }

  /** A primary that alternates between arms 0 and 1 (unstable by construction). */
  private static final class Alternating implements ContextualBandit {
    private int next;

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
      return next++ % 2;
    }

    @Override
    public void update(int arm, double[] x, double reward) {}

    @Override
    public double[] meanScores(double[] x) {
      return new double[4];
    }

    @Override
    public io.rlsearch.agents.bandit.BanditDiagnostics diagnostics() {
      return new FixedArmBandit(4, 1, 0).diagnostics();
    }
  }

  @Test
  void afterADriftFallbackAFreshPrimaryServes() {
    int[] built = {0};
    SafetyMonitor m = new SafetyMonitor(new FixedArmBandit(4, 1, 2), new FixedArmBandit(4, 1, 0),
        new PageHinkley(new PageHinkley.Settings(0.1, 1, 5, Form.TEXTBOOK)),
        new SafetyMonitor.Settings(1, 10, 50, 0.3, Double.NaN, 100, 0), () -> {
          built[0]++;
          return new FixedArmBandit(4, 1, 3);
        });
    for (int i = 0; i < 20; i++) {
      m.update(m.select(X), X, 1.0, Double.NaN);
    }
    for (int i = 0; i < 20 && !m.inFallback(); i++) {
      m.update(m.select(X), X, 0.0, Double.NaN);
    }
    assertTrue(m.inFallback());
    for (int i = 0; i < 10; i++) {
      m.update(m.select(X), X, 0.5, Double.NaN);
    }
    assertFalse(m.inFallback());
    assertEquals(1, built[0], "one fresh primary after the drift");
    assertEquals(3, m.select(X), "the fresh primary serves");
  }
}
