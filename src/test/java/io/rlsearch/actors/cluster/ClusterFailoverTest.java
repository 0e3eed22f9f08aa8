package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.NeuralAgents;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clustered runtime under its two hard faults: a learner state too large for an ordinary frame
 * (a Q-ensemble's), and the loss of the learner node mid-run (another learner node resumes the run
 * from its checkpoint). Three ActorSystems in one JVM on loopback, with real remoting.
 */
class ClusterFailoverTest {
  /** The Q-ensemble on the boost-weight task, one shared learner per node (as each process has). */
  static final class ContqFactory implements RunFactory, AutoCloseable {
    private final SharedLearner learner = new SharedLearner();

    @Override
    public World world(RunDescriptor d) {
      return World.generate(ZoosimConfig.fromString("catalog { n_products = 300 }").withSeed(d.seed()),
          new NumpyRandom(d.seed()));
    }

    @Override
    public Task task(RunDescriptor d) {
      return Task.BoostWeights.battle();
    }

    @Override
    public AgentBuilder agent(RunDescriptor d) {
      return NeuralAgents.qEnsemble(learner, NeuralAgents.QEnsembleSettings.battle(Task.BoostWeights.battle().aMax()));
    }

    @Override
    public void close() {
      learner.close();
    }
  }

  private static final ClusterCoordinator.Settings SETTINGS = new ClusterCoordinator.Settings(6, 25, 6,
      Duration.ofSeconds(5), Duration.ofMillis(500), 60, 10_000);

  @Test
  void aQEnsembleWhoseStateExceedsAFrameRunsAcrossTwoNodesAsThePlainLoop() throws Exception {
    RunDescriptor run = new RunDescriptor("contq", "", "contq", 7, 800, 200);
    SyncRunner.Result plain;
    try (ContqFactory f = new ContqFactory()) {
      plain = SyncRunner.run(f.world(run), f.task(run), f.agent(run), new RunStreams(run.seed()), run.users(),
          run.roundSize(), false);
    }
    int[] ports = {ClusterRunTest.freePort(), ClusterRunTest.freePort()};
    List<String> seeds = List.of("127.0.0.1:" + ports[0]);
    List<ClusterNode> nodes = new ArrayList<>();
    List<ContqFactory> factories = List.of(new ContqFactory(), new ContqFactory());
    try {
      nodes.add(ClusterNode.start(ClusterNode.config(ClusterRunTest.fast(), "127.0.0.1", ports[0], seeds, List.of("learner")),
          factories.get(0)));
      nodes.add(ClusterNode.start(ClusterNode.config(ClusterRunTest.fast(), "127.0.0.1", ports[1], seeds, List.of("env")),
          factories.get(1)));
      nodes.get(0).awaitUp("env", 1, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
      // Asked on the learner node, which hosts no shard (its sharding is a proxy).
      nodes.get(0).awaitRegions(1, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
      // Every version crosses to the env node: the learner node hosts no shard.
      ClusterCoordinator.Report r = nodes.get(0).run(run, factories.get(0), SETTINGS, System::nanoTime)
          .toCompletableFuture().get(300, TimeUnit.SECONDS);
      assertTrue(r.failure().isEmpty(), r.failure().toString());
      assertEquals(800, r.learned());
      assertEquals(0, r.lost());
      assertEquals(5, r.versions());
      assertEquals(plain.report().mean().get("reward").mean(), r.meanReward(), 1e-9, "the plain loop's result");
    } finally {
      for (ClusterNode n : nodes) {
        n.close();
      }
      factories.forEach(ContqFactory::close);
    }
  }

  @Test
  void whenTheLearnerNodeIsLostAnotherLearnerNodeResumesTheRunFromItsCheckpoint(@TempDir Path dir) throws Exception {
    RunDescriptor run = new RunDescriptor("failover", "", "linucb", 21, 6000, 200);
    ClusterCoordinator.Settings settings = SETTINGS.withCheckpoints(dir.toString(), 2);
    ClusterRunTest.Factory f = new ClusterRunTest.Factory();
    SyncRunner.Result plain = SyncRunner.run(f.world(run), f.task(run), f.agent(run), new RunStreams(run.seed()),
        run.users(), run.roundSize(), false);
    int[] ports = {ClusterRunTest.freePort(), ClusterRunTest.freePort(), ClusterRunTest.freePort()};
    List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    List<ClusterNode> nodes = new ArrayList<>();
    try {
      nodes.add(ClusterNode.start(ClusterNode.config(ClusterRunTest.fast(), "127.0.0.1", ports[0], seeds, List.of("learner", "env")),
          new ClusterRunTest.Factory()));
      nodes.get(0).awaitUp("learner", 1, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
      nodes.add(ClusterNode.start(ClusterNode.config(ClusterRunTest.fast(), "127.0.0.1", ports[1], seeds, List.of("learner", "env")),
          new ClusterRunTest.Factory()));
      nodes.add(ClusterNode.start(ClusterNode.config(ClusterRunTest.fast(), "127.0.0.1", ports[2], seeds, List.of("env")),
          new ClusterRunTest.Factory()));
      nodes.get(0).awaitUp("env", 3, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
      nodes.get(0).awaitRegions(3, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
      // Both learner nodes start the run (as `node --role learner` does on each): the oldest runs it.
      CompletableFuture<ClusterCoordinator.Report> onFirst = nodes.get(0).run(run, new ClusterRunTest.Factory(),
          settings, System::nanoTime).toCompletableFuture();
      CompletableFuture<ClusterCoordinator.Report> onSecond = nodes.get(1).run(run, new ClusterRunTest.Factory(),
          settings, System::nanoTime).toCompletableFuture();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (nodes.get(0).progress(run.runId()).toCompletableFuture().get(10, TimeUnit.SECONDS).rounds() < 7
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(nodes.get(0).progress(run.runId()).toCompletableFuture().get(10, TimeUnit.SECONDS).rounds() >= 7,
          "the first learner node played 7 rounds within 60 s, so that it is lost mid-run");
      // The learner node is lost (stopped without leaving: the others must find it unreachable and down it).
      nodes.get(0).close();
      ClusterCoordinator.Report r;
      try {
        r = onSecond.get(180, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // say where the surviving learner node stands, so that a rare stall can be told apart
        throw new AssertionError("the surviving learner node did not finish the run in 180 s; it sees "
            + nodes.get(1).upWithRole("learner") + " learner and " + nodes.get(1).upWithRole("env")
            + " env node(s) up, " + org.apache.pekko.cluster.typed.Cluster.get(nodes.get(1).system()).state()
            .getUnreachable().size() + " unreachable; its progress: " + describeProgress(nodes.get(1), run.runId()), e);
      }
      assertTrue(r.failure().isEmpty(), r.failure().toString());
      assertEquals(6000, r.learned(), "every episode learned");
      assertEquals(0, r.lost());
      assertEquals(31, r.versions());
      assertTrue(r.resumedAtRound() >= 6, "resumed from a checkpoint of round 6 or later: " + r.resumedAtRound());
      assertEquals(plain.report().mean().get("reward").mean(), r.meanReward(), 1e-9,
          "deterministic rounds: the same result as the plain loop despite losing the learner node");
      assertTrue(!onFirst.isDone() || onFirst.isCompletedExceptionally(), "the lost node never reported");
    } finally {
      for (ClusterNode n : nodes) {
        n.close();
      }
    }
  }

  private static String describeProgress(ClusterNode node, String runId) {
    try {
      return node.progress(runId).toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
    } catch (Exception e) {
      return "none (" + e + ")";
    }
  }
}
