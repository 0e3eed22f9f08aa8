package io.rlsearch.agents.nn;

import io.rlsearch.core.FdlibmMath;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseKernel} on 256-bit vectors (eight outputs a lane group). A row's outputs are taken in
 * blocks of 64 (eight vectors of partial sums held in registers across the whole input loop), then
 * blocks of 8, then one by one; every output's sum is the bias followed by its products in input order,
 * zero inputs skipped, exactly as {@link DenseKernel#scalarLayer}. Products and sums are separate
 * roundings ({@code mul} then {@code add}, never a fused multiply-add), as Java's scalar float code.
 * One-output layers go eight rows to a vector instead (lane r holding row r's sum, see
 * {@link #single}). Needs {@code --add-modules jdk.incubator.vector} at
 * compile and run time; loaded only through {@link DenseKernel#preferred}.
 */
final class VectorDense implements DenseKernel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final int L = 8;
  /**
   * The DoubleVector shape the world's scoring kernel uses (512 bits where the machine runs them and
   * {@code -Drlsearch.simd=256} does not cap it, else 256), chosen the same way, so that the process has
   * one: a second shape makes C2 box the vectors of every kernel that shares the Vector API's code.
   */
  private static final VectorSpecies<Double> D = !"256".equals(System.getProperty("rlsearch.simd"))
      && DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_256;
  /** Values per pass of {@link #tanh}: its two scratch arrays stay in L1. */
  private static final int TANH_CHUNK = 256;

  boolean usable() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  @Override
  public void layer(float[] h, int n, int in, float[] wt, float[] b, int out, float[] next) {
    if (out == 1) {
      single(h, n, in, wt, b[0], next);
      return;
    }
    int[] idx = new int[in];
    float[] val = new float[in];
    for (int r = 0; r < n; r++) {
      int k = DenseKernel.nonZero(h, r * in, in, idx, val);
      row(idx, val, k, wt, b, out, next, r * out);
    }
  }

  /**
   * The exponentials a lane group at a time (the Vector API's, within 1 ulp like {@link Math#exp}), then
   * {@link FdlibmMath#tanhFloat(float, double)} value by value: the same bits as the scalar kernel, about
   * a quarter of its time (one {@code Math.exp} call per value was most of it).
   */
  @Override
  public void tanh(float[] h, int from, int to) {
    int size = Math.min(TANH_CHUNK, to - from);
    if (size <= 0) {
      return;
    }
    double[] twice = new double[size];
    double[] z = new double[size];
    for (int c = from; c < to; c += size) {
      int m = Math.min(size, to - c);
      for (int j = 0; j < m; j++) {
        twice[j] = 2.0 * Math.abs(h[c + j]);
      }
      int j = 0;
      for (; j + D.length() <= m; j += D.length()) {
        DoubleVector e = DoubleVector.fromArray(D, twice, j).lanewise(VectorOperators.EXP);
        e.sub(1.0).div(e.add(1.0)).intoArray(z, j);
      }
      for (; j < m; j++) {
        double e = Math.exp(twice[j]);
        z[j] = (e - 1.0) / (e + 1.0);
      }
      for (j = 0; j < m; j++) {
        h[c + j] = FdlibmMath.tanhFloat(h[c + j], z[j]);
      }
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

  /**
   * A one-output layer, eight rows to a vector: lane r holds row r's sum, which starts at the bias and
   * takes input i's product {@code w[i] * h[r][i]} in input order, but only in the lanes whose input
   * is non-zero (the sum with the product, then a blend that keeps the old sum where the input is zero
   * or -0.0), so each lane performs exactly the operations of {@link DenseKernel#single}'s row and gives
   * its bits. The rows are first copied into a column tile (input-major, one vector per input);
   * thirty-two rows run side by side (four independent chains of additions), then eight, then the
   * remaining rows one by one as in the plain kernel.
   */
  static void single(float[] h, int n, int in, float[] w, float b, float[] next) {
    float[] tile = new float[4 * L * in];
    FloatVector bias = FloatVector.broadcast(F, b);
    int r = 0;
    for (; r + 4 * L <= n; r += 4 * L) {
      columns(h, r, 4, in, tile);
      FloatVector a0 = bias;
      FloatVector a1 = bias;
      FloatVector a2 = bias;
      FloatVector a3 = bias;
      for (int i = 0, t = 0; i < in; i++, t += 4 * L) {
        FloatVector wi = FloatVector.broadcast(F, w[i]);
        FloatVector x0 = FloatVector.fromArray(F, tile, t);
        FloatVector x1 = FloatVector.fromArray(F, tile, t + L);
        FloatVector x2 = FloatVector.fromArray(F, tile, t + 2 * L);
        FloatVector x3 = FloatVector.fromArray(F, tile, t + 3 * L);
        a0 = a0.blend(a0.add(wi.mul(x0)), x0.compare(VectorOperators.NE, 0f));
        a1 = a1.blend(a1.add(wi.mul(x1)), x1.compare(VectorOperators.NE, 0f));
        a2 = a2.blend(a2.add(wi.mul(x2)), x2.compare(VectorOperators.NE, 0f));
        a3 = a3.blend(a3.add(wi.mul(x3)), x3.compare(VectorOperators.NE, 0f));
      }
      a0.intoArray(next, r);
      a1.intoArray(next, r + L);
      a2.intoArray(next, r + 2 * L);
      a3.intoArray(next, r + 3 * L);
    }
    for (; r + L <= n; r += L) {
      columns(h, r, 1, in, tile);
      FloatVector a = bias;
      for (int i = 0; i < in; i++) {
        FloatVector x = FloatVector.fromArray(F, tile, i * L);
        VectorMask<Float> nonZero = x.compare(VectorOperators.NE, 0f);
        a = a.blend(a.add(FloatVector.broadcast(F, w[i]).mul(x)), nonZero);
      }
      a.intoArray(next, r);
    }
    for (; r < n; r++) {
      int ri = r * in;
      float s = b;
      for (int i = 0; i < in; i++) {
        float v = h[ri + i];
        if (v != 0f) {
          s += w[i] * v;
        }
      }
      next[r] = s;
    }
  }

  /**
   * Copies rows {@code [r, r + 8 groups)} of {@code h} into {@code tile} input-major: input {@code i}
   * of row {@code r + j} at {@code i * 8 groups + j}.
   */
  private static void columns(float[] h, int r, int groups, int in, float[] tile) {
    int stride = groups * L;
    for (int row = 0; row < stride; row++) {
      int src = (r + row) * in;
      for (int i = 0; i < in; i++) {
        tile[row + i * stride] = h[src + i];
      }
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
