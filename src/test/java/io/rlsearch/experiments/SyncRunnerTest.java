package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plain training loop's round semantics, pinned with a recording agent on a tiny world: episodes of
 * round r act with version r, each round's transitions are learned once each in episode order, a
 * partial last round is learned too, and the published versions are counted (the initial one included).
 */
class SyncRunnerTest {
  private static final World WORLD =
      World.generate(ZoosimConfig.fromString("catalog { n_products = 40 }").withSeed(3), new NumpyRandom(3));
  private static final Task TASK = new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH);

  /** An agent that acts with arm = its snapshot's version and records what it was asked. */
  private static final class Recorder implements AgentBuilder {
    final List<Long> snapshots = new ArrayList<>();
    final List<Transition> observed = new ArrayList<>();
    int arms = -1;
    int dim = -1;

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public UpdateRule create(int arms, int dim) {
      this.arms = arms;
      this.dim = dim;
      return new UpdateRule() {
        @Override
        public void observe(double[] context, Decision decision, double reward) {
          throw new AssertionError("the loop learns whole transitions");
        }

        @Override
        public void observe(Transition t) {
          observed.add(t);
        }

        @Override
        public PolicySnapshot snapshot(long version) {
          snapshots.add(version);
          return new PolicySnapshot() {
            @Override
            public String agent() {
              return "recorder";
            }

            @Override
            public long version() {
              return version;
            }

            @Override
            public Decision act(double[] x, NumpyRandom rng) {
              return Decision.arm((int) version, 1.0);
            }
          };
        }

        @Override
        public boolean learns() {
          return true;
        }
      };
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      throw new UnsupportedOperationException();
    }
  }

  private static long[] versionsOf(List<Transition> ts) {
    return ts.stream().mapToLong(Transition::policyVersion).toArray();
  }

  @Test
  void fiveEpisodesInRoundsOfTwoPublishFourVersionsAndLearnEachTransitionOnceInOrder() {
    Recorder agent = new Recorder();
    SyncRunner.Result r = SyncRunner.run(WORLD, TASK, agent, new RunStreams(5), 5, 2, true);
    assertEquals(8, agent.arms);
    // rounds {0,1} {2,3} and the partial {4}: versions 0 (initial), 1, 2, 3
    assertEquals(List.of(0L, 1L, 2L, 3L), agent.snapshots);
    assertEquals(4, r.policyVersions());
    assertEquals(5, r.transitions().size());
    assertArrayEquals(new long[] {0, 0, 1, 1, 2}, versionsOf(r.transitions()));
    assertArrayEquals(new long[] {0, 1, 2, 3, 4}, r.transitions().stream().mapToLong(Transition::episode).toArray());
    assertEquals(5, agent.observed.size());
    for (int i = 0; i < 5; i++) {
      assertSame(r.transitions().get(i), agent.observed.get(i), "learned transition " + i);
    }
    assertEquals(5, r.report().episodes());
    assertArrayEquals(new int[] {0, 0, 1, 1, 2}, r.report().arms());
    assertTrue(r.transitions().stream().allMatch(t -> t.agent().equals("recorder")));
  }

  @Test
  void anExactMultipleOfTheRoundSizeHasNoExtraRound() {
    Recorder agent = new Recorder();
    SyncRunner.Result r = SyncRunner.run(WORLD, TASK, agent, new RunStreams(5), 4, 2, true);
    assertEquals(List.of(0L, 1L, 2L), agent.snapshots);
    assertEquals(3, r.policyVersions());
    assertArrayEquals(new long[] {0, 0, 1, 1}, versionsOf(r.transitions()));
    assertEquals(4, agent.observed.size());
  }

  @Test
  void roundSizeOneIsTheSmallestAndPublishesAfterEveryEpisode() {
    Recorder agent = new Recorder();
    SyncRunner.Result r = SyncRunner.run(WORLD, TASK, agent, new RunStreams(5), 3, 1, false);
    assertEquals(List.of(0L, 1L, 2L, 3L), agent.snapshots);
    assertEquals(4, r.policyVersions());
    assertTrue(r.transitions().isEmpty(), "transitions are kept only when asked");
    assertEquals(3, r.report().episodes());
    assertArrayEquals(new int[] {0, 1, 2}, r.report().arms());
    assertArrayEquals(new long[] {0, 1, 2}, versionsOf(agent.observed));
  }

  @Test
  void roundSizeZeroIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SyncRunner.run(WORLD, TASK, new Recorder(), new RunStreams(5), 3, 0, false));
    assertEquals("round size must be >= 1, got 0", e.getMessage());
  }

  @Test
  void noEpisodesIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SyncRunner.run(WORLD, TASK, new Recorder(), new RunStreams(5), 0, 2, false));
    assertEquals("episodes must be >= 1, got 0", e.getMessage());
    assertEquals(1, SyncRunner.run(WORLD, TASK, new Recorder(), new RunStreams(5), 1, 2, true).transitions().size(),
        "one episode is enough");
  }
}
