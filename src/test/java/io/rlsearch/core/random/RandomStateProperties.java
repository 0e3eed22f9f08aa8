package io.rlsearch.core.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * A stream's state saves and restores exactly: after any sequence of draws (32-bit draws leave half a
 * word buffered, normals and gammas consume a varying number of words), a generator restored from the
 * saved state, by {@code restore} or through a checkpoint's counters, draws what the original draws next,
 * bit for bit, and so does a copy.
 */
class RandomStateProperties {
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

  @Provide
  Arbitrary<List<Integer>> ops() {
    return Arbitraries.integers().between(0, 8).list().ofMinSize(0).ofMaxSize(60);
  }

  @Property(tries = 200, seed = "20251207")
  void aRestoredStreamDrawsWhatTheOriginalDraws(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll("ops") List<Integer> before, @ForAll("ops") @Size(min = 1) List<Integer> after) {
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
    assertArrayEquals(saved, restored.state());
    assertArrayEquals(saved, fromCounters.state());
    List<Long> want = new ArrayList<>();
    for (int op : after) {
      want.add(draw(r, op));
    }
    for (NumpyRandom other : new NumpyRandom[] {copy, restored, fromCounters}) {
      List<Long> got = new ArrayList<>();
      for (int op : after) {
        got.add(draw(other, op));
      }
      assertEquals(want, got);
      assertArrayEquals(r.state(), other.state(), "the streams stand at the same place after the same draws");
    }
  }

  @Property(tries = 50, seed = "20251207")
  void countersWithoutAStateLeaveTheStreamAsItIs(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    NumpyRandom r = new NumpyRandom(seed);
    long[] s = r.state();
    r.restoreState("absent", new HashMap<>());
    assertArrayEquals(s, r.state());
  }
}
