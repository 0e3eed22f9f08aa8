package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rlsearch.eval.ope.obd.ForestRewards.ForestParams;
import io.rlsearch.eval.ope.obd.PositionEstimatorsTest.Case;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.impl.ArrayExample;

/**
 * The cross-fitted forest reward model on the shipped samples against the Open Bandit Pipeline's
 * estimates with scikit-learn's {@code RandomForestClassifier(n_estimators=30, max_depth=5,
 * min_samples_leaf=10, random_state=12345)} (the fixtures' "forest" entries): same folds, same
 * target distribution, the pipeline's tuned lambdas.
 *
 * <p>The forests cannot be the pipeline's: Tribuo draws bootstrap samples and split features from
 * Java's SplittableRandom, not numpy's stream, and stops splitting nodes lighter than
 * {@code minChildWeight} where scikit-learn forbids leaves lighter than {@code min_samples_leaf}.
 * So the tolerances come from the spread of the forest's own randomness, measured by refitting
 * every case with seeds 12345 and 1 to 7: the standard deviation over seeds was 2% to 3.2% of the
 * value for DM, 0.7% to 3.5% for DR, SNDR, Switch-DR and DR-OS, and the pipeline's value was within
 * 1.6 of those standard deviations of ours (seed 12345) in all 20 cells. At seed 12345 the largest
 * differences were 4.9% for DM and 3.4% for the others, so DM must agree within 6% and the others
 * within 5%. Switch-DR and DR-OS are tuned to lambda 10 or 50 here, so they lean on the model as
 * much as DM does; DR and SNDR are closer only where the importance weights are moderate.
 *
 * <p>Women, Bernoulli TS to random, DR and SNDR are the exception: one round was logged with
 * propensity 1e-6 and carries a weight near 22,000, so the model's estimate at that round moves the
 * value by more than the value itself (over seeds DR ranged from -0.0097 to 0.0026, standard deviation 0.0039; SNDR from 0.00004
 * to 0.0039, standard deviation 0.0012; the pipeline's -0.0069 and 0.00088 lie within 1.1 of them).
 * There the test allows three of those standard deviations.
 */
class ForestRewardsTest {
  private static final Map<String, ForestRewards> FITTED = new HashMap<>();

  private static final double DM_RELATIVE = 0.06;
  private static final double DR_FAMILY_RELATIVE = 0.05;
  /** Three standard deviations over forest seeds of DR and SNDR on women, Bernoulli TS to random. */
  private static final double WOMEN_BTS_DR_ABSOLUTE = 3 * 0.00385;
  private static final double WOMEN_BTS_SNDR_ABSOLUTE = 3 * 0.00122;

  @ParameterizedTest
  @ValueSource(strings = {"men_random_to_bts", "men_bts_to_random", "women_random_to_bts", "women_bts_to_random"})
  void estimatesAgreeWithThePipelinesForestWithinTheSpreadOfForestSeeds(String name) {
    Case c = PositionEstimatorsTest.load(name);
    ForestRewards q = fitted(c, name);
    PositionEstimators e = PositionEstimators.of(c.data(), c.targetDist());
    assertRelative(forest(c, "dm"), e.dm(q), DM_RELATIVE, name + " dm");
    assertRelative(forest(c, "switch_dr"), e.switchDr(q, lambda(c, "switch_dr")), DR_FAMILY_RELATIVE,
        name + " switch-dr");
    assertRelative(forest(c, "dr_os"), e.drOs(q, lambda(c, "dr_os")), DR_FAMILY_RELATIVE, name + " dr-os");
    if (name.equals("women_bts_to_random")) {
      assertEquals(forest(c, "dr"), e.dr(q), WOMEN_BTS_DR_ABSOLUTE, name + " dr");
      assertEquals(forest(c, "sndr"), e.sndr(q), WOMEN_BTS_SNDR_ABSOLUTE, name + " sndr");
    } else {
      assertRelative(forest(c, "dr"), e.dr(q), DR_FAMILY_RELATIVE, name + " dr");
      assertRelative(forest(c, "sndr"), e.sndr(q), DR_FAMILY_RELATIVE, name + " sndr");
    }
  }

  static void assertRelative(double expected, double actual, double relative, String what) {
    assertEquals(expected, actual, relative * Math.abs(expected), what);
  }

  @Test
  void compiledTreesPredictWhatTribuosEnsemblePredicts() {
    Case c = PositionEstimatorsTest.load("men_bts_to_random");
    double[][] context = c.data().context();
    double[][] actionContext = c.data().actionContext();
    int[] actions = c.data().actions();
    int[] positions = c.data().positions();
    List<double[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    for (int i = 0; i < context.length; i++) {
      if (positions[i] == 0) {
        x.add(LogisticRewardsTest.row(context[i], actionContext[actions[i]]));
        y.add(c.data().rewards()[i]);
      }
    }
    double[][] xs = x.toArray(double[][]::new);
    EnsembleModel<Label> model = ForestRewards.train(xs, y.stream().mapToInt(Integer::intValue).toArray(),
        new ForestParams(10, 5, 10f, 7));
    ForestRewards.Forest forest = ForestRewards.compile(model, xs[0].length);
    String[] names = ForestRewards.featureNames(xs[0].length);
    double[] none = new double[0];
    double lowest = 1;
    double highest = 0;
    // every logged row at position 0, then every action in the first rounds' contexts
    for (double[] row : xs) {
      double theirs = model.predict(new ArrayExample<>(new Label("0"), names, row)).getOutputScores().get("1").getScore();
      double ours = forest.predict(row, none);
      assertEquals(theirs, ours, 1e-12);
      lowest = Math.min(lowest, ours);
      highest = Math.max(highest, ours);
    }
    for (int i = 0; i < 50; i++) {
      for (double[] a : actionContext) {
        double[] row = LogisticRewardsTest.row(context[i], a);
        double theirs = model.predict(new ArrayExample<>(new Label("0"), names, row)).getOutputScores().get("1").getScore();
        assertEquals(theirs, forest.predict(context[i], a), 1e-12);
      }
    }
    assertTrue(highest > lowest, "the trees split: predictions range from " + lowest + " to " + highest);
  }

  @Test
  void theSameSeedGivesBitIdenticalEstimatesAndAnotherSeedOtherOnes() {
    Case c = PositionEstimatorsTest.load("men_bts_to_random");
    // 10 trees rather than 30: what is checked is the same either way, at a third of the cost
    double[][][] first = fit(c, new ForestParams(10, 5, 10f, 12345)).table();
    double[][][] again = fit(c, new ForestParams(10, 5, 10f, 12345)).table();
    assertTrue(java.util.Arrays.deepEquals(first, again), "seed 12345 twice");
    double[][][] other = fit(c, new ForestParams(10, 5, 10f, 12346)).table();
    assertFalse(java.util.Arrays.deepEquals(first, other), "seeds 12345 and 12346");
  }

  @Test
  void badInputIsOneClearMessage() {
    assertEquals("a forest needs at least 1 tree, got 0",
        assertThrows(IllegalArgumentException.class, () -> new ForestParams(0, 5, 10f, 1)).getMessage());
    assertEquals("tree depth must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new ForestParams(3, 0, 10f, 1)).getMessage());
    assertEquals("minimum child weight must be > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new ForestParams(3, 5, 0f, 1)).getMessage());
    double[][] x = {{0}, {1}};
    assertEquals("row 1 has reward 2, a forest needs 0 or 1", assertThrows(IllegalArgumentException.class,
        () -> ForestRewards.train(x, new int[] {0, 2}, ForestParams.obp())).getMessage());
    assertEquals("context, actions, positions, rewards and folds must have the same length",
        assertThrows(IllegalArgumentException.class, () -> ForestRewards.crossFit(x, x, new int[] {0},
            new int[] {0, 0}, new int[] {0, 1}, new int[] {0, 1}, 2, 1, ForestParams.obp())).getMessage());
  }

  static synchronized ForestRewards fitted(Case c, String name) {
    return FITTED.computeIfAbsent(name, k -> fit(c, ForestParams.obp()));
  }

  static ForestRewards fit(Case c, ForestParams params) {
    return ForestRewards.crossFit(c.data().context(), c.data().actionContext(), c.data().actions(),
        c.data().positions(), c.data().rewards(), Folds.kFold(c.data().context().length, 3, 12345), 3, 3, params);
  }

  static double forest(Case c, String estimator) {
    return c.estimates().get("estimates").get("forest").get(estimator).get("value").asDouble();
  }

  static double lambda(Case c, String estimator) {
    JsonNode l = c.estimates().get("estimates").get("forest").get(estimator).get("tuned_lambda");
    return l.isTextual() && l.asText().equals("inf") ? Double.POSITIVE_INFINITY : l.asDouble();
  }
}
