package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A run whose guardian fails ends at once with one line naming the cause, not at the run's deadline. */
class PipelineRunnerTest {
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
}
