package io.rlsearch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.api.Json;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.app.bench.HttpLoad;
import io.rlsearch.app.bench.RankBodies;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench http}: {@code POST /v1/rank} under an open-loop load at fixed rates, over real HTTP. */
@Command(name = "http", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/performance.md",
    description = {"Ranks over HTTP under an open-loop load: for each rate, POST /v1/rank at that many requests a"
        + " second for S seconds, each request sent at its scheduled time whatever the answers before it did, and"
        + " its latency measured from that time to its answer (so a stall counts in full: no coordinated"
        + " omission; HdrHistogram). A body holds N candidates with every feature of the server's schema (GET"
        + " /v1/schema), 100 distinct bodies in turn (each with its own user_key). Against a server started in this JVM (the default world,"
        + " the built-in versions, no simulated traffic) or --url URL.",
        "Prints per rate: requests sent, answered 200, shed (503), errors (any other answer, a failure or no"
        + " answer within 10 s), latency p50/p99/p99.9/max of every request; then the highest rate whose p99 is"
        + " at most --p99-limit with no error and under 1%% shed. --write-body FILE writes one body and exits,"
        + " for an external generator (docs/performance.md)."})
final class HttpBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rates", paramLabel = "LIST", split = ",", defaultValue = "1000,2000,5000",
      description = "Requests per second, measured in turn (default: ${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(names = "--duration", paramLabel = "S", defaultValue = "60",
      description = "Seconds per rate (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--warmup", paramLabel = "S", defaultValue = "10",
      description = "Seconds of load at the first rate before measuring, not reported (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--candidates", paramLabel = "N", defaultValue = "100",
      description = "Candidates per request (default: ${DEFAULT-VALUE}).")
  int candidates;

  @Option(names = "--url", paramLabel = "URL",
      description = "A running server's base address, e.g. http://127.0.0.1:8080 (default: start one in this JVM;"
          + " $RLSEARCH_TOKEN, when set, is sent as the bearer token).")
  URI url;

  @Option(names = "--p99-limit", paramLabel = "MS", defaultValue = "25",
      description = "The p99 latency a rate must hold, in ms (default: ${DEFAULT-VALUE}).")
  double p99Limit;

  @Option(names = "--connections", paramLabel = "C", defaultValue = "64",
      description = "Keep-alive connections, and so most requests open at once; a request whose connection is"
          + " busy is sent late, its wait counted in its latency (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--shards", paramLabel = "K", defaultValue = "2",
      description = "The in-JVM server's serving shards (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--policy", paramLabel = "V", defaultValue = "cm2_price",
      description = "The in-JVM server's live version (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "2025",
      description = "The world's and the bodies' seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--write-body", paramLabel = "FILE",
      description = "Write one request body (the schema of --url, else of --config: by default the world's) to FILE"
          + " and exit.")
  Path writeBody;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  /** Distinct bodies sent in turn. */
  static final int BODIES = 100;

  @Override
  public Integer call() throws Exception {
    if (rates.isEmpty() || rates.stream().anyMatch(r -> !(r > 0 && r <= 1_000_000))) {
      throw new Main.UsageException("--rates must list requests per second in (0, 1000000], got " + rates);
    }
    if (!(duration > 0 && duration <= 86_400)) {
      throw new Main.UsageException("--duration must be in (0, 86400] seconds, got " + duration);
    }
    if (!(warmup >= 0 && warmup <= 3600)) {
      throw new Main.UsageException("--warmup must be in [0, 3600] seconds, got " + warmup);
    }
    if (candidates < 1 || candidates > 100_000) {
      throw new Main.UsageException("--candidates must be in 1..100000, got " + candidates);
    }
    if (!(p99Limit > 0)) {
      throw new Main.UsageException("--p99-limit must be > 0 ms, got " + p99Limit);
    }
    if (connections < 1 || connections > 1_000) {
      throw new Main.UsageException("--connections must be in 1..1000, got " + connections);
    }
    if (shards < 1 || shards > 64) {
      throw new Main.UsageException("--shards must be in 1..64, got " + shards);
    }
    if (url != null && !("http".equals(url.getScheme()) && url.getHost() != null)) {
      throw new Main.UsageException("--url must be a server's plain http address such as http://127.0.0.1:8080 (the"
          + " generator does not speak TLS), got " + url);
    }
    Optional<String> token = Optional.ofNullable(System.getenv("RLSEARCH_TOKEN")).filter(s -> !s.isBlank());
    ConfigOption.Served loaded = config.loadServing();
    SimSettings sim = loaded.sim();
    if (writeBody != null) {
      List<List<String>> names = url != null ? schemaOf(base(url), token)
          : List.of(loaded.schema().context(), loaded.schema().candidate());
      byte[] body = RankBodies.bodies(names.get(0), names.get(1), candidates, 1, seed).get(0);
      try {
        Files.write(writeBody, body);
      } catch (IOException e) {
        throw new Main.UsageException("--write-body: cannot write " + writeBody + ": " + e.getMessage());
      }
      spec.commandLine().getErr().printf("rlsearch: wrote a rank request of %d candidates x %d features (%,d bytes)"
          + " to %s%n", candidates, names.get(1).size(), body.length, writeBody);
      return 0;
    }
    Serving.Running server = null;
    try {
      String base;
      if (url != null) {
        base = base(url);
      } else {
        World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
        server = Serving.start(world, policy, List.of(), shards, Optional.empty(), seed, "127.0.0.1", 0,
            Optional.empty(), 0, 0, loaded.schema());
        base = "http://127.0.0.1:" + server.port();
      }
      List<List<String>> names = schemaOf(base, token);
      List<byte[]> bodies = RankBodies.bodies(names.get(0), names.get(1), candidates, BODIES, seed);
      return measure(base, names, bodies, token, server != null);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private Integer measure(String base, List<List<String>> names, List<byte[]> bodies, Optional<String> token,
      boolean inProcess) throws InterruptedException {
    List<HttpLoad.Result> results = new ArrayList<>();
    try (HttpLoad load = new HttpLoad(URI.create(base + "/v1/rank"), bodies, token, connections)) {
      if (warmup > 0) {
        load.run(rates.get(0), warmup);
      }
      for (double rate : rates) {
        results.add(load.run(rate, duration));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("url", base + "/v1/rank");
    out.put("in_process", inProcess);
    out.put("candidates", candidates);
    out.put("candidate_features", names.get(1).size());
    out.put("context_features", names.get(0).size());
    out.put("body_bytes", bodies.get(0).length);
    out.put("duration_s", duration);
    out.put("warmup_s", warmup);
    out.put("p99_limit_ms", p99Limit);
    out.put("connections", connections);
    out.put("cores", Runtime.getRuntime().availableProcessors());
    List<Object> rows = new ArrayList<>();
    Double best = null;
    boolean anyOk = true;
    for (HttpLoad.Result r : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rate", r.rate());
      row.put("sent", r.sent());
      row.put("unsent", r.unsent());
      row.put("ok", r.ok());
      row.put("shed", r.shed());
      row.put("errors", r.errors());
      row.put("timeouts", r.timeouts());
      row.put("sent_per_sec", r.sent() / r.seconds());
      row.put("ok_per_sec", r.ok() / r.seconds());
      row.put("p50_ms", r.ms(50));
      row.put("p99_ms", r.ms(99));
      row.put("p999_ms", r.ms(99.9));
      row.put("max_ms", r.latency().getTotalCount() == 0 ? Double.NaN : r.latency().getMaxValue() / 1000.0);
      boolean holds = holds(r);
      row.put("holds_limit", holds);
      r.firstError().ifPresent(e -> row.put("first_error", e.length() > 300 ? e.substring(0, 300) + "..." : e));
      rows.add(row);
      if (holds && (best == null || r.rate() > best)) {
        best = r.rate();
      }
      anyOk &= r.ok() > 0;
    }
    out.put("rates", rows);
    out.put("highest_rate_within_limit", best);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      var w = spec.commandLine().getOut();
      w.printf(Locale.ROOT, "bench http: POST %s%s, %d candidates x %d features (%,d-byte bodies), %.0f s per rate"
          + " after a %.0f s warm-up%n", out.get("url"), inProcess ? " (a server in this JVM, " + shards + " shards, live "
          + policy + ")" : "", candidates, names.get(1).size(), bodies.get(0).length, duration, warmup);
      w.printf(Locale.ROOT, "%8s %9s %9s %8s %8s %8s %8s %9s %9s%n", "rate/s", "sent", "200", "shed", "errors",
          "p50 ms", "p99 ms", "p99.9 ms", "max ms");
      for (Object o : rows) {
        @SuppressWarnings("unchecked")
        Map<String, Object> row = (Map<String, Object>) o;
        w.printf(Locale.ROOT, "%8.0f %9d %9d %8d %8d %8.2f %8.2f %9.2f %9.2f%n", row.get("rate"), row.get("sent"),
            row.get("ok"), row.get("shed"), row.get("errors"), row.get("p50_ms"), row.get("p99_ms"), row.get("p999_ms"),
            row.get("max_ms"));
        if (row.containsKey("first_error")) {
          w.printf("         first error: %s%s%n", row.get("first_error"), (long) row.get("timeouts") > 0
              ? " (" + row.get("timeouts") + " of the errors: no answer within " + HttpLoad.TIMEOUT.toSeconds() + " s)"
              : "");
        }
      }
      w.printf(Locale.ROOT, "highest rate with p99 <= %s ms, no error and under 1%% shed: %s%n",
          trim(p99Limit), best == null ? "none" : String.format(Locale.ROOT, "%.0f/s", best));
    }
    return anyOk ? 0 : 1;
  }

  /** Whether a rate holds the limit: p99 at most the limit, no error, under 1% shed. */
  private boolean holds(HttpLoad.Result r) {
    return r.ok() > 0 && r.errors() == 0 && r.shed() < 0.01 * r.sent() && r.ms(99) <= p99Limit;
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static String base(URI u) {
    String s = u.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The context and candidate feature names of the server at {@code base} (GET /v1/schema). */
  private static List<List<String>> schemaOf(String base, Optional<String> token) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/v1/schema")).timeout(HttpLoad.TIMEOUT);
    token.ifPresent(t -> req.header("Authorization", "Bearer " + t));
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(HttpLoad.TIMEOUT).build()
          .send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        String text = r.body().replaceAll("\\s+", " ").strip();
        throw new Main.UsageException("GET " + base + "/v1/schema answered " + r.statusCode() + ": "
            + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
      }
      JsonNode s = JSON.readTree(r.body());
      List<List<String>> out = new ArrayList<>();
      for (String field : List.of("context", "candidate")) {
        List<String> names = new ArrayList<>();
        s.path(field).forEach(n -> names.add(n.asText()));
        out.add(names);
      }
      if (out.get(1).isEmpty()) {
        throw new Main.UsageException("GET " + base + "/v1/schema names no candidate features: " + r.body().strip());
      }
      return out;
    } catch (IOException e) {
      throw new Main.UsageException("cannot read " + base + "/v1/schema: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.UsageException("interrupted while reading " + base + "/v1/schema");
    }
  }
}
