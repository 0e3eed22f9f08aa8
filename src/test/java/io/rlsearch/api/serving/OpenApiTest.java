package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rlsearch.testing.Runs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the server: every documented route answers with a documented status
 * and a body of its documented schema, and every route the server defines is documented.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static final JsonNode DOC = OpenApi.tree();

  /** An answer: status, media type, body (empty for an event stream). */
  private record Answer(int status, String mediaType, String body) {
    boolean unknownRoute() throws IOException {
      return status == 404 && mediaType.equals("application/json")
          && JSON.readTree(body).path("error").asText().startsWith("no such endpoint");
    }
  }

  private static Answer send(int port, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (method.equals("POST")) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    try (InputStream in = r.body()) {
      // An event stream never ends: its status and type are what can be checked.
      String text = type.equals("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(r.statusCode(), type, text);
    }
  }

  private static JsonNode resolve(JsonNode schema) {
    while (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      assertTrue(ref.startsWith("#/"), "only local references: " + ref);
      schema = DOC.at(ref.substring(1));
      assertFalse(schema.isMissingNode(), "unresolved reference " + ref);
    }
    return schema;
  }

  /** What {@code node} breaks of {@code schema} (types, required fields, enums), at {@code where}. */
  private static void validate(JsonNode node, JsonNode schema, String where, List<String> problems) {
    schema = resolve(schema);
    String type = schema.path("type").asText("");
    boolean ok = switch (type) {
      case "object" -> node.isObject();
      case "array" -> node.isArray();
      case "number" -> node.isNumber();
      case "integer" -> node.isIntegralNumber();
      case "string" -> node.isTextual();
      case "boolean" -> node.isBoolean();
      default -> true;
    };
    if (!ok) {
      problems.add(where + ": expected " + type + ", got " + node.getNodeType());
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(node);
      }
      if (!found) {
        problems.add(where + ": " + node + " is not one of " + schema.get("enum"));
      }
    }
    if (node.isObject()) {
      for (JsonNode r : schema.path("required")) {
        if (!node.has(r.asText())) {
          problems.add(where + ": the required field '" + r.asText() + "' is missing");
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode prop = schema.path("properties").get(f.getKey());
        if (prop != null) {
          validate(f.getValue(), prop, where + "." + f.getKey(), problems);
        } else if (schema.path("additionalProperties").isObject()) {
          validate(f.getValue(), schema.get("additionalProperties"), where + "." + f.getKey(), problems);
        } else if (!schema.path("additionalProperties").asBoolean(false)) {
          // What the server answers is documented, field by field.
          problems.add(where + ": the field '" + f.getKey() + "' is not documented");
        }
      }
    }
    if (node.isArray() && schema.has("items")) {
      for (int i = 0; i < node.size(); i++) {
        validate(node.get(i), schema.get("items"), where + "[" + i + "]", problems);
      }
    }
  }

  @Test
  void theDocumentIsOpenApi3WithSchemasForEveryAnswerAndResolvableReferences() {
    assertTrue(DOC.get("openapi").asText().startsWith("3."), DOC.get("openapi").toString());
    List<String> problems = new ArrayList<>();
    List<JsonNode> refs = DOC.findParents("$ref");
    for (JsonNode r : refs) {
      if (DOC.at(r.get("$ref").asText().substring(1)).isMissingNode()) {
        problems.add("unresolved " + r.get("$ref").asText());
      }
    }
    assertTrue(refs.size() > 30, "the document refers to its schemas: " + refs.size());
    // Every required field is a property (a typo in either would make the check of the answers vacuous).
    for (JsonNode schema : DOC.findParents("required")) {
      if (schema.get("required").isArray()) {
        for (JsonNode r : schema.get("required")) {
          if (!schema.path("properties").has(r.asText())) {
            problems.add("required '" + r.asText() + "' is not among the properties " + schema.path("properties")
                .size());
          }
        }
      }
    }
    Set<String> operationIds = new TreeSet<>();
    for (OpenApi.Endpoint e : OpenApi.endpoints()) {
      if (!operationIds.add(operation(e).path("operationId").asText())) {
        problems.add(e + ": a missing or repeated operationId");
      }
      Matcher param = Pattern.compile("\\{([^}]+)}").matcher(e.path());
      while (param.find()) {
        boolean declared = false;
        for (JsonNode p : DOC.get("paths").get(e.path()).path("parameters")) {
          declared |= p.get("name").asText().equals(param.group(1)) && p.get("in").asText().equals("path")
              && p.get("required").asBoolean();
        }
        if (!declared) {
          problems.add(e + ": the path parameter " + param.group(1) + " is not declared");
        }
      }
    }
    for (OpenApi.Endpoint e : OpenApi.endpoints()) {
      JsonNode op = operation(e);
      JsonNode responses = op.get("responses");
      boolean success = false;
      for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> r = it.next();
        success |= r.getKey().startsWith("2");
        if (!r.getValue().has("content")) {
          problems.add(e + " " + r.getKey() + ": no content");
        } else if (r.getKey().startsWith("4")) {
          JsonNode schema = r.getValue().get("content").path("application/json").path("schema");
          if (!schema.path("$ref").asText().equals("#/components/schemas/Error")) {
            problems.add(e + " " + r.getKey() + ": an error answer is an Error");
          }
        }
      }
      if (!success) {
        problems.add(e + ": no success answer");
      }
      if (e.method().equals("POST") && !op.has("requestBody")) {
        problems.add(e + ": no request body");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static JsonNode operation(OpenApi.Endpoint e) {
    return DOC.get("paths").get(e.path()).get(e.method().toLowerCase(Locale.ROOT));
  }

  /** The example of {@code e}'s request, or null. */
  private static JsonNode example(OpenApi.Endpoint e) {
    JsonNode body = operation(e).path("requestBody").path("content").path("application/json");
    return body.has("example") ? body.get("example").deepCopy() : null;
  }

  /** {@code e}'s path with each parameter replaced by its example. */
  private static String concretePath(OpenApi.Endpoint e) {
    String path = e.path();
    for (JsonNode p : DOC.get("paths").get(e.path()).path("parameters")) {
      assertTrue(p.has("example"), e + ": the parameter " + p.get("name") + " needs an example");
      path = path.replace("{" + p.get("name").asText() + "}", p.get("example").asText());
    }
    assertFalse(path.contains("{"), e + ": a parameter without an example");
    return path;
  }

  @Test
  void everyDocumentedRouteAnswersWithADocumentedStatusAndSchema() throws Exception {
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "cm2_price", List.of(), 2, Optional.empty(), 3,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      int port = run.port();
      // Simulated traffic first, so that /policies shows each version's figures too.
      run.system().drive(0, 1000, 0.2, t -> { }, () -> false);
      assertTrue(run.system().awaitAnswers(Duration.ofSeconds(30)));
      List<String> problems = new ArrayList<>();
      String decision = null;
      for (OpenApi.Endpoint e : OpenApi.endpoints()) {
        JsonNode body = example(e);
        if (body != null && body.has("decision_id") && decision != null) {
          // Feedback names the decision the rank call before it made.
          ((ObjectNode) body).put("decision_id", decision);
        }
        Answer a = send(port, e.method(), concretePath(e), body == null ? (e.method().equals("POST") ? "{}" : null)
            : JSON.writeValueAsString(body));
        String brief = a.body().replaceAll("\\s+", " ");
        String where = e + " (" + a.status() + " " + brief.substring(0, Math.min(160, brief.length())) + ")";
        if (a.unknownRoute()) {
          problems.add(where + ": the server does not know this route");
          continue;
        }
        JsonNode documented = operation(e).get("responses").get(Integer.toString(a.status()));
        if (documented == null) {
          problems.add(where + ": status " + a.status() + " is not documented");
          continue;
        }
        // Each example is a valid call, in an order that makes it succeed (promote 2, canary 3,
        // shadow 4, roll back; rank, then feedback for that decision).
        if (a.status() / 100 != 2) {
          problems.add(where + ": the documented example does not succeed");
        }
        JsonNode content = documented.get("content");
        if (!content.has(a.mediaType())) {
          problems.add(where + ": answered " + a.mediaType() + ", documented " + content.fieldNames().next());
          continue;
        }
        if (a.mediaType().equals("application/json")) {
          JsonNode answer = JSON.readTree(a.body());
          if (e.path().equals("/policies")) {
            assertTrue(answer.get("versions").get(0).has("metrics"), "the live version's figures are checked too");
          }
          validate(answer, content.get("application/json").get("schema"), e.toString(), problems);
          if (e.path().equals("/v1/rank") && answer.has("decision_id")) {
            decision = answer.get("decision_id").asText();
          }
        } else {
          assertFalse(a.body().isEmpty() && !a.mediaType().equals("text/event-stream"), where + ": an empty body");
        }
      }
      assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
  }

  @Test
  void aWrongMethodGetsADocumented405OrNoSuccess() throws Exception {
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "neutral", List.of(), 1, Optional.empty(), 3,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      List<String> problems = new ArrayList<>();
      Set<String> paths = new LinkedHashSet<>();
      OpenApi.endpoints().forEach(e -> paths.add(e.path()));
      for (String path : paths) {
        JsonNode item = DOC.get("paths").get(path);
        boolean documents405 = false;
        for (String m : List.of("get", "post")) {
          documents405 |= item.path(m).path("responses").has("405");
        }
        for (String m : List.of("GET", "POST")) {
          if (item.has(m.toLowerCase(Locale.ROOT))) {
            continue;
          }
          OpenApi.Endpoint documented = OpenApi.endpoints().stream().filter(e -> e.path().equals(path)).findFirst()
              .orElseThrow();
          Answer a = send(run.port(), m, concretePath(documented), m.equals("POST") ? "{}" : null);
          if (documents405 && a.status() != 405) {
            problems.add(m + " " + path + ": " + a.status() + ", documented 405");
          }
          if (a.status() / 100 == 2) {
            problems.add(m + " " + path + ": an undocumented method succeeds");
          }
        }
      }
      assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
  }

  /** Path literals of route definitions: {@code path("x")}, {@code pathPrefix("x")}, {@code segment("x")}, {@code slash("x")}. */
  private static final Pattern ROUTE_LITERAL = Pattern.compile("\\b(?:path|pathPrefix|segment|slash)\\(\\s*\"([^\"]+)\"");

  /** Every literal of a route definition in the HTTP code (io.rlsearch.api's route classes), by file. */
  private static Map<String, Set<String>> routeLiterals() throws IOException {
    Map<String, Set<String>> out = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/rlsearch/api"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String text = Files.readString(f);
        if (!text.contains("AllDirectives")) {
          // Only the route DSL defines routes; elsewhere path("x") is Jackson's JsonNode.path.
          continue;
        }
        Matcher m = ROUTE_LITERAL.matcher(text);
        while (m.find()) {
          out.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(f.getFileName().toString());
        }
      }
    }
    return out;
  }

  @Test
  void everyRouteTheServerDefinesIsDocumented() throws Exception {
    Set<String> segments = new TreeSet<>();
    Set<String> documented = new TreeSet<>();
    for (OpenApi.Endpoint e : OpenApi.endpoints()) {
      documented.add(e.toString());
      segments.addAll(List.of(e.path().split("/")));
    }
    Map<String, Set<String>> literals = routeLiterals();
    assertTrue(literals.keySet().containsAll(List.of("health", "policies", "rollback", "metrics", "events", "v1",
        "openapi.json")), "the scan finds the route definitions: " + literals.keySet());
    List<String> problems = new ArrayList<>();
    literals.forEach((literal, files) -> {
      if (!segments.contains(literal)) {
        problems.add("'" + literal + "' (a route in " + files + ") is in no documented path");
      }
    });
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "neutral", List.of(), 1, Optional.empty(), 3,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      // What the server names when a path is unknown.
      Answer unknown = send(run.port(), "GET", "/no/such/route", null);
      assertTrue(unknown.unknownRoute(), unknown.toString());
      String listed = JSON.readTree(unknown.body()).get("error").asText();
      Matcher m = Pattern.compile("(GET|POST|PUT|DELETE|PATCH) (/[^,;\\s]*)").matcher(
          listed.substring(listed.indexOf("endpoints:")));
      int named = 0;
      while (m.find()) {
        named++;
        if (!documented.contains(m.group(1) + " " + m.group(2))) {
          problems.add("the 404 names " + m.group(1) + " " + m.group(2) + ", which is not documented");
        }
      }
      assertTrue(named >= 9, "the 404 lists the endpoints: " + listed);
      // The literals put together as routes (/a, /a/b, /a/1/b): whatever the server answers other than
      // the unknown-route 404 must be a documented path.
      List<Pattern> templates = new ArrayList<>();
      DOC.get("paths").fieldNames().forEachRemaining(t -> templates.add(Pattern.compile(
          Pattern.quote(t).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"))));
      List<String> probes = new ArrayList<>();
      for (String a : literals.keySet()) {
        probes.add("/" + a);
        for (String b : literals.keySet()) {
          probes.add("/" + a + "/" + b);
          probes.add("/" + a + "/1/" + b);
        }
      }
      int answered = 0;
      for (String path : probes) {
        for (String method : List.of("GET", "POST")) {
          Answer a = send(run.port(), method, path, method.equals("POST") ? "{}" : null);
          if (a.unknownRoute()) {
            continue;
          }
          answered++;
          if (templates.stream().noneMatch(t -> t.matcher(path).matches())) {
            problems.add(method + " " + path + " answers " + a.status() + " but is not documented");
          }
        }
      }
      assertTrue(answered >= 2 * 8, "the probes reach the routes: " + answered);
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void theServerServesTheDocumentAsItIsInTheJar() throws Exception {
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "neutral", List.of(), 1, Optional.empty(), 3,
        "127.0.0.1", 0, Optional.empty(), 0)) {
      Answer a = send(run.port(), "GET", "/v1/openapi.json", null);
      assertEquals(200, a.status());
      assertEquals("application/json", a.mediaType());
      assertEquals(DOC, JSON.readTree(a.body()));
      Answer post = send(run.port(), "POST", "/v1/openapi.json", "{}");
      assertEquals(405, post.status());
      assertEquals("method POST is not allowed here; use GET", JSON.readTree(post.body()).get("error").asText());
    }
  }
}
