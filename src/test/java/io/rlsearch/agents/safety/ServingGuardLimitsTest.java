package io.rlsearch.agents.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The serving guardrails at their boundaries, on outcomes small enough to follow by hand. */
class ServingGuardLimitsTest {
  private static final double NAN = Double.NaN;

  /** Batches of 2, delta 0, threshold 3, baseline 2; no floor, no rank limit; long error windows. */
  private static ServingGuard.Settings drift(long goodAfter) {
    return new ServingGuard.Settings(2, 0.0, 3.0, 2, 1, NAN, 1, 1.0, goodAfter, 1000, 0.1);
  }

  private static ServingGuard.Settings windows(int cm2Window, double floor, int stabilityWindow, double maxRank) {
    return new ServingGuard.Settings(1000, 0.5, 5.0, 200, cm2Window, floor, stabilityWindow, maxRank, 100_000, 1000,
        0.1);
  }

  @Test
  void settingsAtTheirLimits() {
    ServingGuard.Settings low = new ServingGuard.Settings(1, 0.0, Double.MIN_VALUE, 2, 1, NAN, 1, Double.MIN_VALUE, 1,
        1, 0.0);
    assertEquals(1, low.batch());
    ServingGuard.Settings high = new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 1, 1.0, 1, 1, Math.nextDown(1.0));
    assertEquals(1.0, high.maxRankChange());
    String message = "guard settings out of range: batch, windows, good-after >= 1, min baseline >= 2, delta >= 0,"
        + " threshold > 0, max rank change in (0, 1], max error rate in [0, 1)";
    List<Runnable> bad = List.of(
        () -> new ServingGuard.Settings(0, 0.0, 1.0, 2, 1, NAN, 1, 1.0, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, -1e-12, 1.0, 2, 1, NAN, 1, 1.0, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 0.0, 2, 1, NAN, 1, 1.0, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 1, 1, NAN, 1, 1.0, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 0, NAN, 1, 1.0, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 0, 1.0, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 1, 0.0, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 1, 1 + 1e-12, 1, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 1, 1.0, 0, 1, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 1, 1.0, 1, 0, 0.1),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 1, 1.0, 1, 1, -1e-12),
        () -> new ServingGuard.Settings(1, 0.0, 1.0, 2, 1, NAN, 1, 1.0, 1, 1, 1.0));
    for (int i = 0; i < bad.size(); i++) {
      assertEquals(message, assertThrows(IllegalArgumentException.class, bad.get(i)::run).getMessage(), "case " + i);
    }
  }

  @Test
  void aBatchOfAnsweredAndFailedRequestsFillsTheErrorWindowTogether() {
    ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
    g.watch(2);
    ServingGuard.Breach b = g.observeRequests(2, 10, 10).orElseThrow();
    assertEquals("error_rate", b.guardrail());
    assertEquals(20, b.requests());
    assertTrue(b.detail().startsWith("10 of the last 20 requests failed"), b.detail());
  }

  @Test
  void anErrorWindowWhoseBinomialTailIsExactlyTheAlphaBreaches() {
    // 2 failures in a window of 3 at a limit p with P(X >= 2) = 3 p^2 (1 - p) + p^3 computed as exactly
    // 0.001 (found by bisection on p and a scan of the neighbouring doubles): the test is "tail <=
    // alpha", so it breaches; three ulps higher (the computed tail moves in steps of a few of its own
    // ulps, and stays at 0.001 for p and the next two doubles) the tail is above 0.001 and it does not.
    double p = 0x1.2cfa6de2bd756p-6;
    double higher = 0x1.2cfa6de2bd759p-6;
    assertEquals(ServingGuard.ERROR_ALPHA, ServingGuard.upperTail(2, 3, p));
    assertTrue(ServingGuard.upperTail(2, 3, higher) > ServingGuard.ERROR_ALPHA);
    ServingGuard at = new ServingGuard(new ServingGuard.Settings(1000, 0.5, 5.0, 200, 1, NAN, 1, 1.0, 100_000, 3, p), 1);
    at.watch(2);
    ServingGuard.Breach b = at.observeRequests(2, 1, 2).orElseThrow();
    assertEquals("error_rate", b.guardrail());
    assertTrue(b.detail().startsWith("2 of the last 3 requests failed"), b.detail());
    ServingGuard above = new ServingGuard(
        new ServingGuard.Settings(1000, 0.5, 5.0, 200, 1, NAN, 1, 1.0, 100_000, 3, higher), 1);
    above.watch(2);
    assertEquals(Optional.empty(), above.observeRequests(2, 1, 2));
  }

  @Test
  void aServedRequestThatClosesAFailingErrorWindowIsTheBreach() {
    ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
    g.watch(2);
    for (int i = 0; i < 8; i++) {
      assertTrue(g.observeError(2).isEmpty());
    }
    for (int i = 0; i < 11; i++) {
      assertTrue(g.observe(2, 1, 1, 1, 0).isEmpty());
    }
    assertEquals(Optional.of(new ServingGuard.Breach(2, "error_rate", "8 of the last 20 requests failed: more than 10%"
        + " at 99.9% confidence (binomial tail 0.00042)", 20)), g.observe(2, 1, 1, 1, 0));
  }

  @Test
  void theCm2FloorFiresStrictlyBelowItOnFeedbackAlone() {
    ServingGuard g = new ServingGuard(windows(2, 0.5, 1, 1.0), 1);
    g.watch(2);
    assertTrue(g.observeFeedback(2, 0, 0, 0.25, NAN).isEmpty());
    assertTrue(g.observeFeedback(2, 0, 0, 0.75, NAN).isEmpty(), "a mean of exactly the floor");
    assertTrue(g.observeFeedback(2, 0, 0, 0.2, NAN).isEmpty());
    assertEquals(Optional.of(new ServingGuard.Breach(2, "cm2_floor", "mean CM2 0.450 over 2 requests below the floor"
        + " 0.500", 0)), g.observeFeedback(2, 0, 0, 0.7, NAN), "feedback counts no request");
  }

  @Test
  void theRankChangeLimitFiresStrictlyAboveItOncePerFullWindow() {
    ServingGuard g = new ServingGuard(windows(1, NAN, 3, 0.5), 1);
    g.watch(2);
    assertTrue(g.observe(2, 1, 1, 1, 0.9).isEmpty());
    assertTrue(g.observe(2, 1, 1, 1, 0.9).isEmpty(), "the window is not full yet");
    assertEquals(Optional.of(new ServingGuard.Breach(2, "stability", "mean rank change 0.900 over 3 requests above the"
        + " limit 0.500", 3)), g.observe(2, 1, 1, 1, 0.9));
    ServingGuard h = new ServingGuard(windows(1, NAN, 2, 0.5), 1);
    h.watch(2);
    assertTrue(h.observe(2, 1, 1, 1, 0.5).isEmpty());
    assertTrue(h.observe(2, 1, 1, 1, 0.5).isEmpty(), "a mean of exactly the limit");
    assertTrue(h.observe(2, 1, 1, 1, 0.5).isEmpty());
    assertEquals("stability", h.observe(2, 1, 1, 1, 0.75).orElseThrow().guardrail());
    ServingGuard off = new ServingGuard(windows(1, NAN, 1, 1.0), 1);
    off.watch(2);
    for (int i = 0; i < 5; i++) {
      assertTrue(off.observe(2, 1, 1, 1, 5.0).isEmpty(), "a limit of 1 checks nothing");
    }
  }

  @Test
  void theCusumOfBatchMeanDropsInStandardErrorsAlarmsOnlyAboveTheThreshold() {
    // Known-good rewards -2 and 2: mean 0, sd sqrt(8), so a batch of 2 has a standard error of 2; the
    // tolerated drop is delta + 2 sqrt(2 / 2) = 2. GMV and CM2 are constant: no standard error, no test.
    ServingGuard g = new ServingGuard(drift(1000), 1);
    g.observe(1, -2, 1, 1, NAN);
    g.observe(1, 2, 1, 1, NAN);
    g.watch(2);
    assertTrue(g.observe(2, -10, 1, 1, NAN).isEmpty());
    assertTrue(g.observe(2, -10, 1, 1, NAN).isEmpty(), "drop (0 + 10) / 2 = 5, CUSUM 5 - 2 = 3: not above 3");
    assertTrue(g.observe(2, -10, 1, 1, NAN).isEmpty());
    assertEquals(Optional.of(new ServingGuard.Breach(2, "drift:reward", "reward fell from 0.000 (known-good version 1)"
        + " to -10.000 over the last batch of 2", 4)), g.observe(2, -10, 1, 1, NAN), "CUSUM 6");
  }

  @Test
  void aMetricWithoutSpreadInTheBaselineIsNotTested() {
    ServingGuard g = new ServingGuard(drift(1000), 1);
    g.observe(1, -2, 1, 1, NAN);
    g.observe(1, 2, 1, 1, NAN);
    g.watch(2);
    for (int i = 0; i < 20; i++) {
      assertTrue(g.observe(2, 0, -5, -5, NAN).isEmpty(), "GMV and CM2 fell, but the baseline's were constant");
    }
    assertTrue(g.watching(2));
  }

  @Test
  void aVersionThatBecameKnownGoodIsTheNextOnesBaseline() {
    ServingGuard g = new ServingGuard(drift(4), 1);
    g.observe(1, -2, 1, 1, NAN);
    g.observe(1, 2, 1, 1, NAN);
    g.watch(2);
    for (double r : new double[] {2, 8, 8, 6}) {
      assertTrue(g.observe(2, r, 1, 1, NAN).isEmpty());
    }
    assertEquals(2, g.knownGood());
    // Version 2's rewards 2, 8, 8, 6: mean 6, sd sqrt(24 / 3), so a batch of 2 has a standard error of 2;
    // the tolerated drop is 2 sqrt(2 / 4). A batch at -4 drops (6 + 4) / 2 = 5 standard errors.
    g.watch(3);
    assertTrue(g.observe(3, -4, 1, 1, NAN).isEmpty());
    assertEquals("reward fell from 6.000 (known-good version 2) to -4.000 over the last batch of 2",
        g.observe(3, -4, 1, 1, NAN).orElseThrow().detail());
  }

  @Test
  void theBinomialUpperTail() {
    assertEquals(1.0, ServingGuard.upperTail(0, 5, 0.0), "P(X >= 0) is 1 even when p is 0");
    assertEquals(1.0, ServingGuard.upperTail(-1, 5, 0.3));
    assertEquals(0.0, ServingGuard.upperTail(1, 5, 0.0));
    assertEquals(0.125, ServingGuard.upperTail(3, 3, 0.5), 1e-15, "k = n: p^n");
    assertEquals(0.0, ServingGuard.upperTail(4, 3, 0.5));
    // 1 - P(X <= 2) for Binomial(20, 0.1).
    double below = Math.pow(0.9, 20) + 20 * 0.1 * Math.pow(0.9, 19) + 190 * 0.01 * Math.pow(0.9, 18);
    assertEquals(1 - below, ServingGuard.upperTail(3, 20, 0.1), 1e-12);
    assertEquals(0.0, ServingGuard.upperTail(Integer.MAX_VALUE, Integer.MAX_VALUE, 0.5), "the largest window");
    long n = Integer.MAX_VALUE + 1L;
    assertEquals("a window of at most 2147483647 requests, got 2147483648",
        assertThrows(IllegalArgumentException.class, () -> ServingGuard.upperTail(n, n, 0.5)).getMessage());
  }

  @Test
  void theTailSumStopsAtTheFirstTermBelowOneInTenToThe300PastTheMean() {
    // P(X = 1090) for Binomial(1100, 0.5) = C(1100, 10) 2^-1100, about 5e-308; the next term is 1% of it
    // and is left out (the sum's cut-off: every later term is smaller still).
    double c = 1;
    for (int i = 0; i < 10; i++) {
      c = c * (1100 - i) / (i + 1);
    }
    double first = Math.scalb(c, -1100);
    double tail = ServingGuard.upperTail(1090, 1100, 0.5);
    assertEquals(first, tail, first * 1e-9);
    assertFalse(Math.abs(tail - first * (1 + 10.0 / 1091)) < first * 1e-4, "the next term is not added");
  }
}
