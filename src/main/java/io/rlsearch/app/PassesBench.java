package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.app.bench.PassBenchmark;
import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench passes}: each pass of a search episode under JMH, with the Vector API kernel and without. */
@Command(name = "passes", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/performance.md",
    description = {"Each pass of a search episode on the default world, alone, under JMH (io.rlsearch.app.bench."
        + "PassBenchmark: 1 fork, 3 x 1 s warm-up, 5 x 1 s measured, average time): pcgWords (10,000 PCG64"
        + " words), noise (10,000 normal draws), relevance (the whole scoring pass: dot products, division and"
        + " rounding, lexical term, noise, personalisation moments), rankByWeights (top-20 of base + features"
        + " x 10 weights), rankByBoosts (top-20 of base + a template's boosts). Once with the scoring kernel"
        + " on the Vector API and once with the plain-Java kernel (-Drlsearch.simd=false), in one run, so"
        + " their ratio is measured on the same machine state."})
final class PassesBench implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--measure", paramLabel = "N", defaultValue = "5",
      description = "Measured iterations of 1 s per pass and kernel (default: ${DEFAULT-VALUE}).")
  int measure;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws RunnerException {
    if (measure < 1 || measure > 100) {
      throw new Main.UsageException("--measure must be in 1..100, got " + measure);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Map<String, Object>> kernels = new LinkedHashMap<>();
    kernels.put("vector", run(List.of()));
    kernels.put("scalar", run(List.of("-Drlsearch.simd=false")));
    out.put("unit", "us/op");
    out.put("kernels", kernels);
    out.put("jmh_mode", "avgt, 1 fork, 3x1s warm-up, " + measure + "x1s measured");
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      var w = spec.commandLine().getOut();
      w.printf(Locale.ROOT, "%-15s %18s %18s %8s%n", "pass (us/op)", "vector", "scalar", "ratio");
      for (String pass : kernels.get("vector").keySet()) {
        Map<?, ?> v = (Map<?, ?>) kernels.get("vector").get(pass);
        Map<?, ?> s = (Map<?, ?>) kernels.get("scalar").get(pass);
        double vs = (double) v.get("us_per_op");
        double ss = (double) s.get("us_per_op");
        w.printf(Locale.ROOT, "%-15s %10.1f ± %5.1f %10.1f ± %5.1f %7.2fx%n", pass, vs, (double) v.get("error"), ss,
            (double) s.get("error"), ss / vs);
      }
    }
    return 0;
  }

  /** One JMH run of every pass with {@code jvmArgs} appended; pass name to {score, error}. */
  private Map<String, Object> run(List<String> jvmArgs) throws RunnerException {
    OptionsBuilder b = new OptionsBuilder();
    b.include(PassBenchmark.class.getName() + "\\.")
        .forks(1)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(measure)
        .measurementTime(TimeValue.seconds(1))
        .shouldFailOnError(true);
    b.jvmArgsAppend(jvmArgs.toArray(new String[0]));
    // JMH writes its progress to stderr so that stdout stays one JSON object
    PrintStream err = System.err;
    Collection<RunResult> results = new Runner(b.build(), OutputFormatFactory.createFormatInstance(err,
        VerboseMode.NORMAL)).run();
    Map<String, Object> m = new LinkedHashMap<>();
    for (RunResult r : results) {
      String label = r.getParams().getBenchmark();
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("us_per_op", r.getPrimaryResult().getScore());
      one.put("error", r.getPrimaryResult().getScoreError());
      m.put(label.substring(label.lastIndexOf('.') + 1), one);
    }
    return m;
  }
}
