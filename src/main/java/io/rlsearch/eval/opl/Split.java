package io.rlsearch.eval.opl;

import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A seeded train/held-out split by round: the rounds (groups of rows, {@link BanditData#groups()})
 * are shuffled with {@code NumpyRandom(seed)} and the first {@code round(holdout x rounds)} are held
 * out, so every row of a round falls on the same side.
 *
 * @param train the training rows, in log order
 * @param heldOut the held-out rows, in log order
 */
public record Split(int[] train, int[] heldOut) {

  /**
   * Splits {@code data}.
   *
   * @throws IllegalArgumentException for a fraction outside (0, 1) or fewer than two rounds
   */
  public static Split of(BanditData data, double holdout, long seed) {
    if (!(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException("the held-out fraction must lie in (0, 1), got " + holdout);
    }
    Map<Long, Integer> index = new LinkedHashMap<>();
    for (long g : data.groups()) {
      index.putIfAbsent(g, index.size());
    }
    int rounds = index.size();
    if (rounds < 2) {
      throw new IllegalArgumentException("a train/held-out split needs at least 2 rounds, the log has " + rounds);
    }
    int held = (int) Math.round(holdout * rounds);
    held = Math.max(1, Math.min(rounds - 1, held));
    int[] order = Split.shuffled(rounds, seed);
    boolean[] out = new boolean[rounds];
    for (int k = 0; k < held; k++) {
      out[order[k]] = true;
    }
    List<Integer> tr = new ArrayList<>();
    List<Integer> ho = new ArrayList<>();
    long[] groups = data.groups();
    for (int i = 0; i < groups.length; i++) {
      (out[index.get(groups[i])] ? ho : tr).add(i);
    }
    return new Split(tr.stream().mapToInt(Integer::intValue).toArray(), ho.stream().mapToInt(Integer::intValue)
        .toArray());
  }

  /** {@code 0..n-1} in a seeded random order (Fisher-Yates over {@link NumpyRandom#integers}). */
  static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    NumpyRandom rng = new NumpyRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = (int) rng.integers(0, i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
