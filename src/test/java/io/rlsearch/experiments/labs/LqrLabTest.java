package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.sim.SimSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exercise 8.4's lab against independent truths: the Riccati root against closed forms (gamma 1/2 gives
 * sqrt 2, gamma 1 the golden ratio) and against the fixed point of the discounted Riccati recursion;
 * REINFORCE against a numpy replica of the book's protocol (numpy 2.4, {@code default_rng(42)}, theta from
 * 0, 20 steps from s = 1, sigma 0.5, gamma 0.99, returns-to-go, theta += lr * grad / 20, stopped once
 * |theta| passes 1e6), whose figures are quoted below: tools/reference/ch08_lqr_reinforce.py.
 */
class LqrLabTest {
  // the numpy replica's theta after each episode
  private static final double THETA0_STEP_005 = 0.13786751568055006;
  private static final double THETA1_STEP_005 = -16.734015656001826; // episode 2 then takes |theta| to 8.9e59
  private static final double THETA0_STEP_001 = 0.02757350313611001;
  private static final double THETA9_STEP_001 = -0.25106431674727814;
  private static final double FINAL_STEP_001 = -0.6714255630216264; // after 2,000 episodes
  private static final double MEAN_LAST_1000_STEP_001 = -0.6463863209499031;

  @Test
  void theRiccatiRootIsTheClosedFormsAndTheRecursionsFixedPoint() {
    // gamma P^2 + (1 - 2 gamma) P - 1 = 0: gamma 1/2 gives P^2 / 2 = 1, gamma 1 gives P^2 - P - 1 = 0
    assertEquals(Math.sqrt(2), LqrLab.riccati(0.5), 1e-15);
    assertEquals((1 + Math.sqrt(5)) / 2, LqrLab.riccati(1.0), 1e-15);
    // the discounted Riccati recursion P <- Q + gamma P - gamma^2 P^2 / (R + gamma P), A = B = Q = R = 1
    for (double gamma : new double[] {0.9, 0.99}) {
      double p = 1;
      for (int i = 0; i < 20_000; i++) {
        p = 1 + gamma * p - gamma * gamma * p * p / (1 + gamma * p);
      }
      assertEquals(p, LqrLab.riccati(gamma), 1e-12, "gamma " + gamma);
    }
  }

  @Test
  void theBooksStepDivergesInItsThirdEpisodeAsTheNumpyReplicaDoes() {
    double[] theta = LqrLab.reinforce(5, 0.05, 42);
    assertEquals(5, theta.length);
    assertEquals(THETA0_STEP_005, theta[0], 1e-13);
    assertEquals(THETA1_STEP_005, theta[1], 1e-11);
    for (int ep = 2; ep < 5; ep++) {
      assertTrue(Double.isNaN(theta[ep]), "episode " + ep + ": " + theta[ep]);
    }
    // two episodes do not reach the divergence: every entry is filled
    double[] two = LqrLab.reinforce(2, 0.05, 42);
    assertEquals(THETA1_STEP_005, two[1], 1e-11);
    assertEquals(0, LqrLab.reinforce(0, 0.05, 42).length);
  }

  @Test
  void aSmallerStepStaysFiniteAndEndsWhereTheNumpyReplicaEnds() {
    double[] theta = LqrLab.reinforce(2000, 0.01, 42);
    assertEquals(THETA0_STEP_001, theta[0], 1e-14);
    assertEquals(THETA9_STEP_001, theta[9], 1e-13);
    assertEquals(FINAL_STEP_001, theta[1999], 1e-12);
    for (double t : theta) {
      assertTrue(Double.isFinite(t));
    }
  }

  @Test
  void theReportMatchesPAndKStarAndSaysWhyTheBooksReinforceFigureHasNoRunBehindIt() {
    LabReport r = new LqrLab().run(SimSettings.defaults());
    double p = (1.98 - 1 + Math.sqrt(0.98 * 0.98 + 4 * 0.99)) / (2 * 0.99); // the quadratic's positive root
    double k = -0.99 * p / (1 + 0.99 * p);
    assertEquals("ch08-lqr", r.lab());
    assertEquals(List.of("riccati_p", "gain_k_star", "reinforce_final_theta", "reinforce_diverged_at_episode",
        "reinforce_step_0_01_final_theta", "reinforce_step_0_01_mean_theta_last_1000", "reinforce_step_0_01_gap_to_k_star"),
        List.copyOf(r.figures().keySet()));
    assertEquals(p, (double) r.figures().get("riccati_p"), 1e-15);
    assertEquals(k, (double) r.figures().get("gain_k_star"), 1e-15);
    assertEquals(1.62, r.book().get("riccati_p"));
    assertEquals(-0.615, r.book().get("gain_k_star"));
    assertEquals(LabReport.MATCH, r.match().get("riccati_p")); // 1.6153 prints as 1.62
    assertEquals(LabReport.MATCH, r.match().get("gain_k_star")); // -0.61525 prints as -0.615
    // the book's step diverges: no final theta of ours, the book's "expected" -0.6148, and the reason
    assertTrue(r.figures().containsKey("reinforce_final_theta"));
    assertNull(r.figures().get("reinforce_final_theta"));
    assertEquals(-0.6148, r.book().get("reinforce_final_theta"));
    String why = r.match().get("reinforce_final_theta");
    assertTrue(why.startsWith("the book's code as printed (step 0.05, numpy default_rng(42)) diverges: theta is 0.138"
        + " after episode 0 and "), why);
    // theta leaves +-1e6 in episode 2 (to 8.9e59); the book's code, run on, raises Python's OverflowError in
    // episode 3 (its a**2 overflows there: the replica's --no-cut run)
    assertTrue(why.contains("theta leaves +-1e6 in episode 2 and the book's code raises Python's"
        + " OverflowError in episode 3") && why.endsWith("no run of this code produced it"), why);
    assertEquals(2, r.figures().get("reinforce_diverged_at_episode"));
    assertFalse(r.allMatch());
    for (String key : List.of("riccati_p", "gain_k_star", "reinforce_final_theta")) {
      assertEquals("docs/book/ch08/exercises_labs.md (Exercise 8.4)", r.sources().get(key));
    }
    assertEquals(3, r.sources().size());
    // step 0.01, 2,000 episodes: ours only, the numpy replica's figures
    assertEquals(FINAL_STEP_001, (double) r.figures().get("reinforce_step_0_01_final_theta"), 1e-12);
    double mean = (double) r.figures().get("reinforce_step_0_01_mean_theta_last_1000");
    assertEquals(MEAN_LAST_1000_STEP_001, mean, 1e-12);
    assertEquals(Math.abs(MEAN_LAST_1000_STEP_001 - k), (double) r.figures().get("reinforce_step_0_01_gap_to_k_star"), 1e-12);
    assertEquals(1, r.notes().size());
    assertTrue(r.notes().get(0).contains("step 0.01 and 2,000 episodes"));
  }

  @Test
  void theLabSaysWhatItIs() {
    LqrLab lab = new LqrLab();
    assertEquals("ch08-lqr", lab.name());
    assertEquals("8 (Exercise 8.4)", lab.chapter());
    assertTrue(lab.shows().contains("Riccati") && lab.shows().contains("REINFORCE"));
  }
}
