package io.rlsearch.app;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.StaticComparison;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code battle}: the main job. Until the learners exist it is the paired comparison of every fixed
 * policy the world has (the 8 Chapter-6 templates and random boost weights), with confidence intervals.
 */
@Command(name = "battle", mixinStandardHelpOptions = true,
    description = "Battle Royale (current stage: the fixed policies). Runs the 8 standard templates and random"
        + " boost weights on the same episodes (common random numbers: episode i of every policy sees the same"
        + " user, query and noise) and reports reward, GMV, CM2, orders and clicks with 95%% confidence"
        + " intervals, and each policy's paired reward difference to Neutral. The learning agents join as"
        + " their issues land.")
final class BattleCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "2000",
      description = "Episodes per policy (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025",
      description = "Seed of the world and of the episode streams (default: ${DEFAULT-VALUE}, the reference's"
          + " Battle Royale seed).")
  long seed;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (episodes < 2) {
      throw new Main.UsageException("--episodes must be >= 2, got " + episodes);
    }
    if (seed < 0) {
      throw new Main.UsageException("--seed must be >= 0, got " + seed);
    }
    SimSettings s = config.load();
    World world = World.generate(s, new NumpyRandom(seed));
    List<StaticComparison.Result> results =
        StaticComparison.run(world, StaticComparison.standardPolicies(world), seed, episodes);
    if (json) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("stage", "fixed policies (templates and random weights); learners not yet included");
      r.put("seed", seed);
      r.put("episodes", episodes);
      List<Object> rows = new ArrayList<>();
      for (StaticComparison.Result x : results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", x.name());
        m.put("reward", Json.summary(x.reward()));
        m.put("gmv", Json.summary(x.gmv()));
        m.put("cm2", Json.summary(x.cm2()));
        m.put("orders", Json.summary(x.orders()));
        m.put("clicks", Json.summary(x.clicks()));
        m.put("reward_vs_neutral", Json.summary(x.rewardVsFirst()));
        rows.add(m);
      }
      r.put("policies", rows);
      spec.commandLine().getOut().println(Json.write(r));
      return 0;
    }
    var out = spec.commandLine().getOut();
    out.printf("Battle Royale, fixed-policy stage: seed %d, %d paired episodes per policy%n", seed, episodes);
    out.printf("%-16s %22s %9s %9s %7s %7s %24s%n", "policy", "reward (95% CI)", "GMV", "CM2", "orders",
        "clicks", "vs Neutral (95% CI)");
    for (StaticComparison.Result x : results) {
      out.printf("%-16s %7.3f [%6.3f,%6.3f] %9.3f %9.3f %7.3f %7.3f %7.3f [%6.3f,%6.3f]%n", x.name(),
          x.reward().mean(), x.reward().ciLow(), x.reward().ciHigh(), x.gmv().mean(), x.cm2().mean(),
          x.orders().mean(), x.clicks().mean(), x.rewardVsFirst().mean(), ci(x.rewardVsFirst(), true),
          ci(x.rewardVsFirst(), false));
    }
    return 0;
  }

  private static double ci(Summary s, boolean low) {
    double v = low ? s.ciLow() : s.ciHigh();
    return Double.isNaN(v) ? 0.0 : v;
  }
}
