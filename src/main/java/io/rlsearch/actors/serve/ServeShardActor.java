package io.rlsearch.actors.serve;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A serving shard: answers search requests with the routing table it holds when the request starts.
 *
 * <p>A request (a user and a query, drawn from the request's own streams) is served in one message:
 * the version is chosen (the canary for its share of request ids, the live version otherwise), the
 * policy ranks, the simulated user responds, and the outcome goes back to the requester, to the
 * monitor and to the decision log, tagged with the version and propensity; a request whose policy
 * throws is answered with the error and reported to the monitor as a failure. A new routing table is
 * applied between requests, so a request in flight always finishes on the version it started with;
 * the shard acknowledges every table to the registry. With a shadow, the answered request goes to the
 * {@link ShadowActor}, which computes the shadow's action apart (never served).
 */
public final class ServeShardActor extends AbstractBehavior<ServeShardActor.Command> {
  /** Messages accepted by a shard: requests, and routing tables ({@link Routing}). */
  public interface Command {}

  /**
   * A search request.
   *
   * @param id request id (also the user: each request is a new user with a query)
   * @param sentNanos when it was meant to start (the traffic generator's schedule), echoed back
   * @param replyTo where the answer goes
   */
  public record Serve(long id, long sentNanos, ActorRef<Served> replyTo) implements Command {
    public Serve {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The answer to a request.
   *
   * @param id request id
   * @param sentNanos the request's scheduled start
   * @param version the version that served it (0 if it failed)
   * @param epoch the routing table it was served with
   * @param reward its reward
   * @param gmv its GMV
   * @param cm2 its CM2
   * @param error why it failed, if it did
   */
  public record Served(long id, long sentNanos, long version, long epoch, double reward, double gmv, double cm2,
      Optional<String> error) {}

  /**
   * Serving outcomes go here too (null: nowhere).
   *
   * @param shadow where served requests go for the shadow, with its queue (null: no shadow is computed)
   */
  public record Sinks(ActorRef<ServingMonitorActor.Command> monitor, ActorRef<LoggedDecision> decisionLog,
      ActorRef<ShadowActor.Work> shadow, ShadowActor.Queue shadowQueue) {
    /** Sinks without a shadow. */
    public Sinks(ActorRef<ServingMonitorActor.Command> monitor, ActorRef<LoggedDecision> decisionLog) {
      this(monitor, decisionLog, null, null);
    }
  }

  /** A shard that subscribes to {@code registry}'s routing. */
  public static Behavior<Command> create(int index, World world, Task task, RunStreams streams,
      ActorRef<ServingRegistryActor.Command> registry, Sinks sinks) {
    return Behaviors.setup(ctx -> new ServeShardActor(ctx, index, world, task, streams, registry, sinks));
  }

  private final int index;
  private final World world;
  private final RunStreams streams;
  private final SessionRunner runner;
  private final ActorRef<ServingRegistryActor.Command> registry;
  private final Sinks sinks;
  private Routing routing;
  private final java.util.List<Serve> waiting = new java.util.ArrayList<>();

  private ServeShardActor(ActorContext<Command> ctx, int index, World world, Task task, RunStreams streams,
      ActorRef<ServingRegistryActor.Command> registry, Sinks sinks) {
    super(ctx);
    this.index = index;
    this.world = world;
    this.streams = streams;
    this.runner = new SessionRunner(world, task, streams);
    this.registry = registry;
    this.sinks = sinks;
    // The registry sends tables straight to this actor (no adapter), so a control-aware mailbox sees them.
    registry.tell(new ServingRegistryActor.Subscribe(ctx.getSelf().narrow()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Serve.class, this::onServe)
        .onMessage(Routing.class, this::onRouting)
        .build();
  }

  private Behavior<Command> onRouting(Routing r) {
    if (routing == null || r.epoch() > routing.epoch()) {
      routing = r;
    }
    registry.tell(new ServingRegistryActor.Applied(index, r.epoch()));
    if (!waiting.isEmpty()) {
      java.util.List<Serve> ready = new java.util.ArrayList<>(waiting);
      waiting.clear();
      for (Serve s : ready) {
        onServe(s);
      }
    }
    return this;
  }

  private Behavior<Command> onServe(Serve s) {
    if (routing == null) {
      // Before the first table arrives (start-up), requests wait; none is dropped.
      waiting.add(s);
      return this;
    }
    Routing r = routing;
    Routing.Version v = r.serving(s.id());
    double[] x;
    Decision d;
    Transition t;
    try {
      Population.Arrival a = Population.firstSession(world, streams, s.id());
      x = runner.prepare(a);
      d = v.policy().act(x, streams.policy(s.id()));
      t = runner.finish(d, v.name(), v.id());
    } catch (RuntimeException e) {
      // A failed request is an outcome too: the monitor's error-rate guardrail rolls the version back.
      if (sinks.monitor() != null) {
        sinks.monitor().tell(new ServingMonitorActor.Failure(v.id()));
      }
      s.replyTo().tell(new Served(s.id(), s.sentNanos(), 0, r.epoch(), Double.NaN, Double.NaN, Double.NaN,
          Optional.of("version " + v.id() + " failed: " + e.getMessage())));
      return this;
    }
    if (sinks.monitor() != null) {
      sinks.monitor().tell(new ServingMonitorActor.Outcome(v.id(), t.reward(), t.breakdown().gmv(),
          t.breakdown().cm2(), t.rankChange()));
    }
    if (sinks.decisionLog() != null) {
      sinks.decisionLog().tell(new LoggedDecision(v.name(), v.id(), s.id(), 0, x, t.arm(), t.action(), t.propensity(),
          null, t.reward(), true, new LoggedDecision.Outcome(t.breakdown().gmv(), t.breakdown().cm2(),
              t.breakdown().strat(), t.breakdown().clicks(), t.orders())));
    }
    s.replyTo().tell(new Served(s.id(), s.sentNanos(), v.id(), r.epoch(), t.reward(), t.breakdown().gmv(),
        t.breakdown().cm2(), Optional.empty()));
    // The shadow, after the answer and in its own actor: it can neither fail nor delay the live request.
    if (r.shadow().isPresent() && d.continuous() && sinks.shadow() != null && sinks.shadowQueue().offer()) {
      sinks.shadow().tell(new ShadowActor.Work(r.shadow().get(), s.id(), x, d.action(), t.reward()));
    }
    return this;
  }
}
