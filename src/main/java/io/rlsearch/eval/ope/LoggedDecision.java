package io.rlsearch.eval.ope;

import java.util.Arrays;
import java.util.Objects;

/**
 * One decision as a policy logs it: what it saw, what it did, how likely that was, and what came of it.
 *
 * <p>A discrete decision (a template, an arm) has {@code arm >= 0} and an empty {@code action}; a
 * continuous one (boost weights) has {@code arm = -1} and the action vector. {@code propensity} is the
 * behaviour policy's probability of the logged arm (a density for a continuous action).
 * {@code probabilities}, when the behaviour policy is discrete and known, holds its whole distribution
 * over arms (estimators such as SWITCH use it); it may be empty. A multi-step episode logs one
 * decision per step with the same {@code episode} and increasing {@code step}; {@code done} marks the
 * last.
 *
 * @param policy behaviour policy id
 * @param version behaviour policy version
 * @param episode episode id
 * @param step step within the episode (0 for single-step environments)
 * @param context the context features the policy saw
 * @param arm the arm played, or -1 for a continuous action
 * @param action the continuous action (empty for discrete decisions)
 * @param propensity the behaviour policy's probability (or density) of what it did
 * @param probabilities the behaviour policy's distribution over arms (empty if unknown or continuous)
 * @param reward the scalar reward
 * @param done whether the episode ended after this decision
 * @param outcome the reward's parts and counts
 */
public record LoggedDecision(String policy, long version, long episode, int step, double[] context, int arm,
    double[] action, double propensity, double[] probabilities, double reward, boolean done, Outcome outcome) {

  /** What a session produced. */
  public record Outcome(double gmv, double cm2, double strat, double clicks, double orders) {
    /** Nothing. */
    public static final Outcome NONE = new Outcome(0, 0, 0, 0, 0);
  }

  public LoggedDecision {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(outcome, "outcome");
    context = Objects.requireNonNull(context, "context").clone();
    action = action == null ? new double[0] : action.clone();
    probabilities = probabilities == null ? new double[0] : probabilities.clone();
    if (arm < -1) {
      throw new IllegalArgumentException("arm must be >= 0, or -1 for a continuous action; got " + arm);
    }
    if (arm == -1 && action.length == 0) {
      throw new IllegalArgumentException("a continuous decision (arm -1) needs its action vector");
    }
    if (!(propensity >= 0) || Double.isInfinite(propensity)) {
      throw new IllegalArgumentException("propensity must be a finite number >= 0, got " + propensity);
    }
    if (probabilities.length > 0 && arm >= probabilities.length) {
      throw new IllegalArgumentException("arm " + arm + " outside the " + probabilities.length + " logged probabilities");
    }
    if (Double.isNaN(reward)) {
      throw new IllegalArgumentException("reward is NaN");
    }
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
  }

  @Override
  public double[] context() {
    return context.clone();
  }

  @Override
  public double[] action() {
    return action.clone();
  }

  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  /** The context without a copy; callers must not modify it. */
  double[] contextRef() {
    return context;
  }

  double[] actionRef() {
    return action;
  }

  double[] probabilitiesRef() {
    return probabilities;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoggedDecision d && policy.equals(d.policy) && version == d.version && episode == d.episode
        && step == d.step && Arrays.equals(context, d.context) && arm == d.arm && Arrays.equals(action, d.action)
        && Double.compare(propensity, d.propensity) == 0 && Arrays.equals(probabilities, d.probabilities)
        && Double.compare(reward, d.reward) == 0 && done == d.done && outcome.equals(d.outcome);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, version, episode, step, Arrays.hashCode(context), arm, Arrays.hashCode(action),
        propensity, reward, done);
  }

  @Override
  public String toString() {
    return "LoggedDecision[policy=" + policy + ", version=" + version + ", episode=" + episode + ", step=" + step
        + ", arm=" + arm + ", propensity=" + propensity + ", reward=" + reward + ", done=" + done + "]";
  }
}
