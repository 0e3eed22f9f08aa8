package io.rlsearch.actors;

import java.time.Duration;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Messages that reach no one (dead letters, dropped, unhandled) are logged, the first at once and the
 * rest summarised once per interval and when the monitor stops; acknowledgements a finished stream
 * stage no longer waits for are not.
 */
class DeadLetterMonitorTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static DeadLetter deadLetter(Object message) {
    org.apache.pekko.actor.ActorRef nobody = Adapter.toClassic(testKit.createTestProbe().ref());
    return new DeadLetter(message, nobody, nobody);
  }

  @Test
  void theFirstIsLoggedAtOnceAndTheRestOncePerInterval() {
    ActorRef<Object> m = testKit.spawn(DeadLetterMonitor.create(Duration.ofSeconds(10)));
    DeadLetter d = deadLetter("lost");
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
    testKit.stop(m);
  }

  /**
   * Real ones, through the system's event stream: a message to a stopped actor, one an actor does not
   * handle, one dropped; what is not yet summarised is logged when the monitor stops.
   */
  @Test
  void deadDroppedAndUnhandledMessagesAreReportedFromTheEventStreamAndCountedUpToTheStop() {
    // The probe sees each message as the monitor takes it up (so the stop below comes after all of them).
    TestProbe<Object> seen = testKit.createTestProbe();
    ActorRef<Object> m = testKit.spawn(Behaviors.monitor(Object.class, seen.ref(),
        DeadLetterMonitor.create(Duration.ofSeconds(10))));
    // Once the monitor has handled a message it has started, and its subscriptions are on their way to
    // the event stream, ahead of anything published from here on.
    LoggingTestKit.warn("dead letter: String").expect(testKit.system(), () -> {
      m.tell(deadLetter("first"));
      return null;
    });
    seen.expectMessageClass(DeadLetter.class);
    DeadLetter marker = deadLetter("marker");
    testKit.system().eventStream().tell(new EventStream.Publish<>(marker));
    seen.expectMessage(Duration.ofSeconds(5), marker);

    ActorRef<String> stopped = testKit.spawn(Behaviors.<String>receiveMessage(s -> Behaviors.stopped()));
    stopped.tell("stop");
    testKit.createTestProbe().expectTerminated(stopped);
    // An acknowledgement to a finished stream stage is not news: it is not counted.
    ActorRef<Ack> deadAck = stopped.unsafeUpcast();
    deadAck.tell(Ack.INSTANCE);
    stopped.tell("to a stopped actor");
    ActorRef<String> deaf = testKit.spawn(Behaviors.<String>receiveMessage(s -> Behaviors.unhandled()));
    deaf.tell("not handled");
    testKit.system().eventStream().tell(new EventStream.Publish<>(new Dropped("dropped", "a full buffer",
        Adapter.toClassic(deaf), Adapter.toClassic(deaf))));
    java.util.Set<Class<?>> kinds = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      Object x = seen.receiveMessage(Duration.ofSeconds(5));
      kinds.add(x.getClass());
      if (x instanceof DeadLetter d) {
        org.junit.jupiter.api.Assertions.assertEquals("to a stopped actor", d.message());
      }
    }
    org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(DeadLetter.class,
        org.apache.pekko.actor.UnhandledMessage.class, Dropped.class), kinds);
    // The marker, the dead letter, the unhandled and the dropped message: 4, logged when the monitor stops.
    LoggingTestKit.warn("4 dead letter(s)").expect(testKit.system(), () -> {
      testKit.stop(m);
      return null;
    });
  }
}
