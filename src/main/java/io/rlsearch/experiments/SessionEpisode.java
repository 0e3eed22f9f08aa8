package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.User;

/** One session of a {@link Task}: draws, context, and playing a decision. Holds scratch; one owner. */
interface SessionEpisode {
  /** The outcome of playing a decision. */
  record Played(double reward, RewardBreakdown parts, int orders, double satisfaction, int[] slate, int[] clicked,
      int[] bought, double rankChange, double exposurePl, double diversity, double[] positionRewards) {
    Played(double reward, RewardBreakdown parts, io.rlsearch.sim.SessionOutcome out, double rankChange,
        double exposurePl, double diversity) {
      this(reward, parts, out.totalBuys(), out.satisfaction(), null, out.clicks(), out.buys(), rankChange, exposurePl,
          diversity, null);
    }
  }

  /** Positions diversity@k looks at. */
  int DIVERSITY_K = 5;

  /**
   * Diversity@k of a ranking: the distinct categories among its top {@link #DIVERSITY_K} products over
   * the most that many positions can hold ({@code min(k, categories)}); 1 when they cover as many
   * categories as they can.
   */
  static double diversity(io.rlsearch.sim.World world, int[] ranking) {
    int k = Math.min(DIVERSITY_K, ranking.length);
    int categories = world.settings().catalog().categories().size();
    if (k == 0 || categories == 0) {
      return Double.NaN;
    }
    boolean[] seen = new boolean[categories];
    int distinct = 0;
    for (int i = 0; i < k; i++) {
      int c = world.catalog().category(ranking[i]);
      if (!seen[c]) {
        seen[c] = true;
        distinct++;
      }
    }
    return (double) distinct / Math.min(k, categories);
  }

  /** The private-label share of a ranking's exposure for query type {@code queryType} (over the top k). */
  static double exposurePl(io.rlsearch.sim.World world, int[] ranking, int queryType) {
    double[][] bias = world.settings().behavior().posBias();
    double[] w = bias[Math.min(queryType, bias.length - 1)];
    int k = Math.min(world.settings().topK(), ranking.length);
    double pl = 0;
    double total = 0;
    for (int i = 0; i < k; i++) {
      double wi = w[Math.min(i, w.length - 1)];
      total += wi;
      if (world.catalog().isPl(ranking[i])) {
        pl += wi;
      }
    }
    return total > 0 ? pl / total : 0.0;
  }

  /** Takes the user and query and draws the session's base scores from {@code rng}. */
  void prepare(User u, Query q, NumpyRandom rng);

  /** The context of the prepared session. */
  double[] context();

  /** Context dimension. */
  int contextDim();

  /** Positions shown. */
  int impressions();

  /** Plays {@code d} on the prepared session, drawing the user's behaviour from {@code rng}. */
  Played play(Decision d, NumpyRandom rng);
}
