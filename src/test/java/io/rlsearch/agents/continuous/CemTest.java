package io.rlsearch.agents.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The reference's tests/ch07/test_cem.py, and the re-seeding switch. */
class CemTest {
  private static final Function<double[][], double[]> PEAK = xs -> {
    double[] v = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      double a = xs[i][0] - 0.3;
      double b = xs[i][1] + 0.2;
      v[i] = -(a * a + b * b);
    }
    return v;
  };

  @Test
  void findsTheMaximumOfAQuadraticWithinTolerance() {
    Cem.Result r = Cem.maximise(PEAK, 2, Cem.Settings.defaults(1.0), Optional.empty(), Optional.empty(),
        new NumpyRandom(0));
    double dist = Math.hypot(r.best()[0] - 0.3, r.best()[1] + 0.2);
    assertTrue(dist < 0.15, "distance " + dist);
  }

  @Test
  void theTrustRegionKeepsTheBestActionInsideItsRadius() {
    double[] center = {0.0, 0.0};
    Cem.Result r = Cem.maximise(PEAK, 2, Cem.Settings.defaults(1.0), Optional.of(center), Optional.of(0.1),
        new NumpyRandom(1));
    assertTrue(Math.hypot(r.best()[0], r.best()[1]) <= 0.1 + 1e-12);
  }

  @Test
  void theReferenceQuirkReusesTheSameNoiseOnEveryCall() {
    Cem.Settings quirk = new Cem.Settings(64, 0.2, 5, 0.5, 0.05, 0.7, 1.0, true, 42);
    NumpyRandom stream = new NumpyRandom(9);
    Cem.Result a = Cem.maximise(PEAK, 2, quirk, Optional.empty(), Optional.empty(), stream);
    Cem.Result b = Cem.maximise(PEAK, 2, quirk, Optional.empty(), Optional.empty(), stream);
    assertArrayEquals(a.best(), b.best());
    Cem.Settings fixed = Cem.Settings.defaults(1.0);
    Cem.Result c = Cem.maximise(PEAK, 2, fixed, Optional.empty(), Optional.empty(), stream);
    Cem.Result d = Cem.maximise(PEAK, 2, fixed, Optional.empty(), Optional.empty(), stream);
    assertTrue(c.best()[0] != d.best()[0], "the caller's stream should advance between calls");
  }
}
