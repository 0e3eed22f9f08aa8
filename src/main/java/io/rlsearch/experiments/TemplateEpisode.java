package io.rlsearch.experiments;

import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Behavior;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.RewardFunction;
import io.rlsearch.sim.SessionOutcome;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;

/**
 * One template-policy episode as the Chapter-6 script runs it: draw a user, a query and the base
 * scores, build the context, then simulate a session on {@code argsort(-(base + boosts))} for any
 * template (several templates may be played on the same draws, as the static sweep does).
 *
 * <p>Holds scratch: one per thread of work.
 */
final class TemplateEpisode implements SessionEpisode {

  private final World world;
  private final float[][] boosts;
  private final TemplateBandits.FeatureMode features;
  private final TemplateBandits.Estimator estimator;
  private final TemplateBandits.RichRegularization regularization;
  private final EpisodeScorer scorer;
  private final ContextFeatures contexts;
  private final Behavior behavior;
  private final RewardFunction rewardFn;
  private User user;
  private Query query;

  TemplateEpisode(World world, float[][] boosts, TemplateBandits.FeatureMode features,
      TemplateBandits.Estimator estimator) {
    this(world, boosts, features, estimator, TemplateBandits.RichRegularization.NONE);
  }

  TemplateEpisode(World world, float[][] boosts, TemplateBandits.FeatureMode features,
      TemplateBandits.Estimator estimator, TemplateBandits.RichRegularization regularization) {
    this.regularization = regularization;
    this.world = world;
    this.boosts = boosts;
    this.features = features;
    this.estimator = estimator;
    this.scorer = new EpisodeScorer(world, world.settings().topK());
    this.contexts = new ContextFeatures(world);
    this.behavior = new Behavior(world);
    this.rewardFn = new RewardFunction(world);
  }

  /** Context dimension, bias included. */
  @Override
  public int contextDim() {
    return contexts.dim(ContextFeatures.Mode.valueOf(features.name())) + 1;
  }

  /** Draws the user, the query and the base scores (the reference's order). */
  void draw(NumpyRandom rng) {
    user = world.sampleUser(rng);
    query = world.sampleQuery(user, rng);
    scorer.drawBase(query, rng);
  }

  /** Takes a user and query drawn elsewhere (the population) and draws the base scores from {@code rng}. */
  @Override
  public void prepare(User u, Query q, NumpyRandom rng) {
    user = u;
    query = q;
    scorer.drawBase(query, rng);
  }

  /** Positions shown to the user. */
  @Override
  public int impressions() {
    return Math.min(world.settings().topK(), world.catalog().size());
  }

  User user() {
    return user;
  }

  /** The Chapter-6 context vector of the current draws (bias last). */
  @Override
  public double[] context() {
    return switch (features) {
      case SIMPLE -> contexts.ch06Simple(user, query);
      case RICH -> switch (regularization) {
        case NONE -> contexts.ch06Rich(user, query, scorer);
        case BLEND -> contexts.ch06RichBlended(user, query, scorer);
        case QUANTIZED -> contexts.ch06RichEstimated(user, query, scorer);
      };
      case RICH_EST -> estimator == TemplateBandits.Estimator.CH06
          ? contexts.ch06RichEstimated(user, query, scorer)
          : withBias(contexts.richEstimated(user, query, scorer));
    };
  }

  /** Plays the decision's template. */
  @Override
  public Played play(io.rlsearch.agents.spi.Decision d, NumpyRandom rng) {
    if (d.continuous()) {
      throw new IllegalArgumentException("the template task takes an arm (template id), not boost weights");
    }
    return play(d.arm(), rng);
  }

  /** Simulates template {@code t} on the current draws. */
  Played play(int t, NumpyRandom rng) {
    int[] ranking = scorer.rankByBoosts(boosts[t], world.settings().topK());
    SessionOutcome out = behavior.simulate(user, query, ranking, scorer.cosines(), rng);
    RewardBreakdown parts = rewardFn.breakdown(ranking, out);
    return new Played(rewardFn.scalar(parts), parts, out, Double.NaN, SessionEpisode.exposurePl(world, ranking,
        query.queryType()), SessionEpisode.diversity(world, ranking));
  }

  private static double[] withBias(double[] x) {
    double[] out = java.util.Arrays.copyOf(x, x.length + 1);
    out[x.length] = 1.0;
    return out;
  }
}
