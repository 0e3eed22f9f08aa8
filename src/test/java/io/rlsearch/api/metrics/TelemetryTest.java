package io.rlsearch.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The metric registry's series and the event stream's dropping, non-blocking fan-out. */
class TelemetryTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Transition t(long id, String agent, long version, double reward) {
    return new Transition(id, id, 0, agent, version, new double[] {1}, 0, null, 1.0, reward,
        new RewardBreakdown(reward * 0.9, reward * 0.1, 0, 2), 1, 20, 0.5, 0);
  }

  @Test
  void theRegistryExposesLabelledSeriesInPrometheusTextFormat() {
    long[] now = {0};
    Telemetry tel = new Telemetry("train", () -> now[0]);
    List<Transition> batch = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      batch.add(t(i, "linucb", 3, i < 100 ? 0.0 : 2.0));
    }
    tel.transitions(batch);
    tel.consumed("learner", 600);
    tel.shardRestarted();
    tel.request(2, 5.0, 4.0, 1.0, 300, true);
    tel.request(2, 0, 0, 0, 0, false);
    tel.policyEvent("breach", 7, "drift:reward: reward fell from 12 to 1");
    tel.policyEvent("rollback", 7, "to version 6");
    tel.shed();
    String text = tel.scrape();
    assertTrue(text.contains("rlsearch_episodes_total{agent=\"linucb\",run=\"train\"} 600"), text);
    assertTrue(text.contains("rlsearch_transitions_produced_total{run=\"train\"} 600"), text);
    assertTrue(text.contains("rlsearch_transitions_consumed_total{consumer=\"learner\",run=\"train\"} 600"), text);
    // The rolling window holds the last 500: all of them 2.0.
    assertTrue(text.contains("rlsearch_reward{agent=\"linucb\",run=\"train\",version=\"3\"} 2.0"), text);
    assertTrue(text.contains("rlsearch_requests_total{run=\"train\",version=\"2\"} 1.0"), text);
    assertTrue(text.contains("rlsearch_requests_failed_total{run=\"train\"} 1.0"), text);
    assertTrue(text.contains("rlsearch_guardrail_alarms_total{guardrail=\"drift:reward\",run=\"train\"} 1.0"), text);
    assertTrue(text.contains("rlsearch_rollbacks_total{run=\"train\"} 1.0"), text);
    assertTrue(text.contains("rlsearch_requests_shed_total{run=\"train\"} 1.0"), text); // the name docs/actors.md gives
    assertTrue(text.contains("rlsearch_request_latency_seconds{run=\"train\",quantile=\"0.99\"}"), text);
    assertTrue(Telemetry.contentType().startsWith("text/plain"));
  }

  @Test
  void eventsReachSubscribersAndASlowOneNeverBlocksTheProducer() throws Exception {
    Telemetry tel = new Telemetry("battle", System::nanoTime);
    DashboardRoutes routes = new DashboardRoutes(tel, testKit.system());
    Materializer mat = Materializer.matFromSystem(testKit.system());
    // One event before the subscriber: it gets it from the history, which shows its stream has started.
    tel.policyEvent("before", -1, "kept for a page opened later");
    java.util.concurrent.CompletableFuture<Void> started = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Void> live = new java.util.concurrent.CompletableFuture<>();
    // A subscriber that reads 8 events, slowly.
    var slow = routes.events()
        .wireTap(line -> {
          if (line.contains("\"kind\":\"before\"")) {
            started.complete(null);
          } else if (line.contains("\"kind\":\"ready\"")) {
            live.complete(null);
          }
        })
        .throttle(1, Duration.ofMillis(100)).take(8).runWith(Sink.seq(), mat);
    started.get(10, TimeUnit.SECONDS);
    // What is offered from now on reaches it only live (its history is taken): offer until one arrives.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!live.isDone()) {
      assertTrue(System.nanoTime() < deadline, "the subscriber received no live event within 10 s");
      tel.policyEvent("ready", -1, "");
      try {
        live.get(20, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        // offered again
      }
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < 20_000; i++) {
      tel.policyEvent("promote", i, "version " + i);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    // 20,000 events offered while the subscriber takes 100 ms per event: the producer never waits
    // for it (it would need 2,000 s); old events are dropped instead.
    assertTrue(ms < 10_000, "producing took " + ms + " ms");
    List<String> got = slow.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(8, got.size());
    assertTrue(got.get(0).contains("\"type\":\"event\"") && got.get(0).contains("\"run\":\"battle\""), got.get(0));
    List<Long> promoted = new ArrayList<>();
    for (String line : got) {
      Map<?, ?> e = new com.fasterxml.jackson.databind.ObjectMapper().readValue(line, Map.class);
      if ("promote".equals(e.get("kind"))) {
        promoted.add(((Number) e.get("version")).longValue());
      }
    }
    assertTrue(!promoted.isEmpty(), "the live events reached the subscriber: " + got);
    for (int i = 1; i < promoted.size(); i++) {
      assertTrue(promoted.get(i) > promoted.get(i - 1), "in order: " + got);
    }
    // Far fewer read than offered: those it could not take in time were dropped, later ones still arrive.
    assertTrue(promoted.get(promoted.size() - 1) - promoted.get(0) >= promoted.size(),
        "later events arrive, those in between were dropped: " + got);
  }
}
