package io.rlsearch.actors;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.experiments.RunStreams;
import java.util.Objects;

/**
 * The policy a shard acts with by itself: the newest snapshot it has been sent, and the rule that
 * says whether that snapshot may answer an episode. The rule is the policy server's: in deterministic
 * mode ({@code roundSize > 0}) episode e is served only once the version of its round
 * ({@code e / roundSize}) is current; in throughput mode by any snapshot. Each decision draws from the
 * episode's own policy stream, so a decision made here is the decision the server would make with the
 * same snapshot, whichever batch or thread computes it.
 */
public final class ShardPolicy {
  private final RunStreams streams;
  private final int roundSize;
  private PolicySnapshot current;

  /** Without a snapshot yet. */
  public ShardPolicy(RunStreams streams, int roundSize) {
    this.streams = Objects.requireNonNull(streams, "streams");
    if (roundSize < 0) {
      throw new IllegalArgumentException("round size must be >= 0, got " + roundSize);
    }
    this.roundSize = roundSize;
  }

  /** Takes {@code s} when it is newer than the current one (snapshots may arrive twice after a restart). */
  public void offer(PolicySnapshot s) {
    Objects.requireNonNull(s, "snapshot");
    if (current == null || s.version() > current.version()) {
      current = s;
    }
  }

  /** The current snapshot, or null before the first. */
  public PolicySnapshot current() {
    return current;
  }

  /** Whether the current snapshot may answer episode {@code episode}. */
  public boolean serves(long episode) {
    return current != null && (roundSize == 0 || episode / roundSize <= current.version());
  }

  /** Whether the current snapshot may answer every one of {@code episodes}. */
  public boolean servesAll(long[] episodes) {
    if (current == null) {
      return false;
    }
    for (long e : episodes) {
      if (!serves(e)) {
        return false;
      }
    }
    return true;
  }

  /** The decision for one episode's context, from its policy stream, with the current snapshot. */
  public Decision act(long episode, double[] context) {
    if (!serves(episode)) {
      throw new IllegalStateException("the current snapshot ("
          + (current == null ? "none" : "version " + current.version()) + ") does not serve episode " + episode);
    }
    return current.act(context, streams.policy(episode));
  }
}
