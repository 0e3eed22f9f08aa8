package io.rlsearch.actors;

import java.time.Duration;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Dead letters are logged, the first at once and the rest summarised once per interval. */
class DeadLetterMonitorTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void theFirstIsLoggedAtOnceAndTheRestOncePerInterval() {
    ActorRef<Object> m = testKit.spawn(DeadLetterMonitor.create(Duration.ofSeconds(10)));
    org.apache.pekko.actor.ActorRef nobody = Adapter.toClassic(testKit.createTestProbe().ref());
    DeadLetter d = new DeadLetter("lost", nobody, nobody);
    LoggingTestKit.warn("dead letter: String").expect(testKit.system(), () -> {
      m.tell(d);
      return null;
    });
    // 100 more within the interval: one summary line when it ends, none before.
    LoggingTestKit.warn("dead letter(s)").withOccurrences(0).expect(testKit.system(), () -> {
      for (int i = 0; i < 100; i++) {
        m.tell(d);
      }
      time.timePasses(Duration.ofSeconds(5));
      return null;
    });
    LoggingTestKit.warn("100 dead letter(s) in the last 10 s").expect(testKit.system(), () -> {
      time.timePasses(Duration.ofSeconds(5));
      return null;
    });
    // A quiet interval, then the next one is logged at once again.
    time.timePasses(Duration.ofSeconds(10));
    LoggingTestKit.warn("dead letter: String").expect(testKit.system(), () -> {
      m.tell(d);
      return null;
    });
  }
}
