package io.rlsearch.api.serving;

import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.api.BadRequestException;
import io.rlsearch.api.RunConfig;
import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.api.serving.ServingApi;
import io.rlsearch.api.serving.ServingSystem;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.World;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The serving path started as a call: a {@link ServingSystem} with every built-in policy registered
 * (and checkpointed ones), its HTTP control surface ({@link ServingApi}), its OpenAPI document
 * ({@link OpenApi}), {@code /metrics}, {@code /events}
 * and the live page bound on one port. {@code ./rlsearch serve} and the tests start it here.
 */
public final class Serving {
  private Serving() {}

  /** A started server: the system, the binding and its port. */
  public record Running(ServingSystem system, ServerBinding binding, int port) implements AutoCloseable {
    @Override
    public void close() {
      binding.unbind().toCompletableFuture().join();
      system.close();
    }
  }

  /** Starts the serving path and binds its HTTP API (used by the command and the tests). */
  public static Running start(World world, String live, List<String> policyFiles, int shards, Optional<Path> log, long seed,
      String bind, int port, Optional<String> token, int record) {
    return start(world, live, policyFiles, shards, log, seed, bind, port, token, record, 0);
  }

  /**
   * As above, with shards that fail after a request's policy step at {@code faultRate} (fault injection,
   * a test tool; 0 in production).
   */
  public static Running start(World world, String live, List<String> policyFiles, int shards, Optional<Path> log, long seed,
      String bind, int port, Optional<String> token, int record, double faultRate) {
    return start(world, live, policyFiles, shards, log, seed, bind, port, token, record, faultRate,
        io.rlsearch.serving.ServingSchema.world(world.settings()));
  }

  /**
   * As above, ranking real requests ({@code POST /v1/rank}) under {@code schema}. The live policy and
   * every {@code --policy-file} must bind to it (else refused with one line); a built-in that does not
   * is left out, with a warning.
   */
  public static Running start(World world, String live, List<String> policyFiles, int shards, Optional<Path> log, long seed,
      String bind, int port, Optional<String> token, int record, double faultRate,
      io.rlsearch.serving.ServingSchema schema) {
    boolean local = bind.equals("127.0.0.1") || bind.equals("localhost") || bind.equals("::1");
    if (!local && token.isEmpty()) {
      throw new BadRequestException("--bind " + bind + " exposes the control API beyond this machine: give a token"
          + " (RLSEARCH_TOKEN or --token-file FILE) so that every call needs 'Authorization: Bearer <token>'");
    }
    if (!PolicyCatalog.builtIns().containsKey(live)) {
      throw new BadRequestException("--policy: no built-in '" + live + "'; built-ins: "
          + String.join(", ", PolicyCatalog.builtIns().keySet()));
    }
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    ServingSystem sys;
    try {
      sys = new ServingSystem(world, Task.BoostWeights.battle(), live, "built-in", PolicyCatalog.builtIn(live),
          new ServingSystem.Settings(shards, ServingMonitorActor.Settings.defaults(), log, seed, record,
              ServingSystem.QUEUE, faultRate), topo.systemConfig(), ServingSystem.DataPlane.of(schema));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("--policy " + live + ": " + e.getMessage());
    }
    try {
      for (String name : PolicyCatalog.builtIns().keySet()) {
        if (!name.equals(live)) {
          try {
            sys.register(name, "built-in", PolicyCatalog.builtIn(name));
          } catch (IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(Serving.class).warn("built-in {} left out: {}", name, e.getMessage());
          }
        }
      }
      if (!policyFiles.isEmpty()) {
        try (SharedLearner learner = new SharedLearner(topo.learnerDevice())) {
          for (String pf : policyFiles) {
            int eq = pf.indexOf('=');
            if (eq <= 0 || eq == pf.length() - 1) {
              throw new BadRequestException("--policy-file must be NAME=FILE, got '" + pf + "'");
            }
            String name = pf.substring(0, eq);
            Path file = Path.of(pf.substring(eq + 1));
            try {
              sys.register(name, file.toString(), PolicyCatalog.fromFile(file, schema, learner));
            } catch (IllegalArgumentException e) {
              throw new BadRequestException("--policy-file " + name + ": " + e.getMessage());
            }
          }
        }
      }
      ServingApi api = new ServingApi(sys, token, local, port, bind);
      io.rlsearch.api.metrics.Telemetry telemetry = new io.rlsearch.api.metrics.Telemetry("serve", System::nanoTime);
      sys.attach(telemetry);
      io.rlsearch.api.metrics.DashboardRoutes dash = new io.rlsearch.api.metrics.DashboardRoutes(telemetry, sys.system());
      ServerBinding b = Http.get(sys.system()).newServerAt(bind, port).bind(api.routeWith(
          org.apache.pekko.http.javadsl.server.Directives.concat(dash.route(), new OpenApi().route())))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      InetSocketAddress addr = b.localAddress();
      return new Running(sys, b, addr.getPort());
    } catch (BadRequestException e) {
      sys.close();
      throw e;
    } catch (Exception e) {
      sys.close();
      throw new BadRequestException("cannot bind " + bind + ":" + port + ": " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
