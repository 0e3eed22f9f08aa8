package io.rlsearch.experiments.labs;

import io.rlsearch.eval.Summary;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.experiments.DriftScenario;
import io.rlsearch.sim.SimSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chapter 10's drift demo: four templates whose click and conversion rates change at step 1,500 of
 * 3,000; LinUCB (alpha 1.5) behind the book's guardrail (Page-Hinkley on the negated reward,
 * threshold 30, delta 0.01, at least 30 samples; fallback to template 0 after 5 net alarms; the
 * primary probed again after 100 fallback steps), with the detector coded as the reference codes it,
 * over 20 seeds.
 *
 * <p>The book states a detection delay of 35.2 ± 4.1 and a recovery time of 140 ± 18 episodes over
 * 20 seeds. No run in the reference repository stands behind them: its demo draws from numpy's
 * global, unseeded stream, measures no detection delay, has no loop over seeds, and prints one
 * recovery time (the start of the first 50-episode window after the drift whose mean reward reaches
 * 0.9 of the 200 episodes before it). This lab reports ours with the recovery time defined as the
 * demo defines it, and the reference's own demo measured the same way over 20 seeds.
 */
public final class DriftLab implements Lab {
  static final String SOURCE = "docs/book/ch10/ch10_robustness_guardrails.md (section 10.7)";

  /**
   * The reference's own demo over numpy seeds 0..19 ({@code np.random.seed(s)} before each run),
   * measured with tools/reference/ch10_drift_seeds.py: mean and 1.96 SE.
   */
  static final double[] REFERENCE_FALLBACK_DELAY = {111.8, 33.7};
  static final double[] REFERENCE_RECOVERY = {42.5, 32.2};

  @Override
  public String name() {
    return "ch10-drift";
  }

  @Override
  public String chapter() {
    return "10 (drift demo)";
  }

  @Override
  public String shows() {
    return "a Page-Hinkley guardrail detects the preference drift, falls back to the safe template and recovers";
  }

  private static Map<String, Double> interval(double mean, double halfWidth) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mean", mean);
    m.put("ci_half_width", halfWidth);
    return m;
  }

  @Override
  public LabReport run(SimSettings settings) {
    DriftScenario.Settings s = new DriftScenario.Settings(20, 10, 3000, 1500, 1.5, 30, 0.01, 30,
        DriftDetector.Form.REFERENCE, 5, 100);
    DriftScenario.Result res = DriftScenario.run(s);
    Summary fb = res.fallbackDelay();
    // The demo's recovery time is the start of the window; ours is its end, 50 steps later.
    double[] starts = res.runs().stream().filter(r -> !Double.isNaN(r.recoveryTime()))
        .mapToDouble(r -> r.recoveryTime() - 50).toArray();
    Summary rec = Summary.of(starts);
    String why = "the book's figure has no run behind it (the reference's demo is unseeded and has no loop over"
        + " seeds); the reference's demo over numpy seeds 0..19 gives fallback delay %.1f ± %.1f and recovery"
        + " %.1f ± %.1f, consistent with ours and not with the book's";
    String reason = String.format(java.util.Locale.ROOT, why, REFERENCE_FALLBACK_DELAY[0], REFERENCE_FALLBACK_DELAY[1],
        REFERENCE_RECOVERY[0], REFERENCE_RECOVERY[1]);
    LabReport r = new LabReport(name());
    double fbHalf = (fb.ciHigh() - fb.ciLow()) / 2;
    double recHalf = (rec.ciHigh() - rec.ciLow()) / 2;
    r.put("detection_delay", interval(fb.mean(), fbHalf), interval(35.2, 4.1), SOURCE,
        "ours " + String.format(java.util.Locale.ROOT, "%.1f ± %.1f", fb.mean(), fbHalf) + " (drift to fallback) "
            + "against the book's 35.2 ± 4.1: " + reason);
    r.put("recovery_time", interval(rec.mean(), recHalf), interval(140, 18), SOURCE,
        "ours " + String.format(java.util.Locale.ROOT, "%.1f ± %.1f", rec.mean(), recHalf) + " against the book's"
            + " 140 ± 18: " + reason);
    r.ours("reference_demo_fallback_delay", interval(REFERENCE_FALLBACK_DELAY[0], REFERENCE_FALLBACK_DELAY[1]));
    r.ours("reference_demo_recovery_time", interval(REFERENCE_RECOVERY[0], REFERENCE_RECOVERY[1]));
    r.ours("first_alarm_delay", interval(res.detectionDelay().mean(),
        (res.detectionDelay().ciHigh() - res.detectionDelay().ciLow()) / 2));
    r.ours("false_alarms_before_drift", res.falseAlarms().mean());
    r.ours("fallbacks_per_run", res.fallbacks().mean());
    r.note("ours: means with the half-width of 95% t intervals over 20 seeds (SeedSequence(10).child(r)); the"
        + " reference demo's: mean ± 1.96 standard errors over its 20 seeds; the book's"
        + " guardrail also falls back about 9 times before the drift per run in the reference's own demo, which the"
        + " calibrated default of `drift` (a CUSUM with a false-alarm budget) avoids");
    return r;
  }
}
