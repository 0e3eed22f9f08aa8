package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.eval.ope.LoggedDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision log's bound: a line dropped in front of it is counted and reported, never silent. */
class DecisionLogActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  @TempDir Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static LoggedDecision decision(long id) {
    return new LoggedDecision("p", 1, id, 0, new double[] {1, 2}, -1, new double[] {0.5}, 0.3, null, 1.5, true,
        LoggedDecision.Outcome.NONE);
  }

  @Test
  void droppedLinesAreCountedInTheFlushAndReportedWhenTheLogCloses() throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DecisionLogActor.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      Path file = dir.resolve("decisions.jsonl");
      Backlog backlog = new Backlog(3, Duration.ofSeconds(1), System::nanoTime);
      var log = testKit.spawn(DecisionLogActor.create(file, backlog));
      var writer = testKit.spawn(DecisionLogActor.writer(log));
      // Five decisions meet a backlog of three that the log has not taken from yet: two are dropped.
      int sent = 0;
      for (long id = 0; id < 5; id++) {
        if (backlog.offer()) {
          sent++;
        }
      }
      for (long id = 0; id < sent; id++) {
        writer.tell(decision(id));
      }
      TestProbe<DecisionLogActor.Flushed> f = testKit.createTestProbe();
      writer.tell(new DecisionLogActor.Flush(f.ref()));
      assertEquals(new DecisionLogActor.Flushed(3, 0, 2), f.receiveMessage(Duration.ofSeconds(10)));
      assertEquals(0, backlog.counts().queued(), "the log gave every place back");
      assertTrue(backlog.offer(), "and takes lines again");
      testKit.stop(log, Duration.ofSeconds(10));
      assertEquals(3, Files.readAllLines(file).size());
      List<String> errors = lines.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
      assertEquals(1, errors.size(), "one report by the close: " + errors);
      assertTrue(errors.get(0).contains("2 line(s) dropped"), errors.get(0));
    } finally {
      logger.detachAppender(lines);
    }
  }
}
