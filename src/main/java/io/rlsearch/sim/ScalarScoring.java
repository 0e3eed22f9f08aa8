package io.rlsearch.sim;

/** The plain-Java {@link ScoringKernel}: one product at a time over the row-major embeddings. */
final class ScalarScoring implements ScoringKernel {
  static final ScalarScoring INSTANCE = new ScalarScoring();

  private ScalarScoring() {}

  @Override
  public void relevance(Catalog cat, float[] phi, double qNorm, double wSem, double[] lexW, float[] theta,
      double[] base, double[] sem, double[] pers) {
    relevanceRange(cat, phi, qNorm, wSem, lexW, theta, base, sem, pers, 0, cat.n);
  }

  /** {@link #relevance} for products {@code [from, to)} (the vector kernel's tail). */
  static void relevanceRange(Catalog cat, float[] phi, double qNorm, double wSem, double[] lexW, float[] theta,
      double[] base, double[] sem, double[] pers, int from, int to) {
    final float[] emb = cat.emb;
    final double[] norm = cat.embNormFloor;
    final int[] category = cat.category;
    if (theta == null) {
      for (int i = from; i < to; i++) {
        int o = i * Catalog.DIM;
        double cos = (float) (dot(phi, emb, o) / (qNorm * norm[i]));
        sem[i] = cos;
        base[i] = (wSem * cos + lexW[category[i]]) + base[i];
      }
      return;
    }
    for (int i = from; i < to; i++) {
      int o = i * Catalog.DIM;
      double dq = dot(phi, emb, o);
      double dt = dot(theta, emb, o);
      double cos = (float) (dq / (qNorm * norm[i]));
      sem[i] = cos;
      base[i] = (wSem * cos + lexW[category[i]]) + base[i];
      pers[i] = (float) dt;
    }
  }

  /**
   * A 16-term dot product of float32 vectors accumulated in double in four independent chains, so the
   * additions pipeline instead of waiting on each other (every product of two float32 values is exact
   * in double; only the additions round).
   */
  static double dot(float[] v, float[] emb, int o) {
    double a0 = (double) v[0] * emb[o] + (double) v[4] * emb[o + 4] + (double) v[8] * emb[o + 8] + (double) v[12] * emb[o + 12];
    double a1 = (double) v[1] * emb[o + 1] + (double) v[5] * emb[o + 5] + (double) v[9] * emb[o + 9] + (double) v[13] * emb[o + 13];
    double a2 = (double) v[2] * emb[o + 2] + (double) v[6] * emb[o + 6] + (double) v[10] * emb[o + 10] + (double) v[14] * emb[o + 14];
    double a3 = (double) v[3] * emb[o + 3] + (double) v[7] * emb[o + 7] + (double) v[11] * emb[o + 11] + (double) v[15] * emb[o + 15];
    return (a0 + a1) + (a2 + a3);
  }

  @Override
  public void rankByWeights(double[] base, double[] pers, double pm, double[][] cols, double[] c, TopK top,
      TopK baseTop, int n) {
    rankByWeightsRange(base, pers, pm, cols, c, top, baseTop, 0, n);
  }

  /** {@link #rankByWeights} for products {@code [from, to)}. */
  static void rankByWeightsRange(double[] base, double[] pers, double pm, double[][] cols, double[] c, TopK top,
      TopK baseTop, int from, int to) {
    final double c0 = c[0];
    final double c1 = c[1];
    final double c2 = c[2];
    final double c3 = c[3];
    final double c4 = c[4];
    final double c5 = c[5];
    final double c6 = c[6];
    final double[] x0 = cols[0];
    final double[] x1 = cols[1];
    final double[] x2 = cols[2];
    final double[] x4 = cols[4];
    final double[] x5 = cols[5];
    final double[] x6 = cols[6];
    double thr = top.threshold();
    double bthr = baseTop == null ? Double.POSITIVE_INFINITY : baseTop.threshold();
    for (int i = from; i < to; i++) {
      double s = base[i] + (c0 * x0[i] + c1 * x1[i] + c2 * x2[i] + c3 * (pers[i] - pm) + c4 * x4[i] + c5 * x5[i]
          + c6 * x6[i]);
      if (s > thr) {
        top.offer(i, s);
        thr = top.threshold();
      }
      if (base[i] > bthr) {
        baseTop.offer(i, base[i]);
        bthr = baseTop.threshold();
      }
    }
  }

  @Override
  public void rankByBoosts(double[] base, float[] boosts, TopK top, int n) {
    rankByBoostsRange(base, boosts, top, 0, n);
  }

  static void rankByBoostsRange(double[] base, float[] boosts, TopK top, int from, int to) {
    double thr = top.threshold();
    for (int i = from; i < to; i++) {
      double s = base[i] + boosts[i];
      if (s > thr) {
        top.offer(i, s);
        thr = top.threshold();
      }
    }
  }

  @Override
  public void rankByBase(double[] base, TopK top, int n) {
    rankByBaseRange(base, top, 0, n);
  }

  static void rankByBaseRange(double[] base, TopK top, int from, int to) {
    double thr = top.threshold();
    for (int i = from; i < to; i++) {
      if (base[i] > thr) {
        top.offer(i, base[i]);
        thr = top.threshold();
      }
    }
  }
}
