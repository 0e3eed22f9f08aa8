package io.rlsearch.actors.serve;

import io.rlsearch.agents.spi.PolicySnapshot;
import java.util.Objects;
import java.util.Optional;

/**
 * Which versions serve, as the shards apply it: immutable, numbered by {@code epoch} (every change of
 * the registry makes a new one). A request is served entirely with the table it started with. A
 * table is a control message: a shard whose mailbox is control-aware reads it before queued requests.
 *
 * @param epoch the table's number
 * @param live the live version
 * @param canary the canary version, if any
 * @param canaryShare the share of requests the canary serves (0 without a canary)
 * @param shadow the shadow version, if any (computes rankings for the same requests, never served)
 */
public record Routing(long epoch, Version live, Optional<Version> canary, double canaryShare,
    Optional<Version> shadow) implements ServeShardActor.Command, org.apache.pekko.dispatch.ControlMessage {
  public Routing {
    Objects.requireNonNull(live, "live");
    Objects.requireNonNull(canary, "canary");
    Objects.requireNonNull(shadow, "shadow");
    if (!(canaryShare >= 0 && canaryShare <= 1) || (canary.isEmpty() && canaryShare != 0)) {
      throw new IllegalArgumentException("canary share must lie in [0, 1], and be 0 without a canary; got "
          + canaryShare);
    }
  }

  /**
   * A registered policy version.
   *
   * @param id its number (1, 2, ... in registration order)
   * @param name its name
   * @param policy the frozen policy
   */
  public record Version(long id, String name, PolicySnapshot policy) {
    public Version {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(policy, "policy");
    }
  }

  /**
   * The version that serves request {@code requestId}: the canary for a {@code canaryShare} of
   * requests (chosen by a hash of the id, so the split is deterministic and independent of the
   * shard), the live version otherwise.
   */
  public Version serving(long requestId) {
    if (canary.isEmpty() || canaryShare == 0) {
      return live;
    }
    return unit(requestId) < canaryShare ? canary.get() : live;
  }

  /** A uniform number in [0, 1) from the request id (SplitMix64's finaliser). */
  static double unit(long id) {
    long z = id + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }
}
