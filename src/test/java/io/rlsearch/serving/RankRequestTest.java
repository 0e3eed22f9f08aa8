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

  /** What parse gives for {@code body}, or null where it refuses. */
  private static RankRequest viaTree(String body) {
    try {
      return RankRequest.parse(JSON.readTree(body), SCHEMA);
    } catch (BadInput | java.io.IOException e) {
      return null;
    }
  }

  private static void assertSame(RankRequest want, RankRequest got, String body) {
    assertEquals(want.requestId(), got.requestId(), body);
    assertEquals(want.userKey(), got.userKey(), body);
    assertArrayEquals(want.context(), got.context(), 0.0, body);
    assertArrayEquals(want.ids(), got.ids(), body);
    assertArrayEquals(want.baseScores(), got.baseScores(), 0.0, body);
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.features()[i], got.features()[i], 0.0, body);
    }
    assertEquals(want.k(), got.k(), body);
  }

  @Test
  void theStreamingParseGivesTheTreesRequestOrLeavesTheBodyToIt() {
    String c1 = "{\"id\": \"p1\", \"base_score\": 1.5, \"features\": {\"y\": 3, \"x\": -4e-3}}";
    String c2 = "{\"features\": {\"x\": 2, \"y\": 1}, \"base_score\": -2, \"id\": \"p2\"}";
    String c3 = "{\"id\": \"p3\", \"base_score\": 0, \"features\": {\"x\": 1}}";
    List<String> plain = List.of(
        "{\"request_id\": \"r1\", \"user_key\": \"u\", \"context\": {\"a\": 2, \"b\": 1}, \"candidates\": ["
            + c1 + ", " + c2 + "], \"k\": 1}",
        "{\"candidates\": [" + c1 + "], \"context\": {\"a\": 1}}",
        "{\"context\": {\"a\": 0.1}, \"candidates\": [" + c2 + ", " + c1 + "], \"k\": 9}",
        "{\"context\": {\"a\": 1, \"b\": 2}, \"candidates\": [" + c1 + "], \"k\": null, \"user_key\": null}");
    for (String b : plain) {
      RankRequest want = viaTree(b);
      assertTrue(want != null, b);
      RankRequest got = RankRequest.parseFast(b.getBytes(java.nio.charset.StandardCharsets.UTF_8), SCHEMA)
          .orElse(null);
      if (!b.contains("null")) {
        assertTrue(got != null, "a plain request is read in one pass: " + b);
      }
      if (got != null) {
        assertSame(want, got, b);
      }
      assertSameOrBothEmpty(got, RankRequest.parseFast(new java.io.ByteArrayInputStream(
          b.getBytes(java.nio.charset.StandardCharsets.UTF_8)), SCHEMA).orElse(null), b);
    }
    // Whatever the tree refuses, the streaming parse leaves to it; what it reads, the tree reads alike.
    List<String> other = List.of("[]", "{}", "{\"context\": {\"a\": 1}, \"candidates\": []}",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c3 + "]}",
        "{\"context\": {\"a\": 1, \"zz\": 2}, \"candidates\": [" + c1 + "]}",
        "{\"context\": {\"a\": \"1\"}, \"candidates\": [" + c1 + "]}",
        "{\"context\": {\"a\": 1e400}, \"candidates\": [" + c1 + "]}",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c1 + ", " + c1 + "]}",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c1 + "], \"k\": 0}",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c1 + "], \"k\": 2.5}",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c1 + "], \"extra\": 1}",
        "{\"context\": {\"a\": 1, \"a\": 2}, \"candidates\": [" + c1 + "]}",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c1 + "]} trailing",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c1 + "]",
        "{\"request_id\": 7, \"context\": {\"a\": 1}, \"candidates\": [" + c1 + "]}",
        "{\"context\": {\"a\": 1}, \"candidates\": [" + c1 + ", " + c2 + ", " + c1.replace("p1", "p4") + ", "
            + c2.replace("p2", "p5") + "]}",
        "{\"context\": {\"a\": 1}, \"candidates\": [{\"id\": \"\", \"base_score\": 1}]}",
        "{\"context\": {\"a\": 1}, \"candidates\": [{\"id\": \"p\", \"base_score\": true, \"features\": {}}]}");
    for (String b : other) {
      RankRequest got = RankRequest.parseFast(b.getBytes(java.nio.charset.StandardCharsets.UTF_8), SCHEMA)
          .orElse(null);
      RankRequest want = viaTree(b);
      if (got != null) {
        assertTrue(want != null, "the streaming parse read what the tree refuses: " + b);
        assertSame(want, got, b);
      }
      assertSameOrBothEmpty(got, RankRequest.parseFast(new java.io.ByteArrayInputStream(
          b.getBytes(java.nio.charset.StandardCharsets.UTF_8)), SCHEMA).orElse(null), b);
    }
    assertTrue(RankRequest.parseFast("{\"context\": {\"a\": 1}, \"candidates\": []}".getBytes(
        java.nio.charset.StandardCharsets.UTF_8), SCHEMA).isEmpty());
  }

  private static void assertSameOrBothEmpty(RankRequest a, RankRequest b, String body) {
    assertEquals(a == null, b == null, "the byte and the stream parse agree on whether they read: " + body);
    if (a != null) {
      assertSame(a, b, body);
    }
  }

  /** The streaming parse reads numbers by a fast parser: the doubles must be exactly the JDK's. */
  @Test
  void everyNumberReadsAsTheJdkReadsIt() throws Exception {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    for (int trial = 0; trial < 2_000; trial++) {
      double[] v = new double[3];
      String[] text = new String[3];
      for (int j = 0; j < 3; j++) {
        double x = switch (j) {
          case 0 -> rnd.nextDouble(-1e6, 1e6);
          case 1 -> Double.longBitsToDouble(rnd.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL) * (rnd.nextBoolean() ? 1 : -1);
          default -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-300, 300));
        };
        text[j] = trial % 2 == 0 ? Double.toString(x) : String.format(java.util.Locale.ROOT, "%.17e", x);
        v[j] = Double.parseDouble(text[j]);
      }
      String b = "{\"context\": {\"a\": " + text[0] + ", \"b\": 0}, \"candidates\": [{\"id\": \"p\", \"base_score\": "
          + text[1] + ", \"features\": {\"x\": " + text[2] + ", \"y\": 0}}]}";
      RankRequest got = RankRequest.parseFast(b.getBytes(java.nio.charset.StandardCharsets.UTF_8), SCHEMA).orElseThrow();
      assertEquals(Double.doubleToRawLongBits(v[0]), Double.doubleToRawLongBits(got.context()[0]), text[0]);
      assertEquals(Double.doubleToRawLongBits(v[1]), Double.doubleToRawLongBits(got.baseScores()[0]), text[1]);
      assertEquals(Double.doubleToRawLongBits(v[2]), Double.doubleToRawLongBits(got.feature(0, 0)), text[2]);
    }
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
