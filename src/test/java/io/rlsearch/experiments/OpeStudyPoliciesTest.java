package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.ArmPolicy;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.eval.opl.LinearPolicy;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies {@link OpeStudy} builds, checked against their definitions: fixed templates by id and
 * name, the static sweep's means and the trained LinUCB recomputed on the documented streams (2 and 1
 * of {@code SeedSequence(seed)}), learned policy files, and the cross-fitting switch.
 */
class OpeStudyPoliciesTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 500 }");
  private static final long SEED = 31;
  @TempDir Path dir;

  private static OpeStudy.Settings settings(String target, int n, int crossFit) {
    return new OpeStudy.Settings(PolicySpec.parse("uniform"), PolicySpec.parse(target), n, n, SEED,
        TemplateBandits.FeatureMode.RICH, 10, 0, crossFit);
  }

  private static OpeStudy study() {
    return new OpeStudy(SMALL, settings("uniform", 4, 1));
  }

  /** The world and boosts the study draws (as its constructor documents), for recomputation. */
  private static TemplateEpisode episode() {
    SimSettings s = SMALL.withSeed(SEED);
    World world = World.generate(s, new NumpyRandom(SEED));
    float[][] boosts = Templates.all(world.catalog(), s.action().aMax(), s.templates().popularAmplitude());
    return new TemplateEpisode(world, boosts, TemplateBandits.FeatureMode.RICH, TemplateBandits.Estimator.CH06);
  }

  private static double[] oneHot(int a) {
    double[] p = new double[8];
    p[a] = 1;
    return p;
  }

  /** tau * log(p_t / p_0): the score differences s_t - s_0 a softmax policy of temperature tau reveals. */
  private static double[] scoreDifferences(double[] p, double tau) {
    double[] d = new double[p.length];
    for (int t = 0; t < p.length; t++) {
      d[t] = tau * Math.log(p[t] / p[0]);
    }
    return d;
  }

  @Test
  void templatePoliciesPlayTheTemplateGivenByIdOrByName() {
    OpeStudy s = study();
    double[] x = s.firstLoggedContext();
    assertArrayEquals(oneHot(6), s.build(PolicySpec.parse("template:id=6")).probabilities(x));
    assertArrayEquals(oneHot(0), s.build(PolicySpec.parse("template:id=0")).probabilities(x));
    // "Neutral" is template 0 (the boundary of the name look-up), "Budget" template 5.
    assertArrayEquals(oneHot(0), s.build(PolicySpec.parse("template:name=Neutral")).probabilities(x));
    assertArrayEquals(oneHot(5), s.build(PolicySpec.parse("template:name=Budget")).probabilities(x));
    assertArrayEquals(oneHot(7), s.build(PolicySpec.parse("template:name=Strategic")).probabilities(x));
  }

  @Test
  void theStaticSweepMeansAreThePerTemplateMeansOfTheSweepStream() {
    int n = 3;
    TemplateEpisode ep = episode();
    NumpyRandom rng = new NumpyRandom(SeedSequence.of(SEED).child(2));
    double[] means = new double[8];
    for (int i = 0; i < n; i++) {
      ep.draw(rng);
      for (int t = 0; t < 8; t++) {
        means[t] += ep.play(t, rng).reward() / n;
      }
    }
    double[] expected = new double[8];
    for (int t = 0; t < 8; t++) {
      expected[t] = means[t] - means[0];
    }
    assertTrue(java.util.Arrays.stream(expected).map(Math::abs).max().getAsDouble() > 0.1,
        "the sweep must separate the templates for this check to mean anything");
    OpeStudy s = study();
    double[] x = s.firstLoggedContext();
    double tau = 1000;
    double[] p = s.build(PolicySpec.parse("softmax:base=best-static,episodes=" + n + ",tau=" + tau)).probabilities(x);
    assertArrayEquals(expected, scoreDifferences(p, tau), 1e-8);
    // best-static plays the template of the largest mean (first one on ties).
    int best = 0;
    for (int t = 1; t < 8; t++) {
      if (means[t] > means[best]) {
        best = t;
      }
    }
    assertNotEquals(0, best, "the fixture needs a best template other than 0");
    assertArrayEquals(oneHot(best), s.build(PolicySpec.parse("best-static:episodes=" + n)).probabilities(x));
  }

  @Test
  void theLinUcbBaseIsTrainedOnItsOwnStreamForExactlyTheGivenEpisodes() {
    int n = 4;
    double alpha = 0.5;
    TemplateEpisode ep = episode();
    NumpyRandom rng = new NumpyRandom(SeedSequence.of(SEED).child(1));
    LinUcb lin = new LinUcb(8, ep.contextDim(), new LinUcb.Settings(1.0, alpha, true));
    for (int i = 0; i < n; i++) {
      ep.draw(rng);
      double[] x = ep.context();
      int a = lin.select(x);
      lin.update(a, x, ep.play(a, rng).reward());
    }
    assertEquals(n, lin.steps());
    OpeStudy s = study();
    double[] x = s.firstLoggedContext();
    double[] m = lin.meanScores(x);
    double[] expected = new double[8];
    for (int t = 0; t < 8; t++) {
      expected[t] = m[t] - m[0];
    }
    assertTrue(java.util.Arrays.stream(expected).map(Math::abs).max().getAsDouble() > 1e-3,
        "the trained model must separate the templates for this check to mean anything");
    double tau = 1000;
    double[] p = s.build(PolicySpec.parse("softmax:base=linucb,episodes=" + n + ",alpha=" + alpha + ",tau=" + tau))
        .probabilities(x);
    assertArrayEquals(expected, scoreDifferences(p, tau), 1e-8);
  }

  @Test
  void theFirstLoggedContextAndTheTruthAreThoseOfTheRun() {
    Path log = dir.resolve("log.jsonl");
    OpeStudy s = new OpeStudy(SMALL, settings("template:name=Premium", 5, 1));
    OpeStudy.Result r = s.run(Optional.of(log));
    List<LoggedDecision> read = DecisionLog.read(log);
    double[] first = s.firstLoggedContext();
    assertArrayEquals(read.get(0).context(), first);
    assertNotEquals(read.get(0).context()[1], read.get(1).context()[1]);
    assertEquals(r.truth(), s.truth(PolicySpec.parse("template:name=Premium")));
    assertEquals(r.truth(), new OpeStudy(SMALL, settings("uniform", 5, 1)).truth(PolicySpec.parse("template:id=4")));
  }

  @Test
  void oneFoldFitsASingleFqeModelAndTwoFoldsCrossFit() {
    OpeStudy.Result one = new OpeStudy(SMALL, settings("template:name=Premium", 120, 1)).run(Optional.empty());
    OpeStudy.Result two = new OpeStudy(SMALL, settings("template:name=Premium", 120, 2)).run(Optional.empty());
    // Same log, same truth; only the direct-method model differs.
    assertEquals(one.behaviorValue(), two.behaviorValue());
    assertEquals(one.estimators().get("ips"), two.estimators().get("ips"));
    assertNotEquals(one.estimators().get("dm").value(), two.estimators().get("dm").value());
  }

  private static Path policyFile(Path file, int actions, int dim, int best) throws Exception {
    List<String> features = new ArrayList<>();
    for (int j = 0; j < dim; j++) {
      features.add("x" + j);
    }
    List<String> ids = new ArrayList<>();
    double[][][] w = new double[1][actions][dim];
    double[][] b = new double[1][actions];
    for (int a = 0; a < actions; a++) {
      ids.add(Integer.toString(a));
      b[0][a] = a == best ? 1.0 : 0.0;
    }
    new LinearPolicy("test", features, ids, w, b, true, 0, 10, Map.of()).write(file);
    return file;
  }

  @Test
  void aLearnedPolicyPlaysItsGreedyTemplateAndAMismatchedFileIsRefused() throws Exception {
    OpeStudy s = study();
    double[] x = s.firstLoggedContext();
    int dim = x.length;
    Path good = policyFile(dir.resolve("good.json"), 8, dim, 3);
    ArmPolicy p = s.build(PolicySpec.parse("learned:file=" + good));
    assertArrayEquals(oneHot(3), p.probabilities(x));

    Path fewerActions = policyFile(dir.resolve("seven.json"), 7, dim, 3);
    String m1 = assertThrows(IllegalArgumentException.class,
        () -> s.build(PolicySpec.parse("learned:file=" + fewerActions))).getMessage();
    assertTrue(m1.contains("ranks 7 actions over " + dim + " context values"), m1);
    assertTrue(m1.contains("has 8 templates and " + dim + " context values"), m1);

    Path fewerFeatures = policyFile(dir.resolve("narrow.json"), 8, dim - 1, 3);
    String m2 = assertThrows(IllegalArgumentException.class,
        () -> s.build(PolicySpec.parse("learned:file=" + fewerFeatures))).getMessage();
    assertTrue(m2.contains("ranks 8 actions over " + (dim - 1) + " context values"), m2);
  }
}
