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
    assertEquals(new CanaryGate.Counts(1, 0, 1, 0, 1, 0), g.counts());
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
    assertEquals(new CanaryGate.Counts(1, 1, 0, 0, 0, 0), g.counts());
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
    assertEquals(new CanaryGate.Counts(2, 1, 0, 1, 0, 0), g.counts());
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

  /** The gate's phases, as the owner sees them. */
  private enum Phase { IDLE, REGISTERING, STARTING, CANARY, DECIDED_PROMOTE, DECIDED_ROLLBACK }

  private static final long CANDIDATE = 2;
  private static final long WAITING = 9;

  /**
   * A gate in {@code phase} whose candidate (when it has one) is learner version 0, serving version 2,
   * with learner version 9 waiting (when a candidate holds the gate).
   */
  private static CanaryGate in(Phase phase) {
    CanaryGate g = new CanaryGate(0.25, 2);
    g.routing(1, LIVE, Optional.empty());
    if (phase == Phase.IDLE) {
      return g;
    }
    g.published(0);
    g.published(WAITING);
    if (phase == Phase.REGISTERING) {
      return g;
    }
    g.registered(0, CANDIDATE);
    if (phase == Phase.STARTING) {
      return g;
    }
    g.routing(2, LIVE, Optional.of(CANDIDATE));
    if (phase == Phase.CANARY) {
      return g;
    }
    boolean promote = phase == Phase.DECIDED_PROMOTE;
    g.joined(LIVE, 5);
    g.joined(LIVE, 5);
    g.joined(CANDIDATE, promote ? 5 : 1);
    CanaryGate.Action a = g.joined(CANDIDATE, promote ? 5 : 1).orElseThrow();
    Class<?> expected = promote ? CanaryGate.Promote.class : CanaryGate.EndCanary.class;
    assertTrue(expected.isInstance(a), a.toString());
    return g;
  }

  /** One event the owner can report. */
  private record Event(String name, java.util.function.Function<CanaryGate, List<CanaryGate.Action>> apply) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static List<Event> events() {
    return List.of(
        new Event("published(newer)", g -> g.published(20)),
        new Event("published(older)", g -> g.published(0)),
        new Event("registered(candidate)", g -> g.registered(0, CANDIDATE)),
        new Event("registered(another)", g -> g.registered(5, 30)),
        new Event("registerFailed(candidate)", g -> g.registerFailed(0)),
        new Event("registerFailed(another)", g -> g.registerFailed(5)),
        new Event("startFailed(candidate)", g -> g.startFailed(CANDIDATE)),
        new Event("startFailed(another)", g -> g.startFailed(30)),
        new Event("decisionFailed(candidate)", g -> g.decisionFailed(CANDIDATE)),
        new Event("decisionFailed(another)", g -> g.decisionFailed(30)),
        new Event("routing(candidate live)", g -> g.routing(10, CANDIDATE, Optional.empty())),
        new Event("routing(candidate on canary)", g -> g.routing(10, LIVE, Optional.of(CANDIDATE))),
        new Event("routing(candidate on canary, another live)", g -> g.routing(10, 7, Optional.of(CANDIDATE))),
        new Event("routing(no canary)", g -> g.routing(10, LIVE, Optional.empty())),
        new Event("routing(another canary)", g -> g.routing(10, LIVE, Optional.of(30L))),
        new Event("routing(stale table)", g -> g.routing(0, LIVE, Optional.empty())),
        new Event("joined(candidate)", g -> g.joined(CANDIDATE, 1).map(List::of).orElse(List.of())),
        new Event("joined(live)", g -> g.joined(LIVE, 1).map(List::of).orElse(List.of())),
        new Event("joined(another)", g -> g.joined(30, 1).map(List::of).orElse(List.of())));
  }

  /**
   * Whether {@code e} ends the candidate of a gate in {@code p}: the waiting version must then go next.
   * Every other event leaves a candidate holding the gate.
   */
  private static boolean ends(Phase p, String e) {
    return switch (p) {
      case IDLE -> false;
      case REGISTERING -> e.equals("registerFailed(candidate)");
      case STARTING -> e.equals("startFailed(candidate)") || e.equals("routing(candidate live)");
      case CANARY -> e.equals("routing(candidate live)") || e.equals("routing(no canary)")
          || e.equals("routing(another canary)");
      case DECIDED_PROMOTE, DECIDED_ROLLBACK -> e.equals("decisionFailed(candidate)")
          || e.equals("routing(candidate live)") || e.equals("routing(no canary)")
          || e.equals("routing(another canary)");
    };
  }

  @Test
  void everyEventInEveryPhaseHasAnOutcomeAndEveryEndOfTheCandidateLetsTheWaitingVersionGo() {
    for (Phase p : Phase.values()) {
      for (Event e : events()) {
        CanaryGate g = in(p);
        CanaryGate.Counts before = g.counts();
        List<CanaryGate.Action> out = e.apply().apply(g);
        String where = p + " + " + e + " -> " + out + ", " + g.counts();
        boolean registersWaiting = out.contains(new CanaryGate.Register(WAITING));
        if (ends(p, e.name())) {
          assertTrue(registersWaiting, "the candidate ended: the waiting version goes next; " + where);
          assertEquals(Optional.empty(), g.waiting(), where);
          CanaryGate.Counts c = g.counts();
          assertEquals(1, c.promoted() + c.rolledBack() + c.ended() + c.refused() - before.promoted()
              - before.rolledBack() - before.ended() - before.refused() + (p == Phase.REGISTERING ? 1 : 0),
              "every end is counted once (a failed registration is no candidate); " + where);
        } else {
          assertFalse(registersWaiting, where);
          if (p != Phase.IDLE) {
            assertTrue(g.candidate().isPresent() || p == Phase.REGISTERING, where);
          }
        }
        if (e.name().equals("registered(another)") || p != Phase.REGISTERING && e.name().equals(
            "registered(candidate)")) {
          assertTrue(out.stream().allMatch(CanaryGate.Retire.class::isInstance) && !out.isEmpty(),
              "a registration the gate does not wait for is retired; " + where);
        }
      }
    }
  }

  @Test
  void aRefusedPromotionWithdrawsTheCanaryAndTheNextVersionGoes() {
    CanaryGate g = in(Phase.DECIDED_PROMOTE);
    assertEquals(List.of(new CanaryGate.Withdraw(CANDIDATE), new CanaryGate.Register(WAITING)),
        g.decisionFailed(CANDIDATE));
    assertEquals(new CanaryGate.Counts(1, 0, 0, 0, 0, 1), g.counts());
    assertEquals(List.of(), g.routing(11, LIVE, Optional.empty()), "the withdrawn canary's end changes nothing");
    assertEquals(List.of(new CanaryGate.StartCanary(40, 0.25)), g.registered(WAITING, 40));
    g.routing(12, LIVE, Optional.of(40L));
    assertTrue(g.gating());
  }

  @Test
  void aRefusedRollbackOfACanaryAlreadyGoneWithdrawsNothing() {
    CanaryGate g = in(Phase.DECIDED_ROLLBACK);
    g.routing(11, 7, Optional.of(CANDIDATE));
    assertEquals(List.of(new CanaryGate.Register(WAITING)), g.routing(12, 7, Optional.empty()),
        "ended by a guardrail before the gate's rollback came");
    assertEquals(List.of(), g.decisionFailed(CANDIDATE), "then the gate's rollback is refused: nothing to do");
    assertEquals(new CanaryGate.Counts(1, 0, 1, 0, 0, 0), g.counts());
  }

  @Test
  void anOperatorsCanaryOverTheCandidatesEndsItAndAnOlderTableChangesNothing() {
    CanaryGate g = in(Phase.CANARY);
    assertEquals(List.of(), g.routing(1, LIVE, Optional.empty()), "a table older than one seen");
    assertTrue(g.gating());
    assertEquals(List.of(new CanaryGate.Register(WAITING)), g.routing(11, LIVE, Optional.of(30L)));
    assertEquals(new CanaryGate.Counts(1, 0, 0, 1, 0, 0), g.counts());
  }

  @Test
  void aStartReportedFailedThatHappenedAfterAllIsRetiredAndWithdrawnOnce() {
    CanaryGate g = new CanaryGate(0.25, 2);
    g.routing(1, LIVE, Optional.empty());
    g.published(0);
    g.registered(0, CANDIDATE);
    assertEquals(List.of(new CanaryGate.Retire(CANDIDATE)), g.startFailed(CANDIDATE));
    assertEquals(List.of(new CanaryGate.Withdraw(CANDIDATE)), g.routing(2, LIVE, Optional.of(CANDIDATE)));
    assertEquals(List.of(), g.routing(3, LIVE, Optional.of(CANDIDATE)), "withdrawn once");
    assertEquals(List.of(new CanaryGate.Retire(31)), g.registered(0, 31), "a late registration is retired");
  }

  @Test
  void theLineageKeepsTheLastCandidates() {
    CanaryGate g = new CanaryGate(0.25, 2);
    g.routing(1, LIVE, Optional.empty());
    long epoch = 2;
    for (int v = 0; v < CanaryGate.LINEAGE_KEPT + 10; v++) {
      g.published(v);
      g.registered(v, 100 + v);
      g.routing(epoch++, LIVE, Optional.of(100L + v));
      g.routing(epoch++, LIVE, Optional.empty());
    }
    assertFalse(g.inLineage(100));
    assertTrue(g.inLineage(100 + CanaryGate.LINEAGE_KEPT + 9));
    assertTrue(g.inLineage(110));
    assertEquals(CanaryGate.LINEAGE_KEPT + 10, g.counts().ended());
  }
}
