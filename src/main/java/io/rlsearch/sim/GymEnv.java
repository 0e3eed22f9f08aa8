package io.rlsearch.sim;

import io.rlsearch.core.Action;
import io.rlsearch.core.Observation;
import io.rlsearch.core.SearchEnv;
import io.rlsearch.core.Step;
import io.rlsearch.core.random.NumpyRandom;

/**
 * The Gymnasium wrapper (the reference's {@code GymZooplusEnv}): vector observations, a
 * 10-d boost-weight action in [-a_max, a_max], one step per episode.
 *
 * <p>Observations are the non-rich encoding (intent ‖ query type ‖ segment one-hots, 11 values) or,
 * with {@code rich}, the 17 zoosim rich-estimated features, computed from a fresh base-score draw
 * (10,000 normals) taken right after the reset, as the reference does. {@link #step} runs the core
 * step and then immediately resets, returning the next episode's observation; its info carries that
 * next state as {@code rawState}.
 */
public final class GymEnv implements SearchEnv {
  private final SimSettings settings;
  private final boolean rich;
  private SearchSimulator core;
  private ContextFeatures features;

  /** {@code GymZooplusEnv(cfg, seed, rich_features)}. */
  public GymEnv(SimSettings settings, long seed, boolean rich) {
    this.settings = settings;
    this.rich = rich;
    this.core = new SearchSimulator(settings, seed);
    this.features = new ContextFeatures(core.world());
  }

  /** A Gym env over an existing world with its own stream (the catalog is not redrawn). */
  public GymEnv(World world, NumpyRandom rng, boolean rich) {
    this.settings = world.settings();
    this.rich = rich;
    this.core = new SearchSimulator(world, rng);
    this.features = new ContextFeatures(world);
  }

  /** The underlying single-step env. */
  public SearchSimulator core() {
    return core;
  }

  /** Whether observations are the 17-d rich-estimated features. */
  public boolean rich() {
    return rich;
  }

  @Override
  public Observation reset() {
    core.reset();
    return observe();
  }

  /** {@code reset(seed=...)}: rebuilds the core env (and its catalog) from a new seed, then resets. */
  public Observation reset(long seed) {
    core = new SearchSimulator(settings, seed);
    features = new ContextFeatures(core.world());
    return reset();
  }

  private Observation observe() {
    if (!rich) {
      return Observation.vector(core.encode(core.user(), core.query()));
    }
    core.scorer().drawBase(core.query(), core.rng());
    double[] x = features.richEstimated(core.user(), core.query(), core.scorer());
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return Observation.vector(f);
  }

  @Override
  public Step step(Action action) {
    Step s = core.step(action);
    Observation next = reset();
    return new Step(next, s.reward(), true, false, s.info().withRawState(core.state()));
  }

  @Override
  public int observationDim() {
    return rich ? features.dim(ContextFeatures.Mode.RICH_EST) : core.observationDim();
  }

  @Override
  public int actionDim() {
    return core.actionDim();
  }

  @Override
  public double actionLow() {
    return core.actionLow();
  }

  @Override
  public double actionHigh() {
    return core.actionHigh();
  }
}
