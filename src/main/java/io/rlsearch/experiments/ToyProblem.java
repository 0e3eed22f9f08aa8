package io.rlsearch.experiments;

import io.rlsearch.core.random.NumpyRandom;
import java.util.List;

/**
 * The book's Chapter-0 toy ({@code tests/ch00}): a tabular Q-learner on 3 contexts x 25
 * actions, independent of zoosim. Action {@code a = 5 i + j} (row-major) sets the weights
 * {@code w_d = -1 + 0.5 i} and {@code w_q = -1 + 0.5 j}; the mean reward is {@code 2 w_d - 0.5 w_q}
 * (price_hunter), {@code 2 w_q - 0.5 w_d} (premium), {@code 1 - |w_d| - |w_q|} (bulk_buyer), plus
 * {@code normal(0, 0.5)} noise. One numpy-compatible generator; per step, in this order: the context
 * ({@code integers(3)}), the exploration coin ({@code random() < eps}), the exploring action
 * ({@code integers(25)}) when exploring, else the first maximising action, then the noise. Q starts
 * at 0 and moves by {@code Q <- (1 - lr) Q + lr r}. Pure and deterministic.
 */
public final class ToyProblem {
  /** The contexts, in the order their index is drawn. */
  public static final List<String> CONTEXTS = List.of("price_hunter", "premium", "bulk_buyer");

  /** Actions per context. */
  public static final int ACTIONS = 25;

  private ToyProblem() {}

  /**
   * The run's result.
   *
   * @param rewards every step's reward
   * @param q the final Q table, [context][action]
   */
  public record Result(double[] rewards, double[][] q) {
    /** The mean reward of the last {@code n} steps. */
    public double lastMean(int n) {
      int from = Math.max(0, rewards.length - n);
      double s = 0;
      for (int i = from; i < rewards.length; i++) {
        s += rewards[i];
      }
      return s / (rewards.length - from);
    }

    /** The greedy (first maximising) action of context {@code c}. */
    public int greedy(int c) {
      return argmax(q[c]);
    }
  }

  /** The action's (i, j) grid indices. */
  public static int[] grid(int action) {
    return new int[] {action / 5, action % 5};
  }

  /** The mean reward of {@code action} in context {@code c}. */
  public static double meanReward(int c, int action) {
    double wd = -1 + 0.5 * (action / 5);
    double wq = -1 + 0.5 * (action % 5);
    return switch (c) {
      case 0 -> 2 * wd - 0.5 * wq;
      case 1 -> 2 * wq - 0.5 * wd;
      case 2 -> 1 - Math.abs(wd) - Math.abs(wq);
      default -> throw new IllegalArgumentException("context must be 0, 1 or 2, got " + c);
    };
  }

  /** Runs the toy: {@code steps} steps, exploration {@code eps}, learning rate {@code lr}, noise sd 0.5. */
  public static Result run(long seed, int steps, double eps, double lr) {
    if (steps < 1 || !(eps >= 0 && eps <= 1) || !(lr > 0 && lr <= 1)) {
      throw new IllegalArgumentException("toy needs steps >= 1, eps in [0, 1], lr in (0, 1]; got steps " + steps
          + ", eps " + eps + ", lr " + lr);
    }
    NumpyRandom rng = new NumpyRandom(seed);
    double[][] q = new double[CONTEXTS.size()][ACTIONS];
    double[] rewards = new double[steps];
    for (int t = 0; t < steps; t++) {
      int c = (int) rng.integers(0, CONTEXTS.size());
      int a = rng.random() < eps ? (int) rng.integers(0, ACTIONS) : argmax(q[c]);
      double r = meanReward(c, a) + rng.normal(0, 0.5);
      q[c][a] = (1 - lr) * q[c][a] + lr * r;
      rewards[t] = r;
    }
    return new Result(rewards, q);
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
