package io.rlsearch.eval.opl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A learned linear policy over discrete actions, deployed greedily: at position {@code p} the score
 * of action {@code a} in context {@code x} is {@code weights[p][a] . x + intercepts[p][a]} and the
 * policy shows the highest-scoring action (the first on ties). With {@code distinct}, a ranking of
 * several positions never repeats an action: position 0 takes its best action, position 1 its best
 * among the rest, and so on. Learning fits the softmax of these scores ({@code pi(a | x, p)}
 * proportional to {@code exp(score)}); the deployed policy is its argmax, without exploration.
 *
 * <p>Stored as JSON ({@link #write}, {@link #read}); the schema is in {@code docs/learn-from-logs.md}.
 *
 * @param learner the learner that fitted it ({@code ipw} or {@code dr})
 * @param featureNames the context features it reads, in order
 * @param actionIds the actions' ids, by index
 * @param weights {@code [position][action][feature]}
 * @param intercepts {@code [position][action]}
 * @param distinct whether a ranking never repeats an action across positions
 * @param seed the seed of the split and the learner
 * @param trainingRounds the rows it was trained on
 * @param info further descriptive fields (the log's format, the template task's features ...),
 *     written as top-level strings
 */
public record LinearPolicy(String learner, List<String> featureNames, List<String> actionIds, double[][][] weights,
    double[][] intercepts, boolean distinct, long seed, long trainingRounds, Map<String, String> info) {

  /** The value of the file's {@code kind}. */
  public static final String KIND = "rlsearch.linear_greedy_policy";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final List<String> FIELDS = List.of("kind", "learner", "feature_names", "action_ids", "positions",
      "distinct", "weights", "intercepts", "seed", "training_rounds");

  public LinearPolicy {
    featureNames = List.copyOf(featureNames);
    actionIds = List.copyOf(actionIds);
    info = Map.copyOf(info);
    if (weights.length == 0 || intercepts.length != weights.length) {
      throw new IllegalArgumentException("a policy needs weights and intercepts for at least one position, got "
          + weights.length + " and " + intercepts.length);
    }
    double[][][] w = new double[weights.length][][];
    double[][] b = new double[weights.length][];
    for (int p = 0; p < weights.length; p++) {
      if (weights[p].length != actionIds.size() || intercepts[p].length != actionIds.size()) {
        throw new IllegalArgumentException("position " + p + " has " + weights[p].length + " weight rows and "
            + intercepts[p].length + " intercepts, expected one per action (" + actionIds.size() + ")");
      }
      w[p] = new double[weights[p].length][];
      for (int a = 0; a < weights[p].length; a++) {
        if (weights[p][a].length != featureNames.size()) {
          throw new IllegalArgumentException("position " + p + ", action " + a + " has " + weights[p][a].length
              + " weights, expected one per feature (" + featureNames.size() + ")");
        }
        for (double v : weights[p][a]) {
          if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("position " + p + ", action " + a + " has a weight " + v);
          }
        }
        w[p][a] = weights[p][a].clone();
      }
      b[p] = intercepts[p].clone();
    }
    weights = w;
    intercepts = b;
  }

  /** Positions. */
  public int positions() {
    return weights.length;
  }

  /** Actions. */
  public int actions() {
    return actionIds.size();
  }

  /** The scores of every action at {@code position} in context {@code x}. */
  public double[] scores(double[] x, int position) {
    if (x.length != featureNames.size()) {
      throw new IllegalArgumentException("the policy reads " + featureNames.size() + " context values, got "
          + x.length);
    }
    double[] s = new double[actions()];
    for (int a = 0; a < s.length; a++) {
      double v = intercepts[position][a];
      double[] w = weights[position][a];
      for (int j = 0; j < w.length; j++) {
        v += w[j] * x[j];
      }
      s[a] = v;
    }
    return s;
  }

  /** The greedy action at {@code position} alone (the first maximum). */
  public int greedy(double[] x, int position) {
    return argmax(scores(x, position), null);
  }

  /**
   * The greedy ranking of every position for context {@code x}; with {@link #distinct} (and at
   * least as many actions as positions) no action repeats.
   */
  public int[] ranking(double[] x) {
    int[] out = new int[positions()];
    boolean[] used = distinct && actions() >= positions() ? new boolean[actions()] : null;
    for (int p = 0; p < out.length; p++) {
      out[p] = argmax(scores(x, p), used);
      if (used != null) {
        used[out[p]] = true;
      }
    }
    return out;
  }

  static int argmax(double[] s, boolean[] used) {
    int best = -1;
    for (int a = 0; a < s.length; a++) {
      if ((used == null || !used[a]) && (best < 0 || s[a] > s[best])) {
        best = a;
      }
    }
    return best;
  }

  @Override
  public double[][][] weights() {
    double[][][] w = new double[weights.length][][];
    for (int p = 0; p < w.length; p++) {
      w[p] = new double[weights[p].length][];
      for (int a = 0; a < w[p].length; a++) {
        w[p][a] = weights[p][a].clone();
      }
    }
    return w;
  }

  @Override
  public double[][] intercepts() {
    double[][] b = new double[intercepts.length][];
    for (int p = 0; p < b.length; p++) {
      b[p] = intercepts[p].clone();
    }
    return b;
  }

  /** The file's JSON object. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", KIND);
    m.put("learner", learner);
    m.putAll(new TreeMap<>(info));
    m.put("feature_names", featureNames);
    m.put("action_ids", actionIds);
    m.put("positions", positions());
    m.put("distinct", distinct);
    m.put("seed", seed);
    m.put("training_rounds", trainingRounds);
    m.put("weights", weights);
    m.put("intercepts", intercepts);
    return m;
  }

  /** Writes the policy to {@code file} (through a temporary file renamed into place). */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(toJson()) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Whether {@code file} looks like a policy file (a JSON object whose {@code kind} is {@link #KIND}). */
  public static boolean isPolicyFile(Path file) {
    try {
      byte[] head = new byte[Math.min(4096, (int) Math.max(0, Files.size(file)))];
      try (var in = Files.newInputStream(file)) {
        int n = in.readNBytes(head, 0, head.length);
        String s = new String(head, 0, n, StandardCharsets.UTF_8);
        return s.stripLeading().startsWith("{") && s.contains("\"" + KIND + "\"");
      }
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads a policy file.
   *
   * @throws IllegalArgumentException one line naming the file and what is wrong with it
   */
  public static LinearPolicy read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("policy file " + file + " cannot be read as JSON: "
          + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
    }
    try {
      return fromJson(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("policy file " + file + ": " + e.getMessage());
    }
  }

  /** The policy of a parsed policy file. */
  public static LinearPolicy fromJson(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    for (String f : FIELDS) {
      if (!root.has(f)) {
        throw new IllegalArgumentException("missing field '" + f + "' (fields: " + String.join(", ", FIELDS) + ")");
      }
    }
    if (!KIND.equals(root.get("kind").asText())) {
      throw new IllegalArgumentException("kind is '" + root.get("kind").asText() + "', expected '" + KIND + "'");
    }
    List<String> features = strings(root.get("feature_names"), "feature_names");
    List<String> ids = strings(root.get("action_ids"), "action_ids");
    int positions = root.get("positions").asInt(-1);
    JsonNode w = root.get("weights");
    JsonNode b = root.get("intercepts");
    if (positions < 1 || !w.isArray() || w.size() != positions || !b.isArray() || b.size() != positions) {
      throw new IllegalArgumentException("positions is " + root.get("positions") + "; weights and intercepts need one"
          + " entry per position");
    }
    double[][][] weights = new double[positions][ids.size()][features.size()];
    double[][] intercepts = new double[positions][ids.size()];
    for (int p = 0; p < positions; p++) {
      if (w.get(p).size() != ids.size() || b.get(p).size() != ids.size()) {
        throw new IllegalArgumentException("position " + p + " needs one weight row and one intercept per action ("
            + ids.size() + ")");
      }
      for (int a = 0; a < ids.size(); a++) {
        JsonNode row = w.get(p).get(a);
        if (!row.isArray() || row.size() != features.size()) {
          throw new IllegalArgumentException("position " + p + ", action " + a + " needs one weight per feature ("
              + features.size() + ")");
        }
        for (int j = 0; j < features.size(); j++) {
          weights[p][a][j] = number(row.get(j), "weights");
        }
        intercepts[p][a] = number(b.get(p).get(a), "intercepts");
      }
    }
    Map<String, String> info = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!FIELDS.contains(e.getKey()) && e.getValue().isValueNode()) {
        info.put(e.getKey(), e.getValue().asText());
      }
    }
    return new LinearPolicy(root.get("learner").asText(), features, ids, weights, intercepts,
        root.get("distinct").asBoolean(), root.get("seed").asLong(), root.get("training_rounds").asLong(), info);
  }

  private static List<String> strings(JsonNode n, String field) {
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException(field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode v : n) {
      if (!v.isTextual()) {
        throw new IllegalArgumentException(field + " must be an array of strings, found " + v);
      }
      out.add(v.asText());
    }
    return out;
  }

  private static double number(JsonNode n, String field) {
    if (n == null || !n.isNumber()) {
      throw new IllegalArgumentException(field + " must hold numbers, found " + n);
    }
    return n.asDouble();
  }
}
