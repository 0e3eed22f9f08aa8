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



  /**
   * Writes the next {@code n} outputs into {@code out[0..n)}: exactly {@code n} calls of
   * {@link #nextLong}, as one counted loop with the state in registers. (Four lanes interleaved by a
   * jump of four steps were tried and measured slower, 4.3-4.9 against 3.1-3.3 ns a word on the CI
   * machine: each word costs four multiplies either way, which bound the loop, and the lanes only
   * added register pressure.)
   */
  public void fill(long[] out, int n) {
    final long iHi = incHi;
    final long iLo = incLo;
    long h = stateHi;
    long l = stateLo;
    for (int i = 0; i < n; i++) {
      long p = l * MULT_LO;
      long nl = p + iLo;
      h = mulHiMultLo(l) + h * MULT_LO + l * MULT_HI + iHi + carry(p, iLo, nl);
      l = nl;
      out[i] = Long.rotateRight(h ^ l, (int) (h >>> 58));
    }
    stateHi = h;
    stateLo = l;
  }

  /** The word of the last draw {@link #normalRun} left to the ziggurat's slow path. */
  private long rejected;

  /**
   * numpy's ziggurat fast path fused with the generator: draws {@code loc + scale * normal} into
   * {@code out[from..to)}, one word a draw, while each word falls inside its rectangle; returns the
   * index of the first draw that does not (its word is {@link #rejected()}), or {@code to}. The
   * generator is left after the last word taken, as draw-by-draw calls would leave it.
   */
  int normalRun(double[] out, int from, int to, double loc, double scale) {
    final long[] ki = ZigguratTables.KI;
    final double[] wi = ZigguratTables.WI;
    final long iHi = incHi;
    final long iLo = incLo;
    long h = stateHi;
    long l = stateLo;
    int i = from;
    for (; i < to; i++) {
      long p = l * MULT_LO;
      long nl = p + iLo;
      h = mulHiMultLo(l) + h * MULT_LO + l * MULT_HI + iHi + carry(p, iLo, nl);
      l = nl;
      long word = Long.rotateRight(h ^ l, (int) (h >>> 58));
      int idx = (int) (word & 0xFF);
      long r = word >>> 8;
      long rabs = (r >>> 1) & 0x000FFFFFFFFFFFFFL;
      if (rabs >= ki[idx]) {
        rejected = word;
        break;
      }
      // the sign as a bit flip: a branch on a random bit would mispredict half the time
      out[i] = loc + scale * Double.longBitsToDouble(Double.doubleToRawLongBits(rabs * wi[idx]) ^ (r << 63));
    }
    stateHi = h;
    stateLo = l;
    return i;
  }

  /** The word {@link #normalRun} stopped on. */
  long rejected() {
    return rejected;
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
