package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.rlsearch.api.LabAgents;
import io.rlsearch.experiments.DiscreteContinuousRun;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.SimSettings;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab's Q-ensemble starts as the script's: until its first update (episode 70, when the replay
 * first holds 64 transitions) it acts from torch's initial networks for seeds 42, 43 and 44 with the
 * script's widths and CEM, so its sessions are the script's, episode by episode.
 */
class DiscreteVsContinuousQEnsembleTest {
  private static SharedLearner learner;

  @BeforeAll
  static void start() {
    learner = new SharedLearner();
  }

  @AfterAll
  static void stop() {
    learner.close();
  }

  @Test
  void beforeItsFirstUpdateTheQEnsemblePlaysTheScriptsSessions() {
    // the script (its Q-ensemble, box 5.0, seed 42): the continuous agent's rewards in episodes 1..60
    double[] script = {0.0, 0.0, 21.100815757279577, 0.0, 0.0, 33.88763875257169, 0.0, 0.0, 0.0, 0.2,
        33.86811136317049, 0.0, 21.100815757279577, 34.687036195818195, 0.0, 0.0, 45.54175961014268, 0.0, 0.0, 0.0,
        0.1, 0.0, 47.88302681668329, 0.0, 0.0, 0.0, 0.0, 13.707387054354143, 0.1, 0.0, 0.0, 0.0, 0.0,
        291.5400399564412, 0.0, 0.0, 0.0, 0.0, 0.0, 43.91449435232496, 21.100815757279577, 0.0, 0.0,
        11.102552318794745, 0.0, 0.0, 43.91449435232496, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 11.102552318794745,
        13.807387054354143, 12.786822995292113, 0.0, 0.0, 0.0, 0.0};
    double[] first = new double[10];
    DiscreteContinuousRun.Result r;
    try (NeuralLabs.DiscreteVsContinuous.Driven agent = new NeuralLabs.DiscreteVsContinuous.Driven(
        new LabAgents(learner).continuousQ(5.0)) {
          @Override
          public double[] act(double[] context, int episode, int episodes) {
            double[] a = super.act(context, episode, 3000);
            if (episode == 1) {
              System.arraycopy(a, 0, first, 0, 10);
            }
            return a;
          }
        }) {
      r = DiscreteContinuousRun.run(SimSettings.defaults(), new DiscreteContinuousRun.Settings(42, 60, 5.0, 5.0), agent);
    }
    assertArrayEquals(new double[] {-0.599392, 0.673720, 0.440603, -0.744883, -0.462947, 0.348736, 0.916841,
        -1.104047, 0.389611, -0.894224}, first, 1e-5, Arrays.toString(first));
    assertArrayEquals(script, r.continuousReward(), 1e-9, Arrays.toString(r.continuousReward()));
  }
}
