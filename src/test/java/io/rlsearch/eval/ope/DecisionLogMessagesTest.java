package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reading and writing a decision log say when they cannot. */
class DecisionLogMessagesTest {
  @TempDir Path dir;

  private static final String FIELDS = "policy, version, episode, step, context, arm, action, propensity,"
      + " probabilities, reward, done, outcome, propensityOf, slate";

  private static LoggedDecision one() {
    return new LoggedDecision("p", 1, 2, 0, new double[] {0.5}, 1, null, 0.5, null, 3, true,
        LoggedDecision.Outcome.NONE);
  }

  private static String refused(String line) {
    return assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.parse(line, "f line 4")).getMessage();
  }

  @Test
  void unknownAndMissingFieldsAreNamedWithTheFieldsAccepted() {
    String good = DecisionLog.toLine(one());
    assertEquals("decision log f line 4: unknown field 'extra' (fields: " + FIELDS + ")",
        refused(good.replace("\"reward\"", "\"extra\":1,\"reward\"")));
    assertEquals("decision log f line 4: missing field 'reward' (fields: " + FIELDS + ")",
        refused(good.replace("\"reward\":3.0,", "")));
    // A line without arm (nor propensityOf) is reported as missing its arm.
    assertEquals("decision log f line 4: missing field 'arm' (fields: " + FIELDS + ")",
        refused(good.replace("\"arm\":1,", "").replace(",\"propensityOf\":\"arm\"", "")));
    // The record's own refusal is its one line.
    assertEquals("decision log f line 4: reward is NaN", refused(good.replace("\"reward\":3.0", "\"reward\":\"NaN\"")));
    assertTrue(refused("[1, 2]").startsWith("decision log f line 4: "));
    // propensityOf given as null reads as the decision's kind implies, like an absent one.
    assertEquals(one(), DecisionLog.parse(good.replace("\"propensityOf\":\"arm\"", "\"propensityOf\":null"), "x"));
    assertEquals(one(), DecisionLog.parse(good.replace(",\"propensityOf\":\"arm\"", ""), "x"));
  }

  @Test
  void blankLinesAreSkippedAndTheLineNumbersCountThem() throws IOException {
    Path f = dir.resolve("log.jsonl");
    String good = DecisionLog.toLine(one());
    Files.writeString(f, "\n" + good + "\n   \n" + good + "\n");
    assertEquals(List.of(one(), one()), DecisionLog.read(f));
    Files.writeString(f, "\n" + good + "\n   \n{\n");
    String msg = assertThrows(DecisionLog.FormatException.class, () -> DecisionLog.read(f)).getMessage();
    assertTrue(msg.startsWith("decision log " + f + " line 4: "), msg);
  }

  @Test
  void unreadableAndUnwritablePathsAreNamed() throws IOException {
    Path missing = dir.resolve("none.jsonl");
    String msg = assertThrows(UncheckedIOException.class, () -> DecisionLog.read(missing)).getMessage();
    assertTrue(msg.startsWith("cannot read decision log " + missing + ": "), msg);
    Path file = dir.resolve("plain");
    Files.writeString(file, "x");
    Path under = file.resolve("log.jsonl");
    msg = assertThrows(UncheckedIOException.class, () -> DecisionLog.write(under, List.of(one()))).getMessage();
    assertTrue(msg.startsWith("cannot write decision log " + under + ": "), msg);
    // Written over an old log, with no temporary file left beside it.
    Path log = dir.resolve("a/b/log.jsonl");
    assertEquals(1, DecisionLog.write(log, List.of(one())));
    assertEquals(2, DecisionLog.write(log, List.of(one(), one())));
    assertEquals(List.of(one(), one()), DecisionLog.read(log));
    try (var s = Files.list(log.getParent())) {
      assertEquals(List.of(log), s.toList());
    }
  }
}
