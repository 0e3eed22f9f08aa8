package io.rlsearch.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A rank request, parsed and checked against a schema: the context and each candidate's features in
 * the schema's order, so a policy reads them by position.
 *
 * @param requestId the caller's request id, echoed (may be absent)
 * @param userKey the caller's stable user key (a user sees one version during a canary), if given
 * @param context the context features in the schema's order
 * @param ids the candidates' ids, in the request's order
 * @param baseScores the candidates' base scores
 * @param features each candidate's features in the schema's order ({@code ids.length} rows)
 * @param k how many to return (at most the number of candidates)
 */
public record RankRequest(Optional<String> requestId, Optional<String> userKey, double[] context, String[] ids,
    double[] baseScores, double[][] features, int k) {

  /** The longest request id or user key accepted. */
  public static final int MAX_KEY = 256;

  public RankRequest {
    context = context.clone();
    ids = ids.clone();
    baseScores = baseScores.clone();
    double[][] f = new double[features.length][];
    for (int i = 0; i < f.length; i++) {
      f[i] = features[i].clone();
    }
    features = f;
    if (ids.length == 0 || ids.length != baseScores.length || ids.length != features.length) {
      throw new IllegalArgumentException("a request needs as many ids, base scores and feature rows, at least one");
    }
    if (k < 1 || k > ids.length) {
      throw new IllegalArgumentException("k must be in 1.." + ids.length + ", got " + k);
    }
  }

  /** Candidates. */
  public int size() {
    return ids.length;
  }

  @Override
  public double[] context() {
    return context.clone();
  }

  @Override
  public String[] ids() {
    return ids.clone();
  }

  @Override
  public double[] baseScores() {
    return baseScores.clone();
  }

  @Override
  public double[][] features() {
    double[][] f = new double[features.length][];
    for (int i = 0; i < f.length; i++) {
      f[i] = features[i].clone();
    }
    return f;
  }

  /** Candidate {@code i}'s feature {@code j} (no copy). */
  public double feature(int i, int j) {
    return features[i][j];
  }

  /** Candidate {@code i}'s base score. */
  public double baseScore(int i) {
    return baseScores[i];
  }

  /** Candidate {@code i}'s id. */
  public String id(int i) {
    return ids[i];
  }

  /** The key that chooses a version during a canary: the user key, else the request id, else "". */
  public String routingKey() {
    return userKey.or(() -> requestId).orElse("");
  }

  /**
   * Parses {@code body} against {@code schema}.
   *
   * @throws BadInput a 400 naming the field and what is accepted, or a 413 for more candidates than
   *     the schema's limit
   */
  public static RankRequest parse(JsonNode body, ServingSchema schema) {
    if (body == null || !body.isObject()) {
      throw BadInput.of("the body must be a JSON object with 'candidates' (and optionally request_id, user_key,"
          + " context, k)");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!Set.of("request_id", "user_key", "context", "candidates", "k").contains(f)) {
        throw BadInput.of("'" + f + "' is not a field of a rank request; accepted: request_id, user_key, context,"
            + " candidates, k");
      }
    }
    Optional<String> requestId = key(body, "request_id");
    Optional<String> userKey = key(body, "user_key");
    double[] context = features(body.get("context"), "context", schema.context(), schema);
    JsonNode cands = body.get("candidates");
    if (cands == null || !cands.isArray()) {
      throw BadInput.of("'candidates' must be an array of {\"id\", \"base_score\", \"features\"}");
    }
    int n = cands.size();
    if (n == 0) {
      throw BadInput.of("'candidates' is empty: a request needs at least one candidate");
    }
    if (n > schema.limits().maxCandidates()) {
      throw new BadInput(413, "'candidates' has " + n + " entries; at most " + schema.limits().maxCandidates()
          + " (serving.max_candidates) are accepted");
    }
    String[] ids = new String[n];
    double[] base = new double[n];
    double[][] feats = new double[n][];
    Set<String> seen = new HashSet<>(n * 2);
    for (int i = 0; i < n; i++) {
      JsonNode c = cands.get(i);
      String where = "candidates[" + i + "]";
      if (!c.isObject()) {
        throw BadInput.of("'" + where + "' must be an object {\"id\", \"base_score\", \"features\"}");
      }
      for (Iterator<String> it = c.fieldNames(); it.hasNext();) {
        String f = it.next();
        if (!Set.of("id", "base_score", "features").contains(f)) {
          throw BadInput.of("'" + where + "." + f + "' is not a field of a candidate; accepted: id, base_score,"
              + " features");
        }
      }
      JsonNode id = c.get("id");
      if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
        throw BadInput.of("'" + where + ".id' must be a string");
      }
      ids[i] = id.asText();
      if (ids[i].isEmpty() || ids[i].length() > MAX_KEY) {
        throw BadInput.of("'" + where + ".id' must have 1.." + MAX_KEY + " characters");
      }
      if (!seen.add(ids[i])) {
        throw BadInput.of("'" + where + ".id' repeats the id '" + ids[i] + "': candidate ids must be distinct");
      }
      base[i] = number(c.get("base_score"), where + ".base_score");
      feats[i] = features(c.get("features"), where + ".features", schema.candidate(), schema);
    }
    int k = n;
    JsonNode kn = body.get("k");
    if (kn != null && !kn.isNull()) {
      if (!kn.isIntegralNumber() || !kn.canConvertToInt() || kn.intValue() < 1) {
        throw BadInput.of("'k' must be a whole number >= 1, got " + kn);
      }
      k = Math.min(kn.intValue(), n);
    }
    return new RankRequest(requestId, userKey, context, ids, base, feats, k);
  }

  /**
   * Numbers are read by Jackson's fast double parser (FastDoubleParser, correctly rounded, so the same
   * doubles as the JDK's): reading the numbers of a request of 100 candidates was a fifth of its time.
   */
  private static final com.fasterxml.jackson.core.JsonFactory FACTORY = com.fasterxml.jackson.core.JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  /**
   * The request in {@code body} read in one streaming pass, without building a tree (the tree costs
   * most of a request's parsing): empty whenever the body is anything but a plain valid request (a
   * refusal, a repeated key, an id given as a number, trailing content), and then
   * {@link #parse(JsonNode, ServingSchema)} of its tree decides and words the refusal. A request it
   * accepts is exactly the one {@code parse} gives.
   */
  public static Optional<RankRequest> parseFast(byte[] body, ServingSchema schema) {
    try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(body)) {
      return parseFast(p, schema);
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * As {@link #parseFast(byte[], ServingSchema)}, reading the body from {@code body} (a server's
   * received bytes, read through the parser's recycled buffer without first being copied whole).
   */
  public static Optional<RankRequest> parseFast(java.io.InputStream body, ServingSchema schema) {
    try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(body)) {
      return parseFast(p, schema);
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<RankRequest> parseFast(com.fasterxml.jackson.core.JsonParser p, ServingSchema schema)
      throws java.io.IOException {
    {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      String requestId = null;
      String userKey = null;
      double[] context = null;
      java.util.ArrayList<String> ids = null;
      double[] base = null;
      java.util.ArrayList<double[]> feats = null;
      int k = -1;
      Set<String> seen = new HashSet<>();
      Map<String, Integer> candIndex = index(schema.candidate());
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String f = p.currentName();
        if (!seen.add(f)) {
          return Optional.empty();
        }
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        switch (f) {
          case "request_id", "user_key" -> {
            if (t != com.fasterxml.jackson.core.JsonToken.VALUE_STRING || p.getTextLength() > MAX_KEY) {
              return Optional.empty();
            }
            if (f.equals("request_id")) {
              requestId = p.getText();
            } else {
              userKey = p.getText();
            }
          }
          case "context" -> {
            context = fastFeatures(p, t, schema.context(), index(schema.context()), schema);
            if (context == null) {
              return Optional.empty();
            }
          }
          case "candidates" -> {
            if (t != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
              return Optional.empty();
            }
            ids = new java.util.ArrayList<>();
            feats = new java.util.ArrayList<>();
            double[] b = new double[16];
            Set<String> distinct = new HashSet<>(256);
            while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
              if (ids.size() >= schema.limits().maxCandidates()) {
                return Optional.empty();
              }
              String id = null;
              double bs = Double.NaN;
              double[] row = null;
              int fields = 0;
              while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String cf = p.currentName();
                int bit = switch (cf) {
                  case "id" -> 1;
                  case "base_score" -> 2;
                  case "features" -> 4;
                  default -> 0;
                };
                if ((fields & bit) != 0) {
                  return Optional.empty();
                }
                fields |= bit;
                com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                switch (cf) {
                  case "id" -> {
                    if (v != com.fasterxml.jackson.core.JsonToken.VALUE_STRING || p.getTextLength() == 0
                        || p.getTextLength() > MAX_KEY) {
                      return Optional.empty();
                    }
                    id = p.getText();
                  }
                  case "base_score" -> {
                    if (!v.isNumeric()) {
                      return Optional.empty();
                    }
                    bs = p.getDoubleValue();
                    if (!Double.isFinite(bs)) {
                      return Optional.empty();
                    }
                  }
                  case "features" -> {
                    row = fastFeatures(p, v, schema.candidate(), candIndex, schema);
                    if (row == null) {
                      return Optional.empty();
                    }
                  }
                  default -> {
                    return Optional.empty();
                  }
                }
              }
              if (id == null || Double.isNaN(bs) || !distinct.add(id)) {
                return Optional.empty();
              }
              if (row == null) {
                row = fastFeatures(p, null, schema.candidate(), candIndex, schema);
                if (row == null) {
                  return Optional.empty();
                }
              }
              if (ids.size() == b.length) {
                b = java.util.Arrays.copyOf(b, b.length * 2);
              }
              b[ids.size()] = bs;
              ids.add(id);
              feats.add(row);
            }
            if (t != com.fasterxml.jackson.core.JsonToken.END_ARRAY || ids.isEmpty()) {
              return Optional.empty();
            }
            base = java.util.Arrays.copyOf(b, ids.size());
          }
          case "k" -> {
            if (t == com.fasterxml.jackson.core.JsonToken.VALUE_NULL) {
              break;
            }
            if (t != com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
                || p.getNumberType() != com.fasterxml.jackson.core.JsonParser.NumberType.INT || p.getIntValue() < 1) {
              return Optional.empty();
            }
            k = p.getIntValue();
          }
          default -> {
            return Optional.empty();
          }
        }
      }
      if (p.currentToken() != com.fasterxml.jackson.core.JsonToken.END_OBJECT || p.nextToken() != null || ids == null) {
        return Optional.empty();
      }
      if (context == null) {
        context = fastFeatures(p, null, schema.context(), null, schema);
        if (context == null) {
          return Optional.empty();
        }
      }
      int n = ids.size();
      return Optional.of(new RankRequest(Optional.ofNullable(requestId), Optional.ofNullable(userKey), context,
          ids.toArray(new String[0]), base, feats.toArray(new double[0][]), k < 0 ? n : Math.min(k, n)));
    }
  }

  private static Map<String, Integer> index(List<String> names) {
    Map<String, Integer> m = new HashMap<>(names.size() * 2);
    for (int j = 0; j < names.size(); j++) {
      m.put(names.get(j), j);
    }
    return m;
  }

  /**
   * The object of features at the parser's current token {@code t} (null: the field was absent), in the
   * schema's order with its defaults; null for anything the tree parse must judge.
   */
  private static double[] fastFeatures(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.core.JsonToken t,
      List<String> names, Map<String, Integer> index, ServingSchema schema) throws java.io.IOException {
    double[] out = new double[names.size()];
    if (names.size() > 64) {
      return null;
    }
    // Which features were given, one bit each: the schema's features fit in a long (a larger schema is
    // read by the tree parse).
    long given = 0;
    if (t != null) {
      if (t != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        Integer j = index.get(p.currentName());
        com.fasterxml.jackson.core.JsonToken v = p.nextToken();
        if (j == null || (given & (1L << j)) != 0 || !v.isNumeric()) {
          return null;
        }
        out[j] = p.getDoubleValue();
        if (!Double.isFinite(out[j])) {
          return null;
        }
        given |= 1L << j;
      }
    }
    for (int j = 0; j < out.length; j++) {
      if ((given & (1L << j)) == 0) {
        Double d = schema.defaults().get(names.get(j));
        if (d == null) {
          return null;
        }
        out[j] = d;
      }
    }
    return out;
  }

  private static Optional<String> key(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!(v.isTextual() || v.isIntegralNumber())) {
      throw BadInput.of("'" + field + "' must be a string");
    }
    String s = v.asText();
    if (s.length() > MAX_KEY) {
      throw BadInput.of("'" + field + "' has " + s.length() + " characters; at most " + MAX_KEY);
    }
    return Optional.of(s);
  }

  private static double number(JsonNode v, String where) {
    if (v == null || v.isNull()) {
      throw BadInput.of("'" + where + "' is missing: a finite number is needed");
    }
    if (!v.isNumber()) {
      throw BadInput.of("'" + where + "' must be a number, got " + kind(v));
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      throw BadInput.of("'" + where + "' must be a finite number, got " + v.asText());
    }
    return d;
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static double[] features(JsonNode obj, String where, List<String> names, ServingSchema schema) {
    double[] out = new double[names.size()];
    if (names.isEmpty() && (obj == null || obj.isNull() || (obj.isObject() && obj.isEmpty()))) {
      return out;
    }
    if (obj != null && !obj.isNull() && !obj.isObject()) {
      throw BadInput.of("'" + where + "' must be an object of feature name -> number");
    }
    Map<String, Integer> index = new HashMap<>();
    for (int j = 0; j < names.size(); j++) {
      index.put(names.get(j), j);
    }
    boolean[] given = new boolean[names.size()];
    if (obj != null && !obj.isNull()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        Integer j = index.get(e.getKey());
        if (j == null) {
          throw BadInput.of("'" + where + "." + e.getKey() + "' is not a feature of the schema; accepted: "
              + String.join(", ", names));
        }
        out[j] = number(e.getValue(), where + "." + e.getKey());
        given[j] = true;
      }
    }
    for (int j = 0; j < names.size(); j++) {
      if (!given[j]) {
        Double d = schema.defaults().get(names.get(j));
        if (d == null) {
          throw BadInput.of("'" + where + "." + names.get(j) + "' is missing and has no default (GET /v1/schema"
              + " lists the features)");
        }
        out[j] = d;
      }
    }
    return out;
  }
}
