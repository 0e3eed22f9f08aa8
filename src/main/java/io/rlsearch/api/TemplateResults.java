package io.rlsearch.api;

import io.rlsearch.agents.bandit.BanditDiagnostics;
import io.rlsearch.experiments.TemplateBandits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON object of the Chapter-6 template-bandit protocol ({@code templates --json}). */
public final class TemplateResults {
  private TemplateResults() {}

  public static Map<String, Object> toJson(TemplateBandits.Result r, double popularAmplitude, double wall) {
    TemplateBandits.Settings s = r.settings();
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("features", s.features().cliName());
    set.put("rich_regularization", s.richRegularization().cliName());
    set.put("estimator", s.estimator().name().toLowerCase(Locale.ROOT));
    set.put("n_static", s.nStatic());
    set.put("n_bandit", s.nBandit());
    set.put("world_seed", s.worldSeed());
    set.put("bandit_seed", s.banditSeed());
    set.put("prior_weight", s.priorWeight());
    set.put("lin_alpha", s.linAlpha());
    set.put("ts_sigma", s.tsSigma());
    set.put("popular_amplitude", popularAmplitude);
    out.put("settings", set);
    List<Object> rows = new ArrayList<>();
    for (TemplateBandits.StaticRow row : r.statics()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("template", row.template());
      putMeans(m, row.means());
      rows.add(m);
    }
    out.put("static", rows);
    out.put("best_static", r.bestStaticName());
    out.put("best_static_per_segment", r.bestStaticPerSegmentGmv());
    out.put("linucb", bandit(r.linucb()));
    out.put("ts", bandit(r.ts()));
    out.put("wall_seconds", wall);
    return out;
  }

  private static void putMeans(Map<String, Object> m, TemplateBandits.Means x) {
    m.put("reward", x.reward());
    m.put("gmv", x.gmv());
    m.put("cm2", x.cm2());
    m.put("orders", x.orders());
  }

  private static Map<String, Object> bandit(TemplateBandits.BanditRun b) {
    Map<String, Object> m = new LinkedHashMap<>();
    putMeans(m, b.means());
    m.put("delta_gmv_pct", b.deltaGmvPct());
    m.put("selection_freq", b.selectionFreq());
    m.put("per_segment", b.perSegmentGmv());
    BanditDiagnostics d = b.diagnostics();
    Map<String, Object> diag = new LinkedHashMap<>();
    diag.put("selections", d.selections());
    diag.put("theta_norm", d.thetaNorms());
    diag.put("trace_a_inverse", d.traceInverse());
    if (!Double.isNaN(d.alpha())) {
      diag.put("alpha", d.alpha());
    }
    m.put("diagnostics", diag);
    return m;
  }
}
