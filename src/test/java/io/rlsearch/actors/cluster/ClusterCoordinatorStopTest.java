package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A coordinator that stops or restarts while its round is under way ends that round's work: its
 * batches are not sent again afterwards. One single-node cluster whose environment shards never
 * answer (they hand every request to a probe), so the coordinator keeps sending its first batch
 * again, every ask timeout plus retry pause (0.4 s), until it stops.
 */
class ClusterCoordinatorStopTest {
  private static ActorTestKit kit;
  /** Each run's requests, by run id (one probe per test). */
  private static final java.util.Map<String, TestProbe<EnvEntity.Play>> PLAYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final ClusterCoordinator.Settings SETTINGS = new ClusterCoordinator.Settings(1, 10, 1,
      Duration.ofMillis(300), Duration.ofMillis(100), 10_000, 100);

  /** Silence on the shards for this long after a stop: several retry periods. */
  private static final Duration QUIET = Duration.ofSeconds(3);

  @BeforeAll
  static void start() throws Exception {
    int port = ClusterRunTest.freePort();
    kit = ActorTestKit.create(ClusterNode.SYSTEM, ConfigFactory.parseString("pekko.cluster.roles = [learner, env]")
        .withFallback(ClusterNode.config(ClusterRunTest.fast(), "127.0.0.1", port, List.of("127.0.0.1:" + port),
            List.of("learner", "env"))));
    ClusterSharding.get(kit.system()).init(Entity.of(EnvEntity.TYPE, ctx -> Behaviors.receive(EnvEntity.Command.class)
        .onMessage(EnvEntity.Play.class, p -> {
          PLAYS.get(p.run().runId()).ref().tell(p);
          return Behaviors.same();
        }).build()));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Void> up = kit.createTestProbe();
    up.awaitAssert(Duration.ofSeconds(30), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Stops its coordinator child on any message. */
  private static Behavior<String> parent(Behavior<ClusterCoordinator.Command> coordinator,
      TestProbe<ActorRef<ClusterCoordinator.Command>> spawned, TestProbe<String> stopped) {
    return Behaviors.setup(ctx -> {
      ActorRef<ClusterCoordinator.Command> c = ctx.spawn(coordinator, "coordinator");
      ctx.watch(c);
      spawned.ref().tell(c);
      return Behaviors.receive(String.class)
          .onMessage(String.class, m -> {
            ctx.stop(c);
            return Behaviors.same();
          })
          .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> {
            stopped.ref().tell("stopped");
            return Behaviors.same();
          })
          .build();
    });
  }

  private static Behavior<ClusterCoordinator.Command> coordinator(String runId) {
    PLAYS.put(runId, kit.createTestProbe(EnvEntity.Play.class));
    RunDescriptor run = new RunDescriptor(runId, "", "linucb", 3, 100, 100);
    return ClusterCoordinator.create(run, new ClusterRunTest.Factory(), SETTINGS,
        kit.<PolicyRegistrySingleton.Command>createTestProbe().ref(),
        kit.<ReplaySingleton.Command>createTestProbe().ref(),
        kit.<ClusterCoordinator.Report>createTestProbe().ref(), System::nanoTime);
  }

  /** The next request a shard gets, of run {@code runId}. */
  private static EnvEntity.Play nextPlay(String runId) {
    return PLAYS.get(runId).expectMessageClass(EnvEntity.Play.class, Duration.ofSeconds(20));
  }

  @Test
  void aStoppedCoordinatorSendsNoBatchAgain() {
    TestProbe<ActorRef<ClusterCoordinator.Command>> spawned = kit.createTestProbe();
    TestProbe<String> stopped = kit.createTestProbe();
    ActorRef<String> p = kit.spawn(parent(coordinator("stop"), spawned, stopped));
    spawned.receiveMessage(Duration.ofSeconds(20));
    assertEquals(0, nextPlay("stop").attempt());
    // Sent again while the coordinator runs: the retries come well within the quiet period below.
    assertEquals(1, nextPlay("stop").attempt());
    p.tell("stop");
    stopped.expectMessage(Duration.ofSeconds(10), "stopped");
    PLAYS.get("stop").expectNoMessage(QUIET);
    kit.stop(p);
  }

  @Test
  void aRestartedCoordinatorsPredecessorSendsNoBatchAgain() {
    TestProbe<ActorRef<ClusterCoordinator.Command>> spawned = kit.createTestProbe();
    TestProbe<String> stopped = kit.createTestProbe();
    ActorRef<String> p = kit.spawn(parent(coordinator("restart"), spawned, stopped));
    ActorRef<ClusterCoordinator.Command> c = spawned.receiveMessage(Duration.ofSeconds(20));
    assertEquals(0, nextPlay("restart").attempt());
    assertEquals(1, nextPlay("restart").attempt());
    assertEquals(2, nextPlay("restart").attempt());
    // A failure in the coordinator (a progress request without a reply address) restarts it.
    c.tell(new ClusterCoordinator.GetProgress(null));
    // The new coordinator starts its round again: attempts 0, 1, 2, ... in order. The predecessor's
    // batch, sent again, would come in between with attempt 3 and up.
    EnvEntity.Play first;
    do {
      first = nextPlay("restart");
    } while (first.attempt() == 3); // at most one sent again before the failure was handled
    assertEquals(0, first.attempt(), "the restarted coordinator's first request");
    List<Integer> attempts = new ArrayList<>();
    long until = System.nanoTime() + QUIET.toNanos();
    while (System.nanoTime() < until) {
      attempts.add(nextPlay("restart").attempt());
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i <= attempts.size(); i++) {
      expected.add(i);
    }
    assertEquals(expected, attempts, "only the restarted coordinator's requests, in order");
    p.tell("stop");
    stopped.expectMessage(Duration.ofSeconds(10), "stopped");
    kit.stop(p);
  }
}
