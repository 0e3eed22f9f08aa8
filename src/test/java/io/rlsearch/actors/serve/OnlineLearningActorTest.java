package io.rlsearch.actors.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.serving.CanaryGate;
import io.rlsearch.serving.Feedback;
import io.rlsearch.serving.Joined;
import io.rlsearch.serving.OnlineLearning;
import io.rlsearch.serving.PendingDecision;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Online learning on the serving actors: joined decisions reach the learner through a bounded,
 * backpressured stream; its versions enter as the canary; the gate rolls back a worse one and
 * promotes a better one; a full queue drops and counts.
 */
class OnlineLearningActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final int DIM = 3;
  /** The live version: 3 on CM2, which is the second battle template. */
  private static final double[] CM2 = OnlineLearning.templates().get(1);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static AgentBuilder linUcb() {
    return BanditAgents.linUcb(new LinUcb.Settings(1.0, 1.0, false), true);
  }

  private static PolicySnapshot v0(AgentBuilder b) {
    UpdateRule r = b.create(OnlineLearning.templates().size(), DIM);
    return r.snapshot(0);
  }

  private static long seq;

  private static Joined joined(long version, Decision d, double reward) {
    String id = "d" + seq++;
    PendingDecision p = new PendingDecision(id, Optional.empty(), "v" + version, version, List.of("a", "b"),
        new double[] {1, (seq % 3) - 1.0, 0.5}, d, d.continuous() ? "weights" : "arm", false);
    return new Joined(p, new Feedback(id, List.of("a"), List.of(), OptionalDouble.of(reward)), reward);
  }

  private static ServingRegistryActor.State state(ActorRef<ServingRegistryActor.Command> registry) {
    TestProbe<ServingRegistryActor.State> p = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.GetState(p.getRef()));
    return p.receiveMessage();
  }

  private static OnlineLearningActor.Stats stats(ActorRef<OnlineLearningActor.Command> actor) {
    TestProbe<OnlineLearningActor.Stats> p = testKit.createTestProbe();
    actor.tell(new OnlineLearningActor.GetStats(p.getRef()));
    // A learner busy learning may leave its part unanswered for the 5 s the online actor waits.
    return p.receiveMessage(Duration.ofSeconds(10));
  }

  /** Waits (at most 10 s, failing then) until the learner's candidate is on canary; its serving id. */
  private static long candidateOnCanary(ActorRef<OnlineLearningActor.Command> actor, long not) {
    TestProbe<Object> p = testKit.createTestProbe();
    return p.awaitAssert(Duration.ofSeconds(10), () -> {
      OnlineLearningActor.Stats s = stats(actor);
      assertTrue(s.gating() && s.candidate().isPresent() && s.candidate().get() != not, s.toString());
      return s.candidate().get();
    });
  }

  @Test
  void learnedVersionsEnterAsCanaryAWorseOneIsRolledBackABetterOnePromoted() {
    var registry = registry();
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 10, 5, 1000), registry));
    TestProbe<ActorRef<Joined>> inboxes = testKit.createTestProbe();
    actor.tell(new OnlineLearningActor.GetInbox(inboxes.getRef()));
    ActorRef<Joined> inbox = inboxes.receiveMessage();

    // Version 0 of the learner enters first, as the canary at the share asked.
    long first = candidateOnCanary(actor, -1);
    ServingRegistryActor.VersionInfo v = state(registry).versions().stream().filter(x -> x.id() == first)
        .findFirst().orElseThrow();
    assertEquals("online:linucb:v0", v.name());
    assertEquals(0.5, v.canaryShare());
    assertEquals("online learner", v.source());

    // The canary earns 1 or 3 (mean 2), the live version 10 or 12 (mean 11): credibly worse.
    for (int i = 0; i < 10; i++) {
      inbox.tell(joined(1, Decision.continuous(CM2, 1.0), i % 2 == 0 ? 10 : 12));
      inbox.tell(joined(first, Decision.arm(i % 8, 0.125), i % 2 == 0 ? 1 : 3));
    }
    // The learner learned both (the live version's weights are a template), published, and its newest
    // version is the next candidate.
    long second = candidateOnCanary(actor, first);
    OnlineLearningActor.Stats s = stats(actor);
    assertEquals(1, s.gate().rolledBack());
    CanaryGate.Verdict rolled = s.verdicts().get(0);
    assertFalse(rolled.promote());
    assertEquals(first, rolled.candidate());
    assertEquals(2.0, rolled.canary().mean(), 1e-12);
    assertEquals(11.0, rolled.liveRewards().mean(), 1e-12);
    ServingRegistryActor.State st = state(registry);
    assertEquals(0, st.versions().stream().filter(x -> x.id() == first).findFirst().orElseThrow().canaryShare(),
        "the rolled-back canary no longer serves");
    String name = st.versions().stream().filter(x -> x.id() == second).findFirst().orElseThrow().name();
    assertTrue(name.startsWith("online:linucb:v") && !name.equals("online:linucb:v0"), name);

    // The next candidate earns 20 or 22: promoted, and live.
    for (int i = 0; i < 10; i++) {
      inbox.tell(joined(1, Decision.continuous(CM2, 1.0), i % 2 == 0 ? 10 : 12));
      inbox.tell(joined(second, Decision.arm(2, 0.125), i % 2 == 0 ? 20 : 22));
    }
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(1, stats(actor).gate().promoted());
      return null;
    });
    assertTrue(state(registry).versions().stream().filter(x -> x.id() == second).findFirst().orElseThrow().live());
    OnlineLearningActor.Stats end = stats(actor);
    assertTrue(end.verdicts().get(1).promote());
    assertEquals(40, end.received());
    assertEquals(0, end.skipped(), "a template bandit learns from every template decision");
    assertEquals(40, end.enqueued());
    assertEquals(0, end.dropped());
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      LearnerActorStatsView l = new LearnerActorStatsView(stats(actor));
      assertEquals(40, l.learned());
      assertEquals(8, l.published(), "a version every 5 transitions");
      return null;
    });
  }

  @Test
  void aGuardrailsBreachEndsTheLearnersCanaryAndTheNextVersionFollows() {
    var registry = registry();
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.2, 1000, 5, 1000), registry));
    long first = candidateOnCanary(actor, -1);
    // The live version's decisions teach the learner (its weights are a template): it publishes, and
    // its versions wait behind the candidate, whose gate is far off.
    for (int i = 0; i < 10; i++) {
      actor.tell(new OnlineLearningActor.Learn(joined(1, Decision.continuous(CM2, 1.0), i)));
    }
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(stats(actor).waiting().isPresent());
      return null;
    });
    registry.tell(new ServingRegistryActor.Breached(new io.rlsearch.agents.safety.ServingGuard.Breach(first,
        "drift:reward", "reward fell", 100), 100));
    long next = candidateOnCanary(actor, first);
    OnlineLearningActor.Stats s = stats(actor);
    assertEquals(1, s.gate().ended(), s.toString());
    assertEquals(0, s.gate().rolledBack() + s.gate().promoted());
    assertTrue(s.verdicts().isEmpty(), "the guardrail ended it, not the gate");
    assertEquals(0.2, state(registry).versions().stream().filter(x -> x.id() == next).findFirst().orElseThrow()
        .canaryShare());
  }

  /**
   * A registry in front of {@code real} that refuses (409) the commands {@code refuse} picks and passes
   * every other on.
   */
  private static ActorRef<ServingRegistryActor.Command> refusing(ActorRef<ServingRegistryActor.Command> real,
      java.util.function.Predicate<ServingRegistryActor.Command> refuse) {
    return testKit.spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.receive(ServingRegistryActor.Command.class)
        .onAnyMessage(m -> {
          if (refuse.test(m)) {
            ServingRegistryActor.Reply no = new ServingRegistryActor.Reply(false, 409, "refused by the test", 0);
            if (m instanceof ServingRegistryActor.Promote p) {
              p.replyTo().tell(no);
            } else if (m instanceof ServingRegistryActor.Canary c) {
              c.replyTo().tell(no);
            }
          } else {
            real.tell(m);
          }
          return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
        }).build());
  }

  private static ActorRef<ServingRegistryActor.Command> registry() {
    return testKit.spawn(ServingRegistryActor.create("cm2", "built-in", ServingActorsTest.weights(3), 1,
        System::nanoTime));
  }

  private static ServingRegistryActor.VersionInfo info(ActorRef<ServingRegistryActor.Command> registry, long id) {
    return state(registry).versions().stream().filter(x -> x.id() == id).findFirst().orElseThrow();
  }

  /** Sends {@code n} feedbacks of the live version 1 (10 or 12) and of {@code candidate} ({@code c} or c + 2). */
  private static void feed(ActorRef<OnlineLearningActor.Command> actor, long candidate, double c, int n) {
    feed(actor, 1, candidate, c, n);
  }

  /** The same with {@code live} as the live version. */
  private static void feed(ActorRef<OnlineLearningActor.Command> actor, long live, long candidate, double c, int n) {
    for (int i = 0; i < n; i++) {
      actor.tell(new OnlineLearningActor.Learn(joined(live, Decision.continuous(CM2, 1.0), i % 2 == 0 ? 10 : 12)));
      actor.tell(new OnlineLearningActor.Learn(joined(candidate, Decision.arm(2, 0.125), i % 2 == 0 ? c : c + 2)));
    }
  }

  @Test
  void aRefusedPromotionGivesTheCandidateUpAndTheNextVersionIsTried() {
    var real = registry();
    var registry = refusing(real, m -> m instanceof ServingRegistryActor.Promote);
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 4, 5, 1000), registry));
    long first = candidateOnCanary(actor, -1);
    feed(actor, first, 20, 4);
    long second = candidateOnCanary(actor, first);
    assertTrue(second > first);
    assertEquals(0, info(real, first).canaryShare(), "the candidate given up no longer serves");
    assertTrue(info(real, 1).live());
    OnlineLearningActor.Stats s = stats(actor);
    assertEquals(1, s.gate().refused(), s.toString());
    assertEquals(0, s.gate().promoted() + s.gate().rolledBack() + s.gate().ended(), s.toString());
  }

  @Test
  void aCandidateAGuardrailEndedWhileItsPromotionWasOnItsWayIsNotPromoted() {
    var real = registry();
    // The guardrails end the canary just before the gate's promotion reaches the registry.
    var registry = testKit.spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.receive(
        ServingRegistryActor.Command.class).onAnyMessage(m -> {
          if (m instanceof ServingRegistryActor.Promote p) {
            real.tell(new ServingRegistryActor.Breached(new io.rlsearch.agents.safety.ServingGuard.Breach(p.version(),
                "drift:reward", "reward fell", 100), 100));
          }
          real.tell(m);
          return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
        }).build());
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 4, 5, 1000), registry));
    long first = candidateOnCanary(actor, -1);
    feed(actor, first, 20, 4);
    long second = candidateOnCanary(actor, first);
    assertTrue(info(real, 1).live(), "the version the guardrail ended is not made live after all");
    assertEquals(0, info(real, first).canaryShare());
    assertEquals(0.5, info(real, second).canaryShare());
    OnlineLearningActor.Stats s = stats(actor);
    assertEquals(1, s.gate().ended(), s.toString());
    assertEquals(0, s.gate().promoted(), s.toString());
  }

  @Test
  void aRefusedRollbackGivesTheCandidateUpAndTheNextVersionReplacesItsCanary() {
    var real = registry();
    var registry = refusing(real, m -> m instanceof ServingRegistryActor.Canary c && c.share() == 0);
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 4, 5, 1000), registry));
    long first = candidateOnCanary(actor, -1);
    feed(actor, first, 1, 4);
    long second = candidateOnCanary(actor, first);
    assertEquals(0, info(real, first).canaryShare(), "replaced by the next candidate's canary");
    assertEquals(0.5, info(real, second).canaryShare());
    assertEquals(1, stats(actor).gate().refused());
  }

  @Test
  void anOperatorsCanaryOverTheCandidateEndsItAndTheNextVersionFollows() {
    var registry = registry();
    TestProbe<Long> ids = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.Register("manual", "test", ServingActorsTest.weights(2), ids.getRef()));
    long manual = ids.receiveMessage();
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 1000, 5, 1000), registry));
    long first = candidateOnCanary(actor, -1);
    TestProbe<ServingRegistryActor.Reply> replies = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.Canary(manual, 0.3, replies.getRef()));
    assertTrue(replies.receiveMessage().ok());
    // The learner publishes on the live version's feedback; its next version replaces the operator's canary.
    feed(actor, first, 20, 5);
    long second = candidateOnCanary(actor, first);
    assertEquals(0.5, info(registry, second).canaryShare());
    assertEquals(1, stats(actor).gate().ended(), "replaced by the operator's canary");
  }

  @Test
  void anOperatorsRollbackOfTheLiveVersionRestartsTheComparisonAndTheGateStillDecides() {
    var registry = registry();
    TestProbe<Long> ids = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.Register("manual", "test", ServingActorsTest.weights(2), ids.getRef()));
    long manual = ids.receiveMessage();
    TestProbe<ServingRegistryActor.Reply> replies = testKit.createTestProbe();
    registry.tell(new ServingRegistryActor.Promote(manual, Optional.empty(), replies.getRef()));
    assertTrue(replies.receiveMessage().ok());
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 4, 5, 1000), registry));
    long first = candidateOnCanary(actor, -1);
    registry.tell(new ServingRegistryActor.Rollback("operator", replies.getRef()));
    assertTrue(replies.receiveMessage().ok());
    assertTrue(info(registry, 1).live(), "rolled back to the known-good version 1");
    feed(actor, first, 20, 4);
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(info(registry, first).live(), "promoted against version 1");
      return null;
    });
    assertEquals(1, stats(actor).verdicts().get(0).live());
  }

  @Test
  void aLongRunOfPublishedVersionsKeepsTheRegistryBounded() {
    var registry = registry();
    AgentBuilder agent = linUcb();
    var actor = testKit.spawn(OnlineLearningActor.create(agent, v0(agent), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 2, 1, 1000), registry));
    int rounds = ServingRegistryActor.FINISHED_KEPT + 20;
    long candidate = -1;
    for (int i = 0; i < rounds; i++) {
      candidate = candidateOnCanary(actor, candidate);
      long live = state(registry).versions().stream().filter(ServingRegistryActor.VersionInfo::live).findFirst()
          .orElseThrow().id();
      // Alternately credibly worse (rolled back) and better (promoted).
      feed(actor, live, candidate, i % 2 == 0 ? 1 : 30, 2);
    }
    candidateOnCanary(actor, candidate);
    ServingRegistryActor.State st = state(registry);
    OnlineLearningActor.Stats s = stats(actor);
    assertTrue(s.gate().candidates() > rounds, s.toString());
    // The live version, the canary, the known-good version and the finished ones kept.
    assertTrue(st.versions().size() <= ServingRegistryActor.FINISHED_KEPT + 3, st.versions().size() + " versions");
    assertEquals(s.gate().candidates() + 1 - st.versions().size(), st.retired());
  }

  /** The learner's counts as the online actor reports them. */
  private record LearnerActorStatsView(OnlineLearningActor.Stats s) {
    long learned() {
      return s.learner().orElseThrow().learned();
    }

    long published() {
      return s.learner().orElseThrow().published();
    }
  }

  @Test
  void aFullQueueDropsAndCountsWhileTheLearnerIsBusyAndEverythingQueuedIsLearned() throws Exception {
    var registry = registry();
    CountDownLatch release = new CountDownLatch(1);
    AgentBuilder slow = stalled(linUcb(), release);
    int buffer = 4;
    var actor = testKit.spawn(OnlineLearningActor.create(slow, v0(linUcb()), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 10, 1000, buffer), registry));
    try {
      int n = 500;
      for (int i = 0; i < n; i++) {
        actor.tell(new OnlineLearningActor.Learn(joined(1, Decision.continuous(CM2, 1.0), 1.0)));
      }
      OnlineLearningActor.Stats s = stats(actor);
      assertEquals(n, s.received());
      assertEquals(n, s.enqueued() + s.dropped());
      long bound = heldAtMost(buffer);
      assertTrue(s.enqueued() <= bound, s.enqueued() + " enqueued, more than the bound " + bound);
      releaseAndExpectEverythingQueuedLearned(actor, s, release);
    } finally {
      release.countDown();
    }
  }

  /** Releases the stalled learner and waits (at most 10 s, failing then) until it has learned all {@code s} enqueued. */
  private static void releaseAndExpectEverythingQueuedLearned(ActorRef<OnlineLearningActor.Command> actor,
      OnlineLearningActor.Stats s, CountDownLatch release) {
    release.countDown();
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(s.enqueued(), stats(actor).learner().orElseThrow().learned(), "everything queued is learned");
      return null;
    });
  }

  /**
   * Held while the learner is stuck on its first transition: the batch in its hands, the one batch its
   * acknowledging sink holds, a batch being gathered, the one transition the batch stage pulled beyond a
   * full batch, and the queue. Each batch is whatever had gathered when it was pulled, so only its upper
   * bound is known.
   */
  private static long heldAtMost(int buffer) {
    return 3L * OnlineLearningActor.BATCH + 1 + buffer;
  }

  @Test
  void decisionsTheStreamMovesOneByOneTowardsAStuckLearnerAreHeldInOneBatch() throws Exception {
    var registry = registry();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    AgentBuilder slow = stalled(linUcb(), release, entered);
    int buffer = 4;
    var actor = testKit.spawn(OnlineLearningActor.create(slow, v0(linUcb()), DIM,
        new OnlineLearning.Settings("linucb", 0.5, 10, 1000, buffer), registry));
    try {
      // The first decision alone, until the learner is stuck on it: by then the sink has asked for the
      // next batch, so the second decision goes to the sink alone and the rest gather behind it. A sink
      // that pulled ahead into a buffer of its own would take more batches and exceed the bound below.
      actor.tell(new OnlineLearningActor.Learn(joined(1, Decision.continuous(CM2, 1.0), 1.0)));
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the learner never received the first decision");
      int n = 500;
      for (int i = 0; i < n; i++) {
        actor.tell(new OnlineLearningActor.Learn(joined(1, Decision.continuous(CM2, 1.0), 1.0)));
      }
      OnlineLearningActor.Stats s = stats(actor);
      assertEquals(1 + n, s.enqueued() + s.dropped());
      // The learner's one, the sink's one, a full batch, the one the batch stage pulled beyond it, the queue.
      long bound = 1 + 1 + OnlineLearningActor.BATCH + 1 + buffer;
      assertTrue(s.enqueued() <= bound, s.enqueued() + " enqueued, more than the bound " + bound);
      releaseAndExpectEverythingQueuedLearned(actor, s, release);
    } finally {
      release.countDown();
    }
  }

  private static AgentBuilder stalled(AgentBuilder base, CountDownLatch release) {
    return stalled(base, release, new CountDownLatch(1));
  }

  /**
   * {@code base}, whose update rule counts down {@code entered} and waits for {@code release} (at most 30 s)
   * before learning anything.
   */
  private static AgentBuilder stalled(AgentBuilder base, CountDownLatch release, CountDownLatch entered) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return base.name();
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return wrap(base.create(arms, dim));
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return wrap(base.restore(snapshot));
      }

      private UpdateRule wrap(UpdateRule r) {
        return new UpdateRule() {
          @Override
          public void observe(double[] context, Decision decision, double reward) {
            entered.countDown();
            try {
              assertTrue(release.await(30, TimeUnit.SECONDS), "the test never released the learner");
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
            r.observe(context, decision, reward);
          }

          @Override
          public PolicySnapshot snapshot(long version) {
            return r.snapshot(version);
          }

          @Override
          public boolean learns() {
            return r.learns();
          }
        };
      }
    };
  }
}
