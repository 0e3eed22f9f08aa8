package io.rlsearch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A learner that crashes keeps its agent's whole state, not only what its last published snapshot
 * holds: the agent below keeps a counter and an order hash that its snapshots do not carry (as PPO's
 * value net and random streams, or ContQ's unfitted buffer, are not in their snapshots).
 */
class LearnerRestartTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A snapshot with the reward sum only. */
  private record SumSnapshot(long version, double sum) implements PolicySnapshot {
    @Override
    public String agent() {
      return "hidden";
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      return new Decision(0, null, 1.0);
    }
  }

  /** Sums rewards (in the snapshot) and counts and hashes the order of what it learned (state only). */
  private static final class HiddenRule implements UpdateRule {
    double sum;
    long count;
    long order;

    HiddenRule(double sum, long count, long order) {
      this.sum = sum;
      this.count = count;
      this.order = order;
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void observe(Transition t) {
      sum += t.reward();
      count++;
      order = order * 31 + t.episode();
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      return new SumSnapshot(version, sum);
    }

    @Override
    public Optional<AgentState> state() {
      return Optional.of(new AgentState("hidden", Map.of("sum", new double[] {sum}),
          Map.of("count", count, "order", order)));
    }

    @Override
    public boolean learns() {
      return true;
    }
  }

  private static final AgentBuilder HIDDEN = new AgentBuilder() {
    @Override
    public String name() {
      return "hidden";
    }

    @Override
    public UpdateRule create(int arms, int dim) {
      return new HiddenRule(0, 0, 0);
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      return new HiddenRule(((SumSnapshot) snapshot).sum(), 0, 0);
    }

    @Override
    public UpdateRule restoreState(AgentState s) {
      return new HiddenRule(s.array("sum")[0], s.counter("count"), s.counter("order"));
    }
  };

  private static Transition transition(long episode) {
    return new Transition(episode, episode, 0, "hidden", 0, new double[] {1}, 0, null, 1.0, episode % 7,
        new RewardBreakdown(episode % 7, 0, 0, 0), 1, 20, 0.5, 1);
  }

  /** What the learner reports at the end of a run: its last checkpoint, stats and published versions. */
  private record Outcome(LearnerActor.Checkpointed last, LearnerActor.Stats stats, List<Long> versions) {}

  /**
   * Feeds {@code n} transitions in batches of {@code batch}, in arrival order {@code 0..n-1} reversed
   * within each batch, crashing the learner after the batches listed in {@code crashAfter}.
   */
  private static Outcome run(LearnerActor.Settings settings, int n, int batch, List<Integer> crashAfter) {
    var registry = testKit.spawn(PolicyRegistryActor.create(HIDDEN.create(1, 1).snapshot(0)));
    TestProbe<PolicySnapshot> sub = testKit.createTestProbe();
    registry.tell(new PolicyRegistryActor.Subscribe(sub.ref()));
    sub.receiveMessage();
    TestProbe<LearnerActor.Checkpointed> cps = testKit.createTestProbe();
    ActorRef<LearnerActor.Command> learner = testKit.spawn(LearnerActor.create(HIDDEN, registry, settings,
        new LearnerActor.State(), cps.ref()));
    TestProbe<Ack> ack = testKit.createTestProbe();
    learner.tell(new LearnerActor.Init(ack.ref()));
    ack.receiveMessage();
    int b = 0;
    for (int from = 0; from < n; from += batch, b++) {
      List<Transition> ts = new ArrayList<>();
      for (int e = Math.min(n, from + batch) - 1; e >= from; e--) {
        ts.add(transition(e));
      }
      learner.tell(new LearnerActor.Element(ts, ack.ref()));
      ack.receiveMessage(Duration.ofSeconds(10));
      if (crashAfter.contains(b)) {
        learner.tell(LearnerActor.Crash.INSTANCE);
      }
    }
    learner.tell(LearnerActor.Completed.INSTANCE);
    TestProbe<LearnerActor.Stats> stats = testKit.createTestProbe();
    learner.tell(new LearnerActor.GetStats(stats.ref()));
    LearnerActor.Stats s = stats.receiveMessage(Duration.ofSeconds(10));
    LearnerActor.Checkpointed last = null;
    while (last == null || !last.last()) {
      last = cps.receiveMessage(Duration.ofSeconds(10));
    }
    List<Long> versions = new ArrayList<>();
    for (Object m : sub.receiveSeveralMessages((int) s.published(), Duration.ofSeconds(10))) {
      versions.add(((PolicySnapshot) m).version());
    }
    sub.expectNoMessage(Duration.ofMillis(100));
    testKit.stop(learner);
    testKit.stop(registry);
    return new Outcome(last, s, versions);
  }

  private static void assertSameAsWithoutCrash(LearnerActor.Settings settings, int n, int batch, List<Integer> crashes) {
    Outcome clean = run(settings, n, batch, List.of());
    Outcome crashed = run(settings, n, batch, crashes);
    assertEquals(crashes.size(), crashed.stats().restarts());
    assertEquals(clean.last().state(), crashed.last().state(),
        "the agent's whole state at the end is the same as without the crash");
    assertEquals(n, crashed.last().state().counter("count"));
    assertEquals(n, crashed.stats().learned(), "each transition counted once");
    assertEquals(clean.versions(), crashed.versions(), "every version published once, in order");
    assertEquals(clean.stats().published(), crashed.stats().published());
    assertTrue(crashed.stats().completed());
  }

  /**
   * The learner's restore from the registry throws once: the restart restores again, and what came
   * while it was restoring (the stream's start, a batch) is handled, not lost with the first attempt.
   */
  @Test
  void aRestoreThatThrowsOnceStillAcknowledgesWhatCameWhileRestoring() {
    java.util.concurrent.atomic.AtomicInteger restores = new java.util.concurrent.atomic.AtomicInteger();
    AgentBuilder flaky = new AgentBuilder() {
      @Override
      public String name() {
        return "hidden";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return HIDDEN.create(arms, dim);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        if (restores.getAndIncrement() == 0) {
          throw new IllegalStateException("restore fails once");
        }
        return HIDDEN.restore(snapshot);
      }

      @Override
      public UpdateRule restoreState(AgentState s) {
        return HIDDEN.restoreState(s);
      }
    };
    // The registry is a probe: the stream's start reaches the learner before the snapshot it asked for.
    TestProbe<PolicyRegistryActor.Command> registry = testKit.createTestProbe();
    ActorRef<LearnerActor.Command> learner = testKit.spawn(LearnerActor.create(flaky, registry.ref(),
        new LearnerActor.Settings(0, 100, 1000), new LearnerActor.State()));
    PolicyRegistryActor.GetCurrent first = registry.expectMessageClass(PolicyRegistryActor.GetCurrent.class);
    TestProbe<Ack> ack = testKit.createTestProbe();
    learner.tell(new LearnerActor.Init(ack.ref()));
    first.replyTo().tell(HIDDEN.create(1, 1).snapshot(0));
    PolicyRegistryActor.GetCurrent second = registry.expectMessageClass(PolicyRegistryActor.GetCurrent.class,
        Duration.ofSeconds(5));
    second.replyTo().tell(HIDDEN.create(1, 1).snapshot(0));
    ack.expectMessage(Duration.ofSeconds(5), Ack.INSTANCE);
    learner.tell(new LearnerActor.Element(List.of(transition(0), transition(1)), ack.ref()));
    ack.expectMessage(Duration.ofSeconds(5), Ack.INSTANCE);
    TestProbe<LearnerActor.Stats> stats = testKit.createTestProbe();
    learner.tell(new LearnerActor.GetStats(stats.ref()));
    LearnerActor.Stats s = stats.receiveMessage(Duration.ofSeconds(5));
    assertEquals(2, s.learned());
    assertEquals(2, restores.get(), "restored twice: the failed attempt and the one after the restart");
    testKit.stop(learner);
  }

  @Test
  void aThroughputLearnerKeepsItsWholeStateAcrossCrashes() {
    assertSameAsWithoutCrash(new LearnerActor.Settings(0, 300, 10, 0, 1, 0), 300, 7, List.of(3, 20, 21, 40));
  }

  @Test
  void crashesAfterLaterRestorePointsRestartFromThem() {
    // Restore points every 1,024 transitions learned: crashes before, between and after them.
    assertSameAsWithoutCrash(new LearnerActor.Settings(0, 3000, 10, 0, 1, 0), 3000, 7, List.of(100, 147, 148, 300, 420));
    assertSameAsWithoutCrash(new LearnerActor.Settings(50, 3000, 10, 0, 1, 0), 3000, 9, List.of(120, 200, 201, 332));
  }

  @Test
  void aDeterministicLearnerKeepsItsWholeStateAcrossCrashes() {
    assertSameAsWithoutCrash(new LearnerActor.Settings(25, 300, 10, 0, 1, 0), 300, 6, List.of(2, 11, 30, 31, 49));
  }
}
