package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.RunConfig;
import io.rlsearch.api.serving.HttpSwapTest;
import io.rlsearch.api.serving.RankClient;
import io.rlsearch.api.serving.SwapTest;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swap-test}: live swaps under open-loop traffic, a bad version, and the guardrails. */
@Command(name = "swap-test", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/actors.md",
    description = {"Runs the serving path under open-loop traffic at R requests/s for S seconds twice: once"
        + " without swaps (the latency reference), then promoting K good versions at even intervals before T and,"
        + " at T seconds, a deliberately bad version ('bury': it buries what the user likes and the pricier"
        + " products), and lets the guardrails roll it back. Versions act on the 10 boost weights; the good ones"
        + " are retrained variants of 'cm2_price' (its weights with N(0, 0.05) jitter).",
        "Latency is measured from each request's scheduled start (coordinated omission corrected). Prints"
        + " requests, failed, dropped, latency percentiles, swaps, swap_visible_ms_p99 (promote until every shard"
        + " applied it), rollbacks, rollback_after_requests (requests the bad version served) and the reward"
        + " before, during and after the bad version.",
        "With --http URL, drives a running `serve` over HTTP instead, as a search service would: the simulated"
        + " world's users send their candidates to POST /v1/rank at R requests/s, and what each user then clicks and"
        + " buys goes to POST /v1/feedback. Before request --bad-policy-at x R the bad version is promoted over HTTP;"
        + " the run passes when the guardrails, on that feedback alone, roll it back, and every decision of a"
        + " built-in version equals the same version's in-process decision. Exits 1 with one line when the server"
        + " is unreachable, the rollback does not come within the run, or a decision differs."})
final class SwapTestCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rate", paramLabel = "R", description = "Requests per second (default: 1000; 200 with --http).")
  Double rateOption;

  double rate;

  @Option(names = "--http", paramLabel = "URL",
      description = "Drive the running server at URL (e.g. http://127.0.0.1:8080) over HTTP with the world's users.")
  String http;

  @Option(names = "--requests", paramLabel = "N",
      description = "With --http: requests to send (default: ${DEFAULT-VALUE}).", defaultValue = "3000")
  long requests;

  @Option(names = "--candidates", paramLabel = "N",
      description = "With --http: candidates per request, the top N by base score (default: ${DEFAULT-VALUE}).",
      defaultValue = "100")
  int candidates;

  @Option(names = "--k", paramLabel = "K",
      description = "With --http: results each request asks for (default: the world's top_k, the positions a user"
          + " browses).")
  Integer k;

  @Option(names = "--bad-policy", paramLabel = "NAME", defaultValue = "bury",
      description = "With --http: the version promoted as the bad one, by name (default: ${DEFAULT-VALUE}).")
  String badPolicy;

  @Option(names = "--deadline", paramLabel = "MS", defaultValue = "2000",
      description = "With --http: each call's deadline in milliseconds (default: ${DEFAULT-VALUE}).")
  long deadlineMs;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "With --http: read the server's bearer token from FILE (default: $RLSEARCH_TOKEN).")
  java.nio.file.Path tokenFile;

  @Option(names = "--duration", paramLabel = "S", defaultValue = "60", description = "Seconds per run (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--swaps", paramLabel = "K", defaultValue = "10", description = "Good versions promoted (default: ${DEFAULT-VALUE}).")
  int swaps;

  @Option(names = "--bad-policy-at", paramLabel = "T",
      description = "Second at which the bad version is promoted (default: 70%% of the duration, with --http a third"
          + " of the requests; negative: never).")
  Double badAt;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025", description = "World and request seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--shards", paramLabel = "K", defaultValue = "2", description = "Serving shards (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--no-baseline", description = "Skip the reference run without swaps.")
  boolean noBaseline;

  @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
      description = "Seconds of traffic before the measured runs, discarded (JIT warm-up: a promotion and, unless"
          + " --bad-policy-at is negative, the bad version and its rollback; default: ${DEFAULT-VALUE}).")
  double warmup;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a summary.")
  boolean json;

  @Override
  public Integer call() {
    if (http != null) {
      return callHttp();
    }
    for (String o : new String[] {"--requests", "--candidates", "--k", "--bad-policy", "--deadline", "--token-file"}) {
      if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
        throw new Main.UsageException(o + " applies to a run over HTTP: give --http URL");
      }
    }
    rate = rateOption != null ? rateOption : 1000;
    if (!(rate >= 1 && rate <= 100_000)) {
      throw new Main.UsageException("--rate must be in 1..100000, got " + rate);
    }
    if (!(duration >= 1 && duration <= 3600)) {
      throw new Main.UsageException("--duration must be in 1..3600 seconds, got " + duration);
    }
    if (swaps < 0 || swaps > 1000) {
      throw new Main.UsageException("--swaps must be in 0..1000, got " + swaps);
    }
    if (shards < 1 || shards > 64) {
      throw new Main.UsageException("--shards must be in 1..64, got " + shards);
    }
    double t = badAt != null ? badAt : 0.7 * duration;
    if (t >= duration) {
      throw new Main.UsageException("--bad-policy-at must be before the end of the run (" + duration + " s), got " + t);
    }
    if (rate * duration > 50_000_000) {
      throw new Main.UsageException("--rate x --duration must stay below 50,000,000 requests");
    }
    SimSettings sim = config.load();
    World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    if (!(warmup >= 0 && warmup <= 600)) {
      throw new Main.UsageException("--warmup must be in 0..600 seconds, got " + warmup);
    }
    SwapTest test = new SwapTest(rate, shards, seed, swaps, duration, spec.commandLine().getErr());
    if (warmup > 0) {
      test.warmUp(world, topo, warmup, t >= 0);
    }
    Optional<SwapTest.RunResult> base = noBaseline ? Optional.empty()
        : Optional.of(test.run(world, topo, 0, -1, duration));
    SwapTest.RunResult r = test.run(world, topo, swaps, t, duration);
    Map<String, Object> out = test.toJson(r, base, t);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out);
    }
    return r.failed() == 0 && r.sent() == r.answered() + r.shed() ? 0 : 1;
  }

  /** {@code --http URL}: parse, run {@link HttpSwapTest}, render. */
  private Integer callHttp() {
    for (String o : new String[] {"--duration", "--swaps", "--shards", "--no-baseline", "--warmup"}) {
      if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
        throw new Main.UsageException(o + " applies to the in-process run, not with --http (the server has its"
            + " own shards; give --requests N)");
      }
    }
    rate = rateOption != null ? rateOption : 200;
    if (!(rate > 0 && rate <= 100_000)) {
      throw new Main.UsageException("--rate must be in (0, 100000] requests/s, got " + rate);
    }
    if (requests < 1 || requests > 100_000_000) {
      throw new Main.UsageException("--requests must be in 1..100000000, got " + requests);
    }
    if (deadlineMs < 1 || deadlineMs > 600_000) {
      throw new Main.UsageException("--deadline must be in 1..600000 ms, got " + deadlineMs);
    }
    long badRequest = badAt == null ? requests / 3 : badAt < 0 ? -1 : Math.round(badAt * rate);
    if (badRequest >= requests) {
      throw new Main.UsageException("--bad-policy-at must come before the last request (" + requests + " requests at "
          + rate + "/s take " + requests / rate + " s), got " + badAt);
    }
    URI url;
    try {
      url = new URI(http);
    } catch (java.net.URISyntaxException e) {
      throw new Main.UsageException("--http must be a URL such as http://127.0.0.1:8080, got '" + http + "'");
    }
    Optional<String> token = token();
    RankClient client;
    try {
      client = new RankClient(url, token, Duration.ofMillis(deadlineMs));
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--http: " + e.getMessage());
    }
    SimSettings sim = config.load();
    World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
    int topK = Math.min(world.settings().topK(), Math.min(candidates, world.catalog().size()));
    int kk = k != null ? k : topK;
    if (candidates < 1 || candidates > world.catalog().size()) {
      throw new Main.UsageException("--candidates must be in 1.." + world.catalog().size() + " (the catalog), got "
          + candidates);
    }
    if (kk < 1 || kk > candidates) {
      throw new Main.UsageException("--k must be in 1.." + candidates + " (the candidates), got " + kk);
    }
    HttpSwapTest test = new HttpSwapTest(new HttpSwapTest.Settings(rate, requests, badRequest, badPolicy, seed, candidates,
        kk, 64, Duration.ofSeconds(10)));
    PrintWriter err = spec.commandLine().getErr();
    HttpSwapTest.Result r;
    try {
      r = test.run(client, world);
    } catch (RankClient.CallFailed | HttpSwapTest.Failed e) {
      err.println("rlsearch: swap-test: " + e.getMessage());
      return 1;
    }
    Map<String, Object> out = test.toJson(r);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      printHttp(spec.commandLine().getOut(), r);
    }
    if (r.mismatched() > 0) {
      err.println("rlsearch: swap-test: " + r.mismatched() + " of " + r.checked() + " decisions differ from the"
          + " in-process ones; first: " + r.firstMismatch().orElse(""));
      return 1;
    }
    if (r.badVersion() != 0 && !r.rolledBack()) {
      err.println("rlsearch: swap-test: the guardrails did not roll back '" + badPolicy + "' (version "
          + r.badVersion() + ") within the run: it answered " + r.badServed() + " requests; "
          + (r.feedbackJoined() == 0 ? "no feedback was joined" : r.feedbackJoined() + " feedbacks joined"));
      return 1;
    }
    if (r.answered() == 0) {
      err.println("rlsearch: swap-test: no request was answered; first error: "
          + (r.errors().isEmpty() ? "none" : r.errors().get(0)));
      return 1;
    }
    return 0;
  }

  private Optional<String> token() {
    if (tokenFile == null) {
      return Optional.ofNullable(System.getenv("RLSEARCH_TOKEN")).map(String::strip).filter(s -> !s.isEmpty());
    }
    String t;
    try {
      t = java.nio.file.Files.readString(tokenFile).strip();
    } catch (java.io.IOException e) {
      throw new Main.UsageException("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
    }
    if (t.isEmpty() || t.lines().count() != 1) {
      throw new Main.UsageException("--token-file: " + tokenFile + " must hold the token on one line");
    }
    return Optional.of(t);
  }

  private static void printHttp(PrintWriter w, HttpSwapTest.Result r) {
    w.printf(Locale.ROOT, "swap-test over HTTP: %d requests in %.1f s: %d answered, %d failed, %d shed; %d feedbacks"
        + " joined, %d failed%n", r.sent(), r.seconds(), r.answered(), r.failed(), r.shed(), r.feedbackJoined(),
        r.feedbackFailed());
    w.printf(Locale.ROOT, "decisions checked against in-process: %d, differing: %d%n", r.checked(), r.mismatched());
    for (HttpSwapTest.VersionStats v : r.versions().values()) {
      w.printf(Locale.ROOT, "version %d (%s): %d answered, %d feedbacks, reward per request %.3f (simulator %.3f)%n",
          v.version(), v.name(), v.answered(), v.feedback(), v.reward(), v.trueReward());
    }
    if (r.badVersion() != 0) {
      w.printf(Locale.ROOT, "bad version %d promoted before request %d: %s after %d requests%s; live now %d%n",
          r.badVersion(), r.badPromotedAt(), r.rolledBack() ? "rolled back" : "NOT rolled back", r.badServed(),
          r.rollbackReason().isEmpty() ? "" : " (" + r.rollbackReason() + ")", r.liveAfter());
    }
    for (String e : r.errors()) {
      w.println("error: " + e);
    }
  }

  private static void print(PrintWriter w, Map<String, Object> m) {
    w.printf(Locale.ROOT, "swap-test: %.0f requests/s for %.0f s on %d shards: %d requests, %d failed, %d shed, %d"
        + " dropped%n", (double) m.get("rate"), (double) m.get("duration_s"), (int) m.get("shards"),
        (long) m.get("requests"), (long) m.get("failed"), (long) m.get("shed"), (long) m.get("dropped"));
    w.printf(Locale.ROOT, "latency p50 %.0f us, p99 %.0f us, p99.9 %.0f us%s%n", (double) m.get("latency_p50_us"),
        (double) m.get("latency_p99_us"), (double) m.get("latency_p999_us"),
        m.containsKey("latency_p99_us_no_swaps") ? String.format(Locale.ROOT, " (without swaps p99 %.0f us: ratio %.2f)",
            (double) m.get("latency_p99_us_no_swaps"), (double) m.get("p99_ratio_vs_no_swaps")) : "");
    w.printf(Locale.ROOT, "%d swaps, visible on every shard within %.2f ms (p99); %d rollbacks after %d bad requests%n",
        (long) m.get("swaps"), (double) m.get("swap_visible_ms_p99"), (long) m.get("rollbacks"),
        (long) m.get("rollback_after_requests"));
    w.printf(Locale.ROOT, "reward per request: before %.3f, during the bad version %.3f, after %.3f%n",
        (double) m.get("reward_before"), (double) m.get("reward_during_bad"), (double) m.get("reward_after"));
  }
}
