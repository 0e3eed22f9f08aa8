package io.rlsearch.core.random;

/**
 * Single-precision ln, sin and cos as torch's AVX2 random kernel computes them.
 *
 * <p>These are the Cephes {@code logf}/{@code sinf}/{@code cosf} polynomials in the form of Julien
 * Pommier's SSE/AVX math functions, evaluated here one lane at a time with the same float
 * operations in the same order, so the results are the bits the vector code produces. torch builds
 * these kernels with FMA enabled and GCC contracts each multiply that feeds an add into one fused
 * multiply-add; {@link Math#fma} reproduces those contractions (the ones that change results were
 * pinned down against 48,000 torch draws, which all match bit for bit). Valid for the
 * arguments torch feeds them: ln on (0, 1], sin/cos on [0, 2 pi).
 */
final class CephesFloat {
  private CephesFloat() {}

  /** {@code 2.0f * pi} rounded to float, as torch's kernel broadcasts it. */
  static final float TWO_PI = (float) (2.0 * Math.PI);

  private static final float SQRTHF = 0.707106781186547524f;
  private static final float[] LOG_P = {
    7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
    -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f
  };
  private static final float LOG_Q1 = -2.12194440e-4f;
  private static final float LOG_Q2 = 0.693359375f;

  private static final float FOPI = 1.27323954473516f;
  private static final float DP1 = -0.78515625f;
  private static final float DP2 = -2.4187564849853515625e-4f;
  private static final float DP3 = -3.77489497744594108e-8f;
  private static final float SIN_P0 = -1.9515295891E-4f;
  private static final float SIN_P1 = 8.3321608736E-3f;
  private static final float SIN_P2 = -1.6666654611E-1f;
  private static final float COS_P0 = 2.443315711809948E-005f;
  private static final float COS_P1 = -1.388731625493765E-003f;
  private static final float COS_P2 = 4.166664568298827E-002f;

  /** Natural log for x in (0, 1]; NaN for x &lt;= 0. */
  static float log(float x) {
    if (x <= 0f) {
      return Float.NaN;
    }
    x = Math.max(x, Float.MIN_NORMAL); // cut off denormals
    int bits = Float.floatToRawIntBits(x);
    int exponent = (bits >>> 23) - 0x7f;
    // keep the mantissa, scaled into [0.5, 1)
    x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
    float e = (float) exponent;
    e = e + 1f;
    float tmp = x < SQRTHF ? x : 0f;
    boolean small = x < SQRTHF;
    x = x - 1f;
    e = e - (small ? 1f : 0f);
    x = x + tmp;
    float z = x * x;
    float y = LOG_P[0];
    for (int i = 1; i < LOG_P.length; i++) {
      y = Math.fma(y, x, LOG_P[i]);
    }
    y = y * x;
    y = Math.fma(y, z, e * LOG_Q1);
    y = Math.fma(-z, 0.5f, y);
    return Math.fma(e, LOG_Q2, x + y);
  }

  /** Sine for x &gt;= 0. */
  static float sin(float x) {
    return sincos(x, true);
  }

  /** Cosine for x &gt;= 0. */
  static float cos(float x) {
    return sincos(x, false);
  }

  private static float sincos(float xIn, boolean sine) {
    boolean negative = sine && xIn < 0;
    float x = Math.abs(xIn);
    float yScaled = x * FOPI;
    int j = (int) yScaled; // truncation, as cvttps
    j = (j + 1) & ~1;
    float y = (float) j;
    boolean swapSin = (j & 4) != 0;
    boolean firstPolyForSin = (j & 2) == 0; // mask true: sine uses the sine polynomial
    boolean swapCos = ((~(j - 2)) & 4) != 0;

    x = Math.fma(y, DP1, x);
    x = Math.fma(y, DP2, x);
    x = Math.fma(y, DP3, x);

    float z = x * x;
    float c = Math.fma(COS_P0, z, COS_P1);
    c = Math.fma(c, z, COS_P2);
    c = c * z;
    c = Math.fma(c, z, -(z * 0.5f));
    c = c + 1f;

    float s = Math.fma(SIN_P0, z, SIN_P1);
    s = Math.fma(s, z, SIN_P2);
    s = s * z;
    s = Math.fma(s, x, x);

    float result;
    boolean flip;
    if (sine) {
      result = firstPolyForSin ? s : c;
      flip = negative ^ swapSin;
    } else {
      result = firstPolyForSin ? c : s;
      flip = swapCos;
    }
    return flip ? -result : result;
  }
}
