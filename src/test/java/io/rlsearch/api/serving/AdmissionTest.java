package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.experiments.Task;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Overload: requests beyond a shard's bounded queue are shed at once and counted, never queued. */
class AdmissionTest {
  @Test
  void beyondTheQueueRequestsAreShedCountedAndTheAdmittedOnesAllAnswered() {
    com.typesafe.config.Config conf = com.typesafe.config.ConfigFactory.parseString("pekko.loglevel = ERROR")
        .withFallback(com.typesafe.config.ConfigFactory.parseResources("actors/local.conf"))
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference()).resolve();
    // One shard, a queue of 8, and a burst of 2,000 requests at once: far past what it serves.
    ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(), Optional.empty(),
        3, 2000, 8);
    try (ServingSystem sys = new ServingSystem(Runs.smallWorld(3), Task.BoostWeights.battle(), "cm2_price",
        "built-in", PolicyCatalog.builtIn("cm2_price"), s, conf)) {
      sys.drive(0, 1e9, 2000 / 1e9, t -> { }, () -> false);
      assertTrue(sys.awaitAnswers(Duration.ofSeconds(30)), "every admitted request answered");
      ServingSystem.Counts c = sys.countsNow();
      assertEquals(2000, c.sent());
      assertTrue(c.shed() > 0, "shed: " + c);
      assertEquals(c.sent(), c.admitted() + c.shed());
      assertEquals(c.admitted(), c.answered());
      assertEquals(0, c.failed());
      assertTrue(sys.maxInFlight() <= 8, "never more than the queue in flight: " + sys.maxInFlight());
    }
  }
}
