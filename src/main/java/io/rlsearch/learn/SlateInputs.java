package io.rlsearch.learn;

/** The slate task's inputs as the slate agents' networks take them: the context, then one item's features. */
final class SlateInputs {
  private SlateInputs() {}

  /** Refuses a task whose contexts are not {@code contextDim + candidates * itemDim} long. */
  static void requireDim(String agent, int contextDim, int candidates, int itemDim, int dim) {
    int want = contextDim + candidates * itemDim;
    if (dim != want) {
      throw new IllegalArgumentException(agent + " is set for slate contexts of " + want + " values (" + contextDim
          + " + " + candidates + " x " + itemDim + "), the task gives " + dim);
    }
  }

  /** Writes {@code [context, features of item]} of slate context {@code x} into {@code out} at {@code at}. */
  static void itemRow(double[] x, int contextDim, int itemDim, int item, float[] out, int at) {
    for (int j = 0; j < contextDim; j++) {
      out[at + j] = (float) x[j];
    }
    for (int j = 0; j < itemDim; j++) {
      out[at + contextDim + j] = (float) x[contextDim + item * itemDim + j];
    }
  }
}
