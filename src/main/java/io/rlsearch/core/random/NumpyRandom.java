package io.rlsearch.core.random;

/**
 * numpy's {@code np.random.Generator} over {@link Pcg64}: the distributions zoosim draws from.
 *
 * <p>{@code new NumpyRandom(seed)} is {@code np.random.default_rng(seed)}: for the same seed every
 * method returns what numpy returns, draw for draw, and consumes the underlying stream the same
 * way, so a sequence of calls in the reference's order reproduces the reference's world. Methods
 * whose result passes through {@code log}, {@code exp} or {@code pow} ({@link #lognormal},
 * {@link #standardGamma}, {@link #dirichlet}, the rare ziggurat tail) can differ from numpy in the
 * last bit, because the JVM's {@code Math} intrinsics and the C library round a few results
 * differently (about 1 draw in 1,000, by at most 2 ulps, measured against numpy's own draws);
 * the stream position never differs. {@code Math} rather than {@code StrictMath} is used because it
 * agrees with glibc 80 times more often; both are deterministic on a given JVM and CPU.
 *
 * <p>Not thread-safe: one owner per instance, as with numpy.
 */
public final class NumpyRandom {
  private final Pcg64 bits;

  /** {@code np.random.default_rng(seed)}. */
  public NumpyRandom(long seed) {
    this(SeedSequence.of(seed));
  }

  /** {@code np.random.default_rng(seedSequence)}. */
  public NumpyRandom(SeedSequence seq) {
    this.bits = new Pcg64(seq);
  }

  private NumpyRandom(Pcg64 bits) {
    this.bits = bits;
  }

  /** An independent copy in the same state (the copy and this one then draw the same values). */
  public NumpyRandom copy() {
    return new NumpyRandom(bits.copy());
  }

  /** The generator's whole state (see {@link Pcg64#state}). */
  public long[] state() {
    return bits.state();
  }

  /** Puts the generator back in a state {@link #state} returned. */
  public void restore(long[] state) {
    bits.restore(state);
  }

  /** Stores the state as counters {@code prefix.0 .. prefix.5} of {@code counters}. */
  public void putState(String prefix, java.util.Map<String, Long> counters) {
    long[] s = state();
    for (int i = 0; i < s.length; i++) {
      counters.put(prefix + "." + i, s[i]);
    }
  }

  /** Restores the state stored by {@link #putState}; leaves the generator as it is when absent (older checkpoints). */
  public void restoreState(String prefix, java.util.Map<String, Long> counters) {
    if (!counters.containsKey(prefix + ".0")) {
      return;
    }
    long[] s = new long[6];
    for (int i = 0; i < s.length; i++) {
      Long v = counters.get(prefix + "." + i);
      if (v == null) {
        throw new IllegalArgumentException("random stream state '" + prefix + "' lacks word " + i);
      }
      s[i] = v;
    }
    restore(s);
  }

  /** The next raw 64-bit word ({@code bit_generator.random_raw()}). */
  public long nextRaw() {
    return bits.nextLong();
  }

  /** {@code random()}: a double in [0, 1). */
  public double random() {
    return bits.nextDouble();
  }

  /** {@code uniform(low, high)}. */
  public double uniform(double low, double high) {
    return low + (high - low) * bits.nextDouble();
  }

  /**
   * {@code integers(low, high)}: an int64 in [low, high), with numpy's Lemire rejection (32-bit
   * buffered draws when the range fits in 32 bits, 64-bit draws otherwise).
   */
  public long integers(long low, long high) {
    if (high <= low) {
      throw new IllegalArgumentException("integers: low >= high (" + low + " >= " + high + ")");
    }
    long rng = high - 1 - low; // inclusive range, as an unsigned value
    if (rng == 0) {
      return low;
    }
    if (Long.compareUnsigned(rng, 0xFFFFFFFFL) <= 0) {
      if (rng == 0xFFFFFFFFL) {
        return low + (bits.nextInt() & 0xFFFFFFFFL);
      }
      return low + boundedLemire32((int) rng);
    }
    if (rng == -1L) {
      return low + bits.nextLong();
    }
    return low + boundedLemire64(rng);
  }

  private long boundedLemire32(int rng) {
    long rngExcl = (rng & 0xFFFFFFFFL) + 1;
    long m = (bits.nextInt() & 0xFFFFFFFFL) * rngExcl;
    long leftover = m & 0xFFFFFFFFL;
    if (leftover < rngExcl) {
      long threshold = (0xFFFFFFFFL - (rng & 0xFFFFFFFFL)) % rngExcl;
      while (leftover < threshold) {
        m = (bits.nextInt() & 0xFFFFFFFFL) * rngExcl;
        leftover = m & 0xFFFFFFFFL;
      }
    }
    return m >>> 32;
  }

  private long boundedLemire64(long rng) {
    long rngExcl = rng + 1;
    long x = bits.nextLong();
    long leftover = x * rngExcl;
    long hi = unsignedMultiplyHigh(x, rngExcl);
    if (Long.compareUnsigned(leftover, rngExcl) < 0) {
      long threshold = Long.remainderUnsigned(-1L - rng, rngExcl);
      while (Long.compareUnsigned(leftover, threshold) < 0) {
        x = bits.nextLong();
        leftover = x * rngExcl;
        hi = unsignedMultiplyHigh(x, rngExcl);
      }
    }
    return hi;
  }

  private static long unsignedMultiplyHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** {@code standard_normal()}: numpy's 256-layer ziggurat. */
  public double standardNormal() {
    return zigguratFrom(bits.nextLong());
  }

  /**
   * The ziggurat's draw that starts with word {@code r}: its rectangle when the word falls inside
   * (~99.3% of draws), else numpy's slow path, which draws further words as it needs them.
   */
  private double zigguratFrom(long r) {
    for (;;) {
      int idx = (int) (r & 0xFF);
      r >>>= 8;
      long rabs = (r >>> 1) & 0x000FFFFFFFFFFFFFL;
      // the sign as a bit flip: a branch on a random bit would mispredict half the time
      double x = Double.longBitsToDouble(Double.doubleToRawLongBits(rabs * ZigguratTables.WI[idx]) ^ (r << 63));
      if (rabs < ZigguratTables.KI[idx]) {
        return x;
      }
      if (idx == 0) {
        for (;;) {
          double xx = -ZigguratTables.NOR_INV_R * Math.log1p(-bits.nextDouble());
          double yy = -Math.log1p(-bits.nextDouble());
          if (yy + yy > xx * xx) {
            return ((rabs >>> 8) & 1) != 0 ? -(ZigguratTables.NOR_R + xx) : ZigguratTables.NOR_R + xx;
          }
        }
      }
      if ((ZigguratTables.FI[idx - 1] - ZigguratTables.FI[idx]) * bits.nextDouble() + ZigguratTables.FI[idx]
          < Math.exp(-0.5 * x * x)) {
        return x;
      }
      r = bits.nextLong();
    }
  }

  /**
   * Fills {@code out[0..n)} with {@code normal(loc, scale)} draws: the same values, in the same order,
   * as {@code n} calls of {@link #normal}, leaving the generator where those calls would. The common
   * case (a word inside its ziggurat rectangle) runs in the generator's own loop with the state in
   * registers ({@code Pcg64.normalRun}); the rare rest takes numpy's slow path ({@link #zigguratFrom}). Runs are
   * at most {@value #RUN} draws per call, so the JIT compiles the loop as a whole method (a loop of
   * 10,000 iterations in one call is compiled on-stack, which measured slower). A buffered 32-bit
   * half-word ({@link #integers}) is unaffected.
   */
  public void fillNormal(double[] out, int n, double loc, double scale) {
    int i = 0;
    while (i < n) {
      int to = Math.min(n, i + RUN);
      int j = bits.normalRun(out, i, to, loc, scale);
      if (j < to) {
        out[j] = loc + scale * zigguratFrom(bits.rejected());
        j++;
      }
      i = j;
    }
  }

  /** Draws per call of the fused fast path. */
  private static final int RUN = 256;

  /** {@code normal(loc, scale)} = loc + scale * standard_normal(). */
  public double normal(double loc, double scale) {
    return loc + scale * standardNormal();
  }

  /**
   * {@code poisson(lam)} for {@code 0 <= lam < 10}: numpy's multiplication method (uniforms multiplied
   * until the product falls to {@code exp(-lam)} or below). Larger rates take numpy's PTRS rejection
   * sampler, which is not implemented here.
   */
  public long poisson(double lam) {
    if (!(lam >= 0) || lam >= 10) {
      throw new IllegalArgumentException("poisson: lam must lie in [0, 10), got " + lam);
    }
    if (lam == 0) {
      return 0;
    }
    double enlam = Math.exp(-lam);
    long x = 0;
    double prod = 1.0;
    for (;;) {
      prod *= random();
      if (prod > enlam) {
        x++;
      } else {
        return x;
      }
    }
  }

  /** {@code lognormal(mean, sigma)} = exp(normal(mean, sigma)). */
  public double lognormal(double mean, double sigma) {
    return Math.exp(normal(mean, sigma));
  }

  /** {@code standard_exponential()}: numpy's 256-layer exponential ziggurat. */
  public double standardExponential() {
    for (;;) {
      long ri = bits.nextLong() >>> 3;
      int idx = (int) (ri & 0xFF);
      ri >>>= 8;
      double x = ri * ZigguratTables.WE[idx];
      if (ri < ZigguratTables.KE[idx]) {
        return x; // ~98.9% of draws
      }
      if (idx == 0) {
        return ZigguratTables.EXP_R - Math.log1p(-bits.nextDouble());
      }
      double f0 = ZigguratTables.FE[idx - 1];
      double f1 = ZigguratTables.FE[idx];
      if ((f0 - f1) * bits.nextDouble() + f1 < Math.exp(-x)) {
        return x;
      }
    }
  }

  /** {@code standard_gamma(shape)}: Marsaglia-Tsang for shape &gt; 1, numpy's rejection for shape &lt; 1. */
  public double standardGamma(double shape) {
    return GammaDraw.standardGamma(shape, bits::nextDouble, this::standardNormal, this::standardExponential);
  }

  /**
   * {@code dirichlet(alpha)}: normalised gamma variates, written into {@code out}.
   *
   * <p>numpy switches to a stick-breaking algorithm when every alpha is below 0.1; that path is not
   * ported, so such an alpha is refused rather than silently drawn differently.
   */
  public void dirichlet(double[] alpha, double[] out) {
    double max = 0;
    for (double a : alpha) {
      if (!(a > 0)) {
        throw new IllegalArgumentException("dirichlet: every alpha must be > 0, got " + a);
      }
      max = Math.max(max, a);
    }
    if (max < 0.1) {
      throw new IllegalArgumentException(
          "dirichlet: alphas all below 0.1 use numpy's stick-breaking path, which is not ported");
    }
    double acc = 0;
    for (int j = 0; j < alpha.length; j++) {
      out[j] = standardGamma(alpha[j]);
      acc += out[j];
    }
    double inv = 1.0 / acc;
    for (int j = 0; j < alpha.length; j++) {
      out[j] = out[j] * inv;
    }
  }

  /** {@code dirichlet(alpha)} into a new array. */
  public double[] dirichlet(double[] alpha) {
    double[] out = new double[alpha.length];
    dirichlet(alpha, out);
    return out;
  }

  /**
   * {@code choice(population, size, replace=False)} (shuffled, as numpy's default): Floyd's
   * algorithm, one bounded draw in {@code [0, j]} for each j of the last {@code size} integers, then a
   * Fisher-Yates shuffle of the result. numpy switches to a partial shuffle of the whole population
   * when it exceeds 10,000 and the sample is more than a fiftieth of it; that path is refused.
   */
  public int[] choiceWithoutReplacement(int population, int size) {
    if (size < 0 || size > population) {
      throw new IllegalArgumentException("choice without replacement: size must lie in [0, " + population
          + "], got " + size);
    }
    if (population > 10_000 && size > population / 50) {
      throw new IllegalArgumentException("choice without replacement: numpy's tail-shuffle path (population > 10000"
          + " and size > population / 50) is not ported");
    }
    int[] idx = new int[size];
    java.util.HashSet<Integer> seen = new java.util.HashSet<>();
    for (int j = population - size; j < population; j++) {
      int val = (int) integers(0, (long) j + 1);
      int pick = seen.add(val) ? val : j;
      if (pick == j) {
        seen.add(j);
      }
      idx[j - population + size] = pick;
    }
    for (int i = size - 1; i >= 1; i--) {
      int j = (int) integers(0, (long) i + 1);
      int t = idx[j];
      idx[j] = idx[i];
      idx[i] = t;
    }
    return idx;
  }

  /** {@code choice(len(p), p=p)}: one uniform draw located in the normalised cumulative sum. */
  public int choice(double[] p) {
    return Choice.cdfIndex(Choice.cdf(p), random());
  }

  /** {@code choice(n, p=...)} with a cumulative table prepared once by {@link Choice#of}. */
  public int choice(Choice table) {
    return table.index(random());
  }
}
