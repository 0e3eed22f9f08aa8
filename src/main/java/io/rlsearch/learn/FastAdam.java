package io.rlsearch.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Adam over all of a CPU block's parameters in one Java pass, with the same float results as DJL's
 * PyTorch Adam ({@code Optimizer.adam()}, which runs ~10 native tensor operations per parameter tensor,
 * each paying PyTorch's per-call dispatch: about 55 µs a tensor for a few thousand floats).
 *
 * <p>The gradients are read, and the weights written, through direct views of the tensors' memory: no
 * native tensor is created. Every element goes through the operations of DJL's native {@code adamUpdate}
 * in the same order and the same float rounding, including where PyTorch's CPU kernels fuse a multiply
 * and an add ({@code add_} with a scale and {@code addcmul_} are each one fused multiply-add) and PyTorch's
 * own {@code sqrt}, which is not the correctly rounded one ({@code LearnerEquivalenceTest} checks the bits
 * against DJL's optimiser):
 *
 * <pre>
 *   g = g + wd * w                      (fused)
 *   m = m * b1;  m = m + (1 - b1) * g   (fused)
 *   v = v * b2;  v = v + ((1 - b2) * g) * g  (fused)
 *   w = w - (m * lrbc) / (sqrt(v) + eps)     (sqrt: PyTorch's, one call for all parameters)
 * </pre>
 *
 * <p>with {@code lrbc = lr * sqrt(1 - b2^t) / (1 - b1^t)} computed as DJL computes it. The gradients are
 * then zeroed, as DJL's step zeroes them.
 */
final class FastAdam {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPS = 1e-8f;

  private final List<Parameter> params;
  private final float lr;
  private final float weightDecay;
  private final float[][] mean;
  private final float[][] variance;
  private final float[][] grad;
  private FloatBuffer[] weights;
  /** Every parameter's second moments, in one native tensor whose memory Java writes. */
  private final NDArray varianceFlat;
  private final FloatBuffer varianceView;
  private int t;

  FastAdam(Block block, float lr, float weightDecay) {
    this.params = DjlNets.parameters(block);
    this.lr = lr;
    this.weightDecay = weightDecay;
    int n = params.size();
    this.mean = new float[n][];
    this.variance = new float[n][];
    this.grad = new float[n][];
    for (int i = 0; i < n; i++) {
      int size = Math.toIntExact(params.get(i).getArray().size());
      mean[i] = new float[size];
      variance[i] = new float[size];
      grad[i] = new float[size];
    }
    int total = 0;
    for (float[] v : variance) {
      total += v.length;
    }
    NDManager manager = params.get(0).getArray().getManager();
    this.varianceFlat = manager.zeros(new Shape(total), DataType.FLOAT32);
    this.varianceView = varianceFlat.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    refresh();
  }

  /**
   * The learner's Adam for {@code block}, or null where DJL's own step runs instead: when it was asked
   * for, or on a GPU (whose memory this class cannot read directly).
   */
  static FastAdam unlessDjl(Block block, float lr, float weightDecay, boolean djlOptimiser) {
    boolean gpu = DjlNets.parameters(block).get(0).getArray().getDevice().isGpu();
    return djlOptimiser || gpu ? null : new FastAdam(block, lr, weightDecay);
  }

  /** Re-reads the weights' memory (after their storage was replaced, e.g. by loading weights). */
  void refresh() {
    weights = new FloatBuffer[params.size()];
    for (int i = 0; i < params.size(); i++) {
      weights[i] = params.get(i).getArray().toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
  }

  private NDArray ones;

  /**
   * Back-propagates a scalar loss as {@code GradientCollector.backward} does (a head gradient of ones),
   * with one ones array kept for every step instead of a new one each time.
   */
  void backward(NDArray loss) {
    if (!loss.getShape().isScalar()) {
      try (NDArray head = loss.onesLike()) {
        JniUtils.backward((PtNDArray) loss, (PtNDArray) head, false, false);
      }
      return;
    }
    if (ones == null) {
      ones = params.get(0).getArray().getManager().ones(new Shape(), loss.getDataType());
    }
    JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
  }

  /**
   * Gradients of the last backward pass, one array per parameter tensor (valid until the next {@link #step}),
   * leaving zeros in their place.
   *
   * @param first whether no step was taken yet: DJL's trainer refuses a first step whose gradients are all zero
   */
  float[][] readGradients(boolean first) {
    for (int i = 0; i < params.size(); i++) {
      try (NDArray g = params.get(i).getArray().getGradient()) {
        FloatBuffer fb = g.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.get(0, grad[i]);
        // zero_() as DJL's step does after its update: the next backward accumulates into zeros.
        for (int k = 0; k < grad[i].length; k++) {
          fb.put(k, 0f);
        }
      }
    }
    if (first) {
      boolean zero = true;
      for (float[] g : grad) {
        for (float v : g) {
          zero &= v == 0;
        }
      }
      if (zero) {
        throw new IllegalStateException("Gradient values are all zeros, please call gradientCollector.backward() on"
            + "your target NDArray (usually loss), before calling step() ");
      }
    }
    return grad;
  }

  /** Multiplies the gradients read by {@code scale} (as PyTorch's in-place multiply by a float). */
  void scaleGradients(float scale) {
    for (float[] g : grad) {
      for (int k = 0; k < g.length; k++) {
        g[k] *= scale;
      }
    }
  }

  /** One Adam step on the gradients {@link #readGradients} returned (possibly rescaled in place). */
  void step() {
    t++;
    double coef1 = 1.0 - Math.pow(BETA1, t);
    double coef2 = 1.0 - Math.pow(BETA2, t);
    float lrbc = (float) (lr * Math.sqrt(coef2) / coef1);
    float omb1 = 1 - BETA1;
    float omb2 = 1 - BETA2;
    FloatBuffer vf = varianceView;
    int at = 0;
    for (int i = 0; i < params.size(); i++) {
      float[] g = grad[i];
      float[] m = mean[i];
      float[] v = variance[i];
      FloatBuffer w = weights[i];
      for (int k = 0; k < g.length; k++) {
        float wk = w.get(k);
        float gk = Math.fma(wk, weightDecay, g[k]);
        float mk = Math.fma(gk, omb1, m[k] * BETA1);
        float vk = Math.fma(omb2 * gk, gk, v[k] * BETA2);
        m[k] = mk;
        v[k] = vk;
        vf.put(at + k, vk);
      }
      at += g.length;
    }
    // PyTorch's float sqrt is not the correctly rounded one (a vector library's): taken from PyTorch itself,
    // in one call over every parameter's variances.
    try (NDArray root = varianceFlat.sqrt()) {
      FloatBuffer r = root.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
      at = 0;
      for (int i = 0; i < params.size(); i++) {
        float[] m = mean[i];
        FloatBuffer w = weights[i];
        for (int k = 0; k < m.length; k++) {
          w.put(k, w.get(k) - (m[k] * lrbc) / (r.get(at + k) + EPS));
        }
        at += m.length;
      }
    }
  }

  /** Steps taken. */
  int steps() {
    return t;
  }
}
