package io.rlsearch.agents.continuous;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;

/**
 * A Gaussian policy frozen at a version: {@code a ~ N(mu(x), diag(std^2))} with {@code mu}
 * an MLP and a state-independent {@code std = exp(clamp(log_std, -2, 1))}. Actions are not squashed
 * or clipped (the environment clips), as the reference. The logged propensity is the density of the
 * sampled action.
 */
public final class GaussianPolicySnapshot implements PolicySnapshot {
  private final String agent;
  private final long version;
  private final Mlp mu;
  private final double[] logStd;

  /** A snapshot with mean network {@code mu} and log-stds {@code logStd}. */
  public GaussianPolicySnapshot(String agent, long version, Mlp mu, double[] logStd) {
    if (mu.outputs() != logStd.length) {
      throw new IllegalArgumentException("mean network has " + mu.outputs() + " outputs, log-std has " + logStd.length);
    }
    this.agent = agent;
    this.version = version;
    this.mu = mu;
    this.logStd = logStd.clone();
  }

  /** The mean network. */
  public Mlp mu() {
    return mu;
  }

  /** The log-stds (unclamped parameters). */
  public double[] logStd() {
    return logStd.clone();
  }

  /** The std actually used: {@code exp(clamp(log_std, -2, 1))}. */
  public static double std(double logStd) {
    return Math.exp(Math.max(-2, Math.min(1, logStd)));
  }

  @Override
  public String agent() {
    return agent;
  }

  @Override
  public long version() {
    return version;
  }

  /** The mean action for {@code x}. */
  public double[] mean(double[] x) {
    float[] in = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      in[i] = (float) x[i];
    }
    float[] m = mu.forward(in);
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i];
    }
    return out;
  }

  /** {@code log pi(a | x)}: the log density of action {@code a} for context {@code x}. */
  public double logDensity(double[] x, double[] a) {
    double[] m = mean(x);
    if (a.length != m.length) {
      throw new IllegalArgumentException("action has " + a.length + " values, the policy " + m.length);
    }
    double out = 0;
    for (int d = 0; d < m.length; d++) {
      double s = std(logStd[d]);
      double z = (a[d] - m[d]) / s;
      out += -0.5 * z * z - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    }
    return out;
  }

  @Override
  public PolicySnapshot greedy() {
    GaussianPolicySnapshot self = this;
    return new PolicySnapshot() {
      @Override
      public String agent() {
        return self.agent();
      }

      @Override
      public long version() {
        return self.version();
      }

      @Override
      public Decision act(double[] x, NumpyRandom rng) {
        // The mean action; a point mass has no density, so the decision logs 1 as the deterministic policies do.
        return Decision.continuous(self.mean(x), 1.0);
      }
    };
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    return sample(mean(x), rng);
  }

  /**
   * The decision for a context whose mean action is {@code m} (computed here or by a batched forward
   * pass elsewhere): {@code a = m + std * z} with {@code z} drawn from {@code rng}, and its density.
   */
  public Decision sample(double[] m, NumpyRandom rng) {
    if (m.length != logStd.length) {
      throw new IllegalArgumentException("mean has " + m.length + " values, the policy " + logStd.length);
    }
    double[] a = new double[m.length];
    double logDensity = 0;
    for (int d = 0; d < m.length; d++) {
      double s = std(logStd[d]);
      double z = rng.standardNormal();
      a[d] = m[d] + s * z;
      logDensity += -0.5 * z * z - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    }
    // A density below the smallest double is still a valid (tiny) density: keep it positive.
    return Decision.continuous(a, Math.max(Math.exp(logDensity), Double.MIN_NORMAL));
  }
}
