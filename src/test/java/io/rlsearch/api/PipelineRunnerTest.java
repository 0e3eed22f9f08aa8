package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A run whose guardian fails ends at once with one line naming the cause, not at the run's deadline. */
class PipelineRunnerTest {
  @Test
  void trainingRunsGiveTheDefaultDispatcherAThreadPerCoreAndServingKeepsPekkosSettings() throws Exception {
    String fj = "pekko.actor.default-dispatcher.fork-join-executor.";
    RunConfig cfg = RunConfig.load(Optional.empty(), Optional.empty());
    com.typesafe.config.Config training = PipelineRunner.pipelineSystem(cfg.systemConfig());
    org.junit.jupiter.api.Assertions.assertEquals(1, training.getInt(fj + "parallelism-min"));
    org.junit.jupiter.api.Assertions.assertEquals(1.0, training.getDouble(fj + "parallelism-factor"));
    // The serving systems are built from the topology itself: Pekko's own minimum of 8 stays there.
    org.junit.jupiter.api.Assertions.assertEquals(8, cfg.systemConfig().getInt(fj + "parallelism-min"));
    // Everything else of the topology carries over, and a topology file can set the block.
    org.junit.jupiter.api.Assertions.assertEquals(cfg.systemConfig().getInt("rlsearch.topology.batch"),
        training.getInt("rlsearch.topology.batch"));
    java.nio.file.Path f = java.nio.file.Files.createTempFile("topology", ".conf");
    try {
      // any Pekko setting, not only the defaults' keys, and it wins over the same setting under pekko
      java.nio.file.Files.writeString(f, "rlsearch.pipeline-system.pekko.actor.default-dispatcher"
          + ".fork-join-executor.parallelism-min = 3\n"
          + "rlsearch.pipeline-system.pekko.actor.default-dispatcher.throughput = 7\n"
          + "pekko.actor.default-dispatcher.throughput = 9\n");
      RunConfig own = RunConfig.load(Optional.empty(), Optional.of(f));
      com.typesafe.config.Config ownTraining = PipelineRunner.pipelineSystem(own.systemConfig());
      org.junit.jupiter.api.Assertions.assertEquals(3, ownTraining.getInt(fj + "parallelism-min"));
      org.junit.jupiter.api.Assertions.assertEquals(7,
          ownTraining.getInt("pekko.actor.default-dispatcher.throughput"));
      org.junit.jupiter.api.Assertions.assertEquals(9,
          own.systemConfig().getInt("pekko.actor.default-dispatcher.throughput"));
    } finally {
      java.nio.file.Files.delete(f);
    }
    // A configuration without the block is used as it is.
    com.typesafe.config.Config bare = com.typesafe.config.ConfigFactory.parseString("a = 1");
    org.junit.jupiter.api.Assertions.assertSame(bare, PipelineRunner.pipelineSystem(bare));
  }

  /** An agent whose construction fails (the guardian builds version 0 when it starts). */
  private static final AgentBuilder BROKEN = new AgentBuilder() {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public UpdateRule create(int arms, int dim) {
      throw new IllegalStateException("the broken agent cannot be built");
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      return BanditAgents.random().restore(snapshot);
    }

    @Override
    public UpdateRule restoreState(AgentState state) {
      return BanditAgents.random().restoreState(state);
    }
  };

  @Test
  void aGuardianThatFailsToStartEndsTheRunWithinSecondsNamingTheCause() {
    PipelineRunner.RunFailedException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(PipelineRunner.RunFailedException.class, () -> PipelineRunner.run(
            Runs.train(Runs.smallWorld(3), BROKEN, 3, 50, 1, 0, 0, Optional.empty()), Runs.quietSystemConfig(), false,
            "broken")));
    assertTrue(e.getMessage().contains("the broken agent cannot be built"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void severalRunsSideBySideFailAtOnceWhenOneGuardianFails() {
    PipelineRunner.RunFailedException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(PipelineRunner.RunFailedException.class, () -> PipelineRunner.runAll(List.of(
            Runs.train(Runs.smallWorld(3), BanditAgents.random(), 3, 50, 1, 0, 0, Optional.empty()),
            Runs.train(Runs.smallWorld(3), BROKEN, 3, 50, 1, 0, 0, Optional.empty())), Runs.quietSystemConfig())));
    assertTrue(e.getMessage().contains("the broken agent cannot be built"), e.getMessage());
  }
  @Test
  void aSessionRunsWhatIsStartedWhileOthersRunAndAFailedRunLeavesTheOthersAlone() {
    World w = Runs.smallWorld(3);
    // Deterministic rounds: the same run gives the same rewards in its own system or in a session.
    RunSpec good = Runs.train(w, BanditAgents.linUcb(new LinUcb.Settings(1.0, 2.0, false), true), 5, 60, 1, 10, 0,
        Optional.empty());
    double[] alone = PipelineRunner.runAll(List.of(good), Runs.quietSystemConfig()).get(0).report().evaluator()
        .metrics().rewards();
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      try (PipelineRunner.Session session = new PipelineRunner.Session(Runs.quietSystemConfig())) {
        CompletableFuture<PipelineRunner.Outcome> first = session.start(good);
        CompletableFuture<PipelineRunner.Outcome> broken = session.start(Runs.train(w, BROKEN, 3, 50, 1, 0, 0,
            Optional.empty()));
        ExecutionException e = assertThrows(ExecutionException.class, broken::get);
        assertTrue(e.getCause() instanceof PipelineRunner.RunFailedException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("the broken agent cannot be built"), e.getCause().getMessage());
        // Started after the failure, in the same session.
        CompletableFuture<PipelineRunner.Outcome> second = session.start(good);
        assertArrayEquals(alone, first.get().report().evaluator().metrics().rewards(), 0.0);
        assertArrayEquals(alone, second.get().report().evaluator().metrics().rewards(), 0.0);
      }
    });
  }

  /** Closing a session ends the waits on its runs still under way at once, not at their deadlines. */
  @Test
  void closingASessionFailsTheRunsStillUnderWayAtOnce() {
    World w = Runs.smallWorld(3);
    RunSpec endless = Runs.train(w, BanditAgents.random(), 3, 5_000_000, 1, 0, 0, Optional.empty());
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      CompletableFuture<PipelineRunner.Outcome> running;
      PipelineRunner.Session session = new PipelineRunner.Session(Runs.quietSystemConfig());
      try {
        running = session.start(endless);
        Thread.sleep(500);
      } finally {
        session.close();
      }
      ExecutionException e = assertThrows(ExecutionException.class, running::get);
      assertTrue(e.getCause() instanceof PipelineRunner.RunFailedException, e.getCause().toString());
      assertTrue(e.getCause().getMessage().contains("the session stopped"), e.getCause().getMessage());
      ExecutionException late = assertThrows(ExecutionException.class, () -> session.start(endless).get());
      assertTrue(late.getCause().getMessage().contains("the session stopped"), late.getCause().getMessage());
    });
  }
}
