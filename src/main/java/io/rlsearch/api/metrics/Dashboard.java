package io.rlsearch.api.metrics;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The live page and metrics of a run that has no HTTP server of its own (`train`, `battle`,
 * `retention` with `--dashboard`): a small ActorSystem serving {@link DashboardRoutes} on 127.0.0.1.
 */
public final class Dashboard implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final ServerBinding binding;

  /** Serves {@code telemetry} on 127.0.0.1:{@code port} (0: any free port) and says where on {@code err}. */
  public Dashboard(Telemetry telemetry, int port, com.typesafe.config.Config config, PrintWriter err) {
    // The page's own small system: one thread for its actors and streams, so serving the page and its
    // event stream takes as little as possible from the run it watches.
    this.system = ActorSystem.create(Behaviors.empty(), "rlsearch-dashboard", com.typesafe.config.ConfigFactory
        .parseString("pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }\n"
            + "pekko.actor.internal-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }\n"
            + "pekko.scheduler.tick-duration = 50ms")
        .withFallback(config));
    try {
      DashboardRoutes routes = new DashboardRoutes(telemetry, system);
      this.binding = Http.get(system).newServerAt("127.0.0.1", port).bind(routes.route()).toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("cannot start the dashboard on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    err.printf("rlsearch: live dashboard on http://127.0.0.1:%d/ (metrics at /metrics)%n", port());
    err.flush();
  }

  /** The bound port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  @Override
  public void close() {
    binding.unbind().toCompletableFuture().join();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The run is over; a slow shutdown of the page changes nothing.
    }
  }
}
