package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The diversity study with a scripted slate agent: training replayed, learning and closing counted. */
class DiversityStudyScriptedTest {
  private static final World WORLD = World.generate(ZoosimConfig.fromString("catalog { n_products = 300 }")
      .withSeed(5), new NumpyRandom(5));
  private static final double[] SCORES = new double[50];

  static {
    for (int i = 0; i < SCORES.length; i++) {
      SCORES[i] = (i * 7) % 50; // a fixed, non-monotone order
    }
  }

  private static final AtomicInteger observed = new AtomicInteger();
  private static final AtomicInteger closes = new AtomicInteger();

  private static final AgentBuilder AGENT = new AgentBuilder() {
    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public UpdateRule create(int arms, int dim) {
      return new UpdateRule() {
        @Override
        public void observe(double[] context, Decision decision, double reward) {
          throw new AssertionError("the study feeds transitions");
        }

        @Override
        public void observe(Transition t) {
          observed.incrementAndGet();
        }

        @Override
        public PolicySnapshot snapshot(long version) {
          assertEquals(observed.get(), version, "version n after n outcomes");
          return new PolicySnapshot() {
            @Override
            public String agent() {
              return "scripted";
            }

            @Override
            public long version() {
              return version;
            }

            @Override
            public Decision act(double[] x, NumpyRandom rng) {
              return Decision.continuous(SCORES, 1.0);
            }
          };
        }

        @Override
        public boolean learns() {
          return true;
        }

        @Override
        public void close() {
          closes.incrementAndGet();
        }
      };
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      throw new UnsupportedOperationException();
    }
  };

  @Test
  void trainingRewardIsTheMeanOverTheTrainingEpisodesAndTheRuleLearnsFromEachAndIsClosed() {
    long seed = 11;
    RunStreams streams = new RunStreams(seed);
    SessionRunner runner = new SessionRunner(WORLD, Task.Slate.reference(), streams);
    double sum = 0;
    for (long e = 0; e < 3; e++) {
      runner.prepare(Population.firstSession(WORLD, streams, e));
      sum += runner.finish(Decision.continuous(SCORES, 1.0), "scripted", e).reward();
    }
    observed.set(0);
    closes.set(0);
    DiversityStudy.Curve c = DiversityStudy.run(WORLD, AGENT, seed, 3, 2, new double[] {0});
    assertEquals(sum / 3, c.trainingReward(), 1e-9 * Math.max(1, Math.abs(sum)));
    assertEquals(3, observed.get(), "one outcome per training episode");
    assertEquals(1, closes.get());
    assertEquals("scripted", c.agent());
    assertEquals(1, c.points().size());
    assertEquals(0.0, c.points().get(0).diversityChange().mean());
  }

  @Test
  void theSmallestStudyRunsAndSmallerOnesAreRefused() {
    observed.set(0);
    closes.set(0);
    DiversityStudy.Curve c = DiversityStudy.run(WORLD, AGENT, 3, 1, 2, new double[] {0, 10});
    assertEquals(2, c.points().size());
    assertEquals(10.0, c.points().get(1).eta());
    assertEquals(2, c.points().get(1).gmv().n());
    String msg = "the study needs >= 1 training and >= 2 evaluation episodes and a strength";
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> DiversityStudy.run(WORLD, AGENT, 3, 0, 2, new double[] {0})).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> DiversityStudy.run(WORLD, AGENT, 3, 1, 1, new double[] {0})).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> DiversityStudy.run(WORLD, AGENT, 3, 1, 2, new double[0])).getMessage());
  }
}
