package io.rlsearch.app.bench;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: one episode of each environment kind on the default world (what {@code bench env} times).
 *
 * <p>Run through {@code ./rlsearch bench env} (which passes the env and thread count), or directly:
 * {@code java -jar target/rlsearch.jar bench env --env search --episodes 2000}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvBenchmark {
  /** Environment kind (command-line name). */
  @Param({"search"})
  public String env;

  /** World seed. */
  @Param({"20251108"})
  public long seed;

  /** Optional HOCON overlay for the world (empty: defaults). */
  @Param({""})
  public String config;

  private EnvDriver driver;

  /** Builds the world and a driver per benchmark thread. */
  @Setup
  public void setup() {
    SimSettings s = config.isEmpty() ? SimSettings.defaults()
        : io.rlsearch.sim.ZoosimConfig.load(java.util.Optional.of(java.nio.file.Path.of(config)));
    World world = World.generate(s, new NumpyRandom(seed));
    driver = new EnvDriver(EnvDriver.Kind.parse(env), world,
        SeedSequence.of(seed).child((int) (Thread.currentThread().getId() & 0x7fffffff)));
  }

  /** One episode. */
  @Benchmark
  public double episode() {
    return driver.episode();
  }
}
