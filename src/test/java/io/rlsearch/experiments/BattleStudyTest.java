package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The battle's protocol: paired held-out evaluation, the references, statistics over seeds. */
class BattleStudyTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 400 }");

  private static World world(long seed) {
    return World.generate(SMALL.withSeed(seed), new NumpyRandom(seed));
  }

  private static double[] vector(int axis, double v) {
    double[] w = new double[10];
    w[axis] = v;
    return w;
  }

  @Test
  void evaluatingSeveralPoliciesTogetherGivesWhatEachGetsAloneOnThoseUsers() {
    World w = world(3);
    Task.BoostWeights task = Task.BoostWeights.battleTemplates();
    PolicySnapshot a = BoostReference.fixed("a", vector(0, 3));
    PolicySnapshot b = ContinuousAgents.uniform("random", 10, 3.0).create(0, 17).snapshot(0);
    BattleEvaluation.Result both = BattleEvaluation.run(w, task, Task.Slate.reference(),
        List.of(new BattleEvaluation.Entry("a", a, false), new BattleEvaluation.Entry("b", b, false)), 77, 60, 2);
    // Alone, through the runtime's session code: user u's session, the policy stream of its episode.
    for (int p = 0; p < 2; p++) {
      PolicySnapshot pol = p == 0 ? a : b;
      RunStreams streams = new RunStreams(77);
      SessionRunner runner = new SessionRunner(w, task, streams);
      Population pop = new Population(w, streams, 60, false, 1);
      double[] alone = new double[60];
      for (int u = 0; u < 60; u++) {
        Population.Arrival arr = pop.next().orElseThrow();
        double[] x = runner.prepare(arr);
        Transition t = runner.finish(pol.act(x, streams.policy(arr.episode())), "x", 0);
        pop.finished(arr.user(), arr.session(), 0, 0);
        alone[u] = t.reward();
      }
      assertArrayEquals(alone, both.rewards()[p], 1e-12, "policy " + p);
    }
    // One thread or several: the same numbers.
    BattleEvaluation.Result one = BattleEvaluation.run(w, task, Task.Slate.reference(),
        List.of(new BattleEvaluation.Entry("a", a, false), new BattleEvaluation.Entry("b", b, false)), 77, 60, 1);
    assertArrayEquals(one.rewards()[1], both.rewards()[1], 0.0);
  }

  @Test
  void theReferenceSearchBeatsNoBoostAndThePerSegmentOneReadsTheSegment() {
    World w = world(5);
    Task.BoostWeights task = Task.BoostWeights.battleTemplates();
    BoostReference.Found f = BoostReference.search(w, task, 1234, new BoostReference.Settings(150, 12, 4, 3, 9), 2);
    BoostReference.Found again = BoostReference.search(w, task, 1234, new BoostReference.Settings(150, 12, 4, 3, 9), 1);
    assertArrayEquals(f.fixed(), again.fixed(), 0.0, "deterministic whatever the threads");
    BattleEvaluation.Result r = BattleEvaluation.run(w, task, Task.Slate.reference(), List.of(
        new BattleEvaluation.Entry("static", BoostReference.fixed("static", new double[10]), false),
        new BattleEvaluation.Entry("fixed", BoostReference.fixed("fixed", f.fixed()), false)), 99, 400, 2);
    // Held-out users: the searched vector must beat no boost by more than 3 standard errors of the paired difference.
    double[] d = new double[400];
    for (int u = 0; u < 400; u++) {
      d[u] = r.rewards()[1][u] - r.rewards()[0][u];
    }
    Summary s = Summary.of(d);
    assertTrue(s.mean() > 3 * s.std() / Math.sqrt(400), "fixed vs static " + s);
    double[][] per = {vector(0, 1), vector(1, 2), vector(2, 3), vector(3, -1)};
    PolicySnapshot ps = BoostReference.perSegment("p", per);
    double[] x = new double[17];
    x[2] = 1;
    assertArrayEquals(per[2], ps.act(x, new NumpyRandom(0)).action(), 0.0);
  }

  @Test
  void statisticsAreOverSeedsAndDifferencesArePairedWithinASeed() {
    // A trainer that "learns" fixed vectors: static (no boost), random, and a good vector.
    BattleStudy.Trainer trainer = (world, seed, agents) -> {
      List<BattleStudy.Trained> out = new ArrayList<>();
      for (String a : agents) {
        PolicySnapshot p = switch (a) {
          case "static" -> BoostReference.fixed("static", new double[10]);
          case "random" -> ContinuousAgents.uniform("random", 10, 3.0).create(0, 17).snapshot(0);
          default -> BoostReference.fixed(a, vector(0, 3));
        };
        out.add(new BattleStudy.Trained(a, false, p, new double[] {1, 2, 3}, 0, 0, 0, 0, 0, 0));
      }
      return out;
    };
    BattleStudy.Result r = BattleStudy.run(SMALL, new BattleStudy.Settings(List.of(1L, 2L, 3L),
        List.of("static", "random", "cm2"), 200, new BoostReference.Settings(100, 8, 2, 2, 0), 2), trainer);
    BattleStudy.AgentResult cm2 = r.agents().stream().filter(a -> a.name().equals("cm2")).findFirst().orElseThrow();
    BattleStudy.AgentResult st = r.agents().stream().filter(a -> a.name().equals("static")).findFirst().orElseThrow();
    assertEquals(3, cm2.evalReturn().n(), "one value per seed");
    for (int s = 0; s < 3; s++) {
      assertEquals(cm2.evalPerSeed()[s] - st.evalPerSeed()[s], diff(cm2, st)[s], 1e-12);
    }
    assertEquals(Summary.of(diff(cm2, st)).ciLow(), cm2.evalVsStatic().ciLow(), 1e-12);
    assertEquals(0.0, st.evalVsStatic().mean(), 0.0);
    assertEquals(cm2.evalReturn().mean() / r.perSegmentReference().mean(), cm2.shareOfReference(), 1e-12);
    // Sorted by the held-out evaluation, best first.
    for (int i = 1; i < r.agents().size(); i++) {
      assertTrue(r.agents().get(i - 1).evalReturn().mean() >= r.agents().get(i).evalReturn().mean());
    }
    // One seed: no interval.
    BattleStudy.Result one = BattleStudy.run(SMALL, new BattleStudy.Settings(List.of(1L),
        List.of("static", "random", "cm2"), 50, new BoostReference.Settings(50, 4, 1, 2, 0), 1), trainer);
    assertTrue(Double.isNaN(one.agents().get(0).evalReturn().ciLow()));
    assertThrows(IllegalArgumentException.class, () -> new BattleStudy.Settings(List.of(1L), List.of("cm2"), 10,
        new BoostReference.Settings(10, 4, 1, 2, 0), 1));
  }

  private static double[] diff(BattleStudy.AgentResult a, BattleStudy.AgentResult b) {
    double[] d = new double[a.evalPerSeed().length];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.evalPerSeed()[i] - b.evalPerSeed()[i];
    }
    return d;
  }

  @Test
  void kendallTauCountsConcordantPairs() {
    assertEquals(1.0, BattleStudy.kendallTau(List.of("a", "b", "c"), List.of("a", "b", "c")), 0.0);
    assertEquals(-1.0, BattleStudy.kendallTau(List.of("a", "b", "c"), List.of("c", "b", "a")), 0.0);
    // One swapped neighbour pair of three: (2 - 1) / 3.
    assertEquals(1.0 / 3, BattleStudy.kendallTau(List.of("a", "b", "c"), List.of("b", "a", "c")), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> BattleStudy.kendallTau(List.of("a"), List.of("b")));
  }

  @Test
  void greedyPoliciesDropTheirExploration() {
    io.rlsearch.agents.nn.Mlp mu = new io.rlsearch.agents.nn.Mlp(new int[] {3, 2},
        new float[][] {{0.1f, 0.2f, 0.3f, -0.1f, 0f, 0.5f}}, new float[][] {{0.2f, -0.3f}},
        io.rlsearch.agents.nn.Mlp.Activation.TANH);
    io.rlsearch.agents.continuous.GaussianPolicySnapshot g =
        new io.rlsearch.agents.continuous.GaussianPolicySnapshot("g", 0, mu, new double[] {0.5, 0.5});
    Decision d = g.greedy().act(new double[] {1, 2, 3}, new NumpyRandom(1));
    assertArrayEquals(g.mean(new double[] {1, 2, 3}), d.action(), 0.0);
    double[] sampled = g.act(new double[] {1, 2, 3}, new NumpyRandom(1)).action();
    assertTrue(!Arrays.equals(sampled, d.action()), "acting samples around the mean");
  }
}
