package io.rlsearch.core.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The edges of the numpy-compatible generators, each against numpy 2.4.6 where it draws: integer
 * ranges of one value, of exactly 2^32 and of nearly 2^64 values; the legacy Mersenne Twister's
 * shuffle and bounded integers; seed sequences with entropy wider than the pool and spawn keys; the
 * bounds of the weighted and the without-replacement choices; and the one-line refusals of bad
 * arguments, which name the value and what is accepted.
 */
class RandomEdgesTest {
  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void integerRangesAtTheirEdgesDrawAsNumpy() {
    // numpy: r = default_rng(9); [r.integers(0, 2**32) for _ in range(3)]; r.random()
    NumpyRandom a = new NumpyRandom(9);
    assertEquals(1810532129L, a.integers(0, 1L << 32));
    assertEquals(3737691870L, a.integers(0, 1L << 32));
    assertEquals(4127654944L, a.integers(0, 1L << 32));
    assertEquals(0.6031481500515619, a.random(), 0.0);
    // [r.integers(-2**63, 2**63 - 1) for _ in range(3)]; r.random()
    NumpyRandom b = new NumpyRandom(9);
    assertEquals(6829892309130839840L, b.integers(Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(-3932528384880999393L, b.integers(Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(1902747525677753277L, b.integers(Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(0.7775340829201788, b.random(), 0.0);
    // [r.integers(-2**40, 2**40) for _ in range(3)]; r.random()
    NumpyRandom c = new NumpyRandom(9);
    assertEquals(814186609879L, c.integers(-(1L << 40), 1L << 40));
    assertEquals(-468793914900L, c.integers(-(1L << 40), 1L << 40));
    assertEquals(226825180730L, c.integers(-(1L << 40), 1L << 40));
    assertEquals(0.7775340829201788, c.random(), 0.0);
    // A range of one value draws nothing: r.integers(5, 6) x 3 then r.random() is the first random().
    NumpyRandom d = new NumpyRandom(9);
    for (int i = 0; i < 3; i++) {
      assertEquals(5, d.integers(5, 6));
    }
    assertEquals(0.8702492039700847, d.random(), 0.0);
    assertEquals("integers: low >= high (5 >= 5)", message(() -> d.integers(5, 5)));
    assertEquals("integers: low >= high (6 >= 5)", message(() -> d.integers(6, 5)));
  }

  @Test
  void rangesJustAboveHalfTheWordRejectAsNumpy() {
    // A range of 3 * 2^30 (32-bit words) or 3 * 2^62 (64-bit words) rejects about a quarter of the
    // words in Lemire's method, so these draws pass through its rejection loop many times.
    // numpy: r = default_rng(7); [r.integers(0, 3 * 2**30) for _ in range(8)]; r.random()
    long[] want32 = {3043751912L, 2013573438L, 2203897839L, 1862810377L, 2498658503L, 2685377905L, 725443136L,
        178879731L};
    NumpyRandom a = new NumpyRandom(7);
    for (int i = 0; i < want32.length; i++) {
      assertEquals(want32[i], a.integers(0, 3L << 30), "draw " + i);
    }
    assertEquals(0.8735534453962619, a.random(), 0.0);
    // r = default_rng(7); [r.integers(-2**63, 2**62) for _ in range(8)]; r.random()
    long[] want64 = {-575139966285514776L, 3189632987559677935L, 1508284520339094281L, -6107617488867975823L,
        -5070554058869605133L, 2138370808118347045L, 1804129784020374278L, -2749464798166177064L};
    NumpyRandom b = new NumpyRandom(7);
    for (int i = 0; i < want64.length; i++) {
      assertEquals(want64[i], b.integers(Long.MIN_VALUE, 1L << 62), "draw " + i);
    }
    assertEquals(0.3030324268193135, b.random(), 0.0);
  }

  @Test
  void rangesOfHalfTheWordAndOneMoreRejectAsNumpy() {
    // Lemire's threshold is 2^32 mod n. For n = 2^31 + 1 it is 2^31 - 1, so about half of the
    // words are rejected and a rejected word is often followed by another (16 rejections in these 12
    // draws, counted by a plain Python rewrite of numpy's buffered_bounded_lemire_uint32 on
    // PCG64(11).random_raw() that gives the same 12 values).
    // numpy 2.4.6: r = default_rng(11); [int(r.integers(0, 2**31 + 1)) for _ in range(12)]; r.random()
    long[] odd = {1267085886L, 1291707887L, 1042610374L, 317668847L, 151227035L, 1165533627L, 2036519846L,
        1335484846L, 1864733256L, 312974493L, 952911210L, 591221179L};
    NumpyRandom a = new NumpyRandom(11);
    for (int i = 0; i < odd.length; i++) {
      assertEquals(odd[i], a.integers(0, (1L << 31) + 1), "draw " + i);
    }
    assertEquals(0.13796807286695534, a.random(), 0.0);
    // For n = 2^31 the threshold is 0: no word is rejected, although half of them leave 0 over.
    // r = default_rng(12); [int(r.integers(0, 2**31)) for _ in range(12)]; r.random()
    long[] even = {1315760028L, 538641422L, 2089470804L, 2033136463L, 138338361L, 406562430L, 428392777L,
        385025372L, 1249649248L, 751381422L, 1036628920L, 495083557L};
    NumpyRandom b = new NumpyRandom(12);
    for (int i = 0; i < even.length; i++) {
      assertEquals(even[i], b.integers(0, 1L << 31), "draw " + i);
    }
    assertEquals(0.6704457427727847, b.random(), 0.0);
    // Below 2^31 the range is a positive int: n = 2^30 + 1 has threshold 2^30 - 3 (6 rejections here).
    // r = default_rng(13); [int(r.integers(0, 2**30 + 1)) for _ in range(12)]; r.random()
    long[] quarter = {962022703L, 880194816L, 74642222L, 870829744L, 1011425287L, 182058290L, 82892286L,
        857875077L, 659053810L, 846957855L, 898101354L, 977542264L};
    NumpyRandom c = new NumpyRandom(13);
    for (int i = 0; i < quarter.length; i++) {
      assertEquals(quarter[i], c.integers(0, (1L << 30) + 1), "draw " + i);
    }
    assertEquals(0.9848034752375554, c.random(), 0.0);
  }

  @Test
  void torchsUniformAndItsLastPartialBlock() {
    // uniform_: (word & 0xFFFFFF) * 2^-24 * (to - from) + from, one word a value
    TorchRandom t = new TorchRandom(11);
    TorchRandom words = new TorchRandom(11);
    float[] u = t.uniform(200, -1.5, 2.5);
    for (int i = 0; i < u.length; i++) {
      float want = (float) ((words.nextInt() & 0xFFFFFF) * 0x1.0p-24 * 4.0 - 1.5);
      assertEquals(want, u[i], 0f, "value " + i);
      assertTrue(u[i] >= -1.5f && u[i] < 2.5f);
    }
    assertEquals(0, t.uniform(0, 0, 1).length);
    // randn(20): the first block of 16 from words 0-15, then the last 16 positions recomputed from
    // words 20-35, as torch's normal_fill does for a size that is not a multiple of 16.
    float[] a = new TorchRandom(3).randn(20);
    float[] head = new TorchRandom(3).randn(16);
    TorchRandom skip = new TorchRandom(3);
    for (int i = 0; i < 20; i++) {
      skip.nextInt();
    }
    float[] tail = skip.randn(16);
    for (int i = 0; i < 4; i++) {
      assertEquals(head[i], a[i], 0f, "position " + i);
    }
    for (int i = 0; i < 16; i++) {
      assertEquals(tail[i], a[4 + i], 0f, "position " + (4 + i));
    }
    float[] b = new TorchRandom(3).randn(32);
    TorchRandom second = new TorchRandom(3);
    for (int i = 0; i < 16; i++) {
      second.nextInt();
    }
    assertEquals(second.randn(16)[15], b[31], 0f, "a multiple of 16 is not recomputed");
    assertEquals("randn: sizes below 16 use another torch path; got 15",
        message(() -> new TorchRandom(1).randn(15)));
  }

  @Test
  void poissonOfRateZeroDrawsNothingAndTheRateIsChecked() {
    NumpyRandom r = new NumpyRandom(9);
    assertEquals(0, r.poisson(0.0));
    assertEquals(0.8702492039700847, r.random(), 0.0);
    assertEquals("poisson: lam must lie in [0, 10), got 10.0", message(() -> r.poisson(10.0)));
    assertEquals("poisson: lam must lie in [0, 10), got -0.5", message(() -> r.poisson(-0.5)));
    assertTrue(r.poisson(9.99) >= 0);
  }

  @Test
  void theLegacyTwisterShufflesAndBoundsAsRandomState() {
    // numpy: rs = RandomState(s); a = arange(10); rs.shuffle(a); b = arange(1000); rs.shuffle(b);
    // b[:8]; rs.random_sample()
    int[][] want10 = {{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}, {2, 9, 6, 4, 0, 3, 1, 7, 8, 5}, {0, 7, 3, 9, 6, 4, 1, 8, 5, 2}};
    int[][] want1000 = {{722, 311, 85, 436, 204, 408, 1, 781}, {918, 618, 293, 507, 973, 248, 721, 913},
        {144, 649, 960, 499, 285, 187, 950, 284}};
    double[] next = {0.19056691494006806, 0.3456988211755023, 0.6397313924651357};
    long[] seeds = {0, 1, 12345};
    for (int k = 0; k < seeds.length; k++) {
      Mt19937 mt = new Mt19937(seeds[k]);
      int[] a = range(10);
      mt.shuffle(a);
      assertArrayEquals(want10[k], a, "seed " + seeds[k]);
      int[] b = range(1000);
      mt.shuffle(b);
      assertArrayEquals(want1000[k], java.util.Arrays.copyOf(b, 8), "seed " + seeds[k]);
      assertEquals(next[k], mt.nextDouble(), 0.0);
    }
    // rs = RandomState(3); [rs.randint(0, m + 1) for m in (0, 1, 2, 5, 7, 8, 255, 256, 1000, 2**31 - 1)]
    Mt19937 mt = new Mt19937(3);
    int[] max = {0, 1, 2, 5, 7, 8, 255, 256, 1000, Integer.MAX_VALUE};
    int[] want = {0, 0, 0, 1, 3, 8, 200, 256, 789, 1687694333};
    for (int i = 0; i < max.length; i++) {
      assertEquals(want[i], mt.interval(max[i]), "interval(" + max[i] + ")");
    }
    int[] one = {7};
    new Mt19937(0).shuffle(one);
    assertArrayEquals(new int[] {7}, one);
    assertEquals("interval bound must be >= 0, got -1", message(() -> mt.interval(-1)));
    assertEquals("RandomState seed must be between 0 and 2**32 - 1, got -1", message(() -> new Mt19937(-1)));
    assertEquals("RandomState seed must be between 0 and 2**32 - 1, got 4294967296",
        message(() -> new Mt19937(1L << 32)));
  }

  private static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  @Test
  void seedSequencesWithWideEntropyAndSpawnKeysMatchNumpy() {
    // numpy: SeedSequence(e, spawn_key=key).generate_state(4, np.uint32)
    BigInteger e100 = BigInteger.TWO.pow(100).add(BigInteger.valueOf(5));
    BigInteger e200 = BigInteger.TWO.pow(200).add(BigInteger.valueOf(3).pow(50));
    assertState(new long[] {3696972482L, 2113742587L, 460962738L, 1677068296L}, SeedSequence.of(e100));
    assertState(new long[] {1608360867L, 975095714L, 4096470432L, 3153937133L}, SeedSequence.of(e100, 3));
    assertState(new long[] {700941020L, 3281806677L, 1170528453L, 4215883580L}, SeedSequence.of(e100, 1, 2));
    assertState(new long[] {1225864673L, 394516435L, 2382126369L, 1614378348L}, SeedSequence.of(e200));
    assertState(new long[] {1130558669L, 574347285L, 4241630998L, 258251023L}, SeedSequence.of(e200, 3));
    assertState(new long[] {3227341475L, 3597186303L, 1905930469L, 2457259949L}, SeedSequence.of(e200, 1, 2));
    assertState(new long[] {3685993406L, 3082302701L, 753534295L, 4087185121L}, SeedSequence.of(0).child(3));
    assertState(new long[] {1016617948L, 2153178893L, 1736804435L, 106581628L},
        SeedSequence.of(BigInteger.ZERO, 1, 2));

    SeedSequence s = SeedSequence.of(e200, 1, 2);
    assertEquals(e200, s.entropy());
    int[] key = s.spawnKey();
    key[0] = 9;
    assertArrayEquals(new int[] {1, 2}, s.spawnKey());
    assertArrayEquals(new int[] {1, 2, 0}, s.child(0).spawnKey());
    assertEquals("SeedSequence(7, spawnKey=[4])", SeedSequence.of(7).child(4).toString());
    assertEquals(3, SeedSequence.of(7).spawn(2, 3).size());
    assertArrayEquals(new int[] {4}, SeedSequence.of(7).spawn(2, 3).get(2).spawnKey());
    assertEquals("child index must be non-negative, got -1", message(() -> SeedSequence.of(7).child(-1)));
    assertEquals("seed must be non-negative, got -1", message(() -> SeedSequence.of(-1)));
  }

  private static void assertState(long[] want, SeedSequence s) {
    int[] got = s.generateState32(4);
    for (int i = 0; i < 4; i++) {
      assertEquals(want[i], got[i] & 0xFFFFFFFFL, s + " word " + i);
    }
  }

  @Test
  void aWeightedChoiceIsSearchsortedRightAndChecksItsProbabilities() {
    Choice c = Choice.of(new double[] {0.25, 0.25, 0.5});
    assertEquals(3, c.size());
    assertEquals(0, c.index(0.0));
    assertEquals(0, c.index(0.2499));
    assertEquals(1, c.index(0.25)); // side='right': a draw equal to a cumulative bound goes past it
    assertEquals(1, c.index(0.4999));
    assertEquals(2, c.index(0.5));
    assertEquals(2, c.index(0.9999));
    assertEquals(1, Choice.of(new double[] {0, 1}).index(0.0), "a zero-probability outcome is never chosen");
    // numpy's tolerance: a sum within sqrt(eps) of 1 is accepted and normalised.
    Choice near = Choice.of(new double[] {0.5, 0.5 + 1e-9});
    assertEquals(0, near.index(0.4999999));
    assertEquals(1, near.index(0.5000001));
    // The cumulative sum is divided by its last entry, as numpy's cdf /= cdf[-1]: with a sum of
    // 1 + 1e-9 the first bound moves below 0.5, with 1 - 1e-9 the last bound is 1, not below it.
    assertEquals(1, near.index(0.4999999997));
    assertEquals(1, Choice.of(new double[] {0.5, 0.5 - 1e-9}).index(0.9999999995));
    // A sum exactly sqrt(eps) = 2^-26 away from 1 is still accepted (numpy's test is abs(sum - 1) > atol).
    assertEquals(2, Choice.of(new double[] {0.5, 0.5 + 0x1p-26}).size());
    assertEquals(2, Choice.of(new double[] {0.5, 0.5 - 0x1p-26}).size());
    assertEquals("choice: p must not be empty", message(() -> Choice.of(new double[0])));
    assertEquals("choice: probabilities must be non-negative, got -0.5",
        message(() -> Choice.of(new double[] {1.5, -0.5})));
    assertEquals("choice: probabilities must be non-negative, got NaN",
        message(() -> Choice.of(new double[] {Double.NaN, 1})));
    assertEquals("choice: probabilities do not sum to 1 (sum 0.75): [0.5, 0.25]",
        message(() -> Choice.of(new double[] {0.5, 0.25})));
    assertEquals("choice: probabilities do not sum to 1 (sum 1.25): [0.75, 0.5]",
        message(() -> Choice.of(new double[] {0.75, 0.5})));
  }

  @Test
  void choiceWithoutReplacementAtItsBounds() {
    NumpyRandom r = new NumpyRandom(3);
    assertEquals(0, r.choiceWithoutReplacement(5, 0).length);
    int[] all = r.choiceWithoutReplacement(6, 6);
    Set<Integer> seen = new HashSet<>();
    for (int v : all) {
      assertTrue(v >= 0 && v < 6 && seen.add(v), "a permutation of 0..5: " + java.util.Arrays.toString(all));
    }
    // Floyd's path up to the population of 10,000 and beyond it up to a fiftieth.
    assertEquals(10_000, distinct(r.choiceWithoutReplacement(10_000, 10_000), 10_000));
    assertEquals(200, distinct(r.choiceWithoutReplacement(10_001, 200), 10_001));
    assertEquals("choice without replacement: numpy's tail-shuffle path (population > 10000 and size > "
        + "population / 50) is not ported", message(() -> r.choiceWithoutReplacement(10_001, 201)));
    assertEquals("choice without replacement: size must lie in [0, 5], got -1",
        message(() -> r.choiceWithoutReplacement(5, -1)));
    assertEquals("choice without replacement: size must lie in [0, 5], got 6",
        message(() -> r.choiceWithoutReplacement(5, 6)));
  }

  private static int distinct(int[] picks, int population) {
    Set<Integer> seen = new HashSet<>();
    for (int v : picks) {
      assertTrue(v >= 0 && v < population, "in range: " + v);
      seen.add(v);
    }
    return seen.size();
  }

  @Test
  void dirichletChecksItsAlphasAndNormalises() {
    NumpyRandom r = new NumpyRandom(4);
    // An alpha of exactly 0.1 keeps the gamma path numpy takes.
    double[] d = r.dirichlet(new double[] {0.1, 0.05, 0.05});
    assertEquals(1.0, d[0] + d[1] + d[2], 1e-12);
    double[] e = r.dirichlet(new double[] {2, 3});
    assertEquals(1.0, e[0] + e[1], 1e-12);
    assertTrue(e[0] > 0 && e[1] > 0);
    assertEquals("dirichlet: every alpha must be > 0, got 0.0", message(() -> r.dirichlet(new double[] {1, 0})));
    assertEquals("dirichlet: every alpha must be > 0, got NaN",
        message(() -> r.dirichlet(new double[] {Double.NaN, 1})));
    assertEquals("dirichlet: alphas all below 0.1 use numpy's stick-breaking path, which is not ported",
        message(() -> r.dirichlet(new double[] {0.09, 0.09})));
  }

  @Test
  void legacyBetaWhoseTwoPowersUnderflowTakesTheLogPathAsNumpy() {
    // numpy: rs = RandomState(s); [rs.beta(1e-4, 1e-4) for _ in range(6)]; rs.random_sample()
    // Both powers underflow to 0 in nearly every try: the ratio is taken in logs.
    assertBeta(5, 1e-4, new double[] {0.0, 0.0, 0.0, 1.0, 1.0, 0.0}, 0.4413092228959531);
    assertBeta(6, 1e-4, new double[] {1.0, 1.0, 0.0, 1.0, 0.0, 0.0}, 0.5180364119992688);
    // rs = RandomState(5); [rs.beta(0.02, 0.02) for _ in range(6)]: between 0 and 1 in logs
    LegacyRandom r = new LegacyRandom(5);
    double[] want = {2.102557320327662e-30, 4.0969077432453025e-33, 1.2906056440079579e-05, 0.9999999966489811,
        0.9999999998871665, 8.68978615812531e-49};
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], r.beta(0.02, 0.02), want[i] * 1e-12, "draw " + i);
    }
  }

  private static void assertBeta(long seed, double ab, double[] want, double next) {
    LegacyRandom r = new LegacyRandom(seed);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], r.beta(ab, ab), 0.0, "seed " + seed + " draw " + i);
    }
    assertEquals(next, r.randomSample(), 0.0, "the stream stays in step");
  }

  @Test
  void legacyBetaNearOneInLogsAndAZeroSecondParameterRefused() {
    // numpy 2.4.6: rs = RandomState(15); [rs.beta(1e-3, 1e-3) for _ in range(6)]; rs.random_sample()
    // Draw 3 is accepted with both powers U^1000 and V^1000 underflowing to 0 (a Python rewrite of
    // Johnk's loop on rs.random_sample() shows it), so 0.99127... is exp(lx - log(e^lx + e^ly)).
    LegacyRandom r = new LegacyRandom(15);
    double[] want = {1.0, 0.0, 0.0, 0.9912785353318565, 0.0, 1.0};
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], r.beta(1e-3, 1e-3), 1e-15, "draw " + i);
    }
    assertEquals(0.7177736874735561, r.randomSample(), 0.0);
    assertEquals("beta parameters must be > 0, got a=0.5, b=0.0", message(() -> new LegacyRandom(1).beta(0.5, 0)));
    assertEquals("beta parameters must be > 0, got a=0.0, b=0.5", message(() -> new LegacyRandom(1).beta(0, 0.5)));
  }

  @Test
  void theFloatLogAtTheSquareRootOfAHalfAndTheSineOfZero() {
    // A mantissa exactly at sqrt(1/2) (as a float) takes the upper branch; either branch is the same
    // logarithm, but only if the shift of the mantissa and of the exponent go together.
    float half = 0.70710677f;
    for (float x : new float[] {half, 2 * half, half / 8}) {
      assertEquals(Math.log(x), CephesFloat.log(x), 1e-6, "log " + x);
    }
    assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(CephesFloat.sin(0f)), "sin(+0) is +0");
  }

  @Test
  void theFloatKernelsAreOddInSineAndRefuseANonPositiveLog() {
    for (float x : new float[] {0.3f, 1f, 2.5f, 4f, 6f}) {
      assertEquals(-CephesFloat.sin(x), CephesFloat.sin(-x), 0f, "sin(-" + x + ")");
      assertEquals(CephesFloat.cos(x), CephesFloat.cos(-x), 0f, "cos(-" + x + ")");
      assertEquals(Math.sin(x), CephesFloat.sin(x), 1e-6, "sin " + x);
      assertEquals(Math.cos(x), CephesFloat.cos(x), 1e-6, "cos " + x);
    }
    assertTrue(Float.isNaN(CephesFloat.log(0f)));
    assertTrue(Float.isNaN(CephesFloat.log(-1f)));
    assertEquals(Math.log(0.3), CephesFloat.log(0.3f), 1e-6);
    assertEquals(0f, CephesFloat.log(1f), 0f);
  }

  @Test
  void aStateLackingAWordIsRefusedByName() {
    Map<String, Long> c = new HashMap<>();
    new NumpyRandom(1).putState("rng", c);
    c.remove("rng.4");
    NumpyRandom r = new NumpyRandom(2);
    assertEquals("random stream state 'rng' lacks word 4", message(() -> r.restoreState("rng", c)));
    assertEquals("a PCG64 state has 6 words, got 5", message(() -> r.restore(new long[5])));
    assertEquals(6, r.state().length);
  }
}
