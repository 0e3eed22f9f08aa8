package io.rlsearch.testkit;

import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunObserver;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.InferenceEngine;
import io.rlsearch.core.Transition;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.World;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;

/**
 * Drives an agent through the real runtime inside an {@link ActorTestKit}'s actor system: the same
 * guardian, population, environment shards, policy server, learner, replay and evaluator as
 * {@code ./rlsearch train}, with every transition recorded.
 *
 * <pre>{@code
 * static final ActorTestKit kit = ActorTestKit.create();
 * ObservedRun run = AgentHarness.train(kit, new MyBuilder(), AgentHarness.Settings.of(TinyWorld.create(7), 600));
 * RunAssertions.nothingLost(run);
 * }</pre>
 */
public final class AgentHarness {
  private AgentHarness() {}

  /**
   * A run's settings.
   *
   * @param world the world (see {@link TinyWorld})
   * @param task what the agent chooses: the 8 templates with simple or rich features, or a weight task's arms
   * @param seed the root seed of every stream of the run
   * @param episodes episodes (users, one session each)
   * @param shards environment shards acting in parallel
   * @param publishEvery the learner publishes a new policy version (a live swap in the policy server)
   *     every this many transitions
   * @param faultRate share of session attempts a shard fails on purpose (0: none); failed attempts are
   *     retried by the runtime, which must lose nothing
   * @param deadline how long the run may take before the harness gives up (the test fails)
   */
  public record Settings(World world, Task task, long seed, long episodes, int shards, int publishEvery,
      double faultRate, Duration deadline) {
    public Settings {
      Objects.requireNonNull(world, "world");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(deadline, "deadline");
      if (episodes < 1 || shards < 1 || publishEvery < 1) {
        throw new IllegalArgumentException("episodes, shards and publishEvery must be >= 1; got " + episodes + ", "
            + shards + ", " + publishEvery);
      }
      if (!(faultRate >= 0 && faultRate < 1)) {
        throw new IllegalArgumentException("faultRate must be in [0, 1), got " + faultRate);
      }
    }

    /** {@code episodes} on the template task with rich features, seed 1, 2 shards, a swap every 50, no faults, 2 minutes. */
    public static Settings of(World world, long episodes) {
      return new Settings(world, new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), 1, episodes, 2, 50, 0.0,
          Duration.ofMinutes(2));
    }

    /** The same with another seed. */
    public Settings withSeed(long s) {
      return new Settings(world, task, s, episodes, shards, publishEvery, faultRate, deadline);
    }

    /** The same with injected shard faults. */
    public Settings withFaultRate(double rate) {
      return new Settings(world, task, seed, episodes, shards, publishEvery, rate, deadline);
    }

    /** The same with another number of shards. */
    public Settings withShards(int n) {
      return new Settings(world, task, seed, episodes, n, publishEvery, faultRate, deadline);
    }
  }

  /** Runs {@code agent} with {@code settings} in {@code kit}'s actor system and waits for its report. */
  public static ObservedRun train(ActorTestKit kit, AgentBuilder agent, Settings settings) {
    List<Transition> seen = Collections.synchronizedList(new ArrayList<>());
    RunObserver recorder = batch -> seen.addAll(batch);
    RunSpec spec = new RunSpec(settings.world(), settings.task(), agent, settings.seed(), settings.episodes(), false, 1,
        1.0, settings.shards(), 0, settings.publishEvery(), 64, 10_000, settings.faultRate(), 20,
        Duration.ofSeconds(20), Duration.ofMinutes(2), 4, Optional.empty(), "", 8, Optional.empty(),
        Optional.empty(), Duration.ZERO, () -> InferenceEngine.JAVA, Optional.of(recorder));
    TestProbe<Guardian.RunReport> probe = kit.createTestProbe();
    kit.spawn(Guardian.create(spec, probe.ref()));
    Guardian.RunReport report = probe.receiveMessage(settings.deadline());
    synchronized (seen) {
      return new ObservedRun(report, new ArrayList<>(seen));
    }
  }
}
