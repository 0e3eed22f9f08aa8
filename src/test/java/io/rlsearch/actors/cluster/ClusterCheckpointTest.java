package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.learn.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clustered coordinator's checkpoints, on one node (learner and env) with real remoting: their
 * size does not grow with the episodes learned, a checkpoint of the earlier format (every learned
 * episode's row) is resumed from with the result of an uninterrupted run, and the reported figures
 * are exactly the plain loop's.
 */
class ClusterCheckpointTest {
  private static ClusterNode node;

  private static final ClusterCoordinator.Settings SETTINGS = new ClusterCoordinator.Settings(4, 50, 4,
      Duration.ofSeconds(5), Duration.ofMillis(200), 20, 10_000);

  @BeforeAll
  static void start() throws Exception {
    int port = ClusterRunTest.freePort();
    node = ClusterNode.start(ClusterNode.config(ClusterRunTest.fast(), "127.0.0.1", port, List.of("127.0.0.1:" + port),
        List.of("learner", "env")), new ClusterRunTest.Factory());
    node.awaitUp("env", 1, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
    node.awaitRegions(1, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /**
   * LinUCB whose learner throws on one episode: every time (the coordinator fails there until it gives
   * up) or the first time only.
   */
  static final class FailingAt implements RunFactory {
    private final ClusterRunTest.Factory plain = new ClusterRunTest.Factory();
    private final long episode;
    private final boolean once;
    private final java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();

    FailingAt(long episode, boolean once) {
      this.episode = episode;
      this.once = once;
    }

    @Override
    public io.rlsearch.sim.World world(RunDescriptor d) {
      return plain.world(d);
    }

    @Override
    public io.rlsearch.experiments.Task task(RunDescriptor d) {
      return plain.task(d);
    }

    @Override
    public AgentBuilder agent(RunDescriptor d) {
      AgentBuilder inner = plain.agent(d);
      long at = episode;
      java.util.function.BooleanSupplier fire = () -> !(once && fired.getAndSet(true));
      return new AgentBuilder() {
        @Override
        public String name() {
          return inner.name();
        }

        @Override
        public UpdateRule create(int arms, int dim) {
          return failing(inner.create(arms, dim), at, fire);
        }

        @Override
        public UpdateRule restore(PolicySnapshot snapshot) {
          return inner.restore(snapshot);
        }

        @Override
        public UpdateRule restoreState(AgentState state) {
          return failing(inner.restoreState(state), at, fire);
        }
      };
    }

    private static UpdateRule failing(UpdateRule rule, long at, java.util.function.BooleanSupplier fire) {
      return new UpdateRule() {
        @Override
        public void observe(double[] context, Decision decision, double reward) {
          rule.observe(context, decision, reward);
        }

        @Override
        public void observe(Transition t) {
          if (t.episode() == at && fire.getAsBoolean()) {
            throw new IllegalStateException("a learner failure injected at episode " + at);
          }
          rule.observe(t);
        }

        @Override
        public PolicySnapshot snapshot(long version) {
          return rule.snapshot(version);
        }

        @Override
        public Optional<AgentState> state() {
          return rule.state();
        }

        @Override
        public boolean learns() {
          return rule.learns();
        }

        @Override
        public void close() {
          rule.close();
        }
      };
    }
  }

  private static Path checkpointOf(Path dir, RunDescriptor run) {
    return dir.resolve(run.runId() + ".ckpt");
  }

  /** Runs {@code run} until its learner has failed at {@code failAt} for good; the checkpoint before stays. */
  private static Path failedRunCheckpoint(Path dir, RunDescriptor run, long failAt) throws Exception {
    ClusterCoordinator.Report r = node.run(run, new FailingAt(failAt, false), SETTINGS.withCheckpoints(dir.toString(), 1),
        System::nanoTime).toCompletableFuture().get(180, TimeUnit.SECONDS);
    assertTrue(r.failure().isPresent(), "the injected failure ends the run: " + r);
    Path file = checkpointOf(dir, run);
    assertTrue(Files.exists(file), "a failed run keeps its checkpoint");
    return file;
  }

  /** Values in the checkpoint's run arrays (those not the agent's own). */
  private static int runValues(Checkpoints.Checkpoint c) {
    int n = 0;
    for (Map.Entry<String, double[]> e : c.state().arrays().entrySet()) {
      if (!e.getKey().startsWith("agent.")) {
        n += e.getValue().length;
      }
    }
    return n;
  }

  @Test
  void aCheckpointDoesNotGrowWithTheEpisodesLearned(@TempDir Path dir) throws Exception {
    Path early = failedRunCheckpoint(dir, new RunDescriptor("ck-early", "", "linucb", 5, 3000, 100), 1250);
    Path late = failedRunCheckpoint(dir, new RunDescriptor("ck-late", "", "linucb", 5, 3000, 100), 2450);
    Checkpoints.Checkpoint a = Checkpoints.read(early);
    Checkpoints.Checkpoint b = Checkpoints.read(late);
    assertEquals(1200, a.usersDone(), "the last checkpoint before episode 1250");
    assertEquals(2400, b.usersDone(), "the last checkpoint before episode 2450");
    assertEquals(runValues(a), runValues(b), "the run's own figures take as many values at 2,400 episodes as at 1,200");
    long sa = Files.size(early);
    long sb = Files.size(late);
    // The agent's arrays (LinUCB's statistics) have a fixed size; by 1,200 episodes every arm has been
    // played, so their numbers have full digits in both, and only the digits' count may still differ.
    assertTrue(sb < sa * 1.05, "checkpoint at 1,200 episodes " + sa + " bytes, at 2,400 " + sb + " bytes");
  }

  @Test
  void theFiguresAreExactlyThePlainLoops() throws Exception {
    RunDescriptor run = new RunDescriptor("ck-exact", "", "linucb", 8, 1250, 100);
    ClusterRunTest.Factory f = new ClusterRunTest.Factory();
    SyncRunner.Result plain = SyncRunner.run(f.world(run), f.task(run), f.agent(run), new RunStreams(run.seed()),
        run.users(), run.roundSize(), false);
    ClusterCoordinator.Report r = node.run(run, f, SETTINGS, System::nanoTime).toCompletableFuture()
        .get(180, TimeUnit.SECONDS);
    assertTrue(r.failure().isEmpty(), r.failure().toString());
    assertEquals(plain.report().mean().get("reward").mean(), r.meanReward());
    assertEquals(plain.report().mean().get("gmv").mean(), r.meanGmv());
    assertEquals(plain.report().last().get("reward").mean(), r.finalReward(), "the final 10% of episodes");
  }

  @Test
  void aCoordinatorThatFailsAndResumesManyVersionsBackFinishesTheRunWithTheUninterruptedResult(@TempDir Path dir)
      throws Exception {
    // It fails once, in round 23; its checkpoint is of round 12: the nodes hold versions up to 23 by then.
    RunDescriptor run = new RunDescriptor("ck-back", "", "linucb", 10, 2500, 100);
    ClusterRunTest.Factory f = new ClusterRunTest.Factory();
    SyncRunner.Result plain = SyncRunner.run(f.world(run), f.task(run), f.agent(run), new RunStreams(run.seed()),
        run.users(), run.roundSize(), false);
    ClusterCoordinator.Report r = node.run(run, new FailingAt(2350, true), SETTINGS.withCheckpoints(dir.toString(), 12),
        System::nanoTime).toCompletableFuture().get(150, TimeUnit.SECONDS);
    assertTrue(r.failure().isEmpty(), r.failure().toString());
    assertEquals(12, r.resumedAtRound());
    // The finished run's checkpoint is gone when its report arrives (it was deleted after the report,
    // and the test's directory could not be removed while the deletion ran).
    try (var left = java.nio.file.Files.list(dir)) {
      assertEquals(List.of(), left.toList(), "the checkpoint directory when the report arrived");
    }
    assertEquals(2500, r.learned());
    assertEquals(0, r.lost());
    assertEquals(plain.report().mean().get("reward").mean(), r.meanReward());
  }

  /**
   * A checkpoint as the earlier coordinator wrote it at round {@code round}: the agent's state after the
   * plain loop's first rounds, and every learned episode's id, version, arm and metric values.
   */
  private static void writeEarlierFormat(Path file, RunDescriptor run, ClusterRunTest.Factory f, SyncRunner.Result plain,
      int round) throws Exception {
    SessionRunner probe = new SessionRunner(f.world(run), f.task(run), new RunStreams(run.seed()));
    UpdateRule rule = f.agent(run).create(probe.arms(), probe.contextDim());
    int done = round * run.roundSize();
    double[] rows = new double[done * 10];
    List<Transition> ts = plain.transitions().stream()
        .sorted(java.util.Comparator.comparingLong(Transition::episode)).limit(done).toList();
    for (int i = 0; i < done; i++) {
      Transition t = ts.get(i);
      assertEquals(i, t.episode());
      rule.observe(t);
      rows[i * 10] = t.episode();
      rows[i * 10 + 1] = t.policyVersion();
      rows[i * 10 + 2] = t.arm();
      System.arraycopy(OnlineMetrics.row(t), 0, rows, i * 10 + 3, 7);
    }
    Map<String, double[]> arrays = new HashMap<>();
    Map<String, Long> counters = new HashMap<>();
    AgentState st = rule.state().orElseThrow();
    st.arrays().forEach((k, v) -> arrays.put("agent." + k, v));
    st.counters().forEach((k, v) -> counters.put("agent." + k, v));
    arrays.put("run.rows", rows);
    counters.put("run.stateless", 0L);
    counters.put("run.round", (long) round);
    counters.put("run.produced", (long) done);
    counters.put("run.duplicates", 0L);
    counters.put("run.retries", 0L);
    Checkpoints.write(file, new Checkpoints.Checkpoint(Map.of("run_id", run.runId(), "agent", st.agent()), done, round,
        done, new AgentState("cluster-run", arrays, counters)));
  }

  @Test
  void aCheckpointOfTheEarlierFormatIsResumedWithTheUninterruptedResult(@TempDir Path dir) throws Exception {
    RunDescriptor run = new RunDescriptor("ck-earlier", "", "linucb", 9, 1500, 100);
    ClusterRunTest.Factory f = new ClusterRunTest.Factory();
    SyncRunner.Result plain = SyncRunner.run(f.world(run), f.task(run), f.agent(run), new RunStreams(run.seed()),
        run.users(), run.roundSize(), true);
    writeEarlierFormat(checkpointOf(dir, run), run, f, plain, 6);
    ClusterCoordinator.Report r = node.run(run, f, SETTINGS.withCheckpoints(dir.toString(), 5), System::nanoTime)
        .toCompletableFuture().get(180, TimeUnit.SECONDS);
    assertTrue(r.failure().isEmpty(), r.failure().toString());
    assertEquals(6, r.resumedAtRound(), "resumed from the earlier format's checkpoint");
    assertEquals(1500, r.learned());
    assertEquals(0, r.lost());
    assertEquals(plain.report().mean().get("reward").mean(), r.meanReward());
    assertEquals(plain.report().mean().get("gmv").mean(), r.meanGmv());
    assertEquals(plain.report().last().get("reward").mean(), r.finalReward());
  }
}
