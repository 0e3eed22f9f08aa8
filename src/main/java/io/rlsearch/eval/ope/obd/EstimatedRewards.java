package io.rlsearch.eval.ope.obd;

/** A reward model's estimate q(x_i, a, p) of the expected reward of action {@code a} at position {@code p} in round {@code i}. */
@FunctionalInterface
public interface EstimatedRewards {
  double at(int round, int action, int position);
}
