package io.rlsearch.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.eval.Summary;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One candidate at a time, promoted unless credibly worse than the live version, the newest waiting. */
class CanaryGateTest {
  private static final long LIVE = 1;

  /** A gate whose candidate (learner version 0) is serving version 2, on canary. */
  private static CanaryGate onCanary(int gate) {
    CanaryGate g = new CanaryGate(0.25, gate);
    g.routing(LIVE, Optional.empty());
    assertEquals(List.of(new CanaryGate.Register(0)), g.published(0));
    assertEquals(List.of(new CanaryGate.StartCanary(2, 0.25)), g.registered(0, 2));
    assertEquals(List.of(), g.routing(LIVE, Optional.of(2L)));
    assertTrue(g.gating());
    return g;
  }

  @Test
  void aCanaryCrediblyWorseIsRolledBackAndTheNewestWaitingVersionGoesNext() {
    CanaryGate g = onCanary(4);
    assertEquals(List.of(), g.published(1));
    assertEquals(List.of(), g.published(2));
    assertEquals(Optional.of(2L), g.waiting(), "the newest waits, the older one is replaced");
    for (double r : new double[] {10, 12, 10, 12}) {
      assertEquals(Optional.empty(), g.joined(LIVE, r));
    }
    assertEquals(Optional.empty(), g.joined(99, 0.0), "another version's feedback does not count");
    assertEquals(Optional.empty(), g.joined(2, 1));
    assertEquals(Optional.empty(), g.joined(2, 3));
    assertEquals(Optional.empty(), g.joined(2, 1));
    CanaryGate.EndCanary end = assertInstanceOf(CanaryGate.EndCanary.class, g.joined(2, 3).orElseThrow());
    CanaryGate.Verdict v = end.verdict();
    assertEquals(2, v.canary().mean(), 1e-12);
    assertEquals(11, v.liveRewards().mean(), 1e-12);
    assertEquals(-9, v.difference(), 1e-12);
    // Both samples have variance 4/3: se = sqrt(1/3 + 1/3), Welch df = 6, t(6) = 2.447.
    assertEquals(Summary.t975(6) * Math.sqrt(2.0 / 3), v.tolerance(), 1e-12);
    assertFalse(v.promote());
    assertEquals(Optional.empty(), g.joined(2, 100), "decided: nothing more counts");
    assertEquals(List.of(new CanaryGate.Register(2)), g.routing(LIVE, Optional.empty()));
    assertEquals(new CanaryGate.Counts(1, 0, 1, 0, 1), g.counts());
  }

  @Test
  void aCanaryNotCrediblyWorseIsPromotedEvenALittleBelowTheLiveMean() {
    CanaryGate g = onCanary(4);
    for (double r : new double[] {10, 12, 10, 12}) {
      g.joined(LIVE, r);
    }
    for (double r : new double[] {9, 13, 9}) {
      assertEquals(Optional.empty(), g.joined(2, r));
    }
    CanaryGate.Promote p = assertInstanceOf(CanaryGate.Promote.class, g.joined(2, 12).orElseThrow());
    assertEquals(-0.25, p.verdict().difference(), 1e-12);
    assertTrue(p.verdict().difference() + p.verdict().tolerance() >= 0);
    assertTrue(p.verdict().promote());
    assertEquals(List.of(), g.routing(2, Optional.empty()), "promoted, nothing waits");
    assertEquals(new CanaryGate.Counts(1, 1, 0, 0, 0), g.counts());
    assertEquals(List.of(new CanaryGate.Register(1)), g.published(1), "the next version goes at once");
  }

  @Test
  void withoutSpreadAnyDropIsCredibleAndTheToleranceShrinksWithTheSamples() {
    CanaryGate g = onCanary(2);
    g.joined(LIVE, 5);
    g.joined(LIVE, 5);
    g.joined(2, 4.999);
    assertInstanceOf(CanaryGate.EndCanary.class, g.joined(2, 4.999).orElseThrow());
    // The same means and spread over 4 and 40 feedbacks each: t(df) se, with Welch's df 2 (n - 1).
    assertEquals(Summary.t975(6) * Math.sqrt(2 * (4.0 / 3) / 4), tolerance(4), 1e-12);
    assertEquals(Summary.t975(78) * Math.sqrt(2 * (40.0 / 39) / 40), tolerance(40), 1e-12);
  }

  private static double tolerance(int n) {
    CanaryGate g = onCanary(n);
    for (int i = 0; i < n; i++) {
      g.joined(LIVE, i % 2 == 0 ? 10 : 12);
    }
    Optional<CanaryGate.Action> a = Optional.empty();
    for (int i = 0; i < n; i++) {
      a = g.joined(2, i % 2 == 0 ? 10 : 12);
    }
    return assertInstanceOf(CanaryGate.Promote.class, a.orElseThrow()).verdict().tolerance();
  }

  @Test
  void aGuardrailEndingTheCanaryEndsTheCandidateAndAPersonPromotingItCounts() {
    CanaryGate g = onCanary(100);
    g.published(3);
    assertEquals(List.of(new CanaryGate.Register(3)), g.routing(LIVE, Optional.empty()), "a breach ended it");
    assertEquals(List.of(new CanaryGate.StartCanary(5, 0.25)), g.registered(3, 5));
    g.routing(LIVE, Optional.of(5L));
    assertEquals(List.of(), g.routing(5, Optional.empty()), "promoted by hand");
    assertEquals(new CanaryGate.Counts(2, 1, 0, 1, 0), g.counts());
    assertTrue(g.inLineage(2) && g.inLineage(5) && !g.inLineage(LIVE));
  }

  @Test
  void aNewLiveVersionRestartsTheComparison() {
    CanaryGate g = onCanary(2);
    g.joined(LIVE, 100);
    g.joined(LIVE, 100);
    g.joined(2, 1);
    g.routing(7, Optional.of(2L));
    assertEquals(Optional.empty(), g.joined(2, 1), "the window starts again against version 7");
    g.joined(7, 1);
    g.joined(7, 1);
    CanaryGate.Promote p = assertInstanceOf(CanaryGate.Promote.class, g.joined(2, 1).orElseThrow(),
        "equal to version 7 (against the old live version's 100 it would have been rolled back)");
    assertEquals(7, p.verdict().live());
  }
}
