package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference search against a plain cross-entropy method written from the class's description:
 * candidates drawn per search, per candidate, per coordinate from one stream; clipped to the box; scored
 * on the same search users; the elite's mean and (population) standard deviation, floored at 5% of the box,
 * as the next Gaussian; the best candidate so far re-entered as candidate 0 and kept.
 */
class BoostReferenceTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 400 }");
  private static final World WORLD = World.generate(SMALL.withSeed(5), new NumpyRandom(5));
  private static final Task.BoostWeights TASK = Task.BoostWeights.battleTemplates();

  /** One search user: its segment and a scorer (the reward of a boost vector on that user's session). */
  private record SearchUser(int segment, WeightsEpisode ep, NumpyRandom rng) {
    double reward(double[] w) {
      return ep.play(Decision.continuous(w, 1.0), rng.copy()).reward();
    }
  }

  /** The search users of stream {@code streamSeed}: users 0..n-1 of the population, one session each. */
  private static List<SearchUser> users(World world, long streamSeed, int n) {
    RunStreams streams = new RunStreams(streamSeed);
    Population pop = new Population(world, streams, n, false, 1);
    List<SearchUser> out = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      Population.Arrival a = pop.next().orElseThrow();
      WeightsEpisode ep = new WeightsEpisode(world, TASK);
      NumpyRandom rng = streams.session(a.user(), a.session());
      ep.prepare(a.profile(), a.query(), rng);
      out.add(new SearchUser(a.profile().segment(), ep, rng.copy()));
    }
    return out;
  }

  /** Independent CEM; returns {fixed, perSegment..., {searchValue}}. */
  private static double[][] referenceSearch(World world, long streamSeed, BoostReference.Settings s) {
    int segments = world.settings().users().segments().size();
    int dim = 10;
    double a = TASK.aMax();
    List<SearchUser> us = users(world, streamSeed, s.users());
    NumpyRandom cand = new NumpyRandom(s.seed());
    int n = 1 + segments;
    double[][] mean = new double[n][dim];
    double[][] sd = new double[n][dim];
    for (double[] r : sd) {
      java.util.Arrays.fill(r, a);
    }
    // Before any candidate is scored the best is the centre (0); a search without users keeps it.
    double[][] best = new double[n][dim];
    boolean[] scored = new boolean[n];
    double[] bestMean = new double[n];
    for (int it = 0; it < s.iterations(); it++) {
      double[][][] c = new double[n][s.population()][dim];
      for (int k = 0; k < n; k++) {
        for (int p = 0; p < s.population(); p++) {
          for (int j = 0; j < dim; j++) {
            double v = (it > 0 && p == 0) ? best[k][j] : mean[k][j] + sd[k][j] * cand.standardNormal();
            c[k][p][j] = v < -a ? -a : (v > a ? a : v);
          }
        }
      }
      for (int k = 0; k < n; k++) {
        double[] total = new double[s.population()];
        int count = 0;
        for (SearchUser u : us) {
          if (k == 0 || u.segment() == k - 1) {
            count++;
            for (int p = 0; p < s.population(); p++) {
              total[p] += u.reward(c[k][p]);
            }
          }
        }
        if (count == 0) {
          continue;
        }
        // Candidates by mean reward, best first; a tie keeps the lower index first.
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < s.population(); p++) {
          order.add(p);
        }
        order.sort((x, y) -> Double.compare(total[y], total[x]));
        scored[k] = true;
        best[k] = c[k][order.get(0)].clone();
        bestMean[k] = total[order.get(0)] / count;
        for (int j = 0; j < dim; j++) {
          double m = 0;
          for (int e = 0; e < s.elite(); e++) {
            m += c[k][order.get(e)][j];
          }
          m = m / s.elite();
          double ss = 0;
          for (int e = 0; e < s.elite(); e++) {
            ss += Math.pow(c[k][order.get(e)][j] - m, 2);
          }
          mean[k][j] = m;
          sd[k][j] = Math.max(Math.sqrt(ss / s.elite()), 0.05 * a);
        }
      }
    }
    double[][] out = new double[n + 1][];
    out[0] = best[0];
    for (int k = 0; k < segments; k++) {
      out[1 + k] = !scored[1 + k] ? best[0] : best[1 + k];
    }
    out[n] = new double[] {bestMean[0]};
    return out;
  }

  private static void assertMatchesReference(long streamSeed, BoostReference.Settings s, int threads) {
    assertMatchesReference(WORLD, streamSeed, s, threads);
  }

  private static void assertMatchesReference(World world, long streamSeed, BoostReference.Settings s, int threads) {
    BoostReference.Found f = BoostReference.search(world, TASK, streamSeed, s, threads);
    double[][] ref = referenceSearch(world, streamSeed, s);
    assertArrayEquals(ref[0], f.fixed(), 1e-12, "fixed vector");
    int segments = f.perSegment().length;
    assertEquals(world.settings().users().segments().size(), segments);
    for (int k = 0; k < segments; k++) {
      assertArrayEquals(ref[1 + k], f.perSegment()[k], 1e-12, "segment " + k);
    }
    assertEquals(ref[1 + segments][0], f.searchValue(), 1e-9, "search value");
  }

  @Test
  void severalIterationsFollowTheCrossEntropyMethod() {
    // Elite 3 of 7: the refit is a true mean and spread of several candidates (not the 5% floor).
    assertMatchesReference(1234, new BoostReference.Settings(24, 7, 3, 3, 9), 2);
  }

  @Test
  void withCostsForRewardsABetterCandidateStillReplacesTheBest() {
    // Every sale and click costs: rewards are at most 0, so a better mean is a smaller loss (the comparison of
    // means must not be scaled by the number of users).
    SimSettings costly = ZoosimConfig.fromString("catalog { n_products = 400 }\n"
        + "reward { alpha_gmv = -1, beta_cm2 = 0, gamma_strat = 0, delta_clicks = -0.05 }");
    World w = World.generate(costly.withSeed(6), new NumpyRandom(6));
    BoostReference.Found f = BoostReference.search(w, TASK, 21, new BoostReference.Settings(20, 6, 3, 2, 2), 1);
    assertTrue(f.searchValue() < 0, "a loss " + f.searchValue());
    assertMatchesReference(w, 21, new BoostReference.Settings(20, 6, 3, 2, 2), 1);
  }

  @Test
  void aSingleEliteCollapsesTheSpreadToTheFloor() {
    assertMatchesReference(77, new BoostReference.Settings(30, 5, 3, 1, 4), 1);
  }

  @Test
  void oneIterationKeepsTheBestOfTheFirstDrawsAndReportsItsMeanOnTheSearchUsers() {
    BoostReference.Settings s = new BoostReference.Settings(30, 6, 1, 2, 11);
    BoostReference.Found f = BoostReference.search(WORLD, TASK, 55, s, 2);
    // The first draws: N(0, aMax^2) per coordinate, clipped to the box, search 0 first.
    NumpyRandom cand = new NumpyRandom(11);
    double a = TASK.aMax();
    double[][] first = new double[6][10];
    boolean clipped = false;
    for (int p = 0; p < 6; p++) {
      for (int j = 0; j < 10; j++) {
        double v = a * cand.standardNormal();
        clipped |= Math.abs(v) > a;
        first[p][j] = Math.max(-a, Math.min(a, v));
      }
    }
    assertTrue(clipped, "the draws reach past the box, so the clipping is exercised");
    List<SearchUser> us = users(WORLD, 55, 30);
    int bestP = -1;
    double bestMean = Double.NEGATIVE_INFINITY;
    for (int p = 0; p < 6; p++) {
      double t = 0;
      for (SearchUser u : us) {
        t += u.reward(first[p]);
      }
      if (t / 30 > bestMean) {
        bestMean = t / 30;
        bestP = p;
      }
    }
    assertArrayEquals(first[bestP], f.fixed(), 0.0);
    assertEquals(bestMean, f.searchValue(), 1e-9);
    assertTrue(bestMean > 0, "a positive mean reward " + bestMean);
  }

  @Test
  void aSegmentWithoutSearchUsersGetsTheFixedVector() {
    // One search user: only that user's segment has a search of its own.
    BoostReference.Settings s = new BoostReference.Settings(1, 4, 2, 2, 3);
    BoostReference.Found f = BoostReference.search(WORLD, TASK, 8, s, 1);
    int seg = users(WORLD, 8, 1).get(0).segment();
    int segments = f.perSegment().length;
    assertTrue(segments >= 2);
    for (int k = 0; k < segments; k++) {
      if (k == seg) {
        assertNotEquals(java.util.Arrays.toString(f.fixed()), java.util.Arrays.toString(f.perSegment()[k]),
            "the user's segment has its own search (other draws than the fixed one's)");
      } else {
        assertArrayEquals(f.fixed(), f.perSegment()[k], 0.0, "empty segment " + k);
      }
    }
    assertMatchesReference(8, s, 1);
  }

  @Test
  void thePerSegmentPolicyReadsOnlyTheSegmentOneHotAndBreaksTiesToTheFirst() {
    double[][] w = {{1}, {2}, {3}};
    PolicySnapshot p = BoostReference.perSegment("p", w);
    NumpyRandom rng = new NumpyRandom(0);
    // Segment 1 set; a larger feature just past the one-hot (index 3) is not a segment.
    assertArrayEquals(new double[] {2}, p.act(new double[] {0, 1, 0, 5}, rng).action(), 0.0);
    assertArrayEquals(new double[] {3}, p.act(new double[] {0, 0, 1, 0}, rng).action(), 0.0);
    // No segment set (all equal): the first segment.
    assertArrayEquals(new double[] {1}, p.act(new double[] {0, 0, 0, 0}, rng).action(), 0.0);
    // Two equal maxima: the first of them.
    assertArrayEquals(new double[] {2}, p.act(new double[] {0, 1, 1, 0}, rng).action(), 0.0);
    assertEquals("p", p.agent());
    assertEquals(0, p.version());
    assertEquals(1.0, p.act(new double[] {1, 0, 0}, rng).propensity(), 0.0);
    // The policy holds a copy: changing the caller's array afterwards changes nothing.
    w[0][0] = 9;
    assertArrayEquals(new double[] {1}, p.act(new double[] {1, 0, 0}, rng).action(), 0.0);
  }

  @Test
  void settingsRefuseEachLimitJustPastIt() {
    new BoostReference.Settings(1, 2, 1, 1, 0);
    new BoostReference.Settings(1, 2, 1, 2, 0);
    assertThrows(IllegalArgumentException.class, () -> new BoostReference.Settings(0, 2, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new BoostReference.Settings(1, 1, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new BoostReference.Settings(1, 2, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new BoostReference.Settings(1, 2, 1, 0, 0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BoostReference.Settings(1, 2, 1, 3, 0));
    assertEquals("the reference search needs users >= 1, population >= 2, iterations >= 1"
        + " and 1 <= elite <= population; got 1, 2, 1, 3", e.getMessage());
  }
}
