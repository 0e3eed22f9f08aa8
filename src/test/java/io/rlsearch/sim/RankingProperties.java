package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.slate.PlackettLuce;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * A ranking is a permutation of its candidates: the top-k selection asked for every candidate returns
 * each exactly once, best first, ties in candidate order (numpy's {@code argsort(-s)} with a stable
 * order), and asked for fewer it returns that ranking's first k; a Plackett-Luce draw of every position
 * is a permutation too.
 */
class RankingProperties {
  @Provide
  Arbitrary<double[]> scores() {
    // Few distinct values as well as any finite ones, so that ties are common.
    Arbitrary<Double> v = Arbitraries.oneOf(Arbitraries.doubles().between(-1e6, 1e6),
        Arbitraries.of(0.0, 1.0, -1.0, 2.5, -0.0), Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    return v.array(double[].class).ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 300, seed = "20251207")
  void topKOfEveryCandidateIsTheStableArgsortAndItsPrefixes(@ForAll("scores") double[] s,
      @ForAll @IntRange(min = 1, max = 80) int k) {
    int n = s.length;
    // Numeric order (0.0 and -0.0 tie, as in numpy), equal scores in candidate order (a stable sort).
    Comparator<Integer> best = (i, j) -> s[i] == s[j] ? 0 : s[i] > s[j] ? -1 : 1;
    int[] want = IntStream.range(0, n).boxed().sorted(best).mapToInt(Integer::intValue).toArray();
    int[] all = TopK.of(s, n);
    assertArrayEquals(want, all, Arrays.toString(s));
    boolean[] seen = new boolean[n];
    for (int i : all) {
      assertTrue(!seen[i], "candidate " + i + " twice");
      seen[i] = true;
    }
    int[] top = TopK.of(s, k);
    assertArrayEquals(Arrays.copyOf(want, Math.min(k, n)), top, "top " + k + " of " + Arrays.toString(s));
  }

  /**
   * A candidate scored minus infinity (a masked candidate; slate environments refuse only NaN) is still
   * ranked, last: while fewer than k are held it must enter.
   */
  @net.jqwik.api.Example
  void candidatesScoredMinusInfinityAreRankedLast() {
    double inf = Double.POSITIVE_INFINITY;
    assertArrayEquals(new int[] {1, 0, 2}, TopK.of(new double[] {-inf, 1, -inf}, 3));
    assertArrayEquals(new int[] {0}, TopK.of(new double[] {-inf}, 1));
    assertArrayEquals(new int[] {1, 0}, TopK.of(new double[] {-inf, 1, -inf}, 2));
  }

  @Property(tries = 200, seed = "20251207")
  void aPlackettLuceDrawOfEveryPositionIsAPermutation(@ForAll("scores") double[] logits,
      @ForAll @LongRange(min = 0, max = 1L << 40) long seed, @ForAll @IntRange(min = 1, max = 60) int k) {
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Double.isInfinite(logits[i]) ? 0 : Math.max(-50, Math.min(50, logits[i] / 1e4)); // logits of a softmax, not raw extremes
    }
    int n = logits.length;
    int[] r = PlackettLuce.sample(logits, n, new NumpyRandom(seed));
    assertEquals(n, r.length);
    assertArrayEquals(IntStream.range(0, n).toArray(), Arrays.stream(r).sorted().toArray());
    int kk = Math.min(k, n);
    int[] head = PlackettLuce.sample(logits, kk, new NumpyRandom(seed));
    assertArrayEquals(Arrays.copyOf(r, kk), head, "the first k of the same draw");
  }
}
