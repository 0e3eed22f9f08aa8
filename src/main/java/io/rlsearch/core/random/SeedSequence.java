package io.rlsearch.core.random;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * numpy's {@code SeedSequence}: turns a root seed (and a spawn path) into well-mixed generator state.
 *
 * <p>Bit-compatible with {@code numpy.random.SeedSequence(entropy, spawn_key=...)} for non-negative
 * integer entropy and the default pool size of 4 words: {@link #generateState32} and
 * {@link #generateState64} return the words numpy returns, and {@link #spawn} derives the same
 * children. Spawning is how independent streams are named by index (shards, episodes) without
 * sharing a generator; the tree of spawn keys, not the order of construction, defines a stream.
 *
 * <p>Immutable: unlike numpy's, {@code spawn} takes the first child index explicitly so that the
 * same call always gives the same children.
 */
public final class SeedSequence {
  private static final int POOL_SIZE = 4;
  private static final int INIT_A = 0x43b0d7e5;
  private static final int MULT_A = 0x931e8875;
  private static final int INIT_B = 0x8b51f9dd;
  private static final int MULT_B = 0x58f38ded;
  private static final int MIX_MULT_L = 0xca01f9dd;
  private static final int MIX_MULT_R = 0x4973f715;
  private static final int XSHIFT = 16;

  private final BigInteger entropy;
  private final int[] spawnKey;
  private final int[] pool;

  private SeedSequence(BigInteger entropy, int[] spawnKey) {
    if (entropy.signum() < 0) {
      throw new IllegalArgumentException("seed must be non-negative, got " + entropy);
    }
    this.entropy = entropy;
    this.spawnKey = spawnKey.clone();
    this.pool = mixEntropy(assembledEntropy());
  }

  /** The sequence numpy builds for {@code SeedSequence(seed)} and {@code default_rng(seed)}. */
  public static SeedSequence of(long seed) {
    if (seed < 0) {
      throw new IllegalArgumentException("seed must be non-negative, got " + seed);
    }
    return new SeedSequence(BigInteger.valueOf(seed), new int[0]);
  }

  /** A sequence with an arbitrary non-negative integer entropy and a spawn key path. */
  public static SeedSequence of(BigInteger entropy, int... spawnKey) {
    return new SeedSequence(entropy, spawnKey);
  }

  /** The root entropy. */
  public BigInteger entropy() {
    return entropy;
  }

  /** The spawn path from the root (empty for a root sequence). */
  public int[] spawnKey() {
    return spawnKey.clone();
  }

  /** The {@code index}-th child, as numpy's {@code spawn} gives it when it is the index-th spawned. */
  public SeedSequence child(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("child index must be non-negative, got " + index);
    }
    int[] key = Arrays.copyOf(spawnKey, spawnKey.length + 1);
    key[spawnKey.length] = index;
    return new SeedSequence(entropy, key);
  }

  /** Children {@code first, first+1, ..., first+n-1}; numpy's first {@code spawn(n)} is {@code spawn(0, n)}. */
  public List<SeedSequence> spawn(int first, int n) {
    List<SeedSequence> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(child(first + i));
    }
    return out;
  }

  /** numpy's {@code generate_state(n, np.uint32)}, as unsigned values in ints. */
  public int[] generateState32(int nWords) {
    int[] out = new int[nWords];
    int hashConst = INIT_B;
    for (int i = 0; i < nWords; i++) {
      int v = pool[i % POOL_SIZE];
      v ^= hashConst;
      hashConst *= MULT_B;
      v *= hashConst;
      v ^= v >>> XSHIFT;
      out[i] = v;
    }
    return out;
  }

  /** numpy's {@code generate_state(n, np.uint64)}: pairs of 32-bit words, low word first. */
  public long[] generateState64(int nWords) {
    int[] w = generateState32(2 * nWords);
    long[] out = new long[nWords];
    for (int i = 0; i < nWords; i++) {
      out[i] = (w[2 * i] & 0xFFFFFFFFL) | ((long) w[2 * i + 1] << 32);
    }
    return out;
  }

  private int[] assembledEntropy() {
    int[] run = toWords(entropy);
    if (spawnKey.length > 0 && run.length < POOL_SIZE) {
      // numpy pads the run entropy to the pool size so spawn keys cannot collide with it.
      run = Arrays.copyOf(run, POOL_SIZE);
    }
    int[] all = Arrays.copyOf(run, run.length + spawnKey.length);
    System.arraycopy(spawnKey, 0, all, run.length, spawnKey.length);
    return all;
  }

  private static int[] toWords(BigInteger n) {
    if (n.signum() == 0) {
      return new int[] {0};
    }
    int words = (n.bitLength() + 31) / 32;
    int[] out = new int[words];
    BigInteger mask = BigInteger.valueOf(0xFFFFFFFFL);
    for (int i = 0; i < words; i++) {
      out[i] = n.shiftRight(32 * i).and(mask).intValue();
    }
    return out;
  }

  private static int[] mixEntropy(int[] entropy) {
    int[] mixer = new int[POOL_SIZE];
    int[] hashConst = {INIT_A};
    for (int i = 0; i < POOL_SIZE; i++) {
      mixer[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
    }
    for (int src = 0; src < POOL_SIZE; src++) {
      for (int dst = 0; dst < POOL_SIZE; dst++) {
        if (src != dst) {
          mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
        }
      }
    }
    for (int src = POOL_SIZE; src < entropy.length; src++) {
      for (int dst = 0; dst < POOL_SIZE; dst++) {
        mixer[dst] = mix(mixer[dst], hashmix(entropy[src], hashConst));
      }
    }
    return mixer;
  }

  private static int hashmix(int value, int[] hashConst) {
    value ^= hashConst[0];
    hashConst[0] *= MULT_A;
    value *= hashConst[0];
    value ^= value >>> XSHIFT;
    return value;
  }

  private static int mix(int x, int y) {
    int result = MIX_MULT_L * x - MIX_MULT_R * y;
    result ^= result >>> XSHIFT;
    return result;
  }

  @Override
  public String toString() {
    return "SeedSequence(" + entropy + ", spawnKey=" + Arrays.toString(spawnKey) + ")";
  }
}
