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
import io.rlsearch.testing.Gen;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints round-trip: whatever the config strings, counters, arrays (NaN, infinities and -0.0
 * included) and progress, {@code read(write(c))} gives {@code c} back exactly; and a bandit agent
 * restored from its checkpointed state decides as the agent it was saved from. Each try draws its inputs
 * from {@code Gen.of(SEED, try)}.
 */
class CheckpointPropertyTest {
  static final long SEED = 20251207L;

  @TempDir
  static Path dir;

  static IntStream roundTripTries() {
    return IntStream.range(0, 80);
  }

  static IntStream banditTries() {
    return IntStream.range(0, 20);
  }

  /** Up to 6 entries, keys of 1 to 12 characters of any kind, values of up to 20. */
  static Map<String, String> configs(Gen g) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = g.ints(0, 6); i > 0; i--) {
      m.put(g.string(1, 12), g.string(0, 20));
    }
    return m;
  }

  /** Up to 5 arrays of up to 20 values: any doubles, or NaN, infinities, -0.0 and the extremes. */
  static Map<String, double[]> arrays(Gen g) {
    Map<String, double[]> m = new LinkedHashMap<>();
    for (int i = g.ints(0, 5); i > 0; i--) {
      double[] v = new double[g.ints(0, 20)];
      for (int j = 0; j < v.length; j++) {
        v[j] = g.bool() ? g.anyDouble() : g.pickDouble(Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE);
      }
      m.put(g.alpha(1, 8), v);
    }
    return m;
  }

  /** Up to 6 counters of any value. */
  static Map<String, Long> counters(Gen g) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = g.ints(0, 6); i > 0; i--) {
      m.put(g.alpha(1, 8), g.anyLong());
    }
    return m;
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("roundTripTries")
  void aWrittenCheckpointReadsBackExactly(int t) throws Exception {
    Gen g = Gen.of(SEED, t);
    Map<String, String> config = configs(g);
    Map<String, double[]> arrays = arrays(g);
    Map<String, Long> counters = counters(g);
    long usersDone = g.nonNegativeLong();
    long version = g.anyLong();
    long learned = g.anyLong();
    long[] beyond = new long[g.ints(0, 20)];
    for (int i = 0; i < beyond.length; i++) {
      beyond[i] = g.anyLong();
    }
    StringBuilder shownArrays = new StringBuilder("{");
    arrays.forEach((k, v) -> shownArrays.append(shownArrays.length() > 1 ? ", " : "").append(k).append('=')
        .append(Gen.show(v)));
    String at = Gen.label(SEED, t, "config", config, "arrays", shownArrays.append('}'), "counters", counters,
        "usersDone", usersDone, "version", version, "learned", learned, "beyond", beyond);
    Checkpoints.Checkpoint c = new Checkpoints.Checkpoint(config, usersDone, version, learned,
        new AgentState("agent", arrays, counters), beyond);
    Path f = dir.resolve("c" + t + ".ckpt");
    Checkpoints.write(f, c);
    Checkpoints.Checkpoint r = Checkpoints.read(f);
    assertEquals(c.config(), r.config(), "config; " + at);
    assertEquals(usersDone, r.usersDone(), "usersDone; " + at);
    assertEquals(version, r.version(), "version; " + at);
    assertEquals(learned, r.learned(), "learned; " + at);
    assertArrayEquals(beyond, r.learnedBeyond(), "learnedBeyond; " + at);
    assertEquals("agent", r.state().agent(), at);
    assertEquals(counters, r.state().counters(), "counters; " + at);
    assertEquals(arrays.keySet(), r.state().arrays().keySet(), "array names; " + at);
    for (Map.Entry<String, double[]> e : arrays.entrySet()) {
      double[] got = r.state().arrays().get(e.getKey());
      assertEquals(e.getValue().length, got.length, e.getKey() + "; " + at);
      for (int i = 0; i < got.length; i++) {
        assertEquals(Double.doubleToLongBits(e.getValue()[i]), Double.doubleToLongBits(got[i]),
            e.getKey() + "[" + i + "]: wrote " + e.getValue()[i] + ", read " + got[i] + "; " + at);
      }
    }
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("banditTries")
  void aBanditRestoredFromItsCheckpointDecidesAsTheOriginal(int t) throws Exception {
    Gen g = Gen.of(SEED, t);
    int kind = g.ints(0, 1);
    int arms = g.ints(1, 5);
    int dim = g.ints(1, 4);
    int steps = g.ints(0, 40);
    long seed = g.longs(0, 1L << 40);
    String at = Gen.label(SEED, t, "agent", kind == 0 ? "linucb" : "thompson", "arms", arms, "dim", dim,
        "steps", steps, "seed", seed);
    AgentBuilder b = kind == 0 ? BanditAgents.linUcb(LinUcb.Settings.defaults())
        : BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 16);
    UpdateRule rule = b.create(arms, dim);
    NumpyRandom env = new NumpyRandom(seed);
    for (int s = 0; s < steps; s++) {
      double[] x = context(env, dim);
      Decision d = rule.snapshot(s).act(x, env);
      rule.observe(x, d, env.normal(d.arm() == 0 ? 1 : 0, 1));
    }
    Path f = dir.resolve("agent" + t + ".ckpt");
    Checkpoints.write(f, new Checkpoints.Checkpoint(Map.of("agent", b.name()), steps, steps, steps,
        rule.state().orElseThrow()));
    UpdateRule restored = b.restoreState(Checkpoints.read(f).state());
    NumpyRandom probe = new NumpyRandom(seed + 1);
    for (int i = 0; i < 10; i++) {
      double[] x = context(probe, dim);
      long s = probe.nextRaw();
      Decision want = rule.snapshot(steps).act(x, new NumpyRandom(s & Long.MAX_VALUE));
      Decision got = restored.snapshot(steps).act(x, new NumpyRandom(s & Long.MAX_VALUE));
      assertEquals(want, got, "decision " + i + "; " + at);
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
