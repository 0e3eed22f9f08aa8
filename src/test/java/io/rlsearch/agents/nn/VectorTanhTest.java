package io.rlsearch.agents.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.FdlibmMath;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel's tanh gives {@link FdlibmMath#tanhFloat(float)}'s bits (which
 * {@code FdlibmMathTest} holds to {@code (float) StrictMath.tanh}) for every float argument of its fast
 * range, a sample of the negative ones, and for values outside it: the exponentials it takes four at a time are not
 * {@code Math.exp}'s, so this is what shows their difference never reaches a result.
 */
class VectorTanhTest {
  private static DenseKernel vector() {
    Assumptions.assumeTrue(DenseKernel.vector().isPresent(), "the Vector API kernel does not run here");
    return DenseKernel.vector().get();
  }

  /** Every {@code step}-th float of {@code [lo, hi)} in arrays of {@code len}, with {@code sign}. */
  private static void sweep(DenseKernel k, float lo, float hi, float sign, int len, int step) {
    int first = Float.floatToRawIntBits(lo);
    int last = Float.floatToRawIntBits(hi);
    float[] h = new float[len];
    int bits = first;
    long differ = 0;
    String firstDiff = null;
    while (bits < last) {
      int m = (int) Math.min(len, ((long) last - bits + step - 1) / step);
      for (int j = 0; j < m; j++) {
        h[j] = sign * Float.intBitsToFloat(bits + j * step);
      }
      k.tanh(h, 0, m);
      for (int j = 0; j < m; j++) {
        float x = sign * Float.intBitsToFloat(bits + j * step);
        float want = FdlibmMath.tanhFloat(x);
        if (Float.floatToRawIntBits(h[j]) != Float.floatToRawIntBits(want)) {
          differ++;
          if (firstDiff == null) {
            firstDiff = "tanh(" + x + "): " + h[j] + " against " + want;
          }
        }
      }
      bits += m * step;
    }
    assertEquals(0, differ, firstDiff);
  }

  @Test
  void everyPositiveFloatOfTheFastRange() {
    // 2^-10 <= x < 20: 119.5 million floats, the range where the cheaper value is used
    sweep(vector(), 0x1p-10f, 20f, 1f, 4096, 1);
  }

  @Test
  void negativeFloatsOfTheFastRange() {
    // the sign is taken off before and put back after, so every 11th suffices
    sweep(vector(), 0x1p-10f, 20f, -1f, 4093, 11);
  }

  @Test
  void argumentsOutsideTheFastRangeAndTheSpecialValues() {
    DenseKernel k = vector();
    // below 2^-10 (subnormals and zeros included) and from 20 to the largest float
    sweep(k, Float.MIN_VALUE, 0x1p-10f, 1f, 1021, 101);
    sweep(k, 20f, Float.MAX_VALUE, -1f, 4096, 1009);
    float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0x7fc00001), Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
    float[] h = special.clone();
    k.tanh(h, 0, h.length);
    for (int j = 0; j < h.length; j++) {
      assertEquals(Float.floatToRawIntBits(FdlibmMath.tanhFloat(special[j])), Float.floatToRawIntBits(h[j]),
          "tanh(" + special[j] + ")");
    }
  }

  @Test
  void rangesChunksAndTailsTouchOnlyTheirOwnValues() {
    DenseKernel k = vector();
    SplittableRandom r = new SplittableRandom(7);
    for (int len : new int[] {1, 3, 4, 5, 255, 256, 257, 513, 1000}) {
      for (int from : new int[] {0, 1, 6}) {
        float[] x = new float[from + len + 5];
        for (int j = 0; j < x.length; j++) {
          x[j] = (float) (r.nextGaussian() * 3);
        }
        float[] h = x.clone();
        k.tanh(h, from, from + len);
        for (int j = 0; j < x.length; j++) {
          float want = j >= from && j < from + len ? FdlibmMath.tanhFloat(x[j]) : x[j];
          assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(h[j]), "len " + len + ", from " + from
              + ", index " + j);
        }
      }
    }
    float[] none = {2f};
    k.tanh(none, 1, 1);
    assertTrue(none[0] == 2f, "an empty range changes nothing");
  }
}
