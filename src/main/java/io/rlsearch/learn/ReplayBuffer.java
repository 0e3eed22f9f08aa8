package io.rlsearch.learn;

import io.rlsearch.core.random.NumpyRandom;

/**
 * A bounded ring of transitions in primitive columns (no object per transition), with FIFO removal
 * and uniform sampling.
 *
 * <p>Columns: observation ({@code obsDim} float32), action ({@code actionDim} float32), arm (int32),
 * reward, propensity (float32), episode id (int64), policy version (int32). When full, the oldest
 * transition is overwritten (and counted). Memory is the column arrays and nothing else:
 * {@link #memoryBytes} is within a few bytes per column of {@code capacity * rawBytesPerTransition}.
 * Not thread-safe: one owner (the replay actor).
 */
public final class ReplayBuffer {
  private static final int ARRAY_HEADER = 16;

  private final int capacity;
  private final int obsDim;
  private final int actionDim;
  private final float[] obs;
  private final float[] action;
  private final int[] arm;
  private final float[] reward;
  private final float[] propensity;
  private final long[] episode;
  private final int[] version;
  private int head;
  private int size;
  private long added;
  private long overwritten;

  /** A buffer of {@code capacity} transitions. */
  public ReplayBuffer(int capacity, int obsDim, int actionDim) {
    if (capacity < 1 || obsDim < 0 || actionDim < 0) {
      throw new IllegalArgumentException("replay buffer needs capacity >= 1 and non-negative dimensions, got "
          + capacity + ", " + obsDim + ", " + actionDim);
    }
    if ((long) capacity * Math.max(obsDim, actionDim) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("replay buffer too large: " + capacity + " x " + Math.max(obsDim, actionDim));
    }
    this.capacity = capacity;
    this.obsDim = obsDim;
    this.actionDim = actionDim;
    this.obs = new float[capacity * obsDim];
    this.action = new float[capacity * actionDim];
    this.arm = new int[capacity];
    this.reward = new float[capacity];
    this.propensity = new float[capacity];
    this.episode = new long[capacity];
    this.version = new int[capacity];
  }

  /** Bytes of one transition's data: {@code 4 obsDim + 4 actionDim + 4 + 4 + 4 + 8 + 4}. */
  public static long rawBytesPerTransition(int obsDim, int actionDim) {
    return 4L * obsDim + 4L * actionDim + 4 + 4 + 4 + 8 + 4;
  }

  /** Heap bytes of the columns (array headers included). */
  public long memoryBytes() {
    return 7L * ARRAY_HEADER + 4L * obs.length + 4L * action.length + 4L * arm.length + 4L * reward.length
        + 4L * propensity.length + 8L * episode.length + 4L * version.length;
  }

  /** Adds a transition, overwriting the oldest when full. */
  public void add(double[] observation, int armPlayed, double[] act, double r, double p, long episodeId, long policyVersion) {
    if (observation.length != obsDim || act.length != actionDim) {
      throw new IllegalArgumentException("transition must have " + obsDim + " observation and " + actionDim
          + " action values, got " + observation.length + " and " + act.length);
    }
    int slot = (head + size) % capacity;
    if (size == capacity) {
      slot = head;
      head = (head + 1) % capacity;
      overwritten++;
    } else {
      size++;
    }
    for (int i = 0; i < obsDim; i++) {
      obs[slot * obsDim + i] = (float) observation[i];
    }
    for (int i = 0; i < actionDim; i++) {
      action[slot * actionDim + i] = (float) act[i];
    }
    arm[slot] = armPlayed;
    reward[slot] = (float) r;
    propensity[slot] = (float) p;
    episode[slot] = episodeId;
    version[slot] = (int) policyVersion;
    added++;
  }

  /** Transitions held. */
  public int size() {
    return size;
  }

  /** Capacity. */
  public int capacity() {
    return capacity;
  }

  /** Transitions ever added. */
  public long added() {
    return added;
  }

  /** Transitions overwritten because the buffer was full. */
  public long overwritten() {
    return overwritten;
  }

  /**
   * A batch of transitions (copies).
   *
   * @param size transitions in the batch
   */
  public record Batch(int size, float[] obs, float[] action, int[] arm, float[] reward, float[] propensity,
      long[] episode, int[] version) {}

  /** Up to {@code n} oldest transitions, removed from the buffer (FIFO). */
  public Batch takeOldest(int n) {
    int k = Math.min(n, size);
    int[] idx = new int[k];
    for (int i = 0; i < k; i++) {
      idx[i] = (head + i) % capacity;
    }
    Batch b = gather(idx);
    head = (head + k) % capacity;
    size -= k;
    return b;
  }

  /** {@code n} transitions drawn uniformly with replacement from those held. */
  public Batch sampleUniform(int n, NumpyRandom rng) {
    if (size == 0) {
      throw new IllegalStateException("cannot sample an empty replay buffer");
    }
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = (head + (int) rng.integers(0, size)) % capacity;
    }
    return gather(idx);
  }

  private Batch gather(int[] idx) {
    int k = idx.length;
    float[] o = new float[k * obsDim];
    float[] a = new float[k * actionDim];
    int[] am = new int[k];
    float[] r = new float[k];
    float[] p = new float[k];
    long[] e = new long[k];
    int[] v = new int[k];
    for (int i = 0; i < k; i++) {
      int s = idx[i];
      System.arraycopy(obs, s * obsDim, o, i * obsDim, obsDim);
      System.arraycopy(action, s * actionDim, a, i * actionDim, actionDim);
      am[i] = arm[s];
      r[i] = reward[s];
      p[i] = propensity[s];
      e[i] = episode[s];
      v[i] = version[s];
    }
    return new Batch(k, o, a, am, r, p, e, v);
  }
}
