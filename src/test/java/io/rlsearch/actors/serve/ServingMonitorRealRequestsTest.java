package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.experiments.Task;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The error-rate guardrail on real requests: a shard reports every real request it answers to the
 * monitor, so the guardrail's windows count requests (answered and failed), not the feedbacks that
 * happen to arrive.
 */
class ServingMonitorRealRequestsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final World WORLD = Runs.smallWorld(5);
  private static final ServingSchema SCHEMA = ServingSchema.world(WORLD.settings());
  private static final SimulatedRequests REQUESTS = new SimulatedRequests(WORLD, 5, 20, 5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Weights of 0, and a failure on every {@code every}-th call. */
  private static final class Flaky implements PolicySnapshot {
    private final int every;
    private final AtomicInteger calls = new AtomicInteger();

    Flaky(int every) {
      this.every = every;
    }

    @Override
    public String agent() {
      return "flaky";
    }

    @Override
    public long version() {
      return 0;
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      if (calls.incrementAndGet() % every == 0) {
        throw new IllegalStateException("flaky");
      }
      return Decision.continuous(new double[10], 1.0);
    }
  }

  private record Stack(ActorRef<ServingRegistryActor.Command> registry, ActorRef<ServingMonitorActor.Command> monitor,
      ActorRef<ServeShardActor.Command> shard, Backlog backlog, long canary) {}

  /** Version 1 live; version 2 ({@code canary}) takes every real request; one shard, no feedback join. */
  private static Stack stack(PolicySnapshot canary) {
    PolicySnapshot live = new Flaky(Integer.MAX_VALUE);
    var registry = testKit.spawn(ServingRegistryActor.create("live", "test", live, 1, System::nanoTime));
    Backlog backlog = new Backlog(ServingMonitorActor.QUEUE, ServingMonitorActor.LATE, System::nanoTime);
    var monitor = testKit.spawn(ServingMonitorActor.create(registry, 1, ServingMonitorActor.Settings.defaults(),
        backlog));
    Bindings bindings = new Bindings(SCHEMA);
    bindings.put(1, bindings.bind(live));
    var shard = testKit.spawn(ServeShardActor.create(0, WORLD, Task.BoostWeights.battle(), new RunStreams(5), registry,
        new ServeShardActor.Sinks(monitor, backlog, null, null), new ServeShardActor.State(), 0,
        new ServeShardActor.Real(bindings, 5, "test", null, null)));
    TestProbe<Long> id = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.Register("canary", "test", canary, id.ref()));
    long v = id.receiveMessage();
    bindings.put(v, bindings.bind(canary));
    TestProbe<ServingRegistryActor.Reply> ok = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.Canary(v, 1.0, ok.ref()));
    assertTrue(ok.receiveMessage().ok());
    return new Stack(registry, monitor, shard, backlog, v);
  }

  /** Ranks requests {@code from ..} one after another; how many were answered with an error. */
  private static int rank(Stack st, int from, int n) {
    TestProbe<ServeShardActor.RankReply> p = testKit.createTestProbe();
    for (int i = from; i < from + n; i++) {
      st.shard().tell(new ServeShardActor.Rank(REQUESTS.session(i).request(), p.ref()));
    }
    int failed = 0;
    for (int i = 0; i < n; i++) {
      failed += p.receiveMessage(Duration.ofSeconds(10)).error().isPresent() ? 1 : 0;
    }
    return failed;
  }

  private static ServingRegistryActor.State state(Stack st) {
    TestProbe<ServingRegistryActor.State> p = testKit.createTestProbe();
    st.registry().tell(new ServingRegistryActor.GetState(p.ref()));
    return p.receiveMessage();
  }

  private static ServingMonitorActor.VersionMetrics metrics(Stack st, long version) {
    TestProbe<ServingMonitorActor.Metrics> p = testKit.createTestProbe();
    st.monitor().tell(new ServingMonitorActor.GetMetrics(p.ref()));
    return p.receiveMessage().versions().get(version);
  }

  @Test
  void aCanaryThatFailsOneRequestInTwentyFiveAndGetsNoFeedbackIsNotRolledBack() {
    // 4% failed, under the 10% limit: without feedback, the failures alone used to fill the windows.
    Stack st = stack(new Flaky(25));
    assertEquals(40, rank(st, 0, 1000));
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      ServingMonitorActor.VersionMetrics m = metrics(st, st.canary());
      assertEquals(40, m == null ? -1 : m.errors(), "every failure reached the monitor" + state(st).events());
      assertEquals(960, m.requests(), "a version's requests are those it ranked, fed back or not");
      assertEquals(0, m.feedback());
      return null;
    });
    ServingRegistryActor.State s = state(st);
    assertTrue(s.events().stream().noneMatch(e -> e.kind().equals("breach")), s.events().toString());
    assertEquals(1.0, s.versions().get(1).canaryShare(), "the canary goes on: " + s.events());
  }

  @Test
  void aCanaryThatFailsHalfItsRequestsIsEndedByTheErrorRateGuardrailWithoutFeedback() {
    Stack st = stack(new Flaky(2));
    int failed = rank(st, 0, 40);
    // Half of the canary's requests fail until the guardrail ends it; the end may come before the 40th
    // (a report every 32 requests or 50 ms), and then the live version answers the rest.
    assertTrue(failed >= 10 && failed <= 20, failed + " failed");
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      ServingRegistryActor.State s = state(st);
      assertTrue(s.events().stream().anyMatch(e -> e.kind().equals("canary") && e.detail().contains("error_rate")),
          s.events().toString());
      return null;
    });
    // The window counted requests, about half of them failed: not the failures alone (20 of 20).
    String detail = state(st).events().stream().filter(e -> e.kind().equals("breach")).findFirst().orElseThrow()
        .detail();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) of the last (\\d+) requests failed")
        .matcher(detail);
    assertTrue(m.find(), detail);
    double share = Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2));
    assertTrue(share > 0.3 && share < 0.7, detail);
    assertEquals(0, rank(st, 40, 20), "the live version serves again");
  }

  @Test
  void theErrorWindowCountsRequestsAndAFeedbackIsNoFurtherRequest() {
    // 12 answered requests and their 12 feedbacks, then 8 failed: 8 of 20 requests (40%) failed. Were
    // the feedbacks requests too, the window would close on 20 requests of which none failed.
    Stack st = stack(new Flaky(Integer.MAX_VALUE));
    st.backlog().offer();
    st.monitor().tell(new ServingMonitorActor.Answered(st.canary(), 12, 0, st.backlog().now()));
    for (int i = 0; i < 12; i++) {
      st.backlog().offer();
      st.monitor().tell(new ServingMonitorActor.Outcome(st.canary(), 1, 1, 1, Double.NaN, st.backlog().now(), true));
    }
    st.backlog().offer();
    st.monitor().tell(new ServingMonitorActor.Answered(st.canary(), 0, 8, st.backlog().now()));
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      ServingRegistryActor.State s = state(st);
      assertTrue(s.events().stream().anyMatch(e -> e.kind().equals("breach")
          && e.detail().equals("error_rate: 8 of the last 20 requests failed: more than 10% at 99.9% confidence"
          + " (binomial tail 0.00042) after 20 requests")),
          s.events().toString());
      return null;
    });
    ServingMonitorActor.VersionMetrics m = metrics(st, st.canary());
    assertEquals(12, m.requests(), "the requests answered");
    assertEquals(12, m.feedback(), "the outcomes known");
    assertEquals(8, m.errors());
    assertEquals(0, st.backlog().counts().queued(), "the monitor gave every place back");
  }

  @Test
  void aShardReportsEveryRealRequestItAnswersInFewMessagesAfterTheAnswers() {
    var registry = testKit.spawn(ServingRegistryActor.create("live", "test", new Flaky(5), 1, System::nanoTime));
    TestProbe<ServingMonitorActor.Command> monitor = testKit.createTestProbe();
    Backlog backlog = new Backlog(ServingMonitorActor.QUEUE, ServingMonitorActor.LATE, System::nanoTime);
    Bindings bindings = new Bindings(SCHEMA);
    var shard = testKit.spawn(ServeShardActor.create(0, WORLD, Task.BoostWeights.battle(), new RunStreams(5), registry,
        new ServeShardActor.Sinks(monitor.ref(), backlog, null, null), new ServeShardActor.State(), 0,
        new ServeShardActor.Real(bindings, 5, "test", null, null)));
    Stack st = new Stack(registry, null, shard, backlog, 0);
    assertEquals(20, rank(st, 0, 100));
    int answered = 0;
    int failed = 0;
    int reports = 0;
    while (answered + failed < 100) {
      // The last few within REPORT_AFTER of their answers, by the timer.
      var a = monitor.expectMessageClass(ServingMonitorActor.Answered.class, Duration.ofSeconds(5));
      assertEquals(1, a.version());
      int size = a.answered() + a.failed();
      // Batched, never empty: how many reports a hundred requests take depends on how fast the shard
      // ranks them against the timer, so the size of each is what is held here.
      assertTrue(size >= 1 && size <= ServeShardActor.REPORT_EVERY, "a report of " + size + " requests");
      answered += a.answered();
      failed += a.failed();
      reports++;
    }
    assertEquals(80, answered);
    assertEquals(20, failed);
    assertTrue(reports >= (100 + ServeShardActor.REPORT_EVERY - 1) / ServeShardActor.REPORT_EVERY,
        "reported in " + reports + " messages");
    monitor.expectNoMessage(Duration.ofMillis(2 * ServeShardActor.REPORT_AFTER.toMillis()));
    assertEquals(reports, backlog.counts().queued(), "each report took a place in the monitor's backlog");
  }
}
