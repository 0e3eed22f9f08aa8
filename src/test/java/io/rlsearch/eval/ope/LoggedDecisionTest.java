package io.rlsearch.eval.ope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A logged decision's refusals, copies and identity. */
class LoggedDecisionTest {
  private static final LoggedDecision.Outcome OUT = new LoggedDecision.Outcome(1, 2, 3, 4, 5);

  private static LoggedDecision arm(int arm, double propensity, double[] probabilities, double reward, int step) {
    return new LoggedDecision("p", 1, 2, step, new double[] {0.5}, arm, null, propensity, probabilities, reward, true,
        OUT);
  }

  private static String refused(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  private static LoggedDecision.Slate slate() {
    return new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
        new double[][] {{3}, {4}}, new int[] {1});
  }

  @Test
  void eachBadFieldIsRefusedWithOneLineAndTheBoundariesAreAccepted() {
    assertEquals("arm must be >= 0, or -1 for a continuous action; got -2", refused(() -> arm(-2, 1, null, 0, 0)));
    assertEquals("a continuous decision (arm -1) needs its action vector, or its slate",
        refused(() -> new LoggedDecision("p", 1, 2, 0, new double[] {0}, -1, new double[0], 1, null, 0, true, OUT)));
    assertEquals("propensity must be a finite number >= 0, got -0.1", refused(() -> arm(0, -0.1, null, 0, 0)));
    assertEquals("propensity must be a finite number >= 0, got NaN", refused(() -> arm(0, Double.NaN, null, 0, 0)));
    assertEquals("propensity must be a finite number >= 0, got Infinity",
        refused(() -> arm(0, Double.POSITIVE_INFINITY, null, 0, 0)));
    assertEquals(0.0, arm(0, 0, null, 0, 0).propensity(), 0.0);
    assertEquals("arm 2 outside the 2 logged probabilities", refused(() -> arm(2, 1, new double[] {0.5, 0.5}, 0, 0)));
    assertEquals(1, arm(1, 0.5, new double[] {0.5, 0.5}, 0, 0).arm());
    assertEquals("reward is NaN", refused(() -> arm(0, 1, null, Double.NaN, 0)));
    assertEquals(Double.NEGATIVE_INFINITY, arm(0, 1, null, Double.NEGATIVE_INFINITY, 0).reward(), 0.0);
    assertEquals("step must be >= 0, got -1", refused(() -> arm(0, 1, null, 0, -1)));
    assertEquals("propensityOf must be one of arm, deterministic, exploration, ranking, weights; got nothing",
        refused(() -> new LoggedDecision("p", 1, 2, 0, new double[] {0}, 0, null, 1, null, 0, true, OUT, null, null)));
    assertEquals("propensityOf 'weights' does not fit a discrete decision (arm 0): it takes 'arm'",
        refused(() -> new LoggedDecision("p", 1, 2, 0, new double[] {0}, 0, null, 1, null, 0, true, OUT, "weights",
            null)));
    assertEquals("propensityOf 'arm' does not fit a continuous decision (arm -1)",
        refused(() -> new LoggedDecision("p", 1, 2, 0, new double[] {0}, -1, new double[] {1}, 1, null, 0, true, OUT,
            "arm", null)));
    assertEquals("a slate decision is continuous (arm -1), got arm 0",
        refused(() -> new LoggedDecision("p", 1, 2, 0, new double[] {0}, 0, null, 1, null, 0, true, OUT, "arm",
            slate())));
    // A slate decision needs no action vector.
    LoggedDecision s = new LoggedDecision("p", 1, 2, 0, new double[] {0}, -1, null, 1, null, 0, true, OUT,
        LoggedDecision.RANKING, slate());
    assertArrayEquals(new double[0], s.action(), 0.0);
    assertThrows(NullPointerException.class,
        () -> new LoggedDecision(null, 1, 2, 0, new double[] {0}, 0, null, 1, null, 0, true, OUT));
    assertThrows(NullPointerException.class,
        () -> new LoggedDecision("p", 1, 2, 0, null, 0, null, 1, null, 0, true, OUT));
    assertThrows(NullPointerException.class,
        () -> new LoggedDecision("p", 1, 2, 0, new double[] {0}, 0, null, 1, null, 0, true, null));
    assertEquals("arm", LoggedDecision.defaultPropensityOf(0));
    assertEquals("weights", LoggedDecision.defaultPropensityOf(-1));
  }

  @Test
  void arraysAreCopiedInAndOut() {
    double[] x = {1, 2};
    double[] a = {3};
    double[] p = {0.25, 0.75};
    LoggedDecision d = new LoggedDecision("p", 1, 2, 0, x, -1, a, 0.5, p, 0, true, OUT);
    x[0] = 9;
    a[0] = 9;
    p[0] = 9;
    assertArrayEquals(new double[] {1, 2}, d.context(), 0.0);
    assertArrayEquals(new double[] {3}, d.action(), 0.0);
    assertArrayEquals(new double[] {0.25, 0.75}, d.probabilities(), 0.0);
    d.context()[0] = 7;
    d.action()[0] = 7;
    d.probabilities()[0] = 7;
    assertArrayEquals(new double[] {1, 2}, d.contextRef(), 0.0);
    assertArrayEquals(new double[] {3}, d.actionRef(), 0.0);
    assertArrayEquals(new double[] {0.25, 0.75}, d.probabilitiesRef(), 0.0);
  }

  @Test
  void equalityLooksAtEveryField() {
    LoggedDecision base = new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5},
        7, false, OUT);
    LoggedDecision same = new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5},
        7, false, OUT);
    assertEquals(base, same);
    assertEquals(base.hashCode(), same.hashCode());
    List<LoggedDecision> others = List.of(
        new LoggedDecision("q", 1, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5}, 7, false, OUT),
        new LoggedDecision("p", 9, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5}, 7, false, OUT),
        new LoggedDecision("p", 1, 9, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5}, 7, false, OUT),
        new LoggedDecision("p", 1, 2, 9, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5}, 7, false, OUT),
        new LoggedDecision("p", 1, 2, 3, new double[] {0.6}, 1, null, 0.5, new double[] {0.5, 0.5}, 7, false, OUT),
        new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 0, null, 0.5, new double[] {0.5, 0.5}, 7, false, OUT),
        new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 1, null, 0.6, new double[] {0.5, 0.5}, 7, false, OUT),
        new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.4, 0.6}, 7, false, OUT),
        new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5}, 8, false, OUT),
        new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5}, 7, true, OUT),
        new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, 1, null, 0.5, new double[] {0.5, 0.5}, 7, false,
            LoggedDecision.Outcome.NONE));
    for (LoggedDecision o : others) {
      assertNotEquals(base, o, o.toString());
    }
    // The hash spreads decisions (a constant one would keep the contract but turn hash sets into lists).
    assertNotEquals(base.hashCode(), others.get(0).hashCode());
    assertNotEquals(base.hashCode(), others.get(8).hashCode());
    LoggedDecision w1 = new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, -1, new double[] {1}, 0.5, null, 7, false,
        OUT);
    assertNotEquals(w1, new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, -1, new double[] {2}, 0.5, null, 7, false,
        OUT));
    assertNotEquals(w1, new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, -1, new double[] {1}, 0.5, null, 7, false,
        OUT, LoggedDecision.EXPLORATION, null));
    assertNotEquals(w1, new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, -1, new double[] {1}, 0.5, null, 7, false,
        OUT, LoggedDecision.WEIGHTS, slate()));
    assertNotEquals(base, "p");
    assertEquals("LoggedDecision[policy=p, version=1, episode=2, step=3, arm=1, propensity=0.5 (arm), reward=7.0,"
        + " done=false]", base.toString());
    LoggedDecision s = new LoggedDecision("p", 1, 2, 3, new double[] {0.5}, -1, null, 0.5, null, 7, true, OUT,
        LoggedDecision.RANKING, slate());
    assertEquals("LoggedDecision[policy=p, version=1, episode=2, step=3, arm=-1, propensity=0.5 (ranking), reward=7.0,"
        + " done=true, Slate[2 candidates x 1 features, ranking=[1]]]", s.toString());
  }

  @Test
  void aSlateRefusesMismatchedPartsAndCopiesItsArrays() {
    assertEquals("a slate needs as many ids, base scores and feature rows, at least one; got 0 ids, 0 base scores, 0 rows",
        refused(() -> new LoggedDecision.Slate(List.of("f"), List.of(), new double[0], new double[0][], new int[] {0})));
    assertEquals("a slate needs as many ids, base scores and feature rows, at least one; got 2 ids, 1 base scores, 2 rows",
        refused(() -> new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1},
            new double[][] {{3}, {4}}, new int[] {0})));
    assertEquals("a slate needs as many ids, base scores and feature rows, at least one; got 2 ids, 2 base scores, 0 rows",
        refused(() -> new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2}, null,
            new int[] {0})));
    assertEquals("a slate needs as many ids, base scores and feature rows, at least one; got 2 ids, 2 base scores, 1 rows",
        refused(() -> new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
            new double[][] {{3}}, new int[] {0})));
    assertEquals("slate row 1 needs 1 features (one per name in 'features'), got 0",
        refused(() -> new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
            new double[][] {{3}, null}, new int[] {0})));
    assertEquals("slate row 0 needs 1 features (one per name in 'features'), got 2",
        refused(() -> new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
            new double[][] {{3, 4}, {4}}, new int[] {0})));
    assertEquals("a slate's ranking has 1..2 candidates, got 0", refused(() -> new LoggedDecision.Slate(List.of("f"),
        List.of("a", "b"), new double[] {1, 2}, new double[][] {{3}, {4}}, new int[0])));
    assertEquals("a slate's ranking has 1..2 candidates, got 3", refused(() -> new LoggedDecision.Slate(List.of("f"),
        List.of("a", "b"), new double[] {1, 2}, new double[][] {{3}, {4}}, new int[] {0, 1, 0})));
    for (int[] bad : new int[][] {{-1}, {2}, {1, 1}}) {
      assertEquals("a slate's ranking holds distinct indices in 0..1, got " + java.util.Arrays.toString(bad),
          refused(() -> new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
              new double[][] {{3}, {4}}, bad)));
    }
    double[] base = {1, 2};
    double[][] rows = {{3}, {4}};
    int[] ranking = {1, 0};
    LoggedDecision.Slate s = new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), base, rows, ranking);
    base[0] = 9;
    rows[0][0] = 9;
    ranking[0] = 0;
    assertArrayEquals(new double[] {1, 2}, s.baseScores(), 0.0);
    assertArrayEquals(new double[] {3}, s.rows()[0], 0.0);
    assertArrayEquals(new int[] {1, 0}, s.ranking());
    s.baseScores()[0] = 9;
    s.rows()[0][0] = 9;
    s.ranking()[0] = 0;
    assertArrayEquals(new double[] {1, 2}, s.baseScores(), 0.0);
    assertArrayEquals(new double[] {3}, s.rows()[0], 0.0);
    assertArrayEquals(new int[] {1, 0}, s.ranking());
    assertEquals(2, s.size());

    LoggedDecision.Slate same = new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
        new double[][] {{3}, {4}}, new int[] {1, 0});
    assertEquals(s, same);
    assertEquals(s.hashCode(), same.hashCode());
    assertNotEquals(s.hashCode(), new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
        new double[][] {{3}, {4}}, new int[] {0, 1}).hashCode());
    assertNotEquals(s, "slate");
    assertNotEquals(s, new LoggedDecision.Slate(List.of("g"), List.of("a", "b"), new double[] {1, 2},
        new double[][] {{3}, {4}}, new int[] {1, 0}));
    assertNotEquals(s, new LoggedDecision.Slate(List.of("f"), List.of("a", "c"), new double[] {1, 2},
        new double[][] {{3}, {4}}, new int[] {1, 0}));
    assertNotEquals(s, new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 3},
        new double[][] {{3}, {4}}, new int[] {1, 0}));
    assertNotEquals(s, new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
        new double[][] {{3}, {5}}, new int[] {1, 0}));
    assertNotEquals(s, new LoggedDecision.Slate(List.of("f"), List.of("a", "b"), new double[] {1, 2},
        new double[][] {{3}, {4}}, new int[] {0, 1}));
    assertEquals("Slate[2 candidates x 1 features, ranking=[1, 0]]", s.toString());
  }
}
