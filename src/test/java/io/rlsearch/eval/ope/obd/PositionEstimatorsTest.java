package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.eval.logs.ObdDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Checks the estimators against the Open Bandit Pipeline's own estimates on the shipped samples
 * ({@code src/test/resources/obp/}, made by tools/obp/reference.py): same data, same target
 * distribution, same cross-fitted logistic reward estimates, so the values must agree to rounding.
 */
class PositionEstimatorsTest {
  private static final Path SHIPPED = Path.of("data/obd");
  private static final Path FIXTURES = Path.of("src/test/resources/obp");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double RELATIVE = 1e-9;
  private static final Map<String, ObdDataset> READ = new HashMap<>();

  record Case(ObdDataset data, JsonNode estimates, JsonNode model) {
    double[][] targetDist() {
      JsonNode values = model.get("action_dist").get("values");
      double[][] d = new double[values.size()][];
      for (int a = 0; a < d.length; a++) {
        d[a] = doubles(values.get(a));
      }
      return d;
    }

    JsonNode logistic(String estimator) {
      return estimates.get("estimates").get("logistic").get(estimator);
    }

    double value(String estimator) {
      return logistic(estimator).get("value").asDouble();
    }

    double tunedLambda(String estimator) {
      JsonNode l = logistic(estimator).get("tuned_lambda");
      return l.isTextual() && l.asText().equals("inf") ? Double.POSITIVE_INFINITY : l.asDouble();
    }

    LogisticRewards rewards() {
      JsonNode folds = model.get("logistic").get("folds");
      double[][] intercept = new double[folds.size()][];
      double[][][] coef = new double[folds.size()][][];
      for (int k = 0; k < folds.size(); k++) {
        JsonNode perPosition = folds.get(k).get("per_position");
        intercept[k] = new double[perPosition.size()];
        coef[k] = new double[perPosition.size()][];
        for (JsonNode m : perPosition) {
          int p = m.get("position").asInt();
          intercept[k][p] = m.get("intercept").asDouble();
          coef[k][p] = doubles(m.get("coef"));
        }
      }
      String folding = model.get("fold_of_round").asText();
      int[] fold = new int[folding.length()];
      for (int i = 0; i < fold.length; i++) {
        fold[i] = folding.charAt(i) - '0';
      }
      return new LogisticRewards(intercept, coef, data.context(), data.actionContext(), fold);
    }
  }

  static double[] doubles(JsonNode array) {
    double[] x = new double[array.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = array.get(i).asDouble();
    }
    return x;
  }

  static synchronized Case load(String name) {
    String[] parts = name.split("_");
    String campaign = parts[0];
    String behavior = parts[1];
    ObdDataset data = READ.computeIfAbsent(behavior + "/" + campaign,
        k -> ObdDataset.read(SHIPPED, behavior, campaign));
    try {
      return new Case(data, JSON.readTree(FIXTURES.resolve(name + ".json").toFile()),
          JSON.readTree(FIXTURES.resolve(name + ".model.json").toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.abs(expected) * RELATIVE, what);
  }

  static final String[] CASES = {"men_random_to_bts", "men_bts_to_random", "women_random_to_bts",
      "women_bts_to_random"};

  @ParameterizedTest
  @ValueSource(strings = {"men_random_to_bts", "men_bts_to_random", "women_random_to_bts", "women_bts_to_random"})
  void weightOnlyEstimatorsMatchTheOpenBanditPipeline(String name) {
    Case c = load(name);
    PositionEstimators e = PositionEstimators.of(c.data(), c.targetDist());
    assertClose(c.value("ipw"), e.ipw(), name + " ipw");
    assertClose(c.value("snipw"), e.snipw(), name + " snipw");
    assertClose(c.value("ipw_subgaussian"), e.subGaussianIpw(c.tunedLambda("ipw_subgaussian")),
        name + " sub-Gaussian ipw");
  }

  @ParameterizedTest
  @ValueSource(strings = {"men_random_to_bts", "men_bts_to_random", "women_random_to_bts", "women_bts_to_random"})
  void modelBasedEstimatorsMatchTheOpenBanditPipelineGivenItsLogisticModels(String name) {
    Case c = load(name);
    PositionEstimators e = PositionEstimators.of(c.data(), c.targetDist());
    EstimatedRewards q = c.rewards();
    JsonNode summary = c.model().get("logistic").get("estimated_rewards_by_reg_model");
    double[] first = doubles(summary.get("first_rounds_at_logged_action_position"));
    int[] actions = c.data().actions();
    int[] positions = c.data().positions();
    for (int i = 0; i < first.length; i++) {
      assertClose(first[i], q.at(i, actions[i], positions[i]), name + " q at round " + i);
    }
    assertClose(c.value("dm"), e.dm(q), name + " dm");
    assertClose(c.value("dr"), e.dr(q), name + " dr");
    assertClose(c.value("sndr"), e.sndr(q), name + " sndr");
    assertClose(c.value("switch_dr"), e.switchDr(q, c.tunedLambda("switch_dr")), name + " switch-dr");
    assertClose(c.value("dr_os"), e.drOs(q, c.tunedLambda("dr_os")), name + " dr-os");
  }

  @ParameterizedTest
  @ValueSource(strings = {"men_random_to_bts", "men_bts_to_random", "women_random_to_bts", "women_bts_to_random"})
  void slopeChoosesTheOpenBanditPipelinesLambdas(String name) {
    Case c = load(name);
    PositionEstimators e = PositionEstimators.of(c.data(), c.targetDist());
    EstimatedRewards q = c.rewards();
    JsonNode tuning = c.estimates().get("protocol").get("tuning");
    assertEquals(Slope.DELTA, tuning.get("delta").asDouble());
    assertEquals(c.tunedLambda("switch_dr"),
        Slope.tune(lambdas(tuning.get("switch_dr")), l -> e.switchDrRounds(q, l), Slope.DELTA), name + " switch-dr");
    assertEquals(c.tunedLambda("dr_os"),
        Slope.tune(lambdas(tuning.get("dr_os")), l -> e.drOsRounds(q, l), Slope.DELTA), name + " dr-os");
    assertEquals(c.tunedLambda("ipw_subgaussian"),
        Slope.tune(lambdas(tuning.get("ipw_subgaussian")), e::subGaussianIpwRounds, Slope.DELTA),
        name + " sub-Gaussian ipw");
  }

  static double[] lambdas(JsonNode tuned) {
    JsonNode l = tuned.get("lambdas");
    double[] x = new double[l.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = l.get(i).isTextual() && l.get(i).asText().equals("inf") ? Double.POSITIVE_INFINITY : l.get(i).asDouble();
    }
    return x;
  }

  @Test
  void clippingAndShrinkageReduceToThePlainEstimatorsAtTheirLimits() {
    Case c = load(CASES[0]);
    PositionEstimators e = PositionEstimators.of(c.data(), c.targetDist());
    EstimatedRewards q = c.rewards();
    assertEquals(e.ipw(), e.subGaussianIpw(0.0), 1e-15);
    assertEquals(e.dr(q), e.switchDr(q, Double.POSITIVE_INFINITY), 1e-15);
    assertEquals(e.dr(q), e.drOs(q, Double.POSITIVE_INFINITY), 1e-15);
    assertEquals(e.dm(q), e.switchDr(q, 0.0), 1e-15);
    assertEquals(e.dm(q), e.drOs(q, 0.0), 1e-15);
  }

  @Test
  void badInputIsOneClearMessage() {
    double[][] dist = {{0.5}, {0.5}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PositionEstimators(new int[] {0}, new int[] {0}, new double[] {1}, new double[] {0}, dist));
    assertEquals("round 0 has propensity 0.0, must be > 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new PositionEstimators(new int[] {2}, new int[] {0}, new double[] {1}, new double[] {1}, dist));
    assertEquals("round 0 has action 2, the target policy has 2 actions", e.getMessage());
  }
}
