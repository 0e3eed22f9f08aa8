package io.rlsearch.app;

import io.rlsearch.api.metrics.Dashboard;
import io.rlsearch.api.metrics.Telemetry;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --dashboard [--dashboard-port P]}: the live page and Prometheus metrics of a run. */
final class DashboardOption {
  @Option(names = "--dashboard",
      description = "Serve the live page (/) and Prometheus metrics (/metrics, /events) on 127.0.0.1 during the run.")
  boolean dashboard;

  @Option(names = "--dashboard-port", paramLabel = "P", defaultValue = "8081",
      description = "Port of --dashboard (default: ${DEFAULT-VALUE}; 0: any free port).")
  int port;

  /** Starts the dashboard over {@code telemetry} if asked for. */
  Optional<Dashboard> start(Telemetry telemetry, com.typesafe.config.Config config, PrintWriter err) {
    if (!dashboard) {
      return Optional.empty();
    }
    if (port < 0 || port > 65535) {
      throw new Main.UsageException("--dashboard-port must be in 0..65535, got " + port);
    }
    try {
      return Optional.of(new Dashboard(telemetry, port, config, err));
    } catch (IllegalStateException e) {
      throw new Main.UsageException("--dashboard: " + e.getMessage());
    }
  }
}
