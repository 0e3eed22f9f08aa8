package io.rlsearch.agents.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batched forward pass gives the same bits as the loop it replaced (kept below as the reference),
 * through the plain-Java kernel and, where the JVM runs it, the Vector API kernel.
 */
class DenseKernelTest {
  /** The batched pass as it was before the kernels: per row, per input, a loop over outputs. */
  static float[] reference(Mlp m, float[] x, int n) {
    int[] sizes = m.sizes();
    float[] h = x;
    for (int l = 0; l < sizes.length - 1; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] wRowMajor = m.weights(l);
      float[] w = new float[in * out];
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          w[i * out + o] = wRowMajor[o * in + i];
        }
      }
      float[] b = m.bias(l);
      float[] next = new float[n * out];
      boolean hidden = l < sizes.length - 2;
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
            next[ro + o] += w[wi + o] * v;
          }
        }
        if (hidden) {
          for (int o = 0; o < out; o++) {
            float s = next[ro + o];
            next[ro + o] = m.activation() == Mlp.Activation.RELU ? Math.max(0f, s) : (float) Math.tanh(s);
          }
        }
      }
      h = next;
    }
    return h;
  }

  private static Mlp random(int[] sizes, Mlp.Activation act, SplittableRandom rng, boolean specials) {
    float[][] w = new float[sizes.length - 1][];
    float[][] b = new float[sizes.length - 1][];
    for (int l = 0; l < w.length; l++) {
      w[l] = new float[sizes[l] * sizes[l + 1]];
      b[l] = new float[sizes[l + 1]];
      for (int j = 0; j < w[l].length; j++) {
        w[l][j] = (float) (rng.nextGaussian() / Math.sqrt(sizes[l]));
      }
      for (int j = 0; j < b[l].length; j++) {
        b[l][j] = (float) (rng.nextGaussian() * 0.3);
        if (specials && rng.nextInt(4) == 0) {
          // negative zero biases: a sum that starts at -0.0 stays there only if zero inputs are skipped
          b[l][j] = -0.0f;
        }
      }
      if (specials) {
        // an infinite weight times a skipped zero input must not make NaN
        w[l][rng.nextInt(w[l].length)] = Float.POSITIVE_INFINITY;
      }
    }
    return new Mlp(sizes, w, b, act);
  }

  private static float[] inputs(int n, int in, SplittableRandom rng, boolean specials) {
    float[] x = new float[n * in];
    for (int j = 0; j < x.length; j++) {
      int k = rng.nextInt(8);
      x[j] = k == 0 ? 0f : k == 1 && specials ? -0.0f : (float) (rng.nextGaussian() * 2);
    }
    return x;
  }

  private static void assertSameBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]),
          what + " at " + j + ": " + expected[j] + " vs " + actual[j]);
    }
  }

  private static final int[][] SHAPES = {
      {26, 64, 64, 1}, {30, 64, 64, 1}, {7, 3, 1}, {5, 8, 2}, {12, 72, 1}, {9, 17, 130, 3}, {4, 128, 64, 64, 9},
      {64, 1}, {3, 65, 7}};

  @Test
  void everyKernelGivesTheReferenceBits() {
    SplittableRandom rng = new SplittableRandom(20261207L);
    java.util.List<DenseKernel> kernels = new java.util.ArrayList<>();
    kernels.add(DenseKernel.SCALAR);
    DenseKernel.vector().ifPresent(kernels::add);
    int compared = 0;
    for (int[] sizes : SHAPES) {
      for (Mlp.Activation act : Mlp.Activation.values()) {
        for (boolean specials : new boolean[] {false, true}) {
          Mlp m = random(sizes, act, rng, specials);
          for (int n : new int[] {1, 3, 4, 5, 32, 61}) {
            float[] x = inputs(n, sizes[0], rng, specials);
            float[] ref = reference(m, x, n);
            for (DenseKernel k : kernels) {
              assertSameBits(ref, m.forwardBatch(x, n, k), k + " " + java.util.Arrays.toString(sizes) + " " + act
                  + " n=" + n);
              compared++;
            }
            assertSameBits(ref, m.forwardBatch(x, n), "preferred");
          }
        }
      }
    }
    assertTrue(compared >= SHAPES.length * 2 * 2 * 6);
  }

  @Test
  void aSharedPrefixGivesTheBitsOfWholeRows() {
    SplittableRandom rng = new SplittableRandom(7L);
    java.util.List<DenseKernel> kernels = new java.util.ArrayList<>();
    kernels.add(DenseKernel.SCALAR);
    DenseKernel.vector().ifPresent(kernels::add);
    for (int[] sizes : SHAPES) {
      for (boolean specials : new boolean[] {false, true}) {
        Mlp m = random(sizes, Mlp.Activation.RELU, rng, specials);
        int in = sizes[0];
        for (int p : new int[] {0, 1, in / 2, in - 1, in}) {
          for (int n : new int[] {1, 5, 32}) {
            float[] prefix = inputs(1, p, rng, specials);
            float[] rest = inputs(n, in - p, rng, specials);
            float[] rows = new float[n * in];
            for (int r = 0; r < n; r++) {
              System.arraycopy(prefix, 0, rows, r * in, p);
              System.arraycopy(rest, r * (in - p), rows, r * in + p, in - p);
            }
            float[] ref = reference(m, rows, n);
            for (DenseKernel k : kernels) {
              assertSameBits(ref, m.forwardBatch(prefix, rest, n, k), k + " prefix " + p + " of "
                  + java.util.Arrays.toString(sizes) + " n=" + n);
            }
            assertSameBits(ref, m.forwardBatch(prefix, rest, n), "preferred, prefix " + p);
          }
        }
      }
    }
  }

  @Test
  void theVectorKernelIsAvailableWhereTheTestsRun() {
    // the tests run with the incubator module (as the launcher), on a machine with 256-bit vectors;
    // without it the comparison above would only cover the plain kernel
    org.junit.jupiter.api.Assumptions.assumeTrue(
        jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256);
    assertTrue(DenseKernel.vector().isPresent());
    assertTrue(DenseKernel.preferred() == DenseKernel.vector().get());
  }

  @Test
  void aNegativeZeroSumSurvivesSkippedZeroInputs() {
    // bias -0.0 and all inputs zero: the output is -0.0 (products of zero inputs are never added)
    Mlp m = new Mlp(new int[] {3, 9}, new float[][] {new float[27]}, new float[][] {fill(9, -0.0f)},
        Mlp.Activation.RELU);
    for (DenseKernel k : java.util.List.of(DenseKernel.SCALAR, DenseKernel.preferred())) {
      float[] y = m.forwardBatch(new float[6], 2, k);
      for (float v : y) {
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(v));
      }
    }
  }

  private static float[] fill(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
