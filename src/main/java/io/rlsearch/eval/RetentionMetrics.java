package io.rlsearch.eval;

import io.rlsearch.core.Transition;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Multi-session metrics per user: sessions, and the discounted return {@code sum_k gamma^k r_k} over
 * the user's sessions k = 0, 1, ... (the reference's {@code collect_trajectory}: of the
 * scalar reward). Deduplicated by episode id; order of arrival does not matter.
 */
public final class RetentionMetrics {
  private final double gamma;
  private final long users;
  private final double[] value;
  private final int[] sessions;
  private final BitSet seen = new BitSet();

  /** Metrics for users {@code 0..users-1} with discount {@code gamma}. */
  public RetentionMetrics(long users, double gamma) {
    if (users < 1 || users > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("users must be in 1.." + Integer.MAX_VALUE + ", got " + users);
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must lie in [0, 1], got " + gamma);
    }
    this.gamma = gamma;
    this.users = users;
    this.value = new double[(int) users];
    this.sessions = new int[(int) users];
  }

  /** Adds one session; false if its episode was seen before. */
  public boolean add(Transition t) {
    int id = Math.toIntExact(t.episode());
    if (seen.get(id)) {
      return false;
    }
    seen.set(id);
    int u = Math.toIntExact(t.user());
    value[u] += Math.pow(gamma, t.session()) * t.reward();
    sessions[u]++;
    return true;
  }

  /**
   * The report.
   *
   * @param users users
   * @param sessions sessions in all
   * @param sessionsPerUser mean sessions per user
   * @param retentionCurve share of users with at least k sessions, k = 1..10
   * @param atLeast users with at least k sessions, k = 1..10
   * @param value discounted return per user
   */
  public record Report(long users, long sessions, double sessionsPerUser, double[] retentionCurve, long[] atLeast,
      Summary value) {}

  /** The report so far. */
  public Report report() {
    long total = 0;
    long[] atLeast = new long[10];
    for (int u = 0; u < users; u++) {
      total += sessions[u];
      for (int k = 1; k <= 10; k++) {
        if (sessions[u] >= k) {
          atLeast[k - 1]++;
        }
      }
    }
    double[] curve = new double[10];
    for (int k = 0; k < 10; k++) {
      curve[k] = (double) atLeast[k] / users;
    }
    return new Report(users, total, (double) total / users, curve, atLeast,
        Summary.of(Arrays.copyOf(value, value.length)));
  }
}
