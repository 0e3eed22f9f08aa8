package io.rlsearch.serving.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.testkit.TinyWorld;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An exported model, read back from its JSON and applied by Lucene (the engine under Solr and
 * OpenSearch), orders a simulated request's candidates as rlsearch's own serving policy does.
 *
 * <p>Precision: Lucene scores, and the engines' LTR modules compute, in float32; rlsearch in double.
 * At these scores' magnitudes (below 64) a float32 ulp is at most 7.6e-6, and the 11 products and
 * sums round at most a dozen times, so two candidates closer than {@link #GAP} could legitimately
 * swap. The comparison keeps only candidates whose rlsearch scores are at least GAP apart (1e-6 would
 * not be resolvable in float32) and says how many it kept. Exact ties are checked on their own: both
 * put the earlier candidate (the earlier document) first.
 */
class ExportLuceneTest {
  private static final double GAP = 1e-3;
  private static final SimulatedRequests REQUESTS = new SimulatedRequests(TinyWorld.create(7), 3L, 100, 10);
  private static final ServingSchema SCHEMA = REQUESTS.schema();

  /** A request of every candidate of simulated request {@code i}, asking for all of them. */
  private static RankRequest all(long i) {
    RankRequest r = REQUESTS.session(i).request();
    return new RankRequest(Optional.empty(), Optional.empty(), r.context(), r.ids(), r.baseScores(), r.features(),
        r.size());
  }

  /** The candidates of {@code r} whose scores under {@code m} are at least GAP apart. */
  private static RankRequest separated(RankRequest r, LinearBoost m) {
    double[] scores = new double[r.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = m.score(r.baseScore(i), r.features()[i]);
    }
    return LuceneRescore.separated(r, scores, GAP);
  }

  /** Lucene's order of {@code r}'s candidates under the weights of {@code modelJson}. */
  private static int[] lucene(RankRequest r, String modelJson, LinearBoost m) throws Exception {
    double min = Double.MAX_VALUE;
    for (int i = 0; i < r.size(); i++) {
      min = Math.min(min, m.score(r.baseScore(i), r.features()[i]));
    }
    return LuceneRescore.rank(r.baseScores(), r.features(), SCHEMA.candidate(), LuceneRescore.weights(modelJson),
        Math.max(0, -min) + 1);
  }

  private static void sameOrder(PolicySnapshot p, String name, long request) throws Exception {
    ServingPolicy bound = ServingPolicies.bind(p.greedy(), SCHEMA);
    RankRequest full = all(request);
    LinearBoost m = PolicyExport.linear(name, name, "all", bound, SCHEMA, full.context(), true);
    RankRequest r = separated(full, m);
    assertTrue(r.size() >= 50, name + ": only " + r.size() + " of " + full.size() + " candidates are " + GAP
        + " apart");
    int[] ours = bound.rank(r, new NumpyRandom(0)).order();
    for (PolicyExport.Format f : PolicyExport.Format.values()) {
      Map<String, String> files = PolicyExport.files(f, List.of(m), "title");
      assertArrayEquals(ours, lucene(r, files.get("model-all.json"), m), name + " in " + f.id() + " on "
          + r.size() + " candidates");
    }
  }

  @Test
  void everyBuiltInRanksInLuceneAsInRlsearch() throws Exception {
    for (String name : PolicyCatalog.builtIns().keySet()) {
      sameOrder(PolicyCatalog.builtIn(name), name, 1);
    }
  }

  @Test
  void weightsOfEverySignAndScaleRankAlike() throws Exception {
    double[] w = {1.37, -2.2, 0.013, 2.999, -0.7, 0.25, -3.0, 1e-3, 0.61803398875, -1.41421356237};
    sameOrder(PolicyCatalog.weights("mixed", w), "mixed", 2);
    // the weights matter: the order is not the base score's
    RankRequest r = all(2);
    int[] byBase = ServingPolicies.topK(r.baseScores(), r.size());
    int[] mixed = ServingPolicies.bind(PolicyCatalog.weights("mixed", w), SCHEMA).rank(r, new NumpyRandom(0)).order();
    assertFalse(Arrays.equals(byBase, mixed));
  }

  @Test
  void weightsAreClippedToTheActionBoxAsServingClipsThem() {
    PolicySnapshot p = PolicyCatalog.weights("fixed", new double[] {5, 0, 0, 0, 0, 0, 0, 0, 0, -5});
    LinearBoost m = PolicyExport.linear("fixed", "fixed", "all", ServingPolicies.bind(p, SCHEMA), SCHEMA,
        all(0).context(), false);
    assertEquals(3.0, m.weights()[0]);
    assertEquals(-3.0, m.weights()[9]);
    assertTrue(m.context().isEmpty());
  }

  @Test
  void exactTiesGoToTheEarlierCandidateInBoth() throws Exception {
    RankRequest full = all(4);
    double[][] f = Arrays.copyOf(full.features(), 6);
    double[] base = Arrays.copyOf(full.baseScores(), 6);
    f[5] = f[1].clone();
    base[5] = base[1];
    f[4] = f[0].clone();
    base[4] = base[0];
    RankRequest r = new RankRequest(Optional.empty(), Optional.empty(), full.context(),
        new String[] {"a", "b", "c", "d", "a2", "b2"}, base, f, 6);
    ServingPolicy bound = ServingPolicies.bind(PolicyCatalog.builtIn("cm2_price"), SCHEMA);
    LinearBoost m = PolicyExport.linear("t", "t", "all", bound, SCHEMA, r.context(), false);
    int[] ours = bound.rank(r, new NumpyRandom(0)).order();
    String json = PolicyExport.files(PolicyExport.Format.SOLR_LTR, List.of(m), "title").get("model-all.json");
    assertArrayEquals(ours, lucene(r, json, m));
    List<Integer> order = Arrays.stream(ours).boxed().toList();
    assertTrue(order.indexOf(1) < order.indexOf(5) && order.indexOf(0) < order.indexOf(4), order.toString());
  }

  @Test
  void aPolicyThatDrawsEvenWithoutExplorationIsRefused() {
    PolicySnapshot random = ContinuousAgents.uniform("random_weights", 10, 3.0).create(0, 0).snapshot(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyExport.linear("r", "r",
        "all", ServingPolicies.bind(random, SCHEMA), SCHEMA, all(0).context(), true));
    assertTrue(e.getMessage().contains("draws its weights at random"), e.getMessage());
  }

  @Test
  void theFilesHoldTheEnginesShapes() throws Exception {
    LinearBoost m = PolicyExport.linear("rlsearch_cm2_price_all", "cm2_price", "all",
        ServingPolicies.bind(PolicyCatalog.builtIn("cm2_price"), SCHEMA), SCHEMA, all(0).context(), false);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, String> solr = PolicyExport.files(PolicyExport.Format.SOLR_LTR, List.of(m), "title");
    assertEquals(List.of("features.json", "model-all.json", "README.txt"), List.copyOf(solr.keySet()));
    var features = json.readTree(solr.get("features.json"));
    assertEquals(11, features.size());
    assertEquals("org.apache.solr.ltr.feature.OriginalScoreFeature", features.get(0).path("class").asText());
    assertEquals("org.apache.solr.ltr.feature.FieldValueFeature", features.get(1).path("class").asText());
    assertEquals("cm2", features.get(1).path("params").path("field").asText());
    var model = json.readTree(solr.get("model-all.json"));
    assertEquals("org.apache.solr.ltr.model.LinearModel", model.path("class").asText());
    assertEquals(11, model.path("features").size());
    Map<String, Float> expected = new LinkedHashMap<>();
    expected.put("original_score", 1f);
    for (String c : SCHEMA.candidate()) {
      expected.put(c, c.equals("cm2") || c.equals("price") ? 3f : 0f);
    }
    assertEquals(expected, LuceneRescore.weights(solr.get("model-all.json")));
    Map<String, String> os = PolicyExport.files(PolicyExport.Format.OPENSEARCH_LTR, List.of(m), "name");
    assertEquals(List.of("featureset.json", "model-all.json", "README.txt"), List.copyOf(os.keySet()));
    var set = json.readTree(os.get("featureset.json")).path("featureset");
    assertEquals("rlsearch", set.path("name").asText());
    assertEquals("{{keywords}}", set.path("features").get(0).path("template").path("match").path("name").asText());
    assertEquals("cm2", set.path("features").get(1).path("template").path("function_score")
        .path("field_value_factor").path("field").asText());
    assertEquals("model/linear", json.readTree(os.get("model-all.json")).path("model").path("model").path("type")
        .asText());
    assertEquals(expected, LuceneRescore.weights(os.get("model-all.json")));
  }
}
