package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Bernoulli TS distribution against the Open Bandit Pipeline's own (its
 * {@code compute_batch_action_dist} with n_sim 100,000 and random_state 12345, stored in the
 * fixtures' model files): the same legacy numpy draws in the same order, so every cell is equal.
 */
class BernoulliTsDistributionTest {
  private static final int N_SIM = 100_000;
  private static final double[] SMALL_EXPECTED = {
      0.251, 0.18, 0.1595, 0.251, 0.5175, 0.2655, 0.0005, 0.0085, 0.0715, 0.295};

  static double[][] fixture(String campaign) throws IOException {
    JsonNode values = new ObjectMapper()
        .readTree(Path.of("src/test/resources/obp/" + campaign + "_random_to_bts.model.json").toFile())
        .get("action_dist").get("values");
    double[][] d = new double[values.size()][];
    for (int a = 0; a < d.length; a++) {
      d[a] = PositionEstimatorsTest.doubles(values.get(a));
    }
    return d;
  }

  @ParameterizedTest
  @ValueSource(strings = {"men", "women"})
  void isThePipelinesDistributionCellForCell(String campaign) throws IOException {
    double[][] expected = fixture(campaign);
    long start = System.nanoTime();
    double[][] actual = BernoulliTsDistribution.compute(BernoulliTsDistribution.zozotownPriors(campaign), 3, N_SIM, 12345);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(expected.length, actual.length, "items");
    for (int a = 0; a < expected.length; a++) {
      assertArrayEquals(expected[a], actual[a], 0.0, campaign + " item " + a);
    }
    System.out.printf("%s: %d items x %d simulations equal the pipeline's in %d ms%n", campaign, expected.length,
        N_SIM, ms);
  }

  /** A small case with numpy's draws: RandomState(3) beta per item over 2,000 simulations, top 2. */
  @Test
  void smallPriorsOfEveryBetaBranchMatchNumpy() {
    var priors = new BernoulliTsDistribution.Priors(new double[] {0.5, 1, 2, 0.3, 5}, new double[] {0.5, 1, 0.7, 4, 5});
    double[][] d = BernoulliTsDistribution.compute(priors, 2, 2_000, 3);
    assertArrayEquals(SMALL_EXPECTED, flatten(d), 0.0);
  }

  private static double[] flatten(double[][] d) {
    return java.util.Arrays.stream(d).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  @Test
  void sameSeedSameDistributionAndAnItemIsAtMostOnePositionPerList() {
    var priors = BernoulliTsDistribution.zozotownPriors("men");
    double[][] a = BernoulliTsDistribution.compute(priors, 3, 2_000, 7);
    double[][] b = BernoulliTsDistribution.compute(priors, 3, 2_000, 7);
    double[][] c = BernoulliTsDistribution.compute(priors, 3, 2_000, 8);
    boolean differs = false;
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
      differs |= !java.util.Arrays.equals(a[i], c[i]);
      assertTrue(a[i][0] + a[i][1] + a[i][2] <= 1 + 1e-12, "item " + i + " is in a list at most once");
    }
    assertTrue(differs, "another seed gives other draws");
  }

  @Test
  void aDominantItemTakesTheFirstPosition() {
    var priors = new BernoulliTsDistribution.Priors(new double[] {1, 1000, 1, 1}, new double[] {1000, 1, 1000, 1000});
    double[][] d = BernoulliTsDistribution.compute(priors, 2, 1_000, 1);
    assertEquals(1.0, d[1][0]);
    assertEquals(0.0, d[1][1]);
  }

  @Test
  void priorsAreTheDatasetsAndBadInputIsOneClearMessage() {
    assertEquals(34, BernoulliTsDistribution.zozotownPriors("men").items());
    assertEquals(46, BernoulliTsDistribution.zozotownPriors("women").items());
    assertEquals(47.0, BernoulliTsDistribution.zozotownPriors("men").alpha()[0]);
    assertEquals(12198.0, BernoulliTsDistribution.zozotownPriors("men").beta()[0]);
    var e = assertThrows(IllegalArgumentException.class, () -> BernoulliTsDistribution.zozotownPriors("all"));
    assertEquals("no Bernoulli TS priors for campaign 'all'; known: men, women", e.getMessage());
    var priors = BernoulliTsDistribution.zozotownPriors("men");
    assertThrows(IllegalArgumentException.class, () -> BernoulliTsDistribution.compute(priors, 35, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> BernoulliTsDistribution.compute(priors, 3, 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new BernoulliTsDistribution.Priors(new double[] {1, 0}, new double[] {1, 1}));
  }
}
