package io.rlsearch.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd recording on the calling thread, for one training step: what DJL's PyTorch gradient
 * collector does (grad mode on, then back to what it was; a backward pass from a head gradient of
 * ones), without the collector's process-wide flag, which refuses a second collector anywhere in the
 * process while one is open. PyTorch's grad mode belongs to a thread, so models stepping on
 * different threads record their own graphs; each model's steps still run one at a time under the
 * model's own lock.
 */
final class Autograd implements AutoCloseable {
  private final boolean was;

  private Autograd() {
    this.was = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
  }

  /** Starts recording on this thread; closing stops it (unless it was on before). */
  static Autograd record() {
    return new Autograd();
  }

  /**
   * Back-propagates {@code loss} with a head gradient of ones, as {@code GradientCollector.backward}
   * does; the head lives in the loss's manager (a step's, closed with the step).
   */
  void backward(NDArray loss) {
    NDArray head = loss.getManager().ones(loss.getShape(), loss.getDataType()).toDevice(loss.getDevice(), false);
    JniUtils.backward((PtNDArray) loss, (PtNDArray) head, false, false);
  }

  @Override
  public void close() {
    if (!was) {
      JniUtils.setGradMode(false);
    }
  }
}
