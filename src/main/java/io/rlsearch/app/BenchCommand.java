package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.app.bench.EnvBenchmark;
import io.rlsearch.app.bench.EnvDriver;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: the project's own benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/performance.md", description = "Benchmarks.",
    subcommands = {BenchCommand.Env.class, PassesBench.class, PipelineBench.class, InferenceBench.class, LearnerBench.class,
        ClusterBench.class, HttpBench.class})
final class BenchCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (env, passes, pipeline, inference, learner, cluster, http)");
  }

  /** {@code bench env}: whole episodes per second of one environment kind. */
  @Command(name = "env", mixinStandardHelpOptions = true,
      description = "Time whole episodes (reset + steps until done, random actions) of an environment on"
          + " the default world: the median of 5 timed repetitions after a warm-up, then a JMH run of the same.")
  static final class Env implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--env", paramLabel = "KIND", defaultValue = "search",
        description = "search | gym | gym-rich | slate | multi (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "2000",
        description = "Episodes per timed repetition, split across threads (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
        description = "Threads, each with its own env over the shared world (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", paramLabel = "S", description = "World seed (default: the config's seed).")
    Long seed;

    @Option(names = "--jmh", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Also run the JMH benchmark of the same (1 fork, 3 x 1 s warm-up, 5 x 1 s measured;"
            + " default: ${DEFAULT-VALUE}).")
    boolean jmh;

    @Mixin ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      EnvDriver.Kind kind;
      try {
        kind = EnvDriver.Kind.parse(env);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--env: " + e.getMessage());
      }
      if (episodes < 1) {
        throw new Main.UsageException("--episodes must be >= 1, got " + episodes);
      }
      if (threads < 1 || threads > 256) {
        throw new Main.UsageException("--threads must be in 1..256, got " + threads);
      }
      SimSettings s = config.load();
      long worldSeed = seed != null ? seed : s.seed();
      World world = World.generate(s, new NumpyRandom(worldSeed));
      List<EnvDriver> drivers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        drivers.add(new EnvDriver(kind, world, SeedSequence.of(worldSeed).child(t)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      double[] wallNs = new double[5];
      long stepsBefore;
      try {
        run(pool, drivers, Math.max(episodes, 500)); // warm-up: JIT compiles the hot paths
        stepsBefore = totalSteps(drivers);
        for (int rep = 0; rep < wallNs.length; rep++) {
          long t0 = System.nanoTime();
          run(pool, drivers, episodes);
          wallNs[rep] = System.nanoTime() - t0;
        }
      } finally {
        pool.shutdownNow();
      }
      double stepsPerEpisode = (double) (totalSteps(drivers) - stepsBefore) / (wallNs.length * (double) episodes);
      double[] sorted = wallNs.clone();
      Arrays.sort(sorted);
      double nsPerEpisode = sorted[sorted.length / 2] / episodes;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("env", kind.cliName());
      r.put("episodes", episodes);
      r.put("threads", threads);
      r.put("episodes_per_sec", 1e9 / nsPerEpisode);
      r.put("ns_per_episode", nsPerEpisode);
      r.put("steps_per_episode", stepsPerEpisode);
      r.put("n_products", world.catalog().size());
      if (jmh) {
        r.putAll(runJmh(kind, worldSeed, threads));
      }
      if (json) {
        spec.commandLine().getOut().println(Json.write(r));
      } else {
        var out = spec.commandLine().getOut();
        out.printf("env %s, %d threads: %.0f episodes/s, %.0f ns/episode (median of 5 x %d episodes)%n",
            kind.cliName(), threads, r.get("episodes_per_sec"), nsPerEpisode, episodes);
        if (jmh) {
          out.printf("JMH: %.0f ± %.0f ns/episode per thread (%d threads)%n", r.get("jmh_ns_per_episode"),
              r.get("jmh_error_ns"), threads);
        }
      }
      return 0;
    }

    private Map<String, Object> runJmh(EnvDriver.Kind kind, long worldSeed, int threads) throws RunnerException {
      Options opts = new OptionsBuilder()
          .include(EnvBenchmark.class.getName() + ".episode")
          .param("env", kind.cliName())
          .param("seed", Long.toString(worldSeed))
          .param("config", config.file == null ? "" : config.file.toAbsolutePath().toString())
          .forks(1)
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(1))
          .threads(threads)
          .jvmArgsAppend("-Dai.djl.offline=true")
          .shouldFailOnError(true)
          .build();
      // JMH writes its progress to stderr so that stdout stays one JSON object
      PrintStream err = System.err;
      RunResult res = new Runner(opts, OutputFormatFactory.createFormatInstance(err, VerboseMode.NORMAL))
          .runSingle();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("jmh_ns_per_episode", res.getPrimaryResult().getScore());
      m.put("jmh_error_ns", res.getPrimaryResult().getScoreError());
      m.put("jmh_mode", "avgt, 1 fork, 3x1s warm-up, 5x1s measured, per thread");
      return m;
    }

    private static long totalSteps(List<EnvDriver> drivers) {
      long s = 0;
      for (EnvDriver d : drivers) {
        s += d.steps();
      }
      return s;
    }

    private static void run(ExecutorService pool, List<EnvDriver> drivers, int episodes) throws Exception {
      int t = drivers.size();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < t; i++) {
        EnvDriver d = drivers.get(i);
        int share = episodes / t + (i < episodes % t ? 1 : 0);
        fs.add(pool.submit(() -> {
          for (int e = 0; e < share; e++) {
            d.episode();
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
  }
}
