package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.spi.AgentState;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A node's policy cache and the run's registry: one lost message never wedges a node. */
class PolicyFetchTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final RunDescriptor RUN = new RunDescriptor("fetch", "", "linucb", 3, 100, 50);

  /** A topic that loses every message (pub-sub lost on the way). */
  private static ActorRef<Topic.Command<PolicyPublished>> losingTopic() {
    return testKit.spawn(Behaviors.<Topic.Command<PolicyPublished>>receiveMessage(m -> Behaviors.same()));
  }

  private static PolicyPublished version(long v) {
    return new PolicyPublished(RUN.runId(), v, Optional.<AgentState>empty());
  }

  @Test
  void theRegistryAnswersAVersionItDoesNotHold() {
    var registry = testKit.spawn(PolicyRegistrySingleton.create(losingTopic()));
    TestProbe<PolicyRegistrySingleton.FetchReply> probe = testKit.createTestProbe();
    registry.tell(new PolicyRegistrySingleton.FetchPolicy(RUN.runId(), 5, probe.ref()));
    PolicyRegistrySingleton.FetchReply r = probe.receiveMessage(Duration.ofSeconds(5));
    assertEquals(new PolicyRegistrySingleton.PolicyMissing(RUN.runId(), 5), r);
    registry.tell(new PolicyRegistrySingleton.Publish(version(5)));
    registry.tell(new PolicyRegistrySingleton.FetchPolicy(RUN.runId(), 5, probe.ref()));
    assertEquals(version(5), probe.receiveMessage(Duration.ofSeconds(5)));
  }

  @Test
  void aVersionWhosePublicationWasLostIsFetchedAgainUntilItArrives() {
    var topic = losingTopic();
    var registry = testKit.spawn(PolicyRegistrySingleton.create(topic));
    var cache = testKit.spawn(PolicyCache.create(new ClusterRunTest.Factory(), topic));
    TestProbe<PolicyCache.Ready> ready = testKit.createTestProbe();
    // Asked before the version exists: the registry says so, the publication is lost.
    cache.tell(new PolicyCache.Get(RUN, 1, registry, ready.ref()));
    ready.expectNoMessage(Duration.ofMillis(200));
    registry.tell(new PolicyRegistrySingleton.Publish(version(1)));
    ready.expectNoMessage(Duration.ofMillis(200));
    // The cache asks again after its fetch interval and gets it.
    time.timePasses(PolicyCache.FETCH_INTERVAL);
    assertEquals(1, ready.receiveMessage(Duration.ofSeconds(5)).snapshot().version());
    // A second request for it is answered from the cache at once.
    cache.tell(new PolicyCache.Get(RUN, 1, registry, ready.ref()));
    assertEquals(1, ready.receiveMessage(Duration.ofSeconds(5)).snapshot().version());
  }
}
