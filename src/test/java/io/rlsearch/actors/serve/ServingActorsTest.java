package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.safety.ServingGuard;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Promote, canary, shadow, rollback and the in-flight rule on the serving actors. */
class ServingActorsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final World WORLD = Runs.smallWorld(5);
  private static final Task.BoostWeights TASK = Task.BoostWeights.battle();
  private static final RunStreams STREAMS = new RunStreams(5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static PolicySnapshot weights(double... w) {
    double[] a = new double[10];
    System.arraycopy(w, 0, a, 0, w.length);
    return ContinuousAgents.constant("w", a).create(0, 0).snapshot(0);
  }

  /** Good: 3 on CM2 and on price; bad: buries what the user likes and the pricier products. */
  static final PolicySnapshot GOOD = weights(3, 0, 0, 0, 0, 3);
  static final PolicySnapshot GOOD2 = weights(2.9, 0, 0, 0, 0, 3.1);
  static final PolicySnapshot BAD = weights(0, 0, 0, -3, 0, -3);

  private record Stack(ActorRef<ServingRegistryActor.Command> registry, ActorRef<ServingMonitorActor.Command> monitor,
      List<ActorRef<ServeShardActor.Command>> shards) {}

  static Backlog backlog() {
    return new Backlog(ServingMonitorActor.QUEUE, ServingMonitorActor.LATE, System::nanoTime);
  }

  private static Stack stack(int shards, ServingMonitorActor.Settings settings) {
    var registry = testKit.spawn(ServingRegistryActor.create("good", "built-in", GOOD, shards, System::nanoTime));
    Backlog backlog = backlog();
    var monitor = testKit.spawn(ServingMonitorActor.create(registry, 1, settings, backlog));
    ShadowActor.Queue queue = new ShadowActor.Queue();
    var shadow = testKit.spawn(ShadowActor.create(STREAMS, monitor, backlog, queue));
    List<ActorRef<ServeShardActor.Command>> s = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      s.add(testKit.spawn(ServeShardActor.create(i, WORLD, TASK, STREAMS, registry,
          new ServeShardActor.Sinks(monitor, backlog, null, null, shadow, queue))));
    }
    return new Stack(registry, monitor, s);
  }

  private static long register(Stack st, String name, PolicySnapshot p) {
    TestProbe<Long> id = testKit.createTestProbe();
    st.registry().tell(new ServingRegistryActor.Register(name, "built-in", p, id.ref()));
    return id.receiveMessage();
  }

  private static ServingRegistryActor.Reply control(java.util.function.Function<ActorRef<ServingRegistryActor.Reply>,
      ServingRegistryActor.Command> make, Stack st) {
    TestProbe<ServingRegistryActor.Reply> p = testKit.createTestProbe();
    st.registry().tell(make.apply(p.ref()));
    return p.receiveMessage();
  }

  private static List<ServeShardActor.Served> serve(Stack st, long from, int n) {
    TestProbe<ServeShardActor.Served> p = testKit.createTestProbe();
    for (long id = from; id < from + n; id++) {
      st.shards().get((int) (id % st.shards().size())).tell(new ServeShardActor.Serve(id, 0, p.ref()));
    }
    List<ServeShardActor.Served> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(p.receiveMessage(Duration.ofSeconds(10)));
    }
    return out;
  }

  private static ServingRegistryActor.State state(Stack st) {
    TestProbe<ServingRegistryActor.State> p = testKit.createTestProbe();
    st.registry().tell(new ServingRegistryActor.GetState(p.ref()));
    return p.receiveMessage();
  }

  @Test
  void promoteSwapsEveryShardAndUnknownVersionsAndBadSharesAreRefused() {
    Stack st = stack(3, ServingMonitorActor.Settings.defaults());
    serve(st, 0, 30).forEach(s -> assertEquals(1, s.version()));
    long v2 = register(st, "good2", GOOD2);
    assertEquals(2, v2);
    ServingRegistryActor.Reply r = control(to -> new ServingRegistryActor.Promote(v2, Optional.empty(), to), st);
    assertTrue(r.ok(), r.message());
    // Control messages and the shards' tables are ordered per sender: once every shard acknowledged,
    // every later request is served by version 2.
    for (int i = 0; i < 50 && state(st).swapVisibleMs().isEmpty(); i++) {
      serve(st, 1000 + i, 1);
    }
    assertEquals(1, state(st).swapVisibleMs().size());
    serve(st, 2000, 30).forEach(s -> assertEquals(2, s.version()));
    assertEquals(404, control(to -> new ServingRegistryActor.Promote(99, Optional.empty(), to), st).status());
    assertEquals(400, control(to -> new ServingRegistryActor.Canary(v2, 1.5, to), st).status());
    assertEquals(409, control(to -> new ServingRegistryActor.Promote(1, Optional.of(1.0), to), st).status(),
        "a gated promotion needs a shadow estimate");
  }

  @Test
  void aCanaryServesItsShareOfRequestIdsAndEndsAtShareZero() {
    Stack st = stack(2, ServingMonitorActor.Settings.defaults());
    long v2 = register(st, "good2", GOOD2);
    assertTrue(control(to -> new ServingRegistryActor.Canary(v2, 0.3, to), st).ok());
    serve(st, 0, 1);
    List<ServeShardActor.Served> served = serve(st, 100, 1000);
    long canary = served.stream().filter(s -> s.version() == v2).count();
    long expected = 0;
    for (long id = 100; id < 1100; id++) {
      expected += Routing.unit(id) < 0.3 ? 1 : 0;
    }
    assertEquals(expected, canary, "the split is a deterministic function of the request id");
    assertTrue(Math.abs(canary - 300) < 4 * Math.sqrt(1000 * 0.3 * 0.7), "share near 0.3: " + canary);
    assertTrue(control(to -> new ServingRegistryActor.Canary(v2, 0.0, to), st).ok());
    serve(st, 5000, 1);
    serve(st, 5001, 100).forEach(s -> assertEquals(1, s.version()));
  }

  @Test
  void theShadowIsNeverServedAndIsEstimatedOffPolicy() {
    Stack st = stack(2, new ServingMonitorActor.Settings(ServingGuard.Settings.defaults(), 400, 200));
    long v2 = register(st, "good2", GOOD2);
    assertTrue(control(to -> new ServingRegistryActor.Shadow(v2, to), st).ok());
    serve(st, 0, 1);
    serve(st, 1, 600).forEach(s -> assertEquals(1, s.version()));
    TestProbe<ServingMonitorActor.Metrics> m = testKit.createTestProbe();
    // The shadow runs apart from the live requests: its estimate comes shortly after.
    ServingMonitorActor.Metrics metrics = m.awaitAssert(Duration.ofSeconds(10), () -> {
      st.monitor().tell(new ServingMonitorActor.GetMetrics(m.ref()));
      ServingMonitorActor.Metrics x = m.receiveMessage();
      assertTrue(x.shadow().containsKey(v2));
      return x;
    });
    assertTrue(metrics.shadow().containsKey(v2), "a shadow estimate after 200 samples: " + metrics.shadow());
    assertFalse(metrics.versions().containsKey(v2), "the shadow served nothing");
    assertTrue(state(st).versions().get(1).shadow());
    // The estimate gates a promotion: a near-identical version passes a 0.5 ratio, nothing passes 100x.
    assertEquals(409, control(to -> new ServingRegistryActor.Promote(v2, Optional.of(100.0), to), st).status());
    assertTrue(control(to -> new ServingRegistryActor.Promote(v2, Optional.of(0.5), to), st).ok());
  }

  /** A version whose every decision throws (a checkpoint of another task, a bug in a policy). */
  static final PolicySnapshot THROWS = new PolicySnapshot() {
    @Override
    public String agent() {
      return "throws";
    }

    @Override
    public long version() {
      return 0;
    }

    @Override
    public io.rlsearch.agents.spi.Decision act(double[] x, io.rlsearch.core.random.NumpyRandom rng) {
      throw new IllegalStateException("expected 10 weights");
    }
  };

  @Test
  void aShadowThatThrowsFailsNoLiveRequest() {
    Stack st = stack(2, ServingMonitorActor.Settings.defaults());
    long v2 = register(st, "throws", THROWS);
    assertTrue(control(to -> new ServingRegistryActor.Shadow(v2, to), st).ok());
    serve(st, 0, 1);
    serve(st, 1, 200).forEach(s -> {
      assertTrue(s.error().isEmpty(), "a live request failed: " + s.error());
      assertEquals(1, s.version());
    });
  }

  @Test
  void aVersionThatFailsItsRequestsIsRolledBackByTheErrorRateGuardrail() {
    Stack st = stack(2, ServingMonitorActor.Settings.defaults());
    serve(st, 0, 400);
    long bad = register(st, "throws", THROWS);
    assertTrue(control(to -> new ServingRegistryActor.Promote(bad, Optional.empty(), to), st).ok());
    long failed = 0;
    long id = 400;
    boolean clean = false;
    // Chunks until one has no failure after some did (the rollback has reached the shards), within a
    // deadline rather than a count: back-to-back chunks on a loaded machine can outrun the rollback for
    // any fixed number of requests.
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < until) {
      long f = serve(st, id, 25).stream().filter(x -> x.error().isPresent()).count();
      id += 25;
      failed += f;
      if (f == 0 && failed > 0) {
        clean = true;
        break;
      }
    }
    assertTrue(clean, "requests still failed 30 s after the first failure: " + failed + " failed");
    ServingRegistryActor.State s = state(st);
    assertEquals(1, s.rollbacks(), "the failing version was rolled back: " + s.events());
    assertTrue(s.events().stream().anyMatch(e -> e.kind().equals("rollback") && e.detail().contains("error_rate")),
        s.events().toString());
    // The breach comes with the first window of 20 failures; the rollback reaches the shards a moment
    // later (these chunks are sent back to back, far faster than real traffic).
    assertTrue(s.events().stream().anyMatch(e -> e.kind().equals("breach") && e.detail().endsWith("after 20 requests")),
        s.events().toString());
    assertTrue(failed >= 20, "failed requests before the rollback: " + failed);
    assertTrue(s.versions().get(0).live(), "version 1 is live again");
    TestProbe<ServingMonitorActor.Metrics> m = testKit.createTestProbe();
    st.monitor().tell(new ServingMonitorActor.GetMetrics(m.ref()));
    assertEquals(failed, m.receiveMessage().versions().get(bad).errors());
  }

  @Test
  void aShardThatFailsAfterThePolicyActedAnswersEveryRequestCountsTheFailuresAndGoesOn() {
    // A shard whose work after the policy's step fails on about a fifth of the requests, with a decision
    // log: each failure restarts it; the request in hand is answered with the error and counted.
    var registry = testKit.spawn(ServingRegistryActor.create("good", "built-in", GOOD, 1, System::nanoTime));
    Backlog backlog = backlog();
    var monitor = testKit.spawn(ServingMonitorActor.create(registry, 1, ServingMonitorActor.Settings.defaults(),
        backlog));
    TestProbe<io.rlsearch.eval.ope.LoggedDecision> log = testKit.createTestProbe();
    Backlog logBacklog = new Backlog(1000, Duration.ofSeconds(1), System::nanoTime);
    ServeShardActor.State health = new ServeShardActor.State();
    var shard = testKit.spawn(ServeShardActor.create(0, WORLD, TASK, STREAMS, registry,
        new ServeShardActor.Sinks(monitor, backlog, log.ref(), logBacklog), health, 0.2));
    TestProbe<ServeShardActor.Served> p = testKit.createTestProbe();
    for (long id = 0; id < 100; id++) {
      shard.tell(new ServeShardActor.Serve(id, 0, p.ref()));
    }
    List<ServeShardActor.Served> served = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      served.add(p.receiveMessage(Duration.ofSeconds(10)));
    }
    assertEquals(100, served.stream().map(ServeShardActor.Served::id).distinct().count(),
        "every request answered once");
    long failed = served.stream().filter(s -> s.error().isPresent()).count();
    long expected = 0;
    for (long id = 0; id < 100; id++) {
      expected += STREAMS.fault(id, 2_000_000).random() < 0.2 ? 1 : 0;
    }
    assertEquals(expected, failed, "the requests whose work failed, and only those, failed");
    assertTrue(failed > 5 && failed < 50, "failed: " + failed);
    served.stream().filter(s -> s.error().isPresent()).forEach(s -> assertTrue(
        s.error().get().contains("serving shard 0 failed and restarted"), s.error().get()));
    assertEquals(100 - failed, log.receiveSeveralMessages((int) (100 - failed)).size(),
        "every answered decision logged");
    log.expectNoMessage(Duration.ofMillis(200));
    assertEquals(failed, health.restarts());
    assertEquals(failed, health.failures());
    assertTrue(health.alive());
    TestProbe<ServingMonitorActor.Metrics> m = testKit.createTestProbe();
    m.awaitAssert(Duration.ofSeconds(10), () -> {
      monitor.tell(new ServingMonitorActor.GetMetrics(m.ref()));
      ServingMonitorActor.VersionMetrics vm = m.receiveMessage().versions().get(1L);
      assertEquals(failed, vm.errors(), "every failure counted for the error-rate guardrail");
      assertEquals(100 - failed, vm.requests());
      return null;
    });
    assertEquals(0, backlog.counts().queued(), "the monitor took everything: " + backlog.counts());
  }

  @Test
  void aMonitorAndADecisionLogThatLagGetAtMostTheirBacklogAndTheRestIsCountedAsDropped() {
    // Neither the monitor nor the log takes anything (probes): each may be sent at most its capacity.
    var registry = testKit.spawn(ServingRegistryActor.create("good", "built-in", GOOD, 1, System::nanoTime));
    TestProbe<ServingMonitorActor.Command> monitor = testKit.createTestProbe();
    TestProbe<io.rlsearch.eval.ope.LoggedDecision> log = testKit.createTestProbe();
    Backlog monitorBacklog = new Backlog(10, ServingMonitorActor.LATE, System::nanoTime);
    Backlog logBacklog = new Backlog(7, Duration.ofSeconds(1), System::nanoTime);
    var shard = testKit.spawn(ServeShardActor.create(0, WORLD, TASK, STREAMS, registry,
        new ServeShardActor.Sinks(monitor.ref(), monitorBacklog, log.ref(), logBacklog)));
    TestProbe<ServeShardActor.Served> p = testKit.createTestProbe();
    for (long id = 0; id < 50; id++) {
      shard.tell(new ServeShardActor.Serve(id, 0, p.ref()));
    }
    for (int i = 0; i < 50; i++) {
      assertTrue(p.receiveMessage(Duration.ofSeconds(10)).error().isEmpty(), "the lag fails no request");
    }
    assertEquals(10, monitor.receiveSeveralMessages(10).size());
    monitor.expectNoMessage(Duration.ofMillis(200));
    assertEquals(7, log.receiveSeveralMessages(7).size());
    log.expectNoMessage(Duration.ofMillis(200));
    assertEquals(new Backlog.Counts(10, 10, 40, 0, 0), monitorBacklog.counts());
    assertEquals(new Backlog.Counts(7, 7, 43, 0, 0), logBacklog.counts());
  }

  @Test
  void theMonitorGivesItsBacklogBackAndCountsTheOutcomesItSeesLate() {
    var registry = testKit.spawn(ServingRegistryActor.create("good", "built-in", GOOD, 1, System::nanoTime));
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    Backlog backlog = new Backlog(100, Duration.ofMillis(100), clock::get);
    var monitor = testKit.spawn(ServingMonitorActor.create(registry, 1, ServingMonitorActor.Settings.defaults(),
        backlog));
    clock.set(Duration.ofMillis(500).toNanos());
    for (int i = 0; i < 4; i++) {
      assertTrue(backlog.offer());
    }
    // Sent 350 ms and 450 ms before the monitor takes them (late), and 50 ms before (in time).
    monitor.tell(new ServingMonitorActor.Outcome(1, 1, 1, 1, 0, Duration.ofMillis(150).toNanos()));
    monitor.tell(new ServingMonitorActor.Failure(1, Duration.ofMillis(50).toNanos()));
    monitor.tell(new ServingMonitorActor.Outcome(1, 1, 1, 1, 0, Duration.ofMillis(450).toNanos()));
    monitor.tell(new ServingMonitorActor.ShadowSample(2, new double[1], new double[1], 1, new double[1]));
    TestProbe<ServingMonitorActor.Metrics> m = testKit.createTestProbe();
    monitor.tell(new ServingMonitorActor.GetMetrics(m.ref()));
    assertEquals(2, m.receiveMessage().versions().get(1L).requests());
    assertEquals(new Backlog.Counts(0, 100, 0, 2, 450), backlog.counts());
  }

  @Test
  void aBadVersionIsRolledBackByTheGuardrailsAndAHandRollbackNeedsSomethingToRollBackTo() {
    Stack st = stack(2, ServingMonitorActor.Settings.defaults());
    serve(st, 0, 400);
    long bad = register(st, "bury", BAD);
    assertTrue(control(to -> new ServingRegistryActor.Promote(bad, Optional.empty(), to), st).ok());
    // Traffic in chunks of 50 (a request stream spread in time), until the known-good version serves again.
    long badServed = 0;
    long id = 400;
    for (int chunk = 0; chunk < 40; chunk++, id += 50) {
      long b = serve(st, id, 50).stream().filter(x -> x.version() == bad).count();
      badServed += b;
      if (b == 0 && badServed > 0) {
        break;
      }
    }
    ServingRegistryActor.State s = state(st);
    assertEquals(1, s.rollbacks(), "the guardrails rolled the bad version back: " + s.events());
    assertTrue(badServed > 0 && badServed <= 1500, "bad requests before the rollback: " + badServed);
    assertTrue(s.versions().get(0).live(), "version 1 is live again");
    assertTrue(s.events().stream().anyMatch(e -> e.kind().equals("rollback") && e.detail().contains("guardrail")));
    assertEquals(409, control(to -> new ServingRegistryActor.Rollback("test", to), st).status(),
        "the live version is the known-good one: nothing to roll back to");
  }

  @Test
  void everyRequestIsServedWhollyWithTheTableItStartedWithThroughASwapStorm() {
    Stack st = stack(3, ServingMonitorActor.Settings.defaults());
    TestProbe<Routing> tables = testKit.createTestProbe();
    st.registry().tell(new ServingRegistryActor.Subscribe(tables.ref()));
    long v2 = register(st, "good2", GOOD2);
    TestProbe<ServeShardActor.Served> p = testKit.createTestProbe();
    TestProbe<ServingRegistryActor.Reply> replies = testKit.createTestProbe();
    int n = 3000;
    for (long id = 0; id < n; id++) {
      st.shards().get((int) (id % 3)).tell(new ServeShardActor.Serve(id, 0, p.ref()));
      if (id % 100 == 50) {
        st.registry().tell(new ServingRegistryActor.Promote(id % 200 == 50 ? v2 : 1, Optional.empty(), replies.ref()));
      }
    }
    Map<Long, Long> liveAt = new HashMap<>();
    List<ServeShardActor.Served> served = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      served.add(p.receiveMessage(Duration.ofSeconds(10)));
    }
    for (int i = 0; i < 30; i++) {
      assertTrue(replies.receiveMessage().ok());
    }
    // Every table published (the initial one, 30 promotions, and any rollback), until none comes.
    while (true) {
      Routing r;
      try {
        r = tables.receiveMessage(Duration.ofMillis(500));
      } catch (AssertionError none) {
        break;
      }
      liveAt.put(r.epoch(), r.live().id());
    }
    long failed = served.stream().filter(s -> s.error().isPresent()).count();
    assertEquals(0, failed, "no request failed");
    assertEquals(n, served.stream().map(ServeShardActor.Served::id).distinct().count(), "every request answered once");
    for (ServeShardActor.Served s : served) {
      assertEquals(liveAt.get(s.epoch()), s.version(), "request " + s.id() + " served by its table's live version");
    }
  }
}
