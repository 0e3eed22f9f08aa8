package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
  @TempDir Path dir;

  private static LoggedDecision sample(long ep, int step, boolean done) {
    return new LoggedDecision("epsilon-greedy", 3, ep, step, new double[] {1, 0, 0.25}, 2, null, 0.7375,
        new double[] {0.0375, 0.0375, 0.7375, 0.0375, 0.0375, 0.0375, 0.0375, 0.0375}, 12.5, done,
        new LoggedDecision.Outcome(11.0, 1.2, 0, 2, 1));
  }

  @Test
  void writesAndReadsBackEveryDecisionExactly() {
    List<LoggedDecision> in = List.of(sample(0, 0, false), sample(0, 1, true), sample(1, 0, true),
        new LoggedDecision("gauss", 1, 2, 0, new double[] {0.5}, -1, new double[] {0.1, -4.9}, 0.013, null, -1.0e-300,
            true, LoggedDecision.Outcome.NONE));
    Path f = dir.resolve("sub/log.jsonl");
    assertEquals(4, DecisionLog.write(f, in));
    assertEquals(in, DecisionLog.read(f));
    List<Trajectory> t = Trajectory.group(DecisionLog.read(f));
    assertEquals(3, t.size());
    assertEquals(2, t.get(0).length());
  }

  @Test
  void aBadLineIsRefusedWithItsFileAndLineNumber() throws IOException {
    Path f = dir.resolve("bad.jsonl");
    String good = DecisionLog.toLine(sample(0, 0, true));
    Files.writeString(f, good + "\n\n" + good.replace("\"propensity\":0.7375", "\"propensity\":-1") + "\n");
    DecisionLog.FormatException e = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.read(f));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("propensity"), e.getMessage());

    Files.writeString(f, good.replace("\"reward\"", "\"rewrd\"") + "\n");
    e = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.read(f));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("field 'rew"), e.getMessage());

    Files.writeString(f, "{not json\n");
    assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.read(f));

    // A field given twice is refused, not read as its last value.
    Files.writeString(f, good.replace("\"reward\":", "\"reward\":1e9,\"reward\":") + "\n");
    e = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.read(f));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("reward"), e.getMessage());
  }

  /** A slate decision of {@code n} candidates of {@code f} features, values as a client sends them (3 decimals). */
  static LoggedDecision slateDecision(int n, int f, long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    List<String> features = new java.util.ArrayList<>();
    for (int j = 0; j < f; j++) {
      features.add("feature_" + j);
    }
    List<String> ids = new java.util.ArrayList<>();
    double[] base = new double[n];
    double[][] rows = new double[n][f];
    for (int i = 0; i < n; i++) {
      ids.add("sku-" + (10_000 + i));
      base[i] = Math.round(rnd.nextDouble() * 1000) / 1000.0;
      for (int j = 0; j < f; j++) {
        rows[i][j] = Math.round(rnd.nextGaussian() * 1000) / 1000.0;
      }
    }
    int[] ranking = java.util.stream.IntStream.of(7, 3, 0, 42, 99, 15, 8, 61, 23, 5).map(i -> i % n).distinct()
        .toArray();
    return new LoggedDecision("diffrank", 4, 1_000_000_000L, 0, new double[] {0, 0, 0.25}, -1, null, 1.2e-16, null,
        3.5, true, new LoggedDecision.Outcome(3.5, 0.8, 0, 1, 1), LoggedDecision.RANKING,
        new LoggedDecision.Slate(features, ids, base, rows, ranking));
  }

  @Test
  void aSlateDecisionRoundTripsWithItsCandidatesRowsRankingAndWhatItsPropensityIsOf() {
    LoggedDecision d = slateDecision(100, 10, 1);
    Path f = dir.resolve("slate.jsonl");
    DecisionLog.write(f, List.of(d, sample(0, 0, true)));
    List<LoggedDecision> back = DecisionLog.read(f);
    assertEquals(List.of(d, sample(0, 0, true)), back);
    LoggedDecision.Slate s = back.get(0).slate();
    assertEquals(100, s.size());
    assertEquals("sku-10007", s.ids().get(s.ranking()[0]), "the ranking indexes the ids");
    assertEquals(d.slate().rows()[99][9], s.rows()[99][9]);
    assertEquals(LoggedDecision.RANKING, back.get(0).propensityOf());
    assertEquals(null, back.get(1).slate(), "a decision without a slate has none");
    assertEquals(LoggedDecision.ARM, back.get(1).propensityOf());
    String line = DecisionLog.toLine(d);
    // 100 x 10 values of 3 decimals, the ids, the base scores and the names: about 9 KB.
    assertTrue(line.length() < 9_500, line.length() + " characters");
    assertTrue(line.contains("\"action\":[]"), "the slate says what the policy did; no score vector");
    assertFalse(DecisionLog.toLine(sample(0, 0, true)).contains("slate"), "no slate, no field");
  }

  @Test
  void aLogWrittenBeforePropensityOfAndSlateReadsWithTheDefaultsTheirKindImplies() {
    // Lines as the log wrote them before the two fields existed.
    String discrete = "{\"policy\":\"linucb\",\"version\":2,\"episode\":1000000000,\"step\":0,\"context\":[1.0,0.5],"
        + "\"arm\":3,\"action\":[],\"propensity\":0.9,\"probabilities\":[],\"reward\":2.0,\"done\":true,"
        + "\"outcome\":{\"gmv\":2.0,\"cm2\":0.5,\"strat\":0.0,\"clicks\":1.0,\"orders\":1.0}}";
    String continuous = "{\"policy\":\"cm2_price\",\"version\":1,\"episode\":1000000001,\"step\":0,"
        + "\"context\":[0.8],\"arm\":-1,\"action\":[3.0,0.0],\"propensity\":1.0,\"probabilities\":[],\"reward\":12.5,"
        + "\"done\":true,\"outcome\":{\"gmv\":11.6,\"cm2\":2.4,\"strat\":0.0,\"clicks\":1.0,\"orders\":1.0}}";
    LoggedDecision a = DecisionLog.parse(discrete, "old line 1");
    assertEquals(LoggedDecision.ARM, a.propensityOf());
    assertEquals(null, a.slate());
    assertEquals(3, a.arm());
    LoggedDecision w = DecisionLog.parse(continuous, "old line 2");
    assertEquals(LoggedDecision.WEIGHTS, w.propensityOf());
    assertEquals(null, w.slate());
    // Written again, each line says it.
    assertTrue(DecisionLog.toLine(w).contains("\"propensityOf\":\"weights\""), DecisionLog.toLine(w));
  }

  @Test
  void aWrongPropensityOfOrSlateIsRefusedWithOneLineNamingWhatIsAccepted() {
    String good = DecisionLog.toLine(sample(0, 0, true));
    DecisionLog.FormatException e = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.parse(
        good.replace("\"propensityOf\":\"arm\"", "\"propensityOf\":\"density\""), "x line 1"));
    assertTrue(e.getMessage().contains("propensityOf must be one of arm, deterministic, exploration, ranking, weights;"
        + " got 'density'"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    e = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.parse(
        good.replace("\"propensityOf\":\"arm\"", "\"propensityOf\":\"weights\""), "x line 1"));
    assertTrue(e.getMessage().contains("does not fit a discrete decision"), e.getMessage());
    String slate = DecisionLog.toLine(slateDecision(3, 2, 2));
    assertTrue(slate.contains("\"ranking\":[1,0,2]"), slate);
    e = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.parse(slate.replace("\"ranking\":[1,",
        "\"ranking\":[9,"), "x line 2"));
    assertTrue(e.getMessage().startsWith("decision log x line 2: a slate's ranking holds distinct indices in 0..2"),
        e.getMessage());
    e = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.parse(slate.replace("\"rows\":[[",
        "\"rows\":[[1.0,"), "x line 3"));
    assertTrue(e.getMessage().contains("slate row 0 needs 2 features"), e.getMessage());
  }

  @Test
  void aReaderOfBoostWeightDecisionsRefusesASlateDecisionByNumberAndPolicy() {
    Path f = dir.resolve("mixed.jsonl");
    DecisionLog.write(f, List.of(sample(0, 0, true), slateDecision(4, 2, 3)));
    DecisionLog.FormatException e = assertThrows(DecisionLog.FormatException.class,
        () -> DecisionLog.readWithoutSlates(f));
    assertTrue(e.getMessage().startsWith("decision log " + f + ": decision 2 (episode 1000000000, policy 'diffrank')"
        + " is a slate policy's ranking (propensityOf 'ranking')"), e.getMessage());
    Path plain = dir.resolve("plain.jsonl");
    DecisionLog.write(plain, List.of(sample(0, 0, true)));
    assertEquals(List.of(sample(0, 0, true)), DecisionLog.readWithoutSlates(plain));
  }

  @Test
  void groupingRefusesGapsAndEarlyEnds() {
    assertThrows(IllegalArgumentException.class, () -> Trajectory.group(List.of(sample(0, 0, false), sample(0, 2, true))));
    assertThrows(IllegalArgumentException.class, () -> Trajectory.group(List.of(sample(0, 0, true), sample(0, 1, true))));
    assertThrows(IllegalArgumentException.class, () -> Trajectory.group(List.of(sample(0, 0, false), sample(0, 0, true))));
  }
}
