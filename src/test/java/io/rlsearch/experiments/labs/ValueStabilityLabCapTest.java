package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Action;
import io.rlsearch.core.Step;
import io.rlsearch.sim.MultiSessionEnv;
import io.rlsearch.sim.SimSettings;
import org.junit.jupiter.api.Test;

/** The value estimate stops every user at exactly MAX_SESSIONS (100) sessions. */
class ValueStabilityLabCapTest {

  @Test
  void aUserWhoNeverChurnsIsCountedForExactly100Sessions() {
    SimSettings d = SimSettings.defaults();
    // Return probability clamps to 1 - 1e-6 with no click or satisfaction terms: in 2 users x 101 sessions
    // a churn has probability about 2e-4, so the cap, not churn, ends them (checked below).
    SimSettings sticky = new SimSettings(d.seed(), d.topK(), d.catalog(), d.users(), d.queries(), d.relevance(),
        d.behavior(), d.reward(), new SimSettings.Retention(1 - 1e-9, 0, 0), d.action(), d.templates(), d.quirks(),
        d.drift());
    assertEquals(100, ValueStabilityLab.MAX_SESSIONS);
    long seed = 5;
    int users = 2;
    // The definition with gamma 1: the plain sum of the first 100 sessions' rewards, same env and draws;
    // and, on a twin env, what counting a 101st session per user would give instead.
    assertEquals(sessionSum(sticky, seed, users, 100) / users, ValueStabilityLab.estimate(sticky, seed, users, 1.0),
        1e-9);
    assertTrue(sessionSum(sticky, seed, users, 100) != sessionSum(sticky, seed, users, 101),
        "the 101st sessions must carry reward for the cap to show");
  }

  private static double sessionSum(SimSettings settings, long seed, int users, int sessions) {
    MultiSessionEnv env = new MultiSessionEnv(settings, seed);
    Action zero = Action.of(new double[settings.action().featureDim()]);
    double sum = 0;
    for (int u = 0; u < users; u++) {
      env.reset();
      for (int s = 0; s < sessions; s++) {
        Step step = env.step(zero);
        assertTrue(!step.terminated() || s == sessions - 1, "user " + u + " churned at session " + s);
        sum += step.reward();
      }
    }
    return sum;
  }
}
