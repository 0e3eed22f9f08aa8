package io.rlsearch.actors.serve;

import io.rlsearch.actors.Ack;
import io.rlsearch.actors.LearnerActor;
import io.rlsearch.actors.PolicyRegistryActor;
import io.rlsearch.actors.Replies;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.Transition;
import io.rlsearch.serving.CanaryGate;
import io.rlsearch.serving.Joined;
import io.rlsearch.serving.OnlineLearning;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * Online learning on the serving path: joined decisions (a served decision with its feedback) go to a
 * {@link LearnerActor}, the learner publishes versions to its {@link PolicyRegistryActor} as in
 * {@code train}, and each version enters the serving registry as the canary, to be promoted or rolled
 * back by the {@link CanaryGate} (the guardrails still end a breaching canary and roll back a
 * breaching live version).
 *
 * <p>The registry's routing tables tell the gate of every end of its candidate, whoever caused it; a
 * refused (or unanswered) registration, canary start, promotion or rollback is reported to the gate as
 * well, so the gate never waits on an end that will not come and the next version always gets its
 * turn. A candidate that never served is retired from the registry at once.
 *
 * <p>The transitions reach the learner through a Pekko stream with backpressure: a bounded queue
 * ({@code Source.queue}) of {@link OnlineLearning.Settings#buffer} transitions, batched while the
 * learner is busy (at most {@link #BATCH} a batch), into the learner's backpressured sink. A
 * transition offered to a full queue is dropped and counted: the serving path never waits for the
 * learner and nothing grows without bound. Which decisions the learner takes and what it learns are
 * {@link OnlineLearning}'s; the gate's rule is {@link CanaryGate}'s. The learner runs on the
 * learner's dispatcher ({@code rlsearch.dispatchers.learner}) when the configuration has it. If the
 * learner stops (it gave up after its restarts), online learning stops with an error line; serving
 * goes on.
 */
public final class OnlineLearningActor extends AbstractBehavior<OnlineLearningActor.Command> {
  /** Messages accepted. */
  public sealed interface Command {}

  /** A joined decision to learn from and to count for the gate. */
  public record Learn(Joined joined) implements Command {
    public Learn {
      Objects.requireNonNull(joined, "joined");
    }
  }

  /** Replies with the address that takes joined decisions (for the feedback join's subscription). */
  public record GetInbox(ActorRef<ActorRef<Joined>> replyTo) implements Command {
    public GetInbox {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The feedback join's subscription of the inbox is bounded by {@code backlog}: a place is given back
   * for every joined decision the inbox takes.
   */
  public record Subscribed(Backlog backlog) implements Command {
    public Subscribed {
      Objects.requireNonNull(backlog, "backlog");
    }
  }

  /** Replies with the counts. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {
    public GetStats {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Counts.
   *
   * @param received joined decisions received
   * @param notSent joined decisions the feedback join did not send: the inbox's subscription was full
   * @param skipped those the learner cannot use (another decision form or kind of propensity, a slate,
   *     another lineage for an on-policy agent, another context size)
   * @param enqueued transitions put on the learner's queue
   * @param dropped transitions dropped because the queue was full
   * @param gate the gate's counts
   * @param candidate the candidate's serving id, if any
   * @param gating whether the candidate is on canary with its window open
   * @param waiting the learner version waiting for its turn, if any
   * @param verdicts the gate's last verdicts, oldest first (at most {@link #VERDICTS_KEPT})
   * @param learner the learner's counts (empty if it did not answer)
   */
  public record Stats(long received, long notSent, long skipped, long enqueued, long dropped, CanaryGate.Counts gate,
      Optional<Long> candidate, boolean gating, Optional<Long> waiting, List<CanaryGate.Verdict> verdicts,
      Optional<LearnerActor.Stats> learner) {
    public Stats {
      verdicts = List.copyOf(verdicts);
    }
  }

  /** Verdicts kept for {@link Stats}. */
  public static final int VERDICTS_KEPT = 100;

  /** The most transitions in one batch to the learner. */
  public static final int BATCH = 64;

  /** Config path of the learner's dispatcher. */
  static final String LEARNER_DISPATCHER = "rlsearch.dispatchers.learner";

  private record Published(PolicySnapshot snapshot) implements Command {}

  /** A joined decision from the feedback join's subscription (it holds a place in the subscription's backlog). */
  private record FromJoin(Joined joined) implements Command {}

  private record NewRouting(Routing routing) implements Command {}

  private record Registered(long learnerVersion, Long id, Throwable failure) implements Command {}

  private record Controlled(String what, long id, ServingRegistryActor.Reply reply, Throwable failure)
      implements Command {}

  private record StatsWith(ActorRef<Stats> replyTo, LearnerActor.Stats learner) implements Command {}

  /**
   * Online learning with {@code agent}, whose version 0 is {@code initial}, over serving {@code registry}.
   *
   * @param agent the agent's builder (its update rule is restored from {@code initial})
   * @param initial the agent's version 0 (a fresh update rule's snapshot)
   * @param dim the contexts' size (the schema's context features)
   * @param settings share, gate, publication interval, queue bound
   * @param registry the serving registry the versions enter
   */
  public static Behavior<Command> create(AgentBuilder agent, PolicySnapshot initial, int dim,
      OnlineLearning.Settings settings, ActorRef<ServingRegistryActor.Command> registry) {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(registry, "registry");
    return Behaviors.setup(ctx -> new OnlineLearningActor(ctx, agent, initial, dim, settings, registry));
  }

  private final OnlineLearning.Settings settings;
  private final OnlineLearning.Kind kind;
  private final int dim;
  private final ActorRef<ServingRegistryActor.Command> registry;
  private final ActorRef<LearnerActor.Command> learner;
  private final BoundedSourceQueue<Transition> queue;
  private final ActorRef<Joined> inbox;
  private final CanaryGate gate;
  /** Published snapshots not yet registered: the one being registered and the one waiting. */
  private final TreeMap<Long, PolicySnapshot> snapshots = new TreeMap<>();
  private final ArrayDeque<CanaryGate.Verdict> verdicts = new ArrayDeque<>();
  private Backlog subscription;
  private long untaken;
  private long received;
  private long skipped;
  private long enqueued;
  private long dropped;
  private long episode;

  private OnlineLearningActor(ActorContext<Command> ctx, AgentBuilder agent, PolicySnapshot initial, int dim,
      OnlineLearning.Settings settings, ActorRef<ServingRegistryActor.Command> registry) {
    super(ctx);
    this.settings = settings;
    this.kind = OnlineLearning.kind(settings.agent());
    this.dim = dim;
    this.registry = registry;
    this.gate = new CanaryGate(settings.share(), settings.gate());
    ActorRef<PolicyRegistryActor.Command> policies = ctx.spawn(PolicyRegistryActor.create(initial), "policy-registry");
    boolean learnerPool = ctx.getSystem().settings().config().hasPath(LEARNER_DISPATCHER);
    // Throughput mode (no rounds): every transition is learned on arrival and a version published every
    // publishEvery; the episode space is the transitions' running numbers.
    this.learner = ctx.spawn(LearnerActor.create(agent, policies, new LearnerActor.Settings(0, Integer.MAX_VALUE,
        settings.publishEvery()), new LearnerActor.State()), "learner",
        learnerPool ? DispatcherSelector.fromConfig(LEARNER_DISPATCHER) : DispatcherSelector.defaultDispatcher());
    ctx.watch(learner);
    this.queue = Source.<Transition>queue(settings.buffer())
        .batch(BATCH, t -> {
          List<Transition> l = new ArrayList<>();
          l.add(t);
          return l;
        }, (l, t) -> {
          l.add(t);
          return l;
        })
        // The acknowledging sink pulls ahead into an input buffer of its own (16 elements by default,
        // here batches). With one, at most 3 * BATCH + 1 + buffer transitions are held while the learner is
        // busy: the batch it is learning, the sink's, the one being gathered, the one the batch stage
        // pulled beyond a full batch, and the queue.
        .to(ActorSink.<List<Transition>, LearnerActor.Command, Ack>actorRefWithBackpressure(learner,
            (ackTo, l) -> new LearnerActor.Element(l, ackTo),
            LearnerActor.Init::new, Ack.INSTANCE, LearnerActor.Completed.INSTANCE, LearnerActor.Failed::new)
            .withAttributes(Attributes.inputBuffer(1, 1)))
        .run(Materializer.createMaterializer(ctx));
    this.inbox = ctx.messageAdapter(Joined.class, FromJoin::new);
    policies.tell(new PolicyRegistryActor.Subscribe(ctx.messageAdapter(PolicySnapshot.class, Published::new)));
    registry.tell(new ServingRegistryActor.Subscribe(ctx.messageAdapter(Routing.class, NewRouting::new)));
    ctx.getLog().info("Online learning with {}: each version it publishes (every {} transitions) becomes the canary"
        + " at share {}, gated after {} feedbacks", settings.agent(), settings.publishEvery(), settings.share(),
        settings.gate());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Learn.class, this::onLearn)
        .onMessage(FromJoin.class, f -> {
          if (subscription != null) {
            subscription.taken();
          } else {
            untaken++;
          }
          return onLearn(new Learn(f.joined()));
        })
        .onMessage(Subscribed.class, sub -> {
          subscription = sub.backlog();
          // Decisions that came before the subscription's bound was known give their places back now.
          for (; untaken > 0; untaken--) {
            subscription.taken();
          }
          return this;
        })
        .onMessage(Published.class, this::onPublished)
        .onMessage(NewRouting.class, r -> act(gate.routing(r.routing().epoch(), r.routing().live().id(),
            r.routing().canary().map(Routing.Version::id))))
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(Controlled.class, this::onControlled)
        .onMessage(GetInbox.class, g -> {
          g.replyTo().tell(inbox);
          return this;
        })
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(StatsWith.class, s -> {
          s.replyTo().tell(stats(Optional.ofNullable(s.learner())));
          return this;
        })
        .onSignal(Terminated.class, t -> {
          getContext().getLog().error("Online learning stopped: its learner stopped (it failed more often than its"
              + " restarts allow); serving goes on with the versions registered");
          return Behaviors.stopped();
        })
        .build();
  }

  private Behavior<Command> onLearn(Learn l) {
    Joined j = l.joined();
    received++;
    gate.joined(j.decision().version(), j.reward()).ifPresent(a -> act(List.of(a)));
    // The learner keeps a bit per transition number (an int): past that, nothing more is learned.
    if (episode >= Integer.MAX_VALUE) {
      skipped++;
      return this;
    }
    Optional<Transition> t = OnlineLearning.transition(j, episode, kind, gate::inLineage, dim);
    if (t.isEmpty()) {
      skipped++;
      return this;
    }
    episode++;
    // Dropped (full) or closed (the stream stops with this actor, whose materializer runs it): counted.
    QueueOfferResult r = queue.offer(t.get());
    if (r == QueueOfferResult.enqueued()) {
      enqueued++;
    } else {
      dropped++;
      if (Long.bitCount(dropped) == 1) {
        // At 1, 2, 4, 8, ... drops: a line that says the learner falls behind, never one per drop.
        getContext().getLog().warn("Online learner falls behind: {} joined decision(s) dropped so far (its queue"
            + " holds {})", dropped, settings.buffer());
      }
    }
    return this;
  }

  private Behavior<Command> onPublished(Published p) {
    long v = p.snapshot().version();
    snapshots.put(v, p.snapshot());
    act(gate.published(v));
    prune();
    return this;
  }

  /** Keeps only the snapshot being registered and the waiting one. */
  private void prune() {
    long keepA = registering;
    long keepB = gate.waiting().orElse(-1L);
    snapshots.keySet().removeIf(k -> k != keepA && k != keepB);
  }

  /** The learner version being registered (-1: none). */
  private long registering = -1;

  private Behavior<Command> act(List<CanaryGate.Action> actions) {
    for (CanaryGate.Action a : actions) {
      if (a instanceof CanaryGate.Register r) {
        registering = r.learnerVersion();
        PolicySnapshot s = snapshots.get(r.learnerVersion());
        String name = "online:" + settings.agent() + ":v" + r.learnerVersion();
        Replies.ask(getContext(), Long.class, registry, ASK, to -> new ServingRegistryActor.Register(name, "online learner", s,
            to), (id, err) -> new Registered(r.learnerVersion(), id, err));
      } else if (a instanceof CanaryGate.StartCanary c) {
        control("canary", c.id(), to -> new ServingRegistryActor.Canary(c.id(), c.share(), to));
      } else if (a instanceof CanaryGate.Promote p) {
        keep(p.verdict());
        getContext().getLog().info("Online learner's version {}: {}", p.id(), p.verdict().describe());
        control("promote", p.id(), to -> new ServingRegistryActor.Promote(p.id(), Optional.empty(), true, to));
      } else if (a instanceof CanaryGate.EndCanary e) {
        keep(e.verdict());
        getContext().getLog().warn("Online learner's version {}: {}", e.id(), e.verdict().describe());
        control("rollback", e.id(), to -> new ServingRegistryActor.Canary(e.id(), 0, to));
      } else if (a instanceof CanaryGate.Withdraw w) {
        getContext().getLog().warn("Online learner's version {} is given up: its canary ends", w.id());
        control("withdrawal", w.id(), to -> new ServingRegistryActor.Canary(w.id(), 0, to));
      } else if (a instanceof CanaryGate.Retire r) {
        control("retirement", r.id(), to -> new ServingRegistryActor.Retire(r.id(), to));
      }
    }
    return this;
  }

  private static final Duration ASK = Duration.ofSeconds(10);

  private void control(String what, long id,
      java.util.function.Function<ActorRef<ServingRegistryActor.Reply>, ServingRegistryActor.Command> make) {
    Replies.ask(getContext(), ServingRegistryActor.Reply.class, registry, ASK, make::apply,
        (rep, err) -> new Controlled(what, id, rep, err));
  }

  private void keep(CanaryGate.Verdict v) {
    verdicts.add(v);
    while (verdicts.size() > VERDICTS_KEPT) {
      verdicts.poll();
    }
  }

  private Behavior<Command> onRegistered(Registered r) {
    registering = -1;
    if (r.id() == null) {
      getContext().getLog().error("Online learner's version {} was not registered: {}", r.learnerVersion(),
          r.failure());
      act(gate.registerFailed(r.learnerVersion()));
    } else {
      act(gate.registered(r.learnerVersion(), r.id()));
    }
    prune();
    return this;
  }

  private Behavior<Command> onControlled(Controlled c) {
    boolean ok = c.reply() != null && c.reply().ok();
    if (!ok) {
      String why = c.reply() != null ? c.reply().message() : String.valueOf(c.failure());
      if (c.what().equals("withdrawal") || c.what().equals("retirement")) {
        // Its canary already ended, or the version is already gone: the usual case, not a problem.
        getContext().getLog().debug("Online learner's {} of version {} was refused: {}", c.what(), c.id(), why);
      } else {
        getContext().getLog().warn("Online learner's {} of version {} was refused: {}", c.what(), c.id(), why);
      }
      switch (c.what()) {
        case "canary" -> act(gate.startFailed(c.id()));
        // The candidate is given up and the waiting version goes next: the gate never waits on a refusal.
        case "promote", "rollback" -> act(gate.decisionFailed(c.id()));
        // A canary already gone, a version already forgotten: nothing more to do.
        default -> { }
      }
      prune();
    }
    return this;
  }

  private Behavior<Command> onGetStats(GetStats g) {
    Replies.ask(getContext(), LearnerActor.Stats.class, learner, Duration.ofSeconds(5), LearnerActor.GetStats::new,
        (s, err) -> new StatsWith(g.replyTo(), s));
    return this;
  }

  private Stats stats(Optional<LearnerActor.Stats> l) {
    return new Stats(received, subscription == null ? 0 : subscription.dropped(), skipped, enqueued, dropped, gate.counts(), gate.candidate(), gate.gating(), gate.waiting(),
        new ArrayList<>(verdicts), l);
  }
}
