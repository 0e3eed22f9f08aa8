package io.rlsearch.app;

import com.typesafe.config.Config;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.api.Json;
import io.rlsearch.app.bench.InferenceRuns;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.learn.MlpInit;
import io.rlsearch.learn.SharedLearner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench inference}: per-request against batched inference through the policy server, at equal load. */
@Command(name = "inference", mixinStandardHelpOptions = true,
    description = {"Inference through the policy server actor at equal load: C client actors, each asking for one"
        + " action at a time (closed loop), N requests in all, answered with the Battle Royale's Gaussian policy"
        + " (17 -> 64 -> 64 -> 10, tanh). Four set-ups: DJL one forward pass per request (max batch 1:"
        + " unbatched), DJL one pass per gathered batch (max batch C, max wait W: batched, SEED-style), and the"
        + " same two with the pure-Java forward pass. Request latency (send to answer) percentiles by"
        + " HdrHistogram.",
        "Then the model alone (no actors): a Q-ensemble member (27 -> 64 -> 64 -> 1) one DJL pass per request,"
        + " DJL batches of C, and pure Java one at a time."})
final class InferenceBench implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--requests", paramLabel = "N", defaultValue = "20000",
      description = "Requests per set-up (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--batch", paramLabel = "C", defaultValue = "64",
      description = "Concurrent clients, and the batched set-ups' max batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--max-wait", paramLabel = "W", defaultValue = "1ms",
      description = "The batched set-ups' bounded wait, e.g. 500us, 1ms (default: ${DEFAULT-VALUE}).")
  String maxWait;

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

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
    Duration wait;
    try {
      wait = com.typesafe.config.ConfigFactory.parseString("w = " + maxWait).getDuration("w");
    } catch (com.typesafe.config.ConfigException e) {
      throw new Main.UsageException("--max-wait must be a duration such as 500us or 1ms, got '" + maxWait + "'");
    }
    if (wait.isNegative() || wait.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new Main.UsageException("--max-wait must lie in 0..1s, got " + maxWait);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    InferenceRuns runs = new InferenceRuns(requests, batch);
    try (SharedLearner learner = deviceOption.learner()) {
      GaussianPolicySnapshot policy = new GaussianPolicySnapshot("bench", 1,
          MlpInit.create(new int[] {17, 64, 64, 10}, Mlp.Activation.TANH, new NumpyRandom(1)), new double[10]);
      List<InferenceRuns.Setup> setups = List.of(new InferenceRuns.Setup("unbatched", true, 1, Duration.ZERO),
          new InferenceRuns.Setup("batched", true, batch, wait), new InferenceRuns.Setup("java_unbatched", false, 1, Duration.ZERO),
          new InferenceRuns.Setup("java_batched", false, batch, wait));
      Config sys = com.typesafe.config.ConfigFactory.parseString(
          "pekko.loglevel = WARNING\npekko.stdout-loglevel = OFF\npekko.log-dead-letters = off\n"
          + "pekko.scheduler.tick-duration = 1ms\n");
      Map<String, InferenceRuns.Result> results = new LinkedHashMap<>();
      // A warm-up round of every set-up, then the measured round.
      for (int round = 0; round < 2; round++) {
        for (InferenceRuns.Setup su : setups) {
          InferenceRuns.Result r = runs.server(learner, policy, su, round == 0 ? Math.min(requests, 5000) : requests, sys);
          if (round == 1) {
            results.put(su.name(), r);
          }
        }
      }
      out.put("policy", "gaussian 17-64-64-10 tanh");
      out.put("requests", requests);
      out.put("clients", batch);
      out.put("max_wait_ms", wait.toNanos() / 1e6);
      out.put("device", learner.device());
      out.put("unbatched_per_sec", results.get("unbatched").perSec());
      out.put("batched_per_sec", results.get("batched").perSec());
      out.put("p99_us", results.get("batched").p99us());
      out.put("p50_us", results.get("batched").p50us());
      out.put("unbatched_p99_us", results.get("unbatched").p99us());
      out.put("speedup_batched", results.get("batched").perSec() / results.get("unbatched").perSec());
      Map<String, Object> setupsJson = new LinkedHashMap<>();
      String best = null;
      for (Map.Entry<String, InferenceRuns.Result> e : results.entrySet()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("per_sec", e.getValue().perSec());
        m.put("p50_us", e.getValue().p50us());
        m.put("p99_us", e.getValue().p99us());
        m.put("mean_batch", e.getValue().meanBatch());
        setupsJson.put(e.getKey(), m);
        if (best == null || e.getValue().perSec() > results.get(best).perSec()) {
          best = e.getKey();
        }
      }
      out.put("setups", setupsJson);
      out.put("fastest", best);
      out.put("model", runs.model(learner));
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      var w = spec.commandLine().getOut();
      w.printf(Locale.ROOT, "bench inference: %s through the policy server, %d clients, %d requests, max wait %s%n",
          out.get("policy"), batch, requests, maxWait);
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> su = (Map<String, Map<String, Object>>) out.get("setups");
      for (Map.Entry<String, Map<String, Object>> e : su.entrySet()) {
        w.printf(Locale.ROOT, "%-15s %10.0f requests/s  p50 %8.1f us  p99 %8.1f us  mean batch %.1f%n", e.getKey(),
            (double) e.getValue().get("per_sec"), (double) e.getValue().get("p50_us"),
            (double) e.getValue().get("p99_us"), (double) e.getValue().get("mean_batch"));
      }
      w.printf(Locale.ROOT, "batched / unbatched (DJL): %.2fx; fastest: %s%n", (double) out.get("speedup_batched"),
          out.get("fastest"));
    }
    return 0;
  }
}
