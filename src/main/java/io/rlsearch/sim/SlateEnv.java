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
 * The slate environment (the reference's {@code SlateGymEnv}): the agent scores the top
 * 50 candidates by base relevance, and the user session runs over the candidates in score order.
 *
 * <p>Observation: an 8-d context (3 + 3 one-hots ‖ theta_price, theta_pl) and a 50 x 10 block of the
 * raw boost features of the candidates, z-scored across the candidates ({@code std + 1e-6}). The
 * reference compares the one-hots against segment and query-type names that never occur, so they
 * are always zero (quirk {@code slate_context_onehots_zero}, on by default); with the quirk off the
 * context is the real segment and query-type one-hots ‖ theta (9-d with the default config).
 * Action: one score per candidate. {@link #step} resets internally and returns the next observation.
 */
public final class SlateEnv implements SearchEnv {
  /** The reference's hard-coded one-hot slots (3 "segments" and 3 "query types"). */
  private static final int QUIRK_ONEHOTS = 6;

  private final SimSettings settings;
  private final NumpyRandom rng;
  private final World world;
  private final EpisodeScorer scorer;
  private final Behavior behavior;
  private final RewardFunction rewardFn;
  private final int maxCandidates;
  private final int itemDim;
  private User user;
  private Query query;
  private int[] candidates;

  /** {@code SlateGymEnv(cfg, seed, max_candidates=50, item_feature_dim=10)}. */
  public SlateEnv(SimSettings settings, long seed) {
    this(settings, seed, 50);
  }

  /** A slate env with {@code maxCandidates} candidates. */
  public SlateEnv(SimSettings settings, long seed, int maxCandidates) {
    this(settings, new NumpyRandom(seed), null, maxCandidates);
  }

  /** A slate env over an existing world with its own stream (the catalog is not redrawn). */
  public SlateEnv(World world, NumpyRandom rng, int maxCandidates) {
    this(world.settings(), rng, world, maxCandidates);
  }

  private SlateEnv(SimSettings settings, NumpyRandom rng, World world, int maxCandidates) {
    this.settings = settings;
    this.rng = rng;
    this.world = world != null ? world : World.generate(settings, rng);
    if (maxCandidates < 1) {
      throw new IllegalArgumentException("maxCandidates must be >= 1, got " + maxCandidates);
    }
    this.maxCandidates = Math.min(maxCandidates, this.world.catalog().size());
    this.itemDim = settings.action().featureDim();
    this.scorer = new EpisodeScorer(this.world, this.maxCandidates);
    this.behavior = new Behavior(this.world);
    this.rewardFn = new RewardFunction(this.world);
  }

  /** The world. */
  public World world() {
    return world;
  }

  /** The current candidates' product ids, in base-score order. */
  public int[] candidates() {
    return candidates.clone();
  }

  @Override
  public Observation reset() {
    user = world.sampleUser(rng);
    query = world.sampleQuery(user, rng);
    scorer.drawBase(query, rng);
    candidates = scorer.baseline(maxCandidates);
    int n = candidates.length;
    double[] raw = new double[n * itemDim];
    double[] row = new double[itemDim];
    for (int c = 0; c < n; c++) {
      scorer.rawFeatureRow(user, query, candidates[c], row);
      System.arraycopy(row, 0, raw, c * itemDim, itemDim);
    }
    float[] feats = new float[n * itemDim];
    for (int d = 0; d < itemDim; d++) {
      double mean = 0;
      for (int c = 0; c < n; c++) {
        mean += raw[c * itemDim + d];
      }
      mean /= n;
      double var = 0;
      for (int c = 0; c < n; c++) {
        double x = raw[c * itemDim + d] - mean;
        var += x * x;
      }
      double std = Math.sqrt(var / n) + 1e-6;
      for (int c = 0; c < n; c++) {
        feats[c * itemDim + d] = (float) ((raw[c * itemDim + d] - mean) / std);
      }
    }
    return new Observation(context(), feats, n, itemDim);
  }

  private float[] context() {
    if (settings.quirks().slateContextOnehotsZero()) {
      float[] ctx = new float[QUIRK_ONEHOTS + 2];
      ctx[QUIRK_ONEHOTS] = (float) user.thetaPrice();
      ctx[QUIRK_ONEHOTS + 1] = (float) user.thetaPl();
      return ctx;
    }
    int ns = settings.users().segments().size();
    int nt = settings.queries().queryTypes().size();
    float[] ctx = new float[ns + nt + 2];
    ctx[user.segment()] = 1;
    ctx[ns + query.queryType()] = 1;
    ctx[ns + nt] = (float) user.thetaPrice();
    ctx[ns + nt + 1] = (float) user.thetaPl();
    return ctx;
  }

  @Override
  public Step step(Action action) {
    if (candidates == null) {
      throw new IllegalStateException("call reset() before step()");
    }
    int n = candidates.length;
    if (action.dim() < n) {
      throw new IllegalArgumentException("action must score all " + n + " candidates, got " + action.dim());
    }
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = action.get(i);
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("candidate score " + i + " is NaN");
      }
    }
    int[] order = TopK.of(scores, n);
    int[] ranking = new int[n];
    for (int i = 0; i < n; i++) {
      ranking[i] = candidates[order[i]];
    }
    SessionOutcome out = behavior.simulate(user, query, ranking, scorer.sem, rng);
    RewardBreakdown parts = rewardFn.breakdown(ranking, out);
    double reward = rewardFn.scalar(parts);
    int k = Math.min(settings.topK(), n);
    int[] shown = java.util.Arrays.copyOf(ranking, k);
    StepInfo info = new StepInfo(parts, out.satisfaction(), shown, out.clicks(), out.buys(), new double[0],
        new int[0], Double.NaN, world.segmentName(user.segment()), world.queryTypeName(query.queryType()),
        Double.NaN, false, RawState.NONE);
    Observation next = reset();
    return new Step(next, reward, true, false, info);
  }

  @Override
  public int observationDim() {
    return settings.quirks().slateContextOnehotsZero() ? QUIRK_ONEHOTS + 2
        : settings.users().segments().size() + settings.queries().queryTypes().size() + 2;
  }

  @Override
  public int actionDim() {
    return maxCandidates;
  }

  @Override
  public double actionLow() {
    return Double.NEGATIVE_INFINITY;
  }

  @Override
  public double actionHigh() {
    return Double.POSITIVE_INFINITY;
  }
}
