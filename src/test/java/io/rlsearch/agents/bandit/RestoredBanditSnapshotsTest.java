package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** Rules restored from a snapshot or a checkpoint publish snapshots that decide as the original's. */
class RestoredBanditSnapshotsTest {
  private static final double[][] CONTEXTS = {{1, 0.5}, {1, -1}, {0.2, 2}, {1, 1}};

  private static UpdateRule trained(AgentBuilder b) {
    UpdateRule r = b.create(3, 2);
    for (int i = 0; i < 12; i++) {
      double[] x = CONTEXTS[i % CONTEXTS.length];
      r.observe(x, Decision.arm(i % 3, 1.0 / 3), i % 3 == 1 ? 2.0 + 0.1 * i : 0.5 - 0.05 * i);
    }
    return r;
  }

  private static void decideAlike(PolicySnapshot a, PolicySnapshot b, long version) {
    assertEquals(version, b.version());
    assertEquals(a.getClass(), b.getClass());
    for (double[] x : CONTEXTS) {
      Decision da = a.act(x, new NumpyRandom(9));
      Decision db = b.act(x, new NumpyRandom(9));
      assertEquals(da.arm(), db.arm());
      assertEquals(da.propensity(), db.propensity(), 0.0);
    }
  }

  @Test
  void aRestoredLinUcbPublishesTheSameSnapshot() {
    AgentBuilder b = BanditAgents.linUcb(LinUcb.Settings.defaults());
    UpdateRule r = trained(b);
    PolicySnapshot s = r.snapshot(5);
    decideAlike(s, b.restore(s).snapshot(6), 6);
    decideAlike(s, b.restoreState(r.state().orElseThrow()).snapshot(7), 7);
  }

  @Test
  void aRestoredThompsonRulePublishesTheSameSnapshot() {
    AgentBuilder b = BanditAgents.thompson(LinearThompson.Settings.defaults(), 1);
    UpdateRule r = trained(b);
    PolicySnapshot s = r.snapshot(5);
    decideAlike(s, b.restore(s).snapshot(6), 6);
    decideAlike(s, b.restoreState(r.state().orElseThrow()).snapshot(7), 7);
  }

  @Test
  void thompsonSamplingBreaksAnExactTieTowardsTheFirstArm() {
    // A zero context scores 0 on every arm whatever the draws: the first arm is chosen.
    PolicySnapshot s = trained(BanditAgents.thompson(LinearThompson.Settings.defaults(), 1)).snapshot(1);
    for (long seed = 0; seed < 5; seed++) {
      assertEquals(0, s.act(new double[] {0, 0}, new NumpyRandom(seed)).arm());
    }
  }
}
