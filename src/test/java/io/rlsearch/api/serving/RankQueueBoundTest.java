package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A rank request whose requester stopped waiting still holds its place in the shard's queue until the
 * shard takes it: a stalled shard's mailbox never holds more than its queue.
 */
class RankQueueBoundTest {
  /** Weights of 0 after a stall of {@code stallMs} on the first call. */
  private static final class Stalling implements PolicySnapshot {
    private final java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);

    @Override
    public String agent() {
      return "stalling";
    }

    @Override
    public long version() {
      return 0;
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      if (first.getAndSet(false)) {
        try {
          Thread.sleep(ServingSystem.RANK_TIMEOUT.toMillis() + 2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Decision.continuous(new double[10], 1.0);
    }
  }

  @Test
  void aTimedOutRequestKeepsItsPlaceUntilTheShardTakesIt() throws Exception {
    World world = Runs.smallWorld(3);
    SimulatedRequests sim = new SimulatedRequests(world, 3, 20, 5);
    ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(), Optional.empty(),
        3, 0, 1);
    try (ServingSystem sys = new ServingSystem(world, Task.BoostWeights.battle(), "stalling", "test", new Stalling(), s,
        Runs.quietSystemConfig())) {
      // A: taken at once (its place freed), then the shard stalls on it.
      var a = sys.rank(sim.session(0).request()).toCompletableFuture();
      Thread.sleep(300);
      // B: admitted (the one place), waits in the mailbox, and its requester gives up after the timeout.
      var b = sys.rank(sim.session(1).request()).toCompletableFuture();
      ServingSystem.RankResult rb = b.get(ServingSystem.RANK_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      assertInstanceOf(ServingSystem.RankShed.class, rb, "B's requester stopped waiting");
      assertTrue(((ServingSystem.RankShed) rb).why().contains("did not answer"), "B was admitted, then timed out: "
          + ((ServingSystem.RankShed) rb).why());
      // C: B still holds the place, so C is shed at once rather than queued behind it.
      ServingSystem.RankResult rc = sys.rank(sim.session(2).request()).toCompletableFuture().get(1, TimeUnit.SECONDS);
      assertInstanceOf(ServingSystem.RankShed.class, rc);
      assertTrue(((ServingSystem.RankShed) rc).why().startsWith("overloaded"), ((ServingSystem.RankShed) rc).why());
      a.get(10, TimeUnit.SECONDS);
    }
  }
}
