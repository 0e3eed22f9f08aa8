package io.rlsearch.actors.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One node of a clustered run: an ActorSystem named {@value #SYSTEM} with the cluster provider, the
 * node's policy cache subscribed to the policy topic, the environment shard entities (hosted where
 * the node has the {@code env} role, proxied elsewhere), and a join to the seed nodes. A node with
 * the {@code learner} role can {@link #run} an experiment: the learner (coordinator), the policy
 * registry and the replay buffer start as cluster singletons on the oldest learner node and the
 * report comes back here.
 */
public final class ClusterNode implements AutoCloseable {
  /** Every node's ActorSystem name (nodes of different names never join). */
  public static final String SYSTEM = "rlsearch";

  private final ActorSystem<Void> system;
  private final ActorRef<Topic.Command<PolicyPublished>> topic;
  private final ActorRef<Topic.Command<ClusterCoordinator.Report>> reports;

  /** The topic run reports are published to (every learner node of a run hears its end). */
  static final String REPORTS = "rlsearch-reports";

  /** The dispatcher the coordinator and the policy cache (the node's DJL work) run on. */
  static final String LEARNER_DISPATCHER = "rlsearch.dispatchers.learner";
  private final java.util.Map<String, ActorRef<ClusterCoordinator.Command>> coordinators =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A node's configuration: {@code overlay} (may be empty) over this node's host, port, seed nodes and
   * roles, over {@code actors/cluster.conf}, {@code actors/local.conf} and Pekko's reference, resolved.
   */
  public static Config config(Config overlay, String host, int port, List<String> seedNodes, List<String> roles) {
    return config(overlay.withFallback(com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of(
        "rlsearch.cluster.host", host, "rlsearch.cluster.port", port, "rlsearch.cluster.seed-nodes", seedNodes,
        "rlsearch.cluster.roles", roles))));
  }

  /** A node's configuration: {@code overlay} over {@code actors/cluster.conf}, {@code actors/local.conf} and Pekko's reference. */
  public static Config config(Config overlay) {
    ClassLoader cl = ClusterNode.class.getClassLoader();
    com.typesafe.config.ConfigParseOptions must = com.typesafe.config.ConfigParseOptions.defaults()
        .setAllowMissing(false);
    return overlay
        .withFallback(com.typesafe.config.ConfigFactory.parseResources(cl, "actors/cluster.conf", must))
        .withFallback(com.typesafe.config.ConfigFactory.parseResources(cl, "actors/local.conf", must))
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference(cl)).resolve();
  }

  private ClusterNode(ActorSystem<Void> system, ActorRef<Topic.Command<PolicyPublished>> topic,
      ActorRef<Topic.Command<ClusterCoordinator.Report>> reports) {
    this.system = system;
    this.topic = topic;
    this.reports = reports;
  }

  private static Props learnerProps(ActorSystem<?> system) {
    return system.settings().config().hasPath(LEARNER_DISPATCHER)
        ? org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(LEARNER_DISPATCHER) : Props.empty();
  }

  /**
   * Starts a node with {@code config} (the cluster topology, resolved; {@code rlsearch.cluster.*}
   * gives host, port, roles and seed nodes) and joins the seed nodes.
   */
  public static ClusterNode start(Config config, RunFactory factory) {
    Config c = config.getConfig("rlsearch.cluster");
    Config withRoles = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("pekko.cluster.roles",
        c.getStringList("roles"))).withFallback(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM, withRoles);
    io.rlsearch.actors.DeadLetterMonitor.install(system);
    ActorRef<Topic.Command<PolicyPublished>> topic = system.systemActorOf(
        Topic.create(PolicyPublished.class, PolicyCache.TOPIC), "policy-topic", Props.empty());
    ActorRef<Topic.Command<ClusterCoordinator.Report>> reports = system.systemActorOf(
        Topic.create(ClusterCoordinator.Report.class, REPORTS), "report-topic", Props.empty());
    // The cache builds worlds and restores agents (DJL for neural ones): not on the default dispatcher.
    ActorRef<PolicyCache.Command> cache = system.systemActorOf(PolicyCache.create(factory, topic), "policy-cache",
        learnerProps(system));
    ClusterSharding.get(system).init(Entity.of(EnvEntity.TYPE, ctx -> EnvEntity.create(cache)).withRole("env"));
    List<Address> seeds = new ArrayList<>();
    for (String s : c.getStringList("seed-nodes")) {
      int colon = s.lastIndexOf(':');
      seeds.add(new Address("pekko", SYSTEM, s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
    }
    Cluster.get(system).manager().tell(new JoinSeedNodes(seeds));
    quietTransportTeardown(system);
    return new ClusterNode(system, topic, reports);
  }

  /**
   * Once the node has left the cluster (the phases before {@code before-actor-system-terminate}: the
   * leave, the hand-over of singletons and shards), only errors are logged. The transport's teardown
   * after a clean leave warns of what is expected then: the other nodes drop their connections to a
   * node that told them it terminates, so its outbound streams end with "The connection has been
   * aborted" (one warning per stream) while it is still flushing them.
   */
  static void quietTransportTeardown(ActorSystem<?> system) {
    org.apache.pekko.actor.CoordinatedShutdown.get(system).addTask(
        org.apache.pekko.actor.CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "quiet-transport-teardown", () -> {
          system.classicSystem().eventStream().setLogLevel(org.apache.pekko.event.Logging.ErrorLevel());
          return CompletableFuture.completedFuture(org.apache.pekko.Done.done());
        });
  }

  /** The node's ActorSystem. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** Members that are Up with {@code role}. */
  public long upWithRole(String role) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() && m.hasRole(role)).count();
  }

  /** Completes when at least {@code n} members with {@code role} are Up, or fails after {@code timeout}. */
  public CompletionStage<Long> awaitUp(String role, int n, Duration timeout) {
    return poll(() -> CompletableFuture.completedFuture(upWithRole(role)), n, timeout, role + " node(s) up")
        .thenApply(Long::valueOf);
  }

  /**
   * Completes when the shard coordinator knows at least {@code n} regions hosting environment shards
   * (a node is Up before its region has registered; a run started earlier puts every shard on the
   * nodes already registered and spreads them only by later rebalancing).
   */
  public CompletionStage<Integer> awaitRegions(int n, Duration timeout) {
    // The shard coordinator's list of regions, asked through this node's region or proxy: a node without
    // the env role has only a proxy, and the sharding statistics query sees no region from there.
    org.apache.pekko.actor.ActorRef region = org.apache.pekko.cluster.sharding.ClusterSharding.get(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system)).shardRegion(EnvEntity.TYPE.name());
    return poll(() -> org.apache.pekko.pattern.Patterns.ask(region,
            org.apache.pekko.cluster.sharding.ShardRegion.getCurrentRegionsInstance(), Duration.ofSeconds(5))
        .handleAsync((r, failure) -> r instanceof org.apache.pekko.cluster.sharding.ShardRegion.CurrentRegions c
            ? (long) c.getRegions().size() : 0L, io.rlsearch.actors.Replies.SAME_THREAD),
        n, timeout, "shard region(s) registered").thenApply(Long::intValue);
  }

  /**
   * Polls {@code count} every 200 ms until it reaches {@code n}, as many times as {@code timeout}
   * allows (the scheduler keeps the time), then fails naming {@code what}.
   */
  private CompletionStage<Long> poll(java.util.function.Supplier<CompletionStage<Long>> count, int n,
      Duration timeout, String what) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    long[] polls = {Math.max(1, timeout.toMillis() / 200)};
    Runnable[] check = new Runnable[1];
    check[0] = () -> count.get().whenComplete((c, failure) -> {
      long seen = c == null ? 0 : c;
      if (seen >= n) {
        f.complete(seen);
      } else if (--polls[0] <= 0) {
        f.completeExceptionally(new IllegalStateException("only " + seen + " " + what + " after " + timeout
            + ", need " + n));
      } else {
        system.scheduler().scheduleOnce(Duration.ofMillis(200), check[0], system.executionContext());
      }
    });
    check[0].run();
    return f;
  }

  /**
   * Runs {@code run} with its coordinator as a cluster singleton on a learner node; completes with the
   * report. {@code nanoClock} times the run (the caller's clock: nothing below the command line reads one).
   */
  public CompletionStage<ClusterCoordinator.Report> run(RunDescriptor run, RunFactory factory,
      ClusterCoordinator.Settings settings, java.util.function.LongSupplier nanoClock) {
    CompletableFuture<ClusterCoordinator.Report> result = new CompletableFuture<>();
    // The report comes from the coordinator, wherever it ran the run to its end: directly when it ran on
    // this node, by the reports topic when it ran (or resumed) on another learner node.
    ActorRef<ClusterCoordinator.Report> receiver = system.systemActorOf(
        Behaviors.<ClusterCoordinator.Report>setup(ctx -> {
          reports.tell(Topic.subscribe(ctx.getSelf()));
          return Behaviors.receive(ClusterCoordinator.Report.class).onMessage(ClusterCoordinator.Report.class, r -> {
            if (!r.run().runId().equals(run.runId())) {
              return Behaviors.same();
            }
            result.complete(r);
            reports.tell(Topic.unsubscribe(ctx.getSelf()));
            return Behaviors.stopped();
          }).build();
        }), "report-" + run.runId(), Props.empty());
    ClusterSingletonSettings learner = ClusterSingletonSettings.create(system).withRole("learner");
    ActorRef<PolicyRegistrySingleton.Command> registry = ClusterSingleton.get(system).init(SingletonActor.of(
        PolicyRegistrySingleton.create(topic), "registry-" + run.runId()).withSettings(learner));
    io.rlsearch.experiments.SessionRunner probe = new io.rlsearch.experiments.SessionRunner(factory.world(run),
        factory.task(run), new io.rlsearch.experiments.RunStreams(run.seed()));
    ActorRef<ReplaySingleton.Command> replay = ClusterSingleton.get(system).init(SingletonActor.of(
        ReplaySingleton.create(settings.replayCapacity(), probe.contextDim(), factory.task(run).actionDim()),
        "replay-" + run.runId()).withSettings(learner));
    coordinators.put(run.runId(), ClusterSingleton.get(system).init(SingletonActor.of(ClusterCoordinator.create(run,
        factory, settings, registry, replay, receiver, java.util.Optional.of(reports), nanoClock),
        "coordinator-" + run.runId()).withSettings(learner).withProps(learnerProps(system))));
    return result;
  }

  /** The progress of a run this node started. */
  public CompletionStage<ClusterCoordinator.Progress> progress(String runId) {
    ActorRef<ClusterCoordinator.Command> c = coordinators.get(runId);
    if (c == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no run " + runId + " started here"));
    }
    return org.apache.pekko.actor.typed.javadsl.AskPattern.ask(c, ClusterCoordinator.GetProgress::new,
        Duration.ofSeconds(5), system.scheduler());
  }

  /** Leaves the cluster and stops the node. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    }
  }
}
