package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A long run of versions (each registered, on canary, ended or promoted) keeps the registry and the
 * monitor's per-version figures bounded: finished versions beyond the ones kept are retired.
 */
class VersionRetentionTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final io.rlsearch.serving.ServingSchema SCHEMA = io.rlsearch.serving.ServingSchema.world(
      io.rlsearch.sim.ZoosimConfig.load(java.util.Optional.empty()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ServingRegistryActor.Reply control(ActorRef<ServingRegistryActor.Command> registry,
      Function<ActorRef<ServingRegistryActor.Reply>, ServingRegistryActor.Command> make) {
    TestProbe<ServingRegistryActor.Reply> p = testKit.createTestProbe();
    registry.tell(make.apply(p.getRef()));
    return p.receiveMessage();
  }

  private static long register(ActorRef<ServingRegistryActor.Command> registry, String name) {
    TestProbe<Long> p = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.Register(name, "test", ServingActorsTest.GOOD2, p.getRef()));
    return p.receiveMessage();
  }

  private static ServingRegistryActor.State state(ActorRef<ServingRegistryActor.Command> registry) {
    TestProbe<ServingRegistryActor.State> p = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.GetState(p.getRef()));
    return p.receiveMessage();
  }

  private static ServingMonitorActor.Metrics metrics(ActorRef<ServingMonitorActor.Command> monitor) {
    TestProbe<ServingMonitorActor.Metrics> p = testKit.createTestProbe();
    monitor.tell(new ServingMonitorActor.GetMetrics(p.getRef()));
    return p.receiveMessage();
  }

  @Test
  void aLongRunOfCanariesAndPromotionsKeepsTheRegistryAndTheMonitorBounded() {
    Bindings bindings = new Bindings(SCHEMA);
    java.util.List<Long> retired = new java.util.concurrent.CopyOnWriteArrayList<>();
    var registry = testKit.spawn(ServingRegistryActor.create("good", "built-in", ServingActorsTest.GOOD, 1,
        System::nanoTime, ServingRegistryActor.FINISHED_KEPT, id -> {
          retired.add(id);
          bindings.retire(id);
        }));
    var monitor = testKit.spawn(ServingMonitorActor.create(registry, 1, ServingMonitorActor.Settings.defaults(),
        ServingActorsTest.backlog()));
    int runs = 200;
    long last = 0;
    for (int i = 0; i < runs; i++) {
      long id = register(registry, "v" + i);
      assertTrue(control(registry, to -> new ServingRegistryActor.Canary(id, 0.1, to)).ok());
      // A shard ranks with it: bound on first use.
      bindings.of(new Routing.Version(id, "v" + i, ServingActorsTest.GOOD2));
      for (int k = 0; k < 3; k++) {
        monitor.tell(new ServingMonitorActor.Outcome(id, 1, 1, 1, 0, System.nanoTime()));
        monitor.tell(new ServingMonitorActor.Outcome(1, 1, 1, 1, 0, System.nanoTime()));
      }
      if (i % 3 == 0) {
        assertTrue(control(registry, to -> new ServingRegistryActor.Promote(id, java.util.Optional.empty(), to)).ok());
      } else {
        assertTrue(control(registry, to -> new ServingRegistryActor.Canary(id, 0, to)).ok());
      }
      last = id;
    }
    ServingRegistryActor.State st = state(registry);
    int kept = ServingRegistryActor.FINISHED_KEPT;
    // The live version, the known-good version 1 and the finished ones kept.
    assertTrue(st.versions().size() <= kept + 2, st.versions().size() + " versions registered");
    assertTrue(st.versions().stream().anyMatch(v -> v.id() == 1 && v.knownGood()), "the known-good one is kept");
    long lastId = last;
    assertTrue(st.versions().stream().anyMatch(v -> v.id() == lastId - 1 && v.live()), "the last promoted is live");
    assertTrue(st.versions().stream().anyMatch(v -> v.id() == lastId && !v.live() && v.canaryShare() == 0),
        "the last finished ones are kept");
    assertEquals(runs + 1 - st.versions().size(), st.retired());
    assertEquals(st.retired(), retired.size(), "every retirement is reported");
    assertTrue(bindings.size() <= kept + 2, bindings.size() + " versions bound");
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      ServingMonitorActor.Metrics m = metrics(monitor);
      assertTrue(m.versions().size() <= kept + 2, m.versions().size() + " versions with figures");
      assertTrue(m.evicted() >= runs - kept - 2, m.evicted() + " evicted");
      assertTrue(m.versions().containsKey(1L) && m.versions().containsKey(lastId));
      return null;
    });
    // A late outcome of a version long finished is counted, not kept.
    long before = metrics(monitor).unattributed();
    monitor.tell(new ServingMonitorActor.Outcome(3, 1, 1, 1, 0, System.nanoTime()));
    assertEquals(before + 1, metrics(monitor).unattributed());
    assertTrue(!metrics(monitor).versions().containsKey(3L));
  }

  @Test
  void aFinishedVersionKeptCanBePromotedAgainAndWhatServesIsNeverRetired() {
    var registry = testKit.spawn(ServingRegistryActor.create("good", "built-in", ServingActorsTest.GOOD, 1,
        System::nanoTime, 2, id -> { }));
    long a = register(registry, "a");
    long b = register(registry, "b");
    long c = register(registry, "c");
    long d = register(registry, "d");
    assertTrue(control(registry, to -> new ServingRegistryActor.Promote(a, java.util.Optional.empty(), to)).ok());
    assertTrue(control(registry, to -> new ServingRegistryActor.Shadow(b, to)).ok());
    assertTrue(control(registry, to -> new ServingRegistryActor.Canary(c, 0.2, to)).ok());
    assertTrue(control(registry, to -> new ServingRegistryActor.Promote(d, java.util.Optional.empty(), to)).ok());
    // a finished (superseded); 1 is known-good, never retired though finished too.
    assertTrue(control(registry, to -> new ServingRegistryActor.Promote(a, java.util.Optional.empty(), to)).ok(),
        "a finished version kept is promoted again");
    assertTrue(control(registry, to -> new ServingRegistryActor.Canary(c, 0, to)).ok());
    // Finished now: 1 (known-good), d, c: one more than kept, and 1 is not retired.
    ServingRegistryActor.State st = state(registry);
    assertEquals(1, st.retired(), st.versions().toString());
    assertTrue(st.versions().stream().noneMatch(v -> v.id() == d), "the oldest finished one (not known-good) goes");
    assertTrue(st.versions().stream().anyMatch(v -> v.id() == 1 && v.knownGood()));
    assertTrue(st.versions().stream().anyMatch(v -> v.id() == a && v.live()));
    assertTrue(st.versions().stream().anyMatch(v -> v.id() == b && v.shadow()));
    assertEquals(404, control(registry, to -> new ServingRegistryActor.Promote(d, java.util.Optional.empty(), to))
        .status(), "a retired version is unknown");
  }

  @Test
  void endingACanaryNamesItAndOnlyAVersionThatNeverServedIsRetiredOnRequest() {
    var registry = testKit.spawn(ServingRegistryActor.create("good", "built-in", ServingActorsTest.GOOD, 1,
        System::nanoTime));
    long a = register(registry, "a");
    long b = register(registry, "b");
    long idle = register(registry, "idle");
    assertTrue(control(registry, to -> new ServingRegistryActor.Canary(a, 0.2, to)).ok());
    ServingRegistryActor.Reply r = control(registry, to -> new ServingRegistryActor.Canary(b, 0, to));
    assertEquals(409, r.status(), r.message());
    assertTrue(r.message().contains("not the canary"), r.message());
    assertEquals(0.2, state(registry).versions().stream().filter(v -> v.id() == a).findFirst().orElseThrow()
        .canaryShare(), "another version's end does not end this canary");
    assertEquals(409, control(registry, to -> new ServingRegistryActor.Retire(a, to)).status(), "on canary");
    assertEquals(409, control(registry, to -> new ServingRegistryActor.Retire(1, to)).status(), "live");
    assertEquals(404, control(registry, to -> new ServingRegistryActor.Retire(99, to)).status());
    assertTrue(control(registry, to -> new ServingRegistryActor.Retire(idle, to)).ok());
    ServingRegistryActor.State st = state(registry);
    assertEquals(1, st.retired());
    assertTrue(st.versions().stream().noneMatch(v -> v.id() == idle));
  }

  @Test
  void aRetiredVersionIsDroppedFromTheBindingsAndALateRequestDoesNotBindItForGood() {
    Bindings bindings = new Bindings(SCHEMA);
    Routing.Version v = new Routing.Version(5, "v", ServingActorsTest.GOOD2);
    bindings.of(v);
    assertEquals(1, bindings.size());
    bindings.retire(5);
    assertEquals(0, bindings.size());
    assertTrue(bindings.of(v) != null, "a shard with an older table still ranks with it");
    assertEquals(0, bindings.size(), "without keeping it");
  }
}
