package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/**
 * Lab 0.1's epsilon-greedy learner explores when its uniform draw u is strictly below epsilon: with
 * epsilon exactly u it exploits, a hair above u it explores (the next draw picks the action).
 */
class OracleLabLearnerSelectTest {
  @Test
  void itExploresOnlyWhenTheDrawIsStrictlyBelowEpsilon() {
    NumpyRandom twin = new NumpyRandom(17);
    double u = twin.random();
    int explored = (int) twin.integers(0, 25);
    int best = (explored + 7) % 25;
    assertNotEquals(explored, best);

    OracleLab.Learner at = new OracleLab.Learner(u, 1.0, 0.0, 0.1);
    at.q[1][best] = 1.0;
    assertEquals(best, at.select(1, new NumpyRandom(17)), "epsilon = u: exploit");

    OracleLab.Learner above = new OracleLab.Learner(Math.nextUp(u), 1.0, 0.0, 0.1);
    above.q[1][best] = 1.0;
    assertEquals(explored, above.select(1, new NumpyRandom(17)), "epsilon just above u: explore");

    OracleLab.Learner below = new OracleLab.Learner(Math.nextDown(u), 1.0, 0.0, 0.1);
    below.q[1][best] = 1.0;
    assertEquals(best, below.select(1, new NumpyRandom(17)), "epsilon just below u: exploit");
  }
}
