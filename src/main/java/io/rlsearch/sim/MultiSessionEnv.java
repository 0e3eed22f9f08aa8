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
 * The multi-session environment (the reference's {@code MultiSessionEnv}): the same user
 * comes back for session after session until they churn.
 *
 * <p>{@link #reset} samples a user and a query; each {@link #step} ranks and simulates one session,
 * then draws whether the user returns ({@code p_return} from the session's clicks and final
 * satisfaction, one uniform). A returning user issues a new query and the episode continues; a
 * churned one ends it with a terminal state. There is no horizon cap inside the env.
 *
 * <p>As a {@link SearchEnv} the observation is intent one-hot ‖ query-type one-hot ‖ segment one-hot
 * ‖ [last satisfaction, last clicks, t] (14 values with the default config); {@link #state} gives the
 * reference's {@code SessionMDPState}.
 */
public final class MultiSessionEnv implements SearchEnv {
  /**
   * The reference's {@code SessionMDPState}.
   *
   * @param t sessions completed in this episode
   * @param userSegment segment name
   * @param queryType query type of the next session ("terminal" once the user churned)
   * @param phiCat intent one-hot of the next session (empty once terminal)
   * @param lastSatisfaction final satisfaction of the previous session (0 at reset)
   * @param lastClicks clicks of the previous session (0 at reset)
   */
  public record SessionState(int t, String userSegment, String queryType, double[] phiCat,
      double lastSatisfaction, int lastClicks) {
    public SessionState {
      phiCat = phiCat.clone();
    }

    @Override
    public double[] phiCat() {
      return phiCat.clone();
    }

    /** Whether the user has churned. */
    public boolean terminal() {
      return "terminal".equals(queryType);
    }
  }

  private final SimSettings settings;
  private final NumpyRandom rng;
  private final World world;
  private final EpisodeScorer scorer;
  private final Behavior behavior;
  private final RewardFunction rewardFn;
  private final Retention retention;
  private User user;
  private Query query;
  private SessionState state;

  /** {@code MultiSessionEnv(cfg, seed)}. */
  public MultiSessionEnv(SimSettings settings, long seed) {
    this(settings, new NumpyRandom(seed), null);
  }

  /** A multi-session env over an existing world with its own stream. */
  public MultiSessionEnv(World world, NumpyRandom rng) {
    this(world.settings(), rng, world);
  }

  private MultiSessionEnv(SimSettings settings, NumpyRandom rng, World world) {
    this.settings = settings;
    this.rng = rng;
    this.world = world != null ? world : World.generate(settings, rng);
    this.scorer = new EpisodeScorer(this.world, settings.topK());
    this.behavior = new Behavior(this.world);
    this.rewardFn = new RewardFunction(this.world);
    this.retention = new Retention(settings.retention());
  }

  /** The world. */
  public World world() {
    return world;
  }

  /** The current user. */
  public User user() {
    return user;
  }

  /** The current state. */
  public SessionState state() {
    if (state == null) {
      throw new IllegalStateException("call reset() first");
    }
    return state;
  }

  /** Starts a new user's episode and returns its state. */
  public SessionState resetState() {
    user = world.sampleUser(rng);
    query = world.sampleQuery(user, rng);
    state = new SessionState(0, world.segmentName(user.segment()), world.queryTypeName(query.queryType()),
        query.phiCat(settings.catalog().categories().size()), 0.0, 0);
    return state;
  }

  @Override
  public Observation reset() {
    resetState();
    return observe();
  }

  private Observation observe() {
    int nc = settings.catalog().categories().size();
    int nt = settings.queries().queryTypes().size();
    int ns = settings.users().segments().size();
    float[] out = new float[nc + nt + ns + 3];
    if (!state.terminal()) {
      float[] base = SearchSimulator.encode(settings, user, query);
      System.arraycopy(base, 0, out, 0, base.length);
    } else {
      out[nc + nt + user.segment()] = 1;
    }
    out[nc + nt + ns] = (float) state.lastSatisfaction();
    out[nc + nt + ns + 1] = state.lastClicks();
    out[nc + nt + ns + 2] = state.t();
    return Observation.vector(out);
  }

  @Override
  public Step step(Action action) {
    if (state == null || state.terminal()) {
      throw new IllegalStateException(state == null ? "call reset() before step()"
          : "the user has churned; call reset() to start a new episode");
    }
    if (action.dim() != settings.action().featureDim()) {
      throw new IllegalArgumentException("action must have " + settings.action().featureDim()
          + " boost weights, got " + action.dim());
    }
    double[] a = SearchSimulator.clip(action.values(), settings.action().aMax());
    scorer.drawBase(user, query, rng);
    int k = settings.topK();
    int[] ranking = scorer.rankByWeights(user, query, a, k);
    SessionOutcome out = behavior.simulate(user, query, ranking, scorer.sem, rng);
    RewardBreakdown parts = rewardFn.breakdown(ranking, out);
    double reward = rewardFn.scalar(parts);
    double pReturn = retention.returnProbability(out.totalClicks(), out.satisfaction());
    boolean returned = rng.random() < pReturn;
    double[] features = scorer.infoFeatures(user, query, ranking);
    String segment = world.segmentName(user.segment());
    String queryType = world.queryTypeName(query.queryType());
    int t = state.t() + 1;
    if (returned) {
      query = world.sampleQuery(user, rng);
      state = new SessionState(t, segment, world.queryTypeName(query.queryType()),
          query.phiCat(settings.catalog().categories().size()), out.satisfaction(), out.totalClicks());
    } else {
      state = new SessionState(t, segment, "terminal", new double[0], out.satisfaction(), out.totalClicks());
    }
    StepInfo info = new StepInfo(parts, out.satisfaction(), ranking, out.clicks(), out.buys(), features,
        new int[0], Double.NaN, segment, queryType, pReturn, returned,
        new RawState(segment, returned ? world.categoryName(query.intentCategory()) : "", state.queryType(),
            state.phiCat()));
    return new Step(observe(), reward, !returned, false, info);
  }

  @Override
  public int observationDim() {
    return settings.catalog().categories().size() + settings.queries().queryTypes().size()
        + settings.users().segments().size() + 3;
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
