package io.rlsearch.agents.pg;

/**
 * Advantage and value-target estimates for one trajectory (a user's sessions in order), pure math.
 *
 * <p>{@link #vtraceGae} is generalised advantage estimation with truncated importance weights: with
 * {@code rho_t = min(rhoBar, pi(a_t|x_t) / mu(a_t|x_t))} (target over behaviour policy) and traces
 * {@code c_t = lambda * min(cBar, pi/mu)}, the value targets {@code v_t} are V-trace's (Espeholt et
 * al., 2018, with lambda) and the advantages are {@code v_t - V(x_t)}: the TD errors weighted by
 * {@code rho_t} and the later ones by the product of traces. When every ratio is 1 (on-policy) the
 * advantages are exactly GAE(gamma, lambda) and the targets GAE's lambda-returns ({@link #gae}).
 */
public final class Advantages {
  private Advantages() {}

  /**
   * Advantages and value targets.
   *
   * @param advantages one per step
   * @param targets value-function targets, one per step
   */
  public record Estimates(double[] advantages, double[] targets) {
    public Estimates {
      advantages = advantages.clone();
      targets = targets.clone();
    }

    @Override
    public double[] advantages() {
      return advantages.clone();
    }

    @Override
    public double[] targets() {
      return targets.clone();
    }
  }

  /**
   * GAE(gamma, lambda) of one trajectory.
   *
   * @param rewards r_0..r_{T-1}
   * @param values V(x_0)..V(x_{T-1})
   * @param bootstrap V(x_T) if the trajectory was cut off, 0 if it ended
   */
  public static Estimates gae(double[] rewards, double[] values, double bootstrap, double gamma, double lambda) {
    double[] ones = new double[rewards.length];
    java.util.Arrays.fill(ones, 1.0);
    return vtraceGae(rewards, values, ones, bootstrap, gamma, lambda, 1.0, 1.0);
  }

  /**
   * V-trace targets and advantages of one trajectory.
   *
   * @param rewards r_0..r_{T-1}
   * @param values V(x_0)..V(x_{T-1})
   * @param ratios pi(a_t|x_t) / mu(a_t|x_t), target over behaviour
   * @param bootstrap V(x_T) if the trajectory was cut off, 0 if it ended
   * @param gamma discount in [0, 1]
   * @param lambda trace decay in [0, 1]
   * @param rhoBar truncation of the TD-error weights (>= cBar)
   * @param cBar truncation of the traces
   */
  public static Estimates vtraceGae(double[] rewards, double[] values, double[] ratios, double bootstrap, double gamma,
      double lambda, double rhoBar, double cBar) {
    int n = rewards.length;
    if (values.length != n || ratios.length != n) {
      throw new IllegalArgumentException("rewards, values and ratios need one entry per step; got " + n + ", "
          + values.length + ", " + ratios.length);
    }
    if (!(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1) || !(cBar > 0) || !(rhoBar >= cBar)) {
      throw new IllegalArgumentException("need gamma and lambda in [0, 1] and rhoBar >= cBar > 0; got gamma " + gamma
          + ", lambda " + lambda + ", rhoBar " + rhoBar + ", cBar " + cBar);
    }
    double[] vs = new double[n];
    double[] adv = new double[n];
    // Backward recursion: vs_t - V_t = rho_t delta_t + gamma c_t (vs_{t+1} - V_{t+1}).
    double nextDiff = 0;
    double nextValue = bootstrap;
    for (int t = n - 1; t >= 0; t--) {
      if (!(ratios[t] >= 0) || Double.isInfinite(ratios[t])) {
        throw new IllegalArgumentException("importance ratio must be finite and >= 0, got " + ratios[t] + " at step " + t);
      }
      double rho = Math.min(rhoBar, ratios[t]);
      double c = lambda * Math.min(cBar, ratios[t]);
      double delta = rewards[t] + gamma * nextValue - values[t];
      adv[t] = rho * delta + gamma * c * nextDiff;
      vs[t] = values[t] + adv[t];
      nextDiff = adv[t];
      nextValue = values[t];
    }
    return new Estimates(adv, vs);
  }
}
