package io.rlsearch.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SummaryTest {
  /** Student's t 0.975 quantiles (R's qt(0.975, df), 7 significant digits) at df 1, 5, 30, 31, 40, 1000. */
  private static final long[] DF = {1, 5, 30, 31, 40, 1000};
  private static final double[] T = {12.706205, 2.570582, 2.042272, 2.039513, 2.021075, 1.962339};

  @Test
  void theIntervalUsesStudentsTQuantileAtEveryDegreeOfFreedom() {
    for (int i = 0; i < DF.length; i++) {
      long n = DF[i] + 1;
      // Sample sd 1 (m2 = n - 1), so the half-width times sqrt(n) is the quantile itself.
      Summary s = Summary.ofMoments(n, 3.0, n - 1);
      assertEquals(T[i], s.halfWidth() * Math.sqrt(n), 1e-6, "df " + DF[i]);
    }
  }

  @Test
  void ofAndOfMomentsGiveTheSameInterval() {
    double[] v = new double[41];
    double mean = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(i) * 3 + i * 0.1;
      mean += v[i];
    }
    mean /= v.length;
    double m2 = 0;
    for (double x : v) {
      m2 += (x - mean) * (x - mean);
    }
    Summary a = Summary.of(v);
    Summary b = Summary.ofMoments(v.length, mean, m2);
    assertEquals(b.ciLow(), a.ciLow(), 1e-12);
    assertEquals(b.ciHigh(), a.ciHigh(), 1e-12);
    // df 40: 2.021 standard errors, not the normal 1.96.
    assertEquals(2.021075 * a.std() / Math.sqrt(41), a.halfWidth(), 1e-6 * a.std());
  }

  @Test
  void theQuantileFunctionMatchesTheTable() {
    for (int i = 0; i < DF.length; i++) {
      assertEquals(T[i], Summary.t975(DF[i]), 1e-6, "df " + DF[i]);
    }
    // Either side of the switch to the expansion in 1 / df, and far beyond it.
    assertEquals(Summary.t975(100_000), Summary.t975(100_001), 3e-9);
    assertEquals(1.959963984540054, Summary.t975(Long.MAX_VALUE / 2), 1e-12);
  }

  /** The quantiles are kept once computed: the kept value has the bits of commons-math's inverse, asked for again. */
  @Test
  void aKeptQuantileHasTheInversesBits() {
    for (int df = 1; df <= 3000; df += df < 200 ? 1 : 37) {
      double inverse = new org.apache.commons.math3.distribution.TDistribution(null, df)
          .inverseCumulativeProbability(0.975);
      assertEquals(Double.doubleToRawLongBits(inverse), Double.doubleToRawLongBits(Summary.t975(df)), "df " + df);
      assertEquals(Double.doubleToRawLongBits(inverse), Double.doubleToRawLongBits(Summary.t975(df)), "df " + df);
    }
  }

  /**
   * Every 95% interval in the project takes its quantile from {@link Summary#t975}: no source
   * multiplies a standard error by the normal quantile 1.96 (which is too narrow at small samples).
   */
  @Test
  void noIntervalInTheSourcesUsesTheNormalQuantile() throws IOException {
    Pattern z = Pattern.compile("1\\.96\\d*\\s*\\*");
    List<String> found;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      found = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
        try {
          List<String> lines = Files.readAllLines(f);
          return java.util.stream.IntStream.range(0, lines.size())
              .filter(i -> z.matcher(lines.get(i)).find())
              .mapToObj(i -> f + ":" + (i + 1) + ": " + lines.get(i).strip());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
    assertTrue(found.isEmpty(), "intervals on the normal quantile: " + found);
  }
}
