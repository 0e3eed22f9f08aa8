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

class TeamLogTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void readsTheCsvLayoutAsDocumented() throws IOException {
    Path file = write("log.csv", """
        round,action,position,propensity,reward,ctx_mobile,ctx_age
        r1,shoe-17,1,0.25,1,1,0.31
        r1,"bag,3",2,0.5,0,1,0.31
        r2,shoe-17,1,1,0.75,0,0.52
        """);
    TeamLog log = TeamLog.read(file);

    assertTrue(log.badRows().isEmpty(), log.badRows().describe());
    assertEquals(List.of("age", "mobile"), log.contextNames());
    assertEquals(List.of("shoe-17", "bag,3"), log.actionIds());
    assertEquals(List.of(
        new LoggedRound(2, "r1", 0, 0, 1, 0.25, new double[] {0.31, 1}),
        new LoggedRound(3, "r1", 1, 1, 0, 0.5, new double[] {0.31, 1}),
        new LoggedRound(4, "r2", 0, 0, 0.75, 1, new double[] {0.52, 0})), log.rounds());
  }

  @Test
  void withoutAPositionColumnEveryRowIsTheFirstSlot() throws IOException {
    TeamLog log = TeamLog.read(write("log.csv", "reward,propensity,action,round\n1,0.5,a,r1\n"));
    assertEquals(0, log.rounds().get(0).position());
    assertEquals(List.of(), log.contextNames());
  }

  @Test
  void countsBadCsvRowsWithTheirLines() throws IOException {
    Path file = write("log.csv", """
        round,action,position,propensity,reward,ctx_age
        r1,a,1,0.5,1,0.3
        r2,a,1,0.5,1
        r3,a,0,0.5,1,0.3
        r4,a,1,0,1,0.3

        r5,a,1,0.5,1,old
        r6,"multi
        line",1,0.5,oops,0.3
        r7,,1,0.5,1,0.3
        r8,b,2,0.5,0,0.4
        r9,b,2,0.5,1,
        """);
    TeamLog log = TeamLog.read(file);

    assertEquals(List.of(2L, 11L), log.rounds().stream().map(LoggedRound::line).toList());
    assertEquals(List.of("a", "b"), log.actionIds());
    assertEquals(7, log.badRows().count());
    assertEquals(List.of(
        file + " line 3: 5 fields, expected 6 as in the header",
        file + " line 4: position is 0, expected 1..100 (1 is the first slot)",
        file + " line 5: propensity is 0.0, not in (0, 1]",
        file + " line 7: ctx_age is 'old', not a number",
        file + " line 8: reward is 'oops', not a number",
        file + " line 10: action is empty",
        file + " line 12: ctx_age is '', not a number"), log.badRows().first());
  }

  @Test
  void aBadCsvHeaderIsOneLine() throws IOException {
    Path unknown = write("a.csv", "round,action,propensity,reward,age\n");
    assertEquals(unknown + ": header column 5 is 'age'; expected one of round, action, position (optional),"
        + " propensity, reward, ctx_<feature> (any number)",
        assertThrows(LogFormatException.class, () -> TeamLog.read(unknown)).getMessage());
    Path missing = write("b.csv", "round,action,reward,ctx_age\n");
    assertEquals(missing + ": header has no column 'propensity'; expected round, action, position (optional),"
        + " propensity, reward, ctx_<feature> (any number)",
        assertThrows(LogFormatException.class, () -> TeamLog.read(missing)).getMessage());
    Path twice = write("c.csv", "round,action,propensity,reward,reward\n");
    assertEquals(twice + ": header column 5 'reward' is given twice",
        assertThrows(LogFormatException.class, () -> TeamLog.read(twice)).getMessage());
    Path empty = write("d.csv", "");
    assertTrue(assertThrows(LogFormatException.class, () -> TeamLog.read(empty)).getMessage()
        .startsWith(empty + ": empty file; expected a header line"));
    Path other = write("e.txt", "");
    assertEquals(other + ": unknown log format; expected a .csv or a .jsonl (JSON Lines) file",
        assertThrows(LogFormatException.class, () -> TeamLog.read(other)).getMessage());
  }

  @Test
  void anUnclosedQuoteIsOneLineNamingWhereItStarts() throws IOException {
    Path file = write("log.csv", "round,action,propensity,reward\nr1,\"a,0.5,1\nr2,b,0.5,1\n");
    assertEquals(file + " line 2: a quoted field is not closed before the end of the file",
        assertThrows(LogFormatException.class, () -> TeamLog.read(file)).getMessage());
  }

  @Test
  void readsTheJsonLinesLayoutAsDocumented() throws IOException {
    Path file = write("log.jsonl", """
        {"round":"r1","context":{"age":0.31,"mobile":1},"action":"shoe-17","position":1,"propensity":0.25,"reward":1}
        {"round":"r2","context":{"mobile":0,"age":0.52},"ranking":["bag-3","shoe-17"],"propensities":[0.5,0.25],"clicks":[0,1]}
        {"round":3,"context":{"age":0.1,"mobile":0},"action":42,"propensity":1,"reward":2.5}
        """);
    TeamLog log = TeamLog.read(file);

    assertTrue(log.badRows().isEmpty(), log.badRows().describe());
    assertEquals(List.of("age", "mobile"), log.contextNames());
    assertEquals(List.of("shoe-17", "bag-3", "42"), log.actionIds());
    assertEquals(List.of(
        new LoggedRound(1, "r1", 0, 0, 1, 0.25, new double[] {0.31, 1}),
        new LoggedRound(2, "r2", 1, 0, 0, 0.5, new double[] {0.52, 0}),
        new LoggedRound(2, "r2", 0, 1, 1, 0.25, new double[] {0.52, 0}),
        new LoggedRound(3, "3", 2, 0, 2.5, 1, new double[] {0.1, 0})), log.rounds());
  }

  @Test
  void countsBadJsonLinesWithTheirLinesAndNeverReadsARankingInPart() throws IOException {
    Path file = write("log.jsonl", """
        {"round":"r0","context":{"age":"old"},"action":"a","propensity":0.5,"reward":1}
        {"round":"r1","context":{"age":0.3},"action":"a","propensity":0.5,"reward":1}
        {"round":"r2","context":{"age":0.3},"action":"a","propensity":1.5,"reward":1}
        {"round":"r3","context":{"age":0.3,"new":1},"action":"a","propensity":0.5,"reward":1}
        {"round":"r4","context":{"age":0.3},"ranking":["a","b"],"propensities":[0.5,0.5],"clicks":[0,2]}
        {"round":"r5","context":{"age":0.3},"ranking":["a","b"],"propensities":[0.5],"clicks":[0,1]}
        not json

        {"round":"r6","context":{"age":0.3},"action":"a","propensity":0.5,"reward":1,"extra":true}
        {"round":"r7","context":{"age":0.3},"action":"a","propensity":0.5,"reward":1,"reward":0}
        {"round":"r8","context":{"age":0.3},"action":"b","position":0,"propensity":0.5,"reward":1}
        {"round":"r9","context":{"age":0.4},"ranking":["c","a"],"propensities":[0.5,0.25],"clicks":[1,0]}
        """);
    TeamLog log = TeamLog.read(file);

    assertEquals(List.of(2L, 12L, 12L), log.rounds().stream().map(LoggedRound::line).toList());
    assertEquals(List.of("a", "c"), log.actionIds(), "no item of a bad line is listed");
    assertEquals(List.of("age"), log.contextNames(), "set by the first good line, not by line 1");
    assertEquals(9, log.badRows().count());
    List<String> first = log.badRows().first();
    assertEquals(file + " line 1: context.age is \"old\", not a number", first.get(0));
    assertEquals(file + " line 3: propensity is 1.5, not in (0, 1]", first.get(1));
    assertEquals(file + " line 4: context has the keys [age, new], expected [age] as on line 2", first.get(2));
    assertEquals(file + " line 5: clicks[1] is 2.0, not 0 or 1", first.get(3));
    assertEquals(file + " line 6: ranking, propensities and clicks have 2, 1 and 2 entries; expected the same"
        + " number, at least one", first.get(4));
    assertTrue(first.get(5).startsWith(file + " line 7: not JSON ("), first.get(5));
    assertEquals(file + " line 9: unknown field 'extra'; expected [action, context, position, propensity, reward,"
        + " round]", first.get(6));
    assertTrue(first.get(7).startsWith(file + " line 10: not JSON (Duplicate field 'reward'"), first.get(7));
    assertEquals(file + " line 11: position is 0, expected 1..100 (1 is the first slot)", first.get(8));
  }

  @Test
  void aPositionBeyondTheBoundIsABadRowWithItsLine() throws IOException {
    Path csv = write("far.csv", """
        round,action,position,propensity,reward
        r1,a,100,0.5,1
        r2,a,101,0.5,1
        r3,a,2000000000,0.5,1
        """);
    TeamLog log = TeamLog.read(csv);
    assertEquals(List.of(99), log.rounds().stream().map(LoggedRound::position).toList());
    assertEquals(List.of(
        csv + " line 3: position is 101, expected 1..100 (1 is the first slot)",
        csv + " line 4: position is 2000000000, expected 1..100 (1 is the first slot)"), log.badRows().first());
    StringBuilder ranking = new StringBuilder();
    StringBuilder ps = new StringBuilder();
    for (int k = 0; k <= TeamLog.MAX_POSITION; k++) {
      ranking.append(k == 0 ? "" : ",").append('"').append("i").append(k).append('"');
      ps.append(k == 0 ? "" : ",").append("0.5");
    }
    Path jsonl = write("long.jsonl", "{\"round\":\"r1\",\"ranking\":[" + ranking + "],\"propensities\":[" + ps
        + "],\"clicks\":[" + ps.toString().replace("0.5", "0") + "]}\n");
    TeamLog longer = TeamLog.read(jsonl);
    assertEquals(0, longer.rounds().size());
    assertEquals(List.of(jsonl + " line 1: ranking has 101 items, expected at most 100"), longer.badRows().first());
  }

  @Test
  void theRecordsAreImmutable() {
    double[] x = {1, 2};
    LoggedRound r = new LoggedRound(1, "r", 0, 0, 1, 0.5, x);
    x[0] = 9;
    r.context()[1] = 9;
    assertArrayEquals(new double[] {1, 2}, r.context());
  }
}
