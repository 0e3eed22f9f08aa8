package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.experiments.DriftScenario;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code drift}: the Chapter-10 drift scenario over several seeds. */
@Command(name = "drift", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/drift.md",
    description = "The Chapter-10 drift scenario: 4 arms whose click and conversion rates change at the drift step;"
        + " LinUCB with a guardrail against the same LinUCB without one, on common random numbers. The default"
        + " guardrail is calibrated: a CUSUM on standardised batch means of 20 rewards whose threshold gives a"
        + " false-alarm budget of --arl0 steps on average (far beyond the run: well under one false alarm per"
        + " run); one alarm falls back to arm 0 for --probe steps, then a fresh LinUCB serves (the old one"
        + " learned the world before the change). --book: the book's guardrail instead (Page-Hinkley on -reward,"
        + " --threshold and --delta in reward units, fallback after --patience alarms within 200 steps, or net"
        + " alarms with --reference-detectors; the primary kept), which reproduces its Chapter-10 figures and"
        + " alarms about every 57 steps on unchanged rewards. Reports"
        + " detection delay, recovery time and false alarms with 95%% CIs over seeds, and the reward per step"
        + " after the drift with and without the guardrail.")
final class DriftCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "20", description = "Runs (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "10",
      description = "Root seed; run r uses SeedSequence(S).child(r) (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--steps", paramLabel = "T", defaultValue = "3000", description = "Steps per run (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--drift-at", paramLabel = "T", defaultValue = "1500",
      description = "Step of the change (default: ${DEFAULT-VALUE}).")
  int driftAt;

  @Option(names = "--threshold", paramLabel = "X", defaultValue = "30",
      description = "Page-Hinkley threshold (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--delta", paramLabel = "X", defaultValue = "0.01",
      description = "Page-Hinkley delta (default: ${DEFAULT-VALUE}).")
  double delta;

  @Option(names = "--patience", paramLabel = "N", defaultValue = "5",
      description = "Alarms (within the last 200 steps; net alarms with --reference-detectors) before the"
          + " fallback (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--probe", paramLabel = "N", defaultValue = "100",
      description = "Fallback steps before probing the primary again (default: ${DEFAULT-VALUE}).")
  int probe;

  @Option(names = "--arl0", paramLabel = "STEPS", defaultValue = "10000",
      description = "The calibrated guardrail's false-alarm budget: average steps between false alarms on"
          + " unchanged rewards (default: ${DEFAULT-VALUE}).")
  double arl0;

  @Option(names = "--book", description = "The book's guardrail (Page-Hinkley; --threshold, --delta, --patience).")
  boolean book;

  @Option(names = "--reference-detectors",
      description = "Detectors as the reference codes them (mean includes the current sample, no reset after an"
          + " alarm) instead of the textbook form.")
  boolean referenceDetectors;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (seeds < 2) {
      throw new Main.UsageException("--seeds must be >= 2 (confidence intervals need two runs), got " + seeds);
    }
    if (seed < 0) {
      throw new Main.UsageException("--seed must be >= 0, got " + seed);
    }
    if (driftAt < 200 || driftAt + 50 > steps) {
      throw new Main.UsageException("--drift-at must be >= 200 and at least 50 steps before --steps; got " + driftAt
          + " of " + steps);
    }
    if (!(threshold > 0) || !(delta >= 0) || patience < 1 || probe < 1) {
      throw new Main.UsageException("--threshold must be > 0, --delta >= 0, --patience and --probe >= 1");
    }
    if (!book && !(arl0 >= 20 && arl0 <= 1e9)) {
      throw new Main.UsageException("--arl0 must be in 20..1e9 steps, got " + arl0);
    }
    if (!book && referenceDetectors) {
      throw new Main.UsageException("--reference-detectors goes with --book (the calibrated guardrail has one form)");
    }
    DriftScenario.Settings s = book
        ? new DriftScenario.Settings(seeds, seed, steps, driftAt, 1.5, threshold, delta, 30,
            referenceDetectors ? DriftDetector.Form.REFERENCE : DriftDetector.Form.TEXTBOOK, patience, probe)
        : DriftScenario.Settings.calibrated(seeds, seed, steps, driftAt, arl0, probe);
    long start = System.nanoTime();
    DriftScenario.Result r = DriftScenario.run(s);
    double wall = (System.nanoTime() - start) / 1e9;
    if (json) {
      spec.commandLine().getOut().println(Json.write(toJson(r, wall)));
    } else {
      print(spec.commandLine().getOut(), r, wall);
    }
    return 0;
  }

  static Map<String, Object> toJson(DriftScenario.Result r, double wall) {
    DriftScenario.Settings s = r.settings();
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("seeds", s.runs());
    set.put("seed", s.seed());
    set.put("steps", s.steps());
    set.put("drift_at", s.driftAt());
    set.put("detector", s.calibrated()
        ? "calibrated cusum(-reward), batches of 20, k 0.5 standard errors, arl0 " + s.arl0() + " steps"
        : "page_hinkley(-reward), threshold " + s.phThreshold() + ", delta " + s.phDelta() + ", min " + s.phMin() + ", "
            + s.form().name().toLowerCase(Locale.ROOT) + " form");
    set.put("guardrail", s.calibrated() ? "calibrated" : "book");
    set.put("restart_primary", s.restartPrimary());
    set.put("patience", s.patience());
    set.put("probe", s.probeAfter());
    out.put("settings", set);
    out.put("detection_delay", interval(r.detectionDelay(), "detected_runs"));
    out.put("fallback_delay", interval(r.fallbackDelay(), "runs_with_fallback"));
    out.put("recovery_time", interval(r.recoveryTime(), "recovered_runs"));
    out.put("recovery_time_without_guardrail", interval(r.recoveryTimeWithoutGuardrail(), "recovered_runs"));
    out.put("false_alarms", r.falseAlarms().mean());
    out.put("reward_with_guardrail", r.rewardWithGuardrail().mean());
    out.put("reward_without_guardrail", r.rewardWithoutGuardrail().mean());
    Map<String, Object> diff = interval(r.rewardDifference(), "runs");
    out.put("reward_difference", diff);
    out.put("fallbacks_per_run", r.fallbacks().mean());
    out.put("wall_seconds", wall);
    return out;
  }

  private static Map<String, Object> interval(Summary x, String countName) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", x.mean());
    m.put("ci_low", x.ciLow());
    m.put("ci_high", x.ciHigh());
    m.put(countName, x.n());
    return m;
  }

  private static void print(PrintWriter out, DriftScenario.Result r, double wall) {
    DriftScenario.Settings s = r.settings();
    out.printf(Locale.ROOT, "Chapter-10 drift scenario: %d runs of %d steps, drift at %d, %s%n", s.runs(),
        s.steps(), s.driftAt(), s.calibrated() ? String.format(Locale.ROOT, "calibrated guardrail (false-alarm"
            + " budget %.0f steps)", s.arl0()) : "the book's guardrail, " + s.form().name().toLowerCase(Locale.ROOT)
            + " detectors");
    line(out, "detection delay (steps)", r.detectionDelay(), s.runs());
    line(out, "fallback delay (steps)", r.fallbackDelay(), s.runs());
    line(out, "recovery time, guarded", r.recoveryTime(), s.runs());
    line(out, "recovery time, unguarded", r.recoveryTimeWithoutGuardrail(), s.runs());
    out.printf(Locale.ROOT, "%-28s %9.2f per run%n", "false alarms before drift", r.falseAlarms().mean());
    out.printf(Locale.ROOT, "%-28s %9.3f%n", "reward/step after, guarded", r.rewardWithGuardrail().mean());
    out.printf(Locale.ROOT, "%-28s %9.3f%n", "reward/step after, unguarded", r.rewardWithoutGuardrail().mean());
    line(out, "difference (paired)", r.rewardDifference(), s.runs());
    out.printf(Locale.ROOT, "%-28s %9.2f per run%nwall time %.1f s%n", "fallbacks", r.fallbacks().mean(), wall);
  }

  private static void line(PrintWriter out, String name, Summary x, int runs) {
    out.printf(Locale.ROOT, "%-28s %9.2f [%8.2f, %8.2f]  (%d of %d runs)%n", name, x.mean(), x.ciLow(), x.ciHigh(),
        x.n(), runs);
  }
}
