package io.rlsearch.actors.serve;

import io.rlsearch.agents.safety.ServingGuard;
import io.rlsearch.agents.spi.PolicySnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The serving path's control plane: the registered policy versions, which one is live, the canary
 * (version and share), the shadow, the last known-good version, and every event (promotions,
 * canaries, shadows, rollbacks with their reasons).
 *
 * <p>Every change makes a new {@link Routing} table that goes to every subscriber (the shards and the
 * monitor); shards acknowledge each table, so the registry measures how long a promotion takes to be
 * visible on every shard. A guardrail breach of the live version rolls back to the last known-good
 * version; a breach of the canary ends the canary. Time comes from the clock passed in (nanoseconds),
 * for the event log and the swap-visibility figures only.
 *
 * <p>Versions are not kept forever: a version is <em>finished</em> when it leaves the routing (it was
 * live, the canary or the shadow and is none of them now: superseded, rolled back, its canary ended).
 * The registry keeps the last {@code keep} finished versions (for {@code GET /policies} and to promote
 * again by hand) and retires older ones: forgotten here, and reported to the {@code retired} callback
 * (the serving path drops their bound policies). The live version, the canary, the shadow and the
 * known-good version are never retired, nor a version registered and never served (unless its owner
 * asks, {@link Retire}). Retirements are counted ({@link State#retired}).
 */
public final class ServingRegistryActor extends AbstractBehavior<ServingRegistryActor.Command> {
  /** Messages accepted by the registry. */
  public sealed interface Command {}

  /** Registers a version; replies with its id. */
  public record Register(String name, String source, PolicySnapshot policy, ActorRef<Long> replyTo)
      implements Command {
    public Register {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Makes {@code version} live. With {@code minShadowRatio} present, only if the version has a shadow
   * estimate of at least that share of the live version's online reward. With {@code onlyTheCanary},
   * only if it still is the canary (409 otherwise): a promotion decided on its canary's figures never
   * makes live a version whose canary ended meanwhile (a guardrail's breach, a person).
   */
  public record Promote(long version, Optional<Double> minShadowRatio, boolean onlyTheCanary, ActorRef<Reply> replyTo)
      implements Command {
    public Promote {
      Objects.requireNonNull(minShadowRatio, "minShadowRatio");
      Objects.requireNonNull(replyTo, "replyTo");
    }

    /** A promotion whatever the version's routing. */
    public Promote(long version, Optional<Double> minShadowRatio, ActorRef<Reply> replyTo) {
      this(version, minShadowRatio, false, replyTo);
    }
  }

  /** Sends {@code share} of the traffic to {@code version} (share 0 ends the canary). */
  public record Canary(long version, double share, ActorRef<Reply> replyTo) implements Command {}

  /** Makes {@code version} the shadow (computes rankings for the same requests, never served). */
  public record Shadow(long version, ActorRef<Reply> replyTo) implements Command {}

  /**
   * Forgets {@code version}, which its owner will not serve (registered, never served): refused (409)
   * while it is live, the canary, the shadow or the known-good version.
   */
  public record Retire(long version, ActorRef<Reply> replyTo) implements Command {}

  /** Rolls the live version back to the last known-good one (by hand). */
  public record Rollback(String reason, ActorRef<Reply> replyTo) implements Command {}

  /** Replies with the state. */
  public record GetState(ActorRef<State> replyTo) implements Command {}

  /** Subscribes to routing tables (the current one is sent at once). */
  public record Subscribe(ActorRef<Routing> subscriber) implements Command {}

  /** A shard applied table {@code epoch}. */
  public record Applied(int shard, long epoch) implements Command {}

  /** A guardrail breach (from the monitor). */
  public record Breached(ServingGuard.Breach breach, long liveRequests) implements Command {}

  /** A watched version served long enough without a breach (from the monitor). */
  public record BecameGood(long version) implements Command {}

  /** A shadow estimate (from the monitor), for gated promotions. */
  public record ShadowEstimate(long version, double estimate, double liveValue) implements Command {}

  /** An answer to a control command: ok (with the new epoch), or why not. */
  public record Reply(boolean ok, int status, String message, long epoch) {}

  /**
   * One event.
   *
   * @param atMs milliseconds since the registry started
   * @param kind register, promote, canary, shadow, rollback, breach, good
   * @param version the version concerned
   * @param detail why, or what
   * @param seq the event's number (0 first): the registry keeps the last {@link #EVENTS_KEPT}
   */
  public record Event(double atMs, String kind, long version, String detail, long seq) {}

  /** Events kept (a ring: older ones are dropped, their numbers tell how many). */
  public static final int EVENTS_KEPT = 1000;

  /**
   * A registered version as the state shows it.
   *
   * @param id version id
   * @param name name
   * @param source where it came from (built-in, checkpoint file)
   * @param live whether it is live
   * @param canaryShare its canary share (0 if not the canary)
   * @param shadow whether it is the shadow
   * @param knownGood whether it is the last known-good version
   */
  public record VersionInfo(long id, String name, String source, boolean live, double canaryShare, boolean shadow,
      boolean knownGood) {}

  /**
   * The registry's state.
   *
   * @param versions every version
   * @param epoch the current table's number
   * @param events the event log
   * @param swapVisibleMs per promotion (and rollback): milliseconds until every shard applied it (the last
   *     {@link #SWAPS_KEPT})
   * @param rollbacks rollbacks done (by hand or by a guardrail)
   * @param retired versions retired (finished beyond the ones kept, or retired by their owner)
   */
  public record State(List<VersionInfo> versions, long epoch, List<Event> events, List<Double> swapVisibleMs,
      long rollbacks, long retired) {}

  /** Swap-visibility figures kept (the most recent). */
  public static final int SWAPS_KEPT = 1000;

  /** Finished versions kept by default (see the class comment). */
  public static final int FINISHED_KEPT = 20;

  /**
   * A registry whose version 1 is {@code initial}, live and known-good.
   *
   * @param shards shards that acknowledge tables (for swap visibility)
   * @param clock nanoseconds, for event times and swap visibility
   */
  public static Behavior<Command> create(String initialName, String source, PolicySnapshot initial, int shards,
      LongSupplier clock) {
    return create(initialName, source, initial, shards, clock, FINISHED_KEPT, id -> { });
  }

  /**
   * A registry whose version 1 is {@code initial}, keeping the last {@code keep} finished versions and
   * telling {@code retired} of every version it retires (on the registry's thread).
   */
  public static Behavior<Command> create(String initialName, String source, PolicySnapshot initial, int shards,
      LongSupplier clock, int keep, java.util.function.LongConsumer retired) {
    if (keep < 0) {
      throw new IllegalArgumentException("finished versions kept must be >= 0, got " + keep);
    }
    Objects.requireNonNull(retired, "retired");
    return Behaviors.setup(ctx -> new ServingRegistryActor(ctx, initialName, source, initial, shards, clock, keep,
        retired));
  }

  private record Entry(Routing.Version version, String source) {}

  private final Map<Long, Entry> versions = new LinkedHashMap<>();
  private final List<ActorRef<Routing>> subscribers = new ArrayList<>();
  private final java.util.ArrayDeque<Event> events = new java.util.ArrayDeque<>();
  private long eventCount;
  private final List<Double> swapVisibleMs = new ArrayList<>();
  private final Map<Long, Long> swapStarted = new HashMap<>();
  private final Map<Long, Set<Integer>> swapAcks = new HashMap<>();
  private final Map<Long, Double> shadowEstimates = new HashMap<>();
  private final Map<Long, Double> liveValues = new HashMap<>();
  private final int shards;
  private final LongSupplier clock;
  private final long start;
  private long nextId = 1;
  private Routing routing;
  private long knownGood;
  private long rollbacks;
  /** Finished versions, in the order they left the routing. */
  private final java.util.LinkedHashSet<Long> finished = new java.util.LinkedHashSet<>();
  private final int keep;
  private final java.util.function.LongConsumer onRetired;
  private long retired;

  private ServingRegistryActor(ActorContext<Command> ctx, String initialName, String source, PolicySnapshot initial,
      int shards, LongSupplier clock, int keep, java.util.function.LongConsumer onRetired) {
    super(ctx);
    this.keep = keep;
    this.onRetired = onRetired;
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1, got " + shards);
    }
    this.shards = shards;
    this.clock = clock;
    this.start = clock.getAsLong();
    Routing.Version v = add(initialName, source, initial);
    this.routing = new Routing(1, v, Optional.empty(), 0, Optional.empty());
    this.knownGood = v.id();
    event("promote", v.id(), "initial live version");
  }

  private Routing.Version add(String name, String source, PolicySnapshot policy) {
    Routing.Version v = new Routing.Version(nextId++, name, policy);
    versions.put(v.id(), new Entry(v, source));
    event("register", v.id(), name + " (" + source + ")");
    return v;
  }

  private void event(String kind, long version, String detail) {
    events.add(new Event((clock.getAsLong() - start) / 1e6, kind, version, detail, eventCount++));
    while (events.size() > EVENTS_KEPT) {
      events.poll();
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Promote.class, this::onPromote)
        .onMessage(Canary.class, this::onCanary)
        .onMessage(Shadow.class, this::onShadow)
        .onMessage(Retire.class, this::onRetire)
        .onMessage(Rollback.class, r -> {
          r.replyTo().tell(rollback("by hand: " + r.reason()));
          return this;
        })
        .onMessage(GetState.class, this::onGetState)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Applied.class, this::onApplied)
        .onMessage(Breached.class, this::onBreached)
        .onMessage(BecameGood.class, g -> {
          knownGood = g.version();
          event("good", g.version(), "served its watch without a breach: now the known-good version");
          return this;
        })
        .onMessage(ShadowEstimate.class, e -> {
          shadowEstimates.put(e.version(), e.estimate());
          liveValues.put(e.version(), e.liveValue());
          return this;
        })
        .build();
  }

  private Behavior<Command> onRegister(Register r) {
    r.replyTo().tell(add(r.name(), r.source(), r.policy()).id());
    return this;
  }

  private Optional<Reply> unknown(long version) {
    if (!versions.containsKey(version)) {
      return Optional.of(new Reply(false, 404, "no version " + version + "; known versions: " + versions.keySet(),
          routing.epoch()));
    }
    return Optional.empty();
  }

  private Behavior<Command> onPromote(Promote p) {
    Optional<Reply> missing = unknown(p.version());
    if (missing.isPresent()) {
      p.replyTo().tell(missing.get());
      return this;
    }
    if (p.onlyTheCanary() && routing.canary().map(c -> c.id() != p.version()).orElse(true)) {
      p.replyTo().tell(new Reply(false, 409, "version " + p.version() + " is no longer the canary", routing.epoch()));
      return this;
    }
    if (p.minShadowRatio().isPresent()) {
      Double est = shadowEstimates.get(p.version());
      Double live = liveValues.get(p.version());
      if (est == null || live == null) {
        p.replyTo().tell(new Reply(false, 409, "version " + p.version() + " has no shadow estimate yet: make it the"
            + " shadow first and let it see traffic", routing.epoch()));
        return this;
      }
      if (est < p.minShadowRatio().get() * live) {
        p.replyTo().tell(new Reply(false, 409, String.format(java.util.Locale.ROOT,
            "version %d's shadow estimate %.3f is below %.2f x the live value %.3f", p.version(), est,
            p.minShadowRatio().get(), live), routing.epoch()));
        return this;
      }
    }
    Routing.Version v = versions.get(p.version()).version();
    boolean canaryWasIt = routing.canary().map(c -> c.id() == v.id()).orElse(false);
    publish(new Routing(routing.epoch() + 1, v, canaryWasIt ? Optional.empty() : routing.canary(),
        canaryWasIt ? 0 : routing.canaryShare(), routing.shadow().filter(s -> s.id() != v.id())), true);
    event("promote", v.id(), v.name());
    p.replyTo().tell(new Reply(true, 200, "version " + v.id() + " is live", routing.epoch()));
    return this;
  }

  private Behavior<Command> onCanary(Canary c) {
    Optional<Reply> missing = unknown(c.version());
    if (missing.isPresent()) {
      c.replyTo().tell(missing.get());
      return this;
    }
    if (!(c.share() >= 0 && c.share() <= 1)) {
      c.replyTo().tell(new Reply(false, 400, "canary share must lie in [0, 1], got " + c.share(), routing.epoch()));
      return this;
    }
    if (c.version() == routing.live().id() && c.share() > 0) {
      c.replyTo().tell(new Reply(false, 409, "version " + c.version() + " is already live", routing.epoch()));
      return this;
    }
    Routing.Version v = versions.get(c.version()).version();
    if (c.share() == 0 && routing.canary().map(x -> x.id() != c.version()).orElse(true)) {
      // Ending a canary names it: a request about a canary already gone never ends another one.
      c.replyTo().tell(new Reply(false, 409, "version " + c.version() + " is not the canary"
          + routing.canary().map(x -> " (version " + x.id() + " is)").orElse(" (there is none)"), routing.epoch()));
      return this;
    }
    if (c.share() == 0) {
      publish(new Routing(routing.epoch() + 1, routing.live(), Optional.empty(), 0, routing.shadow()), false);
      event("canary", v.id(), "canary ended");
    } else {
      publish(new Routing(routing.epoch() + 1, routing.live(), Optional.of(v), c.share(), routing.shadow()), false);
      event("canary", v.id(), "share " + c.share());
    }
    c.replyTo().tell(new Reply(true, 200, "canary " + v.id() + " at share " + c.share(), routing.epoch()));
    return this;
  }

  private Behavior<Command> onShadow(Shadow s) {
    Optional<Reply> missing = unknown(s.version());
    if (missing.isPresent()) {
      s.replyTo().tell(missing.get());
      return this;
    }
    Routing.Version v = versions.get(s.version()).version();
    publish(new Routing(routing.epoch() + 1, routing.live(), routing.canary(), routing.canaryShare(), Optional.of(v)),
        false);
    event("shadow", v.id(), v.name());
    s.replyTo().tell(new Reply(true, 200, "version " + v.id() + " is the shadow", routing.epoch()));
    return this;
  }

  private Reply rollback(String reason) {
    long from = routing.live().id();
    if (from == knownGood) {
      event("rollback", from, "nothing to roll back to: the live version is the known-good one (" + reason + ")");
      return new Reply(false, 409, "the live version " + from + " is already the last known-good version",
          routing.epoch());
    }
    Routing.Version to = versions.get(knownGood).version();
    publish(new Routing(routing.epoch() + 1, to, routing.canary(), routing.canaryShare(), routing.shadow()), true);
    rollbacks++;
    event("rollback", from, "to version " + to.id() + ": " + reason);
    getContext().getLog().warn("Rolled back live version [{}] to known-good version [{}]: {}", from, to.id(),
        io.rlsearch.serving.OneLine.of(reason));
    return new Reply(true, 200, "rolled back from " + from + " to " + to.id(), routing.epoch());
  }

  private Behavior<Command> onBreached(Breached b) {
    ServingGuard.Breach br = b.breach();
    event("breach", br.version(), br.guardrail() + ": " + br.detail() + " after " + br.requests() + " requests");
    getContext().getLog().warn("Guardrail [{}] breached by version [{}]: {}", br.guardrail(), br.version(), br.detail());
    if (br.version() == routing.live().id()) {
      rollback("guardrail " + br.guardrail() + " (" + br.detail() + ")");
    } else if (routing.canary().map(c -> c.id() == br.version()).orElse(false)) {
      publish(new Routing(routing.epoch() + 1, routing.live(), Optional.empty(), 0, routing.shadow()), false);
      event("canary", br.version(), "canary ended by guardrail " + br.guardrail());
    }
    return this;
  }

  private Behavior<Command> onRetire(Retire r) {
    Optional<Reply> missing = unknown(r.version());
    if (missing.isPresent()) {
      r.replyTo().tell(missing.get());
      return this;
    }
    if (inRouting(routing).contains(r.version()) || r.version() == knownGood) {
      r.replyTo().tell(new Reply(false, 409, "version " + r.version() + " serves (live, canary or shadow) or is the"
          + " known-good version", routing.epoch()));
      return this;
    }
    retire(r.version());
    r.replyTo().tell(new Reply(true, 200, "version " + r.version() + " retired", routing.epoch()));
    return this;
  }

  private static Set<Long> inRouting(Routing r) {
    Set<Long> in = new HashSet<>();
    in.add(r.live().id());
    r.canary().ifPresent(v -> in.add(v.id()));
    r.shadow().ifPresent(v -> in.add(v.id()));
    return in;
  }

  private void retire(long id) {
    versions.remove(id);
    finished.remove(id);
    shadowEstimates.remove(id);
    liveValues.remove(id);
    retired++;
    onRetired.accept(id);
  }

  /** Versions that left the routing are finished; beyond {@code keep}, the oldest are retired. */
  private void finish(Routing prev, Routing next) {
    Set<Long> now = inRouting(next);
    for (long id : inRouting(prev)) {
      if (!now.contains(id)) {
        finished.remove(id);
        finished.add(id);
      }
    }
    finished.removeAll(now);
    while (finished.size() > keep) {
      Long oldest = null;
      for (long id : finished) {
        if (id != knownGood) {
          oldest = id;
          break;
        }
      }
      if (oldest == null) {
        break;
      }
      retire(oldest);
    }
  }

  private void publish(Routing next, boolean swap) {
    finish(routing, next);
    routing = next;
    if (swap) {
      swapStarted.put(next.epoch(), clock.getAsLong());
      swapAcks.put(next.epoch(), new HashSet<>());
    }
    for (ActorRef<Routing> s : subscribers) {
      s.tell(next);
    }
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    subscribers.add(s.subscriber());
    s.subscriber().tell(routing);
    return this;
  }

  private Behavior<Command> onApplied(Applied a) {
    Set<Integer> acks = swapAcks.get(a.epoch());
    if (acks != null) {
      acks.add(a.shard());
      if (acks.size() == shards) {
        swapVisibleMs.add((clock.getAsLong() - swapStarted.remove(a.epoch())) / 1e6);
        if (swapVisibleMs.size() > SWAPS_KEPT) {
          swapVisibleMs.remove(0);
        }
        swapAcks.remove(a.epoch());
      }
    }
    return this;
  }

  private Behavior<Command> onGetState(GetState g) {
    List<VersionInfo> out = new ArrayList<>();
    for (Entry e : versions.values()) {
      long id = e.version().id();
      out.add(new VersionInfo(id, e.version().name(), e.source(), routing.live().id() == id,
          routing.canary().map(c -> c.id() == id).orElse(false) ? routing.canaryShare() : 0,
          routing.shadow().map(s -> s.id() == id).orElse(false), knownGood == id));
    }
    g.replyTo().tell(new State(List.copyOf(out), routing.epoch(), List.copyOf(events), List.copyOf(swapVisibleMs),
        rollbacks, retired));
    return this;
  }
}
