package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.OfflineStudy;
import io.rlsearch.sim.World;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code offline}: offline RL from one logged dataset, each method online and by off-policy evaluation. */
@Command(name = "offline", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/ope.md",
    description = {"Offline RL on the Battle Royale's weight task: one logged dataset (--log FILE, or N episodes of"
        + " the log command's default mixture of behaviour policies, logged through the runtime), four in five"
        + " decisions to train on and every fifth held out. Trains CQL at every --alphas value (the pessimism"
        + " ablation: alpha 0 is plain fitted Q with the greedy choice over sampled actions), IQL and TD3+BC,"
        + " then runs each learned policy, and the behaviour mixture, on the same --eval-episodes fresh users"
        + " (the online value, 95%% CI over users) and estimates each from the held-out decisions with the"
        + " cross-fitted neural direct method (the OPE estimate and its CI; deterministic policies leave no"
        + " importance weights)."})
final class OfflineCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--log", paramLabel = "FILE", description = "A logged-decision file (JSON Lines) to learn from.")
  Path log;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "2000",
      description = "Without --log: episodes of the default mixture to log (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--eval-episodes", paramLabel = "N", defaultValue = "1000",
      description = "Fresh users each policy serves for its online value (default: ${DEFAULT-VALUE}).")
  int evalEpisodes;

  @Option(names = "--alphas", paramLabel = "LIST", split = ",", defaultValue = "0,0.1,1,5",
      description = "CQL's conservative weights (default: ${DEFAULT-VALUE}).")
  List<Double> alphas;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "1000",
      description = "Optimiser steps of each network (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025",
      description = "World seed; logged users from stream seed 64 S + 61, evaluation users from 64 S + 60"
          + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ConfigOption config = new ConfigOption();

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> out = new OfflineStudy(log, episodes, evalEpisodes, alphas, steps, seed,
        deviceOption.resolve(java.util.Optional.empty())).run(config.load(), System::nanoTime);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out);
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static void print(PrintWriter w, Map<String, Object> out) {
    Map<String, Object> d = (Map<String, Object>) out.get("dataset");
    w.printf(Locale.ROOT, "offline RL: %s decisions (%s to train, %s held out), logged mean reward %.3f%n",
        d.get("decisions"), d.get("train"), d.get("held_out"), (double) d.get("behavior_value"));
    Map<String, Object> b = (Map<String, Object>) out.get("behavior_online");
    w.printf(Locale.ROOT, "%-16s online %8.3f [%7.3f, %7.3f]%n", "behaviour", (double) b.get("value"),
        (double) b.get("ci_low"), (double) b.get("ci_high"));
    w.printf(Locale.ROOT, "%-16s %8s %20s %8s %20s %8s%n", "method", "online", "95% CI", "OPE", "95% CI", "train s");
    for (Map<String, Object> m : (List<Map<String, Object>>) out.get("methods")) {
      Map<String, Object> on = (Map<String, Object>) m.get("online");
      Map<String, Object> ope = (Map<String, Object>) m.get("ope");
      w.printf(Locale.ROOT, "%-16s %8.3f [%8.3f,%8.3f] %8.3f [%8.3f,%8.3f] %8.1f%n", m.get("method"),
          (double) on.get("value"), (double) on.get("ci_low"), (double) on.get("ci_high"), (double) ope.get("estimate"),
          (double) ope.get("ci_low"), (double) ope.get("ci_high"), (double) m.get("train_s"));
    }
  }
}
