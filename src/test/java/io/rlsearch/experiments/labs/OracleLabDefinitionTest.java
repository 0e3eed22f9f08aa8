package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** Lab 0.1's toy world checked against its definition: the action grid, the evaluation's means, the oracle's search. */
class OracleLabDefinitionTest {

  @Test
  void theActionGridIsEveryPairOfTheFiveBinsInRowMajorOrder() {
    OracleLab world = new OracleLab();
    double[] bins = {-1.0, -0.5, 0.0, 0.5, 1.0};
    assertEquals(25, world.actions.length);
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        assertArrayEquals(new double[] {bins[i], bins[j]}, world.actions[5 * i + j], 0.0, i + "," + j);
      }
    }
    // By hand: index 7 = row 1, column 2; index 19 = row 3, column 4.
    assertArrayEquals(new double[] {-0.5, 0.0}, world.actions[7], 0.0);
    assertArrayEquals(new double[] {0.5, 1.0}, world.actions[19], 0.0);
  }

  @Test
  void evaluateAveragesTheSessionsOverallAndPerUserType() {
    OracleLab world = new OracleLab();
    long seed = 7;
    int n = 30;
    // The definition: episode ep draws the user from the seed's stream, then the policy acts; the session
    // runs on seed + ep.
    NumpyRandom twin = new NumpyRandom(seed);
    double sum = 0;
    double[] userSum = new double[3];
    int[] userN = new int[3];
    for (int ep = 0; ep < n; ep++) {
      int user = (int) twin.integers(0, 3);
      int a = 3 + user; // the policy below: action 3 + user, no draw
      double r = world.session(user, world.rank(world.actions[a]), seed + ep);
      sum += r;
      userSum[user] += r;
      userN[user]++;
    }
    double[] got = world.evaluate((u, rng) -> 3 + u, n, seed);
    assertEquals(4, got.length);
    assertEquals(sum / n, got[0], 1e-12);
    for (int u = 0; u < 3; u++) {
      assertEquals(userSum[u] / userN[u], got[u + 1], 1e-12, "user " + u);
    }
    // The per-user means are not the overall one, and they weight it by the user counts.
    double weighted = 0;
    for (int u = 0; u < 3; u++) {
      weighted += got[u + 1] * userN[u];
    }
    assertEquals(got[0], weighted / n, 1e-12);
  }

  @Test
  void theOracleIsTheFirstActionWithTheBestMeanOverExactly200Sessions() {
    OracleLab world = new OracleLab();
    // Seed 8: for the bulk buyer, a 201st session (seed 208) would turn the choice from action 12 to 19.
    for (long seed : new long[] {314, 8}) {
      int[] expected = new int[3];
      for (int u = 0; u < 3; u++) {
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < 25; a++) {
          double s = 0;
          for (int t = 0; t < 200; t++) {
            s += world.session(u, world.rank(world.actions[a]), seed + t);
          }
          if (s / 200 > best) { // strictly better: ties keep the first action
            best = s / 200;
            expected[u] = a;
          }
        }
      }
      assertArrayEquals(expected, world.oracleActions(seed), "seed " + seed);
    }
    assertEquals(12, world.oracleActions(8)[2]);
  }

  @Test
  void theLabsOracleKeepsTheFirstOfTiedActions() {
    OracleLab world = new OracleLab();
    // Actions 17 (0.5, 0) and 22 (1, 0) rank the products alike, so their 200-session means tie exactly;
    // so do 18 (0.5, 0.5) and 24 (1, 1). The first of each pair is the oracle's.
    assertEquals(world.rank(world.actions[17])[0], world.rank(world.actions[22])[0]);
    assertArrayEquals(new int[] {17, 4, 18}, world.oracleActions(314));
    LabReport r = world.run(io.rlsearch.sim.SimSettings.defaults());
    assertEquals(java.util.Map.of("price_hunter", java.util.List.of(0.5, 0.0), "premium", java.util.List.of(-1.0, 1.0),
        "bulk_buyer", java.util.List.of(0.5, 0.5)), r.figures().get("oracle_weights"));
    assertEquals(17.83824421181196, (double) r.figures().get("oracle_mean"), 1e-9);
  }
}
