package io.rlsearch.agents.slate;

import io.rlsearch.agents.nn.Mlp;

/** A one-output network over a slate context's candidates: one row per candidate, the context first. */
final class SlateRows {
  private SlateRows() {}

  /**
   * {@code net}'s output on the row (context, candidate i's features) of every candidate of {@code x}
   * ({@code contextDim} context values, then {@code candidates} blocks of {@code itemDim}), as floats
   * widened: one batch, the context's first-layer terms computed once. The batch skips zero inputs, so
   * where a weight on a zero input is infinite or NaN it gives a finite score where the one-row pass
   * gives NaN (a network whose weights have diverged).
   */
  static double[] scores(Mlp net, double[] x, int contextDim, int itemDim, int candidates) {
    float[] context = new float[contextDim];
    for (int j = 0; j < contextDim; j++) {
      context[j] = (float) x[j];
    }
    float[] items = new float[candidates * itemDim];
    for (int k = 0; k < items.length; k++) {
      items[k] = (float) x[contextDim + k];
    }
    float[] y = net.forwardBatch(context, items, candidates);
    double[] out = new double[candidates];
    for (int i = 0; i < candidates; i++) {
      out[i] = y[i];
    }
    return out;
  }
}
