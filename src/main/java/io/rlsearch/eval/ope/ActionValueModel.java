package io.rlsearch.eval.ope;

/** A model of {@code Q(x, a)}, the expected discounted return of playing arm {@code a} in context {@code x}. */
@FunctionalInterface
public interface ActionValueModel {
  /** The modelled value of arm {@code arm} in {@code context}. */
  double q(double[] context, int arm);

  /** {@code V(x) = sum_a pi(a | x) Q(x, a)} under a discrete target policy. */
  default double value(double[] context, TargetPolicy target) {
    double[] p = target.probabilities(context);
    double v = 0;
    for (int a = 0; a < p.length; a++) {
      if (p[a] != 0) {
        v += p[a] * q(context, a);
      }
    }
    return v;
  }
}
