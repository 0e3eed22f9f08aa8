package io.rlsearch.agents.bandit;

import io.rlsearch.core.random.NumpyRandom;

/**
 * A stationary stochastic policy over discrete arms: a distribution over arms for each context.
 *
 * <p>Logging and off-policy evaluation need the probability of every arm, not only a choice, so
 * these policies are frozen (they do not learn) and expose {@link #probabilities}. {@link #sample}
 * draws one {@code random()} from the given stream and inverts the cumulative distribution, as numpy's
 * {@code choice(p=...)}.
 */
public interface ArmPolicy {
  /** Display name. */
  String name();

  /** Number of arms. */
  int arms();

  /** The probability of each arm in context {@code x} (sums to 1). */
  double[] probabilities(double[] x);

  /** Draws an arm for {@code x}. */
  default int sample(double[] x, NumpyRandom rng) {
    double[] p = probabilities(x);
    double u = rng.random();
    double cum = 0;
    int last = 0;
    for (int a = 0; a < p.length; a++) {
      if (p[a] > 0) {
        last = a;
        cum += p[a];
        if (u < cum) {
          return a;
        }
      }
    }
    return last;
  }

  /** Greedy scores of a frozen model, one per arm (for example a bandit's posterior means). */
  @FunctionalInterface
  interface Scorer {
    double[] scores(double[] x);
  }

  /** Always {@code arm}. */
  static ArmPolicy fixed(String name, int nArms, int arm) {
    if (arm < 0 || arm >= nArms) {
      throw new IllegalArgumentException("arm must be in 0.." + (nArms - 1) + ", got " + arm);
    }
    return new Simple(name, nArms, x -> oneHot(nArms, arm));
  }

  /** Every arm with probability {@code 1 / nArms}. */
  static ArmPolicy uniform(int nArms) {
    double[] p = new double[nArms];
    java.util.Arrays.fill(p, 1.0 / nArms);
    return new Simple("uniform", nArms, x -> p.clone());
  }

  /** The arm with the highest score (first on ties). */
  static ArmPolicy greedy(String name, int nArms, Scorer scorer) {
    return new Simple(name, nArms, x -> oneHot(nArms, argmax(scorer.scores(x))));
  }

  /** With probability {@code 1 - eps} the greedy arm, otherwise a uniform arm (so the greedy arm has {@code 1 - eps + eps/M}). */
  static ArmPolicy epsilonGreedy(String name, int nArms, Scorer scorer, double eps) {
    if (!(eps >= 0 && eps <= 1)) {
      throw new IllegalArgumentException("epsilon must lie in [0, 1], got " + eps);
    }
    return new Simple(name, nArms, x -> {
      double[] p = new double[nArms];
      java.util.Arrays.fill(p, eps / nArms);
      p[argmax(scorer.scores(x))] += 1 - eps;
      return p;
    });
  }

  /** Boltzmann exploration: {@code p_a ~ exp(score_a / tau)}. */
  static ArmPolicy softmax(String name, int nArms, Scorer scorer, double tau) {
    if (!(tau > 0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("softmax temperature must be > 0, got " + tau);
    }
    return new Simple(name, nArms, x -> {
      double[] s = scorer.scores(x);
      double max = Double.NEGATIVE_INFINITY;
      for (double v : s) {
        max = Math.max(max, v);
      }
      double[] p = new double[nArms];
      double z = 0;
      for (int a = 0; a < nArms; a++) {
        p[a] = Math.exp((s[a] - max) / tau);
        z += p[a];
      }
      for (int a = 0; a < nArms; a++) {
        p[a] /= z;
      }
      return p;
    });
  }

  /** The index of the first maximum. */
  static int argmax(double[] s) {
    int best = 0;
    for (int a = 1; a < s.length; a++) {
      if (s[a] > s[best]) {
        best = a;
      }
    }
    return best;
  }

  private static double[] oneHot(int n, int a) {
    double[] p = new double[n];
    p[a] = 1;
    return p;
  }

  /** A policy given by its distribution function. */
  record Simple(String name, int arms, java.util.function.Function<double[], double[]> distribution)
      implements ArmPolicy {
    @Override
    public double[] probabilities(double[] x) {
      return distribution.apply(x);
    }
  }
}
