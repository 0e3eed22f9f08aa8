package io.rlsearch.app.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bodies of {@code POST /v1/rank} for load tests: a context and N candidates carrying every feature of
 * a schema, drawn from a seed. Context features named {@code segment_*} and {@code query_*} are
 * one-hot within their group (as in the simulated world's schema); every other feature is a
 * standardised value. Each body has its own {@code user_key}, so a canary sees a share of them.
 */
public final class RankBodies {
  private static final JsonFactory FACTORY = new JsonFactory();

  private RankBodies() {}

  /**
   * {@code count} distinct bodies.
   *
   * @param context the schema's context feature names
   * @param candidate the schema's candidate feature names
   * @param candidates candidates per request
   * @param count how many bodies
   * @param seed the values' seed
   */
  public static List<byte[]> bodies(List<String> context, List<String> candidate, int candidates, int count,
      long seed) {
    if (candidates < 1 || count < 1) {
      throw new IllegalArgumentException("a body needs at least one candidate, and at least one body is made");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      out.add(body(context, candidate, candidates, b, rng));
    }
    return out;
  }

  private static byte[] body(List<String> context, List<String> candidate, int candidates, int b, SplittableRandom rng) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(candidates * candidate.size() * 40 + 1024);
    try (JsonGenerator g = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("user_key", "user-" + b);
      g.writeObjectFieldStart("context");
      String segment = pick(context, "segment_", rng);
      String query = pick(context, "query_", rng);
      for (String name : context) {
        if (name.startsWith("segment_")) {
          g.writeNumberField(name, name.equals(segment) ? 1 : 0);
        } else if (name.startsWith("query_")) {
          g.writeNumberField(name, name.equals(query) ? 1 : 0);
        } else {
          g.writeNumberField(name, round(gaussian(rng)));
        }
      }
      g.writeEndObject();
      g.writeArrayFieldStart("candidates");
      for (int i = 0; i < candidates; i++) {
        g.writeStartObject();
        g.writeStringField("id", "p" + b + "-" + i);
        g.writeNumberField("base_score", round(3 - 0.02 * i + 0.3 * gaussian(rng)));
        g.writeObjectFieldStart("features");
        for (String name : candidate) {
          g.writeNumberField(name, round(gaussian(rng)));
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** One name of the group {@code prefix}, uniformly, or null when the schema has none. */
  private static String pick(List<String> names, String prefix, SplittableRandom rng) {
    List<String> group = names.stream().filter(n -> n.startsWith(prefix)).toList();
    return group.isEmpty() ? null : group.get(rng.nextInt(group.size()));
  }

  /** A standard normal draw (Box-Muller; one of the pair). */
  private static double gaussian(SplittableRandom rng) {
    double u = 1 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /** Four decimals: the body's size is the features', not the digits'. */
  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
