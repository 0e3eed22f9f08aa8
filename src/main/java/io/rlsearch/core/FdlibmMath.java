package io.rlsearch.core;

/**
 * The hyperbolic tangent and {@code exp(x) - 1} in plain Java, bit for bit the results of fdlibm's
 * {@code tanh} and {@code expm1} and so of {@link StrictMath#tanh} and {@link StrictMath#expm1}
 * (which Java specifies as fdlibm's results).
 *
 * <p>Why: on JDK 17, {@link Math#tanh} is {@link StrictMath#tanh}, a native call into the JDK's
 * compiled fdlibm, some fifty nanoseconds each and opaque to the JIT. A network's tanh layer calls it
 * once per hidden unit, which made a tanh forward pass several times slower than a ReLU one. The same
 * operations written in Java are inlined and several times cheaper, and since each step is one IEEE
 * double operation (Java never fuses or reorders them) the results are the same bits, so nothing
 * computed with them changes.
 */
public final class FdlibmMath {
  // algorithm and constants: fdlibm s_tanh.c / s_expm1.c, Sun Microsystems (freely distributable)

  private static final double HUGE = 1.0e300;
  private static final double TINY = 1.0e-300;
  /** Above this, exp(x) - 1 overflows. */
  private static final double O_THRESHOLD = 7.09782712893383973096e+02;
  /** ln 2 split so that {@code k * LN2_HI} is exact for the k used. */
  private static final double LN2_HI = 6.93147180369123816490e-01;
  private static final double LN2_LO = 1.90821492927058770002e-10;
  private static final double INV_LN2 = 1.44269504088896338700e+00;
  /** The rational approximation's coefficients, scaled by 2^i. */
  private static final double Q1 = -3.33333333333331316428e-02;
  private static final double Q2 = 1.58730158725481460165e-03;
  private static final double Q3 = -7.93650757867487942473e-05;
  private static final double Q4 = 4.00821782732936239552e-06;
  private static final double Q5 = -2.01099218183624371326e-07;

  private FdlibmMath() {}

  /** The upper 32 bits of {@code x}'s representation. */
  private static int high(double x) {
    return (int) (Double.doubleToRawLongBits(x) >>> 32);
  }

  /** {@code x} times 2^k by adding {@code k} to its exponent field (no rounding; the caller keeps it in range). */
  private static double addExponent(double x, int k) {
    return Double.longBitsToDouble(Double.doubleToRawLongBits(x) + ((long) k << 52));
  }

  /**
   * The hyperbolic tangent of {@code x}, the same bits as {@link StrictMath#tanh}: 0 and tiny
   * arguments {@code x (1 + x)}; below 1 in magnitude {@code -t / (t + 2)} with {@code t = expm1(-2|x|)};
   * below 22 {@code 1 - 2 / (t + 2)} with {@code t = expm1(2|x|)}; beyond, {@code ±1}.
   */
  public static double tanh(double x) {
    int jx = high(x);
    int ix = jx & 0x7fffffff;
    if (ix >= 0x7ff00000) {
      // infinite: 1/x is ±0, giving ±1; NaN stays NaN
      return jx >= 0 ? 1.0 / x + 1.0 : 1.0 / x - 1.0;
    }
    double z;
    if (ix < 0x40360000) { // |x| < 22
      if (ix < 0x3c800000) { // |x| < 2^-55 (and ±0)
        return x * (1.0 + x);
      }
      if (ix >= 0x3ff00000) { // |x| >= 1
        double t = expm1(2.0 * Math.abs(x));
        z = 1.0 - 2.0 / (t + 2.0);
      } else {
        double t = expm1(-2.0 * Math.abs(x));
        z = -t / (t + 2.0);
      }
    } else {
      z = 1.0 - TINY;
    }
    return jx >= 0 ? z : -z;
  }

  /**
   * {@code (float) tanh(x)} for a float argument, the same bits as {@code (float) StrictMath.tanh(x)},
   * mostly computed the cheaper way {@code (e - 1) / (e + 1)} with {@code e = Math.exp(2|x|)}. That
   * value is within 2^-42 (relative) of the exact tanh for {@code 2^-10 <= |x| < 20} (Math.exp is
   * specified within 1 ulp; the worst loss is the cancellation in {@code e - 1}, 2^-43 at the smallest
   * argument), and fdlibm's within 2.5 ulps, so the two round to the same float unless they lie within
   * 2^-42 of a point halfway between two floats. Values that close to a halfway point (a few in a
   * hundred thousand), and arguments outside that range, take fdlibm's {@link #tanh(double)}.
   */
  public static float tanhFloat(float x) {
    float a = Math.abs(x);
    if (a >= 0x1p-10f && a < 20f) {
      double e = Math.exp(2.0 * a);
      return tanhFloat(x, (e - 1.0) / (e + 1.0));
    }
    return (float) tanh(x);
  }

  /**
   * {@link #tanhFloat(float)} with its cheaper value {@code z = (e - 1) / (e + 1)} computed by the
   * caller, from any {@code e} within 1 ulp of {@code exp(2|x|)} (a vector exponential, say, which the
   * Vector API specifies as accurate as {@link Math#exp}): the same bits as {@code (float)
   * StrictMath.tanh(x)} for every x, since z is used only where the argument above shows it rounds to
   * the same float.
   */
  public static float tanhFloat(float x, double z) {
    float a = Math.abs(x);
    if (a >= 0x1p-10f && a < 20f) {
      // the 29 bits a float drops: 2^28 is the halfway point; 2^-42 relative is under 2^11 of them
      long dropped = Double.doubleToRawLongBits(z) & 0x1fffffffL;
      if (Math.abs(dropped - 0x10000000L) > MARGIN) {
        float f = (float) z;
        return x < 0 ? -f : f;
      }
    }
    return (float) tanh(x);
  }

  /** How near (in units of the last double place) to a float halfway point {@link #tanhFloat} defers to fdlibm. */
  private static final long MARGIN = 1L << 13;

  /**
   * {@code exp(x) - 1}, the same bits as {@link StrictMath#expm1}: {@code x = k ln2 + r} with
   * {@code |r| <= ln2 / 2} and a correction term for the rounding of r, a rational approximation of
   * {@code expm1(r)}, then scaled back by 2^k in the way that loses least for each k.
   */
  public static double expm1(double x) {
    int hx = high(x);
    boolean negative = hx < 0;
    hx &= 0x7fffffff;

    if (hx >= 0x4043687A) { // |x| >= 56 ln2
      if (hx >= 0x40862E42) { // |x| >= 709.78...
        if (hx >= 0x7ff00000) {
          if (((hx & 0xfffff) | (int) Double.doubleToRawLongBits(x)) != 0) {
            return x + x; // NaN
          }
          return negative ? -1.0 : x; // expm1(±inf) = -1 or inf
        }
        if (x > O_THRESHOLD) {
          return HUGE * HUGE; // overflow
        }
      }
      if (negative && x + TINY < 0.0) { // x < -56 ln2: -1 (inexact)
        return TINY - 1.0;
      }
    }

    int k;
    double c = 0.0;
    if (hx > 0x3fd62e42) { // |x| > ln2 / 2: reduce
      double hi;
      double lo;
      if (hx < 0x3FF0A2B2) { // and |x| < 1.5 ln2
        if (!negative) {
          hi = x - LN2_HI;
          lo = LN2_LO;
          k = 1;
        } else {
          hi = x + LN2_HI;
          lo = -LN2_LO;
          k = -1;
        }
      } else {
        k = (int) (INV_LN2 * x + (negative ? -0.5 : 0.5));
        double t = k;
        hi = x - t * LN2_HI; // exact
        lo = t * LN2_LO;
      }
      x = hi - lo;
      c = (hi - x) - lo;
    } else if (hx < 0x3c900000) { // |x| < 2^-54: x itself (inexact unless 0)
      double t = HUGE + x;
      return x - (t - (HUGE + x));
    } else {
      k = 0;
    }

    double hfx = 0.5 * x;
    double hxs = x * hfx;
    double r1 = 1.0 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
    double t = 3.0 - r1 * hfx;
    double e = hxs * ((r1 - t) / (6.0 - x * t));
    if (k == 0) {
      return x - (x * e - hxs);
    }
    e = x * (e - c) - c;
    e -= hxs;
    if (k == -1) {
      return 0.5 * (x - e) - 0.5;
    }
    if (k == 1) {
      return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1.0 + 2.0 * (x - e);
    }
    if (k <= -2 || k > 56) { // exp(x) - 1 suffices
      double y = 1.0 - (e - x);
      return addExponent(y, k) - 1.0;
    }
    double y;
    if (k < 20) {
      double oneMinus = Double.longBitsToDouble((long) (0x3ff00000 - (0x200000 >> k)) << 32); // 1 - 2^-k
      y = addExponent(oneMinus - (e - x), k);
    } else {
      double pow = Double.longBitsToDouble((long) ((0x3ff - k) << 20) << 32); // 2^-k
      y = x - (e + pow);
      y += 1.0;
      y = addExponent(y, k);
    }
    return y;
  }
}
