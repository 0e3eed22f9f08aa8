package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.AlphaChars;

/**
 * Configuration round-trips: an experiment file, loaded, rendered (what a clustered run sends to every
 * node) and read back, gives the same experiment, the same settings and the same world settings.
 */
class RunConfigProperties {
  @Property(tries = 20, seed = "20251207")
  void aRenderedExperimentReadsBackAsTheSameExperiment(@ForAll @From("agents") String agent,
      @ForAll @From("features") String features, @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 1) int episodes, @ForAll boolean deterministic,
      @ForAll @IntRange(min = 1, max = 100_000) int roundSize, @ForAll @DoubleRange(min = 0.01, max = 1e6) double alpha,
      @ForAll @IntRange(min = 1, max = 100_000) int products, @ForAll @AlphaChars @StringLength(min = 1, max = 12)
      String template) throws Exception {
    Path f = Files.createTempFile("rlsearch-experiment", ".conf");
    try {
      Files.writeString(f, "experiment {\n  agent = \"" + agent + "\"\n  features = " + features + "\n  seed = " + seed
          + "\n  episodes = " + episodes + "\n  deterministic = " + deterministic + "\n  round_size = " + roundSize
          + "\n  linucb.alpha = " + alpha + "\n  static.template = \"" + template + "\"\n  world { catalog {"
          + " n_products = " + products + " } }\n}\n");
      RunConfig a = RunConfig.load(Optional.of(f), Optional.empty());
      RunConfig b = RunConfig.ofRenderedExperiment(a.renderedExperiment());
      assertEquals(a.experiment, b.experiment);
      assertEquals(a.renderedExperiment(), b.renderedExperiment());
      assertEquals(agent, b.agentName());
      assertEquals(a.features(), b.features());
      assertEquals(seed, b.seed());
      assertEquals(episodes, b.episodes());
      assertEquals(deterministic, b.deterministic());
      assertEquals(roundSize, b.roundSize());
      assertEquals(alpha, b.experiment.getDouble("linucb.alpha"), 0.0);
      assertEquals(template, b.experiment.getString("static.template"));
      SimSettings wa = ZoosimConfig.fromOverlay(a.experiment.getConfig("world"));
      SimSettings wb = ZoosimConfig.fromOverlay(b.experiment.getConfig("world"));
      assertEquals(products, wb.catalog().nProducts());
      assertEquals(wa.catalog().categories(), wb.catalog().categories());
      assertEquals(wa.topK(), wb.topK());
      assertEquals(a.shards(), b.shards());
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> agents() {
    return net.jqwik.api.Arbitraries.of("linucb", "ts", "static", "random", "contq", "ppo", "slateq");
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> features() {
    return net.jqwik.api.Arbitraries.of("simple", "rich", "rich_est");
  }
}
