package io.rlsearch.sim;

/**
 * Selection of the k highest scores, best first: the first k entries of numpy's {@code argsort(-s)}.
 *
 * <p>Only the top k positions of a ranking are ever seen by a user, so the full sort the reference
 * does over 10,000 products is replaced by one pass that keeps a sorted buffer of k candidates;
 * a new score enters only when it beats the current k-th (about k ln(n/k) times per pass). Equal
 * scores keep catalog order (numpy's unstable sort has no defined order for them; with continuous
 * noise they do not occur).
 */
public final class TopK {
  private final int k;
  private final int[] idx;
  private final double[] val;
  private int size;

  /** A selector for the best {@code k}. */
  public TopK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    this.k = k;
    this.idx = new int[k];
    this.val = new double[k];
  }

  /** Starts a new selection. */
  public void clear() {
    size = 0;
  }

  /** The score a candidate must beat to enter (negative infinity until k are held). */
  public double threshold() {
    return size < k ? Double.NEGATIVE_INFINITY : val[k - 1];
  }

  /** Offers candidate {@code i} with score {@code s}; call {@link #threshold} first on hot paths. */
  public void offer(int i, double s) {
    if (size == k && !(s > val[k - 1])) {
      return;
    }
    int pos = size < k ? size++ : k - 1;
    while (pos > 0 && s > val[pos - 1]) {
      val[pos] = val[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    val[pos] = s;
    idx[pos] = i;
  }

  /** The k this selector keeps. */
  public int capacity() {
    return k;
  }

  /** How many are held (min(k, offered)). */
  public int size() {
    return size;
  }

  /** Copies the held indices, best first, into {@code out}; returns the count. */
  public int copyTo(int[] out) {
    System.arraycopy(idx, 0, out, 0, size);
    return size;
  }

  /** The indices of the best {@code k} of {@code scores}, best first. */
  public static int[] of(double[] scores, int k) {
    TopK t = new TopK(Math.max(1, Math.min(k, scores.length)));
    for (int i = 0; i < scores.length; i++) {
      // While fewer than k are held every candidate enters, minus infinity included (its score never
      // beats the threshold of an empty place).
      if (t.size() < t.capacity() || scores[i] > t.threshold()) {
        t.offer(i, scores[i]);
      }
    }
    int[] out = new int[t.size()];
    t.copyTo(out);
    return out;
  }
}
