package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session runner and its episodes on a tiny world (40 products, top 3): slots, the task, context
 * sizes, the positions shown, arm limits, the exposure and diversity measures against hand
 * computations, and the run streams' seed limit and fault stream.
 */
class SessionRunnerTest {
  // top 3 positions; category queries weigh positions 3, 2 (and the last weight again beyond); brand queries 5
  private static final World WORLD = World.generate(ZoosimConfig.fromString(
      "catalog { n_products = 40 }, top_k = 3, behavior { pos_bias { category = [3.0, 2.0], brand = [5.0] } }")
      .withSeed(4), new NumpyRandom(4));
  private static final RunStreams STREAMS = new RunStreams(9);
  private static final double[] ZERO = new double[10];
  private static final double[] ONES = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  private static final Task.BoostWeights WEIGHTS =
      new Task.BoostWeights(ContextFeatures.Mode.SIMPLE, 1.0, List.of(ZERO, ONES));

  private static int[] firstProducts(boolean pl, int n) {
    int[] out = new int[n];
    int found = 0;
    for (int i = 0; i < WORLD.catalog().size() && found < n; i++) {
      if (WORLD.catalog().isPl(i) == pl) {
        out[found++] = i;
      }
    }
    assertEquals(n, found, "the tiny catalog lacks products with pl=" + pl);
    return out;
  }

  @Test
  void slotsAndTaskAreWhatWasAsked() {
    SessionRunner three = new SessionRunner(WORLD, WEIGHTS, STREAMS, 3);
    assertEquals(3, three.slots());
    assertSame(WEIGHTS, three.task());
    assertEquals(1, new SessionRunner(WORLD, WEIGHTS, STREAMS).slots());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SessionRunner(WORLD, WEIGHTS, STREAMS, 0));
    assertEquals("slots must be >= 1, got 0", e.getMessage());
  }

  @Test
  void boostWeightsSimpleContextIsTheSegmentAndQueryTypeOneHots() {
    SessionRunner r = new SessionRunner(WORLD, WEIGHTS, STREAMS);
    // 4 segments + 3 query types
    assertEquals(7, r.contextDim());
    assertEquals(2, r.arms());
    double[] x = r.prepare(Population.firstSession(WORLD, STREAMS, 0));
    assertEquals(7, x.length);
  }

  @Test
  void boostWeightsArmsAreCheckedAtTheLastArmAndOnePast() {
    SessionRunner r = new SessionRunner(WORLD, WEIGHTS, STREAMS);
    r.prepare(Population.firstSession(WORLD, STREAMS, 1));
    Transition t = r.finish(Decision.arm(1, 1.0), "fixed", 0);
    assertEquals(1, t.arm());
    // three positions shown: top_k = 3 of 40 products
    assertEquals(3, t.impressions());
    r.prepare(Population.firstSession(WORLD, STREAMS, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.finish(Decision.arm(2, 1.0), "fixed", 0));
    assertEquals("arm must be in 0..1, got 2", e.getMessage());
  }

  @Test
  void templateSessionsShowTopKPositions() {
    SessionRunner r = new SessionRunner(WORLD, new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), STREAMS);
    r.prepare(Population.firstSession(WORLD, STREAMS, 0));
    Transition t = r.finish(Decision.arm(0, 1.0), "fixed", 0);
    assertEquals(3, t.impressions());
  }

  @Test
  void exposureShareWeighsPositionsByTheQueryTypesBias() {
    int[] pl = firstProducts(true, 3);
    int[] other = firstProducts(false, 3);
    // category queries (type 0): weights 3, 2, 2 (the last repeated); total 7
    assertEquals(5.0 / 7, SessionEpisode.exposurePl(WORLD, new int[] {pl[0], other[0], pl[1]}, 0), 1e-12);
    assertEquals(4.0 / 7, SessionEpisode.exposurePl(WORLD, new int[] {other[0], pl[0], pl[1]}, 0), 1e-12);
    assertEquals(1.0, SessionEpisode.exposurePl(WORLD, new int[] {pl[0], pl[1], pl[2]}, 0), 1e-12);
    assertEquals(0.0, SessionEpisode.exposurePl(WORLD, new int[] {other[0], other[1], other[2], pl[0]}, 0), 1e-12,
        "a private label past the top 3 is not exposed");
    // a ranking shorter than top_k: weights 3, 2
    assertEquals(3.0 / 5, SessionEpisode.exposurePl(WORLD, new int[] {pl[0], other[0]}, 0), 1e-12);
    // brand queries (type 1): one weight for every position
    assertEquals(2.0 / 3, SessionEpisode.exposurePl(WORLD, new int[] {pl[0], other[0], pl[1]}, 1), 1e-12);
    assertEquals(0.0, SessionEpisode.exposurePl(WORLD, new int[0], 0), 0.0, "nothing shown, nothing exposed");
  }

  @Test
  void diversityOfAnEmptyRankingIsUndefined() {
    assertTrue(Double.isNaN(SessionEpisode.diversity(WORLD, new int[0])));
  }

  @Test
  void seedZeroIsAcceptedAndMinusOneRefused() {
    assertEquals(0, new RunStreams(0).seed());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunStreams(-1));
    assertEquals("seed must be >= 0, got -1", e.getMessage());
  }

  @Test
  void faultStreamIsTheFourthRoleByEpisodeAndAttempt() {
    NumpyRandom f = STREAMS.fault(3, 1);
    double[] got = {f.random(), f.random()};
    NumpyRandom ref = new NumpyRandom(SeedSequence.of(9).child(4).child(3).child(1));
    assertArrayEquals(new double[] {ref.random(), ref.random()}, got, 0.0);
    assertNotEquals(got[0], STREAMS.fault(3, 0).random());
    assertNotEquals(got[0], STREAMS.policy(3).random());
  }
}
