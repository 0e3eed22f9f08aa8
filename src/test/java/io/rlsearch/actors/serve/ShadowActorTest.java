package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The shadow on real requests: its decisions wait for the feedback join within the shadow's queue, so
 * a join that lags holds at most {@link ShadowActor#CAPACITY} of them and the shards skip the shadow
 * beyond (counted).
 */
class ShadowActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final World WORLD = Runs.smallWorld(5);
  private static final ServingSchema SCHEMA = ServingSchema.world(WORLD.settings());
  private static final SimulatedRequests REQUESTS = new SimulatedRequests(WORLD, 5, 20, 5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static PolicySnapshot weights(double... w) {
    double[] a = new double[10];
    System.arraycopy(w, 0, a, 0, w.length);
    return ContinuousAgents.constant("w", a).create(0, 0).snapshot(0);
  }

  private record Shadow(ActorRef<ShadowActor.Job> actor, ShadowActor.Queue queue, Routing.Version version) {}

  private static Shadow shadow(PolicySnapshot p) {
    Bindings bindings = new Bindings(SCHEMA);
    Routing.Version v = new Routing.Version(2, "shadow", p);
    bindings.put(2, bindings.bind(p));
    ShadowActor.Queue queue = new ShadowActor.Queue();
    TestProbe<ServingMonitorActor.Command> monitor = testKit.createTestProbe();
    Backlog monitorBacklog = new Backlog(ServingMonitorActor.QUEUE, ServingMonitorActor.LATE, System::nanoTime);
    return new Shadow(testKit.spawn(ShadowActor.create(new RunStreams(5), monitor.ref(), monitorBacklog, queue,
        bindings, 5)), queue, v);
  }

  /** Hands request {@code i} to the shadow as a shard does: only if the queue has a place. */
  private static boolean handOver(Shadow s, int i, ActorRef<FeedbackJoinActor.Command> join) {
    if (!s.queue().offer()) {
      return false;
    }
    s.actor().tell(new ShadowActor.RankWork(s.version(), REQUESTS.session(i).request(), "d" + i, "r" + i,
        new int[] {0, 1, 2}, join));
    return true;
  }

  @Test
  void aJoinThatLagsHoldsAtMostTheQueueOfShadowDecisionsAndTheRestAreSkippedAndCounted() {
    Shadow s = shadow(weights(3, 0, 0, 0, 0, 3));
    TestProbe<FeedbackJoinActor.Command> join = testKit.createTestProbe();
    for (int i = 0; i < ShadowActor.CAPACITY; i++) {
      assertTrue(handOver(s, i, join.ref()));
    }
    List<FeedbackJoinActor.Command> decided = join.receiveSeveralMessages(ShadowActor.CAPACITY, Duration.ofSeconds(20));
    // The shadow has done its work, but the join has taken none of its decisions: no place is free.
    for (int i = 0; i < 100; i++) {
      assertFalse(handOver(s, ShadowActor.CAPACITY + i, join.ref()), "request " + i + " beyond the queue");
    }
    assertEquals(100, s.queue().skipped());
    join.expectNoMessage(Duration.ofMillis(200));
    // The join takes 10: 10 places come back, and no more.
    for (int i = 0; i < 10; i++) {
      ((FeedbackJoinActor.ShadowDecided) decided.get(i)).taken().run();
    }
    for (int i = 0; i < 10; i++) {
      assertTrue(handOver(s, 1000 + i, join.ref()));
    }
    assertFalse(handOver(s, 2000, join.ref()));
    assertEquals(101, s.queue().skipped());
    assertEquals(10, join.receiveSeveralMessages(10, Duration.ofSeconds(10)).size());
    assertEquals(ShadowActor.CAPACITY, s.queue().backlog.counts().queued());
  }

  @Test
  void aShadowThatFailsOrHasNoJoinGivesItsPlaceBackAtOnce() {
    Shadow failing = shadow(ServingActorsTest.THROWS);
    TestProbe<FeedbackJoinActor.Command> join = testKit.createTestProbe();
    for (int i = 0; i < 5; i++) {
      assertTrue(handOver(failing, i, join.ref()));
    }
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(5, failing.queue().failed());
      assertEquals(0, failing.queue().backlog.counts().queued());
      return null;
    });
    join.expectNoMessage(Duration.ofMillis(100));
    Shadow alone = shadow(weights(1));
    for (int i = 0; i < 5; i++) {
      assertTrue(handOver(alone, i, null));
    }
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(5, alone.queue().agreement().compared());
      assertEquals(0, alone.queue().backlog.counts().queued());
      return null;
    });
  }
}
