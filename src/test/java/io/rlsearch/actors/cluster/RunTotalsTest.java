package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.eval.OnlineMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunTotalsTest {
  private static double[] row(SplittableRandom rng) {
    double[] v = new double[OnlineMetrics.NAMES.size()];
    for (int k = 0; k < v.length; k++) {
      v[k] = rng.nextDouble() * 20 - 3;
    }
    return v;
  }

  private static AgentState saved(RunTotals t) {
    Map<String, double[]> arrays = new HashMap<>();
    Map<String, Long> counters = new HashMap<>();
    t.save(arrays, counters);
    return new AgentState("cluster-run", arrays, counters);
  }

  @Test
  void theFiguresAreExactlyOnlineMetricsOverACompleteRun() {
    for (int users : new int[] {1, 9, 10, 11, 1234, 5000}) {
      SplittableRandom rng = new SplittableRandom(users);
      OnlineMetrics m = new OnlineMetrics();
      RunTotals t = new RunTotals(users);
      for (int e = 0; e < users; e++) {
        double[] v = row(rng);
        m.add(e, 0, 0, v);
        t.add(e, v[0], v[1]);
      }
      OnlineMetrics.Report r = m.report();
      assertEquals(r.mean().get("reward").mean(), t.meanReward(), "users " + users);
      assertEquals(r.mean().get("gmv").mean(), t.meanGmv(), "users " + users);
      assertEquals(r.last().get("reward").mean(), t.finalReward(), "users " + users);
      assertEquals(users, t.learned());
    }
  }

  @Test
  void nothingLearnedOrNoneOfTheFinalEpisodesGivesNaN() {
    RunTotals t = new RunTotals(100);
    assertTrue(Double.isNaN(t.meanReward()) && Double.isNaN(t.finalReward()) && Double.isNaN(t.meanGmv()));
    t.add(0, 1.0, 2.0);
    assertEquals(1.0, t.meanReward());
    assertTrue(Double.isNaN(t.finalReward()), "a run that stopped before its final 10% has no final figure");
    t.add(90, 3.0, 2.0);
    assertEquals(3.0, t.finalReward());
  }

  @Test
  void aCheckpointTakesAsManyValuesAfterAMillionEpisodesAsAfterTen() {
    RunTotals t = new RunTotals(2_000_000);
    SplittableRandom rng = new SplittableRandom(1);
    for (int e = 0; e < 10; e++) {
      t.add(e, rng.nextDouble(), rng.nextDouble());
    }
    AgentState early = saved(t);
    for (int e = 10; e < 1_000_000; e++) {
      t.add(e, rng.nextDouble(), rng.nextDouble());
    }
    AgentState late = saved(t);
    assertEquals(early.counters().keySet(), late.counters().keySet());
    assertEquals(early.arrays().keySet(), late.arrays().keySet());
    for (String k : early.arrays().keySet()) {
      assertEquals(early.arrays().get(k).length, late.arrays().get(k).length, k);
    }
  }

  @Test
  void restoredTotalsGoOnExactlyAsTheUninterruptedOnes() {
    int users = 3000;
    SplittableRandom rng = new SplittableRandom(7);
    double[][] rows = new double[users][];
    for (int e = 0; e < users; e++) {
      rows[e] = row(rng);
    }
    RunTotals whole = new RunTotals(users);
    RunTotals first = new RunTotals(users);
    double[] earlier = new double[1700 * RunTotals.ROW];
    for (int e = 0; e < users; e++) {
      whole.add(e, rows[e][0], rows[e][1]);
      if (e < 1700) {
        first.add(e, rows[e][0], rows[e][1]);
        earlier[e * RunTotals.ROW] = e;
        earlier[e * RunTotals.ROW + 1] = e / 100;
        earlier[e * RunTotals.ROW + 2] = e % 8;
        System.arraycopy(rows[e], 0, earlier, e * RunTotals.ROW + 3, rows[e].length);
      }
    }
    AgentState earlierFormat = new AgentState("cluster-run", Map.of("run.rows", earlier), Map.of("run.round", 17L));
    for (AgentState st : List.of(saved(first), earlierFormat)) {
      RunTotals resumed = RunTotals.restore(users, st);
      for (int e = 1700; e < users; e++) {
        resumed.add(e, rows[e][0], rows[e][1]);
      }
      assertEquals(whole.learned(), resumed.learned());
      assertEquals(whole.meanReward(), resumed.meanReward());
      assertEquals(whole.meanGmv(), resumed.meanGmv());
      assertEquals(whole.finalReward(), resumed.finalReward());
    }
  }

  @Test
  void aStateWithoutTotalsIsRefusedInOneLine() {
    AgentState none = new AgentState("cluster-run", Map.of(), Map.of("run.round", 3L));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunTotals.restore(10, none));
    assertEquals("the checkpoint holds no run totals (neither run.sums nor run.rows): not a clustered run's checkpoint",
        e.getMessage());
    AgentState ragged = new AgentState("cluster-run", Map.of("run.rows", new double[15]), Map.of());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RunTotals.restore(10, ragged)).getMessage()
        .contains("15 values"));
  }
}
