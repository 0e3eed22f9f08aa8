package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.event.Logging;
import org.junit.jupiter.api.Test;

/** A node that leaves logs warnings until it has left, and only errors while its transport stops. */
class ClusterNodeShutdownTest {
  @Test
  void afterTheLeaveOnlyErrorsAreLogged() throws Exception {
    int port = ClusterRunTest.freePort();
    ClusterNode node = ClusterNode.start(ClusterNode.config(com.typesafe.config.ConfigFactory.parseString(
        "pekko.loglevel = WARNING\npekko.coordinated-shutdown.run-by-actor-system-terminate = on").withFallback(ClusterRunTest.fast()), "127.0.0.1", port,
        List.of("127.0.0.1:" + port), List.of("env")), new ClusterRunTest.Factory());
    node.awaitUp("env", 1, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
    var events = node.system().classicSystem().eventStream();
    CompletableFuture<Integer> duringLeave = new CompletableFuture<>();
    CompletableFuture<Integer> duringTermination = new CompletableFuture<>();
    CoordinatedShutdown cs = CoordinatedShutdown.get(node.system());
    cs.addTask(CoordinatedShutdown.PhaseClusterLeave(), "level-during-leave", () -> {
      duringLeave.complete(events.logLevel());
      return CompletableFuture.completedFuture(Done.done());
    });
    cs.addTask(CoordinatedShutdown.PhaseActorSystemTerminate(), "level-during-termination", () -> {
      duringTermination.complete(events.logLevel());
      return CompletableFuture.completedFuture(Done.done());
    });
    node.close();
    assertEquals((Integer) Logging.WarningLevel(), duringLeave.get(10, TimeUnit.SECONDS));
    // By the termination phase the default loggers may already be stopped, which turns logging off
    // altogether (its level is then Integer.MIN_VALUE); either way nothing below an error is logged, and WARNING would fail.
    int terminating = duringTermination.get(10, TimeUnit.SECONDS);
    assertTrue(terminating == Logging.ErrorLevel() || terminating == Integer.MIN_VALUE,
        "log level during termination: " + terminating);
  }
}
