package io.rlsearch.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Global-norm gradient clipping over a block's parameters (torch's {@code clip_grad_norm_}). */
final class Gradients {
  private Gradients() {}

  /** The squared norm of the block's gradients. */
  static double squaredNorm(Block block) {
    double s = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      // Closed at once: otherwise the three arrays stay in the model's manager until the model closes.
      try (NDArray g = p.getValue().getArray().getGradient(); NDArray sq = g.square(); NDArray sum = sq.sum()) {
        s += sum.toFloatArray()[0]; // the same float as getFloat(), without its clone
      }
    }
    return s;
  }

  /**
   * Scales the block's gradients so that their norm together with {@code extraSquaredNorm} (gradients
   * kept outside the block) is at most {@code maxNorm}; returns the scale applied (1 if none).
   */
  static double clipNorm(Block block, double maxNorm, double extraSquaredNorm) {
    double norm = Math.sqrt(squaredNorm(block) + extraSquaredNorm);
    double scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
    if (scale < 1.0) {
      scale(block, scale);
    }
    return scale;
  }

  /** Multiplies the block's gradients by {@code scale}. */
  static void scale(Block block, double scale) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      // muli scales the gradient's storage in place; the handle itself is closed at once, as above
      try (NDArray g = p.getValue().getArray().getGradient()) {
        g.muli((float) scale);
      }
    }
  }
}
