package io.rlsearch.actors.cluster;

import io.rlsearch.agents.spi.AgentState;
import java.util.Map;

/**
 * The figures a clustered run reports, kept as running sums whatever the run's length: episodes
 * learned, the sums of their rewards and GMV, and the sum and count of the rewards of the run's final
 * 10% of episode ids ({@code users - ceil(users / 10)} and up; when every episode is learned, the
 * final 10% of episodes, as {@code train} reports it). Episodes are added in episode order (the
 * coordinator learns rounds in order and each round's transitions sorted), so each mean is summed in
 * the order the plain loop's report sums it and equals it exactly.
 *
 * <p>A checkpoint holds these sums as two counters and one array of three values. A checkpoint of
 * the earlier format, which held every learned episode's row ({@code run.rows}: id, version, arm and
 * the seven metric values), is read by adding its rows in order: the same sums.
 */
final class RunTotals {
  /** Values per row of the earlier checkpoint format. */
  static final int ROW = 10;

  private final long finalFrom;
  private long learned;
  private double rewardSum;
  private double gmvSum;
  private long finalCount;
  private double finalRewardSum;

  /** Totals of a run of {@code users} episodes, nothing learned yet. */
  RunTotals(long users) {
    if (users < 1) {
      throw new IllegalArgumentException("a run has at least one episode, got " + users);
    }
    this.finalFrom = users - Math.max(1, (users + 9) / 10);
  }

  /** Adds a learned episode. */
  void add(long episode, double reward, double gmv) {
    learned++;
    rewardSum += reward;
    gmvSum += gmv;
    if (episode >= finalFrom) {
      finalCount++;
      finalRewardSum += reward;
    }
  }

  /** Episodes learned. */
  long learned() {
    return learned;
  }

  /** Mean reward per learned episode (NaN before the first). */
  double meanReward() {
    return learned > 0 ? rewardSum / learned : Double.NaN;
  }

  /** Mean GMV per learned episode (NaN before the first). */
  double meanGmv() {
    return learned > 0 ? gmvSum / learned : Double.NaN;
  }

  /** Mean reward over the learned episodes among the run's final 10% of ids (NaN if none was learned). */
  double finalReward() {
    return finalCount > 0 ? finalRewardSum / finalCount : Double.NaN;
  }

  /** Puts these totals into a checkpoint's arrays and counters. */
  void save(Map<String, double[]> arrays, Map<String, Long> counters) {
    counters.put("run.learned", learned);
    counters.put("run.final_count", finalCount);
    arrays.put("run.sums", new double[] {rewardSum, gmvSum, finalRewardSum});
  }

  /**
   * The totals a checkpoint holds, in this format or the earlier one.
   *
   * @throws IllegalArgumentException with one line when it holds neither
   */
  static RunTotals restore(long users, AgentState state) {
    RunTotals t = new RunTotals(users);
    if (state.has("run.sums")) {
      double[] s = state.array("run.sums", 3);
      t.learned = state.counter("run.learned");
      t.finalCount = state.counter("run.final_count");
      t.rewardSum = s[0];
      t.gmvSum = s[1];
      t.finalRewardSum = s[2];
    } else if (state.has("run.rows")) {
      double[] r = state.array("run.rows");
      if (r.length % ROW != 0) {
        throw new IllegalArgumentException("the checkpoint's run.rows has " + r.length + " values, not rows of " + ROW);
      }
      for (int i = 0; i < r.length; i += ROW) {
        t.add((long) r[i], r[i + 3], r[i + 4]);
      }
    } else {
      throw new IllegalArgumentException("the checkpoint holds no run totals (neither run.sums nor run.rows):"
          + " not a clustered run's checkpoint");
    }
    return t;
  }
}
