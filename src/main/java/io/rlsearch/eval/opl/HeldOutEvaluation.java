package io.rlsearch.eval.opl;

import io.rlsearch.eval.ope.obd.Bootstrap;

/**
 * A target policy's value on held-out logged rows, by IPW, SNIPW and DR, each with a percentile
 * bootstrap interval ({@link Bootstrap}), with {@code w_i = pi(a_i | x_i, p_i) / pscore_i}:
 * IPW {@code mean(w r)}; SNIPW {@code sum(w r) / sum(w)} (its interval resamples the normaliser with
 * the rows, {@link Bootstrap#selfNormalised}); DR {@code mean(sum_a pi(a) q_ia + w (r - q_ia_i))} with
 * a reward model cross-fitted on the held-out rows themselves. The value is per row, as the Open
 * Bandit Pipeline counts it (for a ranking, per shown item).
 *
 * <p>The intervals resample whole rounds ({@link BanditData#groups()}: a ranking's positions, an
 * episode's steps), as the split keeps them whole: a cluster bootstrap. Each resample's estimate is
 * the resampled rounds' sum over their rows divided by their row count (SNIPW: by their weight
 * sum), so with one row per round it is the row bootstrap, draw for draw.
 *
 * <p>SNIPW is undefined (NaN) when no held-out row carries weight; a resample whose weights sum to
 * zero is left out of its interval and counted in {@link Value#dropped()}.
 *
 * <p>For a deterministic target only the rows whose logged action is the target's choice carry
 * weight: {@link Result#matching()} counts them and {@link Result#effectiveSamples()} is Kish's
 * {@code (sum w)^2 / sum w^2}, the number of equally weighted rows the estimate is worth.
 */
public final class HeldOutEvaluation {
  private HeldOutEvaluation() {}

  /**
   * An estimate and its 95% interval (NaN when undefined).
   *
   * @param dropped bootstrap resamples left out because their weights summed to zero (SNIPW only)
   */
  public record Value(double value, double low, double high, int dropped) {
    public Value(double value, double low, double high) {
      this(value, low, high, 0);
    }
  }

  /**
   * The estimates of one target.
   *
   * @param matching rows whose logged action has positive target probability
   * @param weightMean {@code mean(w)} (1 in expectation)
   * @param effectiveSamples Kish's effective sample size of the weights
   */
  public record Result(Value ipw, Value snipw, Value dr, int matching, double weightMean, double effectiveSamples) {}

  /**
   * Estimates a target's value.
   *
   * @param target {@code [row][action]}: the target's probability of each action at the row's position
   * @param q {@code [row][action]}: the reward model's predictions at the row's position
   */
  public static Result estimate(BanditData held, double[][] target, double[][] q, int bootstrap, long seed) {
    int n = held.size();
    if (target.length != n || q.length != n) {
      throw new IllegalArgumentException("target and reward model need one row per held-out row (" + n + ")");
    }
    double[] ipw = new double[n];
    double[] dr = new double[n];
    double[] w = new double[n];
    double[] wr = new double[n];
    int matching = 0;
    double sw = 0;
    double sw2 = 0;
    for (int i = 0; i < n; i++) {
      int a = held.actions()[i];
      double r = held.rewards()[i];
      w[i] = target[i][a] / held.pscores()[i];
      if (target[i][a] > 0) {
        matching++;
      }
      sw += w[i];
      sw2 += w[i] * w[i];
      ipw[i] = w[i] * r;
      wr[i] = ipw[i];
      double dm = 0;
      for (int b = 0; b < target[i].length; b++) {
        dm += target[i][b] * q[i][b];
      }
      dr[i] = dm + w[i] * (r - q[i][a]);
    }
    double ipwValue = mean(ipw);
    double snipwValue = sw > 0 ? sum(wr) / sw : Double.NaN;
    double drValue = mean(dr);
    Groups g = Groups.of(held);
    double[] rowsPerGroup = g.sum(ones(n));
    Bootstrap.Interval ci = clustered(g.sum(ipw), rowsPerGroup, bootstrap, seed).interval();
    Bootstrap.Counted cs = clustered(g.sum(wr), g.sum(w), bootstrap, seed);
    Bootstrap.Interval cd = clustered(g.sum(dr), rowsPerGroup, bootstrap, seed).interval();
    return new Result(new Value(ipwValue, ci.low(), ci.high()),
        new Value(snipwValue, cs.interval().low(), cs.interval().high(), cs.dropped()),
        new Value(drValue, cd.low(), cd.high()), matching, sw / n, sw2 > 0 ? sw * sw / sw2 : 0);
  }

  /** The behaviour policy's value on the held-out rows: their mean reward, with its bootstrap interval. */
  public static Value behavior(BanditData held, int bootstrap, long seed) {
    Groups g = Groups.of(held);
    Bootstrap.Interval c = clustered(g.sum(held.rewards()), g.sum(ones(held.size())), bootstrap, seed).interval();
    return new Value(held.meanReward(), c.low(), c.high());
  }

  /**
   * The cluster-bootstrap interval of {@code sum(numerator) / sum(denominator)} over resampled rounds:
   * per round, the sum of a per-row term and the row count (a mean) or the weight sum (SNIPW).
   */
  static Bootstrap.Counted clustered(double[] numerator, double[] denominator, int bootstrap, long seed) {
    return Bootstrap.selfNormalisedCounted(new Bootstrap.SelfNormalisedRounds(new double[numerator.length],
        numerator, denominator), bootstrap, 0.05, seed);
  }

  /** The row bootstrap of a mean, each row resampled on its own (for comparison with the rounds' bootstrap). */
  static Bootstrap.Interval rowBootstrap(double[] perRow, int bootstrap, long seed) {
    return Bootstrap.selfNormalised(new Bootstrap.SelfNormalisedRounds(new double[perRow.length], perRow,
        ones(perRow.length)), bootstrap, 0.05, seed);
  }

  /** The rounds of a dataset: each row's round index, in order of first appearance. */
  record Groups(int[] of, int count) {
    static Groups of(BanditData d) {
      java.util.Map<Long, Integer> index = new java.util.HashMap<>();
      int[] of = new int[d.size()];
      for (int i = 0; i < of.length; i++) {
        of[i] = index.computeIfAbsent(d.groups()[i], k -> index.size());
      }
      return new Groups(of, index.size());
    }

    double[] sum(double[] perRow) {
      double[] out = new double[count];
      for (int i = 0; i < perRow.length; i++) {
        out[of[i]] += perRow[i];
      }
      return out;
    }
  }

  private static double[] ones(int n) {
    double[] o = new double[n];
    java.util.Arrays.fill(o, 1);
    return o;
  }

  /** A deterministic policy's {@code [row][action]}: 1 for its greedy ranking's action at the row's position. */
  public static double[][] greedy(LinearPolicy policy, BanditData held) {
    if (policy.positions() < held.nPositions() || policy.actions() != held.nActions()) {
      throw new IllegalArgumentException("the policy ranks " + policy.positions() + " positions over "
          + policy.actions() + " actions; the data has " + held.nPositions() + " positions and " + held.nActions()
          + " actions");
    }
    double[][] t = new double[held.size()][held.nActions()];
    for (int i = 0; i < t.length; i++) {
      int[] ranking = policy.ranking(held.context()[i]);
      t[i][ranking[held.positions()[i]]] = 1;
    }
    return t;
  }

  /** The uniform random policy: every action with probability {@code 1 / nActions} at every position. */
  public static double[][] uniform(BanditData held) {
    double[][] t = new double[held.size()][held.nActions()];
    for (double[] row : t) {
      java.util.Arrays.fill(row, 1.0 / held.nActions());
    }
    return t;
  }

  /**
   * The "most popular" policy: the same ranking for everyone, the actions by total reward in the
   * training rows (ties to the lower index), one per position without repeats while actions last.
   */
  public static double[][] mostPopular(BanditData train, BanditData held) {
    int[] ranking = popularRanking(train);
    double[][] t = new double[held.size()][held.nActions()];
    for (int i = 0; i < t.length; i++) {
      int p = held.positions()[i];
      t[i][ranking[Math.min(p, ranking.length - 1)]] = 1;
    }
    return t;
  }

  /** The actions by total training reward, best first, as many as there are positions (or actions). */
  public static int[] popularRanking(BanditData train) {
    double[] total = new double[train.nActions()];
    for (int i = 0; i < train.size(); i++) {
      total[train.actions()[i]] += train.rewards()[i];
    }
    int k = Math.min(train.nPositions(), train.nActions());
    int[] out = new int[k];
    boolean[] used = new boolean[total.length];
    for (int p = 0; p < k; p++) {
      out[p] = LinearPolicy.argmax(total, used);
      used[out[p]] = true;
    }
    return out;
  }

  private static double sum(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s;
  }

  private static double mean(double[] x) {
    return x.length == 0 ? 0 : sum(x) / x.length;
  }
}
