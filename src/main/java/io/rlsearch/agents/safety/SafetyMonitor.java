package io.rlsearch.agents.safety;

import io.rlsearch.agents.bandit.ContextualBandit;
import io.rlsearch.eval.drift.DriftDetector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Wraps a primary policy with guardrails (the reference's {@code SafetyMonitor}).
 *
 * <ul>
 *   <li><b>Drift</b>: every reward goes to a detector as {@code -reward} (a drop is an increase).
 *       With {@code alarmMemory = 0} (the reference) an alarm adds one to a counter and a quiet step
 *       takes one off (never below 0), which suits a detector that keeps alarming while a shift lasts.
 *       A detector that restarts its sums after an alarm (the textbook form) alarms once per threshold
 *       crossing instead, so with {@code alarmMemory = W} the counter is the number of alarms in the
 *       last W updates. When the counter reaches {@code patience} the monitor falls back to the safe
 *       policy and resets the detector.
 *   <li><b>Probing back</b>: after {@code probeAfter} updates in fallback the primary serves again
 *       (its learned state was kept; it does not learn while in fallback).
 *   <li><b>CM2 floor</b> (optional): the mean CM2 of the last {@code cm2Window} primary steps below
 *       the floor triggers the fallback too.
 *   <li><b>Stability</b>: the primary's last {@code stabilityWindow} choices; when the share of
 *       consecutive changes exceeds {@code maxChangeRate} a breach is counted (monitor only).
 * </ul>
 * Every fallback and probe is recorded with its step and reason.
 */
public final class SafetyMonitor {
  /**
   * Settings (reference defaults: patience 5, probe 100, stability window 50, rate 0.3, no CM2 floor).
   *
   * @param patience net alarms that trigger the fallback
   * @param probeAfter fallback updates before the primary is tried again
   * @param stabilityWindow choices kept for the stability check
   * @param maxChangeRate share of consecutive changes above which a breach is counted
   * @param cm2Floor minimum mean CM2 per step (NaN: no floor)
   * @param cm2Window steps in the CM2 mean
   * @param alarmMemory 0: net alarm counter (reference); W > 0: alarms within the last W updates
   */
  public record Settings(int patience, int probeAfter, int stabilityWindow, double maxChangeRate, double cm2Floor,
      int cm2Window, int alarmMemory) {
    public Settings {
      if (patience < 1 || probeAfter < 1 || stabilityWindow < 2 || !(maxChangeRate >= 0 && maxChangeRate <= 1)
          || cm2Window < 1 || alarmMemory < 0) {
        throw new IllegalArgumentException("safety monitor needs patience >= 1, probe >= 1, stability window >= 2,"
            + " change rate in [0, 1], CM2 window >= 1 and alarm memory >= 0");
      }
    }

    /** The reference's defaults. */
    public static Settings defaults() {
      return new Settings(5, 100, 50, 0.3, Double.NaN, 100, 0);
    }
  }

  /** Why the monitor switched. */
  public enum Reason { DRIFT, CM2_FLOOR, PROBE }

  /**
   * A switch of the serving policy.
   *
   * @param step the update count at which it happened
   * @param toFallback true for a fallback, false for a probe back to the primary
   * @param reason why
   */
  public record Event(long step, boolean toFallback, Reason reason) {}

  private ContextualBandit primary;
  private final java.util.function.Supplier<ContextualBandit> freshPrimary;
  private boolean driftFallback;
  private final ContextualBandit safe;
  private final DriftDetector detector;
  private final Settings settings;
  private final ArrayDeque<Integer> recent = new ArrayDeque<>();
  private final ArrayDeque<Double> cm2 = new ArrayDeque<>();
  private final ArrayDeque<Long> alarmSteps = new ArrayDeque<>();
  private final List<Event> events = new ArrayList<>();
  private double cm2Sum;
  private boolean inFallback;
  private int driftCounter;
  private int fallbackCounter;
  private long steps;
  private long alarms;
  private long stabilityBreaches;
  private long lastAlarmStep = -1;

  /** A monitor of {@code primary} falling back to {@code safe}, watching rewards with {@code detector}. */
  public SafetyMonitor(ContextualBandit primary, ContextualBandit safe, DriftDetector detector, Settings settings) {
    this(primary, safe, detector, settings, null);
  }

  /**
   * As above; after a fallback for drift, the primary that serves again is {@code freshPrimary}'s new
   * one (null: the same): what the old one learned described the world before the change.
   */
  public SafetyMonitor(ContextualBandit primary, ContextualBandit safe, DriftDetector detector, Settings settings,
      java.util.function.Supplier<ContextualBandit> freshPrimary) {
    this.freshPrimary = freshPrimary;
    this.primary = Objects.requireNonNull(primary, "primary");
    this.safe = Objects.requireNonNull(safe, "safe");
    this.detector = Objects.requireNonNull(detector, "detector");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The arm to play: the safe policy's in fallback, the primary's otherwise. */
  public int select(double[] x) {
    if (inFallback) {
      return safe.select(x);
    }
    int a = primary.select(x);
    recordChoice(a);
    return a;
  }

  /** Feeds back a step's reward (and CM2, NaN if unknown) to the serving policy and the guardrails. */
  public void update(int arm, double[] x, double reward, double stepCm2) {
    steps++;
    if (inFallback) {
      safe.update(arm, x, reward);
      if (++fallbackCounter >= settings.probeAfter()) {
        inFallback = false;
        if (driftFallback && freshPrimary != null) {
          primary = freshPrimary.get();
        }
        detector.reset();
        fallbackCounter = 0;
        driftCounter = 0;
        alarmSteps.clear();
        events.add(new Event(steps, false, Reason.PROBE));
      }
    } else {
      primary.update(arm, x, reward);
      if (!Double.isNaN(settings.cm2Floor()) && !Double.isNaN(stepCm2)) {
        cm2.addLast(stepCm2);
        cm2Sum += stepCm2;
        if (cm2.size() > settings.cm2Window()) {
          cm2Sum -= cm2.removeFirst();
        }
        if (cm2.size() == settings.cm2Window() && cm2Sum / cm2.size() < settings.cm2Floor()) {
          fallBack(Reason.CM2_FLOOR);
          return;
        }
      }
    }
    boolean alarm = detector.update(-reward);
    if (alarm) {
      alarms++;
      lastAlarmStep = steps;
    }
    if (settings.alarmMemory() > 0) {
      if (alarm) {
        alarmSteps.addLast(steps);
      }
      while (!alarmSteps.isEmpty() && alarmSteps.peekFirst() <= steps - settings.alarmMemory()) {
        alarmSteps.removeFirst();
      }
      driftCounter = alarmSteps.size();
    } else {
      driftCounter = alarm ? driftCounter + 1 : Math.max(0, driftCounter - 1);
    }
    if (alarm && driftCounter >= settings.patience()) {
      fallBack(Reason.DRIFT);
    }
  }

  private void fallBack(Reason reason) {
    if (inFallback) {
      return;
    }
    inFallback = true;
    driftFallback = reason == Reason.DRIFT;
    detector.reset();
    driftCounter = 0;
    alarmSteps.clear();
    fallbackCounter = 0;
    cm2.clear();
    cm2Sum = 0;
    events.add(new Event(steps, true, reason));
  }

  private void recordChoice(int a) {
    recent.addLast(a);
    if (recent.size() > settings.stabilityWindow()) {
      recent.removeFirst();
    }
    if (recent.size() < 2) {
      return;
    }
    int changes = 0;
    Integer prev = null;
    for (Integer v : recent) {
      if (prev != null && !prev.equals(v)) {
        changes++;
      }
      prev = v;
    }
    if ((double) changes / (recent.size() - 1) > settings.maxChangeRate()) {
      stabilityBreaches++;
    }
  }

  /** Whether the safe policy is serving. */
  public boolean inFallback() {
    return inFallback;
  }

  /** Detector alarms so far. */
  public long alarms() {
    return alarms;
  }

  /** The update count of the last alarm, or -1. */
  public long lastAlarmStep() {
    return lastAlarmStep;
  }

  /** Stability breaches counted so far. */
  public long stabilityBreaches() {
    return stabilityBreaches;
  }

  /** Fallbacks so far (for any reason). */
  public long fallbacks() {
    return events.stream().filter(Event::toFallback).count();
  }

  /** Every switch, in order. */
  public List<Event> events() {
    return List.copyOf(events);
  }
}
