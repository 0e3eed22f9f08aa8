package io.rlsearch.agents.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a policy decided, with how likely it was under that policy.
 *
 * <p>A discrete decision names an arm ({@code arm >= 0}; for weight tasks the environment maps it to
 * that arm's weight vector) and its probability. A continuous decision carries the action vector
 * ({@code arm = -1}) and its density under the policy (which may exceed 1).
 *
 * @param arm the arm, or -1 for a continuous action
 * @param action the continuous action (empty for an arm)
 * @param propensity the probability of the arm, or the density of the action
 */
public record Decision(int arm, double[] action, double propensity) {
  public Decision {
    action = action == null ? new double[0] : action.clone();
    if (arm < -1 || (arm == -1 && action.length == 0) || (arm >= 0 && action.length > 0)) {
      throw new IllegalArgumentException("a decision is an arm >= 0 without an action vector, or arm -1 with one;"
          + " got arm " + arm + " and " + action.length + " action values");
    }
    if (!(propensity > 0) || Double.isInfinite(propensity) || (arm >= 0 && propensity > 1)) {
      throw new IllegalArgumentException("propensity must be a probability in (0, 1] for an arm or a finite density"
          + " > 0 for an action; got " + propensity);
    }
  }

  /** Arm {@code arm} with probability {@code p}. */
  public static Decision arm(int arm, double p) {
    return new Decision(arm, null, p);
  }

  /** Continuous action {@code a} with density {@code density}. */
  public static Decision continuous(double[] a, double density) {
    return new Decision(-1, a, density);
  }

  /** The decision a transition records. */
  public static Decision of(io.rlsearch.core.Transition t) {
    return new Decision(t.arm(), t.arm() >= 0 ? null : t.action(), t.propensity());
  }

  /** Whether this is a continuous action. */
  public boolean continuous() {
    return arm < 0;
  }

  @Override
  public double[] action() {
    return action.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Decision d && arm == d.arm && Arrays.equals(action, d.action)
        && Double.compare(propensity, d.propensity) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(arm, Arrays.hashCode(action), propensity);
  }

  @Override
  public String toString() {
    return arm >= 0 ? "Decision[arm=" + arm + ", p=" + propensity + "]"
        : "Decision[action=" + Arrays.toString(action) + ", density=" + propensity + "]";
  }
}
