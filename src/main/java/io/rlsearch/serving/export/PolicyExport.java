package io.rlsearch.serving.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A policy's greedy ranking rule for one context as a linear model ({@link #linear}), and the files
 * that load such models into a search engine's learning-to-rank module ({@link #files}).
 *
 * <p>Precision: the weights are written as the shortest decimals that read back as the same doubles.
 * Both engines parse them, and compute the features and the model's score, in float32, so an engine
 * orders two candidates as rlsearch does when their scores differ by more than float32 rounding
 * (about 1e-7 of the scores' magnitude, times the 11 terms summed); closer scores may come out in
 * either order. Exact ties go to the earlier document in the engine, to the earlier candidate in
 * rlsearch.
 */
public final class PolicyExport {
  /** The feature that carries the engine's own query score, the base score of rlsearch's rule. */
  public static final String BASE = "original_score";

  /** The feature store (Solr) and feature set (OpenSearch) name. */
  public static final String STORE = "rlsearch";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** How many draws of the policy without exploration must agree before its weights count as its greedy ones. */
  private static final int DRAWS = 8;

  private PolicyExport() {}

  /** The engines' formats. */
  public enum Format {
    /** Solr's Learning To Rank module: a feature store and LinearModel models. */
    SOLR_LTR("solr-ltr"),
    /** The OpenSearch (and Elasticsearch) LTR plugin: a feature set of mustache templates and model/linear models. */
    OPENSEARCH_LTR("opensearch-ltr");

    private final String id;

    Format(String id) {
      this.id = id;
    }

    /** Its name on the command line. */
    public String id() {
      return id;
    }

    /** The format called {@code s}; one line naming the accepted ones otherwise. */
    public static Format parse(String s) {
      for (Format f : values()) {
        if (f.id.equals(s)) {
          return f;
        }
      }
      throw new IllegalArgumentException("--format must be solr-ltr or opensearch-ltr, got '" + s + "'");
    }
  }

  /**
   * The linear model by which {@code policy}, bound to {@code schema}, ranks without exploration the
   * candidates of a request of context {@code context} (in the schema's context order).
   * {@code readsContext}: whether the weights depend on the context (false for a built-in's fixed
   * weights); the model then records the context features the policy reads, with their values.
   *
   * @throws IllegalArgumentException one line: a policy that is not a linear boost of the candidate
   *     features (the slate agents), or that has no greedy choice (it still draws at random)
   */
  public static LinearBoost linear(String modelName, String policyName, String label, ServingPolicy policy,
      ServingSchema schema, double[] context, boolean readsContext) {
    if (context.length != schema.context().size()) {
      throw new IllegalArgumentException("a context of " + schema.context().size() + " values, got " + context.length);
    }
    List<String> cand = policy.candidateFeatures();
    if (cand.contains(BASE)) {
      throw new IllegalArgumentException("the candidate feature '" + BASE + "' has the name of the base score's"
          + " feature: rename it in the serving schema");
    }
    RankRequest r = new RankRequest(Optional.empty(), Optional.empty(), context, new String[] {"probe"},
        new double[1], new double[1][schema.candidate().size()], 1);
    Optional<double[]> w = ServingPolicies.greedyWeights(policy, r, new NumpyRandom(0));
    if (w.isEmpty()) {
      throw new IllegalArgumentException("the policy of '" + policy.agent() + "' cannot be exported: its scores are"
          + " not linear in the candidate features (it scores each candidate with a network over the request's"
          + " z-scored features); export takes a linear boost: the boost-weight agents (contq, reinforce,"
          + " reinforce_baseline, ppo), the template and neural bandits, and the built-ins");
    }
    for (int seed = 1; seed < DRAWS; seed++) {
      double[] again = ServingPolicies.greedyWeights(policy, r, new NumpyRandom(seed)).orElseThrow();
      if (!Arrays.equals(again, w.get())) {
        throw new IllegalArgumentException("the policy of '" + policy.agent() + "' cannot be exported: even without"
            + " exploration it draws its weights at random (two draws for the same context differ), so it has no"
            + " one model to export");
      }
    }
    Map<String, Double> ctx = new LinkedHashMap<>();
    if (readsContext) {
      for (String name : policy.contextFeatures()) {
        ctx.put(name, context[schema.context().indexOf(name)]);
      }
    }
    return new LinearBoost(modelName, policyName, policy.agent(), label, ctx, cand, w.get());
  }

  /**
   * The files, name to content, that load {@code models} (all over the same features) into the
   * engine of {@code format}: the feature store or set, one model per entry, and a README.txt.
   *
   * @param baseQueryField for OpenSearch, the text field whose {@code match} score on the query's
   *     keywords is the base score
   */
  public static Map<String, String> files(Format format, List<LinearBoost> models, String baseQueryField) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("no model to export");
    }
    List<String> features = models.get(0).features();
    for (LinearBoost m : models) {
      if (!m.features().equals(features)) {
        throw new IllegalArgumentException("the models weigh different features: " + features + ", " + m.features());
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (format == Format.SOLR_LTR) {
      out.put("features.json", write(solrFeatures(features)));
      for (LinearBoost m : models) {
        out.put(fileOf(m), write(solrModel(m)));
      }
    } else {
      out.put("featureset.json", write(openSearchFeatureSet(features, baseQueryField)));
      for (LinearBoost m : models) {
        out.put(fileOf(m), write(openSearchModel(m)));
      }
    }
    out.put("README.txt", readme(format, models, baseQueryField));
    return out;
  }

  /** The file a model is written to. */
  public static String fileOf(LinearBoost m) {
    return "model-" + m.label() + ".json";
  }

  /** A model's name: {@code rlsearch_POLICY_LABEL}, with anything but letters, digits, '_' and '-' made '_'. */
  public static String modelName(String policy, String label) {
    return ("rlsearch_" + policy + "_" + label).replaceAll("[^A-Za-z0-9_-]", "_");
  }

  static List<Object> solrFeatures(List<String> features) {
    List<Object> out = new ArrayList<>();
    out.add(Map.of("store", STORE, "name", BASE, "class", "org.apache.solr.ltr.feature.OriginalScoreFeature",
        "params", Map.of()));
    for (String f : features) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("store", STORE);
      m.put("name", f);
      m.put("class", "org.apache.solr.ltr.feature.FieldValueFeature");
      m.put("params", Map.of("field", f));
      out.add(m);
    }
    return out.stream().map(PolicyExport::ordered).toList();
  }

  static Map<String, Object> solrModel(LinearBoost m) {
    List<Object> names = new ArrayList<>();
    names.add(Map.of("name", BASE));
    for (String f : m.features()) {
      names.add(Map.of("name", f));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("store", STORE);
    out.put("name", m.name());
    out.put("class", "org.apache.solr.ltr.model.LinearModel");
    out.put("features", names);
    out.put("params", Map.of("weights", weights(m)));
    return out;
  }

  static Map<String, Object> openSearchFeatureSet(List<String> features, String baseQueryField) {
    List<Object> fs = new ArrayList<>();
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("name", BASE);
    base.put("params", List.of("keywords"));
    base.put("template_language", "mustache");
    base.put("template", Map.of("match", Map.of(baseQueryField, "{{keywords}}")));
    fs.add(base);
    for (String f : features) {
      Map<String, Object> fvf = new LinkedHashMap<>();
      fvf.put("field", f);
      fvf.put("missing", 0);
      Map<String, Object> fn = new LinkedHashMap<>();
      fn.put("query", Map.of("match_all", Map.of()));
      fn.put("field_value_factor", fvf);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", f);
      m.put("params", List.of());
      m.put("template_language", "mustache");
      m.put("template", Map.of("function_score", fn));
      fs.add(m);
    }
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("name", STORE);
    set.put("features", fs);
    return Map.of("featureset", set);
  }

  static Map<String, Object> openSearchModel(LinearBoost m) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "model/linear");
    model.put("definition", weights(m));
    Map<String, Object> named = new LinkedHashMap<>();
    named.put("name", m.name());
    named.put("model", model);
    return Map.of("model", named);
  }

  /** The model's weights by feature name: the base score's 1, then the candidate features'. */
  static Map<String, Object> weights(LinearBoost m) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put(BASE, 1.0);
    double[] v = m.weights();
    for (int j = 0; j < v.length; j++) {
      w.put(m.features().get(j), v[j]);
    }
    return w;
  }

  private static Object ordered(Object o) {
    if (o instanceof Map<?, ?> m && !(m instanceof LinkedHashMap)) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (String k : List.of("store", "name", "class", "params")) {
        if (m.containsKey(k)) {
          out.put(k, m.get(k));
        }
      }
      return out;
    }
    return o;
  }

  private static String write(Object o) {
    try {
      return JSON.writeValueAsString(o) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String readme(Format format, List<LinearBoost> models, String baseQueryField) {
    StringBuilder sb = new StringBuilder();
    LinearBoost first = models.get(0);
    sb.append("rlsearch export of policy '").append(first.policy()).append("' (agent ").append(first.agent())
        .append(") for ").append(format == Format.SOLR_LTR ? "Solr's Learning To Rank module"
            : "the OpenSearch (or Elasticsearch) LTR plugin").append(".\n\n");
    sb.append("Each model scores a document as rlsearch's policy, without exploration, scores a candidate:\n")
        .append("  score = original_score + sum_j w_j * feature_j\n")
        .append("original_score is the engine's own query score (rlsearch's base_score, weight 1).\n\n");
    sb.append("Index fields: each document must hold, in a numeric field of the same name (single-valued,\n")
        .append("with doc values), the candidate feature of rlsearch's serving schema, with the value your\n")
        .append("service sends for it in a /v1/rank request's candidate features:\n");
    for (String f : first.features()) {
      sb.append("  ").append(f).append('\n');
    }
    sb.append('\n');
    if (format == Format.SOLR_LTR) {
      sb.append("Upload (replace localhost:8983 and COLLECTION; the collection needs the ltr module enabled):\n")
          .append("  curl -XPUT 'http://localhost:8983/solr/COLLECTION/schema/feature-store' \\\n")
          .append("    -H 'Content-type:application/json' --data-binary @features.json\n");
      for (LinearBoost m : models) {
        sb.append("  curl -XPUT 'http://localhost:8983/solr/COLLECTION/schema/model-store' \\\n")
            .append("    -H 'Content-type:application/json' --data-binary @").append(fileOf(m)).append('\n');
      }
      sb.append("\nRank with a model: add to the query\n")
          .append("  rq={!ltr model=").append(first.name()).append(" reRankDocs=100}\n")
          .append("A document without a value in a feature's field scores that feature 0.\n");
    } else {
      sb.append("Upload (replace localhost:9200; the first call creates the default feature store once):\n")
          .append("  curl -XPUT 'http://localhost:9200/_ltr'\n")
          .append("  curl -XPOST 'http://localhost:9200/_ltr/_featureset/").append(STORE).append("' \\\n")
          .append("    -H 'Content-Type: application/json' --data-binary @featureset.json\n");
      for (LinearBoost m : models) {
        sb.append("  curl -XPOST 'http://localhost:9200/_ltr/_featureset/").append(STORE)
            .append("/_createmodel' \\\n").append("    -H 'Content-Type: application/json' --data-binary @")
            .append(fileOf(m)).append('\n');
      }
      sb.append("\nRank with a model: rescore the query's top documents with\n")
          .append("  \"rescore\": {\"window_size\": 100, \"query\": {\"rescore_query\": {\"sltr\": {\"params\":\n")
          .append("    {\"keywords\": \"USER QUERY\"}, \"model\": \"").append(first.name())
          .append("\"}}, \"query_weight\": 0, \"rescore_query_weight\": 1}}\n")
          .append("original_score is a match query of the keywords on the field '").append(baseQueryField)
          .append("': it must be the query whose\nscore your service sends rlsearch as the base score.\n")
          .append("A feature is a function_score field_value_factor query (missing: 0), and the engine\n")
          .append("refuses negative query scores: index each feature field shifted by a constant c_j >= 0\n")
          .append("that makes it non-negative. The shift adds sum_j w_j c_j to every document's score alike,\n")
          .append("so the order is unchanged.\n");
    }
    sb.append("\nPrecision: weights are written as the shortest decimals that read back as the same doubles;\n")
        .append("the engine parses them and computes the features and the score in float32, so it orders two\n")
        .append("documents as rlsearch does when their scores differ by more than float32 rounding (about\n")
        .append("1e-7 of the scores' magnitude per term); closer scores may come out in either order.\n");
    sb.append("\nModels:\n");
    for (LinearBoost m : models) {
      sb.append("  ").append(fileOf(m)).append(": ").append(m.name());
      if (m.context().isEmpty()) {
        sb.append(" (the policy reads no context)\n");
      } else {
        sb.append(", for the context '").append(m.label()).append("':\n");
        for (Map.Entry<String, Double> e : m.context().entrySet()) {
          sb.append("    ").append(e.getKey()).append(" = ")
              .append(String.format(Locale.ROOT, "%.6g", e.getValue())).append('\n');
        }
      }
    }
    return sb.toString();
  }
}
