package io.rlsearch.api;

import io.rlsearch.eval.Summary;
import io.rlsearch.eval.logs.BadRows;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.obd.ObdOpeStudy;
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

  /** The JSON object of an off-policy evaluation on the Open Bandit Dataset ({@code ope --data DIR --json}). */
  public static Map<String, Object> toJson(ObdOpeStudy.Result r, double wall) {
    ObdOpeStudy.Settings s = r.settings();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("format", "obd");
    out.put("campaign", s.campaign());
    out.put("behavior", s.behavior());
    out.put("target", s.target());
    out.put("rounds", r.rounds());
    out.put("on_policy_value", finite(r.onPolicyValue()));
    // the on-policy value is a mean of clicks: its normal 95% interval says how far apart estimates must be
    out.put("on_policy_std_error", finite(r.onPolicyStdError()));
    out.put("on_policy_ci_low", finite(r.onPolicyValue() - 1.959963984540054 * r.onPolicyStdError()));
    out.put("on_policy_ci_high", finite(r.onPolicyValue() + 1.959963984540054 * r.onPolicyStdError()));
    Map<String, Object> ests = new LinkedHashMap<>();
    for (ObdOpeStudy.Estimate e : r.estimates().values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("value", finite(e.value()));
      m.put("ci_low", finite(e.ciLow()));
      m.put("ci_high", finite(e.ciHigh()));
      m.put("relative_error", finite(e.relativeError()));
      if (e.tunedLambda().isPresent()) {
        double l = e.tunedLambda().getAsDouble();
        m.put("tuned_lambda", Double.isInfinite(l) ? "inf" : l);
      }
      ests.put(e.estimator(), m);
    }
    out.put("estimators", ests);
    out.put("actions", r.actions());
    out.put("positions", r.positions());
    out.put("behavior_value", finite(r.behaviorValue()));
    out.put("behavior_log", r.behaviorLog().toString());
    out.put("target_log", r.targetLog().toString());
    out.put("target_rounds", r.targetRounds());
    out.put("target_distribution", s.target().equals("bts") ? "bernoulli_ts_monte_carlo" : "uniform");
    out.put("mc", s.target().equals("bts") ? s.mc() : null);
    out.put("reward_model", s.rewardModel());
    out.put("c", s.rewardModel().equals("logistic") ? s.c() : null);
    out.put("folds", s.folds());
    out.put("bootstrap", s.bootstrap());
    out.put("alpha", ObdOpeStudy.ALPHA);
    out.put("seed", s.seed());
    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("behavior", badRows(r.behaviorBadRows()));
    bad.put("target", badRows(r.targetBadRows()));
    out.put("bad_rows", bad);
    out.put("wall_s", wall);
    return out;
  }

  /** A number as the text output prints it: "inf" for infinity, without a trailing ".0" when whole. */
  public static String number(double x) {
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }

  private static Map<String, Object> badRows(BadRows b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", b.count());
    m.put("first", b.first());
    return m;
  }

  /** A finite number, or null (JSON has no NaN or infinity). */
  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
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
