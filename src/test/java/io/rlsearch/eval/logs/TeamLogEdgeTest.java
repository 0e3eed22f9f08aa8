package io.rlsearch.eval.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A team's own log at its edges: a context column with no name, the longest ranking, fields of the wrong kind. */
class TeamLogEdgeTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void aContextColumnNeedsANameAfterItsPrefix() throws IOException {
    Path file = write("log.csv", "round,action,propensity,reward,ctx_\nr1,a,0.5,1,0\n");
    LogFormatException e = assertThrows(LogFormatException.class, () -> TeamLog.read(file));
    assertEquals(file + ": header column 5 is 'ctx_'; expected one of", e.getMessage().substring(0,
        e.getMessage().indexOf(" one of") + 7));
    TeamLog ok = TeamLog.read(write("ok.csv", "round,action,propensity,reward,ctx_a\nr1,a,0.5,1,0\n"));
    assertEquals(List.of("a"), ok.contextNames());
  }

  @Test
  void aRankingOfExactlyTheLargestPositionIsRead() throws IOException {
    StringBuilder ranking = new StringBuilder();
    StringBuilder ps = new StringBuilder();
    for (int k = 0; k < TeamLog.MAX_POSITION; k++) {
      ranking.append(k == 0 ? "" : ",").append("\"i").append(k).append('"');
      ps.append(k == 0 ? "" : ",").append("0.5");
    }
    Path file = write("long.jsonl", "{\"round\":\"r1\",\"ranking\":[" + ranking + "],\"propensities\":[" + ps
        + "],\"clicks\":[" + ps.toString().replace("0.5", "0") + "]}\n");
    TeamLog log = TeamLog.read(file);
    assertEquals(List.of(), log.badRows().first());
    assertEquals(TeamLog.MAX_POSITION, log.rounds().size());
    assertEquals(TeamLog.MAX_POSITION - 1, log.rounds().get(TeamLog.MAX_POSITION - 1).position());
  }

  @Test
  void aRankingOrPropensitiesNotAnArrayOrMissingIsABadLineSayingWhich() throws IOException {
    Path file = write("bad.jsonl", """
        {"round":"r1","ranking":"a","propensities":[0.5],"clicks":[0]}
        {"round":"r2","ranking":["a"],"clicks":[0]}
        """);
    TeamLog log = TeamLog.read(file);
    assertEquals(List.of(file + " line 1: ranking is not an array", file + " line 2: no 'propensities' field"),
        log.badRows().first());
  }
}
