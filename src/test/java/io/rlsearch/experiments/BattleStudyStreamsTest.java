package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The battle's documented streams and Kendall's tau's inputs. */
class BattleStudyStreamsTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 400 }");

  @Test
  void theReferencesAreSearchedAndEvaluatedOnTheSeedsDocumentedStreams() {
    BattleStudy.Trainer trainer = (world, seed, agents) -> {
      List<BattleStudy.Trained> out = new ArrayList<>();
      for (String a : agents) {
        PolicySnapshot p = BoostReference.fixed(a, new double[10]);
        out.add(new BattleStudy.Trained(a, false, p, new double[] {1}, 0, 0, 0, 0, 0, 0));
      }
      return out;
    };
    BoostReference.Settings rs = new BoostReference.Settings(20, 4, 1, 2, 0);
    long seed = 2;
    BattleStudy.Result r = BattleStudy.run(SMALL, new BattleStudy.Settings(List.of(seed),
        List.of("static", "random"), 40, rs, 1), trainer);
    // Seed s: search users 64 s + 60, candidates 64 s + 59, held-out users 64 s + 61; the world of seed s.
    World w = World.generate(SMALL.withSeed(seed), new NumpyRandom(seed));
    Task.BoostWeights task = Task.BoostWeights.battleTemplates();
    BoostReference.Found f = BoostReference.search(w, task, 188, new BoostReference.Settings(20, 4, 1, 2, 187), 1);
    BattleEvaluation.Result e = BattleEvaluation.run(w, task, Task.Slate.reference(), List.of(
        new BattleEvaluation.Entry("fixed", BoostReference.fixed("fixed", f.fixed()), false),
        new BattleEvaluation.Entry("seg", BoostReference.perSegment("seg", f.perSegment()), false)), 189, 40, 1);
    assertEquals(e.mean(0), r.fixedReference().mean(), 1e-12);
    assertEquals(e.mean(1), r.perSegmentReference().mean(), 1e-12);
  }

  @Test
  void kendallTauRefusesListsThatAreNotOrdersOfTheSameNames() {
    // A repeated name is not an order: [x, y] against [x, x] has the same size and its names all in [x, y].
    assertThrows(IllegalArgumentException.class, () -> BattleStudy.kendallTau(List.of("x", "y"), List.of("x", "x")));
    assertThrows(IllegalArgumentException.class,
        () -> BattleStudy.kendallTau(List.of("a", "a", "b"), List.of("a", "b", "b")));
    assertThrows(IllegalArgumentException.class, () -> BattleStudy.kendallTau(List.of("a", "b"), List.of("a")));
    // Four names, b moves c to the front: pairs (a,c), (b,c) discordant, 4 concordant: (4 - 2) / 6.
    assertEquals(2.0 / 6, BattleStudy.kendallTau(List.of("a", "b", "c", "d"), List.of("c", "a", "b", "d")), 1e-12);
    assertEquals(1.0, BattleStudy.kendallTau(List.of("a"), List.of("a")), 0.0);
  }
}
