package io.rlsearch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.InferenceEngine;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardPolicyTest {
  private static final RunStreams STREAMS = new RunStreams(4);

  @Test
  void servesNothingBeforeItsFirstSnapshotAndKeepsTheNewestItIsSent() {
    UpdateRule rule = BanditAgents.random().create(6, 3);
    ShardPolicy p = new ShardPolicy(STREAMS, 0);
    assertNull(p.current());
    assertFalse(p.serves(0));
    assertFalse(p.servesAll(new long[] {0}));
    p.offer(rule.snapshot(2));
    p.offer(rule.snapshot(1)); // an older one arriving late (a restarted shard subscribes again)
    assertEquals(2, p.current().version());
    assertTrue(p.serves(1_000_000));
  }

  @Test
  void inDeterministicModeAVersionServesItsOwnRoundAndEarlierOnly() {
    UpdateRule rule = BanditAgents.random().create(6, 3);
    ShardPolicy p = new ShardPolicy(STREAMS, 100);
    p.offer(rule.snapshot(0));
    assertTrue(p.serves(99));
    assertFalse(p.serves(100));
    assertFalse(p.servesAll(new long[] {98, 99, 100}));
    IllegalStateException one = assertThrows(IllegalStateException.class, () -> p.act(100, new double[] {1, 0, 1}));
    assertEquals("the current snapshot (version 0) does not serve episode 100", one.getMessage());
    assertThrows(IllegalStateException.class, () -> new ShardPolicy(STREAMS, 0).act(0, new double[] {1, 0, 1}));
    p.offer(rule.snapshot(1));
    assertTrue(p.servesAll(new long[] {98, 99, 100, 199}));
    assertFalse(p.serves(200));
  }

  @Test
  void itsDecisionsAreThePolicyServersBitForBit() {
    // A stochastic policy: each decision must come from its own episode's policy stream, as the
    // server's engine draws it, whatever the batch.
    PolicySnapshot s = BanditAgents.random().create(6, 3).snapshot(3);
    long[] episodes = {17, 3, 40, 41};
    double[][] xs = {{1, 0, 1}, {0, 1, 0}, {0.5, 0.5, 1}, {2, -1, 0}};
    NumpyRandom[] rngs = new NumpyRandom[episodes.length];
    for (int i = 0; i < episodes.length; i++) {
      rngs[i] = STREAMS.policy(episodes[i]);
    }
    List<Decision> server = InferenceEngine.JAVA.act(s, xs, rngs);
    ShardPolicy p = new ShardPolicy(STREAMS, 0);
    p.offer(s);
    boolean differ = false;
    // Episode by episode, in the reverse order: a decision depends on its episode only.
    for (int i = episodes.length - 1; i >= 0; i--) {
      Decision one = p.act(episodes[i], xs[i]);
      assertEquals(server.get(i).arm(), one.arm(), "episode " + episodes[i]);
      assertEquals(server.get(i).propensity(), one.propensity(), 0.0);
      assertArrayEquals(server.get(i).action(), one.action());
      differ |= one.arm() != server.get(0).arm();
    }
    assertTrue(differ, "the random policy should not pick one arm for all four episodes");
  }

  @Test
  void refusesANegativeRound() {
    assertThrows(IllegalArgumentException.class, () -> new ShardPolicy(STREAMS, -1));
  }
}
