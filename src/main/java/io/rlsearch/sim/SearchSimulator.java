package io.rlsearch.sim;

import io.rlsearch.core.Action;
import io.rlsearch.core.Observation;
import io.rlsearch.core.RawState;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.SearchEnv;
import io.rlsearch.core.Step;
import io.rlsearch.core.StepInfo;
import io.rlsearch.core.random.NumpyRandom;

/**
 * The single-step search environment (the reference's {@code ZooplusSearchEnv}).
 *
 * <p>Construction draws the catalog from {@code default_rng(seed)}; {@link #reset} samples a user
 * and a query; {@link #step} draws fresh base-score noise, ranks the catalog by
 * {@code base + F clip(a)}, simulates the session and returns the reward with a full info.
 * Calling {@code step} again without {@code reset} reuses the same user and query, as the reference.
 * {@link #stepWithBoosts} ranks by per-product boosts instead (the template policies).
 *
 * <p>Observations are the reference's non-rich encoding: intent one-hot ‖ query-type one-hot ‖
 * segment one-hot (11 values with the default config). Owns its random stream; not thread-safe.
 */
public final class SearchSimulator implements SearchEnv {
  private final SimSettings settings;
  private NumpyRandom rng;
  private final World world;
  private final EpisodeScorer scorer;
  private final Behavior behavior;
  private final RewardFunction rewardFn;
  private User user;
  private Query query;

  /** {@code ZooplusSearchEnv(cfg)}: seeded by {@code settings.seed}. */
  public SearchSimulator(SimSettings settings) {
    this(settings, settings.seed());
  }

  /** {@code ZooplusSearchEnv(cfg, seed)}. */
  public SearchSimulator(SimSettings settings, long seed) {
    this(settings, new NumpyRandom(seed), null);
  }

  /** An env over an existing world (same catalog) with its own stream; the world is not redrawn. */
  public SearchSimulator(World world, NumpyRandom rng) {
    this(world.settings(), rng, world);
  }

  private SearchSimulator(SimSettings settings, NumpyRandom rng, World world) {
    this.settings = settings;
    this.rng = rng;
    this.world = world != null ? world : World.generate(settings, rng);
    this.scorer = new EpisodeScorer(this.world, settings.topK());
    this.behavior = new Behavior(this.world);
    this.rewardFn = new RewardFunction(this.world);
  }

  /** The world (catalog and samplers). */
  public World world() {
    return world;
  }

  /**
   * Switches the env to another random stream (the world is kept). Evaluations use it to give
   * every episode its own stream derived by index, so that policies compared on the same episode
   * see the same user, query and noise (common random numbers).
   */
  public void useStream(NumpyRandom stream) {
    this.rng = stream;
  }

  /** The env's random stream (shared with wrappers that draw from the same generator). */
  NumpyRandom rng() {
    return rng;
  }

  EpisodeScorer scorer() {
    return scorer;
  }

  /** The current user (after {@link #reset}). */
  public User user() {
    requireReset();
    return user;
  }

  /** The current query (after {@link #reset}). */
  public Query query() {
    requireReset();
    return query;
  }

  @Override
  public Observation reset() {
    user = world.sampleUser(rng);
    query = world.sampleQuery(user, rng);
    return Observation.vector(encode(user, query));
  }

  /** The reference's state dict for the current user and query. */
  public RawState state() {
    requireReset();
    return new RawState(world.segmentName(user.segment()), world.categoryName(query.intentCategory()),
        world.queryTypeName(query.queryType()), query.phiCat(settings.catalog().categories().size()));
  }

  float[] encode(User u, Query q) {
    return encode(settings, u, q);
  }

  /** The non-rich observation: intent one-hot ‖ query-type one-hot ‖ segment one-hot. */
  static float[] encode(SimSettings settings, User u, Query q) {
    int nc = settings.catalog().categories().size();
    int nt = settings.queries().queryTypes().size();
    int ns = settings.users().segments().size();
    float[] out = new float[nc + nt + ns];
    out[q.intentCategory()] = 1;
    out[nc + q.queryType()] = 1;
    out[nc + nt + u.segment()] = 1;
    return out;
  }

  @Override
  public Step step(Action action) {
    requireReset();
    if (action.dim() != settings.action().featureDim()) {
      throw new IllegalArgumentException("action must have " + settings.action().featureDim()
          + " boost weights, got " + action.dim());
    }
    double[] a = clip(action.values(), settings.action().aMax());
    scorer.drawBase(user, query, rng);
    int k = settings.topK();
    // The ranking's pass collects the base-score baseline too; asked for after it, baseline() is a copy.
    int[] ranking = scorer.rankByWeights(user, query, a, k);
    int[] baseline = scorer.baseline(k);
    return finish(ranking, baseline);
  }

  /** A step that ranks by {@code base + boosts} (a template policy); same draws as {@link #step}. */
  public Step stepWithBoosts(float[] boosts) {
    requireReset();
    scorer.drawBase(user, query, rng);
    int k = settings.topK();
    int[] baseline = scorer.baseline(k);
    int[] ranking = scorer.rankByBoosts(boosts, k);
    return finish(ranking, baseline);
  }

  private Step finish(int[] ranking, int[] baseline) {
    SessionOutcome out = behavior.simulate(user, query, ranking, scorer.sem, rng);
    RewardBreakdown parts = rewardFn.breakdown(ranking, out);
    double reward = rewardFn.scalar(parts);
    StepInfo info = new StepInfo(parts, out.satisfaction(), ranking, out.clicks(), out.buys(),
        scorer.infoFeatures(user, query, ranking), baseline, Metrics.deltaRankAtK(baseline, ranking, settings.topK()),
        world.segmentName(user.segment()), world.queryTypeName(query.queryType()), Double.NaN, false,
        RawState.NONE);
    return new Step(Observation.EMPTY, reward, true, false, info);
  }

  static double[] clip(double[] a, double aMax) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      if (Double.isNaN(a[i])) {
        throw new IllegalArgumentException("action component " + i + " is NaN");
      }
      out[i] = Math.max(-aMax, Math.min(aMax, a[i]));
    }
    return out;
  }

  private void requireReset() {
    if (user == null) {
      throw new IllegalStateException("call reset() before step()");
    }
  }

  @Override
  public int observationDim() {
    return settings.catalog().categories().size() + settings.queries().queryTypes().size()
        + settings.users().segments().size();
  }

  @Override
  public int actionDim() {
    return settings.action().featureDim();
  }

  @Override
  public double actionLow() {
    return -settings.action().aMax();
  }

  @Override
  public double actionHigh() {
    return settings.action().aMax();
  }
}
