package com.example.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.core.Transition;
import io.rlsearch.sim.World;
import io.rlsearch.testkit.AgentHarness;
import io.rlsearch.testkit.ObservedRun;
import io.rlsearch.testkit.RunAssertions;
import io.rlsearch.testkit.TinyWorld;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The agent in the real runtime (shards, policy server with live swaps, learner, replay, evaluator). */
class EpsilonGreedyBehaviourTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final World WORLD = TinyWorld.create(42);

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void nothingIsLostAndNoRequestFailsAcrossSwapsEvenWhenShardsFail() {
    ObservedRun run = AgentHarness.train(kit, new EpsilonGreedyBuilder(),
        AgentHarness.Settings.of(WORLD, 1200).withFaultRate(0.02));
    assertTrue(run.report().shardRestarts() > 0, "no fault was injected");
    RunAssertions.nothingLost(run);
    RunAssertions.noRequestFailedAcrossSwaps(run, 5);
    RunAssertions.propensitiesAreProbabilities(run);
  }

  @Test
  void itHoldsACm2FloorAndLearnsToPlayOneArmMost() {
    ObservedRun run = AgentHarness.train(kit, new EpsilonGreedyBuilder(), AgentHarness.Settings.of(WORLD, 2000));
    RunAssertions.nothingLost(run);
    // The floor: half the uniform random policy's mean CM2 on the same users (same seed), per 500 episodes.
    ObservedRun random = AgentHarness.train(kit, BanditAgents.random(), AgentHarness.Settings.of(WORLD, 2000));
    double randomCm2 = random.transitions().stream().mapToDouble(t -> t.breakdown().cm2()).average().orElseThrow();
    assertTrue(randomCm2 > 0, "random CM2 " + randomCm2);
    RunAssertions.cm2FloorHeld(run, 0.5 * randomCm2, 500);
    // After the first 1,000 episodes the greedy arm is played about 1 - 0.1 + 0.1/8 = 91% of the time.
    List<Transition> late = run.byEpisode().subList(1000, 2000);
    long[] plays = new long[8];
    late.forEach(t -> plays[t.arm()]++);
    long most = java.util.Arrays.stream(plays).max().orElseThrow();
    assertTrue(most >= 0.8 * late.size(), "most played arm: " + most + " of " + late.size());
    assertEquals(2000, run.transitions().size());
  }
}
