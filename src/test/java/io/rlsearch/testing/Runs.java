package io.rlsearch.testing;

import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Small runs for runtime tests: a 500-product world and a builder for run specifications. */
public final class Runs {
  private Runs() {}

  /** A 500-product world drawn with {@code seed}. */
  public static World smallWorld(long seed) {
    return World.generate(ZoosimConfig.fromString("catalog { n_products = 500 }").withSeed(seed), new NumpyRandom(seed));
  }

  /** The actor system's configuration of the local topology, with Pekko's own logging at ERROR. */
  public static com.typesafe.config.Config quietSystemConfig() {
    return com.typesafe.config.ConfigFactory.parseString("pekko.loglevel = ERROR")
        .withFallback(com.typesafe.config.ConfigFactory.parseResources("actors/local.conf"))
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference()).resolve();
  }

  /** A single-session training run. */
  public static RunSpec train(World world, AgentBuilder agent, long seed, long episodes, int shards, int roundSize,
      double faultRate, Optional<Path> log) {
    return new RunSpec(world, new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), agent, seed, episodes, false, 1, 1.0, shards, roundSize,
        50, 64, 10_000, faultRate, 20, Duration.ofSeconds(20), Duration.ofMinutes(2), 4, log, "", 8);
  }

  /** A multi-session run of a fixed policy. */
  public static RunSpec retention(World world, AgentBuilder agent, long seed, long users, int shards) {
    return new RunSpec(world, new Task.BoostTemplates(TemplateBandits.FeatureMode.SIMPLE), agent, seed, users, true, 100, 0.95, shards, 0,
        50, 64, 10_000, 0.0, 20, Duration.ofSeconds(20), Duration.ofMinutes(2), 4, Optional.empty(), "", 8);
  }
}
