package io.rlsearch.agents.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseKernel} on 256-bit vectors (eight outputs a lane group). A row's outputs are taken in
 * blocks of 64 (eight vectors of partial sums held in registers across the whole input loop), then
 * blocks of 8, then one by one; every output's sum is the bias followed by its products in input order,
 * zero inputs skipped, exactly as {@link DenseKernel#scalarLayer}. Products and sums are separate
 * roundings ({@code mul} then {@code add}, never a fused multiply-add), as Java's scalar float code.
 * One-output layers run the plain-Java kernel. Needs {@code --add-modules jdk.incubator.vector} at
 * compile and run time; loaded only through {@link DenseKernel#preferred}.
 */
final class VectorDense implements DenseKernel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final int L = 8;

  boolean usable() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  @Override
  public void layer(float[] h, int n, int in, float[] wt, float[] b, int out, float[] next) {
    int[] idx = new int[in];
    float[] val = new float[in];
    if (out == 1) {
      DenseKernel.single(h, n, in, wt, b[0], next, idx, val);
      return;
    }
    for (int r = 0; r < n; r++) {
      int k = DenseKernel.nonZero(h, r * in, in, idx, val);
      row(idx, val, k, wt, b, out, next, r * out);
    }
  }

  private static void row(int[] idx, float[] val, int k, float[] wt, float[] b, int out, float[] next, int ro) {
    int o = 0;
    for (; o + 8 * L <= out; o += 8 * L) {
      block64(idx, val, k, wt, b, out, next, ro, o);
    }
    for (; o + L <= out; o += L) {
      FloatVector a = FloatVector.fromArray(F, b, o);
      for (int j = 0; j < k; j++) {
        a = a.add(FloatVector.fromArray(F, wt, idx[j] * out + o).mul(val[j]));
      }
      a.intoArray(next, ro + o);
    }
    for (; o < out; o++) {
      float s = b[o];
      for (int j = 0; j < k; j++) {
        s += wt[idx[j] * out + o] * val[j];
      }
      next[ro + o] = s;
    }
  }

  private static void block64(int[] idx, float[] val, int k, float[] wt, float[] b, int out, float[] next, int ro,
      int o) {
    FloatVector a0 = FloatVector.fromArray(F, b, o);
    FloatVector a1 = FloatVector.fromArray(F, b, o + L);
    FloatVector a2 = FloatVector.fromArray(F, b, o + 2 * L);
    FloatVector a3 = FloatVector.fromArray(F, b, o + 3 * L);
    FloatVector a4 = FloatVector.fromArray(F, b, o + 4 * L);
    FloatVector a5 = FloatVector.fromArray(F, b, o + 5 * L);
    FloatVector a6 = FloatVector.fromArray(F, b, o + 6 * L);
    FloatVector a7 = FloatVector.fromArray(F, b, o + 7 * L);
    for (int j = 0; j < k; j++) {
      FloatVector vv = FloatVector.broadcast(F, val[j]);
      int wi = idx[j] * out + o;
      a0 = a0.add(FloatVector.fromArray(F, wt, wi).mul(vv));
      a1 = a1.add(FloatVector.fromArray(F, wt, wi + L).mul(vv));
      a2 = a2.add(FloatVector.fromArray(F, wt, wi + 2 * L).mul(vv));
      a3 = a3.add(FloatVector.fromArray(F, wt, wi + 3 * L).mul(vv));
      a4 = a4.add(FloatVector.fromArray(F, wt, wi + 4 * L).mul(vv));
      a5 = a5.add(FloatVector.fromArray(F, wt, wi + 5 * L).mul(vv));
      a6 = a6.add(FloatVector.fromArray(F, wt, wi + 6 * L).mul(vv));
      a7 = a7.add(FloatVector.fromArray(F, wt, wi + 7 * L).mul(vv));
    }
    a0.intoArray(next, ro + o);
    a1.intoArray(next, ro + o + L);
    a2.intoArray(next, ro + o + 2 * L);
    a3.intoArray(next, ro + o + 3 * L);
    a4.intoArray(next, ro + o + 4 * L);
    a5.intoArray(next, ro + o + 5 * L);
    a6.intoArray(next, ro + o + 6 * L);
    a7.intoArray(next, ro + o + 7 * L);
  }
}
