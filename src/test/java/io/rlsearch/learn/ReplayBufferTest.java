package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
  @Test
  void memoryForAMillionRichGymTransitionsIsWithinOnePointTwoOfTheRawBytes() {
    // The rich gym env: 17 observation values, 10 boost weights.
    ReplayBuffer b = new ReplayBuffer(1_000_000, 17, 10);
    long raw = 1_000_000L * ReplayBuffer.rawBytesPerTransition(17, 10);
    double ratio = (double) b.memoryBytes() / raw;
    assertTrue(ratio <= 1.2, "memory ratio " + ratio);
    assertTrue(ratio >= 1.0, "memory ratio " + ratio);
  }

  @Test
  void fifoRemovesTheOldestAndAFullBufferOverwritesThem() {
    ReplayBuffer b = new ReplayBuffer(3, 2, 1);
    for (int e = 0; e < 5; e++) {
      b.add(new double[] {e, -e}, e % 2, new double[] {0.5 * e}, e, 0.25, e, 7);
    }
    assertEquals(3, b.size());
    assertEquals(2, b.overwritten());
    assertEquals(5, b.added());
    ReplayBuffer.Batch oldest = b.takeOldest(2);
    assertArrayEquals(new long[] {2, 3}, oldest.episode());
    assertArrayEquals(new float[] {2, -2, 3, -3}, oldest.obs());
    assertArrayEquals(new float[] {1.0f, 1.5f}, oldest.action());
    assertArrayEquals(new int[] {0, 1}, oldest.arm());
    assertEquals(1, b.size());
    b.add(new double[] {9, 9}, 1, new double[] {1}, 9, 0.5, 9, 8);
    assertArrayEquals(new long[] {4, 9}, b.takeOldest(10).episode());
    assertEquals(0, b.size());
    assertThrows(IllegalStateException.class, () -> b.sampleUniform(1, new NumpyRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> b.add(new double[] {1}, 0, new double[] {1}, 0, 1, 0, 0));
  }

  @Test
  void uniformSamplingCoversTheHeldTransitionsEvenly() {
    ReplayBuffer b = new ReplayBuffer(10, 1, 0);
    for (int e = 0; e < 14; e++) {
      b.add(new double[] {e}, 0, new double[0], e, 1, e, 0);
    }
    int[] counts = new int[14];
    ReplayBuffer.Batch s = b.sampleUniform(20_000, new NumpyRandom(3));
    for (long e : s.episode()) {
      counts[(int) e]++;
    }
    for (int e = 0; e < 4; e++) {
      assertEquals(0, counts[e], "overwritten transition " + e + " sampled");
    }
    // Each of the 10 held transitions: binomial(20,000, 0.1), sd 42; tolerance 5 sd = 212.
    for (int e = 4; e < 14; e++) {
      assertEquals(2000, counts[e], 212, "transition " + e);
    }
  }
}
