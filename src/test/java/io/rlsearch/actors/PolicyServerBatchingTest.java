package io.rlsearch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.InferenceEngine;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** SEED-style batching: a batch closes when full or when its bounded wait has passed (manual time). */
class PolicyServerBatchingTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());
  private static final RunStreams STREAMS = new RunStreams(4);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** The Java engine, recording the size of every batch it is given. */
  private static final class Counting implements InferenceEngine {
    final List<Integer> batches = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public List<Decision> act(PolicySnapshot snapshot, double[][] contexts, NumpyRandom[] streams) {
      batches.add(contexts.length);
      return InferenceEngine.JAVA.act(snapshot, contexts, streams);
    }
  }

  private static PolicyServerActor.Act act(long first, int n, TestProbe<PolicyServerActor.Acted> to) {
    java.util.List<PolicyServerActor.Request> rs = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      rs.add(new PolicyServerActor.Request(first + i, new double[] {1, 0, 1}));
    }
    return new PolicyServerActor.Act(rs, to.ref());
  }

  @Test
  void aBatchWaitsForMoreRequestsUpToMaxWaitAndClosesAtOnceWhenFull() {
    PolicySnapshot random = BanditAgents.random().create(8, 3).snapshot(0);
    var registry = testKit.spawn(PolicyRegistryActor.create(random));
    Counting engine = new Counting();
    var server = testKit.spawn(PolicyServerActor.create(registry, STREAMS, 0, 4, Duration.ofMillis(50), engine));
    TestProbe<PolicyServerActor.Acted> a = testKit.createTestProbe();
    TestProbe<PolicyServerActor.Acted> b = testKit.createTestProbe();
    server.tell(act(0, 1, a));
    server.tell(act(1, 2, b));
    time.expectNoMessageFor(Duration.ofMillis(40), a, b);
    time.timePasses(Duration.ofMillis(10));
    PolicyServerActor.Acted ra = a.receiveMessage();
    PolicyServerActor.Acted rb = b.receiveMessage();
    assertEquals(List.of(0L), ra.episodes());
    assertEquals(List.of(1L, 2L), rb.episodes());
    assertEquals(List.of(3), engine.batches, "one inference call for the gathered batch");
    // Each decision is the snapshot's, from the episode's own stream, whatever batch it was in.
    assertEquals(random.act(new double[] {1, 0, 1}, STREAMS.policy(2)), rb.decisions().get(1));

    // A full batch (4 episodes) is answered without waiting.
    server.tell(act(10, 3, a));
    server.tell(act(13, 1, b));
    assertEquals(List.of(10L, 11L, 12L), a.receiveMessage().episodes());
    assertEquals(List.of(13L), b.receiveMessage().episodes());
    assertEquals(List.of(3, 4), engine.batches);
    // No timer of the closed batch is left to fire on a later one.
    server.tell(act(20, 1, a));
    time.expectNoMessageFor(Duration.ofMillis(49), a);
    time.timePasses(Duration.ofMillis(1));
    assertEquals(List.of(20L), a.receiveMessage().episodes());
    TestProbe<PolicyServerActor.Stats> stats = testKit.createTestProbe();
    server.tell(new PolicyServerActor.GetStats(stats.ref()));
    PolicyServerActor.Stats s = stats.receiveMessage();
    assertEquals(8, s.requests());
    assertEquals(3, s.batches());
    assertEquals(4, s.largestBatch());
  }
}
