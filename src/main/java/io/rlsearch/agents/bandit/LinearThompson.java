package io.rlsearch.agents.bandit;

import io.rlsearch.core.random.NumpyRandom;

/**
 * Linear Thompson sampling (Agrawal and Goyal, 2013,
 * <a href="https://arxiv.org/abs/1209.3352">arXiv:1209.3352</a>) in precision form: each arm keeps
 * {@code P_a = lambda I + sigma^-2 sum(x x^T)} and {@code b_a = sigma^-2 sum(r x)}; a selection draws
 * {@code theta~_a = theta_a + L_a^-T z} with {@code z ~ N(0, I)} for every arm in order and plays the
 * arm whose draw scores {@code x} highest.
 *
 * <p>As the reference ({@code zoosim/policies/thompson_sampling.py}): the sampler is the
 * policy's own numpy generator, drawing {@code standard_normal(d)} per arm in arm order, and the
 * posterior covariance is {@code P_a^-1} (not scaled by sigma^2). With {@code sigma = 1} the posterior
 * mean equals LinUCB's ridge estimate on the same data. Use it when randomised exploration is wanted
 * (its selection propensities are then well defined, which helps off-policy evaluation).
 */
public final class LinearThompson implements ContextualBandit {
  /**
   * Hyper-parameters.
   *
   * @param lambda prior precision (reference default 1.0)
   * @param sigma reward noise scale; observations are weighted by {@code sigma^-2} (reference default 1.0)
   */
  public record Settings(double lambda, double sigma) {
    public Settings {
      if (!(lambda > 0) || Double.isInfinite(lambda)) {
        throw new IllegalArgumentException("Thompson sampling lambda must be > 0, got " + lambda);
      }
      if (!(sigma > 0) || Double.isInfinite(sigma)) {
        throw new IllegalArgumentException("Thompson sampling sigma must be > 0, got " + sigma);
      }
    }

    /** The reference's defaults: lambda 1, sigma 1. */
    public static Settings defaults() {
      return new Settings(1.0, 1.0);
    }
  }

  private final Settings settings;
  private final RidgeArm[] arms;
  private final long[] counts;
  private final NumpyRandom rng;
  private final double[] z;

  /** A fresh sampler over {@code nArms} arms and {@code dim}-dimensional contexts, drawing from {@code rng}. */
  public LinearThompson(int nArms, int dim, Settings settings, NumpyRandom rng) {
    if (nArms < 1) {
      throw new IllegalArgumentException("Thompson sampling needs at least one arm, got " + nArms);
    }
    this.settings = settings;
    this.rng = rng;
    this.arms = new RidgeArm[nArms];
    for (int a = 0; a < nArms; a++) {
      arms[a] = new RidgeArm(dim, settings.lambda());
    }
    this.counts = new long[nArms];
    this.z = new double[dim];
  }

  @Override
  public int arms() {
    return arms.length;
  }

  @Override
  public int dim() {
    return arms[0].dim();
  }

  @Override
  public int select(double[] x) {
    if (x.length != z.length) {
      throw new IllegalArgumentException("feature vector must have " + z.length + " values, got " + x.length);
    }
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int a = 0; a < arms.length; a++) {
      for (int i = 0; i < z.length; i++) {
        z[i] = rng.standardNormal();
      }
      double s = arms[a].sampledScore(z, x);
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    counts[best]++;
    return best;
  }

  @Override
  public void update(int arm, double[] x, double reward) {
    checkArm(arm);
    double w = 1.0 / (settings.sigma() * settings.sigma());
    arms[arm].update(x, reward, w);
  }

  @Override
  public double[] meanScores(double[] x) {
    double[] out = new double[arms.length];
    for (int a = 0; a < arms.length; a++) {
      out[a] = arms[a].dotTheta(x);
    }
    return out;
  }

  /** Arm {@code a}'s posterior mean (a copy). */
  public double[] theta(int a) {
    checkArm(a);
    return arms[a].theta();
  }

  /** Arm {@code a}'s posterior precision {@code P_a} (row-major copy). */
  public double[] precision(int a) {
    checkArm(a);
    return arms[a].precision();
  }

  @Override
  public BanditDiagnostics diagnostics() {
    return BanditDiagnostics.of(arms, counts, Double.NaN);
  }

  private void checkArm(int a) {
    if (a < 0 || a >= arms.length) {
      throw new IllegalArgumentException("arm must be in 0.." + (arms.length - 1) + ", got " + a);
    }
  }
}
