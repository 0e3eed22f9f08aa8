package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Action;
import io.rlsearch.core.Observation;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Step;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The slate environment against its definition, replayed here on a twin of its generator: the
 * candidates are the base-score top of the draw; each candidate's features are its raw feature row
 * z-scored over the candidates (population std plus 1e-6); the context is the segment and query-type
 * one-hots and the two sensitivities (the one-hots zeroed, six wide, with the reference's quirk); a step
 * ranks the candidates by the action's scores, simulates the session over that ranking and reports its
 * first top_k. Bad actions are refused by name.
 */
class SlateEnvTest {
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void observationsAndStepsAreTheirDefinition(boolean quirk) {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 200 }, quirks { slate_context_onehots_zero = "
        + quirk + " }");
    World w = World.generate(s, new NumpyRandom(71));
    SlateEnv env = new SlateEnv(w, new NumpyRandom(72), 30);
    assertSame(w, env.world());
    int ns = s.users().segments().size();
    int nt = s.queries().queryTypes().size();
    int ctxDim = quirk ? 8 : ns + nt + 2;
    assertEquals(ctxDim, env.observationDim());
    assertEquals(30, env.actionDim());
    assertEquals(Double.NEGATIVE_INFINITY, env.actionLow());
    assertEquals(Double.POSITIVE_INFINITY, env.actionHigh());
    assertEquals("call reset() before step()",
        assertThrows(IllegalStateException.class, () -> env.step(Action.zeros(30))).getMessage());

    NumpyRandom twin = new NumpyRandom(72);
    EpisodeScorer scorer = new EpisodeScorer(w, 30);
    Behavior behavior = new Behavior(w);
    RewardFunction reward = new RewardFunction(w);
    NumpyRandom actions = new NumpyRandom(73);
    Observation o = env.reset();
    for (int e = 0; e < 12; e++) {
      User u = w.sampleUser(twin);
      Query q = w.sampleQuery(u, twin);
      scorer.drawBase(q, twin);
      int[] cand = scorer.baseline(30);
      assertArrayEquals(cand, env.candidates(), "episode " + e);
      float[] ctx = new float[ctxDim];
      if (!quirk) {
        ctx[u.segment()] = 1;
        ctx[ns + q.queryType()] = 1;
      }
      ctx[ctxDim - 2] = (float) u.thetaPrice();
      ctx[ctxDim - 1] = (float) u.thetaPl();
      assertArrayEquals(ctx, o.features(), "context, episode " + e);
      assertEquals(30, o.nCandidates());
      assertEquals(10, o.candidateDim());
      double[][] raw = new double[30][10];
      for (int c = 0; c < 30; c++) {
        scorer.rawFeatureRow(u, q, cand[c], raw[c]);
      }
      for (int d = 0; d < 10; d++) {
        double mean = 0;
        for (int c = 0; c < 30; c++) {
          mean += raw[c][d];
        }
        mean /= 30;
        double var = 0;
        for (int c = 0; c < 30; c++) {
          var += (raw[c][d] - mean) * (raw[c][d] - mean);
        }
        double std = Math.sqrt(var / 30) + 1e-6;
        for (int c = 0; c < 30; c++) {
          float want = (float) ((raw[c][d] - mean) / std);
          assertEquals(want, o.candidate(c, d), 1e-5f * Math.max(1f, Math.abs(want)),
              "candidate " + c + " feature " + d + ", episode " + e);
        }
      }
      double[] scores = new double[30];
      for (int c = 0; c < 30; c++) {
        scores[c] = actions.normal(0, 1);
      }
      int[] order = TopK.of(scores, 30);
      int[] ranking = new int[30];
      for (int i = 0; i < 30; i++) {
        ranking[i] = cand[order[i]];
      }
      SessionOutcome out = behavior.simulate(u, q, ranking, scorer.cosines(), twin);
      RewardBreakdown parts = reward.breakdown(ranking, out);
      Step step = env.step(Action.of(scores));
      assertArrayEquals(java.util.Arrays.copyOf(ranking, s.topK()), step.info().ranking(), "episode " + e);
      assertArrayEquals(out.clicks(), step.info().clicks(), "episode " + e);
      assertEquals(reward.scalar(parts), step.reward(), 0.0, "episode " + e);
      assertEquals(w.segmentName(u.segment()), step.info().userSegment());
      assertEquals(w.queryTypeName(q.queryType()), step.info().queryType());
      assertTrue(step.terminated());
      o = step.observation();
    }
    assertEquals("action must score all 30 candidates, got 29",
        assertThrows(IllegalArgumentException.class, () -> env.step(Action.zeros(29))).getMessage());
    double[] withNaN = new double[30];
    withNaN[4] = Double.NaN;
    assertEquals("candidate score 4 is NaN",
        assertThrows(IllegalArgumentException.class, () -> env.step(Action.of(withNaN))).getMessage());
    assertEquals("maxCandidates must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new SlateEnv(w, new NumpyRandom(1), 0)).getMessage());
    assertEquals(1, new SlateEnv(w, new NumpyRandom(1), 1).actionDim());
    assertEquals(200, new SlateEnv(w, new NumpyRandom(1), 500).actionDim(), "at most the catalog");
  }
}
