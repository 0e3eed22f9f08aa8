package io.rlsearch.app;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.api.Json;
import io.rlsearch.api.RunConfig;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.NonstationaryStudy;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.SettingsException;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nonstationary}: bandits in a world that shifts (Chapter 15). */
@Command(name = "nonstationary", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/constraints.md",
    description = {"A world that shifts at episode T: users come from the default world until then and from the"
        + " shifted one after (the same catalog; --scenario mix: a private-label-lover-heavy segment mix, which the"
        + " segment in the context shows; swap: premium and price_hunter users exchange their behaviour under"
        + " unchanged labels, which a context of segment and query type cannot show; demand: demand moves to"
        + " litter; --shift: any zoosim overlay)."
        + " linucb, ts, discounted_linucb, sliding_ts and restart_linucb learn online on the 8 templates, one"
        + " episode at a time; every template is also played on the same draws, so"
        + " the best template of each phase is known by simulation.",
        "Per agent: regret_before and regret_after (mean reward per episode below the phase's best template),"
        + " recovery_episodes (after the shift, until the trailing mean of 500 reaches 95%% of the new best), and"
        + " guardrail_breaches (Page-Hinkley alarms on the reward's drop), with 95%% CIs over seeds."})
final class NonstationaryCommand implements Callable<Integer> {
  static final List<String> AGENTS = List.of("linucb", "ts", "discounted_linucb", "sliding_ts", "restart_linucb");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "8000", description = "Episodes (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--shift-at", paramLabel = "T", defaultValue = "4000", description = "Episode of the shift (default: ${DEFAULT-VALUE}).")
  int shiftAt;

  @Option(names = "--seeds", paramLabel = "LIST", split = ",", defaultValue = "2025,2026,2027",
      description = "Seeds (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  /** The scenarios' overlays: a shift the segment label shows, and one it does not. */
  static final Map<String, String> SCENARIOS = Map.of(
      "mix", "users { segment_mix = [0.05, 0.85, 0.05, 0.05] }",
      "swap", "drift { at = 0, swap_segments = [premium, price_hunter] }",
      "demand", "drift { at = 0, category_demand = [0.3, 0.3, 4.0, 0.3] }");

  @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "mix",
      description = "mix: the segment mix turns private-label-lover-heavy (visible: the segment is in the context);"
          + " swap: premium and price_hunter users exchange their behaviour under unchanged labels and shares"
          + " (invisible to a context of segment and query type); demand: every segment's demand moves to litter"
          + " (category weights x0.3, x0.3, x4, x0.3) (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(names = "--features", paramLabel = "F", description = "Context features: simple, rich or rich_est (default:"
      + " the experiment's, rich, for mix; simple for swap, where rich features would show the swapped price and"
      + " private-label sensitivities).")
  String features;

  @Option(names = "--shift", paramLabel = "HOCON",
      description = "The world after the shift as a zoosim overlay, instead of the scenario's (e.g. 'drift { at = 0,"
          + " price_scale = 1.5 }').")
  String shift;

  @Option(names = "--experiment", paramLabel = "FILE", description = "Experiment file (agents' settings, world).")
  java.nio.file.Path experiment;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (episodes < 200 || episodes > 10_000_000) {
      throw new Main.UsageException("--episodes must be in 200..10000000, got " + episodes);
    }
    if (shiftAt < 100 || shiftAt >= episodes - 100) {
      throw new Main.UsageException("--shift-at must leave at least 100 episodes on either side, got " + shiftAt);
    }
    if (seeds.isEmpty()) {
      throw new Main.UsageException("--seeds needs at least one seed");
    }
    if (!SCENARIOS.containsKey(scenario)) {
      throw new Main.UsageException("--scenario must be mix, swap or demand, got '" + scenario + "'");
    }
    if (shift == null) {
      shift = SCENARIOS.get(scenario);
    }
    RunConfig cfg = RunConfig.load(Optional.ofNullable(experiment), Optional.empty());
    TemplateBandits.FeatureMode mode;
    try {
      mode = features != null ? TemplateBandits.FeatureMode.parse(features)
          : scenario.equals("swap") ? TemplateBandits.FeatureMode.SIMPLE : cfg.features();
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--features must be simple, rich or rich_est, got '" + features + "'");
    }
    List<AgentBuilder> agents = new ArrayList<>();
    for (String a : AGENTS) {
      agents.add(cfg.agent(a));
    }
    long start = System.nanoTime();
    Map<String, List<NonstationaryStudy.AgentFigures>> byAgent = new LinkedHashMap<>();
    List<Object> phases = new ArrayList<>();
    for (long seed : seeds) {
      World before = cfg.world(seed);
      SimSettings shifted;
      try {
        shifted = ZoosimConfig.fromOverlay(com.typesafe.config.ConfigFactory.parseString(shift)
            .withFallback(cfg.experiment.getConfig("world"))).withSeed(seed).shifted();
      } catch (com.typesafe.config.ConfigException e) {
        throw new Main.UsageException("--shift: cannot be parsed: " + e.getMessage());
      } catch (SettingsException e) {
        throw new Main.UsageException("--shift: " + e.getMessage());
      }
      World after = new World(shifted, before.catalog());
      NonstationaryStudy.Result r = NonstationaryStudy.run(before, after, mode, agents, seed, episodes,
          shiftAt);
      Map<String, Object> ph = new LinkedHashMap<>();
      ph.put("seed", seed);
      ph.put("best_before", r.bestBefore().getKey());
      ph.put("best_before_reward", r.bestBefore().getValue());
      ph.put("best_after", r.bestAfter().getKey());
      ph.put("best_after_reward", r.bestAfter().getValue());
      phases.add(ph);
      for (NonstationaryStudy.AgentFigures f : r.agents()) {
        byAgent.computeIfAbsent(f.agent(), k -> new ArrayList<>()).add(f);
      }
    }
    List<Object> rows = new ArrayList<>();
    for (Map.Entry<String, List<NonstationaryStudy.AgentFigures>> e : byAgent.entrySet()) {
      List<NonstationaryStudy.AgentFigures> fs = e.getValue();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("agent", e.getKey());
      row.put("regret_before", Json.interval(Summary.of(fs.stream().mapToDouble(NonstationaryStudy.AgentFigures::regretBefore)
          .toArray())));
      row.put("regret_after", Json.interval(Summary.of(fs.stream().mapToDouble(NonstationaryStudy.AgentFigures::regretAfter)
          .toArray())));
      long recovered = fs.stream().filter(f -> f.recoveryEpisodes() >= 0).count();
      row.put("recovery_episodes", Json.interval(Summary.of(fs.stream().filter(f -> f.recoveryEpisodes() >= 0)
          .mapToDouble(NonstationaryStudy.AgentFigures::recoveryEpisodes).toArray())));
      row.put("recovered_seeds", recovered);
      row.put("guardrail_breaches", fs.stream().mapToDouble(NonstationaryStudy.AgentFigures::guardrailBreaches)
          .average().orElse(Double.NaN));
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("episodes", episodes);
    out.put("shift_at", shiftAt);
    out.put("scenario", scenario);
    out.put("features", mode.cliName());
    out.put("shift", shift);
    out.put("seeds", seeds);
    out.put("phases", phases);
    out.put("agents", rows);
    out.put("wall_s", (System.nanoTime() - start) / 1e9);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out);
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private void print(PrintWriter w, Map<String, Object> out) {
    w.printf(Locale.ROOT, "nonstationary: %d episodes, shift at %d (%s), seeds %s%n", episodes, shiftAt, shift, seeds);
    for (Object p : (List<Object>) out.get("phases")) {
      Map<String, Object> ph = (Map<String, Object>) p;
      w.printf(Locale.ROOT, "seed %s: best before %s (%.3f), after %s (%.3f)%n", ph.get("seed"), ph.get("best_before"),
          (double) ph.get("best_before_reward"), ph.get("best_after"), (double) ph.get("best_after_reward"));
    }
    w.printf(Locale.ROOT, "%-18s %14s %14s %18s %9s%n", "agent", "regret before", "regret after", "recovery episodes",
        "breaches");
    for (Object o : (List<Object>) out.get("agents")) {
      Map<String, Object> r = (Map<String, Object>) o;
      w.printf(Locale.ROOT, "%-18s %14.3f %14.3f %18.0f %9.1f%n", r.get("agent"),
          (double) ((Map<String, Object>) r.get("regret_before")).get("mean"),
          (double) ((Map<String, Object>) r.get("regret_after")).get("mean"),
          (double) ((Map<String, Object>) r.get("recovery_episodes")).get("mean"), (double) r.get("guardrail_breaches"));
    }
  }
}
