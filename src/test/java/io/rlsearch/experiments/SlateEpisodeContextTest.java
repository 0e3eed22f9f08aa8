package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.Observation;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.SlateEnv;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import org.junit.jupiter.api.Test;

/**
 * The slate session's context against the slate env's observation (the env's step, written apart) on
 * the same world and stream, with the one-hot quirk on and off, and against the definition of its
 * candidate block: each feature z-scored across the candidates with the population std + 1e-6.
 */
class SlateEpisodeContextTest {
  private static final int CANDIDATES = 20;
  private static final int FEATURES = 10;

  private static World world(boolean quirk) {
    return World.generate(ZoosimConfig.fromString("catalog { n_products = 500 }, quirks { slate_context_onehots_zero = "
        + quirk + " }").withSeed(6), new NumpyRandom(6));
  }

  /** The episode's context after preparing the env's first session of stream {@code seed}; and the env's. */
  private static double[][] both(World w, SlateEpisode ep, long seed) {
    Observation o = new SlateEnv(w, new NumpyRandom(seed), CANDIDATES).reset();
    NumpyRandom rng = new NumpyRandom(seed);
    User u = w.sampleUser(rng);
    Query q = w.sampleQuery(u, rng);
    ep.prepare(u, q, rng);
    double[] env = new double[o.features().length + o.candidates().length];
    for (int i = 0; i < o.features().length; i++) {
      env[i] = o.features()[i];
    }
    for (int i = 0; i < o.candidates().length; i++) {
      env[o.features().length + i] = o.candidates()[i];
    }
    return new double[][] {ep.context(), env, {u.segment(), q.queryType(), (float) u.thetaPrice(), (float) u.thetaPl()}};
  }

  @Test
  void withoutTheQuirkTheHeadIsTheSegmentAndQueryTypeOneHotsAndTheSensitivities() {
    World w = world(false);
    SlateEpisode ep = new SlateEpisode(w, new Task.Slate(CANDIDATES, FEATURES));
    // 4 segments + 3 query types + theta_price, theta_pl
    assertEquals(9, ep.headWidth());
    assertEquals(9 + CANDIDATES * FEATURES, ep.contextDim());
    for (long seed : new long[] {1, 2, 3}) {
      double[][] b = both(w, ep, seed);
      double[] ctx = b[0];
      assertEquals(209, ctx.length);
      for (int i = 0; i < 7; i++) {
        boolean hot = i == (int) b[2][0] || i == 4 + (int) b[2][1];
        assertEquals(hot ? 1.0 : 0.0, ctx[i], "head slot " + i + " (seed " + seed + ")");
      }
      assertEquals(b[2][2], ctx[7]);
      assertEquals(b[2][3], ctx[8]);
      assertEquals(java.util.Arrays.toString(b[1]), java.util.Arrays.toString(ctx), "the env's observation");
      zScored(ctx, 9, CANDIDATES);
    }
  }

  @Test
  void withTheQuirkTheOneHotsStayZero() {
    World w = world(true);
    SlateEpisode ep = new SlateEpisode(w, new Task.Slate(CANDIDATES, FEATURES));
    assertEquals(8, ep.headWidth());
    assertEquals(8 + CANDIDATES * FEATURES, ep.contextDim());
    double[][] b = both(w, ep, 4);
    double[] ctx = b[0];
    for (int i = 0; i < 6; i++) {
      assertEquals(0.0, ctx[i]);
    }
    assertEquals(b[2][2], ctx[6]);
    assertEquals(b[2][3], ctx[7]);
    assertEquals(java.util.Arrays.toString(b[1]), java.util.Arrays.toString(ctx));
    zScored(ctx, 8, CANDIDATES);
  }

  /**
   * Each feature column of the candidate block has mean 0 and population variance (s / (s + 1e-6))^2,
   * s the raw column's std: 1 up to float rounding unless the column is constant (then all 0).
   */
  private static void zScored(double[] ctx, int head, int n) {
    int nonConstant = 0;
    for (int j = 0; j < FEATURES; j++) {
      double mean = 0;
      double sq = 0;
      for (int c = 0; c < n; c++) {
        double z = ctx[head + c * FEATURES + j];
        mean += z;
        sq += z * z;
      }
      mean /= n;
      assertEquals(0.0, mean, 1e-6, "column " + j + " mean");
      double var = sq / n;
      if (var > 0) {
        nonConstant++;
        assertEquals(1.0, var, 1e-4, "column " + j + " variance");
      }
    }
    assertEquals(true, nonConstant >= FEATURES / 2, "most boost features vary across candidates: " + nonConstant);
  }

  /**
   * The slate session prepared from the boost-weight task's draw (as the battle's evaluation prepares
   * it) is the session its own draw on the same stream gives: the context to the bit, and the same
   * outcome for the same scores on the stream either draw left.
   */
  @Test
  void aSessionPreparedFromTheBoostTasksDrawIsTheOneItsOwnDrawGives() {
    for (boolean quirk : new boolean[] {false, true}) {
      World w = world(quirk);
      Task.Slate slate = new Task.Slate(CANDIDATES, FEATURES);
      SlateEpisode own = new SlateEpisode(w, slate);
      SlateEpisode shared = new SlateEpisode(w, slate);
      WeightsEpisode boost = new WeightsEpisode(w, Task.BoostWeights.battleTemplates());
      NumpyRandom scores = new NumpyRandom(99);
      for (long seed = 1; seed <= 6; seed++) {
        NumpyRandom r = new NumpyRandom(seed);
        User u = w.sampleUser(r);
        Query q = w.sampleQuery(u, r);
        NumpyRandom ownStream = r.copy();
        NumpyRandom boostStream = r.copy();
        own.prepare(u, q, ownStream);
        boost.prepare(u, q, boostStream);
        shared.prepareDrawn(u, q, boost);
        org.junit.jupiter.api.Assertions.assertArrayEquals(own.context(), shared.context(), "seed " + seed);
        double[] s = new double[CANDIDATES];
        for (int i = 0; i < s.length; i++) {
          s[i] = scores.normal(0, 1);
        }
        io.rlsearch.agents.spi.Decision d = io.rlsearch.agents.spi.Decision.continuous(s, 1.0);
        SessionEpisode.Played a = own.play(d, ownStream.copy());
        SessionEpisode.Played b = shared.play(d, boostStream.copy());
        assertEquals(a.reward(), b.reward(), "seed " + seed);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.slate(), b.slate());
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.clicked(), b.clicked());
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.bought(), b.bought());
        assertEquals(ownStream.random(), boostStream.random(), "the streams the draws left, seed " + seed);
      }
    }
  }
}
