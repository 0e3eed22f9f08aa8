package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.api.serving.ServingSystem;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the serving path with its HTTP control surface, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/actors.md",
    description = {"Runs the serving path: an open-loop traffic generator sends search requests (a user and a"
        + " query each, with the user's top 100 products as candidates) at R per second; the live policy version"
        + " ranks them as it ranks POST /v1/rank, the simulated user responds, the outcome is logged with the"
        + " version and propensity. Versions: the built-ins (neutral, cm2_price, cm2, private_label, price, bury)"
        + " and any --policy-file checkpoint of an agent that acts on a context. The guardrails"
        + " roll a bad live version back to the last known-good one.",
        "HTTP on 127.0.0.1 by default: the live page at /, Prometheus metrics at GET /metrics, server-sent"
        + " events at GET /events, GET /policies, POST /policies/{version}/promote, POST"
        + " /policies/{version}/canary (body {\"share\": s}), POST /policies/{version}/shadow, POST /rollback,"
        + " GET /health. A token (RLSEARCH_TOKEN or --token-file FILE; never on the command line, where ps shows"
        + " it) makes every mutating call need 'Authorization: Bearer <token>'. Binding to another address needs"
        + " one, and then every endpoint needs it, reads too. Mutating calls need 'Content-Type: application/json'"
        + " and are refused from a foreign Origin (a web page cannot drive the API); bodies are capped at 4 KiB."
        + " Ctrl-C or SIGTERM (or --duration) stops cleanly: traffic stops, answers are awaited, the decision log"
        + " is flushed.",
        "Real traffic: POST /v1/rank ranks a search service's candidates with the live version (or the canary,"
        + " chosen by a hash of user_key), POST /v1/feedback joins what the user did to the decision (the reward"
        + " feeds the guardrails and, with --log, the decision log), GET /v1/schema gives the features a request"
        + " carries. The `serving` section of --config sets the schema and the limits (docs/configuration.md);"
        + " --rate 0 serves real traffic only.",
        "GET /v1/openapi.json is the OpenAPI 3 document of every route; docs/serving.md walks through the data"
        + " plane with curl."})
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "200", description = "Requests per second (default: ${DEFAULT-VALUE}; 0: no traffic).")
  double rate;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0: any free port).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--token", paramLabel = "T", hidden = true)
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Read the bearer token from FILE (default: $RLSEARCH_TOKEN; none on 127.0.0.1).")
  Path tokenFile;

  @Option(names = "--policy", paramLabel = "V", defaultValue = "cm2_price",
      description = "The live version at start: a built-in name (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(names = "--policy-file", paramLabel = "NAME=FILE",
      description = "Registers the policy of a `train --checkpoint` file as NAME: any agent that acts on a context"
          + " (contq, reinforce, reinforce_baseline, ppo, random_weights; linucb, ts and the drift-aware bandits;"
          + " neural_linear, neural_ensemble; slateq, slateq_simplified, diffrank). A checkpoint whose features"
          + " the serving schema lacks (it was trained under another schema) is refused with one line naming the"
          + " first one (docs/serving-policies.md). Repeatable.")
  List<String> policyFiles = new ArrayList<>();

  @Option(names = "--shards", paramLabel = "K", defaultValue = "2", description = "Serving shards (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--log", paramLabel = "FILE", description = "Write every served decision to FILE (JSON Lines): simulated ones when served, real ones"
      + " when their feedback joins them.")
  Path log;

  @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: run until Ctrl-C).")
  Double duration;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025", description = "World and request seed, and the root of real requests' policy streams (default:"
      + " ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--fault-rate", paramLabel = "P", defaultValue = "0",
      description = "A test tool: each request's shard fails after the policy's step with probability P (default:"
          + " ${DEFAULT-VALUE}); the shard restarts and answers that request with the error.")
  double faultRate;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--dashboard",
      description = "Say where the live page is (serve always serves it, with /metrics and /events, on its port).")
  boolean dashboard;

  @Option(names = "--json", description = "At the end, print one JSON object with the run's figures.")
  boolean json;

  @Option(names = "--learn", paramLabel = "AGENT", description = "Learn online from real feedback (off by default):"
      + " AGENT (contq, reinforce, reinforce_baseline, ppo, linucb, ts, discounted_linucb, restart_linucb,"
      + " sliding_ts) learns from joined decisions as in train; each version it publishes becomes the canary and"
      + " is promoted unless its reward is credibly below the live version's (docs/actors.md).")
  String learn;

  @Option(names = "--learn-share", paramLabel = "S", description = "With --learn, each candidate's canary share"
      + " (default 0.1).")
  Double learnShare;

  @Option(names = "--learn-gate", paramLabel = "N", description = "With --learn, joined feedbacks on a candidate"
      + " before the gate decides (default 1000).")
  Integer learnGate;

  @Option(names = "--learn-publish-every", paramLabel = "N", description = "With --learn, transitions learned"
      + " between published versions (default 500; for reinforce and ppo at most the gate).")
  Integer learnPublishEvery;

  @Override
  public Integer call() throws Exception {
    if (!(rate >= 0 && rate <= 100_000)) {
      throw new Main.UsageException("--rate must be in 0..100000, got " + rate);
    }
    if (port < 0 || port > 65535) {
      throw new Main.UsageException("--port must be in 0..65535, got " + port);
    }
    if (shards < 1 || shards > 64) {
      throw new Main.UsageException("--shards must be in 1..64, got " + shards);
    }
    if (!(faultRate >= 0 && faultRate < 1)) {
      throw new Main.UsageException("--fault-rate must be in [0, 1), got " + faultRate);
    }
    if (duration != null && !(duration > 0)) {
      throw new Main.UsageException("--duration must be > 0 seconds, got " + duration);
    }
    if (token != null) {
      throw new Main.UsageException("--token puts the secret where ps shows it: give it in RLSEARCH_TOKEN or"
          + " --token-file FILE");
    }
    String fromFile = null;
    if (tokenFile != null) {
      try {
        fromFile = java.nio.file.Files.readString(tokenFile).strip();
      } catch (java.io.IOException e) {
        throw new Main.UsageException("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
      }
      if (fromFile.isEmpty() || fromFile.lines().count() != 1) {
        throw new Main.UsageException("--token-file: " + tokenFile + " must hold the token on one line");
      }
    }
    Optional<String> tok = Optional.ofNullable(fromFile != null ? fromFile : System.getenv("RLSEARCH_TOKEN"))
        .filter(s -> !s.isBlank());
    ConfigOption.Served loaded = config.loadServing();
    SimSettings sim = loaded.sim();
    World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
    io.rlsearch.serving.ServingSchema schema = loaded.schema();
    Optional<io.rlsearch.serving.OnlineLearning.Settings> learning = io.rlsearch.api.serving.Learning.settings(
        Optional.ofNullable(learn), Optional.ofNullable(learnShare), Optional.ofNullable(learnGate),
        Optional.ofNullable(learnPublishEvery), Optional.of(loaded.serving()));
    Serving.Running run = Serving.start(world, policy, policyFiles, shards, Optional.ofNullable(log), seed, bind, port,
        tok, 0, faultRate, schema);
    try {
      learning.ifPresent(l -> io.rlsearch.api.serving.Learning.start(run.system(), l));
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
    spec.commandLine().getErr().printf("rlsearch: serving on http://%s:%d (live: %s, %s requests/s%s); Ctrl-C stops%n",
        bind, run.port(), policy, rate == 0 ? "no" : String.format(java.util.Locale.ROOT, "%.0f", rate),
        tok.isPresent() ? ", mutating calls need the bearer token" : "");
    if (dashboard) {
      spec.commandLine().getErr().printf("rlsearch: live dashboard on http://%s:%d/ (metrics at /metrics)%n", bind,
          run.port());
    }
    spec.commandLine().getErr().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread hook = new Thread(() -> {
      stop.set(true);
      try {
        stopped.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "rlsearch-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long start = System.nanoTime();
    try {
      double seconds = duration != null ? duration : Double.MAX_VALUE / 2;
      if (rate > 0) {
        run.system().drive(0, rate, Math.min(seconds, 1e9 / rate), t -> { }, stop::get);
      } else {
        long end = System.nanoTime() + (long) Math.min(seconds * 1e9, Long.MAX_VALUE / 2.0);
        while (!stop.get() && System.nanoTime() < end) {
          Thread.sleep(50);
        }
      }
      boolean all = run.system().awaitAnswers(Duration.ofSeconds(30));
      io.rlsearch.actors.serve.DecisionLogActor.Flushed logged = run.system().flushLogCounts();
      long lines = logged.lines();
      io.rlsearch.api.serving.ServingSystem.Counts c = run.system().countsNow();
      Histogram h = run.system().latency().getIntervalHistogram();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("requests", c.sent());
      out.put("answered", c.answered());
      out.put("failed", c.failed());
      out.put("shed", c.shed());
      out.put("dropped", c.sent() - c.shed() - c.answered());
      out.put("latency_p50_us", (double) h.getValueAtPercentile(50));
      out.put("latency_p99_us", (double) h.getValueAtPercentile(99));
      out.put("decision_log_lines", lines);
      out.put("decision_log_lost", logged.lost());
      out.put("decision_log_dropped", logged.dropped());
      ServingSystem.ShardHealth shardHealth = run.system().shardHealth();
      out.put("shard_restarts", shardHealth.restarts());
      out.put("shard_failures", shardHealth.failures());
      io.rlsearch.actors.serve.Backlog.Counts monitorBacklog = run.system().monitorBacklog();
      out.put("monitor_dropped", monitorBacklog.dropped());
      out.put("monitor_late", monitorBacklog.late());
      ServingSystem.RealCounts real = run.system().realCounts();
      out.put("rank_requests", real.requests());
      out.put("rank_answered", real.answered());
      out.put("rank_failed", real.failed());
      out.put("rank_shed", real.shed());
      out.put("rank_refused", real.refused());
      out.put("data_bodies_shed", run.system().bodies().dropped());
      io.rlsearch.serving.FeedbackJoin.Counts joined = run.system().joinCounts();
      out.put("feedback_open", joined.open());
      out.put("feedback_joined", joined.joined());
      out.put("feedback_unknown", joined.unknown());
      out.put("feedback_duplicate", joined.duplicate());
      out.put("feedback_expired", joined.expired());
      out.put("feedback_evicted", joined.evicted());
      out.put("feedback_request_ids_reused", joined.reusedRequestIds());
      out.put("feedback_shed", real.feedbackShed());
      out.put("feedback_refused", real.feedbackRefused());
      out.put("feedback_unregistered", real.registrationsDropped());
      out.put("wall_s", (System.nanoTime() - start) / 1e9);
      if (json) {
        spec.commandLine().getOut().println(Json.write(out));
      } else {
        spec.commandLine().getErr().printf("rlsearch: stopped: %d requests, %d failed, %d shed, %d dropped; %d"
            + " decisions logged%s%s%n", c.sent(), c.failed(), c.shed(), c.sent() - c.shed() - c.answered(), lines,
            logged.dropped() > 0 ? ", " + logged.dropped() + " not logged (the log could not keep up)" : "",
            shardHealth.restarts() > 0 ? "; shards restarted " + shardHealth.restarts() + " times" : "");
      }
      return all && c.failed() == 0 && logged.lost() == 0 && logged.dropped() == 0 ? 0 : 1;
    } finally {
      run.close();
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for this cleanup.
      }
    }
  }
}
