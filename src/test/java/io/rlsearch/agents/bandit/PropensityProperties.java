package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Propensities are probabilities: every logged one lies in (0, 1], and over a decision's choices they
 * sum to 1 (the exact Thompson choice probability, softmax, epsilon-greedy).
 */
class PropensityProperties {
  record Scores(double[] mu, double[] sd) {}

  @Provide
  Arbitrary<Scores> gaussianScores() {
    return Arbitraries.integers().between(1, 8).flatMap(n -> Combinators.combine(
        Arbitraries.doubles().between(-5, 5).array(double[].class).ofSize(n),
        Arbitraries.doubles().between(0.01, 5).array(double[].class).ofSize(n)).as(Scores::new));
  }

  @Property(tries = 150, seed = "20251207")
  void thompsonChoiceProbabilitiesAreInZeroOneAndSumToOne(@ForAll("gaussianScores") Scores s) {
    double sum = 0;
    for (int k = 0; k < s.mu().length; k++) {
      double p = BanditAgents.choiceProbability(s.mu(), s.sd(), k);
      assertTrue(p > 0 && p <= 1, "arm " + k + ": " + p);
      sum += p;
    }
    // Each integral is within 1e-10 relative (its tolerance); the floor adds at most 1e-12 an arm.
    assertEquals(1.0, sum, 1e-9 * s.mu().length, "over " + Arrays.toString(s.mu()) + " / " + Arrays.toString(s.sd()));
  }

  @Property(tries = 100, seed = "20251207")
  void softmaxAndEpsilonGreedyAreDistributionsAndTheSampledArmHasPositiveProbability(
      @ForAll @IntRange(min = 1, max = 12) int arms, @ForAll @DoubleRange(min = 0.01, max = 50) double tau,
      @ForAll @DoubleRange(min = 0, max = 1) double eps, @ForAll long seed) {
    NumpyRandom rng = new NumpyRandom(seed & Long.MAX_VALUE);
    double[] scores = new double[arms];
    for (int a = 0; a < arms; a++) {
      scores[a] = rng.normal(0, 20);
    }
    for (ArmPolicy p : new ArmPolicy[] {ArmPolicy.softmax("softmax", arms, x -> scores, tau),
        ArmPolicy.epsilonGreedy("eps", arms, x -> scores, eps)}) {
      double[] pr = p.probabilities(new double[0]);
      assertEquals(arms, pr.length);
      double sum = 0;
      for (double v : pr) {
        assertTrue(v >= 0 && v <= 1, p.name() + ": " + Arrays.toString(pr));
        sum += v;
      }
      assertEquals(1.0, sum, 1e-12 * arms, p.name());
      int chosen = p.sample(new double[0], rng);
      assertTrue(pr[chosen] > 0 && pr[chosen] <= 1, p.name() + " sampled arm " + chosen + ": " + Arrays.toString(pr));
    }
  }

  @Property(tries = 40, seed = "20251207")
  void thompsonAgentsLogAPropensityInZeroOne(@ForAll @IntRange(min = 1, max = 5) int arms,
      @ForAll @IntRange(min = 1, max = 4) int dim, @ForAll @IntRange(min = 0, max = 30) int steps,
      @ForAll long seed) {
    NumpyRandom rng = new NumpyRandom(seed & Long.MAX_VALUE);
    UpdateRule rule = BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 16).create(arms, dim);
    double[] x = new double[dim];
    for (int t = 0; t <= steps; t++) {
      for (int i = 0; i < dim; i++) {
        x[i] = rng.normal(0, 1);
      }
      PolicySnapshot snap = rule.snapshot(t);
      Decision dec = snap.act(x.clone(), rng);
      assertTrue(dec.arm() >= 0 && dec.arm() < arms, "arm " + dec.arm());
      assertTrue(dec.propensity() > 0 && dec.propensity() <= 1, "propensity " + dec.propensity());
      if (arms == 1) {
        assertEquals(1.0, dec.propensity(), 0.0, "the only arm");
      }
      rule.observe(x.clone(), dec, rng.normal(dec.arm() == 0 ? 1 : 0, 1));
    }
  }
}
