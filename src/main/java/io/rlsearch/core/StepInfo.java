package io.rlsearch.core;

import java.util.Arrays;

/**
 * What happened in a step (the reference's {@code info} dict, typed).
 *
 * <p>Fields an environment does not produce hold their empty value: empty arrays, {@code NaN} for
 * {@code deltaRankAtK} and {@code pReturn}, {@link RawState#NONE}.
 *
 * @param reward the reward's parts (the reference's {@code reward_details})
 * @param satisfaction the session's final satisfaction H
 * @param ranking the first top_k product ids shown, best first
 * @param clicks clicks by position
 * @param buys purchases by position
 * @param features the info feature rows (top_k x 10, row-major; see the {@code features_in_catalog_order} quirk)
 * @param baselineRanking the first top_k product ids by base score alone
 * @param deltaRankAtK 1 - overlap of ranking and baseline at k = top_k
 * @param userSegment segment name
 * @param queryType query type name
 * @param pReturn probability of returning (multi-session env)
 * @param returned whether the user returned (multi-session env)
 * @param rawState the state after the step (Gym envs reset inside step)
 */
public record StepInfo(
    RewardBreakdown reward,
    double satisfaction,
    int[] ranking,
    int[] clicks,
    int[] buys,
    double[] features,
    int[] baselineRanking,
    double deltaRankAtK,
    String userSegment,
    String queryType,
    double pReturn,
    boolean returned,
    RawState rawState) {
  public StepInfo {
    ranking = ranking.clone();
    clicks = clicks.clone();
    buys = buys.clone();
    features = features.clone();
    baselineRanking = baselineRanking.clone();
  }

  @Override
  public int[] ranking() {
    return ranking.clone();
  }

  @Override
  public int[] clicks() {
    return clicks.clone();
  }

  @Override
  public int[] buys() {
    return buys.clone();
  }

  @Override
  public double[] features() {
    return features.clone();
  }

  @Override
  public int[] baselineRanking() {
    return baselineRanking.clone();
  }

  /** A copy with another raw state. */
  public StepInfo withRawState(RawState next) {
    return new StepInfo(reward, satisfaction, ranking, clicks, buys, features, baselineRanking, deltaRankAtK,
        userSegment, queryType, pReturn, returned, next);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepInfo s && s.reward.equals(reward) && Double.compare(s.satisfaction, satisfaction) == 0
        && Arrays.equals(s.ranking, ranking) && Arrays.equals(s.clicks, clicks) && Arrays.equals(s.buys, buys)
        && Arrays.equals(s.features, features) && Arrays.equals(s.baselineRanking, baselineRanking)
        && Double.compare(s.deltaRankAtK, deltaRankAtK) == 0 && s.userSegment.equals(userSegment)
        && s.queryType.equals(queryType) && Double.compare(s.pReturn, pReturn) == 0 && s.returned == returned
        && s.rawState.equals(rawState);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ranking) * 31 + reward.hashCode();
  }

  @Override
  public String toString() {
    return "StepInfo[reward=" + reward + ", ranking=" + Arrays.toString(ranking) + ", clicks="
        + Arrays.toString(clicks) + ", buys=" + Arrays.toString(buys) + ", satisfaction=" + satisfaction + "]";
  }
}
