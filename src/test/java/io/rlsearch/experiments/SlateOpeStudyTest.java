package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import org.junit.jupiter.api.Test;

/** Slate OPE on a small world: the cascade estimators agree with the on-policy truth. */
class SlateOpeStudyTest {
  private static World world() {
    return World.generate(ZoosimConfig.fromString("catalog { n_products = 400 }").withSeed(5), new NumpyRandom(5));
  }

  private static double[] weights(double cm2, double pl, double bestseller) {
    double[] w = new double[10];
    w[0] = cm2;
    w[2] = pl;
    w[4] = bestseller;
    return w;
  }

  @Test
  void cascadeEstimatorsCoverTheTruthAndOnPolicyWeightsAreOne() {
    SlateOpeStudy.Settings s = new SlateOpeStudy.Settings(new SlateOpeStudy.Policy(weights(0.5, 0, 1), 1.0),
        new SlateOpeStudy.Policy(weights(0.5, 0.3, 1), 1.0), 3000, 3000, 9, 50, 1.0);
    SlateOpeStudy.Result r = SlateOpeStudy.run(world(), s);
    assertEquals(20, r.positions());
    double truth = r.truth().mean();
    double truthSe = r.truth().std() / Math.sqrt(r.truth().n());
    for (String name : new String[] {"ips", "rips", "cascade_dr"}) {
      Estimate e = r.estimators().get(name);
      // Unbiased under the cascade: within 3.5 standard errors of the difference (estimate and truth
      // are independent samples; seeds fixed, so the check is deterministic).
      double tol = 3.5 * Math.sqrt(e.stdError() * e.stdError() + truthSe * truthSe);
      assertEquals(truth, e.value(), tol, name);
    }
    // The doubly robust estimator's model lowers the variance of the plain cascade estimator.
    assertTrue(r.estimators().get("cascade_dr").stdError() <= r.estimators().get("rips").stdError() * 1.05);
    // Evaluating the behaviour policy itself: every weight is 1 and RIPS is the log's own mean.
    SlateOpeStudy.Settings same = new SlateOpeStudy.Settings(s.behavior(), s.behavior(), 500, 10, 9, 10, 1.0);
    SlateOpeStudy.Result q = SlateOpeStudy.run(world(), same);
    assertEquals(q.behaviorValue().mean(), q.estimators().get("rips").value(), 1e-9);
    assertEquals(q.behaviorValue().mean(), q.estimators().get("ips").value(), 1e-9);
    assertEquals(1.0, q.estimators().get("ips").maxWeight(), 1e-12);
  }

  @Test
  void theSameSeedGivesTheSameStudy() {
    SlateOpeStudy.Settings s = new SlateOpeStudy.Settings(new SlateOpeStudy.Policy(weights(1, 0, 0), 1.0),
        new SlateOpeStudy.Policy(weights(1, 0.5, 0), 1.0), 200, 50, 3, 10, 1.0);
    SlateOpeStudy.Result a = SlateOpeStudy.run(world(), s);
    SlateOpeStudy.Result b = SlateOpeStudy.run(world(), s);
    assertEquals(a.estimators().get("cascade_dr").value(), b.estimators().get("cascade_dr").value(), 0.0);
    assertEquals(a.truth().mean(), b.truth().mean(), 0.0);
  }
}
