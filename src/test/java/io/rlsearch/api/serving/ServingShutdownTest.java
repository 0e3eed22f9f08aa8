package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.experiments.Task;
import io.rlsearch.testing.Runs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shutdown under load (what SIGTERM runs) drains the serving path: every answered decision is logged. */
class ServingShutdownTest {
  @TempDir Path dir;

  @Test
  void aCoordinatedShutdownUnderLoadLosesNoAnsweredDecisionAndNothingIsTruncated() throws Exception {
    Path log = dir.resolve("decisions.jsonl");
    Files.writeString(log, "an earlier run's line\n");
    ServingSystem.Settings s = new ServingSystem.Settings(2, ServingMonitorActor.Settings.defaults(), Optional.of(log),
        3, 0);
    ServingSystem sys = new ServingSystem(Runs.smallWorld(3), Task.BoostWeights.battle(), "cm2_price", "built-in",
        PolicyCatalog.builtIn("cm2_price"), s, Runs.quietSystemConfig());
    Thread traffic = new Thread(() -> sys.drive(0, 4000, 30, t -> { }, () -> false));
    traffic.start();
    // Under load: the stop comes once a thousand requests have been answered (a fixed sleep was too short
    // for a JVM whose first episodes still run uncompiled code, when this class runs alone).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
    while (sys.countsNow().answered() < 1000 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(sys.countsNow().answered() >= 1000, "a thousand requests answered within 25 s, so that the stop"
        + " comes under load: " + sys.countsNow());
    // What Pekko's JVM shutdown hook runs on SIGTERM.
    CoordinatedShutdown.get(sys.system()).runAll(CoordinatedShutdown.jvmExitReason()).toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    traffic.join(10_000);
    assertTrue(!traffic.isAlive(), "the traffic stopped");
    ServingSystem.Counts c = sys.countsNow();
    assertTrue(c.answered() > 1000, "under load: " + c);
    assertEquals(c.admitted(), c.answered(), "every admitted request answered before the stop");
    assertEquals(c.answered(), Files.readAllLines(log).size(), "every answered decision is in the log");
    assertEquals(new io.rlsearch.actors.serve.DecisionLogActor.Flushed(c.answered(), 0, 0), sys.flushLogCounts());
    assertEquals("an earlier run's line", Files.readString(dir.resolve("decisions.jsonl.1")).strip(),
        "the earlier file was moved aside, not truncated");
  }
}
