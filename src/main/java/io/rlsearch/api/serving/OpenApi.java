package io.rlsearch.api.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The serving API's OpenAPI 3 document ({@code openapi.json} beside this class): every route of the
 * data plane, the control plane and the live page, with its request and response schemas and its
 * errors. It is the declared route table: {@link #endpoints()} lists what it documents, and
 * {@link #route()} serves it at {@code GET /v1/openapi.json}.
 */
public final class OpenApi extends AllDirectives {
  private static final String RESOURCE = "openapi.json";
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /** A documented route: its method (upper case) and its path template, e.g. {@code POST /policies/{version}/promote}. */
  public record Endpoint(String method, String path) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static final byte[] DOCUMENT = load();

  private static byte[] load() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document's bytes (UTF-8 JSON). */
  public static byte[] document() {
    return DOCUMENT.clone();
  }

  /** The document, parsed. */
  public static JsonNode tree() {
    try {
      return new ObjectMapper().readTree(DOCUMENT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every route the document describes, in its order. */
  public static List<Endpoint> endpoints() {
    List<Endpoint> out = new ArrayList<>();
    JsonNode paths = tree().get("paths");
    for (Iterator<String> p = paths.fieldNames(); p.hasNext();) {
      String path = p.next();
      for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext();) {
        String method = m.next();
        if (METHODS.contains(method)) {
          out.add(new Endpoint(method.toUpperCase(Locale.ROOT), path));
        }
      }
    }
    return out;
  }

  /** {@code GET /v1/openapi.json}: the document; another method gets a JSON 405. */
  public Route route() {
    return path(PathMatchers.segment("v1").slash("openapi.json"), () -> concat(
        get(() -> complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, DOCUMENT))),
        extractMethod(m -> complete(HttpResponse.create().withStatus(405).withEntity(ContentTypes.APPLICATION_JSON,
            "{\"error\": \"method " + m.name() + " is not allowed here; use GET\", \"status\": 405}")))));
  }
}
