package io.rlsearch.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.api.RunConfig;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.logs.LogFormatException;
import io.rlsearch.eval.logs.ObdDataset;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.learn.Checkpoints;
import io.rlsearch.sim.SettingsException;
import io.rlsearch.sim.ZoosimConfig;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input, generated and mutated by the thousand from valid files with fixed seeds: every input
 * a user can hand the loaders (config overlays, experiment files, checkpoints, decision logs, OBD-layout
 * CSVs) is either accepted or refused with the loader's own exception and a one-line message; no other
 * exception escapes, and no input takes more than a few seconds.
 */
@Tag("slow") // about a minute a surface on two cores: mvn -P slow test -Dtest=HostileInputTest
class HostileInputTest {
  private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "hostile-input");
    t.setDaemon(true);
    return t;
  });

  @TempDir
  Path dir;

  @AfterAll
  static void stop() {
    RUNNER.shutdownNow();
  }

  /**
   * The most the heap may grow, after a forced collection, between a surface's warm-up and its end:
   * the loaders keep nothing of an input once it is loaded or refused, so any lasting growth is a leak;
   * the bound leaves room for the class and configuration caches a first use of a code path fills.
   */
  static final long HEAP_BOUND = 8L << 20;

  /** Inputs tried before the heap and the threads are first measured. */
  static final int WARM_UP = 100;

  /** Threads that may come or go between the warm-up and the end. */
  static final int THREAD_MARGIN = 2;

  /** The heap in use after a forced collection (the least of four). */
  static long heapAfterGc() {
    java.lang.management.MemoryMXBean m = java.lang.management.ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      used = Math.min(used, m.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  static int threads() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** What one surface's inputs did. */
  static final class Tally {
    final String surface;
    int tried;
    int accepted;
    int refused;
    long heapAtWarmUp = -1;
    int threadsAtWarmUp;
    final List<String> failures = new ArrayList<>();

    Tally(String surface) {
      this.surface = surface;
    }

    /**
     * Runs {@code load} on one input: accepted, refused by one of {@code refusals} with a one-line
     * message, or a failure (another exception, a message of several lines or none, a hang).
     */
    void attempt(String input, Callable<?> load, List<Class<? extends Throwable>> refusals) {
      if (tried == WARM_UP) {
        heapAtWarmUp = heapAfterGc();
        threadsAtWarmUp = threads();
      }
      tried++;
      Future<?> f = RUNNER.submit(load);
      try {
        f.get(10, TimeUnit.SECONDS);
        accepted++;
      } catch (TimeoutException e) {
        f.cancel(true);
        failures.add(input + ": no answer within 10 s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause();
        boolean known = refusals.stream().anyMatch(k -> k.isInstance(c));
        String m = c.getMessage();
        if (known && m != null && !m.isBlank() && !m.contains("\n")) {
          refused++;
        } else {
          failures.add(input + ": " + c.getClass().getName() + ": " + m);
        }
      }
    }

    void check() {
      long heap = heapAfterGc();
      int threads = threads();
      long growth = heap - heapAtWarmUp;
      System.out.println("hostile input: " + surface + ": " + tried + " tried, " + accepted + " accepted, " + refused
          + " refused, " + failures.size() + " failures");
      System.out.printf("hostile input: %s: heap after a forced GC %.1f MB after %d inputs, %.1f MB at the end"
          + " (growth %.1f MB, bound %d MB); threads %d then %d%n", surface, heapAtWarmUp / 1048576.0, WARM_UP,
          heap / 1048576.0, growth / 1048576.0, HEAP_BOUND >> 20, threadsAtWarmUp, threads);
      assertTrue(failures.isEmpty(), surface + ": " + failures.size() + " of " + tried + " inputs escaped; first: "
          + failures.subList(0, Math.min(5, failures.size())));
      assertTrue(heapAtWarmUp > 0, "more than " + WARM_UP + " inputs are tried");
      assertTrue(growth < HEAP_BOUND, surface + ": the heap grew by " + growth + " bytes; bound " + HEAP_BOUND);
      assertTrue(threads <= threadsAtWarmUp + THREAD_MARGIN, surface + ": threads " + threadsAtWarmUp + " then "
          + threads);
    }
  }

  private static final String[] HOSTILE = {"", "-1", "0", "-0", "1e999", "-1e999", "NaN", "Infinity", "null", "true",
      "\"\"", "\"x\"", "[]", "[1, 2]", "{}", "{ a = 1 }", "9223372036854775808", "2147483648", "-2147483649",
      "0.0000001", "1e-320", "${nowhere}", "\"\\u0000\"", "[[]]", "[\"a\", 1]", "3.5", "\"é\u202e\""};

  /** One mutation of {@code text}: bytes deleted, inserted, flipped, repeated or cut. */
  static byte[] mutate(byte[] text, NumpyRandom rng) {
    byte[] b = text.clone();
    int ops = 1 + (int) rng.integers(0, 3);
    for (int o = 0; o < ops; o++) {
      int n = b.length;
      int at = n == 0 ? 0 : (int) rng.integers(0, n);
      switch ((int) rng.integers(0, 6)) {
        case 0 -> { // delete a range
          int len = (int) Math.min(n - at, rng.integers(1, 40));
          byte[] c = new byte[n - len];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + len, c, at, n - at - len);
          b = c;
        }
        case 1 -> { // insert a hostile token
          byte[] tok = HOSTILE[(int) rng.integers(0, HOSTILE.length)].getBytes(StandardCharsets.UTF_8);
          byte[] c = new byte[n + tok.length];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(tok, 0, c, at, tok.length);
          System.arraycopy(b, at, c, at + tok.length, n - at);
          b = c;
        }
        case 2 -> { // flip a bit
          if (n > 0) {
            b[at] ^= (byte) (1 << rng.integers(0, 8));
          }
        }
        case 3 -> { // cut the end
          b = Arrays.copyOf(b, at);
        }
        case 4 -> { // repeat a range
          int len = (int) Math.min(n - at, rng.integers(1, 200));
          byte[] c = new byte[n + len];
          System.arraycopy(b, 0, c, 0, at + len);
          System.arraycopy(b, at, c, at + len, n - at);
          b = c;
        }
        default -> { // a structural character
          if (n > 0) {
            b[at] = "{}[],=:\"\n#\\".getBytes(StandardCharsets.US_ASCII)[(int) rng.integers(0, 11)];
          }
        }
      }
    }
    return b;
  }

  @Test
  void configOverlaysAndExperimentFiles() throws Exception {
    Tally t = new Tally("config files");
    NumpyRandom rng = new NumpyRandom(1);
    byte[] zoosim = Files.readAllBytes(Path.of("config/zoosim.conf"));
    byte[] experiment = Files.readAllBytes(Path.of("config/experiments/default.conf"));
    List<String> keys = new ArrayList<>(ZoosimConfig.class.getClassLoader().getResource("config/zoosim.conf") == null
        ? List.of() : com.typesafe.config.ConfigFactory.parseResources("config/zoosim.conf").entrySet().stream()
        .map(Map.Entry::getKey).sorted().toList());
    assertTrue(keys.size() > 20, "the defaults' keys: " + keys.size());
    Path f = dir.resolve("world.conf");
    Path e = dir.resolve("experiment.conf");
    List<Class<? extends Throwable>> refusals = List.of(SettingsException.class);
    for (int i = 0; i < 1200; i++) {
      // Every key with a hostile value, as a user would override it.
      String key = keys.get((int) rng.integers(0, keys.size()));
      String value = HOSTILE[(int) rng.integers(0, HOSTILE.length)];
      Files.writeString(f, key + " = " + value + "\n");
      t.attempt("overlay '" + key + " = " + value + "'", () -> ZoosimConfig.load(Optional.of(f)), refusals);
    }
    for (int i = 0; i < 600; i++) {
      byte[] m = mutate(zoosim, rng);
      Files.write(f, m);
      t.attempt("mutated zoosim.conf #" + i, () -> ZoosimConfig.load(Optional.of(f)), refusals);
    }
    for (int i = 0; i < 400; i++) {
      byte[] m = mutate(experiment, rng);
      Files.write(e, m);
      t.attempt("mutated experiment #" + i, () -> {
        RunConfig c = RunConfig.load(Optional.of(e), Optional.empty());
        c.agentName();
        c.seed();
        c.episodes();
        c.roundSize();
        c.features();
        c.deterministic();
        return c.shards();
      }, refusals);
    }
    t.check();
  }

  @Test
  void checkpointsTruncatedBitFlippedRewrittenOrOfAnotherAgent() throws Exception {
    Tally t = new Tally("checkpoint files");
    NumpyRandom rng = new NumpyRandom(2);
    AgentBuilder linucb = BanditAgents.linUcb(LinUcb.Settings.defaults());
    AgentBuilder ts = BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 16);
    List<AgentBuilder> builders = List.of(linucb, ts);
    Map<String, AgentState> states = new LinkedHashMap<>();
    for (AgentBuilder b : List.of(linucb, ts)) {
      UpdateRule r = b.create(4, 3);
      for (int i = 0; i < 30; i++) {
        double[] x = {rng.normal(0, 1), rng.normal(0, 1), 1};
        Decision d = r.snapshot(i).act(x, rng);
        r.observe(x, d, rng.normal(0, 1));
      }
      states.put(b.name(), r.state().orElseThrow());
    }
    Path good = dir.resolve("good.ckpt");
    Path f = dir.resolve("c.ckpt");
    List<Class<? extends Throwable>> refusals = List.of(Checkpoints.CheckpointException.class,
        IllegalArgumentException.class);
    for (Map.Entry<String, AgentState> s : states.entrySet()) {
      Checkpoints.write(good, new Checkpoints.Checkpoint(Map.of("agent", s.getKey()), 30, 30, 30, s.getValue()));
      byte[] bytes = Files.readAllBytes(good);
      for (int i = 0; i < 400; i++) {
        // Cut at any point, or one bit flipped anywhere (header or body).
        byte[] m = i % 2 == 0 ? Arrays.copyOf(bytes, (int) rng.integers(0, bytes.length))
            : flip(bytes, rng);
        Files.write(f, m);
        AgentBuilder b = builders.get(i % builders.size());
        t.attempt(s.getKey() + " checkpoint " + (i % 2 == 0 ? "truncated" : "bit-flipped") + " #" + i + " into "
            + b.name(), () -> b.restoreState(Checkpoints.read(f).state()), refusals);
      }
      for (int i = 0; i < 400; i++) {
        // A checksum that matches a hostile state: arrays resized, dropped or renamed, counters anything,
        // or another agent's.
        AgentState h = hostile(s.getValue(), rng);
        Checkpoints.write(f, new Checkpoints.Checkpoint(Map.of("agent", s.getKey()), 30, 30, 30, h));
        AgentBuilder b = builders.get(i % builders.size());
        t.attempt(s.getKey() + " state rewritten #" + i + " into " + b.name(), () -> {
          UpdateRule r = b.restoreState(Checkpoints.read(f).state());
          // A state taken must also act and learn.
          double[] x = {0.5, -1, 1};
          Decision d = r.snapshot(31).act(x, new NumpyRandom(3));
          r.observe(x, d, 1.0);
          return r;
        }, refusals);
      }
    }
    t.check();
  }

  private static byte[] flip(byte[] b, NumpyRandom rng) {
    byte[] c = b.clone();
    c[(int) rng.integers(0, c.length)] ^= (byte) (1 << rng.integers(0, 8));
    return c;
  }

  private static AgentState hostile(AgentState s, NumpyRandom rng) {
    Map<String, double[]> arrays = new LinkedHashMap<>(s.arrays());
    Map<String, Long> counters = new LinkedHashMap<>(s.counters());
    List<String> names = new ArrayList<>(arrays.keySet());
    List<String> counterNames = new ArrayList<>(counters.keySet());
    int ops = 1 + (int) rng.integers(0, 3);
    for (int o = 0; o < ops; o++) {
      switch ((int) rng.integers(0, 6)) {
        case 0 -> {
          String k = names.get((int) rng.integers(0, names.size()));
          double[] v = arrays.get(k);
          arrays.put(k, v == null ? new double[0] : Arrays.copyOf(v, (int) rng.integers(0, v.length + 5)));
        }
        case 1 -> arrays.remove(names.get((int) rng.integers(0, names.size())));
        case 2 -> {
          if (!counterNames.isEmpty()) {
            long[] odd = {-1, 0, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L, 1_000_000_000L};
            counters.put(counterNames.get((int) rng.integers(0, counterNames.size())),
                odd[(int) rng.integers(0, odd.length)]);
          }
        }
        case 3 -> {
          if (!counterNames.isEmpty()) {
            counters.remove(counterNames.get((int) rng.integers(0, counterNames.size())));
          }
        }
        case 4 -> {
          String k = names.get((int) rng.integers(0, names.size()));
          double[] v = arrays.get(k);
          if (v != null && v.length > 0) {
            double[] c = v.clone();
            double[] odd = {Double.NaN, Double.POSITIVE_INFINITY, -1e300, 0, -1};
            c[(int) rng.integers(0, c.length)] = odd[(int) rng.integers(0, odd.length)];
            arrays.put(k, c);
          }
        }
        default -> {
          return new AgentState(rng.random() < 0.5 ? "ts" : "linucb", arrays, counters);
        }
      }
    }
    return new AgentState(s.agent(), arrays, counters);
  }

  @Test
  void decisionLogs() throws Exception {
    Tally t = new Tally("decision logs");
    NumpyRandom rng = new NumpyRandom(4);
    List<LoggedDecision> log = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      double[] p = {0.2, 0.3, 0.5};
      int a = rng.choice(p);
      log.add(new LoggedDecision("b", 1, i, 0, new double[] {rng.normal(0, 1), 1}, a, null, p[a], p,
          rng.normal(0, 1), true, LoggedDecision.Outcome.NONE));
    }
    Path good = dir.resolve("good.jsonl");
    DecisionLog.write(good, log);
    byte[] bytes = Files.readAllBytes(good);
    assertEquals(log.size(), DecisionLog.read(good).size());
    Path f = dir.resolve("log.jsonl");
    // Trajectory.group refuses a log whose episodes' steps are out of order with an IllegalArgumentException.
    List<Class<? extends Throwable>> refusals = List.of(DecisionLog.FormatException.class, UncheckedIOException.class,
        IllegalArgumentException.class);
    for (int i = 0; i < 2000; i++) {
      Files.write(f, mutate(bytes, rng));
      t.attempt("mutated decision log #" + i, () -> io.rlsearch.eval.ope.Trajectory.group(DecisionLog.read(f)),
          refusals);
    }
    t.check();
  }

  @Test
  void obdLayoutCsvs() throws Exception {
    Tally t = new Tally("OBD-layout CSVs");
    NumpyRandom rng = new NumpyRandom(5);
    Path src = Path.of("data/obd/random/men");
    byte[] items = Files.readAllBytes(src.resolve("item_context.csv"));
    List<String> lines;
    try (var s = Files.lines(src.resolve("men.csv"))) {
      lines = s.limit(150).toList();
    }
    byte[] rounds = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    Path base = dir.resolve("obd").resolve("random").resolve("men");
    Files.createDirectories(base);
    List<Class<? extends Throwable>> refusals = List.of(LogFormatException.class, UncheckedIOException.class);
    for (int i = 0; i < 1500; i++) {
      boolean itemsMutated = i % 3 == 0;
      Files.write(base.resolve("item_context.csv"), itemsMutated ? mutate(items, rng) : items);
      Files.write(base.resolve("men.csv"), itemsMutated ? rounds : mutate(rounds, rng));
      t.attempt("mutated " + (itemsMutated ? "item_context.csv" : "men.csv") + " #" + i,
          () -> ObdDataset.read(dir.resolve("obd"), "random", "men"), refusals);
    }
    t.check();
  }
}
