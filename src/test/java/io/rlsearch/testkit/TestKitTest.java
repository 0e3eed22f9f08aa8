package io.rlsearch.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.sim.World;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The user test kit: the harness runs the real runtime, and each assertion catches what it names. */
class TestKitTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final World WORLD = TinyWorld.create(3);

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void aLearningAgentPassesEveryAssertionEvenWithInjectedFaults() {
    // The shards act ahead of the learner by what the stream's buffers hold (a few hundred episodes at
    // 2 shards of batches of 8), so versions acted with are bounded below by (episodes - that lead) /
    // publishEvery, not by timing: 400 episodes left that bound near 2, and a loaded machine saw
    // exactly 2; 1,200 leave it far above 3.
    ObservedRun run = AgentHarness.train(kit, BanditAgents.linUcb(new LinUcb.Settings(1.0, 1.0, true)),
        AgentHarness.Settings.of(WORLD, 1200).withFaultRate(0.02));
    assertEquals(1200, run.transitions().size());
    assertTrue(run.report().shardRestarts() > 0, "no fault was injected");
    RunAssertions.nothingLost(run);
    RunAssertions.noRequestFailedAcrossSwaps(run, 3);
    RunAssertions.propensitiesAreProbabilities(run);
    RunAssertions.cm2FloorHeld(run, -1e9, 100);
  }

  @Test
  void theAssertionsFailWithAMessageWhenTheRunDoesNotMeetThem() {
    ObservedRun run = AgentHarness.train(kit, BanditAgents.random(), AgentHarness.Settings.of(WORLD, 200));
    RunAssertions.nothingLost(run);
    // A fixed policy never swaps: the swap assertion must say so rather than pass.
    AssertionError swaps = assertThrows(AssertionError.class, () -> RunAssertions.noRequestFailedAcrossSwaps(run, 2));
    assertTrue(swaps.getMessage().contains("1 policy versions"), swaps.getMessage());
    AssertionError floor = assertThrows(AssertionError.class, () -> RunAssertions.cm2FloorHeld(run, 1e9, 50));
    assertTrue(floor.getMessage().contains("below the floor"), floor.getMessage());
    // A run whose transitions went missing is caught even when the counts agree.
    ObservedRun missing = new ObservedRun(run.report(), run.transitions().subList(1, run.transitions().size()));
    AssertionError lost = assertThrows(AssertionError.class, () -> RunAssertions.nothingLost(missing));
    assertTrue(lost.getMessage().contains("distinct episodes"), lost.getMessage());
  }

  @Test
  void theTinyWorldIsDeterministic() {
    World a = TinyWorld.create(9);
    World b = TinyWorld.create(9);
    assertEquals(500, a.catalog().size());
    for (int i = 0; i < 500; i += 97) {
      assertEquals(a.catalog().price(i), b.catalog().price(i));
    }
  }
}
