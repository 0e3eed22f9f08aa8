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
            next[ro + o] = m.activation() == Mlp.Activation.RELU ? Math.max(0f, s) : (float) StrictMath.tanh(s);
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

  /**
   * As {@link #assertSameBits}, except that any NaN equals any NaN: when both operands of an add or a
   * multiply are NaN the processor returns the first, and the JIT may swap the operands of these
   * commutative operations, so which NaN survives (its sign and payload) is not the kernel's choice.
   */
  private static void assertSameBitsAnyNaN(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int j = 0; j < expected.length; j++) {
      if (!(Float.isNaN(expected[j]) && Float.isNaN(actual[j]))) {
        assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]),
            what + " at " + j + ": " + expected[j] + " vs " + actual[j]);
      }
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

  /** A net whose every layer may hold exact zeros, -0.0 biases, huge values and infinite or NaN weights. */
  private static Mlp harsh(int[] sizes, Mlp.Activation act, SplittableRandom rng) {
    float[][] w = new float[sizes.length - 1][];
    float[][] b = new float[sizes.length - 1][];
    for (int l = 0; l < w.length; l++) {
      w[l] = new float[sizes[l] * sizes[l + 1]];
      b[l] = new float[sizes[l + 1]];
      for (int j = 0; j < w[l].length; j++) {
        int k = rng.nextInt(40);
        w[l][j] = k == 0 ? 0f : k == 1 ? -0.0f : k == 2 ? 3e37f : (float) (rng.nextGaussian() / Math.sqrt(sizes[l]));
      }
      for (int j = 0; j < b[l].length; j++) {
        b[l][j] = rng.nextInt(3) == 0 ? -0.0f : (float) (rng.nextGaussian() * 0.3);
      }
      int special = rng.nextInt(4);
      if (special == 1) {
        w[l][rng.nextInt(w[l].length)] = rng.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
      } else if (special == 2) {
        w[l][rng.nextInt(w[l].length)] = Float.NaN;
      }
    }
    return new Mlp(sizes, w, b, act);
  }

  private static float[] harshInputs(int n, int in, SplittableRandom rng) {
    float[] x = new float[n * in];
    double zeros = rng.nextDouble(); // from almost none to almost all inputs exactly zero
    for (int j = 0; j < x.length; j++) {
      double u = rng.nextDouble();
      x[j] = u < zeros ? (rng.nextBoolean() ? 0f : -0.0f) : u < zeros + 0.01 ? 1e30f : (float) (rng.nextGaussian() * 2);
    }
    return x;
  }

  @Test
  void manyShapesWithZerosHugeValuesAndNonFiniteWeightsGiveTheReferenceBits() {
    // in and out sizes around the vector kernel's lane counts (8) and blocks (64), one-output layers
    // (the vector kernel takes their rows eight at a time) and rows 1 to 20 (whole groups and tails)
    int[] widths = {1, 7, 8, 9, 63, 64, 65, 130};
    SplittableRandom rng = new SplittableRandom(42L);
    java.util.List<DenseKernel> kernels = new java.util.ArrayList<>();
    kernels.add(DenseKernel.SCALAR);
    DenseKernel.vector().ifPresent(kernels::add);
    int compared = 0;
    for (int in : widths) {
      for (int out : widths) {
        int[][] nets = {{in, out}, {in, out, 1}, {in, 9, out}};
        for (int[] sizes : nets) {
          Mlp.Activation act = rng.nextBoolean() ? Mlp.Activation.RELU : Mlp.Activation.TANH;
          Mlp m = harsh(sizes, act, rng);
          // rows 1 to 20 (whole groups and tails), and 32 or more (the one-output layer's four chains)
          java.util.List<Integer> rowCounts = new java.util.ArrayList<>();
          for (int r = 1; r <= 20; r += 1 + rng.nextInt(3)) {
            rowCounts.add(r);
          }
          rowCounts.addAll(java.util.List.of(32, 40, 61));
          for (int n : rowCounts) {
            float[] x = harshInputs(n, in, rng);
            float[] ref = reference(m, x, n);
            String what = java.util.Arrays.toString(sizes) + " " + act + " n=" + n;
            for (DenseKernel k : kernels) {
              assertSameBitsAnyNaN(ref, m.forwardBatch(x, n, k), k + " " + what);
              int p = rng.nextInt(in + 1);
              float[] prefix = java.util.Arrays.copyOf(x, p);
              float[] rows = new float[n * in];
              float[] rest = new float[n * (in - p)];
              for (int r = 0; r < n; r++) {
                System.arraycopy(prefix, 0, rows, r * in, p);
                System.arraycopy(x, r * in + p, rows, r * in + p, in - p);
                System.arraycopy(x, r * in + p, rest, r * (in - p), in - p);
              }
              assertSameBitsAnyNaN(m.forwardBatch(rows, n, k), m.forwardBatch(prefix, rest, n, k),
                  k + " prefix " + p + " of " + what);
              compared++;
            }
          }
        }
      }
    }
    assertTrue(compared >= widths.length * widths.length * 3 * 7);
  }

  @Test
  void oneOutputLayersSkipZeroInputsLaneByLane() {
    // rows whose inputs are all zero keep a -0.0 bias; an infinite weight meets only zero inputs in
    // some rows (no NaN there) and a non-zero one in others; 19 rows: two groups of eight and a tail
    int in = 5;
    float[] w = {1f, Float.POSITIVE_INFINITY, -2f, 0.5f, 3f};
    Mlp m = new Mlp(new int[] {in, 1}, new float[][] {w}, new float[][] {{-0.0f}}, Mlp.Activation.RELU);
    int n = 19;
    float[] x = new float[n * in];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < in; i++) {
        boolean zero = r % 4 == 3 || (r + i) % 3 != 0;
        x[r * in + i] = zero ? (r % 2 == 0 ? 0f : -0.0f) : (float) (r - i);
      }
    }
    float[] ref = reference(m, x, n);
    int negativeZeros = 0;
    for (float v : ref) {
      negativeZeros += Float.floatToRawIntBits(v) == Float.floatToRawIntBits(-0.0f) ? 1 : 0;
    }
    assertTrue(negativeZeros > 0, "the case must hold rows whose sum stays -0.0");
    for (DenseKernel k : java.util.List.of(DenseKernel.SCALAR, DenseKernel.preferred())) {
      assertSameBits(ref, m.forwardBatch(x, n, k), k.toString());
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
