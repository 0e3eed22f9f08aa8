package io.rlsearch.eval.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log records' value semantics, the bad-row report, field shortening, and the CSV reader's close. */
class LogRecordsTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2019-11-24T00:00:00Z");

  private static ObdRound obd(long line, Instant t, int action, int position, int reward, double pscore,
      List<String> users, double... affinity) {
    return new ObdRound(line, t, action, position, reward, pscore, users, affinity);
  }

  @Test
  void obdRoundsAreEqualExactlyWhenEveryFieldIsIncludingTheAffinitiesContents() {
    List<String> u = List.of("a", "b", "c", "d");
    ObdRound r = obd(2, T0, 1, 0, 1, 0.5, u, 0.25, 1);
    ObdRound same = obd(2, T0, 1, 0, 1, 0.5, List.of("a", "b", "c", "d"), 0.25, 1);
    assertEquals(r, same);
    assertEquals(r.hashCode(), same.hashCode());
    assertEquals(r, r);
    for (ObdRound other : List.of(obd(3, T0, 1, 0, 1, 0.5, u, 0.25, 1), obd(2, T0.plusMillis(1), 1, 0, 1, 0.5, u, 0.25, 1),
        obd(2, T0, 2, 0, 1, 0.5, u, 0.25, 1), obd(2, T0, 1, 1, 1, 0.5, u, 0.25, 1), obd(2, T0, 1, 0, 0, 0.5, u, 0.25, 1),
        obd(2, T0, 1, 0, 1, 0.25, u, 0.25, 1), obd(2, T0, 1, 0, 1, 0.5, List.of("a", "b", "c", "e"), 0.25, 1),
        obd(2, T0, 1, 0, 1, 0.5, u, 0.25, 2))) {
      assertNotEquals(r, other, other.toString());
    }
    assertNotEquals(r, "ObdRound");
    assertEquals("ObdRound[line=2, timestamp=2019-11-24T00:00:00Z, action=1, position=0, reward=1, pscore=0.5,"
        + " userFeatures=[a, b, c, d], affinity=[0.25, 1.0]]", r.toString());
  }

  @Test
  void loggedRoundsAreEqualExactlyWhenEveryFieldIsIncludingTheContextsContents() {
    LoggedRound r = new LoggedRound(2, "r1", 1, 0, 0.5, 0.25, new double[] {1, 2});
    LoggedRound same = new LoggedRound(2, "r1", 1, 0, 0.5, 0.25, new double[] {1, 2});
    assertEquals(r, same);
    assertEquals(r.hashCode(), same.hashCode());
    for (LoggedRound other : List.of(new LoggedRound(3, "r1", 1, 0, 0.5, 0.25, new double[] {1, 2}),
        new LoggedRound(2, "r2", 1, 0, 0.5, 0.25, new double[] {1, 2}),
        new LoggedRound(2, "r1", 2, 0, 0.5, 0.25, new double[] {1, 2}),
        new LoggedRound(2, "r1", 1, 1, 0.5, 0.25, new double[] {1, 2}),
        new LoggedRound(2, "r1", 1, 0, 1.5, 0.25, new double[] {1, 2}),
        new LoggedRound(2, "r1", 1, 0, 0.5, 0.5, new double[] {1, 2}),
        new LoggedRound(2, "r1", 1, 0, 0.5, 0.25, new double[] {1, 3}))) {
      assertNotEquals(r, other, other.toString());
    }
    assertNotEquals(r, "LoggedRound");
    assertEquals("LoggedRound[line=2, round=r1, action=1, position=0, reward=0.5, pscore=0.25, context=[1.0, 2.0]]",
        r.toString());
  }

  @Test
  void badRowsDescribeThemselvesInOneLine() {
    BadRows none = BadRows.none();
    assertTrue(none.isEmpty());
    assertEquals(0, none.count());
    assertEquals(List.of(), none.first());
    assertEquals("no bad rows", none.describe());
    assertEquals("1 bad row (not read); first: f line 2: x", new BadRows(1, List.of("f line 2: x")).describe());
    assertEquals("2 bad rows (not read); first: a; b", new BadRows(2, List.of("a", "b")).describe());
  }

  @Test
  void fieldsUpToFortyCharactersAreQuotedWhole() {
    String forty = "x".repeat(40);
    assertEquals(forty, Parse.shorten(forty));
    assertEquals("x".repeat(37) + "...", Parse.shorten(forty + "y"));
  }

  @Test
  void aClosedCsvFileCannotBeReadFurther() throws IOException {
    Path file = Files.writeString(dir.resolve("a.csv"), "a,b\n1,2\n");
    CsvRows rows = CsvRows.open(file);
    assertEquals(List.of("a", "b"), rows.next().fields());
    rows.close();
    assertThrows(UncheckedIOException.class, rows::next);
  }
}
