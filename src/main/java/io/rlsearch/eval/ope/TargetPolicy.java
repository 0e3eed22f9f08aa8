package io.rlsearch.eval.ope;

import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;

/**
 * The policy being evaluated, as the estimators need it: the probability of any logged decision
 * and, for discrete actions, its whole distribution (model-based estimators average the model over it).
 */
public interface TargetPolicy {
  /** Number of arms, or 0 for a continuous-action policy. */
  int arms();

  /** The distribution over arms in {@code context} (discrete policies only). */
  double[] probabilities(double[] context);

  /** The density of {@code action} in {@code context} (continuous policies only). */
  double density(double[] context, double[] action);

  /** {@code pi_e(a | x)} of a logged decision: a probability or a density, as the decision is. */
  default double likelihood(LoggedDecision d) {
    if (d.arm() >= 0) {
      if (arms() == 0) {
        throw new IllegalArgumentException("a continuous target policy cannot evaluate a discrete decision");
      }
      return probabilities(d.contextRef())[d.arm()];
    }
    if (arms() > 0) {
      throw new IllegalArgumentException("a discrete target policy cannot evaluate a continuous decision");
    }
    return density(d.contextRef(), d.actionRef());
  }

  /** A discrete policy given by its distribution. */
  static TargetPolicy discrete(int arms, Function<double[], double[]> distribution) {
    if (arms < 1) {
      throw new IllegalArgumentException("a discrete policy needs at least one arm, got " + arms);
    }
    return new TargetPolicy() {
      @Override
      public int arms() {
        return arms;
      }

      @Override
      public double[] probabilities(double[] context) {
        return distribution.apply(context);
      }

      @Override
      public double density(double[] context, double[] action) {
        throw new UnsupportedOperationException("a discrete policy has no density");
      }
    };
  }

  /** A continuous policy given by its density. */
  static TargetPolicy continuous(ToDoubleBiFunction<double[], double[]> density) {
    return new TargetPolicy() {
      @Override
      public int arms() {
        return 0;
      }

      @Override
      public double[] probabilities(double[] context) {
        throw new UnsupportedOperationException("a continuous policy has no distribution over arms");
      }

      @Override
      public double density(double[] context, double[] action) {
        return density.applyAsDouble(context, action);
      }
    };
  }
}
