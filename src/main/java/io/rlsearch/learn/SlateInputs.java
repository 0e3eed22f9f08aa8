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

  /**
   * The reward each clicked position of a slate transition earned, in position order: its click's term
   * and, where it was bought, its item's GMV, CM2 and strategic terms (the transition's per-position
   * rewards, which sum to the session's reward). A transition without them (a log written before they
   * were recorded) falls back to the session's reward split evenly over its clicks.
   */
  static double[] clickTargets(io.rlsearch.core.Transition t) {
    int[] clicked = t.clicked();
    double[] perPosition = t.positionRewards();
    int clicks = 0;
    for (int c : clicked) {
      clicks += c;
    }
    double[] out = new double[clicks];
    if (perPosition.length != clicked.length) {
      java.util.Arrays.fill(out, clicks > 0 ? t.reward() / clicks : 0);
      return out;
    }
    int c = 0;
    for (int k = 0; k < clicked.length; k++) {
      if (clicked[k] == 1) {
        out[c++] = perPosition[k];
      }
    }
    return out;
  }
}
