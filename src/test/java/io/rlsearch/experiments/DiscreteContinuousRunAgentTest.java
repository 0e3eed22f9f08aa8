package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the comparison hands the continuous agent, and its settings' limits. */
class DiscreteContinuousRunAgentTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 300 }");

  /** Records what it is given; returns {@code w}. */
  private static final class Recorder implements DiscreteContinuousRun.ContinuousAgent {
    final double[] w;
    final List<double[]> contexts = new ArrayList<>();
    final List<int[]> episodes = new ArrayList<>();
    final List<double[]> actions = new ArrayList<>();
    final List<Double> rewards = new ArrayList<>();

    Recorder(double[] w) {
      this.w = w;
    }

    @Override
    public double[] act(double[] context, int episode, int episodes) {
      contexts.add(context.clone());
      this.episodes.add(new int[] {episode, episodes});
      return w.clone();
    }

    @Override
    public void learn(double[] context, double[] action, double reward) {
      actions.add(action.clone());
      rewards.add(reward);
    }
  }

  @Test
  void theAgentSeesFloat32ContextsCountedFromOneAndLearnsEachRewardItEarned() {
    double[] w = {0.3, -0.2, 0.4, 0.5, 0.1, -0.3, 0.2, 0.4, -0.5, 9.0};
    Recorder agent = new Recorder(w);
    DiscreteContinuousRun.Result r = DiscreteContinuousRun.run(SMALL,
        new DiscreteContinuousRun.Settings(7, 6, 0.5, 5.0), agent);
    assertEquals(6, agent.contexts.size());
    for (int i = 0; i < 6; i++) {
      assertArrayEquals(new int[] {i + 1, 6}, agent.episodes.get(i), "episode " + i);
      double[] x = agent.contexts.get(i);
      assertEquals(17, x.length);
      for (int j = 0; j < x.length; j++) {
        // the script passes float32 features on: every value survives a round trip through float
        assertEquals(x[j], (double) (float) x[j], 0.0, "episode " + i + " feature " + j);
      }
    }
    // the agent learns the unclipped action it returned, and the reward the result reports for it
    assertEquals(6, agent.rewards.size());
    for (int i = 0; i < 6; i++) {
      assertArrayEquals(w, agent.actions.get(i), 0.0);
      assertEquals(r.continuousReward()[i], agent.rewards.get(i), 0.0, "episode " + i);
    }
    // at least one context value is not a float already (so rounding is observable)
    boolean anyFraction = false;
    for (double[] x : agent.contexts) {
      for (double v : x) {
        anyFraction |= v != Math.rint(v) && v != 0.5 && v != -0.5;
      }
    }
    assertEquals(true, anyFraction);
  }

  @Test
  void aNanWeightIsRefusedNamingTheWeightAndTheEpisode() {
    double[] w = new double[10];
    w[3] = Double.NaN;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DiscreteContinuousRun.run(SMALL,
        new DiscreteContinuousRun.Settings(7, 3, 0.5, 5.0), new Recorder(w)));
    assertEquals("the continuous agent returned NaN in weight 3 at episode 1", e.getMessage());
  }

  @Test
  void settingsAcceptTheirLimitsAndRefuseJustPastThem() {
    DiscreteContinuousRun.Settings least = new DiscreteContinuousRun.Settings(0, 1, Double.MIN_VALUE, Double.MIN_VALUE);
    assertEquals(0, least.seed());
    assertEquals(1, least.episodes());
    String msg = "the comparison needs seed >= 0, episodes >= 1, a_max > 0 and a template amplitude > 0";
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new DiscreteContinuousRun.Settings(-1, 1, 1.0, 5.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new DiscreteContinuousRun.Settings(0, 0, 1.0, 5.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new DiscreteContinuousRun.Settings(0, 1, 0.0, 5.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> new DiscreteContinuousRun.Settings(0, 1, 1.0, 0.0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new DiscreteContinuousRun.Settings(0, 1, Double.NaN, 5.0));
    assertThrows(IllegalArgumentException.class, () -> new DiscreteContinuousRun.Settings(0, 1, 1.0, Double.NaN));
  }
}
