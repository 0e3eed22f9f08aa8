package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Checkpoints round-trip: whatever the config strings, counters, arrays (NaN, infinities and -0.0
 * included) and progress, {@code read(write(c))} gives {@code c} back exactly; and a bandit agent
 * restored from its checkpointed state decides as the agent it was saved from.
 */
class CheckpointProperties {
  private static Path dir;

  @BeforeContainer
  static void makeDir() throws Exception {
    dir = Files.createTempDirectory("rlsearch-checkpoint-properties");
  }

  @AfterContainer
  static void removeDir() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  @Provide
  Arbitrary<Map<String, String>> configs() {
    return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(12), Arbitraries.strings().ofMaxLength(20))
        .ofMaxSize(6);
  }

  @Provide
  Arbitrary<Map<String, double[]>> arrays() {
    Arbitrary<Double> values = Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.of(Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
        values.array(double[].class).ofMaxSize(20)).ofMaxSize(5);
  }

  @Provide
  Arbitrary<Map<String, Long>> counters() {
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), Arbitraries.longs())
        .ofMaxSize(6);
  }

  @Property(tries = 80, seed = "20251207")
  void aWrittenCheckpointReadsBackExactly(@ForAll("configs") Map<String, String> config,
      @ForAll("arrays") Map<String, double[]> arrays, @ForAll("counters") Map<String, Long> counters,
      @ForAll @LongRange(min = 0) long usersDone, @ForAll long version, @ForAll long learned,
      @ForAll long[] beyond) throws Exception {
    Checkpoints.Checkpoint c = new Checkpoints.Checkpoint(config, usersDone, version, learned,
        new AgentState("agent", arrays, counters), beyond);
    Path f = dir.resolve("c.ckpt");
    Checkpoints.write(f, c);
    Checkpoints.Checkpoint r = Checkpoints.read(f);
    assertEquals(c.config(), r.config());
    assertEquals(usersDone, r.usersDone());
    assertEquals(version, r.version());
    assertEquals(learned, r.learned());
    assertArrayEquals(beyond, r.learnedBeyond());
    assertEquals("agent", r.state().agent());
    assertEquals(counters, r.state().counters());
    assertEquals(arrays.keySet(), r.state().arrays().keySet());
    for (Map.Entry<String, double[]> e : arrays.entrySet()) {
      double[] got = r.state().arrays().get(e.getKey());
      assertEquals(e.getValue().length, got.length, e.getKey());
      for (int i = 0; i < got.length; i++) {
        assertEquals(Double.doubleToLongBits(e.getValue()[i]), Double.doubleToLongBits(got[i]),
            e.getKey() + "[" + i + "]: wrote " + e.getValue()[i] + ", read " + got[i]);
      }
    }
  }

  @Property(tries = 20, seed = "20251207")
  void aBanditRestoredFromItsCheckpointDecidesAsTheOriginal(@ForAll @IntRange(min = 0, max = 1) int kind,
      @ForAll @IntRange(min = 1, max = 5) int arms, @ForAll @IntRange(min = 1, max = 4) int dim,
      @ForAll @IntRange(min = 0, max = 40) int steps, @ForAll @LongRange(min = 0, max = 1L << 40) long seed)
      throws Exception {
    AgentBuilder b = kind == 0 ? BanditAgents.linUcb(LinUcb.Settings.defaults())
        : BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 16);
    UpdateRule rule = b.create(arms, dim);
    NumpyRandom env = new NumpyRandom(seed);
    for (int t = 0; t < steps; t++) {
      double[] x = context(env, dim);
      Decision d = rule.snapshot(t).act(x, env);
      rule.observe(x, d, env.normal(d.arm() == 0 ? 1 : 0, 1));
    }
    Path f = dir.resolve("agent.ckpt");
    Checkpoints.write(f, new Checkpoints.Checkpoint(Map.of("agent", b.name()), steps, steps, steps,
        rule.state().orElseThrow()));
    UpdateRule restored = b.restoreState(Checkpoints.read(f).state());
    NumpyRandom probe = new NumpyRandom(seed + 1);
    for (int t = 0; t < 10; t++) {
      double[] x = context(probe, dim);
      long s = probe.nextRaw();
      Decision want = rule.snapshot(steps).act(x, new NumpyRandom(s & Long.MAX_VALUE));
      Decision got = restored.snapshot(steps).act(x, new NumpyRandom(s & Long.MAX_VALUE));
      assertEquals(want, got, "decision " + t);
      double r = probe.normal(0, 1);
      rule.observe(x, want, r);
      restored.observe(x, got, r);
    }
  }

  private static double[] context(NumpyRandom rng, int dim) {
    double[] x = new double[dim];
    for (int i = 0; i < dim; i++) {
      x[i] = rng.normal(0, 1);
    }
    return x;
  }
}
