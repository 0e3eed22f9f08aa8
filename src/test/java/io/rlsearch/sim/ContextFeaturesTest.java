package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every context-feature mode against its definition computed here from the episode's baseline top k:
 * the segment and query-type one-hots, the sensitivities (true, estimated on zoosim's half grid,
 * blended with the segment mean on chapter 6's quarter grid or without a grid), the eight standardised
 * top-k aggregates and the chapter-6 bias, over users of every segment.
 */
class ContextFeaturesTest {
  private static final double[] MEANS = {30, 15, 0.3, 0.1, 0.5, 0.2, 300, 5};
  private static final double[] STDS = {20, 10, 0.2, 0.1, 0.3, 0.2, 200, 2};

  @Test
  void everyModeIsItsDefinition() {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 400 }");
    World w = World.generate(s, new NumpyRandom(31));
    Catalog c = w.catalog();
    ContextFeatures f = new ContextFeatures(w);
    int nSeg = s.users().segments().size();
    int nTypes = s.queries().queryTypes().size();
    assertEquals(nSeg + nTypes, f.dim(ContextFeatures.Mode.SIMPLE));
    assertEquals(nSeg + nTypes + 10, f.dim(ContextFeatures.Mode.RICH));
    assertEquals(nSeg + nTypes + 10, f.dim(ContextFeatures.Mode.RICH_EST));
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(32);
    boolean[] segmentsSeen = new boolean[nSeg];
    for (int e = 0; e < 25; e++) {
      User u = w.sampleUser(rng);
      Query q = w.sampleQuery(u, rng);
      scorer.drawBase(u, q, rng);
      segmentsSeen[u.segment()] = true;
      double[] oneHots = new double[nSeg + nTypes];
      oneHots[u.segment()] = 1;
      oneHots[nSeg + q.queryType()] = 1;
      assertArrayEquals(oneHots, f.simple(u, q), 0.0);
      assertArrayEquals(oneHots, f.of(ContextFeatures.Mode.SIMPLE, u, q, scorer), 0.0);
      assertArrayEquals(bias(oneHots), f.ch06Simple(u, q), 0.0);

      int[] top = scorer.baseline(Math.min(s.topK(), c.size()));
      double[] agg = aggregates(c, scorer, top);
      double pm = s.users().priceMean()[u.segment()];
      double lm = s.users().plMean()[u.segment()];
      double[] rich = rich(oneHots, u.thetaPrice(), u.thetaPl(), agg);
      String at = "episode " + e;
      assertArrayEquals(rich, f.rich(u, q, scorer), 1e-12, at);
      assertArrayEquals(rich, f.of(ContextFeatures.Mode.RICH, u, q, scorer), 1e-12, at);
      assertArrayEquals(bias(rich), f.ch06Rich(u, q, scorer), 1e-12, at);
      double[] est = rich(oneHots, halfGrid(u.thetaPrice()), halfGrid(u.thetaPl()), agg);
      assertArrayEquals(est, f.richEstimated(u, q, scorer), 1e-12, at);
      assertArrayEquals(est, f.of(ContextFeatures.Mode.RICH_EST, u, q, scorer), 1e-12, at);
      double[] ch06 = rich(oneHots, quarterGrid(u.thetaPrice(), pm), quarterGrid(u.thetaPl(), lm), agg);
      assertArrayEquals(bias(ch06), f.ch06RichEstimated(u, q, scorer), 1e-12, at);
      double[] blended = rich(oneHots, clip(0.9 * (0.6 * u.thetaPrice() + 0.4 * pm), 3.5),
          clip(0.9 * (0.6 * u.thetaPl() + 0.4 * lm), 3.5), agg);
      assertArrayEquals(bias(blended), f.ch06RichBlended(u, q, scorer), 1e-12, at);
    }
    for (int g = 0; g < nSeg; g++) {
      assertEquals(true, segmentsSeen[g], "segment " + g + " was drawn");
    }
  }

  @Test
  void theEstimatesRoundHalfToEvenAndClip() {
    // zoosim: clip(round(2 * 0.7 * theta) / 2, -3, 3), numpy's round half to even
    assertEquals(-1.0, ContextFeatures.zoosimEstimate(-1.3), 0.0); // 1.4 * -1.3 = -1.82 -> -2
    assertEquals(1.0, ContextFeatures.zoosimEstimate(2.5 / 1.4), 0.0); // 2.5 -> 2 (half to even)
    assertEquals(3.0, ContextFeatures.zoosimEstimate(5), 0.0);
    assertEquals(-3.0, ContextFeatures.zoosimEstimate(-5), 0.0);
    // chapter 6: clip(round(0.9 (0.6 theta + 0.4 mean) / 0.25) * 0.25, -3.5, 3.5)
    assertEquals(-0.75, ContextFeatures.ch06Estimate(-1.5, 0), 0.0); // -0.81 -> -0.75
    assertEquals(0.5, ContextFeatures.ch06Estimate(0, 1.5), 0.0); // 0.54 -> 0.5
    assertEquals(3.5, ContextFeatures.ch06Estimate(10, 10), 0.0);
    assertEquals(-3.5, ContextFeatures.ch06Estimate(-10, -10), 0.0);
  }

  private static double[] aggregates(Catalog c, EpisodeScorer scorer, int[] top) {
    double n = top.length;
    double price = 0;
    for (int p : top) {
      price += c.price(p);
    }
    double avg = price / n;
    double var = 0;
    double cm2 = 0;
    double disc = 0;
    double pl = 0;
    double strat = 0;
    double best = 0;
    double rel = 0;
    for (int p : top) {
      var += (c.price(p) - avg) * (c.price(p) - avg);
      cm2 += c.cm2(p);
      disc += c.discount(p);
      pl += c.isPl(p) ? 1 : 0;
      strat += c.strategic(p) ? 1 : 0;
      best += c.bestseller(p);
      rel += scorer.base(p);
    }
    return new double[] {avg, Math.sqrt(var / n), cm2 / n, disc / n, pl / n, strat / n, best / n, rel / n};
  }

  private static double[] rich(double[] oneHots, double tPrice, double tPl, double[] agg) {
    double[] out = Arrays.copyOf(oneHots, oneHots.length + 10);
    out[oneHots.length] = tPrice;
    out[oneHots.length + 1] = tPl;
    for (int i = 0; i < 8; i++) {
      out[oneHots.length + 2 + i] = (agg[i] - MEANS[i]) / STDS[i];
    }
    return out;
  }

  private static double[] bias(double[] x) {
    double[] out = Arrays.copyOf(x, x.length + 1);
    out[x.length] = 1.0;
    return out;
  }

  private static double halfGrid(double theta) {
    return clip(Math.rint(theta * 1.4) / 2, 3);
  }

  private static double quarterGrid(double theta, double mean) {
    return clip(Math.rint(0.9 * (0.6 * theta + 0.4 * mean) / 0.25) * 0.25, 3.5);
  }

  private static double clip(double x, double bound) {
    return Math.max(-bound, Math.min(bound, x));
  }
}
