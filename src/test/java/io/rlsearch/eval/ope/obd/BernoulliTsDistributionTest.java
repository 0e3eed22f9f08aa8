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
 * The Monte Carlo Bernoulli TS distribution against the Open Bandit Pipeline's (its
 * {@code compute_batch_action_dist} with n_sim 100,000, stored in the fixtures' model files). The two
 * use different random streams, so each cell may differ by the sum of two independent Monte Carlo
 * errors: the bound is 5 standard errors of that difference, {@code 5 sqrt(2 p (1 - p) / nSim)},
 * with {@code p} the pipeline's value (and at least one simulation's share where p is 0).
 */
class BernoulliTsDistributionTest {
  private static final int N_SIM = 100_000;

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
  void matchesTheOpenBanditPipelineWithinMonteCarloError(String campaign) throws IOException {
    double[][] expected = fixture(campaign);
    double[][] actual = BernoulliTsDistribution.compute(BernoulliTsDistribution.zozotownPriors(campaign), 3, N_SIM, 12345);
    assertEquals(expected.length, actual.length, "items");
    double worst = 0;
    for (int a = 0; a < expected.length; a++) {
      for (int k = 0; k < 3; k++) {
        double p = expected[a][k];
        double se = Math.max(Math.sqrt(2 * p * (1 - p) / N_SIM), 1.0 / N_SIM);
        double z = Math.abs(actual[a][k] - p) / se;
        worst = Math.max(worst, z);
        assertTrue(z <= 5, campaign + " item " + a + " position " + k + ": " + actual[a][k] + " vs the pipeline's "
            + p + " (" + z + " standard errors)");
      }
    }
    for (int k = 0; k < 3; k++) {
      double sum = 0;
      for (double[] row : actual) {
        sum += row[k];
      }
      assertEquals(1.0, sum, 1e-12, "column " + k);
    }
    System.out.printf("%s: largest difference %.2f standard errors%n", campaign, worst);
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
