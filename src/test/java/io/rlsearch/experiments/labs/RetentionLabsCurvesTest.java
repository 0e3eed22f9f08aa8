package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Action;
import io.rlsearch.sim.Retention;
import io.rlsearch.sim.SearchSimulator;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lab 11.2's monotonicity check on retention models built to sit exactly at, or a hair past, its tolerance: the
 * return probability {@code sigmoid(logit(base) + w_c clicks + w_s satisfaction)} may fall by at most 1e-8 from
 * one grid point to the next (clicks 0..15 on each of the 21 satisfaction levels, then satisfaction 0, 0.05 .. 1
 * at each click count). Near p = 0.999 the drop per step grows with the number of steps taken (p (1 - p) grows as
 * p falls from 1), so a small negative weight makes the last step the largest; the weights below were found by a
 * search over doubles for the one whose computed last drop is exactly 1e-8 (checked in each test, so the tests
 * say when a change to the retention model moves them off the boundary). Plus Lab 11.1's single-step value.
 */
class RetentionLabsCurvesTest {
  private static final double BASE = 0.999;
  /** Clicks weight whose drop from 14 to 15 clicks is exactly 1e-8 (satisfaction weight 0). */
  private static final double CLICKS_AT_BOUNDARY = -0x1.4fd4e0e452ddep-17;
  /** Satisfaction weight whose drop from satisfaction 0.95 to 1 is exactly 1e-8 (clicks weight 0). */
  private static final double SATISFACTION_AT_BOUNDARY = -0x1.a3c4bb40a9p-13;
  /** Scaling a boundary weight by this makes the last drop exceed 1e-8 while the one before stays below. */
  private static final double HAIR = 1 + 1e-6;

  private static SimSettings retention(double base, double clicks, double satisfaction) {
    SimSettings d = SimSettings.defaults();
    return new SimSettings(d.seed(), d.topK(), d.catalog(), d.users(), d.queries(), d.relevance(), d.behavior(),
        d.reward(), new SimSettings.Retention(base, clicks, satisfaction), d.action(), d.templates(), d.quirks(),
        d.drift());
  }

  private static LabReport curves(SimSettings s) {
    return new RetentionLabs.Curves().run(s);
  }

  private static boolean monotone(LabReport r) {
    return (Boolean) r.figures().get("monotone");
  }

  @SuppressWarnings("unchecked")
  private static List<List<Double>> grid(LabReport r) {
    return (List<List<Double>>) r.figures().get("p_return_grid");
  }

  @Test
  void theGridIsTheReturnProbabilityAtSatisfactionIOver20AndClicksC() {
    SimSettings d = SimSettings.defaults();
    SimSettings.Retention rs = d.retention();
    assertTrue(rs.satisfactionWeight() != 0, "the defaults must make satisfaction matter for this test to bite");
    LabReport r = curves(d);
    assertEquals("ch11-retention-curves", r.lab());
    assertEquals(21, grid(r).size());
    double logit = Math.log(rs.baseRate() / (1 - rs.baseRate()));
    for (int i = 0; i <= 20; i++) {
      assertEquals(16, grid(r).get(i).size());
      for (int c = 0; c <= 15; c++) {
        double byHand = 1 / (1 + Math.exp(-(logit + rs.clickWeight() * c + rs.satisfactionWeight() * i / 20.0)));
        assertEquals(byHand, grid(r).get(i).get(c), 1e-12, "satisfaction " + i + "/20, clicks " + c);
      }
    }
    assertEquals(grid(r).get(10), r.figures().get("p_return_by_clicks_at_satisfaction_0_5"));
    assertEquals(grid(r).get(0).get(0), (double) r.figures().get("p_return_min"), 0.0);
    assertEquals(grid(r).get(20).get(15), (double) r.figures().get("p_return_max"), 0.0);
    assertTrue(monotone(r));
    assertEquals(LabReport.MATCH, r.match().get("monotone"));
    assertEquals(true, r.book().get("monotone"));
  }

  @Test
  void aFlatModelIsMonotone() {
    // weights 0: the same probability everywhere (no step falls at all)
    LabReport r = curves(retention(0.3, 0, 0));
    for (List<Double> row : grid(r)) {
      for (double p : row) {
        assertEquals(0.3, p, 1e-15);
      }
    }
    assertTrue(monotone(r));
  }

  @Test
  void aFallOfExactly1e8InClicksIsTolerated() {
    Retention ret = new Retention(retention(BASE, CLICKS_AT_BOUNDARY, 0).retention());
    assertEquals(ret.returnProbability(14, 0) - 1e-8, ret.returnProbability(15, 0), 0.0, "on the boundary");
    assertTrue(ret.returnProbability(13, 0) - ret.returnProbability(14, 0) < 1e-8, "the earlier drops are smaller");
    assertTrue(monotone(curves(retention(BASE, CLICKS_AT_BOUNDARY, 0))));
  }

  @Test
  void aFallAHairPast1e8InClicksAloneIsCaught() {
    SimSettings s = retention(BASE, CLICKS_AT_BOUNDARY * HAIR, 0);
    Retention ret = new Retention(s.retention());
    assertTrue(ret.returnProbability(15, 0) < ret.returnProbability(14, 0) - 1e-8, "past the boundary");
    assertTrue(ret.returnProbability(14, 0) >= ret.returnProbability(13, 0) - 1e-8, "only the last step");
    LabReport r = curves(s);
    assertTrue(!monotone(r));
    assertEquals("the return probability falls somewhere", r.match().get("monotone"));
  }

  @Test
  void aFallOfExactly1e8InSatisfactionIsTolerated() {
    Retention ret = new Retention(retention(BASE, 0, SATISFACTION_AT_BOUNDARY).retention());
    assertEquals(ret.returnProbability(0, 0.95) - 1e-8, ret.returnProbability(0, 1.0), 0.0, "on the boundary");
    assertTrue(ret.returnProbability(0, 0.9) - ret.returnProbability(0, 0.95) < 1e-8, "the earlier drops are smaller");
    assertTrue(monotone(curves(retention(BASE, 0, SATISFACTION_AT_BOUNDARY))));
  }

  @Test
  void aFallAHairPast1e8BetweenTheLastTwoSatisfactionLevelsIsCaught() {
    SimSettings s = retention(BASE, 0, SATISFACTION_AT_BOUNDARY * HAIR);
    Retention ret = new Retention(s.retention());
    assertTrue(ret.returnProbability(0, 1.0) < ret.returnProbability(0, 0.95) - 1e-8, "past the boundary");
    assertTrue(ret.returnProbability(0, 0.95) >= ret.returnProbability(0, 0.9) - 1e-8, "only the last step");
    assertTrue(!monotone(curves(s)));
  }

  @Test
  void aFallInSatisfactionAtFifteenClicksOnlyIsCaught() {
    // Far below p = 1/2 the drop per satisfaction step is about p (1 - p) 0.05 |w_s|, largest where p is: at 15
    // clicks and satisfaction 0. Base 1e-6 (logit -13.8155), clicks weight 0.5, satisfaction weight -1.2e-4:
    // at 15 clicks p = sigmoid(-6.3155) = 1.8048e-3, drop 1.8048e-3 * 0.9982 * 6e-6 = 1.0809e-8 (past the
    // tolerance); at 14 clicks p = sigmoid(-6.8155) = 1.0954e-3, drop 6.565e-9 (within it). Clicks raise p: that
    // check passes.
    SimSettings s = retention(1e-6, 0.5, -1.2e-4);
    Retention ret = new Retention(s.retention());
    assertEquals(1.0809e-8, ret.returnProbability(15, 0) - ret.returnProbability(15, 0.05), 1e-12);
    assertEquals(6.565e-9, ret.returnProbability(14, 0) - ret.returnProbability(14, 0.05), 1e-12);
    assertTrue(!monotone(curves(s)));
  }

  @Test
  void singleStepIsTheMeanRewardOfFreshEnvironmentsOnConsecutiveSeeds() {
    // 100 products, the CM2-heavy boosts: of users on seeds 18 .. 28 only 18 and 21 buy (0.2 and 0.1); the next
    // user (seed 29) buys 17.18, so counting one user too many would show
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 100 }");
    double[] action = RetentionLabs.cm2Heavy(s.action().featureDim());
    assertEquals(List.of(0.5, 0.0, 0.3, 0.0, 0.1, -0.1, 0.0, 0.0, 0.0, 0.0),
        java.util.Arrays.stream(action).boxed().toList());
    int users = 11;
    double[] reward = new double[users + 1];
    double sum = 0;
    for (int i = 0; i <= users; i++) {
      SearchSimulator env = new SearchSimulator(s, 18 + i);
      env.reset();
      reward[i] = env.step(Action.of(action)).reward();
      sum += i < users ? reward[i] : 0;
    }
    assertEquals(0.3, sum, 1e-12);
    assertNotEquals(0.0, reward[users], "the next user must carry reward for the count to show");
    assertEquals(0.3 / 11, RetentionLabs.Ranking.singleStep(s, 18, action, users), 1e-12);
  }
}
