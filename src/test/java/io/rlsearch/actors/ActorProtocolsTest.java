package io.rlsearch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.RetentionMetrics;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.learn.ReplayBuffer;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One test (at least) per public message of every runtime actor. */
class ActorProtocolsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final World WORLD = Runs.smallWorld(9);
  private static final RunStreams STREAMS = new RunStreams(9);
  private static final AgentBuilder LINUCB = BanditAgents.linUcb(LinUcb.Settings.defaults());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Transition transition(long episode, long version, double reward) {
    return new Transition(episode, episode, 0, "linucb", version, new double[] {1, 0, 1}, 2, null, 1.0, reward,
        new RewardBreakdown(reward, 0.1, 0, 2), 1, 20, 0.5, 1);
  }

  // --- PolicyRegistryActor ---

  @Test
  void registrySendsTheCurrentSnapshotToSubscribersAndRefusesStaleVersions() {
    UpdateRule rule = LINUCB.create(8, 3);
    var registry = testKit.spawn(PolicyRegistryActor.create(rule.snapshot(0)));
    TestProbe<PolicySnapshot> sub = testKit.createTestProbe();
    registry.tell(new PolicyRegistryActor.Subscribe(sub.ref()));
    assertEquals(0, sub.receiveMessage().version());
    registry.tell(new PolicyRegistryActor.Publish(rule.snapshot(1)));
    assertEquals(1, sub.receiveMessage().version());
    registry.tell(new PolicyRegistryActor.Publish(rule.snapshot(1)));
    TestProbe<PolicySnapshot> current = testKit.createTestProbe();
    registry.tell(new PolicyRegistryActor.GetCurrent(current.ref()));
    assertEquals(1, current.receiveMessage().version());
    TestProbe<PolicyRegistryActor.History> history = testKit.createTestProbe();
    registry.tell(new PolicyRegistryActor.GetHistory(history.ref()));
    PolicyRegistryActor.History h = history.receiveMessage();
    assertEquals(List.of(0L, 1L), h.versions());
    assertEquals(1, h.refused());
    sub.expectNoMessage(Duration.ofMillis(50));
  }

  // --- PolicyServerActor ---

  @Test
  void serverAnswersEachRequestWholeWithOneVersionAndCountsBatches() {
    var registry = testKit.spawn(PolicyRegistryActor.create(BanditAgents.random().create(8, 3).snapshot(0)));
    var server = testKit.spawn(PolicyServerActor.create(registry, STREAMS, 0, 64));
    TestProbe<PolicyServerActor.Acted> a = testKit.createTestProbe();
    TestProbe<PolicyServerActor.Acted> b = testKit.createTestProbe();
    // Wait until the server holds a snapshot, then send two requests back to back.
    TestProbe<PolicyServerActor.Stats> stats = testKit.createTestProbe();
    server.tell(new PolicyServerActor.Act(List.of(new PolicyServerActor.Request(0, new double[] {1, 0, 1})), a.ref()));
    a.receiveMessage();
    server.tell(new PolicyServerActor.Act(List.of(new PolicyServerActor.Request(1, new double[] {1, 0, 1}),
        new PolicyServerActor.Request(2, new double[] {0, 1, 1})), a.ref()));
    server.tell(new PolicyServerActor.Act(List.of(new PolicyServerActor.Request(3, new double[] {1, 1, 1})), b.ref()));
    PolicyServerActor.Acted first = a.receiveMessage();
    assertEquals(List.of(1L, 2L), first.episodes());
    assertEquals(0, first.version());
    assertEquals(2, first.decisions().size());
    assertEquals(List.of(3L), b.receiveMessage().episodes());
    server.tell(new PolicyServerActor.GetStats(stats.ref()));
    PolicyServerActor.Stats s = stats.receiveMessage();
    assertEquals(4, s.requests());
    // The two-episode request is always answered whole; whether the third request joins it depends on
    // whether it reached the mailbox before the flush (timing), so only the bounds are certain.
    assertTrue(s.batches() >= 2 && s.batches() <= 3, "batches " + s.batches());
    assertTrue(s.largestBatch() >= 2, "largest batch " + s.largestBatch());
  }

  @Test
  void deterministicServerHoldsARoundUntilItsVersionIsPublished() {
    UpdateRule rule = BanditAgents.random().create(8, 3);
    var registry = testKit.spawn(PolicyRegistryActor.create(rule.snapshot(0)));
    var server = testKit.spawn(PolicyServerActor.create(registry, STREAMS, 10, 64));
    TestProbe<PolicyServerActor.Acted> p = testKit.createTestProbe();
    server.tell(new PolicyServerActor.Act(List.of(new PolicyServerActor.Request(12, new double[] {1, 0, 1})), p.ref()));
    p.expectNoMessage(Duration.ofMillis(100));
    registry.tell(new PolicyRegistryActor.Publish(rule.snapshot(1)));
    assertEquals(1, p.receiveMessage().version());
  }

  // --- EnvShardActor ---

  private static Population.Arrival nth(long user) {
    Population p = new Population(WORLD, STREAMS, user + 1, false, 1);
    Population.Arrival a = null;
    for (long i = 0; i <= user; i++) {
      a = p.next().orElseThrow();
    }
    return a;
  }

  @Test
  void shardRunsABatchOfSessionsAndRepliesWithTheirTransitions() {
    var registry = testKit.spawn(PolicyRegistryActor.create(BanditAgents.fixed("static:Premium", 4).create(8, 18)
        .snapshot(0)));
    var server = testKit.spawn(PolicyServerActor.create(registry, STREAMS, 0, 64));
    TestProbe<EnvShardActor.Restarted> restarts = testKit.createTestProbe();
    var shard = testKit.spawn(EnvShardActor.create(WORLD, new io.rlsearch.experiments.Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), STREAMS, server,
        restarts.ref(), new EnvShardActor.Settings(0, 0, 4)));
    TestProbe<StatusReply<List<Transition>>> reply = testKit.createTestProbe();
    shard.tell(new EnvShardActor.RunSessions(List.of(nth(0), nth(1)), 0, reply.ref()));
    StatusReply<List<Transition>> r = reply.receiveMessage();
    assertTrue(r.isSuccess());
    assertEquals(2, r.getValue().size());
    assertEquals(0, r.getValue().get(0).episode());
    assertEquals(4, r.getValue().get(1).arm());
    assertEquals(18, r.getValue().get(0).context().length);
  }

  @Test
  void aShardWithTheRegistryActsByItselfAndMakesTheServersDecisions() {
    UpdateRule rule = BanditAgents.random().create(8, 18);
    io.rlsearch.experiments.Task task = new io.rlsearch.experiments.Task.BoostTemplates(TemplateBandits.FeatureMode.RICH);
    List<Population.Arrival> batch = List.of(nth(0), nth(1), nth(2), nth(3));
    // Through the server: a plain shard.
    var registry = testKit.spawn(PolicyRegistryActor.create(rule.snapshot(0)));
    var server = testKit.spawn(PolicyServerActor.create(registry, STREAMS, 0, 64));
    TestProbe<EnvShardActor.Restarted> restarts = testKit.createTestProbe();
    var plain = testKit.spawn(EnvShardActor.create(WORLD, task, STREAMS, server, restarts.ref(),
        new EnvShardActor.Settings(0, 0, 4)));
    TestProbe<StatusReply<List<Transition>>> reply = testKit.createTestProbe();
    plain.tell(new EnvShardActor.RunSessions(batch, 0, reply.ref()));
    List<Transition> viaServer = reply.receiveMessage().getValue();
    // By itself: the registry and the server are probes, so every message the shard sends is seen.
    TestProbe<PolicyRegistryActor.Command> reg = testKit.createTestProbe();
    TestProbe<PolicyServerActor.Command> srv = testKit.createTestProbe();
    var shard = testKit.spawn(EnvShardActor.create(WORLD, task, STREAMS, srv.ref(), Optional.of(reg.ref()), 0,
        restarts.ref(), new EnvShardActor.Settings(1, 0, 4), CrashSwitch.NONE));
    reg.expectMessageClass(PolicyRegistryActor.Subscribe.class).subscriber().tell(rule.snapshot(0));
    shard.tell(new EnvShardActor.RunSessions(batch, 0, reply.ref()));
    List<Transition> byItself = reply.receiveMessage().getValue();
    assertEquals(4, srv.expectMessageClass(PolicyServerActor.ActedInShard.class).episodes());
    srv.expectNoMessage(Duration.ofMillis(50));
    assertEquals(4, byItself.size());
    for (int i = 0; i < 4; i++) {
      Transition a = viaServer.get(i);
      Transition b = byItself.get(i);
      assertEquals(a.episode(), b.episode());
      assertEquals(a.arm(), b.arm(), "episode " + a.episode());
      assertEquals(a.propensity(), b.propensity(), 0.0);
      assertEquals(a.reward(), b.reward(), 0.0);
      assertEquals(a.policyVersion(), b.policyVersion());
      assertEquals(a.agent(), b.agent());
    }
  }

  @Test
  void aShardActingByItselfPlaysEverySessionOfItsBatchAsThePlainLoopDoes() {
    io.rlsearch.experiments.Task task = new io.rlsearch.experiments.Task.BoostTemplates(TemplateBandits.FeatureMode.RICH);
    // A LinUCB trained on a few sessions, so that its decisions follow each session's context.
    UpdateRule rule = LINUCB.create(8, 18);
    io.rlsearch.experiments.SessionRunner loop = new io.rlsearch.experiments.SessionRunner(WORLD, task, STREAMS);
    Population p = new Population(WORLD, STREAMS, 40, false, 1);
    for (int i = 0; i < 30; i++) {
      Population.Arrival a = p.next().orElseThrow();
      double[] x = loop.prepare(a);
      io.rlsearch.agents.spi.Decision d = io.rlsearch.agents.spi.Decision.arm(i % 8, 1.0 / 8);
      rule.observe(loop.finish(d, "linucb", 0));
    }
    PolicySnapshot snapshot = rule.snapshot(3);
    List<Population.Arrival> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(p.next().orElseThrow());
    }
    // The plain loop's way: one slot, each session prepared, decided and played before the next.
    List<Transition> expected = new ArrayList<>();
    for (Population.Arrival a : batch) {
      double[] x = loop.prepare(a);
      expected.add(loop.finish(snapshot.act(x, STREAMS.policy(a.episode())), snapshot.agent(), 3));
    }
    TestProbe<PolicyRegistryActor.Command> reg = testKit.createTestProbe();
    TestProbe<PolicyServerActor.Command> srv = testKit.createTestProbe();
    TestProbe<EnvShardActor.Restarted> restarts = testKit.createTestProbe();
    var shard = testKit.spawn(EnvShardActor.create(WORLD, task, STREAMS, srv.ref(), Optional.of(reg.ref()), 0,
        restarts.ref(), new EnvShardActor.Settings(0, 0, 6), CrashSwitch.NONE));
    reg.expectMessageClass(PolicyRegistryActor.Subscribe.class).subscriber().tell(snapshot);
    TestProbe<StatusReply<List<Transition>>> reply = testKit.createTestProbe();
    shard.tell(new EnvShardActor.RunSessions(batch, 0, reply.ref()));
    List<Transition> got = reply.receiveMessage().getValue();
    assertEquals(6, srv.expectMessageClass(PolicyServerActor.ActedInShard.class).episodes());
    assertEquals(6, got.size());
    java.util.Set<Integer> arms = new java.util.HashSet<>();
    for (int i = 0; i < 6; i++) {
      Transition a = expected.get(i);
      Transition b = got.get(i);
      String at = "episode " + a.episode();
      arms.add(a.arm());
      assertEquals(a.episode(), b.episode(), at);
      assertEquals(a.user(), b.user(), at);
      assertEquals(a.session(), b.session(), at);
      assertEquals(a.agent(), b.agent(), at);
      assertEquals(a.policyVersion(), b.policyVersion(), at);
      assertTrue(java.util.Arrays.equals(a.context(), b.context()), at);
      assertEquals(a.arm(), b.arm(), at);
      assertTrue(java.util.Arrays.equals(a.action(), b.action()), at);
      assertEquals(a.propensity(), b.propensity(), 0.0, at);
      assertEquals(a.reward(), b.reward(), 0.0, at);
      assertEquals(a.breakdown(), b.breakdown(), at);
      assertEquals(a.orders(), b.orders(), at);
      assertEquals(a.impressions(), b.impressions(), at);
      assertEquals(a.satisfaction(), b.satisfaction(), 0.0, at);
      assertEquals(a.segment(), b.segment(), at);
      assertTrue(java.util.Arrays.equals(a.slate(), b.slate()), at);
      assertTrue(java.util.Arrays.equals(a.clicked(), b.clicked()), at);
      assertTrue(java.util.Arrays.equals(a.bought(), b.bought()), at);
      assertEquals(a.rankChange(), b.rankChange(), 0.0, at);
      assertEquals(a.exposurePl(), b.exposurePl(), 0.0, at);
      assertEquals(a.diversity(), b.diversity(), 0.0, at);
      assertTrue(java.util.Arrays.equals(a.positionRewards(), b.positionRewards()), at);
    }
    assertTrue(arms.size() > 1, "the trained policy chose one arm for every session: " + arms);
  }

  @Test
  void aShardAsksTheServerForARoundItsSnapshotDoesNotServeAndActsByItselfOnceItHasTheVersion() {
    UpdateRule rule = BanditAgents.random().create(8, 18);
    TestProbe<PolicyRegistryActor.Command> reg = testKit.createTestProbe();
    TestProbe<PolicyServerActor.Command> srv = testKit.createTestProbe();
    TestProbe<EnvShardActor.Restarted> restarts = testKit.createTestProbe();
    // Deterministic mode, rounds of 2 episodes: version 0 serves episodes 0 and 1 only.
    var shard = testKit.spawn(EnvShardActor.create(WORLD, new io.rlsearch.experiments.Task.BoostTemplates(
        TemplateBandits.FeatureMode.RICH), STREAMS, srv.ref(), Optional.of(reg.ref()), 2, restarts.ref(),
        new EnvShardActor.Settings(2, 0, 4), CrashSwitch.NONE));
    ActorRef<PolicySnapshot> subscriber = reg.expectMessageClass(PolicyRegistryActor.Subscribe.class).subscriber();
    subscriber.tell(rule.snapshot(0));
    TestProbe<StatusReply<List<Transition>>> first = testKit.createTestProbe();
    TestProbe<StatusReply<List<Transition>>> second = testKit.createTestProbe();
    shard.tell(new EnvShardActor.RunSessions(List.of(nth(2)), 0, first.ref()));
    PolicyServerActor.Act act = srv.expectMessageClass(PolicyServerActor.Act.class);
    assertEquals(2, act.requests().get(0).episode());
    // Version 1 reaches the shard while its batch waits for the server; the next batch is stashed.
    subscriber.tell(rule.snapshot(1));
    shard.tell(new EnvShardActor.RunSessions(List.of(nth(3)), 0, second.ref()));
    first.expectNoMessage(Duration.ofMillis(50));
    PolicySnapshot v1 = rule.snapshot(1);
    act.replyTo().tell(new PolicyServerActor.Acted(List.of(2L), List.of(v1.act(act.requests().get(0).context(),
        STREAMS.policy(2))), v1.agent(), 1));
    assertEquals(1, first.receiveMessage().getValue().get(0).policyVersion());
    Transition t = second.receiveMessage().getValue().get(0);
    assertEquals(3, t.episode());
    assertEquals(1, t.policyVersion());
    assertEquals(1, srv.expectMessageClass(PolicyServerActor.ActedInShard.class).episodes());
  }

  @Test
  void aFailingShardAnswersWithAnErrorRestartsAndServesTheNextRequest() {
    var registry = testKit.spawn(PolicyRegistryActor.create(BanditAgents.random().create(8, 18).snapshot(0)));
    var server = testKit.spawn(PolicyServerActor.create(registry, STREAMS, 0, 64));
    TestProbe<EnvShardActor.Restarted> restarts = testKit.createTestProbe();
    // Fault rate 0.9: attempt 0 of episode 0 fails for this seed's fault stream (checked below by the reply).
    var shard = testKit.spawn(EnvShardActor.create(WORLD, new io.rlsearch.experiments.Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), STREAMS, server,
        restarts.ref(), new EnvShardActor.Settings(3, 0.9, 4)));
    TestProbe<StatusReply<List<Transition>>> reply = testKit.createTestProbe();
    int attempt = 0;
    StatusReply<List<Transition>> r = null;
    int failures = 0;
    while (attempt < 50) {
      shard.tell(new EnvShardActor.RunSessions(List.of(nth(0)), attempt, reply.ref()));
      r = reply.receiveMessage();
      if (r.isSuccess()) {
        break;
      }
      failures++;
      assertEquals(3, restarts.receiveMessage().shard());
      attempt++;
    }
    assertTrue(failures > 0, "no fault was injected at rate 0.9");
    assertTrue(r.isSuccess(), "the shard never recovered");
  }

  @Test
  void aShardThatCrashesKeepsTheRequestItHadStashedAndAnswersIt() {
    // The policy server is a probe: the first batch waits for its actions, the second is stashed behind
    // it, and the shard crashes right after stashing it (its second message).
    TestProbe<PolicyServerActor.Command> server = testKit.createTestProbe();
    TestProbe<EnvShardActor.Restarted> restarts = testKit.createTestProbe();
    var shard = testKit.spawn(EnvShardActor.create(WORLD, new io.rlsearch.experiments.Task.BoostTemplates(
        TemplateBandits.FeatureMode.RICH), STREAMS, server.ref(), restarts.ref(), new EnvShardActor.Settings(5, 0, 4),
        CrashSwitch.parse("shard@2")));
    TestProbe<StatusReply<List<Transition>>> first = testKit.createTestProbe();
    TestProbe<StatusReply<List<Transition>>> second = testKit.createTestProbe();
    shard.tell(new EnvShardActor.RunSessions(List.of(nth(0)), 0, first.ref()));
    assertEquals(0, server.expectMessageClass(PolicyServerActor.Act.class).requests().get(0).episode());
    shard.tell(new EnvShardActor.RunSessions(List.of(nth(1)), 0, second.ref()));
    // The batch in flight is answered with an error (the stream retries it); the stashed one is run.
    assertTrue(first.receiveMessage(Duration.ofSeconds(5)).isError());
    assertEquals(5, restarts.receiveMessage().shard());
    PolicyServerActor.Act act = server.expectMessageClass(PolicyServerActor.Act.class, Duration.ofSeconds(5));
    assertEquals(1, act.requests().get(0).episode(), "the stashed batch is run after the restart");
    second.expectNoMessage(Duration.ofMillis(50));
  }

  // --- UserPopulationActor ---

  @Test
  void populationHandsOutBatchesHoldsPullsWhileUsersAreActiveAndEndsWithNoMore() {
    var pop = testKit.spawn(UserPopulationActor.create(new UserPopulationActor.State(
        new Population(WORLD, STREAMS, 5, false, 1), 0)));
    TestProbe<UserPopulationActor.PullReply> p = testKit.createTestProbe();
    pop.tell(new UserPopulationActor.Pull(3, p.ref()));
    var first = assertInstanceOf(UserPopulationActor.Sessions.class, p.receiveMessage());
    assertEquals(3, first.arrivals().size());
    pop.tell(new UserPopulationActor.Pull(3, p.ref()));
    assertEquals(2, assertInstanceOf(UserPopulationActor.Sessions.class, p.receiveMessage()).arrivals().size());
    pop.tell(new UserPopulationActor.Pull(3, p.ref()));
    p.expectNoMessage(Duration.ofMillis(50));
    TestProbe<Ack> ack = testKit.createTestProbe();
    pop.tell(new UserPopulationActor.FeedbackInit(ack.ref()));
    ack.receiveMessage();
    List<Transition> done = new ArrayList<>();
    for (long e = 0; e < 5; e++) {
      done.add(transition(e, 0, 1.0));
    }
    pop.tell(new UserPopulationActor.Feedback(done, ack.ref()));
    ack.receiveMessage();
    assertEquals(UserPopulationActor.NoMore.INSTANCE, p.receiveMessage());
    pop.tell(UserPopulationActor.FeedbackDone.INSTANCE);
    pop.tell(new UserPopulationActor.FeedbackFailed(new RuntimeException("test")));
    TestProbe<UserPopulationActor.Stats> stats = testKit.createTestProbe();
    pop.tell(new UserPopulationActor.GetStats(stats.ref()));
    UserPopulationActor.Stats s = stats.receiveMessage();
    assertEquals(5, s.arrived());
    assertEquals(5, s.retired());
    assertEquals(5, s.feedback());
    assertTrue(s.completed());
  }

  @Test
  void populationBatchesNeverSpanTwoRounds() {
    var pop = testKit.spawn(UserPopulationActor.create(new UserPopulationActor.State(
        new Population(WORLD, STREAMS, 20, false, 1), 6)));
    TestProbe<UserPopulationActor.PullReply> p = testKit.createTestProbe();
    pop.tell(new UserPopulationActor.Pull(4, p.ref()));
    assertEquals(4, ((UserPopulationActor.Sessions) p.receiveMessage()).arrivals().size());
    pop.tell(new UserPopulationActor.Pull(4, p.ref()));
    var second = ((UserPopulationActor.Sessions) p.receiveMessage()).arrivals();
    assertEquals(2, second.size());
    assertEquals(5, second.get(1).episode());
  }

  // --- EvaluatorActor ---

  @Test
  void evaluatorAcknowledgesCountsDeduplicatesAndReports() {
    var ev = testKit.spawn(EvaluatorActor.create(new EvaluatorActor.State(Optional.of(new RetentionMetrics(10, 0.9)))));
    TestProbe<Ack> ack = testKit.createTestProbe();
    ev.tell(new EvaluatorActor.Init(ack.ref()));
    ack.receiveMessage();
    ev.tell(new EvaluatorActor.Element(List.of(transition(0, 0, 1), transition(1, 0, 3)), ack.ref()));
    ack.receiveMessage();
    ev.tell(new EvaluatorActor.Element(List.of(transition(1, 0, 3)), ack.ref()));
    ack.receiveMessage();
    ev.tell(new EvaluatorActor.Failed(new RuntimeException("test")));
    ev.tell(EvaluatorActor.Completed.INSTANCE);
    TestProbe<EvaluatorActor.Report> report = testKit.createTestProbe();
    ev.tell(new EvaluatorActor.GetReport(report.ref()));
    EvaluatorActor.Report r = report.receiveMessage();
    assertEquals(3, r.consumed());
    assertEquals(1, r.duplicates());
    assertEquals(2, r.metrics().episodes());
    assertEquals(2.0, r.metrics().mean().get("reward").mean(), 1e-12);
    assertEquals(2, r.retention().orElseThrow().sessions());
    assertTrue(r.completed());
  }

  // --- ReplayActor ---

  @Test
  void replayStoresEveryTransitionAndServesFifoAndSampledBatches() {
    var replay = testKit.spawn(ReplayActor.create(4, 3, new io.rlsearch.core.random.NumpyRandom(1)));
    TestProbe<Ack> ack = testKit.createTestProbe();
    replay.tell(new ReplayActor.Init(ack.ref()));
    ack.receiveMessage();
    List<Transition> six = new ArrayList<>();
    for (long e = 0; e < 6; e++) {
      six.add(transition(e, 0, e));
    }
    replay.tell(new ReplayActor.Element(six, ack.ref()));
    ack.receiveMessage();
    TestProbe<ReplayBuffer.Batch> batch = testKit.createTestProbe();
    replay.tell(new ReplayActor.Sample(5, batch.ref()));
    ReplayBuffer.Batch sampled = batch.receiveMessage();
    assertEquals(5, sampled.size());
    for (long e : sampled.episode()) {
      assertTrue(e >= 2, "sampled an overwritten transition " + e);
    }
    replay.tell(new ReplayActor.TakeOldest(2, batch.ref()));
    ReplayBuffer.Batch oldest = batch.receiveMessage();
    assertEquals(2, oldest.episode()[0]);
    assertEquals(3, oldest.episode()[1]);
    replay.tell(new ReplayActor.Failed(new RuntimeException("test")));
    replay.tell(ReplayActor.Completed.INSTANCE);
    TestProbe<ReplayActor.Stats> stats = testKit.createTestProbe();
    replay.tell(new ReplayActor.GetStats(stats.ref()));
    ReplayActor.Stats s = stats.receiveMessage();
    assertEquals(6, s.consumed());
    assertEquals(2, s.size());
    assertEquals(2, s.overwritten());
    assertTrue(s.completed());
  }

  // --- LearnerActor ---

  @Test
  void deterministicLearnerPublishesOnceEachRoundIsCompleteInEpisodeOrder() {
    UpdateRule rule = LINUCB.create(8, 3);
    var registry = testKit.spawn(PolicyRegistryActor.create(rule.snapshot(0)));
    TestProbe<PolicySnapshot> sub = testKit.createTestProbe();
    registry.tell(new PolicyRegistryActor.Subscribe(sub.ref()));
    sub.receiveMessage();
    var learner = testKit.spawn(LearnerActor.create(LINUCB, registry, new LearnerActor.Settings(3, 5, 100),
        new LearnerActor.State()));
    TestProbe<Ack> ack = testKit.createTestProbe();
    learner.tell(new LearnerActor.Init(ack.ref()));
    ack.receiveMessage();
    learner.tell(new LearnerActor.Element(List.of(transition(2, 0, 1), transition(0, 0, 2)), ack.ref()));
    ack.receiveMessage();
    sub.expectNoMessage(Duration.ofMillis(50));
    learner.tell(new LearnerActor.Element(List.of(transition(1, 0, 3)), ack.ref()));
    ack.receiveMessage();
    assertEquals(1, sub.receiveMessage().version());
    learner.tell(new LearnerActor.Element(List.of(transition(3, 1, 1), transition(4, 1, 1), transition(4, 1, 1)),
        ack.ref()));
    ack.receiveMessage();
    assertEquals(2, sub.receiveMessage().version());
    learner.tell(LearnerActor.Completed.INSTANCE);
    learner.tell(new LearnerActor.Failed(new RuntimeException("test")));
    TestProbe<LearnerActor.Stats> stats = testKit.createTestProbe();
    learner.tell(new LearnerActor.GetStats(stats.ref()));
    LearnerActor.Stats s = stats.receiveMessage();
    assertEquals(6, s.consumed());
    assertEquals(5, s.learned());
    assertEquals(1, s.duplicates());
    assertEquals(2, s.published());
    assertTrue(s.completed());
  }

  @Test
  void throughputLearnerPublishesEveryNAndAfterACrashCatchesUpFromTheLastSnapshot() {
    UpdateRule rule = LINUCB.create(8, 3);
    var registry = testKit.spawn(PolicyRegistryActor.create(rule.snapshot(0)));
    TestProbe<PolicySnapshot> sub = testKit.createTestProbe();
    registry.tell(new PolicyRegistryActor.Subscribe(sub.ref()));
    sub.receiveMessage();
    var learner = testKit.spawn(LearnerActor.create(LINUCB, registry, new LearnerActor.Settings(0, 100, 2),
        new LearnerActor.State()));
    TestProbe<Ack> ack = testKit.createTestProbe();
    learner.tell(new LearnerActor.Init(ack.ref()));
    ack.receiveMessage();
    learner.tell(new LearnerActor.Element(List.of(transition(0, 0, 1), transition(1, 0, 2), transition(2, 0, 3)),
        ack.ref()));
    ack.receiveMessage();
    assertEquals(1, sub.receiveMessage().version());
    learner.tell(LearnerActor.Crash.INSTANCE);
    learner.tell(new LearnerActor.Element(List.of(transition(3, 1, 1)), ack.ref()));
    ack.receiveMessage();
    PolicySnapshot v2 = sub.receiveMessage();
    assertEquals(2, v2.version());
    // Version 2 holds the four transitions: the one re-sent after the crash and the new one.
    UpdateRule reference = LINUCB.create(8, 3);
    for (long e = 0; e < 4; e++) {
      Transition t = transition(e, 0, e < 3 ? e + 1 : 1);
      reference.observe(t.context(), io.rlsearch.agents.spi.Decision.of(t), t.reward());
    }
    var x = new double[] {1, 0, 1};
    var rng = new io.rlsearch.core.random.NumpyRandom(1);
    assertEquals(reference.snapshot(2).act(x, rng), v2.act(x, rng));
    learner.tell(LearnerActor.Completed.INSTANCE);
    TestProbe<LearnerActor.Stats> stats = testKit.createTestProbe();
    learner.tell(new LearnerActor.GetStats(stats.ref()));
    LearnerActor.Stats s = stats.receiveMessage();
    assertEquals(1, s.restarts());
    assertEquals(4, s.consumed());
  }

  // --- Guardian ---

  @Test
  void guardianRunsReportsProgressAndStops() throws Exception {
    // An observer that holds the stream on its first batch: the run is then under way and cannot end,
    // so the progress the guardian reports lies between that batch and the whole run.
    java.util.concurrent.CompletableFuture<Integer> firstBatch = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    RunObserver holding = batch -> {
      if (firstBatch.complete(batch.size())) {
        try {
          release.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    TestProbe<Guardian.RunReport> report = testKit.createTestProbe();
    ActorRef<Guardian.Command> g = testKit.spawn(Guardian.create(Runs.train(WORLD, BanditAgents.random(), 4, 2000, 2,
        0, 0, Optional.empty()).observed(holding), report.ref()));
    int first = firstBatch.get(60, java.util.concurrent.TimeUnit.SECONDS);
    TestProbe<Long> progress = testKit.createTestProbe();
    g.tell(new Guardian.GetProgress(progress.ref()));
    long held = progress.receiveMessage();
    release.countDown();
    assertTrue(first > 0 && held >= first && held < 2000, "progress " + held + " with the first batch of " + first
        + " held");
    Guardian.RunReport r = report.receiveMessage(Duration.ofSeconds(60));
    assertEquals(2000, r.produced());
    assertFalse(r.failure().isPresent());
    report.expectTerminated(g, Duration.ofSeconds(10));
  }

  @Test
  void evaluatorAndPopulationKeepTheirStateAcrossARestart() {
    var ev = testKit.spawn(EvaluatorActor.create(new EvaluatorActor.State(Optional.empty())));
    TestProbe<Ack> ack = testKit.createTestProbe();
    ev.tell(new EvaluatorActor.Element(List.of(transition(0, 0, 1)), ack.ref()));
    ack.receiveMessage();
    ev.tell(EvaluatorActor.Crash.INSTANCE);
    ev.tell(new EvaluatorActor.Element(List.of(transition(1, 0, 3)), ack.ref()));
    ack.receiveMessage();
    TestProbe<EvaluatorActor.Report> report = testKit.createTestProbe();
    ev.tell(new EvaluatorActor.GetReport(report.ref()));
    assertEquals(2, report.receiveMessage().metrics().episodes());

    var pop = testKit.spawn(UserPopulationActor.create(new UserPopulationActor.State(
        new Population(WORLD, STREAMS, 4, false, 1), 0)));
    TestProbe<UserPopulationActor.PullReply> p = testKit.createTestProbe();
    pop.tell(new UserPopulationActor.Pull(2, p.ref()));
    assertEquals(0, ((UserPopulationActor.Sessions) p.receiveMessage()).arrivals().get(0).user());
    pop.tell(UserPopulationActor.Crash.INSTANCE);
    pop.tell(new UserPopulationActor.Pull(2, p.ref()));
    assertEquals(2, ((UserPopulationActor.Sessions) p.receiveMessage()).arrivals().get(0).user());
  }
}
