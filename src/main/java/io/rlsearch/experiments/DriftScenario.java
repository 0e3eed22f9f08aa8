package io.rlsearch.experiments;

import io.rlsearch.agents.bandit.FixedArmBandit;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.safety.SafetyMonitor;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.eval.drift.PageHinkley;
import java.util.ArrayList;
import java.util.List;

/**
 * The Chapter-10 drift scenario ({@code scripts/ch10/ch10_drift_demo.py}): four arms whose
 * click and conversion rates change abruptly mid-run; a LinUCB primary with and without a guardrail
 * that falls back to the always-arm-0 safe policy.
 *
 * <p>Each step draws a random unit 5-vector context and, for common random numbers, the outcome of
 * every arm ({@code click ~ Bernoulli(CTR)}, {@code buy ~ Bernoulli(CVR)}, reward
 * {@code 0.4 price click buy + N(0, 0.5)}); the guarded and the unguarded run then see the same
 * contexts and the same outcome for each arm, so their difference is paired. Run r uses
 * {@code SeedSequence(seed).child(r)} (the reference's demo is unseeded).
 *
 * <p>Measured per run: the detection delay (steps from the drift to the guarded run's first detector
 * alarm), the fallback delay (steps from the drift to the first fallback the guardrail triggers after it), the
 * recovery time (steps from the drift to the end of the first 50-step window whose mean
 * reward reaches 0.9 times the mean of the 200 steps before the drift), the false alarms before the
 * drift, and the mean reward per step after the drift with and without the guardrail.
 */
public final class DriftScenario {
  private static final double[][] CTR = {{0.10, 0.20, 0.15, 0.12}, {0.10, 0.05, 0.15, 0.25}};
  private static final double[][] CVR = {{0.50, 0.60, 0.53, 0.50}, {0.50, 0.40, 0.53, 0.60}};
  private static final double[] PRICE = {50, 60, 45, 55};
  private static final int ARMS = 4;
  private static final int DIM = 5;
  private static final int PRE_WINDOW = 200;
  private static final int RECOVERY_WINDOW = 50;
  /** With textbook detectors, patience counts the alarms of the last 200 steps (see SafetyMonitor). */
  static final int ALARM_MEMORY = 200;

  /**
   * Settings (the demo's: 3,000 steps, drift at 1,500, LinUCB alpha 1.5, PH threshold 30, delta 0.01,
   * min 30, patience 5, probe 100).
   */
  public record Settings(int runs, long seed, int steps, int driftAt, double linAlpha, double phThreshold,
      double phDelta, int phMin, DriftDetector.Form form, int patience, int probeAfter, double arl0,
      boolean restartPrimary) {
    /** The book's detector (Page-Hinkley, threshold and delta in reward units), the primary kept. */
    public Settings(int runs, long seed, int steps, int driftAt, double linAlpha, double phThreshold, double phDelta,
        int phMin, DriftDetector.Form form, int patience, int probeAfter) {
      this(runs, seed, steps, driftAt, linAlpha, phThreshold, phDelta, phMin, form, patience, probeAfter, Double.NaN,
          false);
    }

    /** Whether the detector is the calibrated CUSUM (a false-alarm budget) rather than the book's. */
    public boolean calibrated() {
      return !Double.isNaN(arl0);
    }

    public Settings {
      if (!Double.isNaN(arl0) && !(arl0 >= CALIBRATED_BATCH)) {
        throw new IllegalArgumentException("the false-alarm budget must be at least " + CALIBRATED_BATCH
            + " steps, got " + arl0);
      }
      if (runs < 2) {
        throw new IllegalArgumentException("seeds must be >= 2 for confidence intervals, got " + runs);
      }
      if (driftAt < PRE_WINDOW || driftAt + RECOVERY_WINDOW > steps) {
        throw new IllegalArgumentException("the drift must come after " + PRE_WINDOW + " steps and at least "
            + RECOVERY_WINDOW + " steps before the end; got drift at " + driftAt + " of " + steps);
      }
      if (seed < 0) {
        throw new IllegalArgumentException("seed must be >= 0, got " + seed);
      }
    }

    /** The Chapter-10 demo's settings for {@code runs} seeds, textbook detectors. */
    public static Settings demo(int runs, long seed) {
      return new Settings(runs, seed, 3000, 1500, 1.5, 30, 0.01, 30, DriftDetector.Form.TEXTBOOK, 5, 100);
    }

    /**
     * The calibrated defaults: a CUSUM on standardised batch means of 20 rewards with a false-alarm
     * budget of {@code arl0} steps (one alarm falls back), the primary restarted when it serves again.
     */
    public static Settings calibrated(int runs, long seed, int steps, int driftAt, double arl0, int probeAfter) {
      return new Settings(runs, seed, steps, driftAt, 1.5, 30, 0.01, 30, DriftDetector.Form.TEXTBOOK, 1, probeAfter,
          arl0, true);
    }
  }

  /** Rewards per batch mean of the calibrated detector. */
  static final int CALIBRATED_BATCH = 20;

  /** The calibrated detector's warm-up, in batches (200 steps, the pre-drift window). */
  static final int CALIBRATED_WARMUP = 10;

  private static DriftDetector detector(Settings s) {
    return s.calibrated()
        ? new io.rlsearch.eval.drift.CalibratedCusum(new io.rlsearch.eval.drift.CalibratedCusum.Settings(
            CALIBRATED_BATCH, CALIBRATED_WARMUP, 0.5, s.arl0()))
        : new PageHinkley(new PageHinkley.Settings(s.phDelta(), s.phThreshold(), s.phMin(), s.form()));
  }

  /** One run's figures (NaN where the event never happened). */
  public record Run(double detectionDelay, double fallbackDelay, double recoveryTime,
      double recoveryTimeWithoutGuardrail, int falseAlarms, double rewardWithGuardrail, double rewardWithoutGuardrail,
      long fallbacks) {}

  /** All runs and their summaries. */
  public record Result(Settings settings, List<Run> runs, Summary detectionDelay, Summary fallbackDelay,
      Summary recoveryTime,
      Summary recoveryTimeWithoutGuardrail, Summary falseAlarms, Summary rewardWithGuardrail,
      Summary rewardWithoutGuardrail, Summary rewardDifference, Summary fallbacks) {}

  private DriftScenario() {}

  /** Runs every seed. */
  public static Result run(Settings s) {
    List<Run> runs = new ArrayList<>();
    for (int r = 0; r < s.runs(); r++) {
      runs.add(runOne(s, new NumpyRandom(SeedSequence.of(s.seed()).child(r))));
    }
    return new Result(s, runs, summary(runs, Run::detectionDelay), summary(runs, Run::fallbackDelay),
        summary(runs, Run::recoveryTime),
        summary(runs, Run::recoveryTimeWithoutGuardrail), summary(runs, x -> x.falseAlarms()),
        summary(runs, Run::rewardWithGuardrail), summary(runs, Run::rewardWithoutGuardrail),
        summary(runs, x -> x.rewardWithGuardrail() - x.rewardWithoutGuardrail()), summary(runs, x -> x.fallbacks()));
  }

  /** The summary over runs where the figure exists (NaN entries are left out). */
  private static Summary summary(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    return Summary.of(runs.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).toArray());
  }

  static Run runOne(Settings s, NumpyRandom rng) {
    SafetyMonitor guarded = new SafetyMonitor(new LinUcb(ARMS, DIM, new LinUcb.Settings(1.0, s.linAlpha(), false)),
        new FixedArmBandit(ARMS, DIM, 0), detector(s),
        new SafetyMonitor.Settings(s.patience(), s.probeAfter(), 50, 0.3, Double.NaN, 100,
            s.form() == DriftDetector.Form.REFERENCE ? 0 : ALARM_MEMORY),
        s.restartPrimary() ? () -> new LinUcb(ARMS, DIM, new LinUcb.Settings(1.0, s.linAlpha(), false)) : null);
    LinUcb plain = new LinUcb(ARMS, DIM, new LinUcb.Settings(1.0, s.linAlpha(), false));
    double[] withG = new double[s.steps()];
    double[] without = new double[s.steps()];
    double[] outcome = new double[ARMS];
    double detection = Double.NaN;
    double fallback = Double.NaN;
    int falseAlarms = 0;
    for (int t = 0; t < s.steps(); t++) {
      double[] x = context(rng);
      int phase = t < s.driftAt() ? 0 : 1;
      for (int a = 0; a < ARMS; a++) {
        boolean click = rng.random() < CTR[phase][a];
        boolean buy = rng.random() < CVR[phase][a];
        outcome[a] = 0.4 * PRICE[a] * (click && buy ? 1 : 0) + rng.normal(0, 0.5);
      }
      int ag = guarded.select(x);
      long alarmsBefore = guarded.alarms();
      guarded.update(ag, x, outcome[ag], Double.NaN);
      withG[t] = outcome[ag];
      if (guarded.alarms() > alarmsBefore) {
        if (t < s.driftAt()) {
          falseAlarms++;
        } else if (Double.isNaN(detection)) {
          detection = t - s.driftAt();
        }
      }
      int ap = plain.select(x);
      plain.update(ap, x, outcome[ap]);
      without[t] = outcome[ap];
    }
    for (SafetyMonitor.Event e : guarded.events()) {
      long t = e.step() - 1;
      if (e.toFallback() && t >= s.driftAt()) {
        fallback = t - s.driftAt();
        break;
      }
    }
    return new Run(detection, fallback, recovery(withG, s.driftAt()), recovery(without, s.driftAt()), falseAlarms,
        mean(withG, s.driftAt(), s.steps()), mean(without, s.driftAt(), s.steps()), guarded.fallbacks());
  }

  private static double[] context(NumpyRandom rng) {
    double[] x = new double[DIM];
    double n = 0;
    for (int i = 0; i < DIM; i++) {
      x[i] = rng.standardNormal();
      n += x[i] * x[i];
    }
    n = Math.sqrt(n);
    for (int i = 0; i < DIM; i++) {
      x[i] /= n;
    }
    return x;
  }

  /** Steps from the drift to the end of the first 50-step window reaching 0.9 x the pre-drift mean; NaN if none. */
  static double recovery(double[] rewards, int drift) {
    double target = 0.9 * mean(rewards, drift - PRE_WINDOW, drift);
    double sum = 0;
    for (int t = drift; t < rewards.length; t++) {
      sum += rewards[t];
      if (t - drift >= RECOVERY_WINDOW) {
        sum -= rewards[t - RECOVERY_WINDOW];
      }
      if (t - drift + 1 >= RECOVERY_WINDOW && sum / RECOVERY_WINDOW >= target) {
        return t - drift + 1;
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
}
