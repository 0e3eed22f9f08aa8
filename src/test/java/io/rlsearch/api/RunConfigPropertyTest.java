package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import io.rlsearch.testing.Gen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration round-trips: an experiment file, loaded, rendered (what a clustered run sends to every
 * node) and read back, gives the same experiment, the same settings and the same world settings. Each
 * try draws its settings from {@code Gen.of(SEED, try)}.
 */
class RunConfigPropertyTest {
  static final long SEED = 20251207L;

  static IntStream tries() {
    return IntStream.range(0, 20);
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("tries")
  void aRenderedExperimentReadsBackAsTheSameExperiment(int t) throws Exception {
    Gen g = Gen.of(SEED, t);
    String agent = g.pick("linucb", "ts", "static", "random", "contq", "ppo", "slateq");
    String features = g.pick("simple", "rich", "rich_est");
    long seed = g.nonNegativeLong();
    int episodes = g.ints(1, Integer.MAX_VALUE);
    boolean deterministic = g.bool();
    int roundSize = g.ints(1, 100_000);
    double alpha = g.doubles(0.01, 1e6);
    int products = g.ints(1, 100_000);
    String template = g.alpha(1, 12);
    String at = Gen.label(SEED, t, "agent", agent, "features", features, "seed", seed, "episodes", episodes,
        "deterministic", deterministic, "round_size", roundSize, "alpha", alpha, "products", products,
        "template", template);
    Path f = Files.createTempFile("rlsearch-experiment", ".conf");
    try {
      Files.writeString(f, "experiment {\n  agent = \"" + agent + "\"\n  features = " + features + "\n  seed = " + seed
          + "\n  episodes = " + episodes + "\n  deterministic = " + deterministic + "\n  round_size = " + roundSize
          + "\n  linucb.alpha = " + alpha + "\n  static.template = \"" + template + "\"\n  world { catalog {"
          + " n_products = " + products + " } }\n}\n");
      RunConfig a = RunConfig.load(Optional.of(f), Optional.empty());
      RunConfig b = RunConfig.ofRenderedExperiment(a.renderedExperiment());
      assertEquals(a.experiment, b.experiment, at);
      assertEquals(a.renderedExperiment(), b.renderedExperiment(), at);
      assertEquals(agent, b.agentName(), at);
      assertEquals(a.features(), b.features(), at);
      assertEquals(seed, b.seed(), at);
      assertEquals(episodes, b.episodes(), at);
      assertEquals(deterministic, b.deterministic(), at);
      assertEquals(roundSize, b.roundSize(), at);
      assertEquals(alpha, b.experiment.getDouble("linucb.alpha"), 0.0, at);
      assertEquals(template, b.experiment.getString("static.template"), at);
      SimSettings wa = ZoosimConfig.fromOverlay(a.experiment.getConfig("world"));
      SimSettings wb = ZoosimConfig.fromOverlay(b.experiment.getConfig("world"));
      assertEquals(products, wb.catalog().nProducts(), at);
      assertEquals(wa.catalog().categories(), wb.catalog().categories(), at);
      assertEquals(wa.topK(), wb.topK(), at);
      assertEquals(a.shards(), b.shards(), at);
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
