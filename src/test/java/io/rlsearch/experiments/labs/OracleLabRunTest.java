package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lab 0.1's fixed run against the reference script's printed figures and its own definition. */
class OracleLabRunTest {

  @Test
  void theRunGivesTheReferenceScriptsFiguresAndItsEvaluationCurve() {
    OracleLab world = new OracleLab();
    LabReport r = world.run(SimSettings.defaults());
    // The reference's current lab script prints these (OracleLab.STALE): final 16.2814, oracle 17.8382,
    // per user 14.6184 / 22.6507 / 11.4971, 91.27% of the oracle.
    double fin = (double) r.figures().get("q_learning_final_mean");
    double oracle = (double) r.figures().get("oracle_mean");
    assertEquals(16.2814, fin, 5e-5);
    assertEquals(17.8382, oracle, 5e-5);
    assertEquals(91.27, (double) r.figures().get("pct_oracle"), 5e-3);
    assertEquals(100 * fin / oracle, (double) r.figures().get("pct_oracle"), 1e-12);
    @SuppressWarnings("unchecked")
    Map<String, Double> perUser = (Map<String, Double>) r.figures().get("per_user_final_mean");
    assertEquals(List.of("price_hunter", "premium", "bulk_buyer"), new ArrayList<>(perUser.keySet()));
    assertEquals(14.6184, perUser.get("price_hunter"), 5e-5);
    assertEquals(22.6507, perUser.get("premium"), 5e-5);
    assertEquals(11.4971, perUser.get("bulk_buyer"), 5e-5);
    // The oracle's actions 17, 4 and 18 (OracleLabDefinitionTest) are, in row-major order of the bins
    // {-1, -0.5, 0, 0.5, 1}: (0.5, 0), (-1, 1) and (0.5, 0.5).
    assertEquals(Map.of("price_hunter", List.of(0.5, 0.0), "premium", List.of(-1.0, 1.0),
        "bulk_buyer", List.of(0.5, 0.5)), r.figures().get("oracle_weights"));
    // 91.27% is at least 90%: the verdict is a match.
    assertEquals(true, r.figures().get("reaches_90pct_of_oracle"));
    assertEquals(LabReport.MATCH, r.match().get("reaches_90pct_of_oracle"));

    // The curve by its definition: after episodes 40, 80, ..., 800 (20 points), the mean of 120 evaluation
    // episodes on stream 314 + 10000 + ep, where ep is the 0-based index of the 40th, 80th ... episode.
    OracleLab.Learner learner = new OracleLab.Learner();
    NumpyRandom rng = new NumpyRandom(314);
    List<Double> curve = new ArrayList<>();
    for (int ep = 0; ep < 800; ep++) {
      int user = (int) rng.integers(0, 3);
      int a = learner.select(user, rng);
      learner.update(user, a, world.session(user, world.rank(world.actions[a]), 314 + ep));
      if (ep == 39 + 40 * curve.size()) {
        curve.add(world.evaluate(learner::select, 120, 314 + 10000 + ep)[0]);
      }
    }
    assertEquals(20, curve.size());
    assertEquals(curve, r.figures().get("eval_curve"));
    assertEquals(fin, world.evaluate(learner::select, 120, 314 + 20000)[0], 0.0);
  }
}
