package io.rlsearch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A clustered run across three ActorSystems in one JVM, on loopback ports with real remoting: the
 * same run as the plain loop, with all three nodes and with one of them stopped mid-run (without
 * leaving: the others must find it unreachable, down it and move its shards).
 */
class ClusterRunTest {
  /** Builds the small test world, the template task and LinUCB on every node. */
  static final class Factory implements RunFactory {
    @Override
    public World world(RunDescriptor d) {
      return World.generate(ZoosimConfig.fromString("catalog { n_products = 300 }").withSeed(d.seed()),
          new NumpyRandom(d.seed()));
    }

    @Override
    public Task task(RunDescriptor d) {
      return new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH);
    }

    @Override
    public AgentBuilder agent(RunDescriptor d) {
      return BanditAgents.linUcb(new LinUcb.Settings(1.0, 0.5, false));
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final ClusterCoordinator.Settings SETTINGS = new ClusterCoordinator.Settings(6, 10, 6,
      Duration.ofSeconds(3), Duration.ofMillis(500), 60, 10_000);

  static Config fast() {
    // Quicker failure detection and downing than production, so the test's fault is handled in seconds.
    return ConfigFactory.parseString("pekko.cluster.split-brain-resolver.stable-after = 2s\n"
        + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 2s\n"
        + "pekko.cluster.sharding.rebalance-interval = 1s\n"
        + "pekko.coordinated-shutdown.run-by-actor-system-terminate = off\n"
        + "pekko.loglevel = ERROR");
  }

  private static List<ClusterNode> nodes() throws Exception {
    int[] ports = {freePort(), freePort(), freePort()};
    List<String> seeds = List.of("127.0.0.1:" + ports[0]);
    Factory f = new Factory();
    List<ClusterNode> out = new ArrayList<>();
    out.add(ClusterNode.start(ClusterNode.config(fast(), "127.0.0.1", ports[0], seeds, List.of("learner", "env")), f));
    out.add(ClusterNode.start(ClusterNode.config(fast(), "127.0.0.1", ports[1], seeds, List.of("env")), f));
    out.add(ClusterNode.start(ClusterNode.config(fast(), "127.0.0.1", ports[2], seeds, List.of("env")), f));
    out.get(0).awaitUp("env", 3, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
    out.get(0).awaitRegions(3, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
    return out;
  }

  /** Waits until {@code run} has played {@code rounds} rounds; fails (saying where it is) after 60 s. */
  private static void awaitRounds(ClusterNode node, String run, int rounds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Object last = null;
    while (System.nanoTime() < deadline) {
      var p = node.progress(run).toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (p.rounds() >= rounds) {
        return;
      }
      last = p;
      Thread.sleep(50);
    }
    org.junit.jupiter.api.Assertions.fail("run " + run + " did not reach " + rounds + " rounds within 60 s; last"
        + " progress: " + last);
  }

  private static SyncRunner.Result local(RunDescriptor d) {
    Factory f = new Factory();
    return SyncRunner.run(f.world(d), f.task(d), f.agent(d), new RunStreams(d.seed()), d.users(), d.roundSize(), true);
  }

  @Test
  void aRunAcrossThreeNodesEqualsThePlainLoopSurvivesANodeStoppedMidRunAndRebalancesToAJoiner() throws Exception {
    RunDescriptor first = new RunDescriptor("t1", "", "linucb", 11, 600, 100);
    RunDescriptor second = new RunDescriptor("t2", "", "linucb", 12, 4000, 100);
    SyncRunner.Result plain = local(first);
    SyncRunner.Result plainSecond = local(second);
    List<ClusterNode> nodes = nodes();
    try {
      ClusterCoordinator.Report r = nodes.get(0).run(first, new Factory(), SETTINGS, System::nanoTime).toCompletableFuture()
          .get(120, TimeUnit.SECONDS);
      assertTrue(r.failure().isEmpty(), r.failure().toString());
      assertEquals(600, r.learned());
      assertEquals(0, r.lost());
      assertEquals(0, r.duplicates());
      assertEquals(7, r.versions(), "version 0 and one per round");
      assertEquals(plain.report().mean().get("reward").mean(), r.meanReward(), 1e-9, "the plain loop's result");
      assertTrue(r.nodes().size() >= 2, "shards on several nodes played: " + r.nodes());

      // The same run again, with node 3 stopped (without leaving) once the first round is learned.
      var pending = nodes.get(0).run(second, new Factory(), SETTINGS, System::nanoTime).toCompletableFuture();
      awaitRounds(nodes.get(0), "t2", 2);
      nodes.get(2).close();
      ClusterCoordinator.Report s = pending.get(180, TimeUnit.SECONDS);
      assertTrue(s.failure().isEmpty(), s.failure().toString());
      assertEquals(4000, s.learned(), "every episode learned");
      assertEquals(0, s.lost());
      assertEquals(s.learned(), s.produced() - s.duplicates(), "what was produced, less duplicates, was learned");
      assertTrue(s.retries() > 0, "the stopped node's batches were sent again: " + s);
      assertEquals(plainSecond.report().mean().get("reward").mean(), s.meanReward(), 1e-9,
          "deterministic rounds: the same result as the plain loop despite the fault");

      // A third run; a new node joins once it is under way and takes shards over (rebalance).
      RunDescriptor third = new RunDescriptor("t3", "", "linucb", 13, 30_000, 100);
      var pendingThird = nodes.get(0).run(third, new Factory(), SETTINGS, System::nanoTime).toCompletableFuture();
      awaitRounds(nodes.get(0), "t3", 2);
      int port = freePort();
      ClusterNode joiner = ClusterNode.start(ClusterNode.config(fast(), "127.0.0.1", port,
          List.of(nodes.get(0).system().address().host().get() + ":" + nodes.get(0).system().address().port().get()),
          List.of("env")), new Factory());
      nodes.add(joiner);
      nodes.get(0).awaitRegions(3, Duration.ofSeconds(30)).toCompletableFuture().get(40, TimeUnit.SECONDS);
      ClusterCoordinator.Report j = pendingThird.get(180, TimeUnit.SECONDS);
      assertTrue(j.failure().isEmpty(), j.failure().toString());
      assertEquals(30_000, j.learned());
      assertEquals(0, j.lost());
      assertTrue(j.nodes().stream().anyMatch(n -> n.endsWith(":" + port)), "the joined node played: " + j.nodes());
      assertEquals(local(third).report().mean().get("reward").mean(), j.meanReward(), 1e-9);
    } finally {
      for (ClusterNode n : nodes) {
        n.close();
      }
    }
  }
}
