package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.OfflineData;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.sim.World;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code log}: a dataset for offline learners from a mixture of behaviour policies. */
@Command(name = "log", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/ope.md",
    description = {"Logs N single-session episodes of the Battle Royale's weight task (world and users of --seed)"
        + " through the actor runtime, each decided by one of the listed behaviour policies, drawn uniformly per"
        + " decision: uniform (weights uniform in the box) or a Gaussian of --sigma around one of the task's arms"
        + " (neutral, revenue, conversion, own_brand). Every line of FILE is a logged decision (JSON Lines, the"
        + " format train --offline-log, battle --cql-log and offline --log read) with the mixture's exact density."})
final class LogCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--policies", paramLabel = "LIST", split = ",",
      defaultValue = "uniform,neutral,revenue,conversion,own_brand",
      description = "The mixture's components (default: ${DEFAULT-VALUE}).")
  List<String> policies;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "2000", description = "Episodes (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "The JSON Lines file to write.")
  Path out;

  @Option(names = "--sigma", paramLabel = "S", defaultValue = "0.5",
      description = "Standard deviation of the Gaussian components (default: ${DEFAULT-VALUE}).")
  double sigma;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025",
      description = "World seed; the users are drawn from stream seed 64 S + 61 (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if (episodes < 1 || episodes > 10_000_000) {
      throw new Main.UsageException("--episodes must be in 1..10000000, got " + episodes);
    }
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new Main.UsageException("--sigma must be > 0, got " + sigma);
    }
    if (policies.isEmpty()) {
      throw new Main.UsageException("--policies needs at least one policy");
    }
    long start = System.nanoTime();
    World world = World.generate(config.load().withSeed(seed), new NumpyRandom(seed));
    long lines;
    List<LoggedDecision> read;
    try {
      lines = OfflineData.log(world, OfflineData.mixture(policies, sigma), seed * 64 + 61, episodes, out);
      read = DecisionLog.read(out);
    } catch (UncheckedIOException e) {
      throw new Main.UsageException("--out: " + e.getMessage());
    }
    double mean = read.stream().mapToDouble(LoggedDecision::reward).average().orElse(Double.NaN);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("out", out.toString());
    o.put("episodes", episodes);
    o.put("logged", lines);
    o.put("policies", policies);
    o.put("sigma", sigma);
    o.put("seed", seed);
    o.put("behavior_value", mean);
    o.put("wall_s", (System.nanoTime() - start) / 1e9);
    if (json) {
      spec.commandLine().getOut().println(Json.write(o));
    } else {
      spec.commandLine().getOut().printf(Locale.ROOT, "logged %d decisions of %s (sigma %.2f) to %s; mean reward %.3f%n",
          lines, policies, sigma, out, mean);
    }
    return 0;
  }
}
