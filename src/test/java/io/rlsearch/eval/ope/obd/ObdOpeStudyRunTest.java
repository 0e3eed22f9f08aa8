package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.eval.logs.BadRows;
import io.rlsearch.eval.logs.ObdDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study end to end on small logs written in the dataset's layout: which log the on-policy value
 * comes from, whose bad rows are reported, the refusals of empty logs and of fewer rounds than folds,
 * and the on-policy value's standard error.
 */
class ObdOpeStudyRunTest {
  @TempDir
  Path dir;

  /**
   * Writes {@code DIR/policy/men/} with three items and {@code n} rounds: round i shows item i % 3
   * at position (i / 3) % 3 with propensity 1/3, clicked when {@code click(i)} is 1; {@code bad}
   * more rows have the click "x" and are not read.
   */
  static void write(Path dir, String policy, int n, IntUnaryOperator click, int bad) {
    Path base = dir.resolve(policy).resolve("men");
    StringBuilder items = new StringBuilder(",item_id,item_feature_0,item_feature_1,item_feature_2,item_feature_3\n");
    for (int a = 0; a < 3; a++) {
      items.append(a).append(',').append(a).append(',').append(0.5 * a - 0.5).append(",c").append(a % 2)
          .append(",d,e\n");
    }
    StringBuilder log = new StringBuilder(",timestamp,item_id,position,click,propensity_score,user_feature_0,"
        + "user_feature_1,user_feature_2,user_feature_3,user-item_affinity_0,user-item_affinity_1,"
        + "user-item_affinity_2\n");
    for (int i = 0; i < n + bad; i++) {
      String c = i < n ? Integer.toString(click.applyAsInt(i)) : "x";
      log.append(i).append(",2019-11-24 00:03:13.442536+00:00,").append(i % 3).append(',').append((i / 3) % 3 + 1)
          .append(',').append(c).append(",0.3333333333333333,u").append(i % 2).append(",v").append((i / 2) % 3)
          .append(",w,z,").append(0.1 * (i % 5)).append(",0.0,").append(0.2 * (i % 2)).append('\n');
    }
    try {
      Files.createDirectories(base);
      Files.writeString(base.resolve("item_context.csv"), items);
      Files.writeString(base.resolve("men.csv"), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObdOpeStudy.Settings settings(String behavior, String target, int folds) {
    return new ObdOpeStudy.Settings(dir, "men", behavior, target, 10, 0, 12345, "logistic", folds, 100);
  }

  private static String refused(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  /** Clicks on rounds 1, 6, 11, ... and 0, 7, 14, ...: 19 of the first 60 (21 and 56 are both). */
  private static int behaviourClick(int i) {
    return i % 5 == 1 || i % 7 == 0 ? 1 : 0;
  }

  @Test
  void theOnPolicyValueIsTheTargetsLogAndItsBadRowsAreReported() {
    write(dir, "bts", 60, ObdOpeStudyRunTest::behaviourClick, 1);
    write(dir, "random", 40, i -> i % 4 == 0 ? 1 : 0, 2);
    ObdOpeStudy.Settings s = settings("bts", "random", 3);
    ObdOpeStudy.Result r = ObdOpeStudy.run(s);
    assertEquals(60, r.rounds());
    assertEquals(40, r.targetRounds());
    assertEquals(0.25, r.onPolicyValue(), 0.0, "10 clicks in the target's 40 rounds");
    assertEquals(Math.sqrt(0.25 * 0.75 / 40), r.onPolicyStdError(), 1e-17);
    assertEquals(19.0 / 60, r.behaviorValue(), 1e-15);
    assertEquals(1, r.behaviorBadRows().count());
    assertEquals(2, r.targetBadRows().count(), "the target's own bad rows");
    assertEquals(dir.resolve("random/men/men.csv"), r.targetLog());
    ObdDataset logged = ObdDataset.read(dir, "bts", "men");
    ObdDataset truth = ObdDataset.read(dir, "random", "men");
    ObdOpeStudy.Result again = ObdOpeStudy.evaluate(s, logged, truth, ObdOpeStudy.targetDistribution(s, 3, 3),
        ObdOpeStudy.foldsOf(60, 3, 12345));
    assertEquals(again.estimates(), r.estimates(), "run is evaluate on the logs, folds and distribution it builds");
    for (ObdOpeStudy.Estimate e : r.estimates().values()) {
      assertTrue(Double.isFinite(e.value()), e.toString());
      assertEquals(Math.abs(e.value() - 0.25) / 0.25, e.relativeError(), 1e-15, e.estimator());
    }
  }

  /** Behaviour and target the same policy: one log, so the target has no bad rows of its own. */
  @Test
  void onTheSameLogTheTargetReportsNoBadRowsOfItsOwn() {
    write(dir, "random", 60, ObdOpeStudyRunTest::behaviourClick, 1);
    ObdOpeStudy.Result r = ObdOpeStudy.run(settings("random", "random", 3));
    assertEquals(19.0 / 60, r.onPolicyValue(), 1e-15);
    assertEquals(60, r.targetRounds());
    assertEquals(1, r.behaviorBadRows().count());
    assertEquals(BadRows.none(), r.targetBadRows());
  }

  /** evaluate, given two distinct logs, reports the target's bad rows; given one log twice, none. */
  @Test
  void evaluateTellsOneLogFromTwo() {
    write(dir, "random", 60, ObdOpeStudyRunTest::behaviourClick, 1);
    ObdOpeStudy.Settings s = settings("random", "random", 3);
    ObdDataset log = ObdDataset.read(dir, "random", "men");
    ObdDataset copy = ObdDataset.read(dir, "random", "men");
    double[][] uniform = ObdOpeStudy.targetDistribution(s, 3, 3);
    int[] folds = ObdOpeStudy.foldsOf(60, 3, 12345);
    assertEquals(BadRows.none(), ObdOpeStudy.evaluate(s, log, log, uniform, folds).targetBadRows());
    assertEquals(1, ObdOpeStudy.evaluate(s, log, copy, uniform, folds).targetBadRows().count());
  }

  @Test
  void aLogWithNoGoodRowsIsRefusedByName() {
    write(dir, "bts", 0, i -> 0, 2);
    write(dir, "random", 60, ObdOpeStudyRunTest::behaviourClick, 0);
    String btsLog = dir.resolve("bts/men/men.csv").toString();
    String behaviour = refused(() -> ObdOpeStudy.run(settings("bts", "random", 3)));
    assertTrue(behaviour.startsWith(btsLog + ": no good rows; 2 bad rows (not read); first: "), behaviour);
    String target = refused(() -> ObdOpeStudy.run(settings("random", "bts", 3)));
    assertTrue(target.startsWith(btsLog + ": no good rows; 2 bad rows (not read); first: "), target);
  }

  /**
   * As many rounds as folds is the least the cross-fitting takes (one round a fold); one fold more
   * is refused. Eighteen rounds, six at each position with three clicks, so every position keeps
   * both labels without any one round.
   */
  @Test
  void asManyRoundsAsFoldsIsEnoughOneFoldMoreIsNot() {
    write(dir, "random", 18, i -> i % 2, 0);
    ObdDataset log = ObdDataset.read(dir, "random", "men");
    int[] clicksAt = new int[3];
    int[] roundsAt = new int[3];
    for (int i = 0; i < 18; i++) {
      clicksAt[log.positions()[i]] += log.rewards()[i];
      roundsAt[log.positions()[i]]++;
    }
    assertEquals(java.util.List.of(3, 3, 3), java.util.Arrays.stream(clicksAt).boxed().toList());
    assertEquals(java.util.List.of(6, 6, 6), java.util.Arrays.stream(roundsAt).boxed().toList());
    int[] oneEach = new int[18];
    for (int i = 0; i < 18; i++) {
      oneEach[i] = i;
    }
    ObdOpeStudy.Settings eighteen = settings("random", "random", 18);
    double[][] uniform = ObdOpeStudy.targetDistribution(eighteen, 3, 3);
    assertEquals(18, ObdOpeStudy.evaluate(eighteen, log, log, uniform, oneEach).rounds());
    assertEquals(dir.resolve("random/men/men.csv") + ": 18 rounds, fewer than the 19 folds",
        refused(() -> ObdOpeStudy.evaluate(settings("random", "random", 19), log, log, uniform, oneEach)));
  }

  /** The standard error is NaN when the target never or always clicks: a share of 0 or 1 has no spread to estimate. */
  @Test
  void theOnPolicyStandardErrorNeedsBothLabels() {
    write(dir, "bts", 60, ObdOpeStudyRunTest::behaviourClick, 0);
    ObdOpeStudy.Settings s = settings("bts", "random", 3);
    ObdDataset logged = ObdDataset.read(dir, "bts", "men");
    double[][] uniform = ObdOpeStudy.targetDistribution(s, 3, 3);
    int[] folds = ObdOpeStudy.foldsOf(60, 3, 12345);
    for (int label = 0; label <= 1; label++) {
      int l = label;
      write(dir, "random", 30, i -> l, 0);
      ObdOpeStudy.Result r = ObdOpeStudy.evaluate(s, logged, ObdDataset.read(dir, "random", "men"), uniform, folds);
      assertEquals(label, r.onPolicyValue(), 0.0);
      assertTrue(Double.isNaN(r.onPolicyStdError()), "all " + label + ": " + r.onPolicyStdError());
    }
    write(dir, "random", 30, i -> i < 3 ? 1 : 0, 0);
    ObdOpeStudy.Result r = ObdOpeStudy.evaluate(s, logged, ObdDataset.read(dir, "random", "men"), uniform, folds);
    assertEquals(Math.sqrt(0.1 * 0.9 / 30), r.onPolicyStdError(), 1e-17, "3 clicks in 30");
  }
}
