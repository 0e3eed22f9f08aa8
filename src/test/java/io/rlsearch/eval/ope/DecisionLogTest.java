package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  }

  @Test
  void groupingRefusesGapsAndEarlyEnds() {
    assertThrows(IllegalArgumentException.class, () -> Trajectory.group(List.of(sample(0, 0, false), sample(0, 2, true))));
    assertThrows(IllegalArgumentException.class, () -> Trajectory.group(List.of(sample(0, 0, true), sample(0, 1, true))));
    assertThrows(IllegalArgumentException.class, () -> Trajectory.group(List.of(sample(0, 0, false), sample(0, 0, true))));
  }
}
