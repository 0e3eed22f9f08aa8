package io.rlsearch.eval.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open Bandit Dataset files at their edges: headers short of a column or with one too many, bad fields. */
class ObdDatasetEdgeTest {
  private static final String ROUND_COLUMNS = ",timestamp,item_id,position,click,propensity_score,"
      + "user_feature_0,user_feature_1,user_feature_2,user_feature_3";
  private static final String HEADER = ROUND_COLUMNS + ",user-item_affinity_0,user-item_affinity_1\n";
  private static final String ITEM_COLUMNS = ",item_id,item_feature_0,item_feature_1,item_feature_2,item_feature_3";
  private static final String ITEMS = ITEM_COLUMNS + "\n0,0,-0.5,b,x,p\n1,1,0.25,a,x,q\n";

  @TempDir Path dir;

  private Path write(String rounds, String items) throws IOException {
    Path base = Files.createDirectories(dir.resolve("bts/men"));
    Files.writeString(base.resolve("men.csv"), rounds);
    Files.writeString(base.resolve("item_context.csv"), items);
    return dir;
  }

  private String refusal(String rounds, String items) throws IOException {
    write(rounds, items);
    return assertThrows(LogFormatException.class, () -> ObdDataset.read(dir, "bts", "men")).getMessage();
  }

  @Test
  void aRoundsHeaderWithoutAffinityColumnsNamesTheFirstOne() throws IOException {
    assertEquals(dir.resolve("bts/men/men.csv") + ": header has no column 11; expected 'user-item_affinity_0'"
        + " (header: " + ROUND_COLUMNS + ",user-item_affinity_0,...)", refusal(ROUND_COLUMNS + "\n", ITEMS));
  }

  @Test
  void anItemsHeaderShortOfAColumnOrWithAnExtraOneNamesIt() throws IOException {
    String file = dir.resolve("bts/men/item_context.csv").toString();
    assertEquals(file + ": header has no column 6; expected 'item_feature_3' (header: " + ITEM_COLUMNS + ")",
        refusal(HEADER, ",item_id,item_feature_0,item_feature_1,item_feature_2\n"));
    assertEquals(file + ": header has an extra column 7 'colour' (header: " + ITEM_COLUMNS + ")",
        refusal(HEADER, ITEM_COLUMNS + ",colour\n0,0,-0.5,b,x,p,red\n"));
    assertEquals(file + ": empty file; expected a header line " + ITEM_COLUMNS, refusal(HEADER, ""));
  }

  @Test
  void anItemRowWithTheWrongNumberOfFieldsIsABadRow() throws IOException {
    String message = refusal(HEADER, ITEM_COLUMNS + "\n0,0,-0.5,b,x,p,extra\n1,1,0.25,a,x,q\n");
    assertTrue(message.contains("line 2: 7 fields, expected 6 as in the header"), message);
  }

  private static String row(String users, String affinity) {
    return "0,2019-11-24 00:00:00.5+00:00,1,2,1,0.5," + users + "," + affinity + "\n";
  }

  @Test
  void everyUserFeatureAndAffinityIsReadAndChecked() throws IOException {
    write(HEADER + row("u1,v,w,z", "0.25,1.5") + row("u1, ,w,z", "0,0") + row("u1,v,w,z", "0,high"), ITEMS);
    ObdDataset d = ObdDataset.read(dir, "bts", "men");
    assertEquals(1, d.nRounds());
    ObdRound r = d.rounds().get(0);
    assertEquals(List.of("u1", "v", "w", "z"), r.userFeatures());
    assertArrayEquals(new double[] {0.25, 1.5}, r.affinity());
    assertEquals(1, r.action());
    assertEquals(1, r.position());
    String file = dir.resolve("bts/men/men.csv").toString();
    assertEquals(List.of(file + " line 3: user_feature_1 is empty",
        file + " line 4: user-item_affinity_1 is 'high', not a number"), d.badRows().first());
  }
}
