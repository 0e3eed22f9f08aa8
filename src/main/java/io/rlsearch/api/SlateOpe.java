package io.rlsearch.api;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.SlateOpeStudy;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ope --slate}: slate off-policy evaluation of a Plackett-Luce ranking policy (below the ope command). */
public final class SlateOpe {
  /** The slate env's item features, in order (docs/world.md). */
  public static final List<String> FEATURES = List.of("cm2", "discount", "pl", "pers", "bestseller", "price", "litter_cm2",
      "discount_price", "pl_affinity", "specificity");

  public static final String DEFAULT_BEHAVIOR = "pl:bestseller=1,cm2=0.5";
  public static final String DEFAULT_TARGET = "pl:bestseller=1,cm2=0.5,pl=0.3";

  private SlateOpe() {}

  /** Parses {@code pl[:FEATURE=W,...,t=T]}. */
  public static SlateOpeStudy.Policy parse(String option, String text) {
    String[] kindRest = text.split(":", 2);
    if (!kindRest[0].equals("pl")) {
      throw new io.rlsearch.api.BadRequestException(option + ": a slate policy is pl[:FEATURE=W,...,t=T], got '" + text + "'");
    }
    double[] w = new double[FEATURES.size()];
    double t = 1.0;
    if (kindRest.length > 1 && !kindRest[1].isBlank()) {
      for (String kv : kindRest[1].split(",")) {
        String[] p = kv.split("=", 2);
        if (p.length != 2) {
          throw new io.rlsearch.api.BadRequestException(option + ": '" + kv + "' is not KEY=VALUE");
        }
        double v;
        try {
          v = Double.parseDouble(p[1].trim());
        } catch (NumberFormatException e) {
          throw new io.rlsearch.api.BadRequestException(option + ": '" + p[1] + "' is not a number");
        }
        String key = p[0].trim();
        if (key.equals("t")) {
          if (!(v > 0) || Double.isInfinite(v)) {
            throw new io.rlsearch.api.BadRequestException(option + ": t must be > 0, got " + v);
          }
          t = v;
        } else if (FEATURES.contains(key)) {
          if (!Double.isFinite(v)) {
            throw new io.rlsearch.api.BadRequestException(option + ": " + key + " must be finite");
          }
          w[FEATURES.indexOf(key)] = v;
        } else {
          throw new io.rlsearch.api.BadRequestException(option + ": unknown key '" + key + "'; accepted: t, " + String.join(", ",
              FEATURES));
        }
      }
    }
    return new SlateOpeStudy.Policy(w, t);
  }

  public static String describe(SlateOpeStudy.Policy p) {
    StringBuilder b = new StringBuilder("pl:");
    double[] w = p.weights();
    for (int i = 0; i < w.length; i++) {
      if (w[i] != 0) {
        b.append(FEATURES.get(i)).append('=').append(w[i]).append(',');
      }
    }
    return b.append("t=").append(p.temperature()).toString();
  }

  public static Map<String, Object> run(SimSettings sim, SlateOpeStudy.Settings s) {
    long start = System.nanoTime();
    World world = World.generate(sim.withSeed(s.seed()), new NumpyRandom(s.seed()));
    SlateOpeStudy.Result r = SlateOpeStudy.run(world, s);
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("slate", true);
    set.put("behavior", describe(s.behavior()));
    set.put("target", describe(s.target()));
    set.put("episodes", s.episodes());
    set.put("truth_episodes", s.truthEpisodes());
    set.put("seed", s.seed());
    set.put("candidates", r.candidates());
    set.put("positions", r.positions());
    set.put("marginal_samples", s.marginalSamples());
    set.put("cross_fit", 2);
    set.put("ci", "t interval, own standard error");
    out.put("settings", set);
    OpeResults.putResults(out, r.behaviorValue(), r.truth(), r.estimators().values());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("logged", s.episodes());
    counts.put("evaluated", s.episodes());
    out.put("decisions", counts);
    out.put("wall_seconds", (System.nanoTime() - start) / 1e9);
    return out;
  }

  @SuppressWarnings("unchecked")
  public static void print(PrintWriter out, Map<String, Object> j) {
    Map<String, Object> s = (Map<String, Object>) j.get("settings");
    Map<String, Object> truth = (Map<String, Object>) j.get("truth");
    Map<String, Object> beh = (Map<String, Object>) j.get("behavior_value");
    out.printf(Locale.ROOT, "Slate off-policy evaluation: %s logged rankings of %s candidates (%s positions), seed %s%n",
        s.get("episodes"), s.get("candidates"), s.get("positions"), s.get("seed"));
    out.printf(Locale.ROOT, "behaviour %-40s value %8.3f [%7.3f, %7.3f]%n", s.get("behavior"), (double) beh.get("value"),
        (double) beh.get("ci_low"), (double) beh.get("ci_high"));
    out.printf(Locale.ROOT, "target    %-40s truth %8.3f [%7.3f, %7.3f] (%s on-policy sessions)%n%n", s.get("target"),
        (double) truth.get("value"), (double) truth.get("ci_low"), (double) truth.get("ci_high"), truth.get("episodes"));
    out.printf(Locale.ROOT, "%-11s %9s %20s %9s %11s %9s %7s%n", "estimator", "estimate", "95% CI", "ESS", "max w",
        "error", "covers");
    for (Map.Entry<String, Object> e : ((Map<String, Object>) j.get("estimators")).entrySet()) {
      Map<String, Object> m = (Map<String, Object>) e.getValue();
      out.printf(Locale.ROOT, "%-11s %9.3f [%8.3f,%8.3f] %9.1f %11.3g %+9.3f %7s%n", e.getKey(),
          (double) m.get("estimate"), (double) m.get("ci_low"), (double) m.get("ci_high"), (double) m.get("ess"),
          (double) m.get("max_weight"), (double) m.get("error_vs_truth"), m.get("ci_covers_truth"));
    }
    out.printf(Locale.ROOT, "%nwall time %.1f s%n", (double) j.get("wall_seconds"));
  }
}
