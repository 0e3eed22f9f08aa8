package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.testing.Runs;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Replies to asks are handled without starting a thread each. A stage returned by Pekko's Java ask is a
 * Scala future's wrapper whose plain {@code thenApply} and {@code handle} run on
 * {@code CompletableFuture}'s default executor, and on a machine whose common pool has fewer than two
 * workers (a 2-core machine, as CI's) that executor starts a new thread for every task. A deterministic
 * run waits for every round's version through such an ask, so before this was fixed a run of 400 rounds
 * started over 400 threads. On larger machines the default executor is the common pool and the count
 * stays low either way, so the test runs only on the small machines where it matters.
 */
class ReplyThreadsTest {
  @Test
  void aDeterministicRunDoesNotStartAThreadPerRound() {
    // only where the default executor is a thread per task (a common pool of fewer than two workers)
    Assumptions.assumeTrue(ForkJoinPool.getCommonPoolParallelism() < 2, "the default executor is a pool here");
    RunSpec run = Runs.train(Runs.smallWorld(3), BanditAgents.linUcb(new LinUcb.Settings(1.0, 2.0, false), true), 5,
        4_000, 1, 10, 0, Optional.empty());
    // a first run pays for what a system starts once (dispatchers, scheduler, class loading)
    PipelineRunner.runAll(List.of(run), Runs.quietSystemConfig());
    var threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();
    PipelineRunner.Outcome out = PipelineRunner.runAll(List.of(run), Runs.quietSystemConfig()).get(0);
    long started = threads.getTotalStartedThreadCount() - before;
    assertEquals(4_000, out.report().evaluator().metrics().rewards().length);
    // an actor system starts its dispatchers' threads (a few dozen); 400 rounds must not add one each
    assertTrue(started < 150, "a run of 400 rounds started " + started + " threads");
  }
}
