package io.rlsearch.testing;

import java.util.Arrays;
import java.util.Random;

/**
 * Inputs for property tests, drawn from a fixed-seed {@link Random}. Each try of a property has its own
 * generator, {@code Gen.of(seed, tryIndex)}, so a failing try can be drawn again alone from the seed and
 * index its message names. Ranges are drawn uniformly, with their ends (and zero or the extreme values,
 * where they belong to the range) one time in eight, so that edge values come up in every run.
 */
public final class Gen {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private final Random r;

  private Gen(long seed) {
    this.r = new Random(seed);
  }

  /** The generator of try {@code tryIndex} of a property seeded with {@code seed}. */
  public static Gen of(long seed, int tryIndex) {
    return new Gen(seed ^ (GOLDEN * (tryIndex + 1L)));
  }

  /** The case's label for failure messages: the seed, the try and the drawn inputs. */
  public static String label(long seed, int tryIndex, Object... namesAndValues) {
    StringBuilder b = new StringBuilder("seed ").append(seed).append(" try ").append(tryIndex).append(':');
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      b.append(i == 0 ? " " : ", ").append(namesAndValues[i]).append('=').append(show(namesAndValues[i + 1]));
    }
    return b.toString();
  }

  /** Arrays shown element by element ({@code -0.0}, NaN and infinities as Java prints them), anything else as is. */
  public static String show(Object v) {
    if (v instanceof double[] d) {
      return Arrays.toString(d);
    }
    if (v instanceof long[] l) {
      return Arrays.toString(l);
    }
    if (v instanceof int[] i) {
      return Arrays.toString(i);
    }
    if (v instanceof Object[] o) {
      return Arrays.deepToString(o);
    }
    return String.valueOf(v);
  }

  /** True one time in {@code n}. */
  public boolean oneIn(int n) {
    return r.nextInt(n) == 0;
  }

  public boolean bool() {
    return r.nextBoolean();
  }

  /** An int in {@code [lo, hi]}. */
  public int ints(int lo, int hi) {
    if (oneIn(8)) {
      return r.nextBoolean() ? lo : hi;
    }
    return (int) r.nextLong(lo, (long) hi + 1);
  }

  /** A long in {@code [lo, hi]} ({@code hi < Long.MAX_VALUE}). */
  public long longs(long lo, long hi) {
    if (oneIn(8)) {
      return r.nextBoolean() ? lo : hi;
    }
    return r.nextLong(lo, hi + 1);
  }

  /** Any long: 0, 1, -1 and the extremes one time in eight. */
  public long anyLong() {
    if (oneIn(8)) {
      return pick(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    return r.nextLong();
  }

  /** A long in {@code [0, Long.MAX_VALUE]}. */
  public long nonNegativeLong() {
    if (oneIn(8)) {
      return pick(0L, 1L, Long.MAX_VALUE);
    }
    return r.nextLong() & Long.MAX_VALUE;
  }

  /** A double in {@code [lo, hi]}. */
  public double doubles(double lo, double hi) {
    if (oneIn(8)) {
      return lo <= 0 && 0 <= hi && r.nextBoolean() ? 0.0 : r.nextBoolean() ? lo : hi;
    }
    return Math.min(hi, lo + (hi - lo) * r.nextDouble());
  }

  /** {@code n} doubles in {@code [lo, hi]}. */
  public double[] doubles(int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = doubles(lo, hi);
    }
    return v;
  }

  /**
   * Any double: random bit patterns (every exponent, subnormals and NaNs included) half the time,
   * otherwise a normal draw scaled by a random power of ten.
   */
  public double anyDouble() {
    return r.nextBoolean() ? Double.longBitsToDouble(r.nextLong()) : r.nextGaussian() * Math.pow(10, r.nextInt(-20, 21));
  }

  @SafeVarargs
  public final <T> T pick(T... values) {
    return values[r.nextInt(values.length)];
  }

  /** One of the values, as a primitive double. */
  public double pickDouble(double... values) {
    return values[r.nextInt(values.length)];
  }

  /**
   * A string of {@code min} to {@code max} code points of any kind: ASCII letters, quotes, backslashes,
   * control characters, other characters of the Basic Multilingual Plane and supplementary ones (no
   * unpaired surrogates).
   */
  public String string(int min, int max) {
    int n = ints(min, max);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(5);
      int cp = switch (kind) {
        case 0 -> r.nextInt(0x20, 0x7F);
        case 1 -> pick((int) '"', (int) '\\', (int) '\'', (int) '$', (int) '{', (int) '}', (int) '=', (int) '#', (int) ' ');
        case 2 -> r.nextInt(0, 0x20);
        case 3 -> {
          int c;
          do {
            c = r.nextInt(0x80, 0xFFFE);
          } while (Character.isSurrogate((char) c));
          yield c;
        }
        default -> r.nextInt(0x10000, 0x10FFFF);
      };
      b.appendCodePoint(cp);
    }
    return b.toString();
  }

  /** A string of {@code min} to {@code max} ASCII letters. */
  public String alpha(int min, int max) {
    int n = ints(min, max);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(52);
      b.append((char) (c < 26 ? 'a' + c : 'A' + c - 26));
    }
    return b.toString();
  }
}
