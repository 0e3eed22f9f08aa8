package io.rlsearch.agents.slate;

/**
 * A position-aware logistic click model: {@code P(click | x, i, k) = sigmoid(w . phi(x, i) + beta_k)},
 * with {@code phi} the context and the item's features (and a bias), and {@code beta_k} one weight
 * per position (the position bias). {@code exp(w . phi)} is the item's attractiveness, the
 * {@code v(s, i)} of SlateQ's conditional-choice model. Trained by SGD on every shown position
 * (clicked or not) with an L2 penalty. Mutable; {@link #copy} freezes it for a snapshot.
 */
public final class ClickModel {
  private final int contextDim;
  private final int itemDim;
  private final double[] w;
  private final double[] beta;
  private final double lr;
  private final double l2;
  private long updates;

  /** A model for contexts of {@code contextDim} and items of {@code itemDim} values over {@code positions} positions. */
  public ClickModel(int contextDim, int itemDim, int positions, double lr, double l2) {
    if (contextDim < 0 || itemDim < 1 || positions < 1 || !(lr > 0) || !(l2 >= 0)) {
      throw new IllegalArgumentException("click model needs dims >= 0/1, positions >= 1, lr > 0, l2 >= 0");
    }
    this.contextDim = contextDim;
    this.itemDim = itemDim;
    this.w = new double[contextDim + itemDim + 1];
    this.beta = new double[positions];
    this.lr = lr;
    this.l2 = l2;
  }

  private ClickModel(ClickModel o) {
    this.contextDim = o.contextDim;
    this.itemDim = o.itemDim;
    this.w = o.w.clone();
    this.beta = o.beta.clone();
    this.lr = o.lr;
    this.l2 = o.l2;
    this.updates = o.updates;
  }

  /** An independent copy. */
  public ClickModel copy() {
    return new ClickModel(this);
  }

  /** Positions modelled. */
  public int positions() {
    return beta.length;
  }

  /** The attractiveness logit {@code w . phi(x, i)} of item {@code item} (its features at {@code offset} of {@code feats}). */
  public double logit(double[] context, double[] feats, int offset) {
    double z = w[w.length - 1];
    for (int j = 0; j < contextDim; j++) {
      z += w[j] * context[j];
    }
    for (int j = 0; j < itemDim; j++) {
      z += w[contextDim + j] * feats[offset + j];
    }
    return z;
  }

  /** {@code P(click)} of an item with attractiveness logit {@code z} at position {@code k}. */
  public double clickProbability(double z, int k) {
    double b = beta[Math.min(k, beta.length - 1)];
    return 1.0 / (1.0 + Math.exp(-(z + b)));
  }

  /** One SGD step on a shown item: {@code clicked} at position {@code k}. */
  public void update(double[] context, double[] feats, int offset, int k, boolean clicked) {
    double z = logit(context, feats, offset);
    double g = clickProbability(z, k) - (clicked ? 1 : 0);
    for (int j = 0; j < contextDim; j++) {
      w[j] -= lr * (g * context[j] + l2 * w[j]);
    }
    for (int j = 0; j < itemDim; j++) {
      w[contextDim + j] -= lr * (g * feats[offset + j] + l2 * w[contextDim + j]);
    }
    w[w.length - 1] -= lr * g;
    int kk = Math.min(k, beta.length - 1);
    beta[kk] -= lr * g;
    updates++;
  }

  /** SGD steps taken. */
  public long updates() {
    return updates;
  }

  /** Weights and position biases, for checkpoints. */
  public double[] parameters() {
    double[] out = new double[w.length + beta.length];
    System.arraycopy(w, 0, out, 0, w.length);
    System.arraycopy(beta, 0, out, w.length, beta.length);
    return out;
  }

  /** Restores {@link #parameters}. */
  public void load(double[] p, long steps) {
    if (p.length != w.length + beta.length) {
      throw new IllegalArgumentException("click model needs " + (w.length + beta.length) + " parameters, got " + p.length);
    }
    System.arraycopy(p, 0, w, 0, w.length);
    System.arraycopy(p, w.length, beta, 0, beta.length);
    updates = steps;
  }
}
