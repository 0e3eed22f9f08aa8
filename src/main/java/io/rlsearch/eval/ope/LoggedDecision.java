package io.rlsearch.eval.ope;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One decision as a policy logs it: what it saw, what it did, how likely that was, and what came of it.
 *
 * <p>A discrete decision (a template, an arm) has {@code arm >= 0} and an empty {@code action}; a
 * continuous one (boost weights) has {@code arm = -1} and the action vector; a slate policy's has
 * {@code arm = -1}, its {@link Slate} and an empty action (the slate says what it did).
 * {@code propensity} is the behaviour policy's probability of the logged arm (a density for a
 * continuous action, a ranking's probability for a slate).
 * {@code probabilities}, when the behaviour policy is discrete and known, holds its whole distribution
 * over arms (estimators such as SWITCH use it); it may be empty. A multi-step episode logs one
 * decision per step with the same {@code episode} and increasing {@code step}; {@code done} marks the
 * last.
 *
 * <p>{@code propensityOf} says what {@code propensity} is of, so an estimator tells a density from a
 * probability and an arm's probability from a ranking's: {@link #ARM}, {@link #WEIGHTS},
 * {@link #RANKING}, {@link #EXPLORATION} or {@link #DETERMINISTIC} (as the serving API's
 * {@code propensity_of}). A decision of a policy that scores every candidate (a slate policy) also
 * carries its {@link Slate}: the candidates as the request gave them and the ranking returned, what
 * evaluating another slate policy on the log needs.
 *
 * @param policy behaviour policy id
 * @param version behaviour policy version
 * @param episode episode id
 * @param step step within the episode (0 for single-step environments)
 * @param context the context features the policy saw
 * @param arm the arm played, or -1 for a continuous action
 * @param action the continuous action (empty for discrete and slate decisions)
 * @param propensity the behaviour policy's probability (or density) of what it did
 * @param probabilities the behaviour policy's distribution over arms (empty if unknown or continuous)
 * @param reward the scalar reward
 * @param done whether the episode ended after this decision
 * @param outcome the reward's parts and counts
 * @param propensityOf what {@code propensity} is of (one of {@link #PROPENSITY_KINDS})
 * @param slate the candidates and the ranking of a slate policy's decision; null for any other
 */
public record LoggedDecision(String policy, long version, long episode, int step, double[] context, int arm,
    double[] action, double propensity, double[] probabilities, double reward, boolean done, Outcome outcome,
    String propensityOf, @JsonInclude(JsonInclude.Include.NON_NULL) Slate slate) {

  /** The propensity is the chosen arm's (a template's) probability. */
  public static final String ARM = "arm";
  /** The propensity is the density of the continuous action (a boost-weight vector). */
  public static final String WEIGHTS = "weights";
  /** The propensity is the returned ranking's probability (DiffRank's Plackett-Luce sampling). */
  public static final String RANKING = "ranking";
  /**
   * The propensity is the probability of the exploration branch taken (SlateQ: {@code 1 - epsilon} or
   * {@code epsilon}), not the ranking's.
   */
  public static final String EXPLORATION = "exploration";
  /** The policy does not explore: the propensity is 1. */
  public static final String DETERMINISTIC = "deterministic";
  /** Every accepted {@code propensityOf}. */
  public static final Set<String> PROPENSITY_KINDS = Set.of(ARM, WEIGHTS, RANKING, EXPLORATION, DETERMINISTIC);

  /**
   * What the propensity of a decision logged without {@code propensityOf} (a log written before the
   * field) is taken to be of: {@link #ARM} for a discrete decision, {@link #WEIGHTS} for a continuous
   * one.
   */
  public static String defaultPropensityOf(int arm) {
    return arm >= 0 ? ARM : WEIGHTS;
  }

  /**
   * The candidates of a slate policy's decision and the ranking it returned (its probability is the
   * decision's {@code propensity}, of what {@code propensityOf} says).
   *
   * @param features the candidate features' names, in the schema's order (each row's columns)
   * @param ids the candidates' ids, in the request's order
   * @param baseScores the candidates' base scores, as the request gave them
   * @param rows each candidate's features as the request gave them (not z-scored), in {@code features}' order
   * @param ranking the returned candidates' indices into {@code ids}, best first
   */
  public record Slate(List<String> features, List<String> ids, double[] baseScores, double[][] rows, int[] ranking) {
    public Slate {
      features = List.copyOf(features);
      ids = List.copyOf(ids);
      baseScores = Objects.requireNonNull(baseScores, "baseScores").clone();
      int n = ids.size();
      if (n == 0 || baseScores.length != n || rows == null || rows.length != n) {
        throw new IllegalArgumentException("a slate needs as many ids, base scores and feature rows, at least one; got "
            + n + " ids, " + baseScores.length + " base scores, " + (rows == null ? 0 : rows.length) + " rows");
      }
      double[][] r = new double[n][];
      for (int i = 0; i < n; i++) {
        if (rows[i] == null || rows[i].length != features.size()) {
          throw new IllegalArgumentException("slate row " + i + " needs " + features.size() + " features (one per"
              + " name in 'features'), got " + (rows[i] == null ? 0 : rows[i].length));
        }
        r[i] = rows[i].clone();
      }
      rows = r;
      ranking = Objects.requireNonNull(ranking, "ranking").clone();
      if (ranking.length == 0 || ranking.length > n) {
        throw new IllegalArgumentException("a slate's ranking has 1.." + n + " candidates, got " + ranking.length);
      }
      boolean[] seen = new boolean[n];
      for (int i : ranking) {
        if (i < 0 || i >= n || seen[i]) {
          throw new IllegalArgumentException("a slate's ranking holds distinct indices in 0.." + (n - 1) + ", got "
              + Arrays.toString(ranking));
        }
        seen[i] = true;
      }
    }

    @Override
    public double[] baseScores() {
      return baseScores.clone();
    }

    @Override
    public double[][] rows() {
      double[][] r = new double[rows.length][];
      for (int i = 0; i < r.length; i++) {
        r[i] = rows[i].clone();
      }
      return r;
    }

    @Override
    public int[] ranking() {
      return ranking.clone();
    }

    /** Candidates. */
    public int size() {
      return ids.size();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Slate s && features.equals(s.features) && ids.equals(s.ids)
          && Arrays.equals(baseScores, s.baseScores) && Arrays.deepEquals(rows, s.rows)
          && Arrays.equals(ranking, s.ranking);
    }

    @Override
    public int hashCode() {
      return Objects.hash(features, ids, Arrays.hashCode(baseScores), Arrays.deepHashCode(rows),
          Arrays.hashCode(ranking));
    }

    @Override
    public String toString() {
      return "Slate[" + ids.size() + " candidates x " + features.size() + " features, ranking="
          + Arrays.toString(ranking) + "]";
    }
  }

  /**
   * A decision without a slate whose propensity is of what its kind implies: the arm's probability
   * for a discrete decision, the action's density for a continuous one.
   */
  public LoggedDecision(String policy, long version, long episode, int step, double[] context, int arm,
      double[] action, double propensity, double[] probabilities, double reward, boolean done, Outcome outcome) {
    this(policy, version, episode, step, context, arm, action, propensity, probabilities, reward, done, outcome,
        defaultPropensityOf(arm), null);
  }

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
    if (arm == -1 && action.length == 0 && slate == null) {
      throw new IllegalArgumentException("a continuous decision (arm -1) needs its action vector, or its slate");
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
    if (propensityOf == null || !PROPENSITY_KINDS.contains(propensityOf)) {
      throw new IllegalArgumentException("propensityOf must be one of " + String.join(", ", PROPENSITY_KINDS.stream()
          .sorted().toList()) + "; got " + (propensityOf == null ? "nothing" : "'" + propensityOf + "'"));
    }
    if (propensityOf.equals(ARM) != (arm >= 0)) {
      throw new IllegalArgumentException("propensityOf '" + propensityOf + "' does not fit a "
          + (arm >= 0 ? "discrete decision (arm " + arm + "): it takes 'arm'" : "continuous decision (arm -1)"));
    }
    if (slate != null && arm != -1) {
      throw new IllegalArgumentException("a slate decision is continuous (arm -1), got arm " + arm);
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
        && Double.compare(reward, d.reward) == 0 && done == d.done && outcome.equals(d.outcome)
        && propensityOf.equals(d.propensityOf) && Objects.equals(slate, d.slate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, version, episode, step, Arrays.hashCode(context), arm, Arrays.hashCode(action),
        propensity, reward, done, propensityOf, slate);
  }

  @Override
  public String toString() {
    return "LoggedDecision[policy=" + policy + ", version=" + version + ", episode=" + episode + ", step=" + step
        + ", arm=" + arm + ", propensity=" + propensity + " (" + propensityOf + "), reward=" + reward + ", done="
        + done + (slate == null ? "" : ", " + slate) + "]";
  }
}
