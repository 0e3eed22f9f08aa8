package io.rlsearch.app;

import io.rlsearch.api.Json;
import com.typesafe.config.Config;
import io.rlsearch.actors.PolicyRegistryActor;
import io.rlsearch.actors.PolicyServerActor;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.InferenceEngine;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.learn.DjlInference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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

  private record Setup(String name, boolean djl, int maxBatch, Duration maxWait) {}

  private record Result(double perSec, double p50us, double p99us, double meanBatch) {}

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
    try (SharedLearner learner = deviceOption.learner()) {
      GaussianPolicySnapshot policy = new GaussianPolicySnapshot("bench", 1,
          MlpInit.create(new int[] {17, 64, 64, 10}, Mlp.Activation.TANH, new NumpyRandom(1)), new double[10]);
      List<Setup> setups = List.of(new Setup("unbatched", true, 1, Duration.ZERO),
          new Setup("batched", true, batch, wait), new Setup("java_unbatched", false, 1, Duration.ZERO),
          new Setup("java_batched", false, batch, wait));
      Config sys = com.typesafe.config.ConfigFactory.parseString(
          "pekko.loglevel = WARNING\npekko.stdout-loglevel = OFF\npekko.log-dead-letters = off\n"
          + "pekko.scheduler.tick-duration = 1ms\n");
      Map<String, Result> results = new LinkedHashMap<>();
      // A warm-up round of every set-up, then the measured round.
      for (int round = 0; round < 2; round++) {
        for (Setup su : setups) {
          Result r = server(learner, policy, su, round == 0 ? Math.min(requests, 5000) : requests, sys);
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
      for (Map.Entry<String, Result> e : results.entrySet()) {
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
      out.put("model", model(learner));
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

  /** Messages of the bench's guardian. */
  private sealed interface Msg {}

  private record ClientDone() implements Msg {}

  private record ServerStats(PolicyServerActor.Stats stats) implements Msg {}

  /** N requests from {@code batch} closed-loop clients through a policy server set up as {@code su}. */
  private Result server(SharedLearner learner, GaussianPolicySnapshot policy, Setup su, int n, Config sys) {
    ConcurrentHistogram latency = new ConcurrentHistogram(3);
    CompletableFuture<PolicyServerActor.Stats> done = new CompletableFuture<>();
    AtomicLong issued = new AtomicLong();
    RunStreams streams = new RunStreams(7);
    double[][] contexts = new double[1024][17];
    NumpyRandom r = new NumpyRandom(3);
    for (double[] c : contexts) {
      for (int j = 0; j < c.length; j++) {
        c[j] = r.normal(0, 1);
      }
    }
    long t0 = System.nanoTime();
    ActorSystem<Msg> system = ActorSystem.create(Behaviors.<Msg>setup(ctx -> {
      var registry = ctx.spawn(PolicyRegistryActor.create(policy), "registry");
      var server = ctx.spawn(PolicyServerActor.create(registry, streams, 0, su.maxBatch(), su.maxWait(),
          su.djl() ? new DjlInference(learner) : InferenceEngine.JAVA), "server");
      for (int c = 0; c < batch; c++) {
        ctx.spawn(client(server, n, issued, contexts, latency, ctx.getSelf()), "client-" + c);
      }
      int[] finished = {0};
      return Behaviors.<Msg>receive(Msg.class)
          .onMessage(ClientDone.class, m -> {
            if (++finished[0] == batch) {
              ctx.ask(PolicyServerActor.Stats.class, server, Duration.ofSeconds(30), PolicyServerActor.GetStats::new,
                  (stats, err) -> new ServerStats(stats));
            }
            return Behaviors.same();
          })
          .onMessage(ServerStats.class, m -> {
            done.complete(m.stats());
            return Behaviors.same();
          })
          .build();
    }), "bench-inference", sys);
    try {
      PolicyServerActor.Stats stats = done.get(10, java.util.concurrent.TimeUnit.MINUTES);
      double secs = (System.nanoTime() - t0) / 1e9;
      if (stats == null || stats.requests() != n) {
        throw new IllegalStateException("the policy server answered " + (stats == null ? "?" : stats.requests())
            + " of " + n + " requests");
      }
      return new Result(n / secs, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
          stats.meanBatch());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the inference bench did not finish: " + e, e);
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (Exception e) {
        // The measurement is done; a slow shutdown does not change it.
      }
    }
  }

  /** A closed-loop client: one request at a time until {@code n} have been issued in all. */
  private static Behavior<PolicyServerActor.Acted> client(ActorRef<PolicyServerActor.Command> server, int n,
      AtomicLong issued, double[][] contexts, ConcurrentHistogram latency, ActorRef<Msg> doneTo) {
    return Behaviors.setup(ctx -> {
      long[] sent = {0};
      Runnable next = () -> {
        long id = issued.getAndIncrement();
        if (id >= n) {
          doneTo.tell(new ClientDone());
          return;
        }
        sent[0] = System.nanoTime();
        server.tell(new PolicyServerActor.Act(List.of(new PolicyServerActor.Request(id,
            contexts[(int) (id % contexts.length)])), ctx.getSelf()));
      };
      next.run();
      return Behaviors.receiveMessage(acted -> {
        latency.recordValue(System.nanoTime() - sent[0]);
        next.run();
        return Behaviors.same();
      });
    });
  }

  /** The model alone: DJL per request, DJL batched, pure Java (a Q-ensemble member). */
  private Map<String, Object> model(SharedLearner learner) {
    Mlp mlp = MlpInit.create(new int[] {27, 64, 64, 1}, Mlp.Activation.RELU, new NumpyRandom(1));
    NumpyRandom rng = new NumpyRandom(2);
    float[] x = new float[requests * 27];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.normal(0, 1);
    }
    RegressionModel model = learner.regression("bench", mlp, 1e-3, 0);
    unbatched(model, x, Math.min(2000, requests), new Histogram(3));
    batched(model, x, Math.min(2000, requests), new Histogram(3));
    java(mlp, x, Math.min(20000, requests), new Histogram(3));
    Histogram hu = new Histogram(3);
    double unbatched = unbatched(model, x, requests, hu);
    Histogram hb = new Histogram(3);
    double batchedRate = batched(model, x, requests, hb);
    Histogram hj = new Histogram(3);
    double javaRate = java(mlp, x, requests, hj);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", "27-64-64-1 relu");
    m.put("unbatched_per_sec", unbatched);
    m.put("batched_per_sec", batchedRate);
    m.put("java_per_sec", javaRate);
    m.put("unbatched_p99_us", hu.getValueAtPercentile(99) / 1000.0);
    m.put("batched_p99_us", hb.getValueAtPercentile(99) / 1000.0);
    m.put("java_p99_us", hj.getValueAtPercentile(99) / 1000.0);
    return m;
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
