package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import org.junit.jupiter.api.Test;

/**
 * Lab 11.3's summary on small catalogs (the protocol, ten seeds of 600 users, is the lab's at any catalog size;
 * the defaults' figures are LabsTest's): the mean of the per-seed values, their sample standard deviation (ddof 1)
 * and the CV, recomputed here from the reported values, and the verdict on both sides of the 0.10 target: a
 * 100-product catalog lands below it, a 50-product one above.
 */
class ValueStabilityLabRunTest {

  private record Summary(double mean, double std, double cv) {}

  private static Summary byHand(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    double mean = sum / v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double std = Math.sqrt(ss / (v.length - 1));
    return new Summary(mean, std, std / mean);
  }

  private static LabReport run(int products) {
    return new ValueStabilityLab().run(ZoosimConfig.fromString("catalog { n_products = " + products + " }"));
  }

  private static double[] values(LabReport r) {
    return ((java.util.List<?>) r.figures().get("value_per_seed")).stream().mapToDouble(x -> ((Number) x).doubleValue())
        .toArray();
  }

  private static void assertSummary(LabReport r) {
    double[] v = values(r);
    assertEquals(10, v.length);
    Summary s = byHand(v);
    assertEquals(s.mean(), (double) r.figures().get("mean"), 1e-12);
    assertEquals(s.std(), (double) r.figures().get("std"), 1e-12);
    assertEquals(s.cv(), (double) r.figures().get("cv"), 1e-12);
  }

  @Test
  void aSpreadBelowTheTargetMeetsIt() {
    LabReport r = run(100);
    assertSummary(r);
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 100 }");
    assertEquals(ValueStabilityLab.estimate(s, 11, 600, 0.95), (values(r))[0],
        0.0, "seed 11 comes first");
    double cv = (double) r.figures().get("cv");
    assertTrue(cv < 0.1 && cv > 0.05, "cv " + cv);
    assertEquals(true, r.figures().get("cv_target_met"));
    assertEquals(true, r.book().get("cv_target_met"));
    assertEquals(LabReport.MATCH, r.match().get("cv_target_met"));
  }

  @Test
  void aSpreadAboveTheTargetMissesItAndSaysBy() {
    LabReport r = run(50);
    assertSummary(r);
    double cv = (double) r.figures().get("cv");
    assertTrue(cv > 0.1 && cv < 0.15, "cv " + cv);
    assertEquals(false, r.figures().get("cv_target_met"));
    assertEquals("CV " + cv + " is not below the target 0.1", r.match().get("cv_target_met"));
  }
}
