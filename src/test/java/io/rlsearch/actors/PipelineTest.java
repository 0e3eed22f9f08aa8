package io.rlsearch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of the guardian's pipeline: determinism, equality with the plain loop, faults, counts. */
class PipelineTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final World WORLD = Runs.smallWorld(7);
  private static final AgentBuilder LINUCB = BanditAgents.linUcb(new LinUcb.Settings(1.0, 1.0, true));
  @TempDir Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Guardian.RunReport run(RunSpec spec) {
    TestProbe<Guardian.RunReport> probe = testKit.createTestProbe();
    testKit.spawn(Guardian.create(spec, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(120));
  }

  @Test
  void deterministicRunsAreIdenticalForOneTwoAndFourShardsAndEqualThePlainLoop() {
    SyncRunner.Result plain = SyncRunner.run(WORLD, new io.rlsearch.experiments.Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), LINUCB, new RunStreams(11), 600,
        50, false);
    for (int shards : new int[] {1, 2, 4}) {
      Guardian.RunReport r = run(Runs.train(WORLD, LINUCB, 11, 600, shards, 50, 0, Optional.empty()));
      OnlineMetrics.Report m = r.evaluator().metrics();
      assertEquals(600, m.episodes());
      assertArrayEquals(plain.report().rewards(), m.rewards(), "rewards with " + shards + " shards");
      assertArrayEquals(plain.report().arms(), m.arms(), "arms with " + shards + " shards");
      assertEquals(plain.policyVersions(), r.history().versions().size());
      assertEquals(0, r.lost());
      assertEquals(600, r.produced());
    }
  }

  @Test
  void aDifferentSeedGivesADifferentRun() {
    Guardian.RunReport a = run(Runs.train(WORLD, LINUCB, 11, 200, 2, 50, 0, Optional.empty()));
    Guardian.RunReport b = run(Runs.train(WORLD, LINUCB, 12, 200, 2, 50, 0, Optional.empty()));
    assertTrue(!java.util.Arrays.equals(a.evaluator().metrics().rewards(), b.evaluator().metrics().rewards()));
  }

  @Test
  void injectedFaultsAreRetriedAndChangeNeitherCountsNorResults() {
    Guardian.RunReport clean = run(Runs.train(WORLD, LINUCB, 5, 500, 2, 50, 0, Optional.empty()));
    Guardian.RunReport faulty = run(Runs.train(WORLD, LINUCB, 5, 500, 2, 50, 0.02, Optional.empty()));
    assertTrue(faulty.shardRestarts() > 0, "no fault was injected");
    assertEquals(faulty.shardRestarts(), faulty.retries());
    assertEquals(500, faulty.produced());
    assertEquals(0, faulty.lost());
    for (long c : faulty.consumed().values()) {
      assertEquals(500, c);
    }
    assertArrayEquals(clean.evaluator().metrics().rewards(), faulty.evaluator().metrics().rewards());
  }

  @Test
  void aLearnerCrashRestoresTheLastSnapshotAndLosesNothing() {
    RunSpec spec = Runs.train(WORLD, LINUCB, 5, 800, 2, 50, 0, Optional.empty());
    Guardian.RunReport clean = run(spec);
    TestProbe<Guardian.RunReport> probe = testKit.createTestProbe();
    ActorRef<Guardian.Command> g = testKit.spawn(Guardian.create(spec, probe.ref()));
    TestProbe<Long> progress = testKit.createTestProbe();
    long produced = 0;
    while (produced < 300) {
      g.tell(new Guardian.GetProgress(progress.ref()));
      produced = progress.receiveMessage();
    }
    g.tell(Guardian.CrashLearner.INSTANCE);
    Guardian.RunReport crashed = probe.receiveMessage(Duration.ofSeconds(120));
    assertEquals(1, crashed.learner().restarts());
    assertEquals(0, crashed.lost());
    assertEquals(800, crashed.learner().learned());
    assertArrayEquals(clean.evaluator().metrics().rewards(), crashed.evaluator().metrics().rewards());
    assertEquals(clean.history().versions(), crashed.history().versions());
  }

  /** LinUCB learning slowly: each transition takes {@code millis} (a learner round of a big network). */
  private static AgentBuilder slow(AgentBuilder base, long millis) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return base.name();
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return slowRule(base.create(arms, dim), millis);
      }

      @Override
      public UpdateRule restore(io.rlsearch.agents.spi.PolicySnapshot snapshot) {
        return slowRule(base.restore(snapshot), millis);
      }
    };
  }

  private static UpdateRule slowRule(UpdateRule r, long millis) {
    return new UpdateRule() {
      @Override
      public void observe(double[] context, io.rlsearch.agents.spi.Decision decision, double reward) {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        r.observe(context, decision, reward);
      }

      @Override
      public io.rlsearch.agents.spi.PolicySnapshot snapshot(long version) {
        return r.snapshot(version);
      }

      @Override
      public boolean learns() {
        return true;
      }
    };
  }

  /** A throughput run of {@code users} with checkpoints every 100 transitions, kept in {@code saved}. */
  private static RunSpec checkpointed(long users, Optional<Checkpointing.Resume> from,
      List<io.rlsearch.learn.Checkpoints.Checkpoint> saved) {
    Checkpointing saving = new Checkpointing((state, version, usersDone, learned, beyond) -> saved.add(
        new io.rlsearch.learn.Checkpoints.Checkpoint(java.util.Map.of(), usersDone, version, learned, state, beyond)), 100);
    return new RunSpec(WORLD, new io.rlsearch.experiments.Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), LINUCB,
        3, users, false, 1, 1.0, 3, 0, 50, 64, 10_000, 0.0, 20, Duration.ofSeconds(20), Duration.ofMinutes(2), 4,
        Optional.empty(), "", 8, from, Optional.of(saving), Duration.ZERO,
        () -> io.rlsearch.agents.spi.InferenceEngine.JAVA);
  }

  @Test
  void aThroughputResumeDoesNotLearnAgainWhatItsCheckpointLearnedOutOfOrder() {
    // Throughput mode learns episodes as they come, out of order: a checkpoint's users_done is the prefix
    // learned, and it lists the episodes learned past it.
    List<io.rlsearch.learn.Checkpoints.Checkpoint> saved = new java.util.concurrent.CopyOnWriteArrayList<>();
    run(checkpointed(1200, Optional.empty(), saved));
    io.rlsearch.learn.Checkpoints.Checkpoint mid = saved.stream().filter(c -> c.learnedBeyond().length > 0)
        .filter(c -> c.usersDone() < 1000).findFirst().orElseThrow(() -> new AssertionError(
            "no checkpoint learned past its prefix: " + saved.size() + " saved"));
    assertEquals(mid.learned(), mid.usersDone() + mid.learnedBeyond().length, "prefix and beyond: all it learned");
    List<io.rlsearch.learn.Checkpoints.Checkpoint> after = new java.util.concurrent.CopyOnWriteArrayList<>();
    Guardian.RunReport r = run(checkpointed(1200, Optional.of(new Checkpointing.Resume(mid.state(), mid.version(),
        mid.usersDone(), mid.learnedBeyond())), after));
    assertEquals(0, r.lost());
    assertEquals(1200 - mid.usersDone(), r.produced(), "the users from the prefix on run again");
    assertEquals(1200 - mid.learned(), r.learner().learned(), "each episode learned once over the two runs");
    assertEquals(mid.learnedBeyond().length, r.learner().duplicates());
  }

  @Test
  void aSlowLearnerRoundIsWaitedForNotRetriedAsAFailedSession() {
    // A round takes about 100 x 5 ms to learn; a session attempt may take 300 ms. The shards' requests
    // for the next round wait for its version: that wait is not the sessions' work.
    RunSpec spec = new RunSpec(WORLD, new io.rlsearch.experiments.Task.BoostTemplates(TemplateBandits.FeatureMode.RICH),
        slow(LINUCB, 5), 8, 400, false, 1, 1.0, 2, 100, 50, 64, 10_000, 0.0, 3, Duration.ofMillis(300),
        Duration.ofMinutes(2), 4, Optional.empty(), "", 8);
    Guardian.RunReport r = run(spec);
    assertTrue(r.failure().isEmpty(), String.valueOf(r.failure()));
    assertEquals(0, r.retries(), "no session was retried");
    assertEquals(400, r.learner().learned());
    assertEquals(0, r.lost());
  }

  @Test
  void aCrashInTheMiddleOfABatchLosesNoneOfItsRest() {
    // Deterministic: the same result as without the crash, for each stream sink crashing mid-batch.
    RunSpec spec = Runs.train(WORLD, LINUCB, 5, 800, 2, 50, 0, Optional.empty());
    Guardian.RunReport clean = run(spec);
    for (String role : List.of("learner", "evaluator")) {
      CrashSwitch crash = CrashSwitch.midElement(role, 301);
      Guardian.RunReport r = run(spec.withCrash(crash));
      assertTrue(crash.fired(), role);
      assertTrue(r.failure().isEmpty(), role + ": " + r.failure());
      assertEquals(0, r.lost(), role);
      assertEquals(800, r.learner().learned(), role);
      assertEquals(800, r.evaluator().metrics().episodes(), role);
      assertEquals(800, r.evaluator().consumed(), role);
      assertArrayEquals(clean.evaluator().metrics().rewards(), r.evaluator().metrics().rewards(), role);
      assertEquals(clean.history().versions(), r.history().versions(), role);
    }
    // The population learns from feedback which users come back: a retention run.
    AgentBuilder neutral = BanditAgents.fixed("static:Neutral", 0);
    RunSpec ret = Runs.retention(WORLD, neutral, 21, 120, 2);
    Guardian.RunReport base = run(ret);
    CrashSwitch crash = CrashSwitch.midElement("population", 77);
    Guardian.RunReport r = run(ret.withCrash(crash));
    assertTrue(crash.fired());
    assertTrue(r.failure().isEmpty(), String.valueOf(r.failure()));
    assertEquals(0, r.lost());
    assertEquals(base.produced(), r.produced());
    assertEquals(base.evaluator().retention().orElseThrow().value(), r.evaluator().retention().orElseThrow().value());
  }

  @Test
  void throughputRunCountsEveryTransitionAndLogsEveryDecision() {
    Path log = dir.resolve("decisions.jsonl");
    AgentBuilder ts = BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 8);
    Guardian.RunReport r = run(Runs.train(WORLD, ts, 3, 700, 3, 0, 0, Optional.of(log)));
    assertEquals(700, r.produced());
    assertEquals(0, r.lost());
    assertEquals(700L, r.consumed().get("decision_log"));
    List<LoggedDecision> read = DecisionLog.read(log);
    assertEquals(700, read.size());
    for (LoggedDecision d : read) {
      assertTrue(d.propensity() > 0 && d.propensity() <= 1);
    }
    assertTrue(r.history().versions().size() > 1, "the learner never published");
    assertTrue(r.batching().meanBatch() >= 1);
    assertEquals(700, r.replay().size());
  }

  @Test
  void retentionRunsFollowUsersAcrossSessionsWhateverTheShardCount() {
    AgentBuilder neutral = BanditAgents.fixed("static:Neutral", 0);
    Guardian.RunReport one = run(Runs.retention(WORLD, neutral, 21, 120, 1));
    Guardian.RunReport three = run(Runs.retention(WORLD, neutral, 21, 120, 3));
    var a = one.evaluator().retention().orElseThrow();
    var b = three.evaluator().retention().orElseThrow();
    assertEquals(120, a.users());
    assertTrue(a.sessions() > 120, "nobody returned");
    assertEquals(a.sessions(), one.produced());
    assertEquals(a.sessions(), b.sessions());
    assertEquals(a.value(), b.value());
    assertEquals(0, one.lost());
    assertEquals(120, one.population().retired());
  }

  @Test
  void aFinalCheckpointThatFailsFailsTheRunEvenWhenTheStreamEndsWell() {
    // The sink refuses the final save (every = 0: only the final one). The stream itself completes;
    // its clean end must not wipe out the failed checkpoint.
    for (int rep = 0; rep < 5; rep++) {
      Checkpointing failing = new Checkpointing((state, version, usersDone, learned, beyond) -> {
        throw new java.io.IOException("disk full");
      }, 0);
      RunSpec spec = Runs.train(WORLD, LINUCB, 7, 300, 2, 0, 0, Optional.empty());
      spec = new RunSpec(spec.world(), spec.task(), spec.agent(), spec.seed(), spec.users(), false, 1, 1.0,
          spec.shards(), spec.roundSize(), spec.publishEvery(), spec.maxBatch(), spec.replayCapacity(), 0,
          spec.maxRetries(), spec.sessionTimeout(), spec.pullTimeout(), spec.pullParallelism(), Optional.empty(), "",
          spec.batch(), Optional.empty(), Optional.of(failing), Duration.ZERO,
          () -> io.rlsearch.agents.spi.InferenceEngine.JAVA);
      Guardian.RunReport r = run(spec);
      assertTrue(r.failure().isPresent() && r.failure().get().contains("final checkpoint"),
          "run " + rep + ": " + r.failure());
    }
  }

  @Test
  void aPoisonTransitionStopsTheLearnerAfterBoundedRestartsAndFailsTheRunInsteadOfStalling() {
    // LinUCB that cannot learn episode 40: every restart sends it again and it fails again.
    io.rlsearch.agents.spi.AgentBuilder poison = new io.rlsearch.agents.spi.AgentBuilder() {
      @Override
      public String name() {
        return LINUCB.name();
      }

      @Override
      public io.rlsearch.agents.spi.UpdateRule create(int arms, int dim) {
        return wrap(LINUCB.create(arms, dim));
      }

      @Override
      public io.rlsearch.agents.spi.UpdateRule restore(io.rlsearch.agents.spi.PolicySnapshot s) {
        return wrap(LINUCB.restore(s));
      }

      private io.rlsearch.agents.spi.UpdateRule wrap(io.rlsearch.agents.spi.UpdateRule r) {
        return new io.rlsearch.agents.spi.UpdateRule() {
          @Override
          public void observe(double[] c, io.rlsearch.agents.spi.Decision d, double reward) {
            r.observe(c, d, reward);
          }

          @Override
          public void observe(io.rlsearch.core.Transition t) {
            if (t.episode() == 40) {
              throw new IllegalStateException("poison transition " + t.episode());
            }
            r.observe(t);
          }

          @Override
          public io.rlsearch.agents.spi.PolicySnapshot snapshot(long version) {
            return r.snapshot(version);
          }

          @Override
          public boolean learns() {
            return true;
          }
        };
      }
    };
    Guardian.RunReport r = run(Runs.train(WORLD, poison, 3, 300, 2, 0, 0, Optional.empty()));
    assertTrue(r.failure().isPresent() && r.failure().get().contains("learner"), String.valueOf(r.failure()));
  }
}
