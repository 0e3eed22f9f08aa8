package io.rlsearch.api.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rlsearch.serving.Feedback;
import io.rlsearch.serving.ServingSchema;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The client a JVM search service uses to put rlsearch in front of its users: it sends a search's
 * candidates to {@code POST /v1/rank} and gets back the order to show them in, reports what the user
 * did to {@code POST /v1/feedback}, reads the feature schema the requests must follow
 * ({@code GET /v1/schema}) and drives the serving path's control API ({@code GET /policies},
 * {@code POST /policies/{version}/promote}, {@code /canary}, {@code POST /rollback}).
 *
 * <p>Built on {@code java.net.http} with Jackson for JSON; thread-safe, one instance per server, shared
 * by every thread of the service. Every call has a deadline (the client's, from connecting to the
 * whole answer); a call that does not answer in time, or cannot reach the server, fails with status
 * 0; a non-2xx answer fails with its status and the server's one-line error ({@link CallFailed}), so
 * the service can fall back to its own order. With a token, every call carries
 * {@code Authorization: Bearer <token>} (the server needs it off loopback). Each call comes in a
 * blocking form and an asynchronous one ({@code ...Async}, never blocking the caller's thread).
 *
 * <pre>{@code
 * RankClient client = new RankClient(URI.create("http://127.0.0.1:8080"), Optional.empty(),
 *     Duration.ofMillis(50));
 * RankClient.RankAnswer a = client.rank(new RankClient.RankCall(Optional.of(requestId),
 *     Optional.of(userId), context, candidates, OptionalInt.of(20)));
 * // show a.ranking(); later, when the user has clicked and bought:
 * client.feedback(new Feedback(a.decisionId(), clicked, purchases, OptionalDouble.empty()));
 * }</pre>
 */
public final class RankClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR = 300;

  private final URI base;
  private final Optional<String> token;
  private final Duration deadline;
  private final HttpClient http;

  /**
   * A client of the server at {@code base} (e.g. {@code http://127.0.0.1:8080}), with an optional
   * bearer token and a deadline for every call.
   */
  public RankClient(URI base, Optional<String> token, Duration deadline) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(deadline, "deadline");
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("the server's URL must be http://HOST:PORT or https://HOST:PORT, got '"
          + base + "'");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("a deadline must be > 0, got " + deadline);
    }
    token.ifPresent(t -> {
      if (t.isBlank() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new IllegalArgumentException("a bearer token is printable ASCII without spaces");
      }
    });
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = token;
    this.deadline = deadline;
    // HTTP/1.1: a plain-HTTP server would otherwise be asked to upgrade to h2c on the first call.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(deadline).build();
  }

  /** The server's base URL. */
  public URI base() {
    return base;
  }

  /** The deadline of every call. */
  public Duration deadline() {
    return deadline;
  }

  /**
   * A call that failed: the HTTP status (0 when there was no answer: the server is unreachable, or the
   * deadline passed) and one line saying why (the server's {@code error} for a non-2xx).
   */
  public static final class CallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Optional<Duration> retryAfter;

    /** A failure with {@code status} and one line. */
    public CallFailed(int status, String message, Optional<Duration> retryAfter) {
      super(message, null, false, false);
      this.status = status;
      this.retryAfter = retryAfter;
    }

    /** The HTTP status, 0 without an answer. */
    public int status() {
      return status;
    }

    /** When a shedding server (503) asked to be called again. */
    public Optional<Duration> retryAfter() {
      return retryAfter;
    }
  }

  /**
   * A candidate of a rank call.
   *
   * @param id its id (unique in the call)
   * @param baseScore the search engine's own score
   * @param features its features by name (the schema's candidate features)
   */
  public record Candidate(String id, double baseScore, Map<String, Double> features) {
    public Candidate {
      Objects.requireNonNull(id, "id");
      features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }
  }

  /**
   * A rank call: {@code POST /v1/rank}'s body.
   *
   * @param requestId the service's request id (echoed; the canary split's key without a user key)
   * @param userKey a stable key of the user (one user sees one version during a canary)
   * @param context the context features by name (the schema's context features)
   * @param candidates the candidates
   * @param k how many to return (all when empty)
   */
  public record RankCall(Optional<String> requestId, Optional<String> userKey, Map<String, Double> context,
      List<Candidate> candidates, OptionalInt k) {
    public RankCall {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(userKey, "userKey");
      Objects.requireNonNull(k, "k");
      context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
      candidates = List.copyOf(candidates);
    }

    /** The call as JSON. */
    public ObjectNode toJson() {
      ObjectNode b = JSON.createObjectNode();
      requestId.ifPresent(r -> b.put("request_id", r));
      userKey.ifPresent(u -> b.put("user_key", u));
      ObjectNode ctx = b.putObject("context");
      context.forEach(ctx::put);
      ArrayNode cs = b.putArray("candidates");
      for (Candidate c : candidates) {
        ObjectNode o = cs.addObject();
        o.put("id", c.id());
        o.put("base_score", c.baseScore());
        ObjectNode f = o.putObject("features");
        c.features().forEach(f::put);
      }
      k.ifPresent(v -> b.put("k", v));
      return b;
    }
  }

  /**
   * The server's decision for a rank call.
   *
   * @param requestId the call's request id, echoed
   * @param decisionId the id its feedback names
   * @param policy the name of the version that ranked
   * @param version its number
   * @param ranking candidate ids, best first (at most k)
   * @param scores the final score of each returned id, in ranking order (NaN where the server sent null: not
   *     finite)
   * @param explored whether exploration changed the choice
   * @param propensity the probability, or density, the policy gave to what it did
   * @param propensityOf what the propensity is of (arm, weights, ranking or deterministic)
   */
  public record RankAnswer(Optional<String> requestId, String decisionId, String policy, long version,
      List<String> ranking, List<Double> scores, boolean explored, double propensity, String propensityOf) {
    public RankAnswer {
      ranking = List.copyOf(ranking);
      scores = List.copyOf(scores);
    }
  }

  /**
   * Feedback the server joined to its decision.
   *
   * @param status the HTTP status (200)
   * @param decisionId the decision
   * @param reward the reward the server computed (the schema's, or the explicit one)
   * @param version the version that served the decision
   */
  public record FeedbackAnswer(int status, String decisionId, double reward, long version) {}

  /**
   * A control call's answer.
   *
   * @param message what changed
   * @param epoch the routing table's epoch after it
   */
  public record ControlAnswer(String message, long epoch) {}

  /**
   * A registered version, as {@code GET /policies} lists it.
   *
   * @param version its number
   * @param name its name
   * @param source where it came from ({@code built-in}, a checkpoint file, ...)
   * @param live whether it serves everyone outside a canary
   * @param canaryShare its canary share (0 when none)
   * @param knownGood whether the guardrails found it good
   * @param requests requests it served (as the monitor counts them)
   * @param reward its mean reward per request (NaN before any)
   */
  public record PolicyVersion(long version, String name, String source, boolean live, double canaryShare, boolean knownGood,
      long requests, double reward) {}

  /**
   * The registry, as {@code GET /policies} gives it.
   *
   * @param versions the registered versions
   * @param epoch the routing table's epoch
   * @param knownGood the known-good version
   * @param rollbacks rollbacks so far
   * @param raw the whole answer (events, shadow estimates, intervals)
   */
  public record Policies(List<PolicyVersion> versions, long epoch, long knownGood, long rollbacks, JsonNode raw) {
    public Policies {
      versions = List.copyOf(versions);
    }

    /** The live version's number (0 if none). */
    public long live() {
      return versions.stream().filter(PolicyVersion::live).mapToLong(PolicyVersion::version).findFirst().orElse(0);
    }

    /** The version called {@code name}, if registered (the latest of that name). */
    public Optional<PolicyVersion> named(String name) {
      PolicyVersion found = null;
      for (PolicyVersion v : versions) {
        if (v.name().equals(name)) {
          found = v;
        }
      }
      return Optional.ofNullable(found);
    }
  }

  /** Ranks {@code call}'s candidates ({@code POST /v1/rank}). */
  public RankAnswer rank(RankCall call) {
    return join(rankAsync(call));
  }

  /** {@link #rank}, not blocking. */
  public CompletableFuture<RankAnswer> rankAsync(RankCall call) {
    return rankAsync(call.toJson());
  }

  /** Ranks a request given as its JSON body (fields as {@link RankCall#toJson}). */
  public CompletableFuture<RankAnswer> rankAsync(ObjectNode body) {
    return send("POST", "/v1/rank", body).thenApply(RankClient::rankAnswer);
  }

  /** Reports what the user did after a decision ({@code POST /v1/feedback}). */
  public FeedbackAnswer feedback(Feedback f) {
    return join(feedbackAsync(f));
  }

  /** {@link #feedback}, not blocking. */
  public CompletableFuture<FeedbackAnswer> feedbackAsync(Feedback f) {
    return send("POST", "/v1/feedback", feedbackJson(f)).thenApply(j -> parsed("POST /v1/feedback", "a feedback's"
        + " answer", () -> new FeedbackAnswer(200, text(j, "decision_id"), number(j, "reward"), whole(j, "version"))));
  }

  /** The feedback as {@code POST /v1/feedback} takes it. */
  public static ObjectNode feedbackJson(Feedback f) {
    ObjectNode b = JSON.createObjectNode();
    b.put("decision_id", f.decisionId());
    ArrayNode cs = b.putArray("clicks");
    f.clicks().forEach(cs::add);
    ArrayNode ps = b.putArray("purchases");
    for (Feedback.Purchase p : f.purchases()) {
      ObjectNode o = ps.addObject();
      o.put("id", p.id());
      o.put("price", p.price());
      o.put("margin", p.margin());
      if (p.strategic()) {
        o.put("strategic", true);
      }
    }
    f.reward().ifPresent(r -> b.put("reward", r));
    return b;
  }

  /** The schema in force ({@code GET /v1/schema}): what a request must carry and how feedback is scored. */
  public ServingSchema schema() {
    JsonNode j = join(send("GET", "/v1/schema", null));
    try {
      List<String> ctx = strings(j, "context");
      List<String> cand = strings(j, "candidate");
      Map<String, Double> defaults = new LinkedHashMap<>();
      JsonNode d = j.get("defaults");
      if (d != null && d.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext();) {
          Map.Entry<String, JsonNode> e = it.next();
          defaults.put(e.getKey(), e.getValue().asDouble());
        }
      }
      JsonNode r = field(j, "reward");
      ServingSchema.Reward reward = new ServingSchema.Reward(text(r, "name"), number(r, "gmv"), number(r, "cm2"),
          number(r, "strategic"), number(r, "clicks"));
      JsonNode l = field(j, "limits");
      ServingSchema.Limits limits = new ServingSchema.Limits((int) whole(l, "max_candidates"), whole(l, "max_body"),
          Duration.ofSeconds(whole(l, "feedback_window_seconds")), (int) whole(l, "open_decisions"));
      return new ServingSchema(ctx, cand, defaults, reward, limits);
    } catch (IllegalArgumentException e) {
      throw new CallFailed(200, "GET /v1/schema: the answer is not a schema: " + e.getMessage(), Optional.empty());
    }
  }

  /** The registry ({@code GET /policies}). */
  public Policies policies() {
    JsonNode j = join(send("GET", "/policies", null));
    return parsed("GET /policies", "a list of versions", () -> policies(j));
  }

  private static Policies policies(JsonNode j) {
    List<PolicyVersion> vs = new ArrayList<>();
    for (JsonNode v : field(j, "versions")) {
      JsonNode m = v.get("metrics");
      long requests = m == null ? 0 : m.path("requests").asLong(0);
      double reward = Double.NaN;
      if (m != null && m.path("reward").path("mean").isNumber()) {
        reward = m.path("reward").path("mean").asDouble();
      }
      vs.add(new PolicyVersion(whole(v, "version"), text(v, "name"), v.path("source").asText(""),
          v.path("live").asBoolean(),
          v.path("canary_share").asDouble(0), v.path("known_good").asBoolean(), requests, reward));
    }
    return new Policies(vs, j.path("epoch").asLong(), j.path("known_good").asLong(), j.path("rollbacks").asLong(), j);
  }

  /** The server's health ({@code GET /health}): its JSON (a degraded server fails with 503). */
  public JsonNode health() {
    return join(send("GET", "/health", null));
  }

  /** Makes {@code version} live ({@code POST /policies/{version}/promote}). */
  public ControlAnswer promote(long version) {
    return control(join(send("POST", "/policies/" + version + "/promote", JSON.createObjectNode())));
  }

  /** Gives {@code version} a canary share in [0, 1] (0 ends it; {@code POST /policies/{version}/canary}). */
  public ControlAnswer canary(long version, double share) {
    ObjectNode b = JSON.createObjectNode();
    b.put("share", share);
    return control(join(send("POST", "/policies/" + version + "/canary", b)));
  }

  /** Rolls back to the known-good version ({@code POST /rollback}), saying why. */
  public ControlAnswer rollback(String reason) {
    ObjectNode b = JSON.createObjectNode();
    b.put("reason", reason);
    return control(join(send("POST", "/rollback", b)));
  }

  private static <T> T parsed(String route, String what, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new CallFailed(200, route + ": the answer is not " + what + ": " + e.getMessage(), Optional.empty());
    }
  }

  private static ControlAnswer control(JsonNode j) {
    return new ControlAnswer(j.path("message").asText(""), j.path("epoch").asLong());
  }

  private CompletableFuture<JsonNode> send(String method, String path, JsonNode body) {
    String route = method + " " + path;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(deadline)
        .header("Accept", "application/json");
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      String text;
      try {
        text = JSON.writeValueAsString(body);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(route + ": the body cannot be written as JSON: " + e.getOriginalMessage());
      }
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
    }
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    HttpRequest req = b.build();
    CompletableFuture<HttpResponse<String>> sent;
    try {
      sent = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new CallFailed(0, route + ": " + e.getMessage(), Optional.empty()));
    }
    // A late answer is cut at the deadline whatever the transport does with its own timeout.
    return sent.orTimeout(deadline.toMillis() + 1, java.util.concurrent.TimeUnit.MILLISECONDS)
        .handle((r, e) -> {
          if (e != null) {
            throw noAnswer(route, e);
          }
          return answer(route, r);
        });
  }

  private CallFailed noAnswer(String route, Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof CallFailed c) {
      return c;
    }
    String why;
    if (t instanceof HttpTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
      why = "no answer within the deadline of " + deadline.toMillis() + " ms";
    } else if (t instanceof ConnectException || t.getCause() instanceof ConnectException) {
      why = "cannot connect to " + base + " (is the server running?)";
    } else if (t instanceof IOException) {
      why = "the connection to " + base + " failed: " + (t.getMessage() == null ? t.toString() : t.getMessage());
    } else {
      why = t.getMessage() == null ? t.toString() : t.getMessage();
    }
    return new CallFailed(0, route + ": " + why, Optional.empty());
  }

  private static JsonNode answer(String route, HttpResponse<String> r) {
    int status = r.statusCode();
    String text = r.body() == null ? "" : r.body();
    JsonNode j = null;
    try {
      j = text.isBlank() ? null : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      j = null;
    }
    if (status < 200 || status > 299) {
      String message = j != null && j.path("error").isTextual() ? j.get("error").asText() : firstLine(text);
      Optional<Duration> retry = r.headers().firstValue("Retry-After").flatMap(RankClient::seconds);
      throw new CallFailed(status, route + ": " + status + ": " + message, retry);
    }
    if (j == null || !j.isObject()) {
      throw new CallFailed(status, route + ": the answer is not a JSON object: " + firstLine(text), Optional.empty());
    }
    return j;
  }

  private static Optional<Duration> seconds(String v) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String firstLine(String text) {
    String s = text.strip();
    int nl = s.indexOf('\n');
    if (nl >= 0) {
      s = s.substring(0, nl).strip();
    }
    if (s.isEmpty()) {
      return "(no body)";
    }
    return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR) + "..." : s;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CallFailed c) {
        throw c;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CallFailed(0, String.valueOf(e.getCause()), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new CallFailed(0, "interrupted while waiting for the server", Optional.empty());
    }
  }

  private static RankAnswer rankAnswer(JsonNode j) {
    try {
      List<String> ranking = strings(j, "ranking");
      List<Double> scores = new ArrayList<>();
      JsonNode s = field(j, "scores");
      if (s.isArray()) {
        for (JsonNode v : s) {
          // A score that is not finite is sent as null.
          scores.add(v.isNumber() ? v.doubleValue() : Double.NaN);
        }
      } else if (s.isObject()) {
        for (String id : ranking) {
          scores.add(number(s, id));
        }
      } else {
        throw new IllegalArgumentException("'scores' is neither an array nor an object");
      }
      if (scores.size() != ranking.size()) {
        throw new IllegalArgumentException("'scores' has " + scores.size() + " values for " + ranking.size() + " ids");
      }
      JsonNode rid = j.get("request_id");
      return new RankAnswer(rid == null || rid.isNull() ? Optional.empty() : Optional.of(rid.asText()),
          text(j, "decision_id"), text(j, "policy"), whole(j, "version"), ranking, scores,
          j.path("explored").asBoolean(), number(j, "propensity"), j.path("propensity_of").asText(""));
    } catch (IllegalArgumentException e) {
      throw new CallFailed(200, "POST /v1/rank: the answer is not a decision: " + e.getMessage(), Optional.empty());
    }
  }

  private static JsonNode field(JsonNode j, String name) {
    JsonNode v = j.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("'" + name + "' is missing");
    }
    return v;
  }

  private static String text(JsonNode j, String name) {
    JsonNode v = field(j, name);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("'" + name + "' is not a string");
    }
    return v.asText();
  }

  private static double number(JsonNode j, String name) {
    JsonNode v = field(j, name);
    if (!v.isNumber()) {
      throw new IllegalArgumentException("'" + name + "' is not a number");
    }
    return v.doubleValue();
  }

  private static long whole(JsonNode j, String name) {
    JsonNode v = field(j, name);
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("'" + name + "' is not a whole number");
    }
    return v.longValue();
  }

  private static List<String> strings(JsonNode j, String name) {
    JsonNode v = field(j, name);
    if (!v.isArray()) {
      throw new IllegalArgumentException("'" + name + "' is not an array");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new IllegalArgumentException("'" + name + "' holds " + e + ", not a string");
      }
      out.add(e.asText());
    }
    return out;
  }
}
