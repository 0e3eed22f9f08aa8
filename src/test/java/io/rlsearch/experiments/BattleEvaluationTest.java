package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Paired evaluation: means, names, its user limit, and slate policies evaluated beside boost-weight ones. */
class BattleEvaluationTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 400 }");

  private static World world(long seed) {
    return World.generate(SMALL.withSeed(seed), new NumpyRandom(seed));
  }

  @Test
  void aPolicysMeanIsItsRewardsSumOverItsUsers() {
    BattleEvaluation.Result r = new BattleEvaluation.Result(new double[][] {{1, 2, 6}, {-4, 0.5}},
        new double[2][0], new double[2][0], new int[0]);
    assertEquals(3.0, r.mean(0), 0.0);
    assertEquals(-1.75, r.mean(1), 0.0);
  }

  @Test
  void namesAreTheEntriesInOrder() {
    PolicySnapshot p = BoostReference.fixed("x", new double[10]);
    assertEquals(List.of("b", "a", "c"), BattleEvaluation.names(List.of(new BattleEvaluation.Entry("b", p, false),
        new BattleEvaluation.Entry("a", p, false), new BattleEvaluation.Entry("c", p, true))));
    assertEquals(List.of(), BattleEvaluation.names(List.of()));
  }

  @Test
  void oneUserIsEnoughAndNoneIsRefused() {
    World w = world(3);
    List<BattleEvaluation.Entry> entries = List.of(
        new BattleEvaluation.Entry("none", BoostReference.fixed("none", new double[10]), false));
    BattleEvaluation.Result one = BattleEvaluation.run(w, Task.BoostWeights.battleTemplates(), Task.Slate.reference(),
        entries, 5, 1, 1);
    assertEquals(1, one.rewards()[0].length);
    assertEquals(1, one.segments().length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BattleEvaluation.run(w,
        Task.BoostWeights.battleTemplates(), Task.Slate.reference(), entries, 5, 0, 1));
    assertEquals("evaluation needs at least one user, got 0", e.getMessage());
  }

  @Test
  void aSlatePolicyBesideABoostPolicyGetsWhatEachGetsAlone() {
    World w = world(3);
    Task.BoostWeights weights = Task.BoostWeights.battleTemplates();
    Task.Slate slate = Task.Slate.reference();
    double[] cm2 = new double[10];
    cm2[0] = 3;
    PolicySnapshot boost = BoostReference.fixed("cm2", cm2);
    PolicySnapshot scores = ContinuousAgents.uniform("random", slate.actionDim(), 3.0).create(0, 17).snapshot(0);
    int users = 24;
    BattleEvaluation.Result both = BattleEvaluation.run(w, weights, slate,
        List.of(new BattleEvaluation.Entry("cm2", boost, false), new BattleEvaluation.Entry("slate", scores, true)),
        77, users, 2);
    // Alone, through the runtime's session code, each policy on its own task: user u's session and
    // the policy stream of its episode.
    for (int p = 0; p < 2; p++) {
      PolicySnapshot pol = p == 0 ? boost : scores;
      RunStreams streams = new RunStreams(77);
      SessionRunner runner = new SessionRunner(w, p == 0 ? weights : slate, streams);
      Population pop = new Population(w, streams, users, false, 1);
      double[] alone = new double[users];
      int[] segments = new int[users];
      for (int u = 0; u < users; u++) {
        Population.Arrival arr = pop.next().orElseThrow();
        double[] x = runner.prepare(arr);
        Transition t = runner.finish(pol.act(x, streams.policy(arr.episode())), "x", 0);
        pop.finished(arr.user(), arr.session(), 0, 0);
        alone[u] = t.reward();
        segments[u] = arr.profile().segment();
      }
      assertArrayEquals(alone, both.rewards()[p], "policy " + p);
      assertArrayEquals(segments, both.segments());
    }
  }
}
