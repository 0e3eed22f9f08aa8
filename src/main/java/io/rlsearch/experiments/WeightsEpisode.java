package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Behavior;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Metrics;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.RewardFunction;
import io.rlsearch.sim.SessionOutcome;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;

/**
 * A session ranked by boost weights (the Gym env's step): base scores with the
 * personalisation feature, zoosim context features, {@code argsort(-(base + F clip(a)))}.
 */
final class WeightsEpisode implements SessionEpisode {
  private final World world;
  private final Task.BoostWeights task;
  private final EpisodeScorer scorer;
  private final ContextFeatures contexts;
  private final Behavior behavior;
  private final RewardFunction rewardFn;
  private final double[][] arms;
  private User user;
  private Query query;

  WeightsEpisode(World world, Task.BoostWeights task) {
    this.world = world;
    this.task = task;
    this.scorer = new EpisodeScorer(world, world.settings().topK());
    this.contexts = new ContextFeatures(world);
    this.behavior = new Behavior(world);
    this.rewardFn = new RewardFunction(world);
    this.arms = task.armWeights().toArray(new double[0][]);
  }

  @Override
  public void prepare(User u, Query q, NumpyRandom rng) {
    user = u;
    query = q;
    scorer.drawBase(u, q, rng);
  }

  /** The scorer holding the last draw. */
  EpisodeScorer scorer() {
    return scorer;
  }

  @Override
  public double[] context() {
    return contexts.of(task.features(), user, query, scorer);
  }

  @Override
  public int contextDim() {
    return contexts.dim(task.features());
  }

  @Override
  public int impressions() {
    return Math.min(world.settings().topK(), world.catalog().size());
  }

  @Override
  public Played play(Decision d, NumpyRandom rng) {
    double[] w;
    if (d.continuous()) {
      double[] a = d.action();
      if (a.length != 10) {
        throw new IllegalArgumentException("an action needs 10 boost weights, got " + a.length);
      }
      w = new double[10];
      for (int i = 0; i < 10; i++) {
        if (Double.isNaN(a[i])) {
          throw new IllegalArgumentException("action component " + i + " is NaN");
        }
        w[i] = Math.max(-task.aMax(), Math.min(task.aMax(), a[i]));
      }
    } else {
      if (d.arm() >= arms.length) {
        throw new IllegalArgumentException("arm must be in 0.." + (arms.length - 1) + ", got " + d.arm());
      }
      w = arms[d.arm()];
    }
    int[] ranking = scorer.rankByWeights(user, query, w, world.settings().topK());
    SessionOutcome out = behavior.simulate(user, query, ranking, scorer.cosines(), rng);
    RewardBreakdown parts = rewardFn.breakdown(ranking, out);
    int k = world.settings().topK();
    double change = Metrics.deltaRankAtK(scorer.baseline(k), ranking, k);
    return new Played(rewardFn.scalar(parts), parts, out, change, SessionEpisode.exposurePl(world, ranking,
        query.queryType()), SessionEpisode.diversity(world, ranking));
  }
}
