package io.rlsearch.agents.continuous;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;

/**
 * A deterministic policy: an actor network's output clipped to {@code [-aMax, aMax]} (IQL's and
 * TD3+BC's extracted policies). It draws nothing; a point mass has no density, so the logged
 * propensity is 1 (a marker, as for the other deterministic continuous policies).
 */
public final class DeterministicPolicySnapshot implements PolicySnapshot {
  private final String agent;
  private final long version;
  private final Mlp actor;
  private final double aMax;

  /** The policy {@code clip(actor(x))}. */
  public DeterministicPolicySnapshot(String agent, long version, Mlp actor, double aMax) {
    if (!(aMax > 0)) {
      throw new IllegalArgumentException("a_max must be > 0, got " + aMax);
    }
    this.agent = agent;
    this.version = version;
    this.actor = actor;
    this.aMax = aMax;
  }

  /** The same policy under another version number. */
  public DeterministicPolicySnapshot withVersion(long v) {
    return new DeterministicPolicySnapshot(agent, v, actor, aMax);
  }

  /** The actor. */
  public Mlp actor() {
    return actor;
  }

  /** The action box. */
  public double aMax() {
    return aMax;
  }

  /** The action for context {@code x}. */
  public double[] action(double[] x) {
    float[] in = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      in[i] = (float) x[i];
    }
    float[] out = actor.forward(in);
    double[] a = new double[out.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.max(-aMax, Math.min(aMax, out[i]));
    }
    return a;
  }

  @Override
  public String agent() {
    return agent;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    return Decision.continuous(action(x), 1.0);
  }
}
