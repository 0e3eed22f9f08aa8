package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.experiments.labs.PolicyAblationLab.Head;
import io.rlsearch.experiments.labs.PolicyAblationLab.Params;
import io.rlsearch.experiments.labs.PolicyAblationLab.Rule;
import io.rlsearch.experiments.labs.PolicyAblationLab.Snapshot;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The ablation's agent builders (a learning head, and a frozen policy for the held-out users) and the
 * parameter copy its snapshots take.
 */
class PolicyAblationBuildersTest {
  private static final int DIM = PolicyAblationLab.DIM;

  @Test
  void aHeadsBuilderIsNamedAfterTheHeadCreatesItsRuleAndRefusesToRestore() {
    AgentBuilder b = PolicyAblationLab.builder(Head.FIXED_STD);
    assertEquals("fixed_std", b.name());
    assertEquals("beta", PolicyAblationLab.builder(Head.BETA).name());
    Rule r = (Rule) b.create(0, 3);
    assertEquals(Head.FIXED_STD, r.head);
    assertEquals(3, r.d);
    assertEquals(4, r.p.w[0].length);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> b.restore(r.snapshot(1)));
    assertEquals("the ablation's heads are not restored", e.getMessage());
  }

  @Test
  void aFrozenPolicyIsAnAgentNamedAfterItThatServesItAndNeverLearns() {
    PolicySnapshot s = new Snapshot(Head.SQUASHED, new Params(DIM, 2), 4, true);
    AgentBuilder f = PolicyAblationLab.frozen(s);
    assertEquals("squashed", f.name());
    UpdateRule u = f.create(25, 2);
    assertFalse(u.learns());
    assertSame(s, u.snapshot(9));
    u.observe(new double[] {1, 2}, s.act(new double[] {1, 2}, null), 5.0);
    assertSame(s, u.snapshot(10));
    UpdateRule back = f.restore(s);
    assertFalse(back.learns());
    assertSame(s, back.snapshot(0));
  }

  @Test
  void aSnapshotCopiesEveryWeightAndLogStdAndIsCutOffFromLaterLearning() {
    Rule r = new Rule(Head.GAUSSIAN, 2);
    for (int k = 0; k < DIM; k++) {
      r.p.w[k][0] = k;
      r.p.w[k][1] = -k;
      r.p.w[k][2] = 0.5 * k;
      r.p.logStd[k] = 0.1 * k - 0.3;
    }
    Snapshot s = (Snapshot) r.snapshot(6);
    assertEquals(6, s.version());
    assertFalse(s.greedyOnly());
    assertEquals(DIM, s.p().w.length);
    for (int k = 0; k < DIM; k++) {
      assertArrayEquals(new double[] {k, -k, 0.5 * k}, s.p().w[k], 0.0, "row " + k);
      assertEquals(0.1 * k - 0.3, s.p().logStd[k], 0.0, "log std " + k);
    }
    assertNotSame(r.p, s.p());
    double[] before = s.p().logStd.clone();
    Arrays.fill(r.p.logStd, 9.0);
    r.p.w[0][0] = 99;
    assertArrayEquals(before, s.p().logStd, 0.0);
    assertEquals(0.0, s.p().w[0][0], 0.0);
    // the Beta head's 2 DIM rows are all copied too
    Rule beta = new Rule(Head.BETA, 1);
    beta.p.w[2 * DIM - 1][1] = 3.25;
    Snapshot sb = (Snapshot) beta.snapshot(1);
    assertEquals(2 * DIM, sb.p().w.length);
    assertEquals(3.25, sb.p().w[2 * DIM - 1][1], 0.0);
    assertTrue(sb.p().w[2 * DIM - 1] != beta.p.w[2 * DIM - 1]);
  }
}
