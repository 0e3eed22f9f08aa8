package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.RunConfig;
import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.eval.RetentionMetrics;
import io.rlsearch.eval.Summary;
import java.nio.file.Path;
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

/** {@code retention}: multi-session users through the pipeline; per-user discounted value across seeds. */
@Command(name = "retention", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/actors.md",
    description = {"Runs multi-session users through the actor pipeline: each user keeps returning (same user, new"
        + " query) with the probability of the retention model  until churn, at most --sessions-cap"
        + " sessions. Per seed (one world per seed) it measures the mean discounted return per user"
        + " (sum gamma^k r_k over the user's sessions, of the scalar reward) and reports its spread over seeds.",
        "With --policy neutral --users 600 --gamma 0.95 --seeds 11,13,17,19,23,29,31,37,41,43 it runs the protocol"
        + " of the book's Chapter-11 value-stability lab on the runtime, where each user draws from its own"
        + " streams; `lab ch11-value-stability` runs the lab's own draw order and reproduces its figures."})
final class RetentionCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--policy", paramLabel = "NAME", defaultValue = "neutral",
      description = "A fixed policy: neutral (rank by base relevance), a template name, or random"
          + " (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(names = "--users", paramLabel = "U", defaultValue = "600", description = "Users per seed (default: ${DEFAULT-VALUE}).")
  long users;

  @Option(names = "--gamma", paramLabel = "G", defaultValue = "0.95",
      description = "Discount over a user's sessions (default: ${DEFAULT-VALUE}).")
  double gamma;

  @Option(names = "--seeds", paramLabel = "LIST", split = ",", defaultValue = "11,13,17,19,23,29,31,37,41,43",
      description = "Seeds, one world and one run each (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--sessions-cap", paramLabel = "N", defaultValue = "100",
      description = "Most sessions per user (the reference's trajectory cap; default: ${DEFAULT-VALUE}).")
  int sessionsCap;

  @Option(names = "--shards", paramLabel = "K", description = "Environment shards (default: the topology's, 2).")
  Integer shards;

  @Option(names = "--experiment", paramLabel = "FILE", description = "Experiment file (its world and features).")
  Path experiment;

  @Option(names = "--topology", paramLabel = "FILE", description = "Topology file (see train).")
  Path topology;

  @picocli.CommandLine.Mixin DashboardOption dashboard = new DashboardOption();

  @Option(names = "--json", description = "Print one JSON object instead of a summary.")
  boolean json;

  @Override
  public Integer call() {
    if (users < 1 || users > 10_000_000) {
      throw new Main.UsageException("--users must be in 1..10000000, got " + users);
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new Main.UsageException("--gamma must lie in [0, 1], got " + gamma);
    }
    if (seeds.size() < 2) {
      throw new Main.UsageException("--seeds needs at least 2 seeds for a spread, got " + seeds.size());
    }
    for (long s : seeds) {
      if (s < 0) {
        throw new Main.UsageException("--seeds entries must be >= 0, got " + s);
      }
    }
    if (sessionsCap < 1 || sessionsCap > 1000) {
      throw new Main.UsageException("--sessions-cap must be in 1..1000, got " + sessionsCap);
    }
    RunConfig cfg = RunConfig.load(Optional.ofNullable(experiment), Optional.ofNullable(topology));
    AgentBuilder agent = policy.equals("random") ? BanditAgents.random() : RunConfig.template(policy, "--policy");
    int k = shards != null ? shards : cfg.shards();
    if (k < 1 || k > 256) {
      throw new Main.UsageException("--shards must be in 1..256, got " + k);
    }
    double[] values = new double[seeds.size()];
    long[] atLeast = new long[10];
    long sessions = 0;
    double wall = 0;
    long lost = 0;
    io.rlsearch.api.metrics.Telemetry telemetry = new io.rlsearch.api.metrics.Telemetry("retention", System::nanoTime);
    Optional<io.rlsearch.api.metrics.Dashboard> dash = dashboard.start(telemetry, cfg.systemConfig(),
        spec.commandLine().getErr());
    try {
    for (int i = 0; i < seeds.size(); i++) {
      long seed = seeds.get(i);
      RunSpec runSpec = cfg.spec(cfg.world(seed), agent, seed, users, true, sessionsCap, gamma, k, false, 0,
          Optional.empty());
      if (dash.isPresent()) {
        runSpec = runSpec.observed(telemetry);
      }
      PipelineRunner.Outcome o = PipelineRunner.run(runSpec, cfg.systemConfig(), !json, "retention seed " + seed);
      Guardian.RunReport r = o.report();
      if (r.failure().isPresent()) {
        throw new IllegalStateException("retention run for seed " + seed + " failed: " + r.failure().get());
      }
      RetentionMetrics.Report rr = r.evaluator().retention().orElseThrow();
      values[i] = rr.value().mean();
      sessions += rr.sessions();
      for (int j = 0; j < 10; j++) {
        atLeast[j] += rr.atLeast()[j];
      }
      wall += o.wallSeconds();
      lost += r.lost();
    }
    } finally {
      dash.ifPresent(io.rlsearch.api.metrics.Dashboard::close);
    }
    double[] curve = new double[10];
    for (int j = 0; j < 10; j++) {
      curve[j] = (double) atLeast[j] / (users * seeds.size());
    }
    Summary s = Summary.of(values);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policy", policy);
    out.put("users", users);
    out.put("seeds", seeds);
    out.put("gamma", gamma);
    out.put("sessions", sessions);
    out.put("sessions_per_user", (double) sessions / (users * seeds.size()));
    out.put("retention_curve", curve);
    out.put("value_per_seed", values);
    out.put("mean", s.mean());
    out.put("std", s.std());
    out.put("cv", s.std() / Math.abs(s.mean()));
    out.put("ci_low", s.ciLow());
    out.put("ci_high", s.ciHigh());
    out.put("transitions_lost", lost);
    out.put("wall_s", wall);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      var w = spec.commandLine().getOut();
      w.printf(Locale.ROOT, "retention: policy %s, %d users x %d seeds, gamma %.2f, %d sessions (%.3f per user)%n",
          policy, users, seeds.size(), gamma, sessions, (double) sessions / (users * seeds.size()));
      List<String> c = new ArrayList<>();
      for (double v : curve) {
        c.add(String.format(Locale.ROOT, "%.3f", v));
      }
      w.printf(Locale.ROOT, "retention curve (share with >= k sessions, k = 1..10): %s%n", String.join(" ", c));
      w.printf(Locale.ROOT, "value per user by seed: %s%n", java.util.Arrays.toString(values));
      w.printf(Locale.ROOT, "mean %.4f, std %.4f, cv %.4f, 95%% CI [%.4f, %.4f]; %.1f s%n", s.mean(), s.std(),
          s.std() / Math.abs(s.mean()), s.ciLow(), s.ciHigh(), wall);
    }
    return lost == 0 ? 0 : 1;
  }
}
