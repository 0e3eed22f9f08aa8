package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Behavior;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.RewardFunction;
import io.rlsearch.sim.SessionOutcome;
import io.rlsearch.sim.TopK;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;

/**
 * A slate session (the slate env's step): the top candidates by base relevance, each
 * described by its boost features z-scored across the candidates; the policy scores them and the
 * user browses them in score order. The context the policy sees is the env's context (8-d with the
 * one-hot quirk, segment and query-type one-hots otherwise) followed by the candidates' features,
 * row by row.
 */
final class SlateEpisode implements SessionEpisode {
  private static final int QUIRK_ONEHOTS = 6;

  private final World world;
  private final Task.Slate task;
  private final EpisodeScorer scorer;
  private final Behavior behavior;
  private final RewardFunction rewardFn;
  private final int candidatesWanted;
  private User user;
  private Query query;
  private int[] candidates;
  private double[] context;
  private double[] lastPositionRewards = new double[0];

  SlateEpisode(World world, Task.Slate task) {
    if (task.itemDim() != world.settings().action().featureDim()) {
      throw new IllegalArgumentException("the slate task has " + task.itemDim() + " item features, the world "
          + world.settings().action().featureDim());
    }
    this.world = world;
    this.task = task;
    this.candidatesWanted = Math.min(task.candidates(), world.catalog().size());
    this.scorer = new EpisodeScorer(world, candidatesWanted);
    this.behavior = new Behavior(world);
    this.rewardFn = new RewardFunction(world);
  }

  private int headDim() {
    if (world.settings().quirks().slateContextOnehotsZero()) {
      return QUIRK_ONEHOTS + 2;
    }
    return world.settings().users().segments().size() + world.settings().queries().queryTypes().size() + 2;
  }

  @Override
  public void prepare(User u, Query q, NumpyRandom rng) {
    scorer.drawBase(q, rng);
    afterDraw(u, q);
  }

  /**
   * {@link #prepare} for a user and query whose base scores {@code drawn} has just drawn from the
   * session stream ({@link WeightsEpisode#prepare} on the same user, query and stream): the draw is the
   * same (the same noise, one value per product, and the same relevance), so it is copied, not made
   * again. The stream {@code drawn}'s draw left is the stream this session plays on.
   */
  void prepareDrawn(User u, Query q, WeightsEpisode drawn) {
    scorer.copyDraw(drawn.scorer());
    afterDraw(u, q);
  }

  private void afterDraw(User u, Query q) {
    user = u;
    query = q;
    candidates = scorer.baseline(candidatesWanted);
    int n = candidates.length;
    int d = task.itemDim();
    double[] raw = new double[n * d];
    double[] row = new double[d];
    for (int c = 0; c < n; c++) {
      scorer.rawFeatureRow(u, q, candidates[c], row);
      System.arraycopy(row, 0, raw, c * d, d);
    }
    int head = headDim();
    context = new double[head + task.candidates() * d];
    if (world.settings().quirks().slateContextOnehotsZero()) {
      context[QUIRK_ONEHOTS] = (float) u.thetaPrice();
      context[QUIRK_ONEHOTS + 1] = (float) u.thetaPl();
    } else {
      int ns = world.settings().users().segments().size();
      context[u.segment()] = 1;
      context[ns + q.queryType()] = 1;
      context[head - 2] = (float) u.thetaPrice();
      context[head - 1] = (float) u.thetaPl();
    }
    for (int j = 0; j < d; j++) {
      double mean = 0;
      for (int c = 0; c < n; c++) {
        mean += raw[c * d + j];
      }
      mean /= n;
      double var = 0;
      for (int c = 0; c < n; c++) {
        double x = raw[c * d + j] - mean;
        var += x * x;
      }
      double std = Math.sqrt(var / n) + 1e-6;
      for (int c = 0; c < n; c++) {
        // float32, as the env's observation
        context[head + c * d + j] = (float) ((raw[c * d + j] - mean) / std);
      }
    }
  }

  @Override
  public double[] context() {
    return context.clone();
  }

  /** The reward each covered position contributed in the last session played (they sum to its reward). */
  double[] lastPositionRewards() {
    return lastPositionRewards.clone();
  }

  /** The catalog category of each candidate of the prepared session, in slot order. */
  int[] candidateCategories() {
    int[] c = new int[candidates.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = world.catalog().category(candidates[i]);
    }
    return c;
  }

  /** Candidates of the prepared session (fewer than the task's when the catalog is smaller). */
  int candidateCount() {
    return candidates.length;
  }

  /** The width of the context's head (before the candidates' rows). */
  int headWidth() {
    return headDim();
  }

  @Override
  public int contextDim() {
    return headDim() + task.candidates() * task.itemDim();
  }

  @Override
  public int impressions() {
    return Math.min(world.settings().topK(), candidatesWanted);
  }

  @Override
  public Played play(Decision d, NumpyRandom rng) {
    int n = candidates.length;
    if (!d.continuous()) {
      throw new IllegalArgumentException("a slate decision scores the candidates; got arm " + d.arm());
    }
    double[] scores = d.action();
    if (scores.length != task.candidates()) {
      throw new IllegalArgumentException("a slate decision needs " + task.candidates() + " scores, got "
          + scores.length);
    }
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("candidate score " + i + " is NaN");
      }
    }
    int[] order = TopK.of(java.util.Arrays.copyOf(scores, n), n);
    int[] ranking = new int[n];
    for (int i = 0; i < n; i++) {
      ranking[i] = candidates[order[i]];
    }
    SessionOutcome out = behavior.simulate(user, query, ranking, scorer.cosines(), rng);
    RewardBreakdown parts = rewardFn.breakdown(ranking, out);
    lastPositionRewards = rewardFn.positionRewards(ranking, out);
    int shown = out.clicks().length;
    return new Played(rewardFn.scalar(parts), parts, out.totalBuys(), out.satisfaction(),
        java.util.Arrays.copyOf(order, shown), out.clicks(), out.buys(), Double.NaN,
        SessionEpisode.exposurePl(world, ranking, query.queryType()), SessionEpisode.diversity(world, ranking),
        java.util.Arrays.copyOf(lastPositionRewards, shown));
  }
}
