package io.rlsearch.agents.bandit;

/**
 * Disjoint LinUCB (Li et al., 2010, <a href="https://arxiv.org/abs/1003.0146">arXiv:1003.0146</a>):
 * one ridge regression per arm and the arm with the largest upper confidence bound
 * {@code theta_a . x + alpha_t sqrt(x^T A_a^-1 x)}.
 *
 * <p>As the reference ({@code zoosim/policies/lin_ucb.py}): {@code A_a = lambda I} at the
 * start, the step counter advances on every {@link #select}, and with {@code adaptiveAlpha} the width
 * is {@code alpha sqrt(ln(1 + t))}; ties (bounds within a relative {@link #TIE_TOLERANCE}, equal but
 * for rounding) go to the lowest arm. Use it when the reward is roughly
 * linear in the context per arm and exploration should be deterministic.
 */
public final class LinUcb implements ContextualBandit {
  /**
   * Hyper-parameters.
   *
   * @param lambda ridge prior precision (reference default 1.0)
   * @param alpha confidence width (reference default 1.0)
   * @param adaptiveAlpha grow the width as {@code alpha sqrt(ln(1 + t))} (reference default false; the
   *     Chapter-6 protocol turns it on)
   */
  public record Settings(double lambda, double alpha, boolean adaptiveAlpha) {
    public Settings {
      if (!(lambda > 0) || Double.isInfinite(lambda)) {
        throw new IllegalArgumentException("LinUCB lambda must be > 0, got " + lambda);
      }
      if (!(alpha >= 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("LinUCB alpha must be >= 0, got " + alpha);
      }
    }

    /** The reference's defaults: lambda 1, alpha 1, fixed width. */
    public static Settings defaults() {
      return new Settings(1.0, 1.0, false);
    }
  }

  /**
   * Relative difference below which two upper confidence bounds are a tie. Rounding differs by a few
   * ulps (1e-16 relative) between solvers; real differences between arms are many orders larger.
   */
  static final double TIE_TOLERANCE = 1e-12;

  private final Settings settings;
  private final RidgeArm[] arms;
  private final long[] counts;
  private long t;

  /** A fresh LinUCB over {@code nArms} arms and {@code dim}-dimensional contexts. */
  public LinUcb(int nArms, int dim, Settings settings) {
    if (nArms < 1) {
      throw new IllegalArgumentException("LinUCB needs at least one arm, got " + nArms);
    }
    this.settings = settings;
    this.arms = new RidgeArm[nArms];
    for (int a = 0; a < nArms; a++) {
      arms[a] = new RidgeArm(dim, settings.lambda());
    }
    this.counts = new long[nArms];
  }

  @Override
  public int arms() {
    return arms.length;
  }

  @Override
  public int dim() {
    return arms[0].dim();
  }

  /** Steps taken (calls to {@link #select}). */
  public long steps() {
    return t;
  }

  /** The current width: {@code alpha sqrt(ln(1 + t))} when adaptive (alpha itself before the first step). */
  public double currentAlpha() {
    if (!settings.adaptiveAlpha() || t == 0) {
      return settings.alpha();
    }
    return settings.alpha() * Math.sqrt(Math.log1p(t));
  }

  @Override
  public int select(double[] x) {
    t++;
    double width = currentAlpha();
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int a = 0; a < arms.length; a++) {
      double s = arms[a].dotTheta(x) + width * Math.sqrt(Math.max(arms[a].quadraticForm(x), 0));
      // Scores equal in exact arithmetic (arms whose statistics give the same bound for this context)
      // differ only by rounding, which depends on how the ridge system is solved: within TIE_TOLERANCE
      // they are a tie, and a tie goes to the lowest arm.
      if (a == 0 || s > bestScore + TIE_TOLERANCE * Math.max(1.0, Math.abs(bestScore))) {
        bestScore = s;
        best = a;
      }
    }
    counts[best]++;
    return best;
  }

  /** The upper confidence bound of every arm at the current width, without taking a step. */
  public double[] ucbScores(double[] x) {
    double width = currentAlpha();
    double[] out = new double[arms.length];
    for (int a = 0; a < arms.length; a++) {
      out[a] = arms[a].dotTheta(x) + width * Math.sqrt(Math.max(arms[a].quadraticForm(x), 0));
    }
    return out;
  }

  @Override
  public void update(int arm, double[] x, double reward) {
    checkArm(arm);
    arms[arm].update(x, reward, 1.0);
  }

  @Override
  public double[] meanScores(double[] x) {
    double[] out = new double[arms.length];
    for (int a = 0; a < arms.length; a++) {
      out[a] = arms[a].dotTheta(x);
    }
    return out;
  }

  /** Arm {@code a}'s ridge estimate (a copy). */
  public double[] theta(int a) {
    checkArm(a);
    return arms[a].theta();
  }

  /** Arm {@code a}'s design matrix {@code A_a} (row-major copy). */
  public double[] designMatrix(int a) {
    checkArm(a);
    return arms[a].precision();
  }

  /** Arm {@code a}'s response vector {@code b_a} (a copy). */
  public double[] response(int a) {
    checkArm(a);
    return arms[a].rhs();
  }

  @Override
  public BanditDiagnostics diagnostics() {
    return BanditDiagnostics.of(arms, counts, currentAlpha());
  }

  private void checkArm(int a) {
    if (a < 0 || a >= arms.length) {
      throw new IllegalArgumentException("arm must be in 0.." + (arms.length - 1) + ", got " + a);
    }
  }
}
