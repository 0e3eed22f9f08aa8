package io.rlsearch.agents.bandit;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;

/**
 * The neural-linear bandit frozen at a version. Before its representation is trained it plays
 * uniformly at random (the logging phase, propensity {@code 1 / arms}); after, each template's score
 * is LinUCB on learned features: {@code phi = relu(f(x ‖ one-hot(a)))}, the last hidden layer of a
 * network trained to predict the reward, and {@code theta_a . phi + width sqrt(phi^T A_a^-1 phi)} with
 * each template's ridge statistics on those features (ties to the lowest template).
 */
public final class NeuralLinearSnapshot implements PolicySnapshot {
  private final long version;
  private final int arms;
  private final int dim;
  private final Mlp representation;
  private final double[][] theta;
  private final double[][] inverse;
  private final double[][] precision;
  private final double[][] rhs;
  private final double width;

  private NeuralLinearSnapshot(long version, int arms, int dim, Mlp representation, double[][] theta,
      double[][] inverse, double[][] precision, double[][] rhs, double width) {
    this.version = version;
    this.arms = arms;
    this.dim = dim;
    this.representation = representation;
    this.theta = theta;
    this.inverse = inverse;
    this.precision = precision;
    this.rhs = rhs;
    this.width = width;
  }

  /** The logging phase: uniform over {@code arms}, for {@code dim}-dimensional contexts. */
  public static NeuralLinearSnapshot uniform(long version, int arms, int dim) {
    if (arms < 1 || dim < 1) {
      throw new IllegalArgumentException("arms and dim must be >= 1, got " + arms + " and " + dim);
    }
    return new NeuralLinearSnapshot(version, arms, dim, null, null, null, null, null, 0);
  }

  /**
   * LinUCB on learned features.
   *
   * @param representation the network up to the feature layer (its output before the relu)
   * @param theta per template, the ridge estimate on the features
   * @param inverse per template, {@code A^-1} row-major
   * @param precision per template, {@code A} row-major (for a learner restored from this snapshot)
   * @param rhs per template, {@code b}
   * @param width the bonus's width, in reward units
   */
  public static NeuralLinearSnapshot linear(long version, int arms, Mlp representation, double[][] theta,
      double[][] inverse, double[][] precision, double[][] rhs, double width) {
    int f = representation.outputs();
    if (theta.length != arms || inverse.length != arms || precision.length != arms || rhs.length != arms) {
      throw new IllegalArgumentException("one head per template is needed");
    }
    for (int a = 0; a < arms; a++) {
      if (theta[a].length != f || inverse[a].length != f * f || precision[a].length != f * f || rhs[a].length != f) {
        throw new IllegalArgumentException("template " + a + "'s head does not fit " + f + " features");
      }
    }
    return new NeuralLinearSnapshot(version, arms, representation.inputs() - arms, representation, deep(theta),
        deep(inverse), deep(precision), deep(rhs), width);
  }

  /** Templates. */
  public int arms() {
    return arms;
  }

  /** Context dimension. */
  public int dim() {
    return dim;
  }

  /** The representation (null in the logging phase). */
  public Mlp representation() {
    return representation;
  }

  /** Template {@code a}'s {@code A} (a copy). */
  public double[] precision(int a) {
    return precision[a].clone();
  }

  /** Template {@code a}'s {@code b} (a copy). */
  public double[] rhs(int a) {
    return rhs[a].clone();
  }

  /** The bonus's width. */
  public double width() {
    return width;
  }

  private static double[][] deep(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  /** Whether the representation is trained (false in the logging phase). */
  public boolean trained() {
    return representation != null;
  }

  @Override
  public String agent() {
    return "neural_linear";
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public PolicySnapshot greedy() {
    return trained() ? new NeuralLinearSnapshot(version, arms, dim, representation, theta, inverse, precision, rhs, 0)
        : this;
  }

  /** The learned features of {@code x} with template {@code a}: {@code relu(f(x ‖ one-hot(a)))}. */
  public static double[] features(Mlp representation, double[] x, int a, int arms) {
    float[] in = new float[x.length + arms];
    for (int i = 0; i < x.length; i++) {
      in[i] = (float) x[i];
    }
    in[x.length + a] = 1f;
    float[] out = representation.forward(in);
    double[] phi = new double[out.length];
    for (int i = 0; i < out.length; i++) {
      phi[i] = Math.max(out[i], 0f);
    }
    return phi;
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    if (!trained()) {
      return Decision.arm((int) rng.integers(0, arms), 1.0 / arms);
    }
    int f = representation.outputs();
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int a = 0; a < arms; a++) {
      double[] phi = features(representation, x, a, arms);
      double mean = 0;
      double quad = 0;
      for (int i = 0; i < f; i++) {
        mean += theta[a][i] * phi[i];
        double row = 0;
        for (int j = 0; j < f; j++) {
          row += inverse[a][i * f + j] * phi[j];
        }
        quad += phi[i] * row;
      }
      double s = mean + width * Math.sqrt(Math.max(quad, 0));
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    return Decision.arm(best, 1.0);
  }
}
