package io.rlsearch.core.random;

/**
 * numpy's {@code PCG64} bit generator: a 128-bit LCG with the XSL-RR output function.
 *
 * <p>Seeded from a {@link SeedSequence} exactly as numpy does ({@code generate_state(4, uint64)}:
 * words 0-1 are the initial state, words 2-3 the stream), so {@code new Pcg64(SeedSequence.of(s))}
 * yields the same 64-bit words as {@code np.random.default_rng(s).bit_generator.random_raw()}.
 * It also keeps numpy's 32-bit buffer: a 32-bit request uses the low half of a fresh 64-bit word
 * and keeps the high half for the next 32-bit request, even if 64-bit draws happen in between.
 *
 * <p>Not thread-safe; one owner per instance.
 */
public final class Pcg64 {
  private static final long MULT_HI = 0x2360ED051FC65DA4L;
  private static final long MULT_LO = 0x4385DF649FCCF645L;

  private long stateHi;
  private long stateLo;
  private long incHi;
  private long incLo;
  private boolean hasUint32;
  private int uinteger;

  /** Seeds the generator from a seed sequence, as {@code numpy.random.PCG64(seed_seq)}. */
  public Pcg64(SeedSequence seq) {
    long[] v = seq.generateState64(4);
    // initseq << 1 | 1, as pcg_setseq_128_srandom_r
    long initSeqHi = v[2];
    long initSeqLo = v[3];
    incHi = (initSeqHi << 1) | (initSeqLo >>> 63);
    incLo = (initSeqLo << 1) | 1L;
    stateHi = 0;
    stateLo = 0;
    step();
    long lo = stateLo + v[1];
    long carry = Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0;
    stateHi = stateHi + v[0] + carry;
    stateLo = lo;
    step();
  }

  private Pcg64(Pcg64 other) {
    this.stateHi = other.stateHi;
    this.stateLo = other.stateLo;
    this.incHi = other.incHi;
    this.incLo = other.incLo;
    this.hasUint32 = other.hasUint32;
    this.uinteger = other.uinteger;
  }

  /** An independent copy in the same state. */
  public Pcg64 copy() {
    return new Pcg64(this);
  }

  /**
   * The whole generator state as six words (state, increment, the buffered 32-bit half), for
   * checkpoints: {@link #restore} puts a generator back exactly where it was.
   */
  public long[] state() {
    return new long[] {stateHi, stateLo, incHi, incLo, hasUint32 ? 1 : 0, uinteger};
  }

  /** Puts this generator in the state {@link #state} returned. */
  public void restore(long[] s) {
    if (s.length != 6) {
      throw new IllegalArgumentException("a PCG64 state has 6 words, got " + s.length);
    }
    stateHi = s[0];
    stateLo = s[1];
    incHi = s[2];
    incLo = s[3];
    hasUint32 = s[4] != 0;
    uinteger = (int) s[5];
    b4Ready = false;
  }

  private void step() {
    // state = state * MULT + inc (mod 2^128)
    long lo = stateLo * MULT_LO;
    long hi = mulHiMultLo(stateLo) + stateHi * MULT_LO + stateLo * MULT_HI;
    long newLo = lo + incLo;
    stateHi = hi + incHi + carry(lo, incLo, newLo);
    stateLo = newLo;
  }

  /** The high word of the unsigned product a * MULT_LO (MULT_LO has its top bit clear). */
  private static long mulHiMultLo(long a) {
    return Math.multiplyHigh(a, MULT_LO) + ((a >> 63) & MULT_LO);
  }


  // Jump of 4 steps: s -> A4 s + B4 with A4 = M^4 and B4 = inc (1 + M + M^2 + M^3), so four
  // interleaved lanes advance independently and the multiplier latency overlaps.
  private static final long[] A4 = pow4();
  // as constants, so the compiler folds the unsigned-multiply correction of A4's low word
  private static final long A4_HI = A4[0];
  private static final long A4_LO = A4[1];
  private long b4Hi;
  private long b4Lo;
  private boolean b4Ready;

  private static long[] pow4() {
    long[] m2 = mul(MULT_HI, MULT_LO, MULT_HI, MULT_LO);
    return mul(m2[0], m2[1], m2[0], m2[1]);
  }

  /** (aHi:aLo) * (bHi:bLo) mod 2^128 as {hi, lo}. */
  private static long[] mul(long aHi, long aLo, long bHi, long bLo) {
    long lo = aLo * bLo;
    long hi = Math.multiplyHigh(aLo, bLo) + ((aLo >> 63) & bLo) + ((bLo >> 63) & aLo) + aHi * bLo + aLo * bHi;
    return new long[] {hi, lo};
  }

  private void prepareJump() {
    // 1 + M + M^2 + M^3, times inc
    long[] m2 = mul(MULT_HI, MULT_LO, MULT_HI, MULT_LO);
    long[] m3 = mul(m2[0], m2[1], MULT_HI, MULT_LO);
    long[] sum = add(add(add(new long[] {0, 1}, new long[] {MULT_HI, MULT_LO}), m2), m3);
    long[] b = mul(sum[0], sum[1], incHi, incLo);
    b4Hi = b[0];
    b4Lo = b[1];
    b4Ready = true;
  }

  private static long[] add(long[] a, long[] b) {
    long lo = a[1] + b[1];
    long carry = Long.compareUnsigned(lo, a[1]) < 0 ? 1 : 0;
    return new long[] {a[0] + b[0] + carry, lo};
  }

  /**
   * Writes the next {@code n} outputs into {@code out[0..n)}: exactly {@code n} calls of
   * {@link #nextLong}, computed on four interleaved lanes so the serial 128-bit multiply chain of
   * the LCG does not bound throughput. Leaves the generator where n calls would.
   */
  public void fill(long[] out, int n) {
    if (n < 16) {
      for (int i = 0; i < n; i++) {
        out[i] = nextLong();
      }
      return;
    }
    if (!b4Ready) {
      prepareJump();
    }
    final long aHi = A4_HI;
    final long aLo = A4_LO;
    final long bHi = b4Hi;
    final long bLo = b4Lo;
    step();
    long h0 = stateHi;
    long l0 = stateLo;
    step();
    long h1 = stateHi;
    long l1 = stateLo;
    step();
    long h2 = stateHi;
    long l2 = stateLo;
    step();
    long h3 = stateHi;
    long l3 = stateLo;
    // a counted loop over whole rounds (the JIT removes its bounds checks and unrolls it); the last
    // round only writes, so the generator ends on the last output
    final int rounds = n >>> 2;
    for (int r = 1; r < rounds; r++) {
      int i = (r - 1) << 2;
      out[i] = Long.rotateRight(h0 ^ l0, (int) (h0 >>> 58));
      out[i + 1] = Long.rotateRight(h1 ^ l1, (int) (h1 >>> 58));
      out[i + 2] = Long.rotateRight(h2 ^ l2, (int) (h2 >>> 58));
      out[i + 3] = Long.rotateRight(h3 ^ l3, (int) (h3 >>> 58));
      long p0 = l0 * aLo;
      long n0 = p0 + bLo;
      h0 = Math.multiplyHigh(l0, aLo) + ((l0 >> 63) & aLo) + ((aLo >> 63) & l0) + h0 * aLo + l0 * aHi + bHi
          + carry(p0, bLo, n0);
      l0 = n0;
      long p1 = l1 * aLo;
      long n1 = p1 + bLo;
      h1 = Math.multiplyHigh(l1, aLo) + ((l1 >> 63) & aLo) + ((aLo >> 63) & l1) + h1 * aLo + l1 * aHi + bHi
          + carry(p1, bLo, n1);
      l1 = n1;
      long p2 = l2 * aLo;
      long n2 = p2 + bLo;
      h2 = Math.multiplyHigh(l2, aLo) + ((l2 >> 63) & aLo) + ((aLo >> 63) & l2) + h2 * aLo + l2 * aHi + bHi
          + carry(p2, bLo, n2);
      l2 = n2;
      long p3 = l3 * aLo;
      long n3 = p3 + bLo;
      h3 = Math.multiplyHigh(l3, aLo) + ((l3 >> 63) & aLo) + ((aLo >> 63) & l3) + h3 * aLo + l3 * aHi + bHi
          + carry(p3, bLo, n3);
      l3 = n3;
    }
    int i = (rounds - 1) << 2;
    out[i] = Long.rotateRight(h0 ^ l0, (int) (h0 >>> 58));
    out[i + 1] = Long.rotateRight(h1 ^ l1, (int) (h1 >>> 58));
    out[i + 2] = Long.rotateRight(h2 ^ l2, (int) (h2 >>> 58));
    out[i + 3] = Long.rotateRight(h3 ^ l3, (int) (h3 >>> 58));
    i += 4;
    // the generator sits after the last output written (lane 3 of the last round)
    stateHi = h3;
    stateLo = l3;
    for (; i < n; i++) {
      out[i] = nextLong();
    }
  }

  /**
   * The carry out of the unsigned sum {@code a + b = sum}, without a branch: the carry is a coin flip
   * for a random state, and a branch on it mispredicts half the time.
   */
  private static long carry(long a, long b, long sum) {
    return ((a & b) | ((a | b) & ~sum)) >>> 63;
  }

  /** The next 64-bit output ({@code random_raw}). */
  public long nextLong() {
    step();
    int rot = (int) (stateHi >>> 58);
    return Long.rotateRight(stateHi ^ stateLo, rot);
  }

  /** The next 32-bit output, with numpy's half-word buffering; an unsigned value in an int. */
  public int nextInt() {
    if (hasUint32) {
      hasUint32 = false;
      return uinteger;
    }
    long next = nextLong();
    hasUint32 = true;
    uinteger = (int) (next >>> 32);
    return (int) next;
  }

  /** A double in [0, 1) from the top 53 bits of a 64-bit output. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }
}
