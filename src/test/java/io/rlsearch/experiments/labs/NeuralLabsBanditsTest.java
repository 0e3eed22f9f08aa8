package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits.FeatureMode;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chapter 6a's template-bandit demos in a world of 100 products, with the neural bandits replaced by
 * fixed templates (3 for the neural-linear bandit, 5 for the ensemble): each figure must be the mean
 * of the right window of the right run, the LinUCB runs on the same users (world and streams of 42).
 */
class NeuralLabsBanditsTest {
  static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 100 }");

  private static List<Transition> run(AgentBuilder agent, long episodes) {
    World w = World.generate(SMALL.withSeed(42), new NumpyRandom(42));
    return SyncRunner.run(w, new Task.BoostTemplates(FeatureMode.RICH), agent, new RunStreams(42), episodes, 10, true)
        .transitions();
  }

  /** The mean reward (or GMV) of transitions {@code from} (inclusive) to {@code to} (exclusive). */
  private static double mean(List<Transition> ts, int from, int to, boolean gmv) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += gmv ? ts.get(i).breakdown().gmv() : ts.get(i).reward();
    }
    return s / (to - from);
  }

  @Test
  void eachFigureIsTheMeanOfItsWindowOnTheSameUsers() {
    List<String> asked = new ArrayList<>();
    LabLearners learners = new NeuralLabsTest.Refusing() {
      @Override
      public AgentBuilder neuralLinear(int pretrain) {
        asked.add("neuralLinear(" + pretrain + ")");
        return BanditAgents.fixed("nl", 3);
      }

      @Override
      public AgentBuilder neuralEnsemble() {
        asked.add("neuralEnsemble");
        return BanditAgents.fixed("ne", 5);
      }
    };
    LabReport r = new NeuralLabs.Bandits().run(SMALL, learners);
    assertNotNull(r);
    assertEquals(List.of("neuralLinear(2000)", "neuralEnsemble"), asked);
    assertEquals("ch06a-neural-bandits", r.lab());

    List<Transition> nl = run(BanditAgents.fixed("nl", 3), 7000);
    List<Transition> ne = run(BanditAgents.fixed("ne", 5), 2000);
    List<Transition> lin = run(BanditAgents.linUcb(new LinUcb.Settings(1.0, 1.0, false), true), 7000);
    assertTrue(nl.stream().allMatch(t -> t.arm() == 3));
    assertEquals(List.of("neural_linear_reward_last_1000", "linucb_reward_last_1000_same_users",
        "neural_linear_gmv_last_1000", "linucb_gmv_last_1000_same_users", "neural_ensemble_reward_last_500",
        "linucb_reward_last_500_same_users_2000"), List.copyOf(r.figures().keySet()));
    assertEquals(mean(nl, 6000, 7000, false), (double) r.figures().get("neural_linear_reward_last_1000"), 1e-12);
    assertEquals(mean(lin, 6000, 7000, false), (double) r.figures().get("linucb_reward_last_1000_same_users"), 1e-12);
    assertEquals(mean(nl, 6000, 7000, true), (double) r.figures().get("neural_linear_gmv_last_1000"), 1e-12);
    assertEquals(mean(lin, 6000, 7000, true), (double) r.figures().get("linucb_gmv_last_1000_same_users"), 1e-12);
    assertEquals(mean(ne, 1500, 2000, false), (double) r.figures().get("neural_ensemble_reward_last_500"), 1e-12);
    // the 2,000-decision LinUCB run is the 7,000-decision one's beginning (same users, same updates)
    assertEquals(mean(lin, 1500, 2000, false), (double) r.figures().get("linucb_reward_last_500_same_users_2000"),
        1e-12);
    // the windows differ: a figure taken over the wrong window would not pass
    assertTrue(mean(lin, 6000, 7000, false) != mean(lin, 6500, 7000, false));
    assertEquals(1, r.notes().size());
    assertTrue(r.notes().get(0).startsWith("the chapter records no run of its demos"), r.notes().get(0));
  }
}
