package io.rlsearch.agents.nn;

import io.rlsearch.core.FdlibmMath;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable multi-layer perceptron: dense layers {@code y = W x + b} with an activation between
 * layers (none after the last). Weights are float32 as trained; sums are accumulated in float, as the
 * native kernels do, so outputs match a DJL forward pass to float rounding.
 *
 * <p>Layout: layer l has {@code weights[l]} of shape {@code [out_l][in_l]} stored row-major and
 * {@code bias[l]} of length {@code out_l} (PyTorch's {@code Linear} layout).
 */
public final class Mlp {
  /** The activation between hidden layers. */
  public enum Activation { RELU, TANH }

  private final int[] sizes;
  private final float[][] weights;
  private final float[][] bias;
  private final Activation activation;

  /**
   * A network with layer sizes {@code sizes} (inputs first, outputs last).
   *
   * @param weights per layer, {@code sizes[l+1] x sizes[l]} row-major
   * @param bias per layer, {@code sizes[l+1]}
   */
  public Mlp(int[] sizes, float[][] weights, float[][] bias, Activation activation) {
    Objects.requireNonNull(activation, "activation");
    if (sizes.length < 2 || weights.length != sizes.length - 1 || bias.length != sizes.length - 1) {
      throw new IllegalArgumentException("an MLP needs sizes for at least two layers and one weight and bias array"
          + " per connection; got " + sizes.length + " sizes, " + weights.length + " weights, " + bias.length + " biases");
    }
    this.sizes = sizes.clone();
    this.weights = new float[weights.length][];
    this.bias = new float[bias.length][];
    for (int l = 0; l < weights.length; l++) {
      if (weights[l].length != sizes[l] * sizes[l + 1] || bias[l].length != sizes[l + 1]) {
        throw new IllegalArgumentException("layer " + l + " must have " + sizes[l + 1] + "x" + sizes[l]
            + " weights and " + sizes[l + 1] + " biases; got " + weights[l].length + " and " + bias[l].length);
      }
      this.weights[l] = weights[l].clone();
      this.bias[l] = bias[l].clone();
    }
    this.activation = activation;
  }

  /** Writes this network's weights into {@code arrays} as {@code prefix.w<l>} and {@code prefix.b<l>}. */
  public void putState(String prefix, java.util.Map<String, double[]> arrays) {
    for (int l = 0; l < weights.length; l++) {
      arrays.put(prefix + ".w" + l, toDouble(weights[l]));
      arrays.put(prefix + ".b" + l, toDouble(bias[l]));
    }
  }

  /** A network shaped like {@code like} with the weights {@link #putState} wrote under {@code prefix}. */
  public static Mlp fromState(io.rlsearch.agents.spi.AgentState state, String prefix, Mlp like) {
    int layers = like.sizes.length - 1;
    float[][] w = new float[layers][];
    float[][] b = new float[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = toFloat(state.array(prefix + ".w" + l, like.sizes[l] * like.sizes[l + 1]));
      b[l] = toFloat(state.array(prefix + ".b" + l, like.sizes[l + 1]));
    }
    return new Mlp(like.sizes, w, b, like.activation);
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static float[] toFloat(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  /** Inputs. */
  public int inputs() {
    return sizes[0];
  }

  /** Outputs. */
  public int outputs() {
    return sizes[sizes.length - 1];
  }

  /** Layer sizes, inputs first. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** The activation between layers. */
  public Activation activation() {
    return activation;
  }

  /** Layer {@code l}'s weights (a copy). */
  public float[] weights(int l) {
    return weights[l].clone();
  }

  /** Layer {@code l}'s biases (a copy). */
  public float[] bias(int l) {
    return bias[l].clone();
  }

  /** The outputs for one input. Thread-safe (scratch is per call). */
  public float[] forward(float[] x) {
    if (x.length != sizes[0]) {
      throw new IllegalArgumentException("input must have " + sizes[0] + " values, got " + x.length);
    }
    float[] h = x;
    for (int l = 0; l < weights.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] w = weights[l];
      float[] next = new float[out];
      for (int o = 0; o < out; o++) {
        float s = bias[l][o];
        int row = o * in;
        for (int i = 0; i < in; i++) {
          s += w[row + i] * h[i];
        }
        next[o] = s;
      }
      if (l < weights.length - 1) {
        activate(next, 0, out, DenseKernel.preferred());
      }
      h = next;
    }
    return h;
  }

  /** Each layer's weights transposed ({@code [in][out]}), built on first use; a benign race. */
  private volatile float[][] transposed;

  private float[][] transposed() {
    float[][] t = transposed;
    if (t == null) {
      t = new float[weights.length][];
      for (int l = 0; l < weights.length; l++) {
        int in = sizes[l];
        int out = sizes[l + 1];
        float[] w = weights[l];
        float[] wt = new float[in * out];
        for (int o = 0; o < out; o++) {
          for (int i = 0; i < in; i++) {
            wt[i * out + o] = w[o * in + i];
          }
        }
        t[l] = wt;
      }
      transposed = t;
    }
    return t;
  }

  /**
   * The outputs of {@code n} input rows at once ({@code x} row-major, {@code n x inputs}; the result
   * {@code n x outputs}). Each output is the bias plus the products of the transposed weights and the
   * row's non-zero inputs, summed in input order ({@link DenseKernel}: plain Java, or the Vector API
   * with the same operations in the same order and so the same bits); like {@link #forward}'s sums
   * but with zero inputs skipped, so results agree with it to rounding. Thread-safe.
   */
  public float[] forwardBatch(float[] x, int n) {
    return forwardBatch(x, n, DenseKernel.preferred());
  }

  float[] forwardBatch(float[] x, int n, DenseKernel kernel) {
    if (x.length < n * sizes[0]) {
      throw new IllegalArgumentException("need " + n + " rows of " + sizes[0] + " inputs, got " + x.length + " values");
    }
    float[][] wt = transposed();
    float[] h = x;
    for (int l = 0; l < weights.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] next = new float[n * out];
      kernel.layer(h, n, in, wt[l], bias[l], out, next);
      if (l < weights.length - 1) {
        activate(next, 0, n * out, kernel);
      }
      h = next;
    }
    return h;
  }

  /**
   * The outputs of {@code n} rows that all begin with the values {@code prefix}, each followed by its
   * own {@code rest} values ({@code rest} row-major, {@code n x (inputs - prefix.length)}): the same
   * bits as {@link #forwardBatch(float[], int)} on the concatenated rows, with the first layer's
   * prefix terms (the bias and the shared inputs' products, which come first in every output's sum)
   * computed once instead of once per row. Thread-safe.
   */
  public float[] forwardBatch(float[] prefix, float[] rest, int n) {
    return forwardBatch(prefix, rest, n, DenseKernel.preferred());
  }

  float[] forwardBatch(float[] prefix, float[] rest, int n, DenseKernel kernel) {
    int p = prefix.length;
    int own = sizes[0] - p;
    if (own < 0 || rest.length < n * own) {
      throw new IllegalArgumentException("need a prefix of at most " + sizes[0] + " inputs and " + n + " rows of the"
          + " remaining ones; got " + p + " and " + rest.length + " values");
    }
    float[][] wt = transposed();
    // the first layer's sums after the bias and the prefix: the starting values of every row's sums
    float[] start = new float[sizes[1]];
    kernel.layer(prefix, 1, p, wt[0], bias[0], sizes[1], start);
    float[] h = new float[n * sizes[1]];
    kernel.layer(rest, n, own, tailWeights(p), start, sizes[1], h);
    for (int l = 1; l < weights.length; l++) {
      activate(h, 0, h.length, kernel);
      float[] next = new float[n * sizes[l + 1]];
      kernel.layer(h, n, sizes[l], wt[l], bias[l], sizes[l + 1], next);
      h = next;
    }
    return h;
  }

  /** The first layer's transposed weights from input {@code from} on. */
  private record Tail(int from, float[] weights) {}

  /** The last prefix length's {@link Tail}, built on use; a benign race (one immutable holder). */
  private volatile Tail tail;

  private float[] tailWeights(int p) {
    Tail t = tail;
    if (t == null || t.from() != p) {
      float[] wt = transposed()[0];
      t = new Tail(p, Arrays.copyOfRange(wt, p * sizes[1], wt.length));
      tail = t;
    }
    return t.weights();
  }

  /**
   * The gradient of a one-output network's output with respect to its input, by back-propagation
   * (ReLU's derivative at 0 taken as 0). Thread-safe.
   */
  public float[] inputGradient(float[] x) {
    if (sizes[sizes.length - 1] != 1) {
      throw new IllegalArgumentException("the input gradient is for a one-output network; this has "
          + sizes[sizes.length - 1] + " outputs");
    }
    if (x.length != sizes[0]) {
      throw new IllegalArgumentException("input must have " + sizes[0] + " values, got " + x.length);
    }
    int layers = weights.length;
    float[][] pre = new float[layers][];
    float[] h = x;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] z = new float[out];
      for (int o = 0; o < out; o++) {
        float s = bias[l][o];
        for (int i = 0; i < in; i++) {
          s += weights[l][o * in + i] * h[i];
        }
        z[o] = s;
      }
      pre[l] = z;
      if (l < layers - 1) {
        float[] a = z.clone();
        activate(a, 0, out, DenseKernel.preferred());
        h = a;
      }
    }
    float[] g = {1f};
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      if (l < layers - 1) {
        for (int o = 0; o < out; o++) {
          float z = pre[l][o];
          double t = activation == Activation.RELU ? 0 : FdlibmMath.tanh(z);
          g[o] *= activation == Activation.RELU ? (z > 0 ? 1f : 0f) : (float) (1 - t * t);
        }
      }
      float[] prev = new float[in];
      for (int o = 0; o < out; o++) {
        float go = g[o];
        if (go == 0) {
          continue;
        }
        for (int i = 0; i < in; i++) {
          prev[i] += go * weights[l][o * in + i];
        }
      }
      g = prev;
    }
    return g;
  }

  /** The single output of a one-output network. */
  public float forward1(float[] x) {
    return forward(x)[0];
  }

  /**
   * ReLU, or tanh as {@link StrictMath#tanh} computes it (the same bits, without its native call), over
   * {@code h[from, to)} in place.
   */
  private void activate(float[] h, int from, int to, DenseKernel kernel) {
    if (activation == Activation.RELU) {
      for (int j = from; j < to; j++) {
        h[j] = Math.max(0f, h[j]);
      }
    } else {
      kernel.tanh(h, from, to);
    }
  }

  /** Number of parameters. */
  public int parameterCount() {
    int n = 0;
    for (int l = 0; l < weights.length; l++) {
      n += weights[l].length + bias[l].length;
    }
    return n;
  }

  /** All parameters in layer order (weights then bias per layer), for checksums and checkpoints. */
  public List<float[]> parameters() {
    java.util.ArrayList<float[]> out = new java.util.ArrayList<>();
    for (int l = 0; l < weights.length; l++) {
      out.add(weights[l].clone());
      out.add(bias[l].clone());
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mlp m && Arrays.equals(sizes, m.sizes) && activation == m.activation
        && Arrays.deepEquals(weights, m.weights) && Arrays.deepEquals(bias, m.bias);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes) * 31 + Arrays.deepHashCode(weights);
  }

  @Override
  public String toString() {
    return "Mlp" + Arrays.toString(sizes) + " " + activation;
  }
}
