package io.rlsearch.eval.ope.obd;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.logs.BadRows;
import io.rlsearch.eval.logs.ObdDataset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Off-policy evaluation on the Open Bandit Dataset, as the Open Bandit Pipeline's own protocol
 * (tools/obp/reference.py): estimate the value of a target policy ({@code random} or {@code bts})
 * from the log of a behaviour policy, and compare each estimate with the target's on-policy value,
 * the mean click of the target's own log of the same campaign.
 *
 * <p>The target's distribution is uniform for {@code random}; for {@code bts} it is
 * {@link BernoulliTsDistribution}'s Monte Carlo from the dataset's published priors, the pipeline's
 * own draws (numpy's legacy stream from the seed), so its distribution exactly. The reward
 * model is cross-fitted over seeded folds of the logged rounds. The estimators are DM, IPW, SNIPW,
 * DR, SNDR, Switch-DR and DR-OS (lambda tuned by SLOPE over {@link #SWITCH_DR_LAMBDAS} and
 * {@link #DR_OS_LAMBDAS}, the same grid in the pipeline's two orders) and sub-Gaussian IPW
 * (SLOPE over {@link #SG_LAMBDAS}); intervals are {@link Bootstrap}'s percentile intervals, all
 * estimators resampled with the same seed, a tuned estimator at the lambda chosen on the full log.
 * One seed drives the Monte Carlo, the folds and the bootstrap, as the pipeline's
 * {@code random_state} does. Deterministic.
 */
public final class ObdOpeStudy {
  /** The campaigns with published Bernoulli TS priors. */
  public static final List<String> CAMPAIGNS = List.of("men", "women");
  /** The policies of the dataset, as behaviour or as target. */
  public static final List<String> POLICIES = ObdDataset.BEHAVIORS;
  /** The estimators, in the order they are reported. */
  public static final List<String> ESTIMATORS = List.of("dm", "ipw", "snipw", "dr", "sndr", "switch_dr", "dr_os",
      "ipw_subgaussian");
  /**
   * The lambdas SLOPE chooses from for Switch-DR (the pipeline's OBD example grid), in the order the
   * pipeline passes them, largest first: its {@code SwitchDoublyRobustTuning} sorts its lambdas in
   * reverse. The order decides which of several candidates with the same width SLOPE reports.
   */
  public static final double[] SWITCH_DR_LAMBDAS = {Double.POSITIVE_INFINITY, 10000, 5000, 1000, 500, 100, 50, 10};
  /**
   * The lambdas SLOPE chooses from for DR-OS (the same grid), smallest first: the pipeline's
   * {@code DoublyRobustWithShrinkageTuning} sorts its lambdas ascending.
   */
  public static final double[] DR_OS_LAMBDAS = {10, 50, 100, 500, 1000, 5000, 10000, Double.POSITIVE_INFINITY};
  /**
   * The lambdas SLOPE chooses from for sub-Gaussian IPW (the pipeline's test grid), smallest first,
   * as its {@code SubGaussianInverseProbabilityWeightingTuning} sorts them.
   */
  public static final double[] SG_LAMBDAS = {0.005, 0.01, 0.05, 0.1, 0.5};
  public static final double ALPHA = 0.05;
  public static final int DEFAULT_MC = 100_000;
  public static final int DEFAULT_BOOTSTRAP = 2_000;
  public static final long DEFAULT_SEED = 12345;
  /** The largest seed: the folds' shuffle is numpy's legacy stream, seeded by 32 bits. */
  public static final long MAX_SEED = 0xFFFFFFFFL;
  public static final int DEFAULT_FOLDS = 3;
  public static final double DEFAULT_C = 100;
  public static final String DEFAULT_REWARD_MODEL = "logistic";
  public static final int MAX_MC = 10_000_000;
  public static final int MIN_BOOTSTRAP = 10;
  public static final int MAX_BOOTSTRAP = 100_000;
  public static final int MAX_FOLDS = 20;

  /** What a reward model is fitted on: the logged rounds, their folds and the features. */
  public record RewardData(double[][] context, double[][] actionContext, int[] actions, int[] positions,
      int[] rewards, int[] foldOfRound, int folds, int positionCount) {}

  /** A reward model: cross-fitted estimates, each round predicted by the model fitted without its fold. */
  @FunctionalInterface
  public interface RewardModel {
    EstimatedRewards crossFit(RewardData data, Settings settings);
  }

  /** The reward models by their name in {@code --reward-model}. */
  private static final Map<String, RewardModel> REWARD_MODELS = new TreeMap<>(Map.of(
      "logistic", (d, s) -> LogisticRewards.crossFit(d.context(), d.actionContext(), d.actions(), d.positions(),
          d.rewards(), d.foldOfRound(), d.folds(), d.positionCount(), s.c()),
      "forest", (d, s) -> ForestRewards.crossFit(d.context(), d.actionContext(), d.actions(), d.positions(),
          d.rewards(), d.foldOfRound(), d.folds(), d.positionCount(),
          new ForestRewards.ForestParams(30, 5, 10f, s.seed()))));

  /** The names of the reward models, sorted. */
  public static List<String> rewardModels() {
    return List.copyOf(REWARD_MODELS.keySet());
  }

  /**
   * @param dir the dataset's directory, laid out as {@code DIR/{policy}/{campaign}/}
   * @param campaign {@code men} or {@code women}
   * @param behavior the policy whose log is evaluated: {@code random} or {@code bts}
   * @param target the policy whose value is estimated: {@code random} or {@code bts}; the same as
   *     {@code behavior} is allowed (the on-policy value then comes from the same log)
   * @param mc Bernoulli TS Monte Carlo simulations (used when the target is {@code bts})
   * @param bootstrap resamples of the intervals; 0 for none
   * @param seed the Monte Carlo's, the folds' and the bootstrap's seed
   * @param rewardModel one of {@link #rewardModels()}
   * @param folds the cross-fitting folds
   * @param c the logistic model's inverse regularisation strength
   */
  public record Settings(Path dir, String campaign, String behavior, String target, int mc, int bootstrap, long seed,
      String rewardModel, int folds, double c) {
    public Settings {
      if (!CAMPAIGNS.contains(campaign)) {
        throw new IllegalArgumentException("campaign '" + campaign + "': accepted: " + String.join(", ", CAMPAIGNS));
      }
      if (!POLICIES.contains(behavior)) {
        throw new IllegalArgumentException("behavior '" + behavior + "': accepted: " + String.join(", ", POLICIES));
      }
      if (!POLICIES.contains(target)) {
        throw new IllegalArgumentException("target '" + target + "': accepted: " + String.join(", ", POLICIES));
      }
      if (mc < 1 || mc > MAX_MC) {
        throw new IllegalArgumentException("mc must be in 1.." + MAX_MC + ", got " + mc);
      }
      if (bootstrap != 0 && (bootstrap < MIN_BOOTSTRAP || bootstrap > MAX_BOOTSTRAP)) {
        throw new IllegalArgumentException("bootstrap must be 0 (no intervals) or in " + MIN_BOOTSTRAP + ".."
            + MAX_BOOTSTRAP + ", got " + bootstrap);
      }
      if (seed < 0 || seed > MAX_SEED) {
        throw new IllegalArgumentException(
            "seed must be in 0.." + MAX_SEED + " (the folds shuffle with numpy's 32-bit legacy seed), got " + seed);
      }
      if (!REWARD_MODELS.containsKey(rewardModel)) {
        throw new IllegalArgumentException("reward model '" + rewardModel + "': accepted: "
            + String.join(", ", rewardModels()));
      }
      if (folds < 2 || folds > MAX_FOLDS) {
        throw new IllegalArgumentException("folds must be in 2.." + MAX_FOLDS + ", got " + folds);
      }
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException("C must be > 0 and finite, got " + c);
      }
    }

    /** The protocol's defaults for a case. */
    public static Settings defaults(Path dir, String campaign, String behavior, String target) {
      return new Settings(dir, campaign, behavior, target, DEFAULT_MC, DEFAULT_BOOTSTRAP, DEFAULT_SEED,
          DEFAULT_REWARD_MODEL, DEFAULT_FOLDS, DEFAULT_C);
    }
  }

  /**
   * One estimator's figures.
   *
   * @param ciLow the interval's lower end, NaN without a bootstrap
   * @param ciHigh the interval's upper end, NaN without a bootstrap
   * @param relativeError {@code |value - onPolicyValue| / onPolicyValue} (infinite or NaN if that value is 0)
   * @param tunedLambda the lambda SLOPE chose, for the tuned estimators
   */
  public record Estimate(String estimator, double value, double ciLow, double ciHigh, double relativeError,
      OptionalDouble tunedLambda) {}

  /**
   * @param rounds the behaviour log's rounds (its good rows)
   * @param actions the number of actions (the largest item id logged plus one)
   * @param positions the number of positions
   * @param behaviorLog the file of the behaviour's log
   * @param targetLog the file of the target's log, whose mean click is the on-policy value
   * @param onPolicyValue the mean click of the target's log
   * @param onPolicyStdError that mean's standard error, {@code sqrt(v (1 - v) / targetRounds)}: the on-policy
   *     value is itself a sample, so relative errors within about twice {@code onPolicyStdError / onPolicyValue}
   *     do not tell estimators apart
   * @param targetRounds the target log's rounds
   * @param behaviorValue the mean click of the behaviour's log
   * @param estimates by name, in {@link #ESTIMATORS} order
   * @param behaviorBadRows rows of the behaviour's log that were not read
   * @param targetBadRows rows of the target's log that were not read (none of its own when it is the same log)
   */
  public record Result(Settings settings, int rounds, int actions, int positions, Path behaviorLog, Path targetLog,
      double onPolicyValue, double onPolicyStdError, int targetRounds, double behaviorValue, Map<String, Estimate> estimates,
      BadRows behaviorBadRows, BadRows targetBadRows) {
    public Result {
      estimates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(estimates));
    }
  }

  private ObdOpeStudy() {}

  /** The file a policy's log of a campaign is read from. */
  public static Path logFile(Path dir, String policy, String campaign) {
    return dir.resolve(policy).resolve(campaign).resolve(campaign + ".csv");
  }

  /**
   * Reads both logs, builds the target's distribution and the folds, and evaluates.
   *
   * @throws io.rlsearch.eval.logs.LogFormatException if a file is missing or not in the dataset's layout
   * @throws IllegalArgumentException if a log has no good rows or does not fit the target
   */
  public static Result run(Settings s) {
    ObdDataset logged = ObdDataset.read(s.dir(), s.behavior(), s.campaign());
    requireRows(logged, s.dir());
    ObdDataset truth = s.target().equals(s.behavior()) ? logged : ObdDataset.read(s.dir(), s.target(), s.campaign());
    requireRows(truth, s.dir());
    double[][] dist = targetDistribution(s, logged.nActions(), logged.lenList());
    return evaluate(s, logged, truth, dist, foldsOf(logged.nRounds(), s.folds(), s.seed()));
  }

  /**
   * Evaluates with a given target distribution and fold assignment (the pipeline's own, in the
   * tests); {@link #run} builds them from the settings.
   *
   * @param targetDist {@code [action][position]}
   * @param foldOfRound the fold of each logged round, in {@code 0..settings.folds()-1}
   */
  public static Result evaluate(Settings s, ObdDataset logged, ObdDataset truth, double[][] targetDist,
      int[] foldOfRound) {
    int n = logged.nRounds();
    if (foldOfRound.length != n) {
      throw new IllegalArgumentException("fold assignment has " + foldOfRound.length + " rounds, the log has " + n);
    }
    if (n < s.folds()) {
      throw new IllegalArgumentException(logFile(s.dir(), s.behavior(), s.campaign()) + ": " + n
          + " rounds, fewer than the " + s.folds() + " folds");
    }
    int positions = logged.lenList();
    PositionEstimators e = PositionEstimators.of(logged, targetDist);
    RewardData data = new RewardData(logged.context(), logged.actionContext(), logged.actions(), logged.positions(),
        logged.rewards(), foldOfRound, s.folds(), positions);
    EstimatedRewards q = REWARD_MODELS.get(s.rewardModel()).crossFit(data, s);

    double[][] rounds = new double[ESTIMATORS.size()][];
    double[] lambda = new double[ESTIMATORS.size()];
    Arrays.fill(lambda, Double.NaN);
    double inf = Double.POSITIVE_INFINITY;
    rounds[0] = e.dmRounds(q);
    rounds[1] = e.ipwRounds(inf);
    rounds[2] = e.snipwRounds();
    rounds[3] = e.drRounds(q, inf);
    rounds[4] = e.sndrRounds(q);
    lambda[5] = Slope.tune(SWITCH_DR_LAMBDAS, l -> e.switchDrRounds(q, l), Slope.DELTA);
    rounds[5] = e.switchDrRounds(q, lambda[5]);
    lambda[6] = Slope.tune(DR_OS_LAMBDAS, l -> e.drOsRounds(q, l), Slope.DELTA);
    rounds[6] = e.drOsRounds(q, lambda[6]);
    lambda[7] = Slope.tune(SG_LAMBDAS, e::subGaussianIpwRounds, Slope.DELTA);
    rounds[7] = e.subGaussianIpwRounds(lambda[7]);

    Bootstrap.Interval[] ci = s.bootstrap() == 0 ? null : Bootstrap.intervals(rounds, s.bootstrap(), ALPHA, s.seed());
    double onPolicy = truth.meanReward();
    Map<String, Estimate> estimates = new LinkedHashMap<>();
    for (int k = 0; k < ESTIMATORS.size(); k++) {
      double v = PositionEstimators.mean(rounds[k]);
      estimates.put(ESTIMATORS.get(k), new Estimate(ESTIMATORS.get(k), v, ci == null ? Double.NaN : ci[k].low(),
          ci == null ? Double.NaN : ci[k].high(), Math.abs(v - onPolicy) / onPolicy,
          Double.isNaN(lambda[k]) ? OptionalDouble.empty() : OptionalDouble.of(lambda[k])));
    }
    boolean same = truth == logged;
    return new Result(s, n, targetDist.length, positions, logFile(s.dir(), s.behavior(), s.campaign()),
        logFile(s.dir(), s.target(), s.campaign()), onPolicy,
        onPolicy > 0 && onPolicy < 1 ? Math.sqrt(onPolicy * (1 - onPolicy) / truth.nRounds()) : Double.NaN, truth.nRounds(), logged.meanReward(), estimates,
        logged.badRows(), same ? BadRows.none() : truth.badRows());
  }

  /**
   * The target's distribution {@code [action][position]}: uniform for {@code random}; for
   * {@code bts}, the Bernoulli TS Monte Carlo from the campaign's priors with {@code settings.mc()}
   * simulations and the settings' seed.
   */
  public static double[][] targetDistribution(Settings s, int actions, int positions) {
    double[][] dist = new double[actions][positions];
    if (s.target().equals("random")) {
      for (double[] row : dist) {
        Arrays.fill(row, 1.0 / actions);
      }
      return dist;
    }
    BernoulliTsDistribution.Priors priors = BernoulliTsDistribution.zozotownPriors(s.campaign());
    if (priors.items() != actions) {
      throw new IllegalArgumentException(logFile(s.dir(), s.behavior(), s.campaign()) + " logs " + actions
          + " actions, the " + s.campaign() + " campaign's Bernoulli TS priors have " + priors.items() + " items");
    }
    return BernoulliTsDistribution.compute(priors, positions, s.mc(), s.seed());
  }

  /**
   * The fold, {@code 0..k-1}, of each of {@code n} rounds: scikit-learn's
   * {@code KFold(n_splits=k, shuffle=True, random_state=seed)}, as the Open Bandit Pipeline splits.
   */
  static int[] foldsOf(int n, int k, long seed) {
    return Folds.kFold(n, k, seed);
  }

  private static void requireRows(ObdDataset d, Path dir) {
    if (d.nRounds() == 0) {
      throw new IllegalArgumentException(logFile(dir, d.behavior(), d.campaign()) + ": no good rows; "
          + d.badRows().describe());
    }
  }
}
