package io.rlsearch.core;

import java.util.Arrays;

/**
 * An agent's action: boost weights over the 10 product features (vector envs) or one score per
 * candidate (slate envs).
 *
 * @param values the action vector (copied)
 */
public record Action(double[] values) {
  public Action {
    values = values.clone();
  }

  /** An action from values. */
  public static Action of(double... values) {
    return new Action(values);
  }

  /** The zero action of dimension {@code n} (rank by base relevance alone). */
  public static Action zeros(int n) {
    return new Action(new double[n]);
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** Dimension. */
  public int dim() {
    return values.length;
  }

  /** Component {@code i}. */
  public double get(int i) {
    return values[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Action a && Arrays.equals(a.values, values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Action" + Arrays.toString(values);
  }
}
