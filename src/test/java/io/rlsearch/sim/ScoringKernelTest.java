package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each Vector API kernel against the scalar one: every score, cosine, personalisation value, moment and
 * selection identical bit for bit, on the default world, on catalogs whose size is not a multiple of
 * the tile (the scalar tail), without feature standardisation, and on synthetic scores full of ties.
 */
class ScoringKernelTest {

  /**
   * Every vector kernel this machine runs: the 256-bit one on any x86-64 with AVX2, the 512-bit one
   * also where the machine has AVX-512 (elsewhere it is not tested here).
   */
  static List<ScoringKernel> kernels() {
    return ScoringKernel.vectorKernels();
  }

  @Test
  void theTestJvmRunsTheWidestVectorKernelByDefault() {
    List<ScoringKernel> all = kernels();
    assertTrue(all.size() >= 1 && all.get(0) instanceof VectorScoring,
        "the 256-bit kernel must load in the test JVM (surefire passes --add-modules jdk.incubator.vector)");
    assertSame(all.get(all.size() - 1), ScoringKernel.preferred());
    assertSame(all.get(all.size() - 1), ScoringKernel.vector().orElseThrow());
  }

  /**
   * Where the machine has no AVX-512 the Vector API still runs the 512-bit kernel, in software and
   * slowly: on a small catalog with a partial tile and on scores full of ties, infinities and NaNs it
   * must compute what the scalar kernel computes, so a slip in it is caught on every machine, not only
   * where it is chosen.
   */
  @Test
  void theWideKernelComputesTheSameWhereItIsNotNative() {
    ScoringKernel wide = new VectorScoring512();
    assertEquals(512, ((ScoringKernel.VectorCapable) wide).bits());
    compareWorlds(wide, ZoosimConfig.fromString("catalog { n_products = 203 }"), 15, 4);
    compareWorlds(wide, ZoosimConfig.fromString(
        "catalog { n_products = 101 }, action { standardize_features = false }"), 16, 3);
    tiesInfinitiesAndNaNsSelectTheSame(wide, 2);
  }

  /**
   * The 512-bit kernel is the 256-bit kernel's code with other width constants (the Vector API needs
   * the species as constants, so each width is its own class): below the class declaration, the two
   * sources may differ only in the species, the lane count, the width and one comment, so a change to
   * one that is not made to the other fails here, on every machine (the bit-for-bit tests run the
   * 512-bit kernel only where the machine has AVX-512).
   */
  @Test
  void theTwoVectorKernelsAreOneCodeAtTwoWidths() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/io/rlsearch/sim");
    List<String> k256 = body(java.nio.file.Files.readAllLines(dir.resolve("VectorScoring.java")));
    List<String> k512 = body(java.nio.file.Files.readAllLines(dir.resolve("VectorScoring512.java")));
    assertEquals(k256.size(), k512.size(), "line counts below the class declarations");
    for (int i = 0; i < k256.size(); i++) {
      String a = k256.get(i)
          .replace("DoubleVector.SPECIES_256", "DoubleVector.SPECIES_512")
          .replace("L = 4;", "L = 8;").replace("return 256;", "return 512;")
          .replace(">= 256 &&", ">= 512 &&");
      String b = k512.get(i);
      if (a.trim().startsWith("//") && b.trim().startsWith("//")) {
        continue;
      }
      assertEquals(a, b, "line " + (i + 1) + " below the class declarations");
    }
  }

  private static List<String> body(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("final class VectorScoring")) {
        return lines.subList(i + 1, lines.size());
      }
    }
    throw new AssertionError("no class declaration");
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void defaultWorldIsIdenticalBitForBit(ScoringKernel vector) {
    compareWorlds(vector, SimSettings.defaults(), 11, 60);
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void catalogsWithPartialTilesAreIdentical(ScoringKernel vector) {
    // 1,003 = 125 tiles of 8 and 3 products; 1,005 = one half tile of 4 more (the 256-bit kernel runs it)
    compareWorlds(vector, ZoosimConfig.fromString("catalog { n_products = 1003 }"), 12, 200);
    compareWorlds(vector, ZoosimConfig.fromString("catalog { n_products = 1005 }"), 14, 100);
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void rawFeaturesAreIdentical(ScoringKernel vector) {
    compareWorlds(vector, ZoosimConfig.fromString(
        "catalog { n_products = 2001 }, action { standardize_features = false }"), 13, 150);
  }

  /**
   * The scorer's base scores against the definition computed here: the noise drawn with
   * {@code fillNormal}, the relevance added to it, bit for bit; the generator left where those draws
   * leave it; the z-scored personalisation from the moments of a separate pass; and the baseline the
   * relevance pass collects, equal to a selection over the finished scores (10,000 draws take ~70 of
   * the ziggurat's slow path, so every episode exercises it).
   */
  @Test
  void baseScoresMomentsAndBaselineMatchTheirDefinition() {
    SimSettings s = SimSettings.defaults();
    World w = World.generate(s, new NumpyRandom(21));
    Catalog c = w.catalog();
    int n = c.size();
    EpisodeScorer scorer = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    NumpyRandom rng = new NumpyRandom(22);
    double[] noise = new double[n];
    double[] row = new double[10];
    for (int e = 0; e < 12; e++) {
      User u = w.sampleUser(rng);
      Query q = w.sampleQuery(u, rng);
      NumpyRandom reference = rng.copy();
      NumpyRandom again = rng.copy();
      boolean withUser = e % 2 == 0;
      if (withUser) {
        scorer.drawBase(u, q, rng);
      } else {
        scorer.drawBase(q, rng);
      }
      reference.fillNormal(noise, n, 0, s.relevance().noiseSigma());
      double[] lex = w.lexicalByCategory(q);
      double[] pers = new double[n];
      for (int i = 0; i < n; i++) {
        double expected = (s.relevance().wSem() * scorer.semantic(i) + s.relevance().wLex() * lex[c.category[i]])
            + noise[i];
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(scorer.base(i)),
            "base of product " + i + ", episode " + e);
        pers[i] = (float) ScalarScoring.dot(u.embRef(), c.emb, i * Catalog.DIM);
      }
      assertEquals(reference.integers(0, 1L << 40), rng.copy().integers(0, 1L << 40), "generator state, episode " + e);
      double[] bases = new double[n];
      for (int i = 0; i < n; i++) {
        bases[i] = scorer.base(i);
      }
      // the baseline asked for first (its own pass, kept for the draw) is the selection by base score
      assertArrayEquals(TopK.of(bases, s.topK()), scorer.baseline(s.topK()), "baseline, episode " + e);
      if (withUser) {
        double mean = Arrays.stream(pers).sum() / n;
        double var = Arrays.stream(pers).map(v -> (v - mean) * (v - mean)).sum() / n;
        int i = 17;
        scorer.featureRow(u, q, i, row);
        assertEquals((pers[i] - mean) / Math.sqrt(var), row[3], 1e-9, "z-scored personalisation, episode " + e);
        // the baseline asked for first is not collected again by the ranking, and ranking first gives the
        // same ranking and baseline
        double[] a = {1, -0.5, 0.25, 2, 0.5, -1, 0, 0.75, -0.25, 1.5};
        int[] ranked = scorer.rankByWeights(u, q, a, s.topK());
        assertArrayEquals(TopK.of(bases, s.topK()), scorer.baseline(s.topK()), "baseline after ranking, episode " + e);
        EpisodeScorer rankingFirst = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
        rankingFirst.drawBase(u, q, again);
        assertArrayEquals(rankingFirst.rankByWeights(u, q, a, s.topK()), ranked, "ranking, episode " + e);
        assertArrayEquals(rankingFirst.baseline(s.topK()), scorer.baseline(s.topK()), "baseline, episode " + e);
      }
    }
  }

  private static void compareWorlds(ScoringKernel vector, SimSettings s, long seed, int episodes) {
    World w = World.generate(s, new NumpyRandom(seed));
    EpisodeScorer scalar = new EpisodeScorer(w, s.topK(), ScoringKernel.scalar());
    EpisodeScorer simd = new EpisodeScorer(w, s.topK(), vector);
    NumpyRandom rng = new NumpyRandom(seed + 1);
    NumpyRandom actions = new NumpyRandom(seed + 2);
    float[][] templates = Templates.all(w.catalog(), s.action().aMax(), s.templates().popularAmplitude());
    int n = w.catalog().size();
    double[] rowA = new double[10];
    double[] rowB = new double[10];
    for (int e = 0; e < episodes; e++) {
      User u = w.sampleUser(rng);
      Query q = w.sampleQuery(u, rng);
      NumpyRandom r1 = rng.copy();
      NumpyRandom r2 = rng.copy();
      boolean withUser = e % 3 != 2;
      if (withUser) {
        scalar.drawBase(u, q, r1);
        simd.drawBase(u, q, r2);
      } else {
        scalar.drawBase(q, r1);
        simd.drawBase(q, r2);
      }
      rng = r1;
      assertBits(scalar.base, simd.base, "base", e);
      assertBits(scalar.sem, simd.sem, "cosine", e);
      if (withUser) {
        assertBits(scalar.pers, simd.pers, "personalisation", e);
        for (int i : new int[] {0, 1, n / 2, n - 1}) {
          scalar.featureRow(u, q, i, rowA);
          simd.featureRow(u, q, i, rowB);
          assertBits(rowA, rowB, "feature row " + i, e);
        }
        double[] a = new double[10];
        double scale = e % 5 == 0 ? 0 : e % 5 == 1 ? 100 : 1;
        for (int k = 0; k < 10; k++) {
          a[k] = scale * actions.normal(0, 1);
        }
        assertArrayEquals(scalar.rankByWeights(u, q, a, s.topK()), simd.rankByWeights(u, q, a, s.topK()),
            "rankByWeights, episode " + e);
        assertArrayEquals(scalar.baseline(s.topK()), simd.baseline(s.topK()), "cached baseline, episode " + e);
      }
      assertArrayEquals(scalar.baseline(s.topK()), simd.baseline(s.topK()), "baseline, episode " + e);
      assertArrayEquals(scalar.baseline(57), simd.baseline(57), "baseline of 57, episode " + e);
      float[] boosts = templates[e % templates.length];
      assertArrayEquals(scalar.rankByBoosts(boosts, s.topK()), simd.rankByBoosts(boosts, s.topK()),
          "rankByBoosts, episode " + e);
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void tiesInfinitiesAndNaNsSelectTheSame(ScoringKernel vector) {
    tiesInfinitiesAndNaNsSelectTheSame(vector, 40);
  }

  private static void tiesInfinitiesAndNaNsSelectTheSame(ScoringKernel vector, int rounds) {
    NumpyRandom rng = new NumpyRandom(5);
    int n = 1030;
    for (int round = 0; round < rounds; round++) {
      double[] base = new double[n];
      double[] pers = new double[n];
      double[][] cols = new double[7][];
      for (int c = 0; c < 7; c++) {
        cols[c] = new double[n];
      }
      float[] boosts = new float[n];
      for (int i = 0; i < n; i++) {
        // few distinct values: many exact ties, in and out of the top
        base[i] = Math.floor(rng.random() * 6) / 2;
        pers[i] = Math.floor(rng.random() * 3);
        for (int c = 0; c < 7; c++) {
          cols[c][i] = Math.floor(rng.random() * 3) - 1;
        }
        boosts[i] = (float) Math.floor(rng.random() * 3);
      }
      if (round % 4 == 1) {
        base[(int) rng.integers(0, n)] = Double.POSITIVE_INFINITY;
        base[(int) rng.integers(0, n)] = Double.NaN;
        base[(int) rng.integers(0, n)] = Double.NEGATIVE_INFINITY;
      }
      double[] c = {1, -0.5, 0.25, 2, 0, 1, -1};
      for (int k : new int[] {1, 4, 20, 100}) {
        TopK t1 = new TopK(k);
        TopK b1 = new TopK(k);
        TopK t2 = new TopK(k);
        TopK b2 = new TopK(k);
        ScoringKernel.scalar().rankByWeights(base, pers, 0.5, cols, c, t1, b1, n);
        vector.rankByWeights(base, pers, 0.5, cols, c, t2, b2, n);
        assertArrayEquals(indices(t1), indices(t2), "weights, k " + k);
        assertArrayEquals(indices(b1), indices(b2), "baseline, k " + k);
        t1.clear();
        t2.clear();
        ScoringKernel.scalar().rankByBoosts(base, boosts, t1, n);
        vector.rankByBoosts(base, boosts, t2, n);
        assertArrayEquals(indices(t1), indices(t2), "boosts, k " + k);
        t1.clear();
        t2.clear();
        ScoringKernel.scalar().rankByBase(base, t1, n);
        vector.rankByBase(base, t2, n);
        assertArrayEquals(indices(t1), indices(t2), "base, k " + k);
        assertEquals(Math.min(k, n), t2.size());
      }
    }
  }

  private static int[] indices(TopK t) {
    int[] out = new int[t.size()];
    t.copyTo(out);
    return out;
  }

  private static void assertBits(double[] expected, double[] actual, String what, int episode) {
    long[] a = Arrays.stream(expected).mapToLong(Double::doubleToRawLongBits).toArray();
    long[] b = Arrays.stream(actual).mapToLong(Double::doubleToRawLongBits).toArray();
    assertArrayEquals(a, b, what + ", episode " + episode);
  }
}
