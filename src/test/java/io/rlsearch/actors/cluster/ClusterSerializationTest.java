package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message that crosses nodes goes through Jackson CBOR and back unchanged; nothing else is allowed. */
class ClusterSerializationTest {
  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    // The cluster provider on a free port, never joined: serialization alone.
    system = ActorSystem.create(Behaviors.empty(), ClusterNode.SYSTEM, ClusterNode.config(
        ConfigFactory.parseString("pekko.loglevel = ERROR"), "127.0.0.1", 0, List.of(), List.of("env")));
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T message) throws Exception {
    Serialization s = SerializationExtension.get(system.classicSystem());
    var serializer = s.findSerializerFor(message);
    assertTrue(serializer instanceof JacksonCborSerializer, message.getClass() + " uses " + serializer);
    byte[] bytes = s.serialize(message).get();
    return (T) s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
  }

  @Test
  void everyCrossNodeMessageRoundTripsThroughCbor() throws Exception {
    RunDescriptor run = new RunDescriptor("r", "experiment { agent = linucb }", "linucb", 7, 100, 10);
    assertEquals(run, roundTrip(run));
    Transition t = new Transition(3, 3, 0, "linucb", 2, new double[] {1, 2}, 1, null, 0.5, 4.5,
        new RewardBreakdown(4, 0.5, 0, 2), 1, 20, 0.3, 2, new int[] {4, 1}, new int[] {1, 0}, new int[] {0, 0}, 0.1,
        0.6, 0.75);
    assertEquals(t, roundTrip(t));
    AgentState state = new AgentState("linucb", Map.of("a", new double[] {1.5, -2}), Map.of("n", 3L));
    PolicyPublished p = new PolicyPublished("r", 4, Optional.of(state));
    PolicyPublished back = roundTrip(p);
    assertArrayEquals(state.arrays().get("a"), back.state().orElseThrow().arrays().get("a"), 0.0);
    assertEquals(3L, back.state().orElseThrow().counters().get("n"));
    assertEquals(Optional.empty(), roundTrip(new PolicyPublished("r", 0, Optional.empty())).state());
    var probe = org.apache.pekko.actor.testkit.typed.javadsl.TestProbe.<Object>create(system);
    ClusterCoordinator.Report report = new ClusterCoordinator.Report(run, 100, 100, 0, 0, 2, 11, 100, 1.5, 2.5, 1.0,
        List.of("a"), 3.0, Optional.empty(), 4);
    assertEquals(report, roundTrip(report));
    assertEquals(new PolicyRegistrySingleton.PolicyMissing("r", 3), roundTrip(new PolicyRegistrySingleton.PolicyMissing(
        "r", 3)));
    assertEquals(new ClusterCoordinator.Progress(1, 2, 3), roundTrip(new ClusterCoordinator.Progress(1, 2, 3)));
    EnvEntity.Play play = new EnvEntity.Play(run, List.of(1L, 2L), 0, 3, probe.ref().unsafeUpcast(),
        probe.ref().unsafeUpcast());
    EnvEntity.Play playBack = roundTrip(play);
    assertEquals(play.episodes(), playBack.episodes());
    assertEquals(play.replyTo(), playBack.replyTo());
    SourceRef<Transition> ref = Source.single(t).runWith(StreamRefs.sourceRef(), system);
    EnvEntity.Played played = roundTrip(new EnvEntity.Played(List.of(3L), ref, "node"));
    assertEquals(List.of(t), played.transitions().getSource().runWith(org.apache.pekko.stream.javadsl.Sink.seq(),
        system).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS));
    PolicyRegistrySingleton.FetchPolicy f = new PolicyRegistrySingleton.FetchPolicy("r", 2,
        probe.ref().unsafeUpcast());
    assertEquals(f, roundTrip(f));
    PolicyRegistrySingleton.Publish pub = roundTrip(new PolicyRegistrySingleton.Publish(p));
    assertEquals(4, pub.policy().version());
    assertEquals(new PolicyRegistrySingleton.History(List.of(0L, 1L)),
        roundTrip(new PolicyRegistrySingleton.History(List.of(0L, 1L))));
    ReplaySingleton.Store store = roundTrip(new ReplaySingleton.Store(List.of(t, t)));
    assertEquals(List.of(t, t), store.transitions());
    assertEquals(new ReplaySingleton.Stats(5, 4, 10), roundTrip(new ReplaySingleton.Stats(5, 4, 10)));
    var getStats = new ReplaySingleton.GetStats(probe.ref().unsafeUpcast());
    assertEquals(getStats, roundTrip(getStats));
    ClusterCoordinator.Settings settings = new ClusterCoordinator.Settings(4, 8, 2, Duration.ofSeconds(3),
        Duration.ofMillis(500), 5, 100);
    assertEquals(settings, roundTrip(settings));
  }

  @Test
  void javaSerializationIsRefused() {
    Serialization s = SerializationExtension.get(system.classicSystem());
    // A serializable class bound to nothing: with Java serialization off there is no serializer for it.
    assertThrows(Exception.class, () -> s.serialize(new java.util.Date(0)).get());
  }
}
