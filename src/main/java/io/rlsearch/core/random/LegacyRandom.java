package io.rlsearch.core.random;

/**
 * numpy's legacy {@code np.random.RandomState(seed)} distributions over {@link Mt19937}: the
 * uniform {@link #randomSample}, the polar Box-Muller {@link #gauss} with its cached second value,
 * {@link #standardExponential} by inversion, {@link #standardGamma} and {@link #beta} as numpy's
 * legacy distributions draw them, in the same order, so the values are numpy's draw for draw.
 * These are not the algorithms of numpy's {@code Generator} ({@link NumpyRandom}): the legacy ones
 * are kept by numpy unchanged so that old seeded results can be reproduced, and that is their use
 * here (the Open Bandit Pipeline draws its Bernoulli Thompson sampling from a {@code RandomState}).
 *
 * <p>Logarithms, powers and exponentials are {@link Math}'s: on HotSpot its logarithm gave numpy's
 * normal, exponential and gamma (shape 1 and above) draws to the bit in every tested draw. A power
 * ({@code U^(1/shape)} in gamma below shape 1 and in Johnk's beta) can differ from the C library's
 * in the last bit (about 1 draw in 300 of those kinds), which moves that draw by an ulp or so (up to
 * a relative 2e-13 where the exponent is large) but keeps the stream in step.
 *
 * <p>Not thread-safe: one owner per instance, as with numpy.
 */
public final class LegacyRandom {
  private final Mt19937 bits;
  private boolean hasGauss;
  private double gauss;

  /** {@code np.random.RandomState(seed)}, {@code 0 <= seed < 2^32}. */
  public LegacyRandom(long seed) {
    this.bits = new Mt19937(seed);
  }

  /** {@code random_sample()}: uniform in {@code [0, 1)}, 53 bits. */
  public double randomSample() {
    return bits.nextDouble();
  }

  /**
   * {@code standard_normal()}: the polar method draws pairs {@code (x1, x2)} uniform in the square
   * until {@code 0 < r2 = x1^2 + x2^2 < 1}, returns {@code x2 f} with {@code f = sqrt(-2 log(r2) / r2)}
   * and keeps {@code x1 f} for the next call.
   */
  public double gauss() {
    if (hasGauss) {
      hasGauss = false;
      double t = gauss;
      gauss = 0.0;
      return t;
    }
    double x1;
    double x2;
    double r2;
    do {
      x1 = 2.0 * bits.nextDouble() - 1.0;
      x2 = 2.0 * bits.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = Math.sqrt(-2.0 * Math.log(r2) / r2);
    gauss = f * x1;
    hasGauss = true;
    return f * x2;
  }

  /** {@code standard_exponential()}: {@code -log(1 - U)}. */
  public double standardExponential() {
    return -Math.log(1.0 - bits.nextDouble());
  }

  /**
   * {@code standard_gamma(shape)}: an exponential for shape 1, 0 for shape 0; below 1 the
   * rejection method of Ahrens and Dieter (GS) with an exponential per try; above 1 Marsaglia and
   * Tsang's method with {@link #gauss} normals.
   *
   * @throws IllegalArgumentException if {@code shape} is negative or NaN, as numpy refuses it
   */
  public double standardGamma(double shape) {
    return GammaDraw.standardGamma(shape, bits::nextDouble, this::gauss, this::standardExponential);
  }

  /**
   * {@code beta(a, b)}: for {@code a <= 1} and {@code b <= 1} Johnk's algorithm (two uniforms per
   * try, {@code X = U^(1/a)}, {@code Y = V^(1/b)}, accepted when {@code X + Y <= 1}, in logs when
   * both underflow); otherwise {@code Ga / (Ga + Gb)} of {@link #standardGamma} draws, a's first.
   *
   * @throws IllegalArgumentException unless both parameters are {@code > 0}, as numpy requires
   */
  public double beta(double a, double b) {
    if (!(a > 0) || !(b > 0)) {
      throw new IllegalArgumentException("beta parameters must be > 0, got a=" + a + ", b=" + b);
    }
    if (a <= 1.0 && b <= 1.0) {
      while (true) {
        double u = bits.nextDouble();
        double v = bits.nextDouble();
        double x = Math.pow(u, 1.0 / a);
        double y = Math.pow(v, 1.0 / b);
        if (x + y <= 1.0) {
          if (x + y > 0) {
            return x / (x + y);
          }
          double logX = Math.log(u) / a;
          double logY = Math.log(v) / b;
          double logM = Math.max(logX, logY);
          logX -= logM;
          logY -= logM;
          return Math.exp(logX - Math.log(Math.exp(logX) + Math.exp(logY)));
        }
      }
    }
    double ga = standardGamma(a);
    double gb = standardGamma(b);
    return ga / (ga + gb);
  }
}
