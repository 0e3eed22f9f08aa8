package io.rlsearch.core.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.testing.Gen;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stream's state saves and restores exactly: after any sequence of draws (32-bit draws leave half a
 * word buffered, normals and gammas consume a varying number of words), a generator restored from the
 * saved state, by {@code restore} or through a checkpoint's counters, draws what the original draws next,
 * bit for bit, and so does a copy. Each try draws its seed and draws from {@code Gen.of(SEED, try)}.
 */
class RandomStatePropertyTest {
  static final long SEED = 20251207L;

  static IntStream restoreTries() {
    return IntStream.range(0, 200);
  }

  static IntStream absentTries() {
    return IntStream.range(0, 50);
  }

  /** One kind of draw; its result as raw bits, so that NaN or -0.0 would compare exactly too. */
  static long draw(NumpyRandom r, int op) {
    switch (op) {
      case 0:
        return Double.doubleToRawLongBits(r.random());
      case 1:
        return r.integers(0, 7); // 32-bit path: buffers half a word
      case 2:
        return r.integers(-5, 1L << 40); // 64-bit path
      case 3:
        return Double.doubleToRawLongBits(r.standardNormal());
      case 4:
        return Double.doubleToRawLongBits(r.standardGamma(0.7));
      case 5:
        return r.poisson(3.5);
      case 6:
        return r.nextRaw();
      case 7:
        return r.choice(new double[] {0.2, 0.5, 0.3});
      default:
        return Double.doubleToRawLongBits(r.standardExponential());
    }
  }

  /** {@code min} to 60 kinds of draw. */
  static List<Integer> ops(Gen g, int min) {
    int n = g.ints(min, 60);
    List<Integer> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ops.add(g.ints(0, 8));
    }
    return ops;
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("restoreTries")
  void aRestoredStreamDrawsWhatTheOriginalDraws(int t) {
    Gen g = Gen.of(SEED, t);
    long seed = g.nonNegativeLong();
    List<Integer> before = ops(g, 0);
    List<Integer> after = ops(g, 1);
    String at = Gen.label(SEED, t, "seed", seed, "before", before, "after", after);
    NumpyRandom r = new NumpyRandom(seed);
    for (int op : before) {
      draw(r, op);
    }
    long[] saved = r.state();
    Map<String, Long> counters = new HashMap<>();
    r.putState("rng.test", counters);
    NumpyRandom copy = r.copy();
    NumpyRandom restored = new NumpyRandom(seed ^ 0x5DEECE66DL);
    restored.restore(saved);
    NumpyRandom fromCounters = new NumpyRandom((seed + 1) & Long.MAX_VALUE);
    fromCounters.restoreState("rng.test", counters);
    assertArrayEquals(saved, restored.state(), "restored state; " + at);
    assertArrayEquals(saved, fromCounters.state(), "state from counters; " + at);
    List<Long> want = new ArrayList<>();
    for (int op : after) {
      want.add(draw(r, op));
    }
    String[] names = {"copy", "restored", "from counters"};
    NumpyRandom[] others = {copy, restored, fromCounters};
    for (int o = 0; o < others.length; o++) {
      NumpyRandom other = others[o];
      List<Long> got = new ArrayList<>();
      for (int op : after) {
        got.add(draw(other, op));
      }
      assertEquals(want, got, names[o] + " draws; " + at);
      assertArrayEquals(r.state(), other.state(),
          "the streams stand at the same place after the same draws (" + names[o] + "); " + at);
    }
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("absentTries")
  void countersWithoutAStateLeaveTheStreamAsItIs(int t) {
    long seed = Gen.of(SEED, t).nonNegativeLong();
    NumpyRandom r = new NumpyRandom(seed);
    long[] s = r.state();
    r.restoreState("absent", new HashMap<>());
    assertArrayEquals(s, r.state(), Gen.label(SEED, t, "seed", seed));
  }
}
