package io.rlsearch.core.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.testing.Fixtures;
import java.math.BigInteger;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests against numpy 2.x: the first 1,000 draws of every method for six seeds
 * (src/test/resources/fixtures/numpy-streams.txt, written by tools/fixtures/numpy_streams.py).
 */
class NumpyRandomTest {
  private static final Map<String, String[]> FIX = Fixtures.load("/fixtures/numpy-streams.txt");
  private static final long BIG_SEED = (1L << 40) + 123;

  private static String[] fix(String name, long seed) {
    String[] v = FIX.get(name + "." + seed);
    if (v == null) {
      throw new IllegalStateException("no fixture " + name + "." + seed);
    }
    return v;
  }

  private static void assertLongs(String name, long seed, LongSupplier draw) {
    String[] want = fix(name, seed);
    for (int i = 0; i < want.length; i++) {
      assertEquals(Long.parseUnsignedLong(want[i].replace("-", "")) * (want[i].startsWith("-") ? -1 : 1),
          draw.getAsLong(), name + " seed " + seed + " draw " + i);
    }
  }

  /** Exact equality: the draw must be the same double, bit for bit. */
  private static void assertExact(String name, long seed, DoubleSupplier draw) {
    String[] want = fix(name, seed);
    for (int i = 0; i < want.length; i++) {
      double w = Double.parseDouble(want[i]);
      double got = draw.getAsDouble();
      assertEquals(Double.doubleToLongBits(w), Double.doubleToLongBits(got),
          name + " seed " + seed + " draw " + i + ": want " + w + " got " + got);
    }
  }

  /**
   * Equality up to 4 ulps, for draws that pass through exp/log/pow, where Java's StrictMath and
   * glibc may round the last bit differently; the stream position is still checked exactly by
   * the draws that follow.
   */
  private static void assertUlps(String name, long seed, DoubleSupplier draw) {
    String[] want = fix(name, seed);
    for (int i = 0; i < want.length; i++) {
      double w = Double.parseDouble(want[i]);
      double got = draw.getAsDouble();
      assertTrue(Math.abs(w - got) <= 4 * Math.ulp(w),
          name + " seed " + seed + " draw " + i + ": want " + w + " got " + got);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42, 2025, 20251108, BIG_SEED})
  void seedSequenceMatchesNumpy(long seed) {
    SeedSequence ss = SeedSequence.of(seed);
    assertArrayEquals(ints(fix("seedseq.state32", seed)), ss.generateState32(8));
    String[] w64 = fix("seedseq.state64", seed);
    long[] got64 = ss.generateState64(4);
    for (int i = 0; i < 4; i++) {
      assertEquals(Long.parseUnsignedLong(w64[i]), got64[i]);
    }
    for (int c = 0; c < 3; c++) {
      SeedSequence child = ss.child(c);
      assertArrayEquals(ints(fix("seedseq.spawn" + c + ".state32", seed)), child.generateState32(8));
      NumpyRandom r = new NumpyRandom(child);
      assertExact("seedseq.spawn" + c + ".random", seed, r::random);
    }
    assertArrayEquals(ints(fix("seedseq.spawn1.spawn1.state32", seed)),
        ss.child(1).child(1).generateState32(8));
    assertEquals(ss.spawn(0, 3).get(2).generateState32(8)[0], ss.child(2).generateState32(8)[0]);
  }

  private static int[] ints(String[] s) {
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = (int) Long.parseLong(s[i]);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42, 2025, 20251108, BIG_SEED})
  void uniformAndIntegerStreamsAreBitExact(long seed) {
    NumpyRandom raw = new NumpyRandom(seed);
    String[] want = fix("raw64", seed);
    for (int i = 0; i < want.length; i++) {
      assertEquals(Long.parseUnsignedLong(want[i]), raw.nextRaw(), "raw draw " + i);
    }
    NumpyRandom r = new NumpyRandom(seed);
    assertExact("random", seed, r::random);
    NumpyRandom a = new NumpyRandom(seed);
    assertLongs("integers_2p31m1", seed, () -> a.integers(0, (1L << 31) - 1));
    NumpyRandom b = new NumpyRandom(seed);
    assertLongs("integers_512", seed, () -> b.integers(0, 512));
    NumpyRandom c = new NumpyRandom(seed);
    assertLongs("integers_m5_7", seed, () -> c.integers(-5, 7));
    NumpyRandom d = new NumpyRandom(seed);
    assertLongs("integers_2p40", seed, () -> d.integers(0, (1L << 40) + 7));
    NumpyRandom u = new NumpyRandom(seed);
    assertExact("uniform_0.05_0.3", seed, () -> u.uniform(0.05, 0.3));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42, 2025, 20251108, BIG_SEED})
  void normalFamilyMatchesNumpy(long seed) {
    NumpyRandom n = new NumpyRandom(seed);
    assertExact("standard_normal", seed, n::standardNormal);
    NumpyRandom m = new NumpyRandom(seed);
    assertExact("normal_2.6_0.4", seed, () -> m.normal(2.6, 0.4));
    NumpyRandom l = new NumpyRandom(seed);
    assertUlps("lognormal_2.6_0.4", seed, () -> l.lognormal(2.6, 0.4));
    NumpyRandom e = new NumpyRandom(seed);
    assertExact("standard_exponential", seed, e::standardExponential);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42, 2025, 20251108, BIG_SEED})
  void gammaAndDirichletMatchNumpy(long seed) {
    for (double shape : new double[] {0.05, 0.3, 0.85, 1.0, 2.5}) {
      NumpyRandom g = new NumpyRandom(seed);
      assertUlps("standard_gamma_" + shape, seed, () -> g.standardGamma(shape));
    }
    for (double[] alpha : new double[][] {{0.3, 0.3, 0.2, 0.2}, {0.05, 0.05, 0.85, 0.05},
        {0.5, 0.25, 0.05, 0.2}}) {
      NumpyRandom g = new NumpyRandom(seed);
      double[] buf = new double[4];
      int[] pos = {4};
      String name = "dirichlet_" + String.join("_", java.util.Arrays.stream(alpha)
          .mapToObj(Double::toString).toArray(String[]::new));
      assertUlps(name, seed, () -> {
        if (pos[0] == 4) {
          g.dirichlet(alpha, buf);
          pos[0] = 0;
        }
        return buf[pos[0]++];
      });
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42, 2025, 20251108, BIG_SEED})
  void choiceAndInterleavedDrawsMatchNumpy(long seed) {
    NumpyRandom c4 = new NumpyRandom(seed);
    double[] p4 = {0.35, 0.35, 0.15, 0.15};
    assertLongs("choice_4", seed, () -> c4.choice(p4));
    NumpyRandom c3 = new NumpyRandom(seed);
    Choice t3 = Choice.of(new double[] {0.6, 0.2, 0.2});
    assertLongs("choice_3", seed, () -> c3.choice(t3));
    // 32-bit draws keep the unused half-word across 64-bit draws, exactly as numpy.
    NumpyRandom m = new NumpyRandom(seed);
    int[] k = {0};
    assertExact("mixed", seed, () -> switch (k[0]++ % 4) {
      case 0 -> m.integers(0, 512);
      case 1 -> m.random();
      case 2 -> m.integers(0, (1L << 31) - 1);
      default -> m.standardNormal();
    });
  }

  @Test
  void poissonFollowsNumpysMultiplicationMethod() {
    // numpy 2.x: default_rng(5).poisson(4.0) x 8, then random(); default_rng(6).poisson(0.7) x 8, then random()
    NumpyRandom a = new NumpyRandom(5);
    long[] got = new long[8];
    for (int i = 0; i < 8; i++) {
      got[i] = a.poisson(4.0);
    }
    assertArrayEquals(new long[] {4, 2, 3, 7, 3, 5, 1, 3}, got);
    assertEquals(0.8062153310270436, a.random(), 0.0);
    NumpyRandom b = new NumpyRandom(6);
    for (int i = 0; i < 8; i++) {
      got[i] = b.poisson(0.7);
    }
    assertArrayEquals(new long[] {1, 0, 0, 2, 0, 1, 0, 1}, got);
    assertEquals(0.9787675621852967, b.random(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> b.poisson(10.0));
    assertThrows(IllegalArgumentException.class, () -> b.poisson(Double.NaN));
  }

  @Test
  void choiceWithoutReplacementIsNumpysFloydThenShuffle() {
    // numpy 2.x: r = default_rng(11); r.choice(50, 7, replace=False); r.choice(10000, 30, replace=False)[:5]; r.random()
    NumpyRandom r = new NumpyRandom(11);
    assertArrayEquals(new int[] {28, 23, 29, 44, 35, 36, 5}, r.choiceWithoutReplacement(50, 7));
    assertArrayEquals(new int[] {7524, 1454, 8388, 2473, 1377}, java.util.Arrays.copyOf(r.choiceWithoutReplacement(10000,
        30), 5));
    assertEquals(0.6733623572759108, r.random(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> r.choiceWithoutReplacement(5, 6));
    assertThrows(IllegalArgumentException.class, () -> r.choiceWithoutReplacement(20_000, 1_000));
  }

  @Test
  void bulkFillsEqualDrawByDrawCalls() {
    for (long seed : new long[] {0, 1, 42, 20251108}) {
      for (int n : new int[] {1, 7, 16, 17, 100, 10_000}) {
        NumpyRandom a = new NumpyRandom(seed);
        NumpyRandom b = new NumpyRandom(seed);
        a.integers(0, 10); // a buffered half-word must survive the fill
        b.integers(0, 10);
        double[] out = new double[n];
        a.fillNormal(out, n, 0.5, 0.05);
        for (int i = 0; i < n; i++) {
          assertEquals(b.normal(0.5, 0.05), out[i], "seed " + seed + " n " + n + " draw " + i);
        }
        assertEquals(b.integers(0, 1000), a.integers(0, 1000), "the 32-bit buffer and position agree");
        assertEquals(b.nextRaw(), a.nextRaw());
        long[] raw = new long[n];
        Pcg64 p = new Pcg64(SeedSequence.of(seed));
        Pcg64 q = new Pcg64(SeedSequence.of(seed));
        p.fill(raw, n);
        for (int i = 0; i < n; i++) {
          assertEquals(q.nextLong(), raw[i]);
        }
        assertEquals(q.nextLong(), p.nextLong());
      }
    }
  }

  @Test
  void copyContinuesTheSameStream() {
    NumpyRandom a = new NumpyRandom(7);
    a.integers(0, 10); // leaves a buffered half-word
    NumpyRandom b = a.copy();
    for (int i = 0; i < 100; i++) {
      assertEquals(a.integers(0, 1000), b.integers(0, 1000));
      assertEquals(a.standardNormal(), b.standardNormal());
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheirValue() {
    NumpyRandom r = new NumpyRandom(1);
    assertThrows(IllegalArgumentException.class, () -> r.integers(5, 5));
    assertThrows(IllegalArgumentException.class, () -> r.choice(new double[] {0.5, 0.6}));
    assertThrows(IllegalArgumentException.class, () -> r.dirichlet(new double[] {0.05, 0.05}));
    assertThrows(IllegalArgumentException.class, () -> SeedSequence.of(-1));
    assertThrows(IllegalArgumentException.class, () -> SeedSequence.of(BigInteger.valueOf(-3)));
  }

  @Test
  void aRestoredStateDrawsWhatTheOriginalDrawsNext() {
    NumpyRandom a = new NumpyRandom(42);
    a.standardNormal();
    a.integers(0, 1L << 40);
    a.nextRaw();
    // An odd number of 32-bit draws leaves half a word buffered: the state carries it.
    new NumpyRandom(7).integers(0, 3);
    java.util.Map<String, Long> c = new java.util.HashMap<>();
    a.putState("rng", c);
    NumpyRandom b = new NumpyRandom(1);
    b.restoreState("rng", c);
    for (int i = 0; i < 100; i++) {
      assertEquals(a.random(), b.random());
      assertEquals(a.integers(0, 10), b.integers(0, 10));
      assertEquals(a.standardNormal(), b.standardNormal());
    }
    NumpyRandom untouched = new NumpyRandom(1);
    NumpyRandom same = new NumpyRandom(1);
    untouched.restoreState("absent", c);
    assertEquals(same.random(), untouched.random());
    assertThrows(IllegalArgumentException.class, () -> b.restore(new long[3]));
  }
}
