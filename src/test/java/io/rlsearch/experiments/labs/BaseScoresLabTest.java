package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.sim.SimSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lab 2.2's percentiles are reported and compared, not left out (an empty comparison would match too). */
class BaseScoresLabTest {
  @Test
  void theFivePercentilesAreReportedInOrderWithinTheScoresRangeAndMatchTheBook() {
    LabReport r = new BaseScoresLab().run(SimSettings.defaults());
    @SuppressWarnings("unchecked")
    Map<String, Double> ours = (Map<String, Double>) r.figures().get("score_percentiles");
    @SuppressWarnings("unchecked")
    Map<String, Double> book = (Map<String, Double>) r.book().get("score_percentiles");
    assertEquals(List.of("5", "25", "50", "75", "95"), List.copyOf(ours.keySet()));
    assertEquals(Map.of("5", -0.258, "25", -0.057, "50", 0.095, "75", 0.248, "95", 0.466), book);
    double min = (double) r.figures().get("score_min");
    double max = (double) r.figures().get("score_max");
    double previous = min;
    for (String q : ours.keySet()) {
      double v = ours.get(q);
      assertTrue(v >= previous && v <= max, q + ": " + v);
      assertEquals(book.get(q), v, 0.0005, q);
      previous = v;
    }
    assertEquals(LabReport.MATCH, r.match().get("score_percentiles"));
  }
}
