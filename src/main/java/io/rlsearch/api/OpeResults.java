package io.rlsearch.api;

import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.experiments.OpeStudy;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON objects of the off-policy evaluation studies (template and slate), as {@code ope --json} prints them. */
public final class OpeResults {
  private OpeResults() {}

  /** The JSON object of a template OPE study ({@code ope --json}). */
  public static Map<String, Object> toJson(OpeStudy.Result r, double wall) {
    OpeStudy.Settings s = r.settings();
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("behavior", s.behavior().toString());
    set.put("target", s.target().toString());
    set.put("episodes", s.episodes());
    set.put("truth_episodes", s.truthEpisodes());
    set.put("seed", s.seed());
    set.put("features", s.features().cliName());
    set.put("clip", s.clip());
    set.put("cross_fit", s.crossFit());
    set.put("ci", s.bootstrap() > 0 ? "bootstrap percentile, " + s.bootstrap() + " resamples" : "normal, own standard error");
    out.put("settings", set);
    putResults(out, r.behaviorValue(), r.truth(), r.estimators().values());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("logged", r.logged());
    counts.put("evaluated", r.evaluated());
    out.put("decisions", counts);
    r.logFile().ifPresent(f -> out.put("log", f.toString()));
    out.put("wall_seconds", wall);
    return out;
  }

  /**
   * The results every OPE study reports, template or slate: the behaviour's value, the on-policy truth
   * and each estimator against it.
   */
  public static void putResults(Map<String, Object> out, Summary behavior, Summary truthValue,
      java.util.Collection<Estimate> estimators) {
    out.put("behavior_value", interval(behavior));
    Map<String, Object> truth = interval(truthValue);
    truth.put("episodes", truthValue.n());
    out.put("truth", truth);
    Map<String, Object> ests = new LinkedHashMap<>();
    for (Estimate e : estimators) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("estimate", e.value());
      m.put("ci_low", e.ciLow());
      m.put("ci_high", e.ciHigh());
      m.put("ess", e.ess());
      m.put("max_weight", e.maxWeight());
      m.put("std_error", e.stdError());
      m.put("error_vs_truth", e.value() - truthValue.mean());
      m.put("ci_covers_truth", e.ciLow() <= truthValue.mean() && truthValue.mean() <= e.ciHigh());
      m.put("within_truth_ci", truthValue.ciLow() <= e.value() && e.value() <= truthValue.ciHigh());
      if (!e.note().isEmpty()) {
        m.put("note", e.note());
      }
      ests.put(e.estimator(), m);
    }
    out.put("estimators", ests);
  }

  private static Map<String, Object> interval(Summary x) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", x.mean());
    m.put("ci_low", x.ciLow());
    m.put("ci_high", x.ciHigh());
    return m;
  }

}
