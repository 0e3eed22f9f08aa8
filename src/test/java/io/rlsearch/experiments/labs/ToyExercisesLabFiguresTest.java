package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.sim.SimSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chapter 0's exercises, every figure pinned: the values are the reference's current script's (as in
 * {@link LabsTest}), the derived ones (averages, winners, verdicts, Exercise 0.5's updates) follow from them by hand.
 */
class ToyExercisesLabFiguresTest {
  private static LabReport r;

  // Before each test, not once for the class: PIT links code run in a @BeforeAll only to the class's first
  // test, so the others would never be run against its mutants.
  @BeforeEach
  void runTheLab() {
    r = new ToyExercisesLab().run(SimSettings.defaults());
  }

  private static double num(String key) {
    return (double) r.figures().get(key);
  }

  @Test
  void exercise01PinsEveryWeightingsRewardsAndLearnedBoosts() {
    assertEquals(26.979647633343394, num("ex01.pure_gmv.final_reward"), 1e-9);
    // Pure GMV: the reward is the GMV, so both tails agree exactly.
    assertEquals(num("ex01.pure_gmv.final_reward"), num("ex01.pure_gmv.final_gmv"), 0.0);
    assertEquals(15.590855926280849, num("ex01.profit_focused.final_reward"), 1e-9);
    assertEquals(26.979647633343394, num("ex01.profit_focused.final_gmv"), 1e-9);
    assertEquals(16.13722629974818, num("ex01.engagement_heavy.final_reward"), 1e-9);
    assertEquals(27.473594262264168, num("ex01.engagement_heavy.final_gmv"), 1e-9);
    assertEquals(Map.of("price_hunter", List.of(1.0, 0.0), "premium", List.of(-1.0, 1.0), "bulk_buyer", List.of(0.5, 1.0)),
        r.figures().get("ex01.pure_gmv.learned_weights"));
    assertEquals(Map.of("price_hunter", List.of(0.5, 0.0), "premium", List.of(-1.0, 1.0), "bulk_buyer", List.of(0.5, 1.0)),
        r.figures().get("ex01.profit_focused.learned_weights"));
    assertEquals(Map.of("price_hunter", List.of(1.0, -1.0), "premium", List.of(-1.0, 1.0), "bulk_buyer", List.of(0.5, 1.0)),
        r.figures().get("ex01.engagement_heavy.learned_weights"));
  }

  @Test
  void exercise02NamesTheWinnersFromTheMeans() {
    // cold: uniform 16.55 > local 10.81; warm: local 15.26 > uniform 15.07 (LabsTest pins the means).
    assertEquals("uniform", r.figures().get("ex02.cold_winner"));
    assertEquals(LabReport.MATCH, r.match().get("ex02.cold_winner"));
    assertEquals("local", r.figures().get("ex02.warm_winner"));
    assertEquals(LabReport.MATCH, r.match().get("ex02.warm_winner"));
  }

  @Test
  void exercise03AveragesTheRegretOverAllAndTheFirstTenthOfEpisodes() {
    double total = num("ex03.cumulative_regret");
    assertEquals(5682.105266367275, total, 1e-6);
    assertEquals(total / 2000, num("ex03.avg_regret_late"), 1e-15);
    assertEquals(2.841052633183638, num("ex03.avg_regret_late"), 1e-9);
    // The regret accumulated through episode 200 (201 episodes), divided by 200 as the script does.
    assertEquals(7.2097192628242945, num("ex03.avg_regret_early"), 1e-9);
    assertEquals(true, r.figures().get("ex03.regret_growth_slowing"));
    assertEquals(LabReport.MATCH, r.match().get("ex03.regret_growth_slowing"));
    assertEquals(LabReport.MATCH, r.match().get("ex03.avg_regret_early"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void exercise04PinsEveryRowOfTheParetoTableAndSaysItIsNotTheBooks() {
    List<Map<String, Double>> p = (List<Map<String, Double>>) r.figures().get("ex04.pareto");
    double[][] want = {
        {0.0, 25.042350148138347, 8.367100540664529, 0.0},
        {2.0, 25.456231771369445, 8.345271014773745, 0.455},
        {4.0, 22.388843995882596, 7.656216321254985, 0.52},
        {6.0, 22.223186308741493, 7.325527256255828, 0.655},
        {8.0, 22.329844030192426, 7.2550422349738115, 0.67},
        {10.0, 21.56682685547396, 6.768523230431648, 0.72},
        {12.0, 22.5152696928467, 7.4192826589046685, 0.66}};
    assertEquals(7, p.size());
    for (int k = 0; k < 7; k++) {
      assertEquals(want[k][0], p.get(k).get("tau"), 0.0);
      assertEquals(want[k][1], p.get(k).get("gmv"), 1e-9, "gmv at tau " + want[k][0]);
      assertEquals(want[k][2], p.get(k).get("cm2"), 1e-9, "cm2 at tau " + want[k][0]);
      assertEquals(want[k][3], p.get(k).get("violations"), 1e-12, "violations at tau " + want[k][0]);
    }
    // tau = 0: a session's CM2 is never below 0, so a session without a purchase (CM2 exactly 0) is no violation.
    assertEquals(0.0, p.get(0).get("violations"), 0.0);
    // No row rounds to the book's (25.04 against 23.73 at tau 0 ...): the verdict is the stale-book one.
    assertEquals(ToyExercisesLab.STALE, r.match().get("ex04.pareto"));
  }

  @Test
  void exercise05TheBanditUpdateEqualsTheGammaZeroBellmanUpdate() {
    double[][] cases = {{5.0, 7.0, 0.1}, {0.0, 10.0, 0.5}, {-3.0, 2.0, 0.2}, {100.0, 50.0, 0.01}};
    @SuppressWarnings("unchecked")
    List<Double> got = (List<Double>) r.figures().get("ex05.bandit_updates");
    assertEquals(4, got.size());
    // By hand: 0.9*5 + 0.1*7 = 5.2; 0.5*0 + 0.5*10 = 5; 0.8*(-3) + 0.2*2 = -2; 0.99*100 + 0.01*50 = 99.5.
    double[] hand = {5.2, 5.0, -2.0, 99.5};
    double maxDiff = 0;
    for (int i = 0; i < 4; i++) {
      double q = cases[i][0];
      double rew = cases[i][1];
      double a = cases[i][2];
      assertEquals(hand[i], got.get(i), 1e-12, "case " + i);
      assertEquals((1 - a) * q + a * rew, got.get(i), 0.0, "case " + i);
      maxDiff = Math.max(maxDiff, Math.abs(got.get(i) - (q + a * (rew - q))));
    }
    double reported = num("ex05.max_difference_to_gamma0_bellman");
    assertEquals(maxDiff, reported, 0.0);
    assertTrue(reported <= 1e-15 && reported > 0, "one rounding step apart: " + reported);
    assertEquals(LabReport.MATCH, r.match().get("ex05.max_difference_to_gamma0_bellman"));
    assertEquals(LabReport.MATCH, r.match().get("ex05.bandit_updates"));
  }
}
