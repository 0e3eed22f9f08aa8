package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.sim.SimSettings;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The comparison protocol draws as the reference's script does: episode by episode, the same users,
 * templates and rewards as the script (seed 42) with its continuous agent replaced by a fixed vector.
 */
class DiscreteContinuousRunTest {
  private static final SimSettings DEFAULTS = SimSettings.defaults();

  static DiscreteContinuousRun.ContinuousAgent fixed(double[] w) {
    return new DiscreteContinuousRun.ContinuousAgent() {
      @Override
      public double[] act(double[] context, int episode, int episodes) {
        return w.clone();
      }

      @Override
      public void learn(double[] context, double[] action, double reward) {}
    };
  }

  @Test
  void theFirstEpisodesAreTheScripts() {
    DiscreteContinuousRun.Result r = DiscreteContinuousRun.run(DEFAULTS,
        new DiscreteContinuousRun.Settings(42, 5, 5.0, 5.0), fixed(new double[10]));
    assertArrayEquals(new int[] {0, 1, 2, 2, 2}, r.linucbArms());
    assertArrayEquals(new double[] {0.0, 0.0, 13.904450206081885, 0.0, 0.0}, r.linucbReward(), 1e-12,
        Arrays.toString(r.linucbReward()));
    assertArrayEquals(new double[] {0.0, 0.0, 17.806760267404382, 0.1, 26.877670325742084}, r.continuousReward(),
        1e-12, Arrays.toString(r.continuousReward()));
  }

  @Test
  void aWeightOnAFeatureActsOnItsCatalogZScoresAsInTheScript() {
    // the script's trace: 0.5 on CM2 with a box of 0.5, 200 episodes; GMV means over all of them
    double[] w = new double[10];
    w[0] = 0.5;
    DiscreteContinuousRun.Result r = DiscreteContinuousRun.run(DEFAULTS,
        new DiscreteContinuousRun.Settings(42, 200, 0.5, 5.0), fixed(w));
    assertArrayEquals(new int[] {0, 1, 2, 2, 2, 3, 4, 5, 2, 6}, Arrays.copyOf(r.linucbArms(), 10));
    assertEquals(8.832496558809913, DiscreteContinuousRun.Result.tail(r.linucbGmv(), 200), 1e-9);
    assertEquals(27.043260625089406, DiscreteContinuousRun.Result.tail(r.continuousGmv(), 200), 1e-9);
  }

  @Test
  void theUserAndQueryScaledFeaturesActAsInTheScript() {
    // the script's trace: a vector on all 10 features (the personalisation and the user- and
    // query-scaled ones included), box 0.5, 200 episodes; GMV means over all of them
    double[] w = {0.3, -0.2, 0.4, 0.5, 0.1, -0.3, 0.2, 0.4, -0.5, 0.25};
    DiscreteContinuousRun.Result r = DiscreteContinuousRun.run(DEFAULTS,
        new DiscreteContinuousRun.Settings(42, 200, 0.5, 5.0), fixed(w));
    assertArrayEquals(new int[] {0, 1, 2, 2, 2, 3, 4, 2, 5, 6}, Arrays.copyOf(r.linucbArms(), 10));
    assertEquals(4.643219950876312, DiscreteContinuousRun.Result.tail(r.linucbGmv(), 200), 1e-9);
    assertEquals(3.1267613805167094, DiscreteContinuousRun.Result.tail(r.continuousGmv(), 200), 1e-9);
  }
}
