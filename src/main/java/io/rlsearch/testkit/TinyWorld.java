package io.rlsearch.testkit;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;

/**
 * A small world for behavioural tests: the default model with 500 products instead of 10,000, so a
 * run of a few hundred episodes takes well under a second. Deterministic: the same seed gives the
 * same catalog, users and queries.
 */
public final class TinyWorld {
  /** The overlay on the default world. */
  public static final String OVERLAY = "catalog { n_products = 500 }";

  private TinyWorld() {}

  /** The settings of the tiny world drawn with {@code seed}. */
  public static SimSettings settings(long seed) {
    return ZoosimConfig.fromString(OVERLAY).withSeed(seed);
  }

  /** The tiny world drawn with {@code seed}. */
  public static World create(long seed) {
    return World.generate(settings(seed), new NumpyRandom(seed));
  }
}
