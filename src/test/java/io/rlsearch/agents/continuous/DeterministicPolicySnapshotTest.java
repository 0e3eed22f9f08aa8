package io.rlsearch.agents.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/** clip(actor(x)) on a one-layer actor whose outputs are worked out by hand. */
class DeterministicPolicySnapshotTest {
  /** Outputs (x0 + x1, 2 x0 - 0.5, -x1): the bias and weights are exact in float. */
  private static final Mlp ACTOR = new Mlp(new int[] {2, 3},
      new float[][] {{1f, 1f, 2f, 0f, 0f, -1f}}, new float[][] {{0f, -0.5f, 0f}}, Mlp.Activation.TANH);

  @Test
  void theActionIsTheActorsOutputClippedToTheBox() {
    DeterministicPolicySnapshot p = new DeterministicPolicySnapshot("td3bc", 4, ACTOR, 1.5);
    // x = (0.25, 0.5): outputs (0.75, 0, -0.5), all inside [-1.5, 1.5]
    assertArrayEquals(new double[] {0.75, 0.0, -0.5}, p.action(new double[] {0.25, 0.5}));
    // x = (1.5, -2): outputs (-0.5, 2.5, 2) -> (-0.5, 1.5, 1.5)
    assertArrayEquals(new double[] {-0.5, 1.5, 1.5}, p.action(new double[] {1.5, -2.0}));
    // x = (-1, 3): outputs (2, -2.5, -3) -> (1.5, -1.5, -1.5)
    assertArrayEquals(new double[] {1.5, -1.5, -1.5}, p.action(new double[] {-1.0, 3.0}));
  }

  @Test
  void actingLogsTheActionWithPropensityOneAndDrawsNothing() {
    DeterministicPolicySnapshot p = new DeterministicPolicySnapshot("td3bc", 4, ACTOR, 1.5);
    NumpyRandom rng = new NumpyRandom(3);
    assertEquals(Decision.continuous(new double[] {-0.5, 1.5, 1.5}, 1.0), p.act(new double[] {1.5, -2.0}, rng));
    assertEquals(new NumpyRandom(3).nextRaw(), rng.nextRaw());
    assertEquals("td3bc", p.agent());
    assertEquals(4, p.version());
    assertSame(p, p.greedy());
  }

  @Test
  void withVersionKeepsTheActorAndTheBox() {
    DeterministicPolicySnapshot p = new DeterministicPolicySnapshot("iql", 4, ACTOR, 0.25).withVersion(9);
    assertEquals(9, p.version());
    assertEquals("iql", p.agent());
    assertSame(ACTOR, p.actor());
    assertEquals(0.25, p.aMax());
    assertArrayEquals(new double[] {0.25, -0.25, -0.25}, p.action(new double[] {0.0, 0.5}));
  }

  @Test
  void theBoxMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DeterministicPolicySnapshot("a", 0, ACTOR, 0.0));
    assertEquals("a_max must be > 0, got 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new DeterministicPolicySnapshot("a", 0, ACTOR, Double.NaN));
    assertDoesNotThrow(() -> new DeterministicPolicySnapshot("a", 0, ACTOR, Double.MIN_VALUE));
  }
}
