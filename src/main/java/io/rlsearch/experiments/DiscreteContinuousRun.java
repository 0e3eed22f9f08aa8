package io.rlsearch.experiments;

import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Behavior;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.RewardFunction;
import io.rlsearch.sim.SessionOutcome;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;

/**
 * Appendix 7.A's head-to-head protocol (the reference's {@code scripts/ch07/compare_discrete_continuous.py}):
 * template LinUCB against a continuous agent over the 10 boost weights, on one generator shared by
 * everything, in the script's order of draws.
 *
 * <ol>
 *   <li>{@code default_rng(seed)} draws the catalog, then one user and one query that are never played
 *       (the script's dimension probe).
 *   <li>Each episode draws a user, a query and the base scores, and builds the 17 rich estimated context
 *       features (rounded to float32, as the script passes them on).
 *   <li>LinUCB (lambda 1, alpha 1, no bias coordinate) picks one of the 8 templates of amplitude
 *       {@code templateAmplitude}; its session is simulated on {@code argsort(-(base + boosts))} from the
 *       same generator, and LinUCB learns the reward at once.
 *   <li>The continuous agent picks a weight vector; clipped to {@code [-aMax, aMax]}, it ranks by
 *       {@code base + F w} with F the products' 10 boost features z-scored over the catalog for this user
 *       and query (the config's {@code standardize_features}, on by default); the session is simulated
 *       from the same generator, after LinUCB's, and the agent learns the reward.
 * </ol>
 *
 * <p>Pure and deterministic given a deterministic agent.
 */
public final class DiscreteContinuousRun {
  private DiscreteContinuousRun() {}

  /** The continuous side: acts on episode {@code i} (1-based) of {@code n}, then learns its reward. */
  public interface ContinuousAgent {
    /** The weight vector for the context of episode {@code episode} (1-based) of {@code episodes}. */
    double[] act(double[] context, int episode, int episodes);

    /** Learns the reward of the action it took on {@code context}. */
    void learn(double[] context, double[] action, double reward);
  }

  /**
   * Protocol settings.
   *
   * @param seed the generator's seed (world and episodes)
   * @param episodes episodes played by each agent
   * @param aMax the continuous agent's box
   * @param templateAmplitude the templates' amplitude (5 in the script, whatever the box)
   */
  public record Settings(long seed, int episodes, double aMax, double templateAmplitude) {
    public Settings {
      if (seed < 0 || episodes < 1 || !(aMax > 0) || !(templateAmplitude > 0)) {
        throw new IllegalArgumentException("the comparison needs seed >= 0, episodes >= 1, a_max > 0 and a template"
            + " amplitude > 0");
      }
    }
  }

  /**
   * Per-episode outcomes of both agents, in episode order.
   *
   * @param linucbReward LinUCB's rewards
   * @param linucbGmv LinUCB's GMV
   * @param linucbArms the templates LinUCB chose
   * @param continuousReward the continuous agent's rewards
   * @param continuousGmv the continuous agent's GMV
   */
  public record Result(double[] linucbReward, double[] linucbGmv, int[] linucbArms, double[] continuousReward,
      double[] continuousGmv) {
    /** Mean of the last {@code n} entries of {@code v}. */
    public static double tail(double[] v, int n) {
      int k = Math.min(n, v.length);
      double s = 0;
      for (int i = v.length - k; i < v.length; i++) {
        s += v[i];
      }
      return s / k;
    }
  }

  /** Runs the protocol on the world of {@code base} with its seed replaced by {@code s.seed()}. */
  public static Result run(SimSettings base, Settings s, ContinuousAgent agent) {
    SimSettings settings = base.withSeed(s.seed());
    NumpyRandom rng = new NumpyRandom(s.seed());
    World world = World.generate(settings, rng);
    float[][] boosts = Templates.all(world.catalog(), s.templateAmplitude(), s.templateAmplitude());
    EpisodeScorer scorer = new EpisodeScorer(world, settings.topK());
    ContextFeatures features = new ContextFeatures(world);
    Behavior behavior = new Behavior(world);
    RewardFunction rewardFn = new RewardFunction(world);
    // the script's probe of the context dimension: one user and query drawn and never played
    User probe = world.sampleUser(rng);
    world.sampleQuery(probe, rng);
    int dim = features.dim(ContextFeatures.Mode.RICH_EST);
    LinUcb linucb = new LinUcb(boosts.length, dim, new LinUcb.Settings(1.0, 1.0, false));
    int n = s.episodes();
    int k = settings.topK();
    double[] lr = new double[n];
    double[] lg = new double[n];
    int[] arms = new int[n];
    double[] cr = new double[n];
    double[] cg = new double[n];
    for (int i = 0; i < n; i++) {
      User user = world.sampleUser(rng);
      Query query = world.sampleQuery(user, rng);
      scorer.drawBase(user, query, rng);
      double[] x = features.richEstimated(user, query, scorer);
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) x[j];
      }
      int arm = linucb.select(x);
      int[] ranking = scorer.rankByBoosts(boosts[arm], k);
      RewardBreakdown parts = session(behavior, rewardFn, user, query, ranking, scorer, rng);
      double r = rewardFn.scalar(parts);
      linucb.update(arm, x, r);
      arms[i] = arm;
      lr[i] = r;
      lg[i] = parts.gmv();
      double[] w = agent.act(x.clone(), i + 1, n);
      double[] clipped = new double[w.length];
      for (int j = 0; j < w.length; j++) {
        if (Double.isNaN(w[j])) {
          throw new IllegalStateException("the continuous agent returned NaN in weight " + j + " at episode " + (i + 1));
        }
        clipped[j] = Math.max(-s.aMax(), Math.min(s.aMax(), w[j]));
      }
      ranking = scorer.rankByWeights(user, query, clipped, k);
      parts = session(behavior, rewardFn, user, query, ranking, scorer, rng);
      double rc = rewardFn.scalar(parts);
      agent.learn(x.clone(), w.clone(), rc);
      cr[i] = rc;
      cg[i] = parts.gmv();
    }
    return new Result(lr, lg, arms, cr, cg);
  }

  private static RewardBreakdown session(Behavior behavior, RewardFunction rewardFn, User user, Query query,
      int[] ranking, EpisodeScorer scorer, NumpyRandom rng) {
    SessionOutcome out = behavior.simulate(user, query, ranking, scorer.cosines(), rng);
    return rewardFn.breakdown(ranking, out);
  }
}
