package io.rlsearch.testkit;

import io.rlsearch.core.Transition;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Assertions on an {@link ObservedRun}. Each throws an {@link AssertionError} whose message says what
 * was expected and what the run did.
 */
public final class RunAssertions {
  private RunAssertions() {}

  /**
   * Nothing lost: the run did not fail; every episode from 0 to n-1 was produced exactly once; every
   * consumer (learner, replay, evaluator, population) took all of them; the runtime counted no loss.
   */
  public static void nothingLost(ObservedRun run) {
    var r = run.report();
    long n = r.spec().users();
    check(r.failure().isEmpty(), "the run failed: " + r.failure().orElse(""));
    check(r.lost() == 0, "the runtime lost " + r.lost() + " transitions");
    check(r.produced() == n, "produced " + r.produced() + " transitions for " + n + " episodes");
    for (Map.Entry<String, Long> e : r.consumed().entrySet()) {
      check(e.getValue() == n, e.getKey() + " consumed " + e.getValue() + " of " + n + " transitions");
    }
    TreeSet<Long> ids = new TreeSet<>();
    for (Transition t : run.transitions()) {
      check(ids.add(t.episode()), "episode " + t.episode() + " was delivered twice");
    }
    check(ids.size() == n && (n == 0 || (ids.first() == 0 && ids.last() == n - 1)),
        "delivered " + ids.size() + " distinct episodes of 0.." + (n - 1));
  }

  /**
   * The mean CM2 (contribution margin) per episode is at least {@code floor} in every window of
   * {@code window} consecutive episodes (by episode id; a last, shorter window counts too).
   */
  public static void cm2FloorHeld(ObservedRun run, double floor, int window) {
    check(window >= 1, "window must be >= 1, got " + window);
    List<Transition> ts = run.byEpisode();
    check(!ts.isEmpty(), "the run has no transitions");
    for (int from = 0; from < ts.size(); from += window) {
      int to = Math.min(ts.size(), from + window);
      double sum = 0;
      for (int i = from; i < to; i++) {
        sum += ts.get(i).breakdown().cm2();
      }
      double mean = sum / (to - from);
      check(mean >= floor, String.format(java.util.Locale.ROOT,
          "mean CM2 %.4f over episodes %d..%d is below the floor %.4f", mean, ts.get(from).episode(),
          ts.get(to - 1).episode(), floor));
    }
  }

  /**
   * No request failed across a swap: the policy server acted with at least {@code minVersions}
   * distinct policy versions (each a live swap under traffic), and still every episode was answered
   * exactly once and the run did not fail.
   *
   * <p>The shards act ahead of the learner by what the stream's buffers hold (a few hundred episodes
   * with the harness's 2 shards), so the versions acted with are at least about (episodes - 400) /
   * publishEvery whatever the machine's load; give a run enough episodes for that to reach
   * {@code minVersions} (1,200 episodes at the default swap every 50 leave room for 5).
   */
  public static void noRequestFailedAcrossSwaps(ObservedRun run, int minVersions) {
    long versions = run.transitions().stream().mapToLong(Transition::policyVersion).distinct().count();
    check(versions >= minVersions, "the agent acted with " + versions + " policy versions; expected at least "
        + minVersions + " (does the agent learn, and does the run publish often enough?)");
    nothingLost(run);
  }

  /** Every decision's propensity is a probability in (0, 1] for an arm (what off-policy evaluation needs). */
  public static void propensitiesAreProbabilities(ObservedRun run) {
    for (Transition t : run.transitions()) {
      check(t.arm() < 0 || (t.propensity() > 0 && t.propensity() <= 1),
          "episode " + t.episode() + " logged propensity " + t.propensity() + " for arm " + t.arm());
    }
  }

  /** The mean reward per episode. */
  public static double meanReward(ObservedRun run) {
    return run.transitions().stream().mapToDouble(Transition::reward).average().orElse(Double.NaN);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }
}
