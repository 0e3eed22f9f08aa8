package io.rlsearch.core.random;

/**
 * numpy's legacy {@code np.random.RandomState(seed)} for an integer seed in {@code [0, 2^32)}: the
 * 32-bit Mersenne Twister seeded by {@code init_genrand(seed)}, with the legacy bounded integers
 * ({@link #interval}), the legacy in-place {@link #shuffle} and the 53-bit {@link #nextDouble} that
 * {@code random_sample} and every legacy distribution ({@link LegacyRandom}) draw from. scikit-learn's
 * {@code check_random_state(int)} returns this generator, so its shuffled splits can be reproduced.
 *
 * <p>Not thread-safe: one owner per instance, as with numpy.
 */
public final class Mt19937 {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] mt = new int[N];
  private int index;

  /** {@code np.random.RandomState(seed)}; numpy accepts only {@code 0 <= seed < 2^32}. */
  public Mt19937(long seed) {
    if (seed < 0 || seed > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("RandomState seed must be between 0 and 2**32 - 1, got " + seed);
    }
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    index = N;
  }

  /** The next 32-bit word, an unsigned value in an int. */
  public int nextInt() {
    if (index >= N) {
      twist();
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  /**
   * numpy's {@code random_sample()}: a double in {@code [0, 1)} from two words, the first's top 27
   * bits above the second's top 26, {@code (a * 2^26 + b) / 2^53}.
   */
  public double nextDouble() {
    int a = nextInt() >>> 5;
    int b = nextInt() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      int v = mt[(i + M) % N] ^ (y >>> 1);
      if ((y & 1) != 0) {
        v ^= 0x9908b0df;
      }
      mt[i] = v;
    }
    index = 0;
  }

  /**
   * numpy's legacy {@code random_interval(max)}: a uniform integer in {@code [0, max]} by masked
   * rejection (draw a word, keep the bits below max's highest set bit, retry while above max).
   * Only the 32-bit branch, so {@code max} is an int.
   */
  public int interval(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("interval bound must be >= 0, got " + max);
    }
    if (max == 0) {
      return 0;
    }
    int mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    int value;
    do {
      value = nextInt() & mask;
    } while (value > max);
    return value;
  }

  /** {@code RandomState.shuffle(x)} of a 1-d array: for i from n - 1 down to 1, swap x[i] with x[interval(i)]. */
  public void shuffle(int[] x) {
    for (int i = x.length - 1; i >= 1; i--) {
      int j = interval(i);
      int t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }
}
