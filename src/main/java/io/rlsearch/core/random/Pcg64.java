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

  // package-private so that bulk fills in this package can run the recurrence on local copies
  long stateHi;
  long stateLo;
  final long incHi;
  final long incLo;
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

  private void step() {
    // state = state * MULT + inc (mod 2^128)
    long lo = stateLo * MULT_LO;
    long hi = mulHiMultLo(stateLo) + stateHi * MULT_LO + stateLo * MULT_HI;
    long newLo = lo + incLo;
    long carry = Long.compareUnsigned(newLo, lo) < 0 ? 1 : 0;
    stateHi = hi + incHi + carry;
    stateLo = newLo;
  }

  /** The high word of the unsigned product a * MULT_LO (MULT_LO has its top bit clear). */
  static long mulHiMultLo(long a) {
    return Math.multiplyHigh(a, MULT_LO) + ((a >> 63) & MULT_LO);
  }

  static final long MULT_HI_C = MULT_HI;
  static final long MULT_LO_C = MULT_LO;

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
