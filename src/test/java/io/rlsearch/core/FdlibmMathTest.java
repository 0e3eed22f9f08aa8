package io.rlsearch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FdlibmMath} gives exactly the bits of {@link StrictMath} (and of {@link Math}, which on this
 * JDK is the same): special values, every branch threshold of the algorithm and its neighbours,
 * random doubles over all exponents and a sweep of the floats a network feeds to tanh.
 */
class FdlibmMathTest {
  /** Fails unless both functions give StrictMath's bits for {@code x}. */
  private static void check(double x) {
    long want = Double.doubleToRawLongBits(StrictMath.tanh(x));
    long got = Double.doubleToRawLongBits(FdlibmMath.tanh(x));
    if (want != got) {
      fail("tanh(" + x + " = 0x" + Long.toHexString(Double.doubleToRawLongBits(x)) + "): StrictMath "
          + Double.longBitsToDouble(want) + " (0x" + Long.toHexString(want) + "), FdlibmMath "
          + Double.longBitsToDouble(got) + " (0x" + Long.toHexString(got) + ")");
    }
    want = Double.doubleToRawLongBits(StrictMath.expm1(x));
    got = Double.doubleToRawLongBits(FdlibmMath.expm1(x));
    if (want != got) {
      fail("expm1(" + x + " = 0x" + Long.toHexString(Double.doubleToRawLongBits(x)) + "): StrictMath "
          + Double.longBitsToDouble(want) + " (0x" + Long.toHexString(want) + "), FdlibmMath "
          + Double.longBitsToDouble(got) + " (0x" + Long.toHexString(got) + ")");
    }
  }

  /** {@code x}, its neighbours and the negatives of all three. */
  private static void checkAround(double x) {
    for (double v : new double[] {x, Math.nextUp(x), Math.nextDown(x)}) {
      check(v);
      check(-v);
    }
  }

  private static double withHigh(int high, int low) {
    return Double.longBitsToDouble(((long) high << 32) | (low & 0xffffffffL));
  }

  @Test
  void specialValues() {
    double[] specials = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
        Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1.0, 0.5, 2.0, 22.0, 0.25, 1e-300, 1e300,
        Double.longBitsToDouble(0x000fffffffffffffL), Double.longBitsToDouble(0x0000000100000000L),
        Double.longBitsToDouble(0x7ff8000000000001L), Double.longBitsToDouble(0xfff8000000000000L)};
    for (double x : specials) {
      checkAround(x);
    }
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(FdlibmMath.tanh(-0.0)));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(FdlibmMath.expm1(-0.0)));
  }

  @Test
  void thresholdsAndTheirNeighbours() {
    List<Double> points = new ArrayList<>();
    // the high-word thresholds of both functions, at both ends of each high word
    int[] highs = {0x7ff00000, 0x40360000, 0x3c800000, 0x3ff00000, 0x4043687A, 0x40862E42, 0x3fd62e42, 0x3FF0A2B2,
        0x3c900000};
    for (int h : highs) {
      points.add(withHigh(h, 0));
      points.add(withHigh(h, -1));
      points.add(withHigh(h + 1, 0));
      points.add(withHigh(h - 1, -1));
    }
    points.add(7.09782712893383973096e+02); // overflow threshold
    points.add(0.25);
    points.add(-0.25);
    points.add(56 * Math.log(2));
    points.add(1.5 * Math.log(2));
    points.add(0.5 * Math.log(2));
    // where the reduction's k changes: (k + 1/2) ln 2, around k = -2, 1, 20, 56 and everywhere between
    for (int k = -70; k <= 70; k++) {
      points.add((k + 0.5) * Math.log(2));
      points.add(k * Math.log(2));
    }
    for (double p : points) {
      checkAround(p);
      checkAround(p / 2); // tanh passes 2|x| to expm1
      checkAround(p * 2);
    }
  }

  @Test
  void randomDoublesOverAllExponents() {
    SplittableRandom rng = new SplittableRandom(20261207L);
    for (int i = 0; i < 1_200_000; i++) {
      check(Double.longBitsToDouble(rng.nextLong())); // every exponent equally often, NaNs included
    }
    for (int i = 0; i < 800_000; i++) {
      // the interesting range of both functions, every exponent from 2^-60 to 2^10
      double m = 1 + rng.nextDouble();
      int e = rng.nextInt(-60, 11);
      double x = Math.scalb(m, e);
      check(rng.nextBoolean() ? x : -x);
    }
  }

  @Test
  void floatsInTheRangeNetworksUse() {
    // every 257th float from -20 to 20 (the bit patterns of both signs), cast to double as a tanh layer does
    int top = Float.floatToRawIntBits(20f);
    for (int bits = 0; bits <= top; bits += 257) {
      float f = Float.intBitsToFloat(bits);
      check(f);
      check(-f);
      assertEquals(Float.floatToRawIntBits((float) StrictMath.tanh(f)), Float.floatToRawIntBits((float) FdlibmMath.tanh(f)));
    }
  }

  private static void checkFloat(float x) {
    int want = Float.floatToRawIntBits((float) StrictMath.tanh(x));
    int got = Float.floatToRawIntBits(FdlibmMath.tanhFloat(x));
    if (want != got) {
      fail("tanhFloat(" + x + " = 0x" + Integer.toHexString(Float.floatToRawIntBits(x)) + "): StrictMath "
          + Float.intBitsToFloat(want) + ", tanhFloat " + Float.intBitsToFloat(got));
    }
  }

  @Test
  void theFloatTanhRoundsAsStrictMathOverAllFloats() {
    // every 499th bit pattern of either sign: all exponents, the fast range and the rest
    for (long bits = 0; bits <= 0x7fffffffL; bits += 499) {
      float f = Float.intBitsToFloat((int) bits);
      checkFloat(f);
      checkFloat(-f);
    }
    // arguments whose fast value lies near a float halfway point (where tanhFloat defers to fdlibm)
    int near = 0;
    for (int bits = Float.floatToRawIntBits(0x1p-10f); near < 2000 && bits < Float.floatToRawIntBits(20f); bits += 7) {
      float x = Float.intBitsToFloat(bits);
      double e = Math.exp(2.0 * x);
      long dropped = Double.doubleToRawLongBits((e - 1.0) / (e + 1.0)) & 0x1fffffffL;
      if (Math.abs(dropped - 0x10000000L) <= 1 << 13) {
        near++;
        checkFloat(x);
        checkFloat(-x);
      }
    }
    assertTrue(near >= 400, "found only " + near + " arguments near halfway points");
    // the fast range's ends, densely
    for (float edge : new float[] {0x1p-10f, 20f}) {
      float x = edge;
      for (int k = 0; k < 5000; k++) {
        x = Math.nextDown(x);
      }
      for (int k = 0; k < 10000; k++, x = Math.nextUp(x)) {
        checkFloat(x);
        checkFloat(-x);
      }
    }
    for (float x : new float[] {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, 9.01f, 22f}) {
      checkFloat(x);
    }
  }

  /**
   * The contract of {@code tanhFloat(x, z)}: any z within the documented error of the exact value gives
   * StrictMath's float. Arguments whose cheaper value lies within 2^10 units of the dropped bits of a
   * halfway point are the ones where an error of that size would round the other way; each is tried with
   * its value moved by 1 and by 2^10 units either way (the worst error the margin is sized for is under
   * 2^11 units), and with its sign flipped. Without the halfway check these would round wrongly.
   */
  @Test
  void valuesNearAHalfwayPointGiveStrictMathsFloatWhateverTheirErrorWithinTheBound() {
    int found = 0;
    for (int bits = Float.floatToRawIntBits(0.5f); bits < Float.floatToRawIntBits(1f); bits++) {
      float x = Float.intBitsToFloat(bits);
      double e = Math.exp(2.0 * x);
      double z = (e - 1.0) / (e + 1.0);
      long dropped = Double.doubleToRawLongBits(z) & 0x1fffffffL;
      if (Math.abs(dropped - 0x10000000L) > (1L << 10)) {
        continue;
      }
      found++;
      for (float sx : new float[] {x, -x}) {
        int want = Float.floatToRawIntBits((float) StrictMath.tanh(sx));
        for (long k : new long[] {-(1L << 10), -1, 0, 1, 1L << 10}) {
          double zk = Double.longBitsToDouble(Double.doubleToRawLongBits(z) + k);
          assertEquals(want, Float.floatToRawIntBits(FdlibmMath.tanhFloat(sx, zk)), "tanh(" + sx + ") from a value "
              + k + " units off");
        }
      }
    }
    // about 2^-18 of the 8 million floats of [0.5, 1)
    assertTrue(found >= 8, "only " + found + " arguments near a halfway point");
  }
}
