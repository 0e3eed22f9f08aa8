package io.rlsearch.eval.ope.obd;

import io.rlsearch.core.random.Mt19937;

/** Fold assignments for cross-fitting reward models. */
public final class Folds {
  private Folds() {}

  /**
   * Each round's test fold under scikit-learn's {@code KFold(n_splits=k, shuffle=True,
   * random_state=seed)}, as the Open Bandit Pipeline's {@code RegressionModel.fit_predict} splits:
   * the indices {@code 0..n-1} are shuffled by {@code np.random.RandomState(seed).shuffle}, then cut
   * into k consecutive chunks, the first {@code n % k} of them one longer; fold f is the f-th chunk.
   *
   * @return an array of length n whose entry i is the fold (0 to k - 1) in which round i is predicted
   */
  public static int[] kFold(int n, int k, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("k-fold needs at least 2 folds, got " + k);
    }
    if (n < k) {
      throw new IllegalArgumentException("k-fold with " + k + " folds needs at least " + k + " rounds, got " + n);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    new Mt19937(seed).shuffle(order);
    int[] fold = new int[n];
    int start = 0;
    for (int f = 0; f < k; f++) {
      int size = n / k + (f < n % k ? 1 : 0);
      for (int i = start; i < start + size; i++) {
        fold[order[i]] = f;
      }
      start += size;
    }
    return fold;
  }
}
