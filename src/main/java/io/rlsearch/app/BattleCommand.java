package io.rlsearch.app;

import io.rlsearch.api.Agents;
import io.rlsearch.api.Battles;
import io.rlsearch.api.Json;
import io.rlsearch.api.RunConfig;
import io.rlsearch.api.metrics.Telemetry;
import io.rlsearch.api.report.BattleReport;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.BattleStudy;
import io.rlsearch.experiments.Task;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code battle}: the Battle Royale, every agent on the same users, through the actor runtime. */
@Command(name = "battle", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/battle.md",
    description = {"The Battle Royale: every agent learns online on the Gym task (rich-estimated 17-d observation,"
        + " 10 boost weights in [-3, 3]) for N episodes, each in its own pipeline on the actor runtime, all side by"
        + " side and on the same users (common random numbers). Then each trained policy, without exploration,"
        + " serves the same held-out users; the table sorts by that evaluation, with the training return beside"
        + " it, paired differences to random and static, and each agent's share of the best per-segment boost"
        + " vectors (an upper reference found by search on the simulator, beside the best fixed vector).",
        "Several seeds (the default: 4) give 95%% intervals over seeds; one seed gives none.",
        "Agents available: static, random, linucb, ts, contq, reinforce (no baseline), reinforce_baseline"
        + " (learned value baseline), ppo, cql, slateq, diffrank (default: all of these), slateq_simplified (the"
        + " reference's slate regression), static_slate (the candidates in base-relevance order), neural_linear"
        + " (LinUCB on a learned representation, after 300 uniform decisions) and neural_ensemble (a bootstrapped"
        + " network ensemble with a UCB bonus). static and random always run. linucb, ts, neural_linear and"
        + " neural_ensemble choose among the 8 Chapter-6 templates carried over to boost weights.",
        "slateq, slateq_simplified and diffrank act on the slate task (the slate env: 50 candidates by base"
        + " relevance, one score each) with the same users and queries; the others on the 10 boost weights.",
        "cql is offline: before the battle it is trained (1,000 steps) on 500 decisions of the uniform random"
        + " policy, logged through the runtime on other users of the same world (or on --cql-log FILE), and it"
        + " does not learn during the battle.",
        "Agents' defaults and why they fit the reward's scale: docs/battle.md.",
        "Agents registered through the agent SPI (a jar on RLSEARCH_CLASSPATH; docs/library.md) can be named too;"
        + " they choose among the 8 templates, as linucb does."})
final class BattleCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "1000",
      description = "Episodes per agent and seed (default: ${DEFAULT-VALUE}, the reference's).")
  int episodes;

  @Option(names = "--seeds", paramLabel = "LIST", split = ",", defaultValue = "2025,2026,2027,2028",
      description = "Seeds (world and streams), one run of every agent each; intervals are over them (default:"
          + " ${DEFAULT-VALUE}; with four the ranking held between disjoint seed sets, see docs/battle.md).")
  List<Long> seeds;

  @Option(names = "--agents", paramLabel = "LIST", split = ",",
      description = "Agents to run (default: all available).")
  List<String> agents;

  @Option(names = "--shared-env",
      description = "Unpaired, as the reference: every agent meets different users (its own continuation of the"
          + " stream) instead of the same ones.")
  boolean sharedEnv;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write results.json, results.csv, curves.csv and a self-contained report.html to DIR.")
  Path out;

  @Option(names = "--cql-log", paramLabel = "FILE",
      description = "Train cql on this logged-decision file (JSON Lines with continuous decisions, e.g. the"
          + " cql_dataset.jsonl that --out writes) instead of collecting 500 random decisions per seed.")
  Path cqlLog;

  @Option(names = "--cql-steps", paramLabel = "N", defaultValue = "1000",
      description = "CQL's offline training steps (minibatches of 64; default: ${DEFAULT-VALUE}, the reference's).")
  int cqlSteps;

  @Option(names = "--world-seed", paramLabel = "S|each", defaultValue = "2025",
      description = "The world (catalog, segments) every seed plays in: one world is the benchmark and the seeds vary"
          + " its users, queries and behaviour draws (default: ${DEFAULT-VALUE}, the book's); 'each' draws a world per"
          + " seed from the seed itself.")
  String worldSeed;

  @Option(names = "--round", paramLabel = "N", defaultValue = "10",
      description = "Episodes per round: every episode of a round acts with the policy learned from all the rounds"
          + " before it, and the round's transitions are learned in episode order (default: ${DEFAULT-VALUE}; 1"
          + " updates the acting policy after every episode, the reference's protocol, at ten times the messaging).")
  int round;

  @Option(names = "--eval-users", paramLabel = "N", defaultValue = "2000",
      description = "Held-out users per seed that every trained policy serves without exploration (default:"
          + " ${DEFAULT-VALUE}).")
  int evalUsers;

  @Mixin ConfigOption config = new ConfigOption();

  @Mixin DashboardOption dashboard = new DashboardOption();

  @Option(names = "--cm2-floor", paramLabel = "F", defaultValue = "0.2",
      description = "CM2 floor per episode for the constraint columns: the share of windows of 100 episodes whose"
          + " mean CM2 lies below it (default: ${DEFAULT-VALUE}).")
  double cm2Floor;

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    java.util.OptionalLong ws = java.util.OptionalLong.empty();
    if (!worldSeed.equals("each")) {
      try {
        ws = java.util.OptionalLong.of(Long.parseLong(worldSeed));
      } catch (NumberFormatException e) {
        throw new Main.UsageException("--world-seed must be an integer in 0.." + Integer.MAX_VALUE + " or 'each', got '"
            + worldSeed + "'");
      }
    }
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    Telemetry telemetry = new Telemetry("battle", System::nanoTime);
    Battles.Request req = new Battles.Request(config.load(), agents == null ? List.of() : agents, seeds, episodes, round,
        evalUsers, ws, sharedEnv, cm2Floor, cqlSteps, Optional.ofNullable(cqlLog), Optional.ofNullable(out),
        deviceOption.resolve(Optional.of(topo)), Optional.of(telemetry));
    Optional<io.rlsearch.api.metrics.Dashboard> dash = dashboard.start(telemetry, topo.systemConfig(),
        spec.commandLine().getErr());
    Battles.Result result;
    try {
      result = Battles.run(req, topo, System::nanoTime);
    } finally {
      dash.ifPresent(io.rlsearch.api.metrics.Dashboard::close);
    }
    Map<String, Object> json = Battles.toJson(result);
    if (out != null) {
      BattleReport.write(out, result.study(), episodes, "rlsearch Battle Royale");
      java.nio.file.Files.writeString(out.resolve("results.json"), Json.write(json) + System.lineSeparator());
    }
    if (this.json) {
      spec.commandLine().getOut().println(Json.write(json));
    } else {
      print(spec.commandLine().getOut(), result.study(), result.wallSeconds());
    }
    return 0;
  }

  private static String ci(Summary s) {
    return s.n() >= 2 ? String.format(Locale.ROOT, "[%7.2f,%7.2f]", s.ciLow(), s.ciHigh()) : "        -        ";
  }

  private void print(PrintWriter w, BattleStudy.Result r, double wall) {
    w.printf(Locale.ROOT, "Battle Royale: %d training episodes per agent, %s, seeds %s, %s; %s%n", episodes,
        worldSeed.equals("each") ? "a world per seed" : "world " + worldSeed, r.seeds(),
        sharedEnv ? "unpaired (shared env)" : "paired (same users for every agent)", Task.BoostWeights.battleTemplates().describe());
    w.printf(Locale.ROOT, "Evaluation: each policy without exploration on the same %d held-out users per seed%n",
        r.evalUsers());
    w.printf(Locale.ROOT, "%-19s %8s %17s %8s %17s %8s %17s %8s %8s %6s %6s %6s %6s%n", "agent", "eval", "95% CI",
        "vs rand", "95% CI", "vs stat", "95% CI", "%ref", "train", "GMV", "CM2", "PL exp", "div@5");
    for (BattleStudy.AgentResult a : r.agents()) {
      w.printf(Locale.ROOT, "%-19s %8.2f %17s %8.2f %17s %8.2f %17s %7.1f%% %8.2f %6.2f %6.2f %6.3f %6.3f%n", a.name(),
          a.evalReturn().mean(), ci(a.evalReturn()), a.evalVsRandom().mean(), ci(a.evalVsRandom()),
          a.evalVsStatic().mean(), ci(a.evalVsStatic()), 100 * a.shareOfReference(), a.trainReturn().mean(),
          a.evalGmv().mean(), a.evalCm2().mean(), a.exposurePl(), a.diversity());
    }
    w.printf(Locale.ROOT, "%-19s %8.2f %17s   (best fixed boost vector, found by search; no learning)%n",
        "ref: fixed", r.fixedReference().mean(), ci(r.fixedReference()));
    w.printf(Locale.ROOT, "%-19s %8.2f %17s   (best boost vector per user segment; %%ref is relative to it)%n",
        "ref: per segment", r.perSegmentReference().mean(), ci(r.perSegmentReference()));
    w.printf(Locale.ROOT, "eval: held-out reward of the greedy policy; train: mean reward while learning (exploring);"
        + " GMV, CM2: held-out; PL exp, div@5: while learning%n");
    w.printf(Locale.ROOT, "%s; wall time %.1f s%n", r.seeds().size() >= 2 ? "CIs 95% over seeds"
        : "one seed: no interval (intervals are over seeds; give several with --seeds)", wall);
  }
}
