package io.rlsearch.core.random;

import java.util.function.DoubleSupplier;

/**
 * numpy's {@code standard_gamma(shape)} algorithm, shared by its two generators, which differ only in
 * the streams it draws from: for shape 1 an exponential; below 1 the rejection method of Ahrens and
 * Dieter (uniform and exponential per try); above 1 Marsaglia and Tsang's method (a normal and a
 * uniform per try). {@link NumpyRandom} passes its ziggurat normal and exponential, {@link LegacyRandom}
 * the legacy polar normal and the legacy exponential.
 */
final class GammaDraw {
  private GammaDraw() {}

  /**
   * @param uniform a double in [0, 1)
   * @param normal a standard normal
   * @param exponential a standard exponential
   * @throws IllegalArgumentException if {@code shape} is negative or NaN, as numpy refuses it
   */
  static double standardGamma(double shape, DoubleSupplier uniform, DoubleSupplier normal,
      DoubleSupplier exponential) {
    if (!(shape >= 0)) {
      throw new IllegalArgumentException("gamma shape must be >= 0, got " + shape);
    }
    if (shape == 1.0) {
      return exponential.getAsDouble();
    }
    if (shape == 0.0) {
      return 0.0;
    }
    if (shape < 1.0) {
      while (true) {
        double u = uniform.getAsDouble();
        double v = exponential.getAsDouble();
        if (u <= 1.0 - shape) {
          double x = Math.pow(u, 1.0 / shape);
          if (x <= v) {
            return x;
          }
        } else {
          double y = -Math.log((1 - u) / shape);
          double x = Math.pow(1.0 - shape + shape * y, 1.0 / shape);
          if (x <= v + y) {
            return x;
          }
        }
      }
    }
    double b = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9 * b);
    while (true) {
      double x;
      double v;
      do {
        x = normal.getAsDouble();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      double u = uniform.getAsDouble();
      if (u < 1.0 - 0.0331 * (x * x) * (x * x)) {
        return b * v;
      }
      if (Math.log(u) < 0.5 * x * x + b * (1.0 - v + Math.log(v))) {
        return b * v;
      }
    }
  }
}
