package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Action;
import io.rlsearch.core.Observation;
import io.rlsearch.core.Step;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/**
 * The multi-session environment's observation, step by step: intent one-hot, query-type one-hot,
 * segment one-hot, then the previous session's satisfaction, clicks and the session count (only the
 * segment one-hot once the user has churned); the next state carried into the info's raw state; the
 * action box and dimensions; and the refusals of a step before reset, after churn and of a wrong
 * action size.
 */
class MultiSessionEnvTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 300 }");

  @Test
  void aUserReturnsWithTheRetentionProbability() {
    // clicks and satisfaction weigh nothing, so every session's return probability is the base rate:
    // 0.999 returns (the first five sessions, on this seed) and 0.001 churns
    for (double rate : new double[] {0.999, 0.001}) {
      SimSettings s = ZoosimConfig.fromString("catalog { n_products = 100 }, retention { base_rate = " + rate
          + ", click_weight = 0, satisfaction_weight = 0 }");
      MultiSessionEnv env = new MultiSessionEnv(World.generate(s, new NumpyRandom(53)), new NumpyRandom(54));
      for (int ep = 0; ep < 5; ep++) {
        env.reset();
        Step step = env.step(Action.zeros(10));
        assertEquals(rate > 0.5, step.info().returned(), "rate " + rate + ", episode " + ep);
      }
    }
  }

  @Test
  void observationsCarryTheStateAndTheNextQuery() {
    World w = World.generate(SMALL, new NumpyRandom(51));
    MultiSessionEnv env = new MultiSessionEnv(w, new NumpyRandom(52));
    assertSame(w, env.world());
    int nc = SMALL.catalog().categories().size();
    int nt = SMALL.queries().queryTypes().size();
    int ns = SMALL.users().segments().size();
    assertEquals(nc + nt + ns + 3, env.observationDim());
    assertEquals(SMALL.action().featureDim(), env.actionDim());
    assertEquals(-SMALL.action().aMax(), env.actionLow(), 0.0);
    assertEquals(SMALL.action().aMax(), env.actionHigh(), 0.0);
    assertEquals("call reset() first", assertThrows(IllegalStateException.class, env::state).getMessage());
    assertEquals("call reset() before step()",
        assertThrows(IllegalStateException.class, () -> env.step(Action.zeros(10))).getMessage());

    int returns = 0;
    int churns = 0;
    for (int ep = 0; ep < 25; ep++) {
      Observation o = env.reset();
      assertEquals(env.observationDim(), o.dim());
      MultiSessionEnv.SessionState s = env.state();
      assertObservation(o, s, env.user(), nc, nt, ns);
      assertEquals(0f, o.feature(nc + nt + ns));
      Step step;
      do {
        step = env.step(Action.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        s = env.state();
        assertEquals(s.lastClicks(), step.info().clicks().length == 0 ? 0
            : java.util.Arrays.stream(step.info().clicks()).sum());
        assertEquals(step.info().satisfaction(), s.lastSatisfaction(), 0.0);
        assertEquals(!step.info().returned(), step.terminated());
        assertEquals(step.info().returned() ? step.info().rawState().queryType() : "terminal", s.queryType());
        assertEquals(s.userSegment(), step.info().rawState().userSegment());
        assertArrayEquals(s.phiCat(), step.info().rawState().phiCat(), 0.0);
        assertEquals(env.observationDim(), step.observation().dim());
        assertObservation(step.observation(), s, env.user(), nc, nt, ns);
        if (step.info().returned()) {
          returns++;
          int intent = argmax(s.phiCat());
          assertEquals(w.categoryName(intent), step.info().rawState().queryCategory());
        } else {
          churns++;
          assertEquals("", step.info().rawState().queryCategory());
        }
      } while (!step.terminated());
      assertEquals("the user has churned; call reset() to start a new episode",
          assertThrows(IllegalStateException.class, () -> env.step(Action.zeros(10))).getMessage());
    }
    assertTrue(returns > 0 && churns == 25, returns + " returns, " + churns + " churns");
    env.reset();
    assertEquals("action must have 10 boost weights, got 3",
        assertThrows(IllegalArgumentException.class, () -> env.step(Action.zeros(3))).getMessage());
  }

  private static void assertObservation(Observation o, MultiSessionEnv.SessionState s, User u, int nc, int nt,
      int ns) {
    float[] want = new float[nc + nt + ns + 3];
    if (!s.terminal()) {
      double[] phi = s.phiCat();
      for (int c = 0; c < nc; c++) {
        want[c] = (float) phi[c];
      }
      want[nc + SMALL.queries().queryTypes().indexOf(s.queryType())] = 1;
    }
    want[nc + nt + u.segment()] = 1;
    want[nc + nt + ns] = (float) s.lastSatisfaction();
    want[nc + nt + ns + 1] = s.lastClicks();
    want[nc + nt + ns + 2] = s.t();
    assertArrayEquals(want, o.features(), "t " + s.t() + " " + s.queryType());
  }

  private static int argmax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }
}
