package io.rlsearch.sim;

/** Ranking metrics the environments report. */
public final class Metrics {
  private Metrics() {}

  /**
   * {@code compute_delta_rank_at_k}: {@code 1 - |set(prev[:k']) ∩ set(curr[:k'])| / k'} with
   * {@code k' = min(k, len(prev), len(curr))}; 0 when k' = 0. Set-based: order within the top k
   * does not matter.
   */
  public static double deltaRankAtK(int[] prev, int[] curr, int k) {
    int kk = Math.min(k, Math.min(prev.length, curr.length));
    if (kk == 0) {
      return 0.0;
    }
    // k is the visible slate (20): a quadratic scan beats hashing and allocates nothing
    int common = 0;
    for (int i = 0; i < kk; i++) {
      boolean duplicate = false;
      for (int j = 0; j < i; j++) {
        duplicate |= curr[j] == curr[i];
      }
      if (duplicate) {
        continue;
      }
      for (int j = 0; j < kk; j++) {
        if (prev[j] == curr[i]) {
          common++;
          break;
        }
      }
    }
    return 1.0 - (double) common / kk;
  }
}
