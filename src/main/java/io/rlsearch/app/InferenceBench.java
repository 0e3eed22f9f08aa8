package io.rlsearch.app;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.learn.MlpInit;
import io.rlsearch.learn.RegressionModel;
import io.rlsearch.learn.SharedLearner;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench inference}: one forward pass per request against one per batch, at equal load. */
@Command(name = "inference", mixinStandardHelpOptions = true,
    description = "Inference throughput of a Q-ensemble member (27 -> 64 -> 64 -> 1, ReLU): the same N requests"
        + " answered one DJL forward pass each (unbatched), in DJL batches of B (batched, as the policy server's"
        + " batching allows), and by the pure-Java forward pass one at a time; with per-call latency percentiles"
        + " (HdrHistogram). Measured after a warm-up of each path, in the same JVM.")
final class InferenceBench implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--requests", paramLabel = "N", defaultValue = "20000",
      description = "Requests per path (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (requests < 1000 || requests > 10_000_000) {
      throw new Main.UsageException("--requests must be in 1000..10000000, got " + requests);
    }
    if (batch < 2 || batch > 4096) {
      throw new Main.UsageException("--batch must be in 2..4096, got " + batch);
    }
    Mlp mlp = MlpInit.create(new int[] {27, 64, 64, 1}, Mlp.Activation.RELU, new NumpyRandom(1));
    NumpyRandom rng = new NumpyRandom(2);
    float[] x = new float[requests * 27];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.normal(0, 1);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    try (SharedLearner learner = new SharedLearner()) {
      RegressionModel model = learner.regression("bench", mlp, 1e-3, 0);
      // Warm-up of each path.
      unbatched(model, x, Math.min(2000, requests), new Histogram(3));
      batched(model, x, Math.min(2000, requests), new Histogram(3));
      java(mlp, x, Math.min(20000, requests), new Histogram(3));
      Histogram hu = new Histogram(3);
      double unbatched = unbatched(model, x, requests, hu);
      Histogram hb = new Histogram(3);
      double batchedRate = batched(model, x, requests, hb);
      Histogram hj = new Histogram(3);
      double javaRate = java(mlp, x, requests, hj);
      out.put("model", "27-64-64-1 relu");
      out.put("requests", requests);
      out.put("batch", batch);
      out.put("device", learner.device());
      out.put("unbatched_per_sec", unbatched);
      out.put("batched_per_sec", batchedRate);
      out.put("java_per_sec", javaRate);
      out.put("speedup_batched", batchedRate / unbatched);
      out.put("p99_us", hb.getValueAtPercentile(99) / 1000.0);
      out.put("p50_us", hb.getValueAtPercentile(50) / 1000.0);
      out.put("unbatched_p99_us", hu.getValueAtPercentile(99) / 1000.0);
      out.put("java_p99_us", hj.getValueAtPercentile(99) / 1000.0);
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      var w = spec.commandLine().getOut();
      w.printf(Locale.ROOT, "bench inference: %s, %d requests%n", out.get("model"), requests);
      w.printf(Locale.ROOT, "unbatched (DJL, 1 per pass)   %10.0f requests/s, p99 %.1f us per pass%n", unbatched(out),
          (double) out.get("unbatched_p99_us"));
      w.printf(Locale.ROOT, "batched (DJL, %d per pass)    %10.0f requests/s, p99 %.1f us per pass%n", batch,
          (double) out.get("batched_per_sec"), (double) out.get("p99_us"));
      w.printf(Locale.ROOT, "pure Java (1 per pass)        %10.0f requests/s, p99 %.1f us per pass%n",
          (double) out.get("java_per_sec"), (double) out.get("java_p99_us"));
    }
    return 0;
  }

  private static double unbatched(Map<String, Object> out) {
    return (double) out.get("unbatched_per_sec");
  }

  private static double unbatched(RegressionModel m, float[] x, int n, Histogram h) {
    long t0 = System.nanoTime();
    float[] one = new float[27];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * 27, one, 0, 27);
      long s = System.nanoTime();
      m.predict(one, 1);
      h.recordValue(System.nanoTime() - s);
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  private double batched(RegressionModel m, float[] x, int n, Histogram h) {
    long t0 = System.nanoTime();
    float[] b = new float[batch * 27];
    int done = 0;
    while (done < n) {
      int k = Math.min(batch, n - done);
      System.arraycopy(x, done * 27, b, 0, k * 27);
      long s = System.nanoTime();
      m.predict(k == batch ? b : java.util.Arrays.copyOf(b, k * 27), k);
      h.recordValue(System.nanoTime() - s);
      done += k;
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  private static double java(Mlp mlp, float[] x, int n, Histogram h) {
    long t0 = System.nanoTime();
    float[] one = new float[27];
    double sink = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * 27, one, 0, 27);
      long s = System.nanoTime();
      sink += mlp.forward1(one);
      h.recordValue(System.nanoTime() - s);
    }
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("NaN output");
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}
