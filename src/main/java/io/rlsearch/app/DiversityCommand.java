package io.rlsearch.app;

import io.rlsearch.agents.slate.SlateQSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.api.Json;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.DiversityStudy;
import io.rlsearch.learn.DiffRankAgent;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.learn.SlateQAgent;
import io.rlsearch.sim.World;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversity}: diversity@5 against GMV for the slate and differentiable-ranking agents. */
@Command(name = "diversity", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/constraints.md",
    description = {"Diversity against GMV (Chapter 13): each agent (slateq, diffrank) learns on the slate task for N"
        + " users as in the Battle Royale, then its frozen policy serves the same fresh users once per re-ranking"
        + " strength eta: the policy's scores z-scored across the candidates, the top positions filled greedily"
        + " with a bonus of eta for a category not yet shown (eta 0: the policy's own order). Per agent and eta:"
        + " GMV, reward and diversity@5 (the share of the catalog's categories among the top 5) with 95%% CIs, and"
        + " the paired changes against eta 0; then the eta with the largest diversity gain whose GMV loss is at"
        + " most --max-gmv-loss (the syllabus: +2-5%% diversity@k at <= 1%% GMV loss)."})
final class DiversityCommand implements Callable<Integer> {
  static final List<String> AGENTS = List.of("slateq", "diffrank");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--agents", paramLabel = "LIST", split = ",", defaultValue = "slateq,diffrank",
      description = "Agents (default: ${DEFAULT-VALUE}).")
  List<String> agents;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "1000",
      description = "Training users per agent (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--eval-episodes", paramLabel = "N", defaultValue = "2000",
      description = "Fresh users served at every strength (default: ${DEFAULT-VALUE}).")
  int evalEpisodes;

  @Option(names = "--etas", paramLabel = "LIST", split = ",", defaultValue = "0,0.1,0.25,0.5,1,2,4",
      description = "Re-ranking strengths, in standard deviations of the scores; 0 is added when missing"
          + " (default: ${DEFAULT-VALUE}).")
  List<Double> etas;

  @Option(names = "--max-gmv-loss", paramLabel = "PCT", defaultValue = "1.0",
      description = "The GMV loss, in percent of eta 0's, a strength may cost (default: ${DEFAULT-VALUE}).")
  double maxLoss;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ConfigOption config = new ConfigOption();

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    for (String a : agents) {
      if (!AGENTS.contains(a)) {
        throw new Main.UsageException("--agents: unknown agent '" + a + "'; accepted: " + String.join(", ", AGENTS));
      }
    }
    if (episodes < 1 || episodes > 1_000_000 || evalEpisodes < 2 || evalEpisodes > 1_000_000) {
      throw new Main.UsageException("--episodes must be in 1..1000000 and --eval-episodes in 2..1000000");
    }
    List<Double> grid = new ArrayList<>();
    grid.add(0.0);
    for (double e : etas) {
      if (!(e >= 0) || Double.isInfinite(e)) {
        throw new Main.UsageException("--etas: " + e + " is not a strength >= 0");
      }
      if (e != 0 && !grid.contains(e)) {
        grid.add(e);
      }
    }
    if (!(maxLoss >= 0)) {
      throw new Main.UsageException("--max-gmv-loss must be >= 0, got " + maxLoss);
    }
    double[] eta = grid.stream().mapToDouble(Double::doubleValue).toArray();
    long start = System.nanoTime();
    World world = World.generate(config.load().withSeed(seed), new NumpyRandom(seed));
    List<Object> curves = new ArrayList<>();
    try (SharedLearner learner = deviceOption.learner()) {
      for (String name : agents) {
        AgentBuilder b = name.equals("slateq")
            ? SlateQAgent.builder(learner, SlateQAgent.Settings.battle(SlateQSnapshot.Mode.DECOMPOSED))
            : DiffRankAgent.builder(learner, DiffRankAgent.Settings.battle());
        curves.add(curve(DiversityStudy.run(world, b, seed, episodes, evalEpisodes, eta)));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seed", seed);
    out.put("episodes", episodes);
    out.put("eval_episodes", evalEpisodes);
    out.put("k", 5);
    out.put("max_gmv_loss_pct", maxLoss);
    out.put("agents", curves);
    out.put("wall_s", (System.nanoTime() - start) / 1e9);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out);
    }
    return 0;
  }

  private Map<String, Object> curve(DiversityStudy.Curve c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("agent", c.agent());
    m.put("training_reward", c.trainingReward());
    List<Object> pts = new ArrayList<>();
    DiversityStudy.Point base = c.points().get(0);
    Map<String, Object> best = null;
    double bestGain = Double.NEGATIVE_INFINITY;
    for (DiversityStudy.Point p : c.points()) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("eta", p.eta());
      q.put("gmv", Json.interval(p.gmv()));
      q.put("reward", Json.interval(p.reward()));
      q.put("diversity_at_5", Json.interval(p.diversity()));
      double gmvPct = 100 * p.gmvChange().mean() / base.gmv().mean();
      double divPct = 100 * p.diversityChange().mean() / base.diversity().mean();
      q.put("gmv_change", Json.interval(p.gmvChange()));
      q.put("gmv_change_pct", gmvPct);
      q.put("diversity_change", Json.interval(p.diversityChange()));
      q.put("diversity_gain_pct", divPct);
      pts.add(q);
      if (p.eta() > 0 && -gmvPct <= maxLoss && divPct > bestGain) {
        bestGain = divPct;
        best = q;
      }
    }
    m.put("points", pts);
    Map<String, Object> b = new LinkedHashMap<>();
    if (best != null) {
      b.put("eta", best.get("eta"));
      b.put("diversity_gain_pct", best.get("diversity_gain_pct"));
      b.put("gmv_change_pct", best.get("gmv_change_pct"));
    }
    b.put("target_met", best != null && bestGain >= 2.0);
    m.put("best_within_gmv_loss", b);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static void print(PrintWriter w, Map<String, Object> out) {
    w.printf(Locale.ROOT, "diversity@5 against GMV: %s training and %s evaluation users, seed %s%n",
        out.get("episodes"), out.get("eval_episodes"), out.get("seed"));
    for (Object o : (List<Object>) out.get("agents")) {
      Map<String, Object> a = (Map<String, Object>) o;
      w.printf(Locale.ROOT, "%s (training reward %.3f)%n", a.get("agent"), (double) a.get("training_reward"));
      w.printf(Locale.ROOT, "  %6s %8s %9s %8s %9s%n", "eta", "GMV", "GMV chg%", "div@5", "div gain%");
      for (Object p : (List<Object>) a.get("points")) {
        Map<String, Object> q = (Map<String, Object>) p;
        w.printf(Locale.ROOT, "  %6.2f %8.3f %+9.2f %8.3f %+9.2f%n", (double) q.get("eta"),
            (double) ((Map<String, Object>) q.get("gmv")).get("mean"), (double) q.get("gmv_change_pct"),
            (double) ((Map<String, Object>) q.get("diversity_at_5")).get("mean"), (double) q.get("diversity_gain_pct"));
      }
      w.printf(Locale.ROOT, "  best within the GMV budget: %s%n", a.get("best_within_gmv_loss"));
    }
  }
}
