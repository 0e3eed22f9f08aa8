package io.rlsearch.app.bench;

import com.typesafe.config.Config;
import io.rlsearch.actors.PolicyRegistryActor;
import io.rlsearch.actors.PolicyServerActor;
import io.rlsearch.actors.Replies;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.InferenceEngine;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.learn.DjlInference;
import io.rlsearch.learn.MlpInit;
import io.rlsearch.learn.RegressionModel;
import io.rlsearch.learn.SharedLearner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The measurements of {@code bench inference}: closed-loop clients through a policy server set up each
 * way, and the model alone. Timing lives here, in the command line's layer.
 */
public final class InferenceRuns {
  private final int requests;
  private final int batch;

  /** {@code requests} in all from {@code batch} closed-loop clients. */
  public InferenceRuns(int requests, int batch) {
    this.requests = requests;
    this.batch = batch;
  }

  /** A set-up of the policy server: DJL or pure Java, its batch limit and wait. */
  public record Setup(String name, boolean djl, int maxBatch, Duration maxWait) {}

  /** A measured set-up: requests per second, latency percentiles, mean batch. */
  public record Result(double perSec, double p50us, double p99us, double meanBatch) {}

  /** Messages of the bench's guardian. */
  private sealed interface Msg {}

  private record ClientDone() implements Msg {}

  private record ServerStats(PolicyServerActor.Stats stats) implements Msg {}

  /** N requests from {@code batch} closed-loop clients through a policy server set up as {@code su}. */
  public Result server(SharedLearner learner, GaussianPolicySnapshot policy, Setup su, int n, Config sys) {
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
              Replies.ask(ctx, PolicyServerActor.Stats.class, server, Duration.ofSeconds(30), PolicyServerActor.GetStats::new,
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
  public Map<String, Object> model(SharedLearner learner) {
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
