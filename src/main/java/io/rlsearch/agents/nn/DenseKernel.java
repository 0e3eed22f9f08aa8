package io.rlsearch.agents.nn;

/**
 * One dense layer over a batch of rows, {@code next[r][o] = b[o] + sum_i wt[i][o] h[r][i]}, the sum
 * taken in input order starting from the bias and skipping inputs that are exactly zero (an added
 * {@code w * 0} could turn a {@code -0.0} sum into {@code +0.0}, or an infinite weight into NaN).
 *
 * <p>Two implementations perform exactly these float operations in this order, so they give the same
 * bits: {@link #SCALAR} (plain Java, everywhere) and {@code VectorDense} (the JDK's Vector API, which
 * keeps a row's partial sums in registers instead of reloading and storing them for every input). The
 * Vector API one is used when the JVM was started with {@code --add-modules jdk.incubator.vector} and
 * runs 256-bit vectors natively; {@code -Drlsearch.simd=false} (every kernel) or
 * {@code -Drlsearch.dense=scalar} (this one only) selects the plain one.
 */
interface DenseKernel {
  /**
   * Writes the layer's pre-activation outputs of rows {@code [0, n)} of {@code h} ({@code n x in},
   * row-major) into {@code next} ({@code n x out}).
   *
   * @param wt the layer's weights transposed, {@code in x out} row-major
   * @param b the layer's biases
   */
  void layer(float[] h, int n, int in, float[] wt, float[] b, int out, float[] next);

  /**
   * Replaces {@code h[from, to)} by their hyperbolic tangents, each with the bits of
   * {@link io.rlsearch.core.FdlibmMath#tanhFloat(float)} (and so of {@code (float) StrictMath.tanh}).
   */
  default void tanh(float[] h, int from, int to) {
    for (int j = from; j < to; j++) {
      h[j] = io.rlsearch.core.FdlibmMath.tanhFloat(h[j]);
    }
  }

  /** The plain-Java kernel. */
  DenseKernel SCALAR = DenseKernel::scalarLayer;

  /** The fastest kernel this JVM runs; chosen once (a property of the runtime, never of a result). */
  static DenseKernel preferred() {
    return Holder.PREFERRED;
  }

  /** The Vector API kernel, if this JVM runs it natively. */
  static java.util.Optional<DenseKernel> vector() {
    return java.util.Optional.ofNullable(Holder.VECTOR);
  }

  /**
   * Row {@code ri}'s non-zero inputs, in input order: their indices into {@code idx} and values into
   * {@code val}; returns their count. Branch-free (whether a ReLU output is zero is a coin flip no
   * branch predictor learns), so the sums below loop over exactly the inputs they add.
   */
  static int nonZero(float[] h, int ri, int in, int[] idx, float[] val) {
    int k = 0;
    for (int i = 0; i < in; i++) {
      float v = h[ri + i];
      idx[k] = i;
      val[k] = v;
      k += v != 0f ? 1 : 0;
    }
    return k;
  }

  /** The plain-Java layer. */
  static void scalarLayer(float[] h, int n, int in, float[] wt, float[] b, int out, float[] next) {
    int[] idx = new int[in];
    float[] val = new float[in];
    if (out == 1) {
      single(h, n, in, wt, b[0], next, idx, val);
      return;
    }
    for (int r = 0; r < n; r++) {
      int ro = r * out;
      System.arraycopy(b, 0, next, ro, out);
      int ri = r * in;
      for (int i = 0; i < in; i++) {
        float v = h[ri + i];
        if (v == 0f) {
          continue;
        }
        int wi = i * out;
        for (int o = 0; o < out; o++) {
          next[ro + o] += wt[wi + o] * v;
        }
      }
    }
  }

  /**
   * A one-output layer: each row's sum in a local, over its non-zero inputs in input order; two rows
   * at a time while both have terms left (two independent chains instead of one).
   */
  static void single(float[] h, int n, int in, float[] w, float b, float[] next, int[] idx, float[] val) {
    int[] idx1 = new int[in];
    float[] val1 = new float[in];
    int r = 0;
    for (; r + 2 <= n; r += 2) {
      int k0 = nonZero(h, r * in, in, idx, val);
      int k1 = nonZero(h, (r + 1) * in, in, idx1, val1);
      float s0 = b;
      float s1 = b;
      int common = Math.min(k0, k1);
      int j = 0;
      for (; j < common; j++) {
        s0 += w[idx[j]] * val[j];
        s1 += w[idx1[j]] * val1[j];
      }
      for (int j0 = j; j0 < k0; j0++) {
        s0 += w[idx[j0]] * val[j0];
      }
      for (int j1 = j; j1 < k1; j1++) {
        s1 += w[idx1[j1]] * val1[j1];
      }
      next[r] = s0;
      next[r + 1] = s1;
    }
    for (; r < n; r++) {
      int k = nonZero(h, r * in, in, idx, val);
      float s = b;
      for (int j = 0; j < k; j++) {
        s += w[idx[j]] * val[j];
      }
      next[r] = s;
    }
  }

  /** Chooses once per JVM. */
  final class Holder {
    static final DenseKernel VECTOR = load();
    static final DenseKernel PREFERRED = VECTOR != null && !"false".equals(System.getProperty("rlsearch.simd", "true"))
        && !"scalar".equals(System.getProperty("rlsearch.dense", "")) ? VECTOR : SCALAR;

    private Holder() {}

    private static DenseKernel load() {
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return null;
      }
      try {
        // loaded reflectively: the class links against the incubator module, absent without the flag
        DenseKernel k = (DenseKernel) Class.forName("io.rlsearch.agents.nn.VectorDense").getDeclaredConstructor()
            .newInstance();
        return ((VectorDense) k).usable() ? k : null;
      } catch (ReflectiveOperationException | LinkageError e) {
        return null;
      }
    }
  }
}
