package io.rlsearch.actors;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.Transition;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.pattern.StatusReply;

/**
 * An environment shard: runs the sessions it is given on the zoosim world, one batch at a time. For
 * each session it draws the base scores, gets an action, simulates the user and replies with the
 * transition. The action comes from the shard's own copy of the current policy snapshot when it was
 * made with the registry (the snapshots it is sent serve the batch: see {@link ShardPolicy}), from
 * the policy server otherwise (a round trip, for a snapshot it does not hold yet or an engine that
 * is not plain Java). Either way the decision is the same: one snapshot version per batch, the
 * episode's own random stream.
 *
 * <p>Supervised with restart: a failure (including an injected fault) answers the session in flight
 * with an error before the restart, so the caller retries it at once; the retry is the same episode
 * with the next attempt number, and the episode's draws come from its own streams, so the retried
 * session is the session the failed one would have been. Requests that arrive while a batch waits
 * for the server's actions are stashed and run, in order, when it has been answered (the stream
 * sends a shard at most two batches at a time).
 */
public final class EnvShardActor extends AbstractBehavior<EnvShardActor.Command> {
  /** Messages accepted by a shard. */
  public sealed interface Command {}

  /** Runs a batch of sessions (attempt {@code attempt}, from 0) and replies with their transitions, in order. */
  public record RunSessions(List<Population.Arrival> arrivals, int attempt,
      ActorRef<StatusReply<List<Transition>>> replyTo) implements Command {
    public RunSessions {
      Objects.requireNonNull(replyTo, "replyTo");
      arrivals = List.copyOf(arrivals);
      if (arrivals.isEmpty()) {
        throw new IllegalArgumentException("a batch of sessions cannot be empty");
      }
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
      }
    }
  }

  /** Tells the shard's restart listener that the shard restarted. */
  public record Restarted(int shard, long episode) {}

  private record WrappedActed(PolicyServerActor.Acted acted) implements Command {}

  private record NewSnapshot(PolicySnapshot snapshot) implements Command {}

  /**
   * Shard settings.
   *
   * @param index the shard's index (for logs and restart reports)
   * @param faultRate probability that a session attempt throws (fault injection; 0 in production)
   * @param batch the most sessions in one request
   */
  public record Settings(int index, double faultRate, int batch) {
    public Settings {
      if (!(faultRate >= 0 && faultRate < 1)) {
        throw new IllegalArgumentException("fault rate must lie in [0, 1), got " + faultRate);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      }
    }
  }

  /** A supervised shard (restarts on failure, without limit). */
  public static Behavior<Command> create(World world, Task task, RunStreams streams,
      ActorRef<PolicyServerActor.Command> policy, ActorRef<Restarted> restarts, Settings settings) {
    return create(world, task, streams, policy, restarts, settings, CrashSwitch.NONE);
  }

  /** As above, with an injected crash (a test tool) inside the supervision. */
  public static Behavior<Command> create(World world, Task task, RunStreams streams,
      ActorRef<PolicyServerActor.Command> policy, ActorRef<Restarted> restarts, Settings settings, CrashSwitch crash) {
    return create(world, task, streams, policy, Optional.empty(), 0, restarts, settings, crash);
  }

  /**
   * A shard that acts by itself when it can: it subscribes to {@code registry} (as the policy server
   * does) and answers a batch with the newest snapshot it holds when that snapshot serves the batch's
   * episodes (the server's rule, with {@code roundSize} as the server's); otherwise, and before its
   * first snapshot, it asks {@code policy} as the plain shard does. Only for snapshots the server
   * would run with the plain-Java engine (the decisions are then the server's, bit for bit). The
   * server is told how many episodes each such batch held, for its batching statistics.
   */
  public static Behavior<Command> create(World world, Task task, RunStreams streams,
      ActorRef<PolicyServerActor.Command> policy, Optional<ActorRef<PolicyRegistryActor.Command>> registry,
      int roundSize, ActorRef<Restarted> restarts, Settings settings, CrashSwitch crash) {
    // The snapshot held survives a restart (it is immutable); the restarted shard subscribes again.
    Optional<ShardPolicy> local = registry.map(r -> new ShardPolicy(streams, roundSize));
    return Behaviors.supervise(crash.wrap("shard", Command.class, Behaviors.<Command>withStash(64, stash ->
        Behaviors.setup(ctx -> {
          registry.ifPresent(r -> r.tell(new PolicyRegistryActor.Subscribe(
              ctx.messageAdapter(PolicySnapshot.class, NewSnapshot::new))));
          return new EnvShardActor(ctx, stash, new SessionRunner(world, task, streams, settings.batch()), streams,
              policy, local, restarts, settings);
        }))))
        .onFailure(RuntimeException.class, SupervisorStrategy.restart().withLoggingEnabled(false));
  }

  private final StashBuffer<Command> stash;
  private final SessionRunner runner;
  private final RunStreams streams;
  private final ActorRef<PolicyServerActor.Command> policy;
  private final ActorRef<Restarted> restarts;
  private final Settings settings;
  private final ActorRef<PolicyServerActor.Acted> actedAdapter;
  private final Optional<ShardPolicy> local;
  private RunSessions inFlight;
  private boolean injected;

  private EnvShardActor(ActorContext<Command> ctx, StashBuffer<Command> stash, SessionRunner runner, RunStreams streams,
      ActorRef<PolicyServerActor.Command> policy, Optional<ShardPolicy> local, ActorRef<Restarted> restarts,
      Settings settings) {
    super(ctx);
    this.local = local;
    this.stash = stash;
    this.runner = runner;
    this.streams = streams;
    this.policy = policy;
    this.restarts = restarts;
    this.settings = settings;
    this.actedAdapter = ctx.messageAdapter(PolicyServerActor.Acted.class, WrappedActed::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RunSessions.class, this::onRunSessions)
        .onMessage(WrappedActed.class, this::onActed)
        .onMessage(NewSnapshot.class, n -> {
          local.ifPresent(l -> l.offer(n.snapshot()));
          return this;
        })
        .onSignal(PreRestart.class, s -> onPreRestart())
        .build();
  }

  private Behavior<Command> onRunSessions(RunSessions r) {
    if (inFlight != null) {
      stash.stash(r);
      return this;
    }
    if (r.arrivals().size() > runner.slots()) {
      r.replyTo().tell(StatusReply.error("batch of " + r.arrivals().size() + " exceeds the shard's " + runner.slots()
          + " slots"));
      return this;
    }
    inFlight = r;
    int n = r.arrivals().size();
    if (local.isPresent()) {
      long[] episodes = new long[n];
      for (int i = 0; i < n; i++) {
        episodes[i] = r.arrivals().get(i).episode();
      }
      ShardPolicy l = local.get();
      if (l.servesAll(episodes)) {
        // Each session is prepared, decided and played before the next one starts, all in one slot, as
        // the plain loop plays them: a slot's arrays (a score per product for the session's relevance and
        // noise) are then still in the core's cache when the session is played, where a batch prepared
        // slot by slot had written over them 16 times before playing its first. The decisions are the
        // same: each comes from its episode's own policy stream with the one snapshot of this message.
        String agent = l.current().agent();
        long version = l.current().version();
        List<Transition> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          Population.Arrival a = r.arrivals().get(i);
          Decision d = l.act(a.episode(), runner.prepare(0, a));
          out.add(runner.finish(0, d, agent, version));
        }
        policy.tell(new PolicyServerActor.ActedInShard(n));
        reply(r, out);
        // Nothing was stashed while this batch ran (it ran within this message); what an earlier
        // batch stashed is being unstashed by that batch's end.
        return this;
      }
    }
    List<PolicyServerActor.Request> requests = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Population.Arrival a = r.arrivals().get(i);
      requests.add(new PolicyServerActor.Request(a.episode(), runner.prepare(i, a)));
    }
    policy.tell(new PolicyServerActor.Act(requests, actedAdapter));
    return this;
  }

  private Behavior<Command> onActed(WrappedActed w) {
    RunSessions r = inFlight;
    PolicyServerActor.Acted a = w.acted();
    if (r == null || a.episodes().get(0) != r.arrivals().get(0).episode()) {
      getContext().getLog().warn("Shard [{}] ignored actions for episode [{}] it is not running", settings.index(),
          a.episodes().get(0));
      return this;
    }
    complete(r, a.decisions(), a.agent(), a.version());
    return stash.unstashAll(this);
  }

  /** Finishes the batch in flight with its decisions and replies (or fails, by fault injection). */
  private void complete(RunSessions r, List<Decision> decisions, String agent, long version) {
    List<Transition> out = new ArrayList<>(r.arrivals().size());
    for (int i = 0; i < r.arrivals().size(); i++) {
      out.add(runner.finish(i, decisions.get(i), agent, version));
    }
    reply(r, out);
  }

  /** Replies with the batch's transitions, unless fault injection fails it (then nothing is replied). */
  private void reply(RunSessions r, List<Transition> out) {
    if (settings.faultRate() > 0) {
      for (Population.Arrival x : r.arrivals()) {
        if (streams.fault(x.episode(), r.attempt()).random() < settings.faultRate()) {
          injected = true;
          throw new InjectedFault("injected fault in shard " + settings.index() + ", episode " + x.episode()
              + ", attempt " + r.attempt());
        }
      }
    }
    inFlight = null;
    // Made immutable once here: every consumer's element takes this list as it is (List.copyOf of an
    // immutable list is that list), instead of copying it once per consumer.
    r.replyTo().tell(StatusReply.success(List.copyOf(out)));
  }

  private Behavior<Command> onPreRestart() {
    long episode = inFlight == null ? -1 : inFlight.arrivals().get(0).episode();
    if (injected) {
      // Injected faults are expected (tests, demos); the run reports their count.
      getContext().getLog().debug("Shard [{}] restarting after an injected fault in episode [{}]", settings.index(),
          episode);
    } else {
      getContext().getLog().warn("Shard [{}] restarting after a failure in episode [{}]", settings.index(), episode);
    }
    if (inFlight != null) {
      restarts.tell(new Restarted(settings.index(), inFlight.arrivals().get(0).episode()));
      inFlight.replyTo().tell(StatusReply.error("shard " + settings.index() + " restarted while running episodes from "
          + inFlight.arrivals().get(0).episode()));
      inFlight = null;
    }
    // The restarted shard gets a new, empty stash: what waited here is sent again, in order, rather than
    // left to its session timeout.
    stash.forEach(m -> getContext().getSelf().tell(m));
    stash.clear();
    return this;
  }

  /** A fault thrown on purpose (fault injection). */
  public static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(String message) {
      super(message, null, false, false);
    }
  }
}
