package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import org.junit.jupiter.api.Test;

/**
 * The diversity study's training reward on a seed whose training sessions earn something, and its
 * paired changes against eta 0 for a strength that moves the slate.
 */
class DiversityStudyChangesTest {
  private static final World WORLD = World.generate(ZoosimConfig.fromString("catalog { n_products = 300 }")
      .withSeed(5), new NumpyRandom(5));
  private static final double[] SCORES = new double[50];

  static {
    for (int i = 0; i < SCORES.length; i++) {
      SCORES[i] = (i * 7) % 50;
    }
  }

  /** A fixed slate scorer that does not learn. */
  private static final AgentBuilder AGENT = ContinuousAgents.constant("fixed", SCORES);

  static final long SEED = 11;
  static final int TRAIN = 40;

  @Test
  void theTrainingRewardIsTheMeanOfAReplayThatEarnsSomething() {
    RunStreams streams = new RunStreams(SEED);
    SessionRunner runner = new SessionRunner(WORLD, Task.Slate.reference(), streams);
    double sum = 0;
    for (long e = 0; e < TRAIN; e++) {
      runner.prepare(Population.firstSession(WORLD, streams, e));
      sum += runner.finish(Decision.continuous(SCORES, 1.0), "fixed", 0).reward();
    }
    assertTrue(sum > 1, "the fixture needs training sessions that earn, got " + sum);
    DiversityStudy.Curve c = DiversityStudy.run(WORLD, AGENT, SEED, TRAIN, 2, new double[] {0});
    assertEquals(sum / TRAIN, c.trainingReward(), 1e-9 * Math.abs(sum));
  }

  @Test
  void theChangesAreThePairedDifferencesAgainstEtaZero() {
    DiversityStudy.Curve c = DiversityStudy.run(WORLD, AGENT, SEED, 1, 30, new double[] {0, 5});
    DiversityStudy.Point zero = c.points().get(0);
    DiversityStudy.Point five = c.points().get(1);
    assertEquals(0.0, zero.gmvChange().mean());
    assertEquals(0.0, zero.diversityChange().mean());
    double dd = five.diversity().mean() - zero.diversity().mean();
    double dg = five.gmv().mean() - zero.gmv().mean();
    assertTrue(Math.abs(dd) > 1e-6, "eta 5 must move diversity for this check, got " + dd);
    assertEquals(dd, five.diversityChange().mean(), 1e-9);
    assertEquals(dg, five.gmvChange().mean(), 1e-9 * Math.max(1, Math.abs(five.gmv().mean())));
  }
}
