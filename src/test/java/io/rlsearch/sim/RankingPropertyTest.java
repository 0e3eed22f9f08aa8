package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.slate.PlackettLuce;
import io.rlsearch.testing.Gen;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A ranking is a permutation of its candidates: the top-k selection asked for every candidate returns
 * each exactly once, best first, ties in candidate order (numpy's {@code argsort(-s)} with a stable
 * order), and asked for fewer it returns that ranking's first k; a Plackett-Luce draw of every position
 * is a permutation too. Each try draws its inputs from {@code Gen.of(SEED, try)}.
 */
class RankingPropertyTest {
  static final long SEED = 20251207L;

  static IntStream topKTries() {
    return IntStream.range(0, 300);
  }

  static IntStream plackettLuceTries() {
    return IntStream.range(0, 200);
  }

  /** 1 to 60 scores, a third any in [-1e6, 1e6], a third of few values (so that ties are common), a third extremes. */
  static double[] scores(Gen g) {
    double[] s = new double[g.ints(1, 60)];
    for (int i = 0; i < s.length; i++) {
      s[i] = switch (g.ints(0, 2)) {
        case 0 -> g.doubles(-1e6, 1e6);
        case 1 -> g.pickDouble(0.0, 1.0, -1.0, 2.5, -0.0);
        default -> g.pickDouble(Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
      };
    }
    return s;
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("topKTries")
  void topKOfEveryCandidateIsTheStableArgsortAndItsPrefixes(int t) {
    Gen g = Gen.of(SEED, t);
    double[] s = scores(g);
    int k = g.ints(1, 80);
    String at = Gen.label(SEED, t, "s", s, "k", k);
    int n = s.length;
    // Numeric order (0.0 and -0.0 tie, as in numpy), equal scores in candidate order (a stable sort).
    Comparator<Integer> best = (i, j) -> s[i] == s[j] ? 0 : s[i] > s[j] ? -1 : 1;
    int[] want = IntStream.range(0, n).boxed().sorted(best).mapToInt(Integer::intValue).toArray();
    int[] all = TopK.of(s, n);
    assertArrayEquals(want, all, at);
    boolean[] seen = new boolean[n];
    for (int i : all) {
      assertTrue(!seen[i], "candidate " + i + " twice; " + at);
      seen[i] = true;
    }
    int[] top = TopK.of(s, k);
    assertArrayEquals(Arrays.copyOf(want, Math.min(k, n)), top, "top " + k + "; " + at);
  }

  /**
   * A candidate scored minus infinity (a masked candidate; slate environments refuse only NaN) is still
   * ranked, last: while fewer than k are held it must enter.
   */
  @Test
  void candidatesScoredMinusInfinityAreRankedLast() {
    double inf = Double.POSITIVE_INFINITY;
    assertArrayEquals(new int[] {1, 0, 2}, TopK.of(new double[] {-inf, 1, -inf}, 3));
    assertArrayEquals(new int[] {0}, TopK.of(new double[] {-inf}, 1));
    assertArrayEquals(new int[] {1, 0}, TopK.of(new double[] {-inf, 1, -inf}, 2));
  }

  @ParameterizedTest(name = "try {0}")
  @MethodSource("plackettLuceTries")
  void aPlackettLuceDrawOfEveryPositionIsAPermutation(int t) {
    Gen g = Gen.of(SEED, t);
    double[] logits = scores(g);
    long seed = g.longs(0, 1L << 40);
    int k = g.ints(1, 60);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Double.isInfinite(logits[i]) ? 0 : Math.max(-50, Math.min(50, logits[i] / 1e4)); // logits of a softmax, not raw extremes
    }
    String at = Gen.label(SEED, t, "logits", logits, "seed", seed, "k", k);
    int n = logits.length;
    int[] r = PlackettLuce.sample(logits, n, new NumpyRandom(seed));
    assertEquals(n, r.length, at);
    assertArrayEquals(IntStream.range(0, n).toArray(), Arrays.stream(r).sorted().toArray(), "not a permutation; " + at);
    int kk = Math.min(k, n);
    int[] head = PlackettLuce.sample(logits, kk, new NumpyRandom(seed));
    assertArrayEquals(Arrays.copyOf(r, kk), head, "the first k of the same draw; " + at);
  }
}
