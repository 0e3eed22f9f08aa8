package io.rlsearch.agents.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The serving guardrails on synthetic heavy-tailed sessions: 70% earn nothing, the rest a lognormal
 * amount, as zoosim's sessions do.
 */
class ServingGuardTest {
  private static double session(NumpyRandom r, double scale) {
    return r.random() < 0.7 ? 0 : scale * r.lognormal(1.5, 1.0);
  }

  private static Optional<ServingGuard.Breach> feed(ServingGuard g, long version, int n, double scale, double cm2,
      double rank, NumpyRandom r) {
    for (int i = 0; i < n; i++) {
      double reward = session(r, scale);
      Optional<ServingGuard.Breach> b = g.observe(version, reward, reward * 0.9, cm2 * reward / 4, rank);
      if (b.isPresent()) {
        return b;
      }
    }
    return Optional.empty();
  }

  @Test
  void aVersionLikeTheKnownGoodOneServesItsWatchAndBecomesKnownGood() {
    // 20 seeds x 2,000 watched requests each: the CUSUM (k 0.5, h 5 standard errors of a batch mean of
    // 50) has an in-control run length of about 900 batches, so 40 batches alarm with probability
    // about 4% per seed at most; allow 3 of 20.
    int alarms = 0;
    for (int seed = 0; seed < 20; seed++) {
      NumpyRandom r = new NumpyRandom(seed);
      ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
      feed(g, 1, 1000, 1.0, 1.0, 0.5, r);
      g.watch(2);
      Optional<ServingGuard.Breach> b = feed(g, 2, 2000, 1.0, 1.0, 0.5, r);
      if (b.isPresent()) {
        alarms++;
      } else {
        assertEquals(2, g.knownGood());
        assertEquals(Optional.of(2L), g.pollBecameGood());
      }
    }
    assertTrue(alarms <= 3, "false alarms in 20 runs: " + alarms);
  }

  @Test
  void aVersionThatEarnsAQuarterIsCaughtWithinAFewHundredRequests() {
    NumpyRandom r = new NumpyRandom(3);
    ServingGuard g = new ServingGuard(new ServingGuard.Settings(50, 0.5, 5.0, 200, 200, Double.NaN, 200, 1.0, 2000), 1);
    feed(g, 1, 1000, 1.0, 1.0, 0.5, r);
    g.watch(2);
    ServingGuard.Breach b = feed(g, 2, 2000, 0.25, 1.0, 0.5, r).orElseThrow();
    assertTrue(b.guardrail().startsWith("drift:"), b.toString());
    assertTrue(b.requests() <= 400, b.toString());
    assertEquals(1, g.knownGood());
    assertTrue(!g.watching(2));
  }

  @Test
  void theCm2FloorAndTheRankChangeLimitFire() {
    NumpyRandom r = new NumpyRandom(4);
    ServingGuard.Settings floorOnly = new ServingGuard.Settings(50, 0.5, 1e9, 200, 200, 0.2, 200, 1.0, 5000);
    ServingGuard g = new ServingGuard(floorOnly, 1);
    feed(g, 1, 500, 1.0, 1.0, 0.5, r);
    g.watch(2);
    // Mean CM2 per request here is 0.3 x 0.05 / 4 x E[lognormal] ~ 0.01: below the floor of 0.2.
    ServingGuard.Breach b = feed(g, 2, 1000, 1.0, 0.05, 0.5, r).orElseThrow();
    assertEquals("cm2_floor", b.guardrail());
    assertEquals(200, b.requests(), "the first full window");
    ServingGuard.Settings stable = new ServingGuard.Settings(50, 0.5, 1e9, 200, 200, Double.NaN, 100, 0.6, 5000);
    ServingGuard s = new ServingGuard(stable, 1);
    s.watch(2);
    assertTrue(feed(s, 2, 300, 1.0, 1.0, 0.5, r).isEmpty(), "rank change 0.5 is within 0.6");
    s.watch(3);
    assertEquals("stability", feed(s, 3, 300, 1.0, 1.0, 0.9, r).orElseThrow().guardrail());
  }

  @Test
  void onCleanTrafficFewerThanOneWatchInAHundredEndsInAFalseRollback() {
    // A version exactly like the known-good one, watched for its 2,000 requests, 1,000 times over:
    // skewed outcomes (most sessions earn nothing, a few earn a lot), as serving's do.
    io.rlsearch.core.random.NumpyRandom rng = new io.rlsearch.core.random.NumpyRandom(11);
    int falseRollbacks = 0;
    int watches = 1000;
    for (int w = 0; w < watches; w++) {
      ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
      for (int i = 0; i < 400; i++) {
        double r = rng.random() < 0.1 ? 20 + rng.normal(0, 3) : rng.normal(0, 0.3);
        g.observe(1, r, 0.9 * r, 0.3 + 0.05 * rng.standardNormal(), Double.NaN);
      }
      g.watch(2);
      for (int i = 0; i < 2000; i++) {
        double r = rng.random() < 0.1 ? 20 + rng.normal(0, 3) : rng.normal(0, 0.3);
        if (g.observe(2, r, 0.9 * r, 0.3 + 0.05 * rng.standardNormal(), Double.NaN).isPresent()) {
          falseRollbacks++;
          break;
        }
      }
    }
    // The budget: 1,000,000 requests per false alarm per metric; three metrics over a 2,000-request
    // watch expect at most 0.6% (a 400-request baseline makes it a little more likely).
    assertTrue(falseRollbacks <= 10, falseRollbacks + " false rollbacks in " + watches + " clean watches");
  }

  @Test
  void simulatedRequestsAndTheirFailuresFillWindowsOfExactlyTwentyRequests() {
    ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
    g.watch(2);
    for (int i = 0; i < 18; i++) {
      assertTrue(g.observe(2, 1, 1, 1, 0).isEmpty());
    }
    assertTrue(g.observeError(2).isEmpty(), "19 requests: no window yet");
    assertTrue(g.observeError(2).isEmpty(), "2 of 20 failed: 10%, not more");
    // 7 of 20 would come once in 400 windows from a version failing 10%: not enough.
    for (int i = 0; i < 13; i++) {
      assertTrue(g.observe(2, 1, 1, 1, 0).isEmpty());
    }
    for (int i = 0; i < 7; i++) {
      assertTrue(g.observeError(2).isEmpty(), "7 of 20 (35%) is not yet beyond chance at 10%");
    }
    for (int i = 0; i < 12; i++) {
      assertTrue(g.observe(2, 1, 1, 1, 0).isEmpty());
    }
    for (int i = 0; i < 7; i++) {
      assertTrue(g.observeError(2).isEmpty());
    }
    ServingGuard.Breach b = g.observeError(2).orElseThrow();
    assertEquals(new ServingGuard.Breach(2, "error_rate", "8 of the last 20 requests failed: more than 10% at 99.9%"
        + " confidence (binomial tail 0.00042)", 60), b);
  }

  @Test
  void realRequestsCountedInBatchesCloseAWindowAtTheFirstCountThatReachesIt() {
    ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
    g.watch(2);
    assertTrue(g.observeRequests(2, 10, 0).isEmpty());
    assertTrue(g.observeRequests(2, 27, 3).isEmpty(), "3 of 40 failed: 7.5%");
    assertTrue(g.observeRequests(2, 0, 0).isEmpty());
    assertTrue(g.observeRequests(2, 23, 9).isEmpty(), "9 of 32: a tail of 0.0033, not beyond chance");
    ServingGuard.Breach b = g.observeRequests(2, 22, 10).orElseThrow();
    assertEquals(new ServingGuard.Breach(2, "error_rate", "10 of the last 32 requests failed: more than 10% at 99.9%"
        + " confidence (binomial tail 0.00081)", 104), b);
    assertTrue(!g.watching(2));
    assertTrue(g.observeRequests(1, 0, 100).isEmpty(), "the known-good version has nothing to roll back to");
  }

  @Test
  void aFeedbackIsNoFurtherRequestOfTheErrorWindow() {
    ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
    g.watch(2);
    assertTrue(g.observeRequests(2, 12, 0).isEmpty());
    for (int i = 0; i < 12; i++) {
      assertTrue(g.observeFeedback(2, 1, 1, 1, Double.NaN).isEmpty());
    }
    assertEquals("8 of the last 20 requests failed: more than 10% at 99.9% confidence (binomial tail 0.00042)",
        g.observeRequests(2, 0, 8).orElseThrow().detail());
  }

  /**
   * The error-rate guardrail's operating point, on seeded independent failures: a version that fails
   * 4% of its requests (under the 10% limit) keeps its canary over 100,000 requests; one that fails
   * 50% is ended within its first window or two.
   */
  @Test
  void independentFailuresUnderTheLimitAreNotRolledBackAndFailuresFarAboveItAre() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
    ServingGuard g = new ServingGuard(ServingGuard.Settings.defaults(), 1);
    g.watch(2);
    for (int i = 0; i < 100_000; i++) {
      boolean failed = rnd.nextDouble() < 0.04;
      assertTrue(g.observeRequests(2, failed ? 0 : 1, failed ? 1 : 0).isEmpty(), "request " + i);
    }
    // With the plain share (more than 10% of 20, so 3 failures) the same stream breaches at once:
    // P(at least 3 of 20) = 0.044 per window, over 5,000 windows.
    g.watch(3);
    int at = -1;
    for (int i = 0; i < 1_000 && at < 0; i++) {
      boolean failed = rnd.nextDouble() < 0.5;
      if (g.observeRequests(3, failed ? 0 : 1, failed ? 1 : 0).isPresent()) {
        at = i;
      }
    }
    assertTrue(at >= 19 && at < 60, "a version failing half its requests is ended at request " + at);
  }

  @Test
  void aRealVersionBecomesKnownGoodOnItsFeedbackNotOnRequestsWhoseOutcomeNobodyReported() {
    ServingGuard.Settings s = new ServingGuard.Settings(50, 0.5, 1e9, 200, 200, Double.NaN, 200, 1.0, 100);
    ServingGuard g = new ServingGuard(s, 1);
    g.watch(2);
    assertTrue(g.observeRequests(2, 5000, 0).isEmpty());
    assertTrue(g.watching(2), "5,000 requests answered, no outcome known: still watched");
    for (int i = 0; i < 99; i++) {
      assertTrue(g.observeFeedback(2, 1, 1, 1, Double.NaN).isEmpty());
    }
    assertEquals(1, g.knownGood());
    assertTrue(g.observeFeedback(2, 1, 1, 1, Double.NaN).isEmpty());
    assertEquals(2, g.knownGood(), "known-good after 100 feedbacks");
    assertEquals(Optional.of(2L), g.pollBecameGood());
  }
}
