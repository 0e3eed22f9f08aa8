package io.rlsearch.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rank requests are parsed against the schema, and a weight policy ranks by base + w . f. */
class RankRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ServingSchema SCHEMA = new ServingSchema(List.of("a", "b"), List.of("x", "y"),
      Map.of("b", 0.5), ServingSchema.Reward.gmvOnly(), new ServingSchema.Limits(3, 4096, Duration.ofMinutes(1), 10));

  private static JsonNode body(String s) throws Exception {
    return JSON.readTree(s);
  }

  private static BadInput refused(String s) throws Exception {
    JsonNode b = body(s);
    return assertThrows(BadInput.class, () -> RankRequest.parse(b, SCHEMA));
  }

  @Test
  void aRequestIsReadInTheSchemasOrderWithItsDefaults() throws Exception {
    RankRequest r = RankRequest.parse(body("{\"request_id\": \"r1\", \"context\": {\"a\": 2},"
        + " \"candidates\": [{\"id\": \"p1\", \"base_score\": 1, \"features\": {\"y\": 3, \"x\": 4}},"
        + " {\"id\": \"p2\", \"base_score\": 0.5, \"features\": {\"x\": -1, \"y\": 0}}], \"k\": 5}"), SCHEMA);
    assertArrayEquals(new double[] {2, 0.5}, r.context());
    assertArrayEquals(new double[] {4, 3}, r.features()[0]);
    assertEquals(2, r.k(), "k is capped at the candidates");
    assertEquals("r1", r.routingKey());
  }

  @Test
  void eachBadInputIsRefusedNamingItsField() throws Exception {
    String ok = "{\"id\": \"p\", \"base_score\": 1, \"features\": {\"x\": 1, \"y\": 1}}";
    assertTrue(refused("[]").getMessage().contains("JSON object"));
    assertTrue(refused("{\"context\": {\"a\": 1}}").getMessage().contains("'candidates'"));
    assertTrue(refused("{\"context\": {\"a\": 1}, \"candidates\": []}").getMessage().contains("empty"));
    assertTrue(refused("{\"candidates\": [" + ok + "]}").getMessage().contains("'context.a' is missing"));
    assertTrue(refused("{\"context\": {\"a\": 1, \"zz\": 2}, \"candidates\": [" + ok + "]}").getMessage()
        .contains("'context.zz' is not a feature"));
    assertTrue(refused("{\"context\": {\"a\": \"1\"}, \"candidates\": [" + ok + "]}").getMessage()
        .contains("'context.a' must be a number, got a string"));
    assertTrue(refused("{\"context\": {\"a\": 1e400}, \"candidates\": [" + ok + "]}").getMessage()
        .contains("finite"));
    assertTrue(refused("{\"context\": {\"a\": 1}, \"candidates\": [{\"id\": \"p\", \"base_score\": 1,"
        + " \"features\": {\"x\": 1}}]}").getMessage().contains("'candidates[0].features.y' is missing"));
    assertTrue(refused("{\"context\": {\"a\": 1}, \"candidates\": [" + ok + ", " + ok + "]}").getMessage()
        .contains("distinct"));
    assertTrue(refused("{\"context\": {\"a\": 1}, \"candidates\": [" + ok + "], \"k\": 0}").getMessage()
        .contains("'k'"));
    assertTrue(refused("{\"context\": {\"a\": 1}, \"candidates\": [" + ok + "], \"extra\": 1}").getMessage()
        .contains("'extra' is not a field"));
    String four = "[" + String.join(", ", List.of(ok.replace("\"p\"", "\"p1\""), ok.replace("\"p\"", "\"p2\""),
        ok.replace("\"p\"", "\"p3\""), ok.replace("\"p\"", "\"p4\""))) + "]";
    BadInput tooMany = refused("{\"context\": {\"a\": 1}, \"candidates\": " + four + "}");
    assertEquals(413, tooMany.status());
    assertTrue(tooMany.getMessage().contains("serving.max_candidates"), tooMany.getMessage());
  }

  @Test
  void aWeightPolicyRanksByBasePlusWeightedFeatures() throws Exception {
    RankRequest r = RankRequest.parse(body("{\"context\": {\"a\": 1, \"b\": 0}, \"candidates\": ["
        + "{\"id\": \"p1\", \"base_score\": 1.0, \"features\": {\"x\": 0, \"y\": 0}},"
        + "{\"id\": \"p2\", \"base_score\": 0.0, \"features\": {\"x\": 1, \"y\": 0}},"
        + "{\"id\": \"p3\", \"base_score\": 0.5, \"features\": {\"x\": 0, \"y\": 1}}], \"k\": 2}"), SCHEMA);
    PolicySnapshot p = ContinuousAgents.constant("w", new double[] {2.0, -1.0}).create(0, 0).snapshot(0);
    ServingPolicy s = ServingPolicies.bindWeights(p,
        new ServingPolicies.WeightForm(SCHEMA.context(), SCHEMA.candidate(), 3.0, List.of()), SCHEMA);
    Ranked out = s.rank(r, new NumpyRandom(1));
    // scores: p1 1.0, p2 2.0, p3 -0.5
    assertArrayEquals(new int[] {1, 0}, out.order());
    assertArrayEquals(new double[] {2.0, 1.0}, out.scores());
    assertFalse(out.explored());
  }

  @Test
  void aPolicyReadingAFeatureTheSchemaLacksIsRefusedAtBind() {
    PolicySnapshot p = ContinuousAgents.constant("w", new double[] {1, 1}).create(0, 0).snapshot(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServingPolicies.bindWeights(p,
        new ServingPolicies.WeightForm(List.of("a", "c"), SCHEMA.candidate(), 3.0, List.of()), SCHEMA));
    assertTrue(e.getMessage().contains("'c'"), e.getMessage());
  }

  @Test
  void theRequestStreamDependsOnlyOnSeedAndKey() {
    assertEquals(RequestKeys.policyStream(7, "u1").random(), RequestKeys.policyStream(7, "u1").random());
    assertTrue(RequestKeys.policyStream(7, "u1").random() != RequestKeys.policyStream(7, "u2").random());
    assertTrue(RequestKeys.policyStream(7, "u1").random() != RequestKeys.policyStream(8, "u1").random());
  }
}
