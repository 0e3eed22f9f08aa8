package io.rlsearch.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One session as the runtime moves it from a shard to the learner, the replay buffer, the evaluator
 * and the decision log: what the policy saw, what it did and how likely that was, under which policy
 * version, and what the user did.
 *
 * @param episode episode id (unique in a run; {@code user * sessionsCap + session})
 * @param user user id
 * @param session the user's session index (0 for the first)
 * @param agent the agent that acted
 * @param policyVersion the policy version that acted
 * @param context the context the policy saw
 * @param arm the arm played (-1 for a continuous action)
 * @param action the continuous action (empty for an arm)
 * @param propensity its probability under that policy
 * @param reward the scalar reward
 * @param breakdown the reward's parts
 * @param orders purchases
 * @param impressions positions shown (the denominator of CTR)
 * @param satisfaction the user's final satisfaction
 * @param segment the user's segment index
 * @param slate for slate tasks, the candidate slots shown, in rank order (empty otherwise)
 * @param clicked per position shown: 1 if the user clicked it
 * @param bought per position shown: 1 if the user bought it
 * @param rankChange {@code 1 - overlap} of the top k shown and the base-relevance top k (NaN when the
 *     task does not measure it): the ranking's distance from the base ranking
 * @param exposurePl the private-label share of the ranking's exposure (position weights of the query
 *     type over the top k; NaN when not measured)
 * @param diversity diversity@k: the share of the catalog's categories among the top k shown
 *     ({@code k = min(5, categories)}; NaN when not measured)
 * @param positionRewards per position shown, the reward that position earned (its click's share and,
 *     if bought, its item's GMV, CM2 and strategic terms); they sum to {@code reward}. Empty when the
 *     task does not report them
 */
public record Transition(long episode, long user, int session, String agent, long policyVersion, double[] context,
    int arm, double[] action, double propensity, double reward, RewardBreakdown breakdown, int orders, int impressions,
    double satisfaction, int segment, int[] slate, int[] clicked, int[] bought, double rankChange,
    double exposurePl, double diversity, double[] positionRewards) {
  /** A transition with every measure but the per-position rewards. */
  public Transition(long episode, long user, int session, String agent, long policyVersion, double[] context, int arm,
      double[] action, double propensity, double reward, RewardBreakdown breakdown, int orders, int impressions,
      double satisfaction, int segment, int[] slate, int[] clicked, int[] bought, double rankChange,
      double exposurePl, double diversity) {
    this(episode, user, session, agent, policyVersion, context, arm, action, propensity, reward, breakdown, orders,
        impressions, satisfaction, segment, slate, clicked, bought, rankChange, exposurePl, diversity, null);
  }

  /** A transition without per-position outcomes. */
  public Transition(long episode, long user, int session, String agent, long policyVersion, double[] context, int arm,
      double[] action, double propensity, double reward, RewardBreakdown breakdown, int orders, int impressions,
      double satisfaction, int segment) {
    this(episode, user, session, agent, policyVersion, context, arm, action, propensity, reward, breakdown, orders,
        impressions, satisfaction, segment, null, null, null, Double.NaN, Double.NaN, Double.NaN);
  }

  /** A transition with per-position outcomes, without the rank change. */
  public Transition(long episode, long user, int session, String agent, long policyVersion, double[] context, int arm,
      double[] action, double propensity, double reward, RewardBreakdown breakdown, int orders, int impressions,
      double satisfaction, int segment, int[] slate, int[] clicked, int[] bought) {
    this(episode, user, session, agent, policyVersion, context, arm, action, propensity, reward, breakdown, orders,
        impressions, satisfaction, segment, slate, clicked, bought, Double.NaN, Double.NaN, Double.NaN);
  }

  /** A transition with per-position outcomes and the rank change, without the exposure share. */
  public Transition(long episode, long user, int session, String agent, long policyVersion, double[] context, int arm,
      double[] action, double propensity, double reward, RewardBreakdown breakdown, int orders, int impressions,
      double satisfaction, int segment, int[] slate, int[] clicked, int[] bought, double rankChange) {
    this(episode, user, session, agent, policyVersion, context, arm, action, propensity, reward, breakdown, orders,
        impressions, satisfaction, segment, slate, clicked, bought, rankChange, Double.NaN, Double.NaN);
  }

  /** A transition with every measure but diversity. */
  public Transition(long episode, long user, int session, String agent, long policyVersion, double[] context, int arm,
      double[] action, double propensity, double reward, RewardBreakdown breakdown, int orders, int impressions,
      double satisfaction, int segment, int[] slate, int[] clicked, int[] bought, double rankChange,
      double exposurePl) {
    this(episode, user, session, agent, policyVersion, context, arm, action, propensity, reward, breakdown, orders,
        impressions, satisfaction, segment, slate, clicked, bought, rankChange, exposurePl, Double.NaN);
  }

  public Transition {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(breakdown, "breakdown");
    context = context.clone();
    action = action == null ? new double[0] : action.clone();
    slate = slate == null ? new int[0] : slate.clone();
    clicked = clicked == null ? new int[0] : clicked.clone();
    bought = bought == null ? new int[0] : bought.clone();
    positionRewards = positionRewards == null ? new double[0] : positionRewards.clone();
    if (positionRewards.length > 0 && positionRewards.length != clicked.length) {
      throw new IllegalArgumentException("position rewards need one entry per position shown; got "
          + positionRewards.length + " for " + clicked.length + " positions");
    }
    if (clicked.length != bought.length || (slate.length > 0 && slate.length != clicked.length)) {
      throw new IllegalArgumentException("slate, clicked and bought need one entry per position shown; got "
          + slate.length + ", " + clicked.length + ", " + bought.length);
    }
  }

  @Override
  public int[] slate() {
    return slate.clone();
  }

  @Override
  public int[] clicked() {
    return clicked.clone();
  }

  @Override
  public int[] bought() {
    return bought.clone();
  }

  @Override
  public double[] action() {
    return action.clone();
  }

  @Override
  public double[] positionRewards() {
    return positionRewards.clone();
  }

  @Override
  public double[] context() {
    return context.clone();
  }

  /** Clicks in the session. */
  public double clicks() {
    return breakdown.clicks();
  }

  /** Click-through rate: clicks per position shown. */
  public double ctr() {
    return impressions == 0 ? 0.0 : breakdown.clicks() / impressions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transition t && episode == t.episode && user == t.user && session == t.session
        && agent.equals(t.agent) && policyVersion == t.policyVersion && Arrays.equals(context, t.context)
        && arm == t.arm && Arrays.equals(action, t.action) && Double.compare(propensity, t.propensity) == 0 && Double.compare(reward, t.reward) == 0
        && breakdown.equals(t.breakdown) && orders == t.orders && impressions == t.impressions
        && Double.compare(satisfaction, t.satisfaction) == 0 && segment == t.segment && Arrays.equals(slate, t.slate)
        && Arrays.equals(clicked, t.clicked) && Arrays.equals(bought, t.bought)
        && Double.compare(rankChange, t.rankChange) == 0 && Double.compare(exposurePl, t.exposurePl) == 0
        && Double.compare(diversity, t.diversity) == 0 && Arrays.equals(positionRewards, t.positionRewards);
  }

  @Override
  public int hashCode() {
    return Objects.hash(episode, user, session, agent, policyVersion, Arrays.hashCode(context), arm, reward);
  }

  @Override
  public String toString() {
    return "Transition[episode=" + episode + ", version=" + policyVersion + ", arm=" + arm + ", reward=" + reward + "]";
  }
}
