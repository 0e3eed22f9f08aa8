package io.rlsearch.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes with the clustered topology (its large-message channel included): an actor that stops is
 * reported to its watcher on the other node at once. Every batch's stream reference is such an actor.
 * Artery flushes the way to the watcher's node first and waits for the acknowledgements; when they do
 * not all come it waits out its flush timeout (here 30 s) and logs "Flush timeout".
 */
class ClusterDeathWatchTest {
  private static ClusterNode a;
  private static ClusterNode b;
  private static ActorTestKit kit;

  @BeforeAll
  static void start() throws Exception {
    Config overlay = ConfigFactory.parseString("pekko.remote.artery.advanced.death-watch-notification-flush-timeout = 30s")
        .withFallback(ClusterRunTest.fast());
    int pa = ClusterRunTest.freePort();
    int pb = ClusterRunTest.freePort();
    List<String> seeds = List.of("127.0.0.1:" + pa);
    a = ClusterNode.start(ClusterNode.config(overlay, "127.0.0.1", pa, seeds, List.of("env")), new ClusterRunTest.Factory());
    b = ClusterNode.start(ClusterNode.config(overlay, "127.0.0.1", pb, seeds, List.of("env")), new ClusterRunTest.Factory());
    a.awaitUp("env", 2, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
    kit = ActorTestKit.create(b.system());
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void aWatcherOnAnotherNodeHearsAtOnceThatAnActorStopped() {
    // On node a: answers "ping" with "pong", stops on "stop".
    ActorRef<Object> watched = a.system().systemActorOf(Behaviors.receive(Object.class)
        .onMessageEquals("stop", Behaviors::stopped)
        .onMessage(PingFrom.class, p -> {
          p.replyTo().tell("pong");
          return Behaviors.same();
        }).build(), "watched", Props.empty());
    ActorRef<Object> remote = ActorRefResolver.get(b.system()).resolveActorRef(
        ActorRefResolver.get(a.system()).toSerializationFormat(watched));
    TestProbe<String> events = kit.createTestProbe();
    // On node b: watches it, then makes sure the way there is open (the answer comes back).
    kit.spawn(Behaviors.<String>setup(ctx -> {
      ctx.watch(remote);
      remote.tell(new PingFrom(ctx.getSelf()));
      return Behaviors.receive(String.class)
          .onMessage(String.class, m -> {
            events.ref().tell(m);
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            events.ref().tell("terminated");
            return Behaviors.same();
          }).build();
    }));
    events.expectMessage(Duration.ofSeconds(20), "pong");
    // The watch travels on the control stream, the ping on the ordinary one: give it a moment more.
    events.expectNoMessage(Duration.ofSeconds(1));
    remote.tell("stop");
    events.expectMessage(Duration.ofSeconds(10), "terminated");
  }

  /** A ping that says where to answer. */
  public record PingFrom(ActorRef<String> replyTo) implements CborSerializable {}
}
