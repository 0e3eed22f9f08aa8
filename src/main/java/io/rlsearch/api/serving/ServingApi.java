package io.rlsearch.api.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.actors.serve.ServingRegistryActor;
import io.rlsearch.api.Json;
import io.rlsearch.api.serving.ServingSystem;
import io.rlsearch.eval.ope.Estimate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The serving path's HTTP surface (Pekko HTTP). The data plane: {@code POST /v1/rank} (a search
 * service's candidates ranked by the live version or the canary), {@code POST /v1/feedback} (what the
 * user did, joined to its decision: 200, 404 for an unknown or expired decision, 409 for a second
 * feedback), {@code GET /v1/schema}; bad input is a JSON 4xx naming the field (413 past
 * {@code serving.max_candidates} or {@code serving.max_body}, 415 without a JSON content type), overload
 * a 503 with {@code Retry-After}. The control surface: {@code GET /health}, {@code GET /policies},
 * {@code POST /policies/{version}/promote}, {@code POST /policies/{version}/canary} (body
 * {@code {"share": s}}), {@code POST /policies/{version}/shadow}, {@code POST /rollback}. JSON in and
 * out; errors are JSON ({@code {"error": ...}}) with a 4xx: 400 for a malformed version or body, 404
 * for an unknown version or path, 405 for a wrong method, 401 for a mutating call without the bearer
 * token when one is configured, 409 when the state forbids the change, 403 on loopback for a request
 * whose {@code Host} header does not name this machine (DNS rebinding).
 */
public final class ServingApi extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ServingSystem sys;
  private final Optional<String> token;
  private final boolean loopback;
  private final int port;
  private final String bindHost;

  /** Request bodies larger than this are refused (413). */
  public static final long MAX_BODY = 4096;

  /** The longest rollback reason kept. */
  public static final int MAX_REASON = 200;

  /**
   * The API of {@code sys}.
   *
   * @param loopback whether it is bound to a loopback address (off loopback, every endpoint needs the token;
   *     on loopback, every request must name this machine in its {@code Host} header)
   * @param port the port it is bound to (0 when not known yet: any loopback origin's port is accepted)
   * @param bindHost the address or name it is bound to (a {@code Host} it accepts besides the loopback names)
   */
  public ServingApi(ServingSystem sys, Optional<String> token, boolean loopback, int port, String bindHost) {
    if (!loopback && token.isEmpty()) {
      throw new IllegalArgumentException("an API bound beyond loopback needs a token");
    }
    this.sys = sys;
    this.token = token;
    this.loopback = loopback;
    this.port = port;
    this.bindHost = bindHost;
  }

  public ServingApi(ServingSystem sys, Optional<String> token) {
    this(sys, token, true, 0, "127.0.0.1");
  }

  /** The {@code Host} names a loopback-bound API answers to (with any port). */
  private static final java.util.Set<String> LOOPBACK_HOSTS = java.util.Set.of("127.0.0.1", "localhost", "::1",
      "[::1]");

  /**
   * On loopback, refuses (403, one line) a request whose {@code Host} is not this machine's loopback
   * name or address or the bound host: a page on another site whose name was pointed at 127.0.0.1 (DNS
   * rebinding) sends its own name, and reads nothing. Off loopback every call needs the token instead.
   */
  private Route hostChecked(Route inner) {
    if (!loopback) {
      return inner;
    }
    return extractRequest(req -> {
      String host = req.getHeader(org.apache.pekko.http.javadsl.model.headers.Host.class)
          .map(h -> h.host().address()).orElse("");
      String name = host.toLowerCase(java.util.Locale.ROOT);
      if (LOOPBACK_HOSTS.contains(name) || name.equals(bindHost.toLowerCase(java.util.Locale.ROOT))
          || ("[" + bindHost + "]").equalsIgnoreCase(name)) {
        return inner;
      }
      String also = LOOPBACK_HOSTS.contains(bindHost.toLowerCase(java.util.Locale.ROOT)) ? "" : ", " + bindHost;
      return complete(error(403, "the Host header names '" + (host.isEmpty() ? "nothing" : host) + "', not this"
          + " server: on loopback it answers to 127.0.0.1, localhost or [::1]" + also + " only"));
    });
  }

  private static HttpResponse json(int status, Object body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, Json.write(body));
  }

  private static HttpResponse error(int status, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", io.rlsearch.serving.OneLine.of(message));
    m.put("status", status);
    return json(status, m);
  }

  private <T> CompletionStage<T> askRegistry(Function<ActorRef<T>, ServingRegistryActor.Command> make) {
    return AskPattern.ask(sys.registry(), make::apply, Duration.ofSeconds(10), sys.system().scheduler());
  }

  private CompletionStage<ServingMonitorActor.Metrics> askMonitor() {
    return AskPattern.ask(sys.monitor(), ServingMonitorActor.GetMetrics::new, Duration.ofSeconds(10),
        sys.system().scheduler());
  }

  /**
   * The routes, then {@code extra} (e.g. the live page's), then the JSON 404 for anything else; off
   * loopback, every one of them behind the token.
   */
  public Route routeWith(Route extra) {
    Route all = concat(controlRoutes(), extra, notFound());
    return loopback ? hostChecked(all) : authorised(() -> all);
  }

  /** The routes. */
  public Route route() {
    Route all = concat(controlRoutes(), notFound());
    return loopback ? hostChecked(all) : authorised(() -> all);
  }

  /**
   * A mutating call: the token (when there is one), a JSON content type (so a browser must ask first,
   * with a preflight this server never grants) and no foreign {@code Origin}.
   */
  private Route mutating(java.util.function.Supplier<Route> inner) {
    return authorised(() -> optionalHeaderValueByName("Origin", origin -> {
      if (origin.isPresent() && !sameOrigin(origin.get())) {
        return complete(error(403, "mutating calls from another origin (" + origin.get() + ") are refused"));
      }
      return extractRequest(req -> {
        String ct = req.entity().getContentType().mediaType().toString();
        if (!ct.equals("application/json")) {
          return complete(error(415, "mutating calls need 'Content-Type: application/json' (a body of {} will do);"
              + " got " + ct));
        }
        return inner.get();
      });
    }));
  }

  private boolean sameOrigin(String origin) {
    for (String host : List.of("127.0.0.1", "localhost", "[::1]")) {
      if (origin.equals("http://" + host + ":" + port) || (port == 0 && origin.startsWith("http://" + host + ":"))) {
        return true;
      }
    }
    return false;
  }

  private static final String ENDPOINTS = String.join(", ", OpenApi.endpoints().stream().map(Object::toString)
      .toList()) + " (GET /v1/openapi.json describes them)";

  private Route notFound() {
    // The endpoints named are the OpenAPI document's (the declared route table).
    return extractUnmatchedPath(p -> complete(error(404, "no such endpoint: " + p + "; endpoints: " + ENDPOINTS)));
  }

  private Route controlRoutes() {
    return concat(dataRoutes(),
        path("health", () -> concat(get(() -> onSuccess(askRegistry(ServingRegistryActor.GetState::new), st -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("status", "ok");
          m.put("epoch", st.epoch());
          m.put("live", st.versions().stream().filter(ServingRegistryActor.VersionInfo::live).findFirst()
              .map(ServingRegistryActor.VersionInfo::id).orElse(0L));
          ServingSystem.Counts c = sys.countsNow();
          m.put("requests", c.sent());
          m.put("answered", c.answered());
          m.put("failed", c.failed());
          m.put("shed", c.shed());
          ServingSystem.ShardHealth h = sys.shardHealth();
          Map<String, Object> shards = new LinkedHashMap<>();
          shards.put("total", h.shards());
          shards.put("alive", h.alive());
          shards.put("restarts", h.restarts());
          shards.put("failures", h.failures());
          m.put("shards", shards);
          m.put("monitor", backlog(sys.monitorBacklog(), true));
          m.put("decision_log", backlog(sys.logBacklog(), false));
          ServingSystem.RealCounts real = sys.realCounts();
          Map<String, Object> rank = new LinkedHashMap<>();
          rank.put("requests", real.requests());
          rank.put("answered", real.answered());
          rank.put("failed", real.failed());
          rank.put("shed", real.shed());
          rank.put("refused", real.refused());
          rank.put("bodies_shed", sys.bodies().dropped());
          m.put("rank", rank);
          io.rlsearch.serving.FeedbackJoin.Counts fc = sys.joinCounts();
          Map<String, Object> fb = new LinkedHashMap<>();
          fb.put("open", fc.open());
          fb.put("joined", fc.joined());
          fb.put("unknown", fc.unknown());
          fb.put("duplicate", fc.duplicate());
          fb.put("expired", fc.expired());
          fb.put("evicted", fc.evicted());
          fb.put("request_ids_reused", fc.reusedRequestIds());
          fb.put("shed", real.feedbackShed());
          fb.put("refused", real.feedbackRefused());
          fb.put("unregistered", real.registrationsDropped());
          fb.put("subscriber_dropped", sys.subscriberDropped());
          m.put("feedback", fb);
          if (h.alive() < h.shards()) {
            m.put("status", "degraded: " + (h.shards() - h.alive()) + " of " + h.shards() + " shards stopped");
            return complete(json(503, m));
          }
          return complete(json(200, m));
        })), methodNotAllowed("GET"))),
        path("policies", () -> concat(get(() -> onSuccess(askRegistry(ServingRegistryActor.GetState::new),
            st -> onSuccess(askMonitor(), metrics -> complete(json(200, policies(st, metrics)))))),
            methodNotAllowed("GET"))),
        path(PathMatchers.segment("policies").slash(PathMatchers.segment()).slash("promote"),
            v -> concat(post(() -> mutating(() -> withBody(body -> version(v, id -> {
              Optional<Double> gate = Optional.empty();
              if (body.has("min_shadow_ratio")) {
                if (!body.get("min_shadow_ratio").isNumber()) {
                  return complete(error(400, "min_shadow_ratio must be a number, e.g. 0.95"));
                }
                gate = Optional.of(body.get("min_shadow_ratio").asDouble());
              }
              Optional<Double> g = gate;
              return reply(askRegistry(to -> new ServingRegistryActor.Promote(id, g, to)));
            })))), methodNotAllowed("POST"))),
        path(PathMatchers.segment("policies").slash(PathMatchers.segment()).slash("canary"),
            v -> concat(post(() -> mutating(() -> withBody(body -> version(v, id -> {
              if (!body.has("share") || !body.get("share").isNumber()) {
                return complete(error(400, "the body must be {\"share\": s} with s in [0, 1] (0 ends the canary)"));
              }
              double share = body.get("share").asDouble();
              return reply(askRegistry(to -> new ServingRegistryActor.Canary(id, share, to)));
            })))), methodNotAllowed("POST"))),
        path(PathMatchers.segment("policies").slash(PathMatchers.segment()).slash("shadow"),
            v -> concat(post(() -> mutating(() -> version(v,
                id -> reply(askRegistry(to -> new ServingRegistryActor.Shadow(id, to)))))), methodNotAllowed("POST"))),
        path("rollback", () -> concat(post(() -> mutating(() -> withBody(body -> {
          String reason = body.has("reason") ? body.get("reason").asText() : "requested over HTTP";
          if (reason.length() > MAX_REASON) {
            return complete(error(400, "the reason has " + reason.length() + " characters; at most " + MAX_REASON));
          }
          return reply(askRegistry(to -> new ServingRegistryActor.Rollback(reason, to)));
        }))), methodNotAllowed("POST"))));
  }

  /** A compact writer for the data plane's answers (the control plane's are indented). */
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private static HttpResponse compact(int status, Object body) {
    String text;
    try {
      text = COMPACT.writeValueAsString(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return error(500, "the answer could not be written: " + e.getOriginalMessage());
    }
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, text);
  }

  /** A 503 with {@code Retry-After: 1}: shed under overload, to be retried. */
  private static HttpResponse unavailable(String message) {
    return error(503, message).addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(1L));
  }

  /**
   * The data plane: {@code POST /v1/rank} (a request parsed against the schema, ranked by a shard),
   * {@code POST /v1/feedback} (joined to its decision), {@code GET /v1/schema} (the schema in force).
   * The POSTs are mutating calls (the token when there is one, JSON only, no foreign origin), with
   * bodies up to {@code serving.max_body}.
   */
  private Route dataRoutes() {
    long maxBody = sys.schema().limits().maxBodyBytes();
    // Reading and parsing bodies (up to serving.max_body each) is the data plane's heaviest work: it runs
    // on the serving dispatcher, as the shards do, never on the default one.
    scala.concurrent.ExecutionContextExecutor serving = sys.system().dispatchers().lookup(
        org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(ServingSystem.SERVING_DISPATCHER));
    return withExecutionContext(serving, () -> pathPrefix("v1", () -> concat(
        path("rank", () -> concat(post(() -> mutating(() -> withBody(maxBody, bytes -> {
          // One streaming pass for a plain valid request; anything else is read as a tree below.
          java.util.Optional<io.rlsearch.serving.RankRequest> quick = io.rlsearch.serving.RankRequest.parseFast(bytes,
              sys.schema());
          return quick.isPresent() ? onSuccess(sys.rank(quick.get()), r -> complete(rankAnswer(r))) : null;
        }, body -> {
          io.rlsearch.serving.RankRequest request;
          try {
            request = io.rlsearch.serving.RankRequest.parse(body, sys.schema());
          } catch (io.rlsearch.serving.BadInput e) {
            sys.refused();
            return complete(error(e.status(), e.getMessage()));
          }
          return onSuccess(sys.rank(request), r -> complete(rankAnswer(r)));
        }, sys::refused))), methodNotAllowed("POST"))),
        path("feedback", () -> concat(post(() -> mutating(() -> withBody(maxBody, body -> {
          io.rlsearch.serving.Feedback f;
          CompletionStage<Optional<io.rlsearch.serving.FeedbackJoin.Result>> joined;
          try {
            f = io.rlsearch.serving.Feedback.parse(body);
            joined = sys.feedback(f);
          } catch (io.rlsearch.serving.BadInput e) {
            sys.feedbackRefused();
            return complete(error(e.status(), e.getMessage()));
          }
          return onSuccess(joined, r -> complete(feedbackAnswer(f, r)));
        }, sys::feedbackRefused))), methodNotAllowed("POST"))),
        path("schema", () -> concat(get(() -> complete(json(200, sys.schema().view()))), methodNotAllowed("GET"))))));
  }

  private static HttpResponse rankAnswer(ServingSystem.RankResult r) {
    if (r instanceof ServingSystem.RankShed s) {
      return unavailable(s.why() + "; retry later");
    }
    io.rlsearch.actors.serve.ServeShardActor.RankReply a = ((ServingSystem.RankAnswered) r).reply();
    if (a.error().isPresent()) {
      return error(500, a.error().get());
    }
    // Written field by field with a streaming generator (no map, no boxed scores): the answer to a
    // request of 100 candidates is on the hot path of every request.
    com.fasterxml.jackson.core.util.ByteArrayBuilder out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(
        256 + 40 * a.ranking().size());
    try (com.fasterxml.jackson.core.JsonGenerator g = ANSWERS.createGenerator(out)) {
      g.writeStartObject();
      if (a.requestId().isPresent()) {
        g.writeStringField("request_id", a.requestId().get());
      }
      g.writeStringField("decision_id", a.decisionId());
      g.writeStringField("policy", a.policy());
      g.writeNumberField("version", a.version());
      g.writeArrayFieldStart("ranking");
      for (String id : a.ranking()) {
        g.writeString(id);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("scores");
      for (double v : a.scores()) {
        // Finite features can still sum past the double range: such a score is written as null, never as
        // a token JSON does not have.
        if (Double.isFinite(v)) {
          g.writeNumber(v);
        } else {
          g.writeNull();
        }
      }
      g.writeEndArray();
      g.writeBooleanField("explored", a.explored());
      if (Double.isFinite(a.propensity())) {
        g.writeNumberField("propensity", a.propensity());
      } else {
        g.writeNullField("propensity");
      }
      g.writeStringField("propensity_of", a.propensityOf());
      g.writeEndObject();
    } catch (java.io.IOException e) {
      return error(500, "the answer could not be written: " + e.getMessage());
    }
    return HttpResponse.create().withStatus(200).withEntity(ContentTypes.APPLICATION_JSON, out.toByteArray());
  }

  /**
   * Writes rank answers. Doubles by the JDK's writer: Jackson's fast double writer took three times as
   * long on this code path (its 128-bit multiply is not the JDK's intrinsic).
   */
  private static final com.fasterxml.jackson.core.JsonFactory ANSWERS = new com.fasterxml.jackson.core.JsonFactory();

  private HttpResponse feedbackAnswer(io.rlsearch.serving.Feedback f,
      Optional<io.rlsearch.serving.FeedbackJoin.Result> r) {
    if (r.isEmpty()) {
      return unavailable("too many feedbacks wait for the join; retry later");
    }
    io.rlsearch.serving.FeedbackJoin.Result res = r.get();
    if (res instanceof io.rlsearch.serving.FeedbackJoin.Matched m) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("decision_id", m.joined().decision().decisionId());
      out.put("reward", m.joined().reward());
      out.put("version", m.joined().decision().version());
      return compact(200, out);
    }
    if (res instanceof io.rlsearch.serving.FeedbackJoin.Duplicate) {
      return error(409, "decision '" + f.decisionId() + "' already has its feedback: one feedback per decision");
    }
    io.rlsearch.serving.ServingSchema.Limits l = sys.schema().limits();
    return error(404, "no decision '" + f.decisionId() + "' waits for feedback: it was never served, or its"
        + " feedback window (serving.feedback_window, " + l.feedbackWindow().toSeconds() + " s) passed, or it was"
        + " evicted (at most serving.open_decisions, " + l.openDecisions() + ", wait)");
  }

  private static Map<String, Object> backlog(io.rlsearch.actors.serve.Backlog.Counts b, boolean timed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("queued", b.queued());
    m.put("capacity", b.capacity());
    m.put("dropped", b.dropped());
    if (timed) {
      m.put("late", b.late());
      m.put("max_wait_ms", b.maxWaitMs());
    }
    return m;
  }

  private Route methodNotAllowed(String allowed) {
    return extractMethod(m -> complete(error(405, "method " + m.name() + " is not allowed here; use " + allowed)));
  }

  private Route reply(CompletionStage<ServingRegistryActor.Reply> r) {
    return onSuccess(r, rep -> {
      Map<String, Object> m = new LinkedHashMap<>();
      if (rep.ok()) {
        m.put("ok", true);
        m.put("message", rep.message());
        m.put("epoch", rep.epoch());
        return complete(json(200, m));
      }
      return complete(error(rep.status(), rep.message()));
    });
  }

  private Route version(String segment, Function<Long, Route> inner) {
    long id;
    try {
      id = Long.parseLong(segment);
    } catch (NumberFormatException e) {
      return complete(error(400, "version must be a whole number (see GET /policies), got '" + segment + "'"));
    }
    return inner.apply(id);
  }

  private Route withBody(Function<JsonNode, Route> inner) {
    return extractRequest(req -> {
      java.util.OptionalLong length = req.entity().getContentLengthOption();
      if (length.isPresent() && length.getAsLong() > MAX_BODY) {
        return complete(error(413, "the body has " + length.getAsLong() + " bytes; at most " + MAX_BODY));
      }
      return boundedBody(inner);
    });
  }

  /** A JSON parser's complaint in one line: what it expected, and where (no excerpt of the input). */
  static String jsonProblem(java.io.IOException e) {
    if (!(e instanceof com.fasterxml.jackson.core.JsonProcessingException j)) {
      return String.valueOf(e.getMessage());
    }
    String m = String.valueOf(j.getOriginalMessage()).replace('\n', ' ');
    int cut = m.indexOf(" (start marker at");
    if (cut > 0) {
      m = m.substring(0, cut);
    }
    m = m.replaceAll("\\s*\\[Source: [^\\]]*\\]", "");
    com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
    return at == null ? m : m + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  /** How long a data-plane body may take to arrive. */
  private static final long BODY_TIMEOUT_MS = 10_000;

  /**
   * A data-plane body of at most {@code limit} bytes, read whole (whatever its transfer encoding) and
   * parsed as a JSON object, else a JSON 4xx ({@code refused} counts it): 413 past the limit, 400 for
   * what is not JSON or not an object, 408 for a body that does not arrive in time.
   */
  private Route withBody(long limit, Function<JsonNode, Route> inner, Runnable refused) {
    return withBody(limit, bytes -> null, inner, refused);
  }

  /**
   * As above, with {@code fast} tried first on the body's bytes: the route it gives, or null to read
   * the body as a tree for {@code inner} (which words any refusal).
   */
  private Route withBody(long limit, Function<java.io.InputStream, Route> fast, Function<JsonNode, Route> inner,
      Runnable refused) {
    return extractRequest(req -> {
      java.util.OptionalLong length = req.entity().getContentLengthOption();
      if (length.isPresent() && length.getAsLong() > limit) {
        refused.run();
        return complete(error(413, "the body has " + length.getAsLong() + " bytes; at most " + limit
            + " (serving.max_body)"));
      }
      io.rlsearch.actors.serve.Backlog gate = sys.bodies();
      if (!gate.offer()) {
        return complete(unavailable("overloaded: " + gate.counts().capacity() + " request bodies are being read"
            + " already; retry later"));
      }
      return extractMaterializer(mat -> withSizeLimit(limit, () -> extractRequestEntity(entity -> onComplete(
          entity.toStrict(BODY_TIMEOUT_MS, limit, mat), strict -> {
            try {
              if (strict.isSuccess()) {
                Route r = fast.apply(strict.get().getData().iterator().asInputStream());
                if (r != null) {
                  return r;
                }
              }
              return parsed(strict, limit, inner, refused);
            } finally {
              // The body and its tree are garbage once the request is parsed (the route built).
              gate.taken();
            }
          }))));
    });
  }

  /** The read body as JSON for {@code inner}, or the 4xx it earns ({@code refused} counts it). */
  private Route parsed(scala.util.Try<org.apache.pekko.http.javadsl.model.HttpEntity.Strict> strict, long limit,
      Function<JsonNode, Route> inner, Runnable refused) {
    if (strict.isFailure()) {
      refused.run();
      return complete(unread(strict.failed().get(), limit + " bytes (serving.max_body)"));
    }
    JsonNode body;
    try {
      body = JSON.readTree(strict.get().getData().toArray());
    } catch (java.io.IOException e) {
      refused.run();
      return complete(error(400, "the body is not JSON: " + jsonProblem(e)));
    }
    if (body == null || !body.isObject()) {
      refused.run();
      return complete(error(400, "the body must be a JSON object"));
    }
    return inner.apply(body);
  }

  /**
   * The 4xx of a body that could not be read: 413 past {@code limit} (worded, e.g. "4096 bytes"), 408
   * for one that did not arrive in time, else 400.
   */
  private static HttpResponse unread(Throwable failure, String limit) {
    Throwable t = failure;
    while (t.getCause() != null && !(t instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException)) {
      t = t.getCause();
    }
    if (t instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
      return error(413, "the body is larger than " + limit);
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return error(408, "the body did not arrive within " + BODY_TIMEOUT_MS + " ms");
    }
    return error(400, "the body could not be read: " + t.getMessage());
  }

  /**
   * A control body of at most {@link #MAX_BODY} bytes, read whole within {@link #BODY_TIMEOUT_MS} (else
   * 413 or 408: a body that never finishes must not hold its connection) and parsed as a JSON object (an
   * empty body is {@code {}}).
   */
  private Route boundedBody(Function<JsonNode, Route> inner) {
    return extractMaterializer(mat -> withSizeLimit(MAX_BODY, () -> extractRequestEntity(entity -> onComplete(
        entity.toStrict(BODY_TIMEOUT_MS, MAX_BODY, mat), strict -> strict.isFailure()
            ? complete(unread(strict.failed().get(), MAX_BODY + " bytes"))
            : parsedControl(strict.get().getData().utf8String(), inner)))));
  }

  private Route parsedControl(String text, Function<JsonNode, Route> inner) {
    if (text.isBlank()) {
      return inner.apply(JSON.createObjectNode());
    }
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return complete(error(400, "the body is not JSON: " + e.getOriginalMessage()));
    }
    if (!body.isObject()) {
      return complete(error(400, "the body must be a JSON object"));
    }
    return inner.apply(body);
  }

  private Route authorised(java.util.function.Supplier<Route> inner) {
    if (token.isEmpty()) {
      return inner.get();
    }
    return optionalHeaderValueByName("Authorization", h -> {
      String expected = "Bearer " + token.get();
      if (h.isEmpty() || !MessageDigest.isEqual(h.get().getBytes(StandardCharsets.UTF_8),
          expected.getBytes(StandardCharsets.UTF_8))) {
        return complete(error(401, "this call needs the header 'Authorization: Bearer <token>' with the server's"
            + " token"));
      }
      return inner.get();
    });
  }

  public static Map<String, Object> policies(ServingRegistryActor.State st, ServingMonitorActor.Metrics metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> versions = new ArrayList<>();
    for (ServingRegistryActor.VersionInfo v : st.versions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", v.id());
      m.put("name", v.name());
      m.put("source", v.source());
      m.put("live", v.live());
      m.put("canary_share", v.canaryShare());
      m.put("shadow", v.shadow());
      m.put("known_good", v.knownGood());
      ServingMonitorActor.VersionMetrics vm = metrics.versions().get(v.id());
      if (vm != null) {
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("requests", vm.requests());
        mm.put("feedback", vm.feedback());
        mm.put("errors", vm.errors());
        mm.put("reward", Json.interval(vm.reward()));
        mm.put("gmv", Json.interval(vm.gmv()));
        mm.put("cm2", Json.interval(vm.cm2()));
        mm.put("rank_change", vm.rankChange());
        m.put("metrics", mm);
      }
      Estimate e = metrics.shadow().get(v.id());
      if (e != null) {
        Map<String, Object> se = new LinkedHashMap<>();
        se.put("estimator", e.estimator());
        se.put("estimate", e.value());
        se.put("ci_low", e.ciLow());
        se.put("ci_high", e.ciHigh());
        se.put("samples", e.n());
        m.put("shadow_estimate", se);
      }
      versions.add(m);
    }
    out.put("versions", versions);
    out.put("epoch", st.epoch());
    out.put("known_good", metrics.knownGood());
    out.put("rollbacks", st.rollbacks());
    out.put("retired", st.retired());
    out.put("unattributed", metrics.unattributed());
    out.put("swap_visible_ms", st.swapVisibleMs());
    out.put("events", events(st.events(), true));
    return out;
  }

  /** The event log as JSON rows ({@code registrations}: whether to keep the "register" events). */
  public static List<Object> events(List<ServingRegistryActor.Event> log, boolean registrations) {
    List<Object> events = new ArrayList<>();
    for (ServingRegistryActor.Event e : log) {
      if (!registrations && e.kind().equals("register")) {
        continue;
      }
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("at_ms", e.atMs());
      ev.put("kind", e.kind());
      ev.put("version", e.version());
      ev.put("detail", e.detail());
      events.add(ev);
    }
    return events;
  }
}
