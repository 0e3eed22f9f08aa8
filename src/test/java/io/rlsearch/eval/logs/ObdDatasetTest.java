package io.rlsearch.eval.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObdDatasetTest {
  private static final Path SHIPPED = Path.of("data/obd");
  private static final java.util.Map<String, ObdDataset> READ = new java.util.concurrent.ConcurrentHashMap<>();

  /** Each shipped sample read once for the whole class. */
  private static ObdDataset shipped(String behavior, String campaign) {
    return READ.computeIfAbsent(behavior + "/" + campaign, k -> ObdDataset.read(SHIPPED, behavior, campaign));
  }

  /**
   * The shipped samples. Expected values counted from the CSV files by an independent script: clicks,
   * the sum of propensity_score over the rows at each position, the width of OBP's one-hot context.
   */
  @ParameterizedTest
  @CsvSource({
      "random, men,   34, 46, 96.58823529412217,  99.64705882353411, 97.88235294118107,  21",
      "random, women, 46, 46, 72.36956521738826,  73.34782608695342, 71.67391304347525,  19",
      "bts,    men,   34, 69, 649.8462467647065,  539.7490399999987, 446.34874499999995, 22",
      "bts,    women, 46, 46, 610.0005691304364,  399.46368426087014, 345.57753000000025, 19"})
  void readsTheShippedSamples(String behavior, String campaign, int nActions, int clicks, double pscoreAt1,
      double pscoreAt2, double pscoreAt3, int contextWidth) {
    ObdDataset d = shipped(behavior, campaign);

    assertTrue(d.badRows().isEmpty(), d.badRows().describe());
    assertTrue(d.badItems().isEmpty(), d.badItems().describe());
    assertEquals(10_000, d.nRounds());
    assertEquals(nActions, d.nActions());
    assertEquals(nActions, d.items().size(), "every item of item_context.csv is logged");
    assertEquals(3, d.lenList());
    assertEquals(clicks / 10_000.0, d.meanReward(), 1e-15);

    double[] sum = new double[3];
    int[] positions = d.positions();
    double[] pscores = d.pscores();
    for (int i = 0; i < positions.length; i++) {
      sum[positions[i]] += pscores[i];
    }
    assertArrayEquals(new double[] {pscoreAt1, pscoreAt2, pscoreAt3}, sum, 1e-9);

    assertEquals(contextWidth, d.contextColumns().size());
    double[][] x = d.context();
    assertEquals(10_000, x.length);
    for (double[] row : x) {
      assertEquals(contextWidth, row.length);
      double ones = 0;
      for (double v : row) {
        assertTrue(v == 0 || v == 1);
        ones += v;
      }
      assertTrue(ones <= 4, "at most one column per user feature");
    }
    double[][] items = d.actionContext();
    assertEquals(nActions, items.length);
    assertEquals(4, items[0].length);
    for (ObdRound r : d.rounds()) {
      assertEquals(nActions, r.affinity().length, "one user-item affinity per item");
    }
  }

  @ParameterizedTest
  @CsvSource({"men, 34", "women, 46"})
  void theUniformRandomPolicyShowsEveryItemWithOneOverTheNumberOfItems(String campaign, int nActions) {
    for (double p : shipped("random", campaign).pscores()) {
      assertEquals(1.0 / nActions, p, 1e-15);
    }
  }

  @Test
  void theShippedRowsAreInTimestampOrderAsThePipelineSortsThem() {
    for (String behavior : ObdDataset.BEHAVIORS) {
      for (String campaign : List.of("men", "women")) {
        List<ObdRound> rounds = shipped(behavior, campaign).rounds();
        for (int i = 1; i < rounds.size(); i++) {
          assertFalse(rounds.get(i).timestamp().isBefore(rounds.get(i - 1).timestamp()),
              behavior + "/" + campaign + " line " + rounds.get(i).line());
        }
      }
    }
  }

  @Test
  void readsTheFirstShippedRowField() {
    ObdRound first = shipped("random", "men").rounds().get(0);
    assertEquals(2, first.line());
    assertEquals(java.time.Instant.parse("2019-11-24T00:03:13.442536Z"), first.timestamp());
    assertEquals(14, first.action());
    assertEquals(2, first.position(), "position 3 in the file is the third slot, 2 from 0");
    assertEquals(0, first.reward());
    assertEquals(0.029411764705882353, first.pscore());
    assertEquals(List.of("cef3390ed299c09874189c387777674a", "03a5648a76832f83c859d46bc06cb64a",
        "7bc94a2da491829b777c49c4b5e480f2", "9bde591ffaab8d54c457448e4dca6f53"), first.userFeatures());
  }

  // A small dataset in the published layout: two items, two affinity columns.
  private static final String HEADER = ",timestamp,item_id,position,click,propensity_score,"
      + "user_feature_0,user_feature_1,user_feature_2,user_feature_3,user-item_affinity_0,user-item_affinity_1\n";
  private static final String ITEMS = ",item_id,item_feature_0,item_feature_1,item_feature_2,item_feature_3\n"
      + "0,0,-0.5,b,x,p\n"
      + "1,1,0.25,a,x,q\n";

  private static Path write(Path dir, String rounds, String items) throws IOException {
    Path base = Files.createDirectories(dir.resolve("bts/men"));
    Files.writeString(base.resolve("men.csv"), rounds);
    Files.writeString(base.resolve("item_context.csv"), items);
    return dir;
  }

  private static String row(int index, String item, String position, String click, String pscore) {
    return index + ",2019-11-24 00:00:0" + index + ".5+00:00," + item + "," + position + "," + click + "," + pscore
        + ",u1,v,w,z,0.0,1.5\n";
  }

  @Test
  void countsBadRowsWithTheirLinesAndKeepsTheGoodOnes(@TempDir Path dir) throws IOException {
    String rounds = HEADER
        + row(0, "1", "1", "0", "0.5")                 // line 2: good
        + "1,2019-11-24 00:00:01+00:00,0,2,1,0.5\n"    // line 3: too few fields
        + row(2, "0", "2", "1", "half")                // line 4: pscore not a number
        + row(3, "0", "4", "0", "0.5")                 // line 5: position out of 1..3
        + row(4, "0", "1", "0", "0")                   // line 6: pscore 0
        + row(5, "0", "1", "0", "1.5")                 // line 7: pscore above 1
        + row(6, "0", "1", "2", "0.5")                 // line 8: click 2
        + row(7, "2", "1", "0", "0.5")                 // line 9: no item 2
        + "\n"                                         // line 10: blank, skipped
        + row(8, "0", "3", "1", "1");                  // line 11: good, pscore 1 allowed
    ObdDataset d = ObdDataset.read(write(dir, rounds, ITEMS), "bts", "men");

    assertEquals(2, d.nRounds());
    assertEquals(List.of(2L, 11L), d.rounds().stream().map(ObdRound::line).toList());
    assertEquals(7, d.badRows().count());
    String file = dir.resolve("bts/men/men.csv").toString();
    assertEquals(List.of(
        file + " line 3: 6 fields, expected 12 as in the header",
        file + " line 4: propensity_score is 'half', not a number",
        file + " line 5: position is 4, not in 1..3",
        file + " line 6: propensity_score is 0.0, not in (0, 1]",
        file + " line 7: propensity_score is 1.5, not in (0, 1]",
        file + " line 8: click is 2.0, not 0 or 1",
        file + " line 9: item_id is 2, not an item of item_context.csv (0..1)"), d.badRows().first());
    assertTrue(d.badRows().describe().startsWith("7 bad rows (not read); first: " + file + " line 3: "));
  }

  /**
   * A bad row of item_context.csv is refused in one line naming it, and only it: the items after it are
   * not reported too (every item needs its row, its features being the action's context).
   */
  @Test
  void aBadItemRowIsOneLineNamingThatRowAlone(@TempDir Path dir) throws IOException {
    String items = ",item_id,item_feature_0,item_feature_1,item_feature_2,item_feature_3\n"
        + "0,0,-0.5,b,x,p\n"
        + "1,1,oops,a,x,q\n"
        + "2,2,0.25,a,x,q\n"
        + "3,3,0.75,a,y,q\n";
    write(dir, HEADER + row(0, "0", "1", "0", "0.5"), items);
    LogFormatException e = assertThrows(LogFormatException.class, () -> ObdDataset.read(dir, "bts", "men"));
    assertTrue(e.getMessage().startsWith(dir.resolve("bts/men/item_context.csv") + ": 1 bad row"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    assertTrue(!e.getMessage().contains("line 4") && !e.getMessage().contains("line 5"), e.getMessage());
  }

  @Test
  void keepsTheFirstTenProblemsAndCountsAll(@TempDir Path dir) throws IOException {
    StringBuilder rounds = new StringBuilder(HEADER);
    for (int i = 0; i < 25; i++) {
      rounds.append(row(i % 10, "0", "9", "0", "0.5"));
    }
    ObdDataset d = ObdDataset.read(write(dir, rounds.toString(), ITEMS), "bts", "men");
    assertEquals(0, d.nRounds());
    assertEquals(25, d.badRows().count());
    assertEquals(BadRows.KEPT, d.badRows().first().size());
    assertTrue(d.badRows().first().get(9).contains(" line 11: position is 9"));
  }

  @Test
  void encodesTheUserAndItemFeaturesAsThePipelineDoes(@TempDir Path dir) throws IOException {
    String rounds = HEADER
        + "0,2019-11-24 00:00:00.5+00:00,0,1,0,0.5,b,v,w,z,0.0,0.0\n"
        + "1,2019-11-24 00:00:01.5+00:00,1,2,1,0.5,a,v,w,y,0.0,0.0\n"
        + "2,2019-11-24 00:00:02.5+00:00,1,3,0,0.5,c,v,w,z,0.0,0.0\n";
    ObdDataset d = ObdDataset.read(write(dir, rounds, ITEMS), "bts", "men");

    // get_dummies(drop_first=True): feature 0 has a<b<c, a dropped; features 1 and 2 have one value,
    // dropped; feature 3 has y<z, y dropped.
    assertEquals(List.of("user_feature_0=b", "user_feature_0=c", "user_feature_3=z"), d.contextColumns());
    assertArrayEquals(new double[][] {{1, 0, 1}, {0, 0, 0}, {0, 1, 1}}, d.context());
    // LabelEncoder on item_feature_1..3 (b,a -> 1,0; x,x -> 0,0; p,q -> 0,1), then item_feature_0.
    assertArrayEquals(new double[][] {{1, 0, 0, -0.5}, {0, 0, 1, 0.25}}, d.actionContext());
    assertArrayEquals(new int[] {0, 1, 2}, d.positions());
    assertArrayEquals(new int[] {0, 1, 1}, d.actions());
    assertArrayEquals(new int[] {0, 1, 0}, d.rewards());
  }

  @Test
  void aWrongHeaderColumnIsOneLineNamingTheFileTheColumnAndTheExpectedName(@TempDir Path dir) throws IOException {
    write(dir, HEADER.replace("item_id", "itemid") + row(0, "0", "1", "0", "0.5"), ITEMS);
    LogFormatException e = assertThrows(LogFormatException.class, () -> ObdDataset.read(dir, "bts", "men"));
    assertEquals(dir.resolve("bts/men/men.csv") + ": header column 3 is 'itemid', expected 'item_id'", e.getMessage());
  }

  @Test
  void aMissingOrMisnumberedColumnIsOneLine(@TempDir Path dir) throws IOException {
    write(dir, ",timestamp,item_id,position,click\n", ITEMS);
    LogFormatException missing = assertThrows(LogFormatException.class, () -> ObdDataset.read(dir, "bts", "men"));
    assertTrue(missing.getMessage().startsWith(dir.resolve("bts/men/men.csv")
        + ": header has no column 6; expected 'propensity_score'"), missing.getMessage());

    write(dir, HEADER.replace("affinity_1", "affinity_2"), ITEMS);
    LogFormatException affinity = assertThrows(LogFormatException.class, () -> ObdDataset.read(dir, "bts", "men"));
    assertEquals(dir.resolve("bts/men/men.csv")
        + ": header column 12 is 'user-item_affinity_2', expected 'user-item_affinity_1'", affinity.getMessage());

    write(dir, HEADER, ITEMS.replace("item_feature_3", "item_feature_4"));
    LogFormatException item = assertThrows(LogFormatException.class, () -> ObdDataset.read(dir, "bts", "men"));
    assertEquals(dir.resolve("bts/men/item_context.csv")
        + ": header column 6 is 'item_feature_4', expected 'item_feature_3'", item.getMessage());

    for (LogFormatException e : List.of(missing, affinity, item)) {
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void aMissingFileOrAnUnknownPolicyIsRefused(@TempDir Path dir) {
    LogFormatException e = assertThrows(LogFormatException.class, () -> ObdDataset.read(dir, "random", "women"));
    assertEquals(dir.resolve("random/women/item_context.csv") + ": no such file", e.getMessage());
    IllegalArgumentException policy = assertThrows(IllegalArgumentException.class,
        () -> ObdDataset.read(SHIPPED, "ucb", "men"));
    assertEquals("behavior policy 'ucb': expected one of [random, bts]", policy.getMessage());
    IllegalArgumentException campaign = assertThrows(IllegalArgumentException.class,
        () -> ObdDataset.read(SHIPPED, "bts", "kids"));
    assertEquals("campaign 'kids': expected one of [men, women, all]", campaign.getMessage());
  }
}
