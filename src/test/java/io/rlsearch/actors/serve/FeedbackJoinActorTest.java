package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.serving.Feedback;
import io.rlsearch.serving.FeedbackJoin;
import io.rlsearch.serving.Joined;
import io.rlsearch.serving.PendingDecision;
import io.rlsearch.serving.ServingSchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The feedback join's actor: a joined decision reaches the monitor, the decision log and each
 * subscriber (bounded); duplicates and unknown ids are told apart; decisions past their window expire
 * on the timer and are never logged.
 */
class FeedbackJoinActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static PendingDecision pending(String id, long version, double[] weights) {
    return new PendingDecision(id, Optional.of("r-" + id), "v" + version, version, List.of("a", "b"),
        new double[] {0.5, -1}, Decision.continuous(weights, 0.25), "weights", false);
  }

  private static Feedback purchase(String id, double price, double margin) {
    return new Feedback(id, List.of("a"), List.of(new Feedback.Purchase("a", price, margin, false)),
        OptionalDouble.empty());
  }

  private record Stack(ActorRef<FeedbackJoinActor.Command> join, TestProbe<ServingMonitorActor.Command> monitor,
      TestProbe<Object> log, Backlog backlog, Backlog monitorBacklog, Backlog logBacklog, AtomicLong clock,
      FeedbackJoinActor.Figures figures) {}

  private static Stack stack(int open, Duration window) {
    TestProbe<ServingMonitorActor.Command> monitor = testKit.createTestProbe();
    TestProbe<Object> log = testKit.createTestProbe();
    AtomicLong clock = new AtomicLong();
    Backlog backlog = new Backlog(16, Duration.ofSeconds(1), clock::get);
    Backlog monitorBacklog = new Backlog(16, Duration.ofSeconds(1), clock::get);
    Backlog logBacklog = new Backlog(16, Duration.ofSeconds(1), clock::get);
    FeedbackJoinActor.Figures figures = new FeedbackJoinActor.Figures();
    var join = testKit.spawn(FeedbackJoinActor.create(open, window, ServingSchema.Reward.gmvOnly(), clock::get,
        Duration.ofSeconds(1), backlog, new FeedbackJoinActor.Sinks(monitor.ref(), monitorBacklog, log.ref(),
            logBacklog), figures));
    return new Stack(join, monitor, log, backlog, monitorBacklog, logBacklog, clock, figures);
  }

  private static void open(Stack s, PendingDecision d) {
    assertTrue(s.backlog().offer());
    s.join().tell(new FeedbackJoinActor.Open(d));
  }

  private static FeedbackJoin.Result give(Stack s, Feedback f) {
    TestProbe<FeedbackJoin.Result> reply = testKit.createTestProbe();
    s.join().tell(new FeedbackJoinActor.Give(f, reply.ref()));
    return reply.receiveMessage();
  }

  @Test
  void aJoinedDecisionReachesTheMonitorTheLogAndTheSubscriberOnceAndASecondFeedbackIsADuplicate() {
    Stack s = stack(100, Duration.ofMinutes(30));
    TestProbe<Joined> sub = testKit.createTestProbe();
    Backlog subBacklog = new Backlog(4, Duration.ofSeconds(1), s.clock()::get);
    s.join().tell(new FeedbackJoinActor.Subscribe(sub.ref(), subBacklog));
    open(s, pending("d1", 3, new double[] {1, 2}));
    FeedbackJoin.Result r = give(s, purchase("d1", 12.5, 4));
    Joined j = assertInstanceOf(FeedbackJoin.Matched.class, r).joined();
    assertEquals(12.5, j.reward(), "the schema's reward: GMV");
    var outcome = s.monitor().expectMessageClass(ServingMonitorActor.Outcome.class);
    assertEquals(3, outcome.version());
    assertEquals(12.5, outcome.reward());
    assertEquals(12.5, outcome.gmv());
    assertEquals(4, outcome.cm2());
    assertTrue(Double.isNaN(outcome.rankChange()), "no base ranking on a real request");
    assertTrue(outcome.feedback(), "a feedback: its request was counted when the shard answered it");
    var line = s.log().expectMessageClass(LoggedDecision.class);
    assertEquals("v3", line.policy());
    assertEquals(12.5, line.reward());
    assertArrayEquals(new double[] {1, 2}, line.action());
    assertEquals(0.25, line.propensity());
    assertEquals(12.5, line.outcome().gmv());
    assertEquals(1, line.outcome().clicks());
    assertEquals(j, sub.receiveMessage());
    assertInstanceOf(FeedbackJoin.Duplicate.class, give(s, purchase("d1", 1, 0)));
    assertInstanceOf(FeedbackJoin.Unknown.class, give(s, purchase("never-served", 1, 0)));
    s.monitor().expectNoMessage(Duration.ofMillis(50));
    s.log().expectNoMessage(Duration.ofMillis(10));
    FeedbackJoin.Counts c = s.figures().counts();
    assertEquals(new FeedbackJoin.Counts(0, 1, 1, 0, 0, 1, 1, 0), c);
    assertEquals(0, s.backlog().counts().queued(), "the registration's place was given back");
  }

  @Test
  void decisionsPastTheirWindowExpireOnTheTimerAreCountedAndNeverLogged() {
    Stack s = stack(100, Duration.ofSeconds(10));
    open(s, pending("old", 1, new double[] {0, 0}));
    TestProbe<FeedbackJoin.Counts> counts = testKit.createTestProbe();
    // Once the actor has started (its timer with it) and registered the decision:
    s.join().tell(new FeedbackJoinActor.GetCounts(counts.ref()));
    assertEquals(1, counts.receiveMessage().open());
    s.clock().set(Duration.ofSeconds(11).toNanos());
    // No new decision arrives: the timer sweeps it.
    time.timePasses(Duration.ofSeconds(1));
    s.join().tell(new FeedbackJoinActor.GetCounts(counts.ref()));
    FeedbackJoin.Counts c = counts.receiveMessage();
    assertEquals(1, c.expired());
    assertEquals(0, c.open());
    assertEquals(c, s.figures().counts(), "the figures the metrics read follow the sweep");
    assertInstanceOf(FeedbackJoin.Unknown.class, give(s, purchase("old", 5, 1)));
    s.log().expectNoMessage(Duration.ofMillis(50));
    s.monitor().expectNoMessage(Duration.ofMillis(10));
  }

  @Test
  void aRequestIdThatComesAgainIsCountedAndWarnedOnceNotPerRequest() {
    Stack s = stack(100, Duration.ofMinutes(30));
    java.util.function.Function<String, PendingDecision> sameRequest = id -> new PendingDecision(id,
        Optional.of("q-same"), "v1", 1, List.of("a", "b"), new double[] {0.5, -1},
        Decision.continuous(new double[] {1, 2}, 0.25), "weights", false);
    open(s, sameRequest.apply("d1"));
    org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit.warn("request id 'q-same' came again")
        .expect(testKit.system(), () -> {
          open(s, sameRequest.apply("d2"));
          return null;
        });
    org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit.warn("came again").withOccurrences(0)
        .expect(testKit.system(), () -> {
          open(s, sameRequest.apply("d3"));
          return null;
        });
    TestProbe<FeedbackJoin.Counts> counts = testKit.createTestProbe();
    s.join().tell(new FeedbackJoinActor.GetCounts(counts.ref()));
    assertEquals(2, counts.receiveMessage().reusedRequestIds());
    assertEquals(2, s.figures().counts().reusedRequestIds(), "the figures the metrics read");
  }

  @Test
  void beyondOpenDecisionsTheOldestIsEvictedAndCounted() {
    Stack s = stack(2, Duration.ofMinutes(30));
    open(s, pending("a", 1, new double[] {0, 0}));
    open(s, pending("b", 1, new double[] {0, 0}));
    open(s, pending("c", 1, new double[] {0, 0}));
    assertInstanceOf(FeedbackJoin.Unknown.class, give(s, purchase("a", 5, 1)));
    assertInstanceOf(FeedbackJoin.Matched.class, give(s, purchase("c", 5, 1)));
    assertEquals(1, s.figures().counts().evicted());
    assertEquals(1, s.figures().counts().open());
  }

  @Test
  void aSlowSubscriberGetsAtMostItsCapacityTheRestAreCountedAndTheJoinGoesOn() {
    Stack s = stack(100, Duration.ofMinutes(30));
    TestProbe<Joined> slow = testKit.createTestProbe();
    TestProbe<Joined> fast = testKit.createTestProbe();
    Backlog slowBacklog = new Backlog(2, Duration.ofSeconds(1), s.clock()::get);
    Backlog fastBacklog = new Backlog(100, Duration.ofSeconds(1), s.clock()::get);
    s.join().tell(new FeedbackJoinActor.Subscribe(slow.ref(), slowBacklog));
    s.join().tell(new FeedbackJoinActor.Subscribe(fast.ref(), fastBacklog));
    for (int i = 0; i < 5; i++) {
      open(s, pending("d" + i, 1, new double[] {0, 0}));
      assertInstanceOf(FeedbackJoin.Matched.class, give(s, purchase("d" + i, 1 + i, 0)));
    }
    // The slow one never gives a place back: it holds 2, the other 3 are dropped for it alone.
    assertEquals(2, slow.receiveSeveralMessages(2).size());
    slow.expectNoMessage(Duration.ofMillis(50));
    assertEquals(3, slowBacklog.dropped());
    assertEquals(3, s.figures().subscriberDropped());
    assertEquals(5, fast.receiveSeveralMessages(5).size());
    assertEquals(0, fastBacklog.dropped());
    // Once it takes one, the next joined decision reaches it again.
    slowBacklog.taken();
    open(s, pending("d5", 1, new double[] {0, 0}));
    give(s, purchase("d5", 9, 0));
    assertEquals(9, slow.receiveMessage().reward());
  }

  @Test
  void theShadowsDecisionOnARealRequestFeedsTheMonitorAShadowSampleWhenTheFeedbackJoins() {
    Stack s = stack(100, Duration.ofMinutes(30));
    open(s, pending("d1", 1, new double[] {1, 2}));
    AtomicLong taken = new AtomicLong();
    s.join().tell(new FeedbackJoinActor.ShadowDecided("d1", 7, Decision.continuous(new double[] {3, 4}, 1),
        taken::incrementAndGet));
    give(s, purchase("d1", 6, 1));
    assertEquals(1, taken.get(), "the join gave the decision's place in the shadow's queue back as it took it");
    s.monitor().expectMessageClass(ServingMonitorActor.Outcome.class);
    var sample = s.monitor().expectMessageClass(ServingMonitorActor.ShadowSample.class);
    assertEquals(7, sample.shadowVersion());
    assertArrayEquals(new double[] {1, 2}, sample.servedAction());
    assertArrayEquals(new double[] {3, 4}, sample.shadowAction());
    assertArrayEquals(new double[] {0.5, -1}, sample.context());
    assertEquals(6, sample.reward());
  }
}
