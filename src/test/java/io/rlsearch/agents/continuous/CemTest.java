package io.rlsearch.agents.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  private static final String REFUSAL = "CEM needs samples >= 1, elite fraction in (0, 1], iterations >= 1,"
      + " init std > 0, min std >= 0, alpha in [0, 1) and a_max > 0";

  private static Cem.Settings settings(int samples, double elite, int iterations, double initStd, double minStd,
      double alpha, double aMax) {
    return new Cem.Settings(samples, elite, iterations, initStd, minStd, alpha, aMax, false, 0);
  }

  private static void refused(int samples, double elite, int iterations, double initStd, double minStd, double alpha,
      double aMax) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> settings(samples, elite, iterations, initStd, minStd, alpha, aMax));
    assertEquals(REFUSAL, e.getMessage());
  }

  @Test
  void settingsAreAcceptedExactlyAtEveryLimitAndRefusedJustPastIt() {
    double tiny = Double.MIN_VALUE;
    // samples: 0 refused, 1 accepted
    refused(0, 0.2, 5, 0.5, 0.05, 0.7, 1.0);
    assertEquals(1, settings(1, 0.2, 5, 0.5, 0.05, 0.7, 1.0).samples());
    // elite fraction: (0, 1]
    refused(64, 0.0, 5, 0.5, 0.05, 0.7, 1.0);
    refused(64, Double.NaN, 5, 0.5, 0.05, 0.7, 1.0);
    assertDoesNotThrow(() -> settings(64, tiny, 5, 0.5, 0.05, 0.7, 1.0));
    assertDoesNotThrow(() -> settings(64, 1.0, 5, 0.5, 0.05, 0.7, 1.0));
    refused(64, Math.nextUp(1.0), 5, 0.5, 0.05, 0.7, 1.0);
    // iterations: 0 refused, 1 accepted
    refused(64, 0.2, 0, 0.5, 0.05, 0.7, 1.0);
    assertDoesNotThrow(() -> settings(64, 0.2, 1, 0.5, 0.05, 0.7, 1.0));
    // init std > 0
    refused(64, 0.2, 5, 0.0, 0.05, 0.7, 1.0);
    assertDoesNotThrow(() -> settings(64, 0.2, 5, tiny, 0.05, 0.7, 1.0));
    // min std >= 0
    refused(64, 0.2, 5, 0.5, -tiny, 0.7, 1.0);
    assertDoesNotThrow(() -> settings(64, 0.2, 5, 0.5, 0.0, 0.7, 1.0));
    // alpha in [0, 1)
    refused(64, 0.2, 5, 0.5, 0.05, -tiny, 1.0);
    assertDoesNotThrow(() -> settings(64, 0.2, 5, 0.5, 0.05, 0.0, 1.0));
    assertDoesNotThrow(() -> settings(64, 0.2, 5, 0.5, 0.05, Math.nextDown(1.0), 1.0));
    refused(64, 0.2, 5, 0.5, 0.05, 1.0, 1.0);
    // a_max > 0
    refused(64, 0.2, 5, 0.5, 0.05, 0.7, 0.0);
    assertDoesNotThrow(() -> settings(64, 0.2, 5, 0.5, 0.05, 0.7, tiny));
  }

  /** An objective that keeps a copy of every batch it scores (CEM reuses its sample array). */
  private static final class Recording implements Function<double[][], double[]> {
    final List<double[][]> batches = new ArrayList<>();
    final Function<double[], Double> f;

    Recording(Function<double[], Double> f) {
      this.f = f;
    }

    @Override
    public double[] apply(double[][] xs) {
      double[][] copy = new double[xs.length][];
      double[] v = new double[xs.length];
      for (int i = 0; i < xs.length; i++) {
        copy[i] = xs[i].clone();
        v[i] = f.apply(xs[i]);
      }
      batches.add(copy);
      return v;
    }
  }

  @Test
  void oneStepMovesTheGaussianToTheElitesWithSmoothingAsDefined() {
    // 4 samples, elite fraction 0.5 -> 2 elites; alpha 0.25; no clipping (a_max 10); min std 0.
    Cem.Settings s = settings(4, 0.5, 2, 0.5, 0.0, 0.25, 10.0);
    double[] m0 = {0.2, -0.4};
    Recording obj = new Recording(a -> a[0] + 2 * a[1]);
    Cem.Result r = Cem.maximise(obj, 2, s, Optional.of(m0), Optional.empty(), new NumpyRandom(3));
    assertEquals(2, obj.batches.size(), "one objective call per iteration");
    assertArrayEquals(new double[] {0.2, -0.4}, m0, "the caller's initial mean is not modified");

    NumpyRandom p = new NumpyRandom(3);
    double[][] first = new double[4][2];
    for (int i = 0; i < 4; i++) {
      for (int d = 0; d < 2; d++) {
        first[i][d] = p.normal(m0[d], 0.5);
      }
    }
    assertTrue(Arrays.deepEquals(first, obj.batches.get(0)), "first batch ~ N(initMean, 0.5^2)");
    // the two elites: the two highest a0 + 2 a1
    Integer[] idx = {0, 1, 2, 3};
    Arrays.sort(idx, (a, b) -> Double.compare(first[b][0] + 2 * first[b][1], first[a][0] + 2 * first[a][1]));
    double[] e1 = first[idx[0]];
    double[] e2 = first[idx[1]];
    double[] m1 = new double[2];
    double[] s1 = new double[2];
    for (int d = 0; d < 2; d++) {
      double em = (e1[d] + e2[d]) / 2;
      double sd = Math.abs(e1[d] - e2[d]) / 2; // population std of two points
      m1[d] = 0.25 * m0[d] + 0.75 * em;
      s1[d] = 0.25 * 0.5 + 0.75 * sd;
    }
    double[][] second = obj.batches.get(1);
    for (int i = 0; i < 4; i++) {
      for (int d = 0; d < 2; d++) {
        double z = p.standardNormal();
        assertEquals(m1[d] + s1[d] * z, second[i][d], 1e-12, "second batch row " + i + " dim " + d);
      }
    }
    // the result: the best row of either batch (the first wins a tie)
    double[] best = e1;
    for (double[] row : second) {
      if (row[0] + 2 * row[1] > best[0] + 2 * best[1]) {
        best = row;
      }
    }
    assertArrayEquals(best, r.best());
    assertEquals(best[0] + 2 * best[1], r.bestValue());
  }

  @Test
  void theMinStdFloorsTheUpdatedStd() {
    // one elite (fraction 0.25 of 4): its variance is 0, so the new std is alpha * 0.5 = 0.05 unless floored at 0.3
    Cem.Settings s = settings(4, 0.25, 2, 0.5, 0.3, 0.1, 10.0);
    Recording obj = new Recording(a -> -a[0] * a[0]);
    Cem.maximise(obj, 1, s, Optional.empty(), Optional.empty(), new NumpyRandom(5));
    NumpyRandom p = new NumpyRandom(5);
    double[][] first = obj.batches.get(0);
    double elite = first[0][0];
    for (int i = 0; i < 4; i++) {
      assertEquals(p.normal(0.0, 0.5), first[i][0]);
      if (-first[i][0] * first[i][0] >= -elite * elite) {
        elite = first[i][0];
      }
    }
    double m1 = 0.9 * elite;
    for (int i = 0; i < 4; i++) {
      assertEquals(m1 + 0.3 * p.standardNormal(), obj.batches.get(1)[i][0], 1e-12);
    }
  }

  @Test
  void aTieKeepsTheFirstIterationsBestAndTheLastRowOfABatch() {
    Recording flat = new Recording(a -> 0.0);
    Cem.Result r = Cem.maximise(flat, 2, settings(3, 0.5, 2, 0.5, 0.0, 0.5, 1.0), Optional.empty(), Optional.empty(),
        new NumpyRandom(11));
    assertEquals(2, flat.batches.size());
    // all values tie: the stable sort puts row 2 on top, and iteration 2 does not beat 0.0 strictly
    assertArrayEquals(flat.batches.get(0)[2], r.best());
    assertTrue(!Arrays.equals(flat.batches.get(0)[2], flat.batches.get(1)[2]));
    assertEquals(0.0, r.bestValue());
  }

  @Test
  void samplesOutsideTheTrustRegionAreScaledOntoItsSphereAroundTheCentre() {
    double[] c = {0.5, -0.25};
    double radius = 0.1;
    Recording obj = new Recording(a -> a[0]);
    Cem.maximise(obj, 2, settings(5, 0.2, 1, 1.0, 0.0, 0.5, 10.0), Optional.of(c), Optional.of(radius),
        new NumpyRandom(7));
    NumpyRandom p = new NumpyRandom(7);
    double[][] got = obj.batches.get(0);
    for (int i = 0; i < 5; i++) {
      double y0 = p.normal(0.5, 1.0);
      double y1 = p.normal(-0.25, 1.0);
      double n = Math.hypot(y0 - 0.5, y1 + 0.25);
      assertTrue(n > radius, "the draw is outside the region");
      assertEquals(0.5 + (y0 - 0.5) * radius / n, got[i][0], 1e-12);
      assertEquals(-0.25 + (y1 + 0.25) * radius / n, got[i][1], 1e-12);
      assertEquals(radius, Math.hypot(got[i][0] - 0.5, got[i][1] + 0.25), 1e-12);
    }
  }

  @Test
  void aSampleExactlyOnTheTrustRegionsBoundaryIsLeftAsItIs() {
    // centre -0.13, box [-1, 1], radius 1 - (-0.13): a draw clipped to 1 lies exactly on the sphere; rescaling it
    // by 1 would give -0.13 + 1.13 = 0.9999999999999999, not 1.
    double c = -0.13;
    double radius = 1.0 - c;
    assertTrue(c + (1.0 - c) * (radius / radius) != 1.0, "the fixture needs a centre where rescaling by 1 rounds");
    Recording obj = new Recording(a -> a[0]);
    Cem.maximise(obj, 1, settings(8, 0.25, 1, 5.0, 0.0, 0.5, 1.0), Optional.of(new double[] {c}),
        Optional.of(radius), new NumpyRandom(2));
    NumpyRandom p = new NumpyRandom(2);
    int onBoundary = 0;
    for (int i = 0; i < 8; i++) {
      double y = Math.max(-1.0, Math.min(1.0, p.normal(c, 5.0)));
      onBoundary += y == 1.0 ? 1 : 0;
      assertEquals(y, obj.batches.get(0)[i][0], "row " + i);
    }
    assertTrue(onBoundary > 0, "the seed must give a draw clipped to 1");
  }

  @Test
  void aNegativeOrUndefinedTrustRadiusIsRefused() {
    // a negative radius used to reflect every sample through the centre (a factor radius / n < 0)
    for (double bad : new double[] {-Double.MIN_VALUE, -0.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cem.maximise(PEAK, 2,
          Cem.Settings.defaults(1.0), Optional.empty(), Optional.of(bad), new NumpyRandom(0)));
      assertEquals("the trust radius must be >= 0, got " + bad, e.getMessage());
    }
  }

  @Test
  void aZeroTrustRadiusPinsEverySampleToTheCentre() {
    double[] c = {0.25, -0.5};
    Recording obj = new Recording(a -> a[0]);
    Cem.Result r = Cem.maximise(obj, 2, settings(4, 0.5, 2, 1.0, 0.0, 0.5, 1.0), Optional.of(c), Optional.of(0.0),
        new NumpyRandom(3));
    assertEquals(2, obj.batches.size());
    for (double[][] batch : obj.batches) {
      for (double[] row : batch) {
        assertArrayEquals(c, row);
      }
    }
    assertArrayEquals(c, r.best());
    assertEquals(0.25, r.bestValue());
  }
}
