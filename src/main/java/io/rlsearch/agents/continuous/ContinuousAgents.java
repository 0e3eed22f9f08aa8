package io.rlsearch.agents.continuous;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;

/** The fixed continuous policies of the Battle Royale: a constant weight vector, and uniform random weights. */
public final class ContinuousAgents {
  private ContinuousAgents() {}

  /** Always the weight vector {@code weights} (zeros: rank by base relevance, the "Static (neutral)" agent). */
  public static AgentBuilder constant(String name, double[] weights) {
    double[] w = weights.clone();
    return fixed(name, version -> new PolicySnapshot() {
      @Override
      public String agent() {
        return name;
      }

      @Override
      public long version() {
        return version;
      }

      @Override
      public Decision act(double[] x, NumpyRandom rng) {
        return Decision.continuous(w, 1.0);
      }
    });
  }

  /** Uniform weights in {@code [-aMax, aMax]^dim}, drawn from the episode's stream; density {@code (2 aMax)^-dim}. */
  public static AgentBuilder uniform(String name, int dim, double aMax) {
    double density = Math.pow(2 * aMax, -dim);
    return fixed(name, version -> new PolicySnapshot() {
      @Override
      public String agent() {
        return name;
      }

      @Override
      public long version() {
        return version;
      }

      @Override
      public Decision act(double[] x, NumpyRandom rng) {
        double[] a = new double[dim];
        for (int d = 0; d < dim; d++) {
          a[d] = rng.uniform(-aMax, aMax);
        }
        return Decision.continuous(a, density);
      }
    });
  }

  /**
   * A mixture of behaviour policies, each component equally likely per decision: {@code null} is the
   * uniform policy on {@code [-aMax, aMax]^dim}; a vector {@code c} is a Gaussian {@code N(c, sigma^2 I)}
   * (unclipped: the environment clips to the box, so the logged action keeps its exact density). The
   * logged density is the mixture's, {@code mean_c density_c(a)}, exact for off-policy evaluation.
   */
  public static AgentBuilder mixture(String name, java.util.List<double[]> components, int dim, double sigma,
      double aMax) {
    if (components.isEmpty() || !(sigma > 0) || !(aMax > 0)) {
      throw new IllegalArgumentException("a mixture needs components, sigma > 0 and a_max > 0");
    }
    java.util.List<double[]> cs = new java.util.ArrayList<>();
    for (double[] c : components) {
      if (c != null && c.length != dim) {
        throw new IllegalArgumentException("a component centre needs " + dim + " values, got " + c.length);
      }
      cs.add(c == null ? null : c.clone());
    }
    double uniform = Math.pow(2 * aMax, -dim);
    double logNorm = -0.5 * dim * Math.log(2 * Math.PI * sigma * sigma);
    return fixed(name, version -> new PolicySnapshot() {
      @Override
      public String agent() {
        return name;
      }

      @Override
      public long version() {
        return version;
      }

      @Override
      public Decision act(double[] x, NumpyRandom rng) {
        double[] c = cs.get((int) rng.integers(0, cs.size()));
        double[] a = new double[dim];
        for (int d = 0; d < dim; d++) {
          a[d] = c == null ? rng.uniform(-aMax, aMax) : c[d] + sigma * rng.standardNormal();
        }
        double density = 0;
        for (double[] k : cs) {
          if (k == null) {
            boolean inside = true;
            for (double v : a) {
              inside &= v >= -aMax && v <= aMax;
            }
            density += inside ? uniform : 0;
          } else {
            double ss = 0;
            for (int d = 0; d < dim; d++) {
              ss += (a[d] - k[d]) * (a[d] - k[d]);
            }
            density += Math.exp(logNorm - ss / (2 * sigma * sigma));
          }
        }
        return Decision.continuous(a, Math.max(density / cs.size(), Double.MIN_NORMAL));
      }
    });
  }

  /** A frozen policy: {@code policy} at every version, learning nothing (an offline-trained agent). */
  public static AgentBuilder frozen(String name, java.util.function.LongFunction<PolicySnapshot> policy) {
    return fixed(name, policy::apply);
  }

  private interface Factory {
    PolicySnapshot make(long version);
  }

  private static AgentBuilder fixed(String name, Factory f) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new UpdateRule() {
          @Override
          public void observe(double[] context, Decision decision, double reward) {
            // A fixed policy learns nothing.
          }

          @Override
          public PolicySnapshot snapshot(long version) {
            return f.make(version);
          }

          @Override
          public boolean learns() {
            return false;
          }

          @Override
          public java.util.Optional<io.rlsearch.agents.spi.AgentState> state() {
            return java.util.Optional.of(new io.rlsearch.agents.spi.AgentState(name, java.util.Map.of(), java.util.Map.of()));
          }
        };
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return create(0, 0);
      }

      @Override
      public UpdateRule restoreState(io.rlsearch.agents.spi.AgentState state) {
        if (!state.agent().equals(name)) {
          throw new IllegalArgumentException("the state is agent '" + state.agent() + "''s, not '" + name + "''s");
        }
        return create(0, 0);
      }
    };
  }
}
