package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.core.random.Mt19937;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Folds#kFold} against scikit-learn's {@code KFold(shuffle=True)}: the Open Bandit Pipeline's
 * own split of the shipped samples (the fixtures' fold_of_round), and small cases made with numpy
 * 2.4.6's legacy {@code RandomState(seed).shuffle(np.arange(n))} cut into chunks as KFold cuts them.
 */
class FoldsTest {
  @ParameterizedTest
  @ValueSource(strings = {"men_random_to_bts", "men_bts_to_random", "women_random_to_bts", "women_bts_to_random"})
  void reproducesThePipelinesSplitOfTheShippedSamples(String name) {
    PositionEstimatorsTest.Case c = PositionEstimatorsTest.load(name);
    assertArrayEquals(LogisticRewardsTest.folds(c), Folds.kFold(c.data().context().length, 3, 12345), name);
  }

  @ParameterizedTest
  @CsvSource({
      "10, 3, 0, 2102021100",
      "7, 2, 1, 0001110",
      "25, 4, 4294967295, 3133011300223210220231100",
      "40, 5, 2147483655, 3104441311024312024132234204300431022031"})
  void matchesNumpysLegacyShuffleCutIntoChunks(int n, int k, long seed, String expected) {
    assertEquals(expected, digits(Folds.kFold(n, k, seed)));
  }

  @Test
  void foldSizesDifferByAtMostOneWithTheLongerFoldsFirst() {
    int[] fold = Folds.kFold(1000, 7, 42);
    int[] size = new int[7];
    for (int f : fold) {
      size[f]++;
    }
    assertArrayEquals(new int[] {143, 143, 143, 143, 143, 143, 142}, size);
  }

  @Test
  void generatorMatchesNumpysRandomState() {
    // np.random.RandomState(s).randint(0, 2**32, size=3, dtype=np.uint32): the raw words
    Mt19937 r = new Mt19937(5489);
    assertArrayEquals(new long[] {3499211612L, 581869302L, 3890346734L}, words(r, 3));
    r = new Mt19937(4294967295L);
    assertArrayEquals(new long[] {419326371L, 479346978L, 3918654476L}, words(r, 3));
    // np.random.RandomState(42).shuffle(np.arange(1000)): more than one twist of the state
    int[] x = new int[1000];
    Arrays.setAll(x, i -> i);
    new Mt19937(42).shuffle(x);
    assertArrayEquals(new int[] {521, 737, 740, 660, 411, 678, 626, 513, 859, 136}, Arrays.copyOf(x, 10));
    assertArrayEquals(new int[] {106, 270, 860, 435, 102}, Arrays.copyOfRange(x, 995, 1000));
  }

  @Test
  void badInputIsOneClearMessage() {
    assertEquals("k-fold needs at least 2 folds, got 1",
        assertThrows(IllegalArgumentException.class, () -> Folds.kFold(10, 1, 0)).getMessage());
    assertEquals("k-fold with 3 folds needs at least 3 rounds, got 2",
        assertThrows(IllegalArgumentException.class, () -> Folds.kFold(2, 3, 0)).getMessage());
    assertEquals("RandomState seed must be between 0 and 2**32 - 1, got -1",
        assertThrows(IllegalArgumentException.class, () -> Folds.kFold(10, 3, -1)).getMessage());
  }

  private static long[] words(Mt19937 r, int n) {
    long[] w = new long[n];
    for (int i = 0; i < n; i++) {
      w[i] = Integer.toUnsignedLong(r.nextInt());
    }
    return w;
  }

  private static String digits(int[] fold) {
    StringBuilder s = new StringBuilder();
    for (int f : fold) {
      s.append(f);
    }
    return s.toString();
  }
}
