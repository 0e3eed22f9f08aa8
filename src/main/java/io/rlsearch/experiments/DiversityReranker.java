package io.rlsearch.experiments;

/**
 * A category-aware re-ranker over a slate policy's scores: the scores are z-scored across the
 * candidates, then the top positions are filled greedily by {@code z_j + eta} for candidates of a
 * category not yet shown and {@code z_j} otherwise, until every category present is shown; the rest
 * follow by score. {@code eta = 0} keeps the policy's order. Pure.
 */
public final class DiversityReranker {
  private DiversityReranker() {}

  /**
   * Scores (one per slot of width {@code width}) that make the slate env show the re-ranked order.
   *
   * @param scores the policy's scores, at least {@code categories.length} of them
   * @param categories each candidate's category
   * @param eta the bonus for a new category, in standard deviations of the scores
   */
  public static double[] rerank(double[] scores, int[] categories, double eta, int width) {
    int n = categories.length;
    if (scores.length < n || !(eta >= 0)) {
      throw new IllegalArgumentException("re-ranking needs a score per candidate and eta >= 0");
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += scores[i];
    }
    mean /= n;
    double var = 0;
    for (int i = 0; i < n; i++) {
      var += (scores[i] - mean) * (scores[i] - mean);
    }
    double sd = Math.sqrt(var / n);
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      z[i] = sd > 0 ? (scores[i] - mean) / sd : 0;
    }
    int maxCat = 0;
    for (int c : categories) {
      maxCat = Math.max(maxCat, c);
    }
    boolean[] present = new boolean[maxCat + 1];
    int toCover = 0;
    for (int c : categories) {
      if (!present[c]) {
        present[c] = true;
        toCover++;
      }
    }
    boolean[] shown = new boolean[maxCat + 1];
    boolean[] placed = new boolean[n];
    double[] out = new double[width];
    java.util.Arrays.fill(out, -1e9);
    for (int p = 0; p < n; p++) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (placed[i]) {
          continue;
        }
        double v = z[i] + (toCover > 0 && !shown[categories[i]] ? eta : 0);
        if (v > bestValue) {
          bestValue = v;
          best = i;
        }
      }
      placed[best] = true;
      if (!shown[categories[best]]) {
        shown[categories[best]] = true;
        toCover--;
      }
      out[best] = n - p;
    }
    return out;
  }
}
