package io.rlsearch.core.random;

/**
 * torch's CPU generator: {@code torch.Generator().manual_seed(seed)} and {@code torch.randn(n)} in
 * float32, as the reference draws every 16-d embedding.
 *
 * <p>The engine is the standard 32-bit Mersenne Twister (mt19937) seeded with the low 32 bits of the
 * seed. {@code randn} fills the tensor with float uniforms ({@code (word & 0xFFFFFF) * 2^-24}) and
 * turns each block of 16 into normals by Box-Muller: {@code u1 = 1 - data[j]},
 * {@code u2 = data[j + 8]}, {@code r = sqrt(-2 ln u1)}, {@code data[j] = r cos(2 pi u2)},
 * {@code data[j + 8] = r sin(2 pi u2)}; a size that is not a multiple of 16 refills and recomputes
 * the last 16. On x86 CPUs with AVX2 torch computes ln, sin and cos with the Cephes single-precision
 * polynomials of {@code avx_mathfun.h}; {@link Kernel#AVX2} reproduces that float arithmetic step
 * by step and is bit-exact against torch's output; {@link Kernel#SCALAR} is the path of CPUs without
 * AVX2 (correctly rounded float ln/sin/cos, which glibc's float functions give in practice).
 */
public final class TorchRandom {
  /** Which of torch's two CPU Box-Muller kernels to reproduce. */
  public enum Kernel {
    /** x86 with AVX2 (nearly every machine the reference runs on). */
    AVX2,
    /** CPUs without AVX2: scalar libm float functions. */
    SCALAR
  }

  /** The twist's offset, which the fused first-16-words path of {@link #randn16} needs. */
  private static final int M = 397;
  private final Mt19937 engine;

  /** {@code torch.Generator().manual_seed(seed)}: the Mersenne Twister seeded with the seed's low 32 bits. */
  public TorchRandom(long seed) {
    engine = new Mt19937(seed & 0xFFFFFFFFL);
  }

  /** The next 32-bit mt19937 word, an unsigned value in an int. */
  public int nextInt() {
    return engine.nextInt();
  }

  private float nextUniformFloat() {
    return (nextInt() & 0xFFFFFF) * 0x1.0p-24f;
  }

  /**
   * {@code torch.empty(n).uniform_(from, to, generator=this)} in float32: each value from one word,
   * {@code (word & 0xFFFFFF) * 2^-24 * (to - from) + from} in double arithmetic, rounded to float, with
   * the bounds rounded to float first (as torch's CPU kernel does).
   */
  public float[] uniform(int n, double from, double to) {
    float f = (float) from;
    float t = (float) to;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) ((nextInt() & 0xFFFFFF) * 0x1.0p-24 * ((double) t - f) + f);
    }
    return out;
  }

  /** {@code torch.randn(n, generator=this)} with the AVX2 kernel. */
  public float[] randn(int n) {
    return randn(n, Kernel.AVX2);
  }

  /** {@code torch.randn(n, generator=this)} with the given kernel; n must be at least 16. */
  public float[] randn(int n, Kernel kernel) {
    if (n < 16) {
      throw new IllegalArgumentException("randn: sizes below 16 use another torch path; got " + n);
    }
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = nextUniformFloat();
    }
    for (int i = 0; i + 16 <= n; i += 16) {
      fill16(data, i, kernel);
    }
    if (n % 16 != 0) {
      int off = n - 16;
      for (int i = 0; i < 16; i++) {
        data[off + i] = nextUniformFloat();
      }
      fill16(data, off, kernel);
    }
    return data;
  }

  /**
   * {@code torch.randn(16, generator=torch.Generator().manual_seed(seed))}, computing only what those
   * 16 draws read: the seeded state up to word {@code M + 15} and the first 16 words of the first
   * twist (word i of a twist reads words i, i + 1 and i + M of the seeded state, none of them twisted
   * yet for i < N - M). The same values as {@code new TorchRandom(seed).randn(16)}, without the other
   * 608 words of the state and of its twist: a user and a query each draw one embedding an episode.
   */
  public static float[] randn16(long seed) {
    // the seeding recurrence runs word by word; words 0..16 are kept for the twist's first 16 words,
    // which are tempered as words M..M + 15 come (no 1.6 KB state array per draw)
    final int[] head = new int[17];
    float[] d = new float[16];
    int w = (int) seed;
    head[0] = w;
    for (int i = 1; i < M + 16; i++) {
      w = 1812433253 * (w ^ (w >>> 30)) + i;
      if (i < 17) {
        head[i] = w;
      }
      if (i >= M) {
        int k = i - M;
        int y = (head[k] & 0x80000000) | (head[k + 1] & 0x7fffffff);
        int v = w ^ (y >>> 1);
        if ((y & 1) != 0) {
          v ^= 0x9908b0df;
        }
        v ^= v >>> 11;
        v ^= (v << 7) & 0x9d2c5680;
        v ^= (v << 15) & 0xefc60000;
        v ^= v >>> 18;
        d[k] = (v & 0xFFFFFF) * 0x1.0p-24f;
      }
    }
    fill16(d, 0, Kernel.AVX2);
    return d;
  }

  private static void fill16(float[] d, int off, Kernel kernel) {
    for (int j = 0; j < 8; j++) {
      float u1 = 1f - d[off + j];
      float u2 = d[off + j + 8];
      float cos;
      float sin;
      float radius;
      if (kernel == Kernel.AVX2) {
        radius = (float) Math.sqrt(-2f * CephesFloat.log(u1));
        float theta = CephesFloat.TWO_PI * u2;
        sin = CephesFloat.sin(theta);
        cos = CephesFloat.cos(theta);
      } else {
        radius = (float) Math.sqrt(-2f * (float) Math.log(u1));
        float theta = (float) (2.0 * Math.PI * u2);
        cos = (float) Math.cos(theta);
        sin = (float) Math.sin(theta);
      }
      d[off + j] = radius * cos;
      d[off + j + 8] = radius * sin;
    }
  }
}
