package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.core.Observation;
import io.rlsearch.core.RawState;
import io.rlsearch.core.Step;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/**
 * The single-session environment's observation layout (intent, query-type and segment one-hots), its
 * state dict, the refusal of every read before reset, and the template step: the same draws as a
 * weighted step, ranked by {@code base + boosts}, with the baseline and rank change of that draw.
 */
class SearchSimulatorTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 220 }");

  @Test
  void observationsStateAndTemplateStepsAreTheirDefinition() {
    World w = World.generate(SMALL, new NumpyRandom(81));
    SearchSimulator env = new SearchSimulator(w, new NumpyRandom(82));
    for (Runnable read : new Runnable[] {env::user, env::query, env::state, () -> env.stepWithBoosts(new float[220])}) {
      assertEquals("call reset() before step()", assertThrows(IllegalStateException.class, read::run).getMessage());
    }
    int nc = SMALL.catalog().categories().size();
    int nt = SMALL.queries().queryTypes().size();
    int ns = SMALL.users().segments().size();
    assertEquals(nc + nt + ns, env.observationDim());
    assertEquals(-SMALL.action().aMax(), env.actionLow(), 0.0);
    assertEquals(SMALL.action().aMax(), env.actionHigh(), 0.0);
    assertEquals(SMALL.action().featureDim(), env.actionDim());
    float[][] templates = Templates.all(w.catalog(), SMALL.action().aMax(), SMALL.templates().popularAmplitude());
    NumpyRandom twin = new NumpyRandom(82);
    EpisodeScorer scorer = new EpisodeScorer(w, SMALL.topK());
    for (int e = 0; e < 16; e++) {
      Observation o = env.reset();
      User u = env.user();
      Query q = env.query();
      float[] want = new float[nc + nt + ns];
      want[q.intentCategory()] = 1;
      want[nc + q.queryType()] = 1;
      want[nc + nt + u.segment()] = 1;
      assertArrayEquals(want, o.features(), "episode " + e);
      RawState st = env.state();
      assertEquals(new RawState(w.segmentName(u.segment()), w.categoryName(q.intentCategory()),
          w.queryTypeName(q.queryType()), q.phiCat(nc)), st);
      assertEquals(u, w.sampleUser(twin));
      assertEquals(q, w.sampleQuery(u, twin));

      float[] boosts = templates[e % templates.length];
      scorer.drawBase(u, q, twin);
      int[] baseline = scorer.baseline(SMALL.topK());
      int[] ranking = scorer.rankByBoosts(boosts, SMALL.topK());
      new Behavior(w).simulate(u, q, ranking, scorer.cosines(), twin);
      Step s = env.stepWithBoosts(boosts);
      assertArrayEquals(ranking, s.info().ranking(), "episode " + e);
      assertArrayEquals(baseline, s.info().baselineRanking(), "episode " + e);
      assertEquals(Metrics.deltaRankAtK(baseline, ranking, SMALL.topK()), s.info().deltaRankAtK(), 0.0);
    }
  }
}
