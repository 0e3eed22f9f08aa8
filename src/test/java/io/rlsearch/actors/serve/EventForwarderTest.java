package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The registry's events reach the metrics by asks that never wait: one out at a time, each event once. */
class EventForwarderTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ServingRegistryActor.State state(ServingRegistryActor.Event... events) {
    return new ServingRegistryActor.State(List.of(), 1, List.of(events), List.of(), 0, 0);
  }

  @Test
  void eachNewEventIsForwardedOnceWithOneAskOutAtATimeAndAnUnansweredAskIsAskedAgain() {
    TestProbe<ServingRegistryActor.Command> registry = testKit.createTestProbe();
    List<String> seen = new CopyOnWriteArrayList<>();
    testKit.spawn(EventForwarder.create(registry.ref(), (kind, version, detail) -> seen.add(kind + " " + version),
        Duration.ofMillis(250), Duration.ofSeconds(2)));
    time.timePasses(Duration.ofMillis(250));
    var first = registry.expectMessageClass(ServingRegistryActor.GetState.class);
    // Unanswered: later ticks send no second ask while the first is out.
    time.timePasses(Duration.ofMillis(1000));
    registry.expectNoMessage(Duration.ofMillis(100));
    ServingRegistryActor.Event reg = new ServingRegistryActor.Event(0, "register", 1, "v1", 0);
    ServingRegistryActor.Event promote = new ServingRegistryActor.Event(1, "promote", 2, "v2", 1);
    first.replyTo().tell(state(reg, promote));
    time.timePasses(Duration.ofMillis(250));
    var second = registry.expectMessageClass(ServingRegistryActor.GetState.class);
    ServingRegistryActor.Event rollback = new ServingRegistryActor.Event(2, "rollback", 2, "to 1", 2);
    second.replyTo().tell(state(reg, promote, rollback));
    // A registry that never answers: the ask times out and the next tick asks again.
    time.timePasses(Duration.ofMillis(250));
    registry.expectMessageClass(ServingRegistryActor.GetState.class);
    time.timePasses(Duration.ofSeconds(2));
    time.timePasses(Duration.ofMillis(250));
    var fourth = registry.expectMessageClass(ServingRegistryActor.GetState.class);
    fourth.replyTo().tell(state(promote, rollback));
    time.timePasses(Duration.ofMillis(250));
    registry.expectMessageClass(ServingRegistryActor.GetState.class);
    assertEquals(List.of("promote 2", "rollback 2"), seen, "each event once, registrations left out");
  }
}
