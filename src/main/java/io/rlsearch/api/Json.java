package io.rlsearch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rlsearch.eval.Summary;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON output of the commands: one object, keys in insertion order. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  public static Map<String, Object> summary(Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", s.mean());
    m.put("std", s.std());
    m.put("ci95", new double[] {s.ciLow(), s.ciHigh()});
    m.put("n", s.n());
    return m;
  }

  /** A summary as {@code {mean, ci_low, ci_high}}: the 95% interval the reports print. */
  public static Map<String, Object> interval(Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", s.mean());
    m.put("ci_low", s.ciLow());
    m.put("ci_high", s.ciHigh());
    return m;
  }
}
