package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.experiments.ToyProblem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toy}: the book's Chapter-0 tabular Q-learning toy, a check that the random stream matches numpy's. */
@Command(name = "toy", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/parity.md",
    description = {"The book's Chapter-0 toy: tabular Q-learning on 3 contexts x 25 weight pairs with"
        + " numpy's default_rng(seed). With the defaults it reproduces the reference's recorded values exactly"
        + " (last-100 mean 1.640; greedy (4,1), (1,4), (2,2); Q 1.948, 2.289, 0.942): a check that this machine's"
        + " build draws numpy's stream. Prints last_100_mean, greedy_actions and q_values by context."})
final class ToyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "3000", description = "Steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--epsilon", paramLabel = "E", defaultValue = "0.1",
      description = "Exploration rate in [0, 1] (default: ${DEFAULT-VALUE}).")
  double eps;

  @Option(names = "--lr", paramLabel = "A", defaultValue = "0.1",
      description = "Learning rate in (0, 1] (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if (steps < 1) {
      throw new Main.UsageException("--steps must be >= 1, got " + steps);
    }
    if (!(eps >= 0 && eps <= 1)) {
      throw new Main.UsageException("--epsilon must be in [0, 1], got " + eps);
    }
    if (!(lr > 0 && lr <= 1)) {
      throw new Main.UsageException("--lr must be in (0, 1], got " + lr);
    }
    ToyProblem.Result r = ToyProblem.run(seed, steps, eps, lr);
    Map<String, Object> greedy = new LinkedHashMap<>();
    Map<String, Object> q = new LinkedHashMap<>();
    for (int c = 0; c < ToyProblem.CONTEXTS.size(); c++) {
      int a = r.greedy(c);
      int[] g = ToyProblem.grid(a);
      greedy.put(ToyProblem.CONTEXTS.get(c), List.of(g[0], g[1]));
      q.put(ToyProblem.CONTEXTS.get(c), r.q()[c][a]);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seed", seed);
    out.put("steps", steps);
    out.put("last_100_mean", r.lastMean(100));
    out.put("greedy_actions", greedy);
    out.put("q_values", q);
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      w.println(Json.write(out));
    } else {
      w.printf(Locale.ROOT, "toy: seed %d, %d steps; last-100 mean reward %.3f%n", seed, steps, r.lastMean(100));
      for (String c : ToyProblem.CONTEXTS) {
        w.printf(Locale.ROOT, "  %-12s greedy %s  Q %.3f%n", c, greedy.get(c), (double) q.get(c));
      }
    }
    return 0;
  }
}
