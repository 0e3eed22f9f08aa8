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
    com.typesafe.config.Config conf = Runs.quietSystemConfig();
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

  @Test
  void aShardThatFailsAnswersEveryAdmittedRequestAndReleasesItsQueue() throws Exception {
    com.typesafe.config.Config conf = Runs.quietSystemConfig();
    java.nio.file.Path log = java.nio.file.Files.createTempFile("decisions", ".jsonl");
    java.nio.file.Files.delete(log);
    // One shard with a queue of 8, failing after the policy's step on about a third of its requests.
    ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(), Optional.of(log),
        3, 0, 8, 0.3);
    try (ServingSystem sys = new ServingSystem(Runs.smallWorld(3), Task.BoostWeights.battle(), "cm2_price",
        "built-in", PolicyCatalog.builtIn("cm2_price"), s, conf)) {
      sys.drive(0, 1000, 0.3, t -> { }, () -> false);
      assertTrue(sys.awaitAnswers(Duration.ofSeconds(30)), "every admitted request answered: " + sys.countsNow());
      ServingSystem.Counts c = sys.countsNow();
      ServingSystem.ShardHealth h = sys.shardHealth();
      assertEquals(c.admitted(), c.answered());
      assertTrue(c.failed() > 0, "failed: " + c);
      assertEquals(c.failed(), h.failures(), "every failed request was a shard failure: " + h);
      assertEquals(h.failures(), h.restarts());
      assertEquals(1, h.alive());
      assertEquals(c.answered() - c.failed(), sys.flushLogCounts().lines(), "every answered decision logged");
      // The failed requests' places in the queue were given back: a burst of a whole queue is admitted.
      long shed = c.shed();
      sys.drive(10_000, 1e9, 8 / 1e9, t -> { }, () -> false);
      assertEquals(shed, sys.countsNow().shed(), "a full queue admitted after the failures");
      assertTrue(sys.awaitAnswers(Duration.ofSeconds(30)));
    } finally {
      java.nio.file.Files.deleteIfExists(log);
    }
  }

  @Test
  void everyShedRequestIsReportedInTheLogByTheTimeTheSystemCloses() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ServingSystem.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    long shed;
    try {
      com.typesafe.config.Config conf = Runs.quietSystemConfig();
      ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(),
          Optional.empty(), 3, 0, 8);
      try (ServingSystem sys = new ServingSystem(Runs.smallWorld(3), Task.BoostWeights.battle(), "cm2_price",
          "built-in", PolicyCatalog.builtIn("cm2_price"), s, conf)) {
        sys.drive(0, 1e9, 2000 / 1e9, t -> { }, () -> false);
        assertTrue(sys.awaitAnswers(Duration.ofSeconds(30)), "every admitted request answered");
        shed = sys.countsNow().shed();
        assertTrue(shed > 1, "shed: " + shed);
      }
    } finally {
      logger.detachAppender(lines);
    }
    long reported = 0;
    for (ch.qos.logback.classic.spi.ILoggingEvent e : lines.list) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^overload: shed (\\d+) request").matcher(
          e.getFormattedMessage());
      if (m.find()) {
        reported += Long.parseLong(m.group(1));
      }
    }
    assertEquals(shed, reported, lines.list.toString());
  }

  @Test
  void requestsAreServedOnTheServingDispatcherNotTheDefaultOne() {
    com.typesafe.config.Config conf = Runs.quietSystemConfig();
    ServingSystem.Settings s = new ServingSystem.Settings(2, ServingMonitorActor.Settings.defaults(), Optional.empty(),
        3, 200);
    try (ServingSystem sys = new ServingSystem(Runs.smallWorld(3), Task.BoostWeights.battle(), "cm2_price",
        "built-in", PolicyCatalog.builtIn("cm2_price"), s, conf)) {
      sys.drive(0, 2000, 0.1, t -> { }, () -> false);
      assertTrue(sys.awaitAnswers(Duration.ofSeconds(30)), "every admitted request answered");
      ServingSystem.Counts c = sys.countsNow();
      assertTrue(c.answered() > 0, "answered: " + c);
      assertEquals(c.sent(), c.answered() + c.shed());
      // Heavy work (a whole episode a request) keeps off the default dispatcher: the serving actors run on
      // their own pool, whose threads exist only once something has run on them.
      java.util.Set<String> names = new java.util.TreeSet<>();
      Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
      assertTrue(names.stream().anyMatch(n -> n.startsWith("rlsearch-serve-rlsearch.dispatchers.serving-")),
          "no thread of the serving dispatcher ran: " + names);
    }
  }
}
