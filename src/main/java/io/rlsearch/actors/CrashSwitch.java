package io.rlsearch.actors;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A test tool for chaos runs ({@code train --crash ROLE@N}): the actor of that role throws once, right
 * after it has handled its Nth message (all of that role's actors counted together, restarts included).
 * It fires inside the actor's supervision, so a supervised role restarts as it would on a real fault
 * and an unsupervised one stops. Thread-safe; one switch per run.
 */
public final class CrashSwitch {
  /** The roles a crash can be injected into. */
  public static final List<String> ROLES = List.of("population", "shard", "policy-server", "learner", "replay",
      "evaluator", "registry");

  /** No crash. */
  public static final CrashSwitch NONE = new CrashSwitch("", 0);

  /** The exception an injected crash throws. */
  public static final class InjectedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedCrash(String role, long n) {
      super("injected crash of the " + role + " at its " + (n == 1 ? "first" : "message " + n) + " (--crash)", null,
          false, false);
    }
  }

  private final String role;
  private final long n;
  private final boolean midElement;
  private final AtomicLong seen = new AtomicLong();
  private final AtomicBoolean fired = new AtomicBoolean();

  private CrashSwitch(String role, long n) {
    this(role, n, false);
  }

  private CrashSwitch(String role, long n, boolean midElement) {
    this.role = role;
    this.n = n;
    this.midElement = midElement;
  }

  /**
   * A switch that throws once in the middle of a batch: when the role's actor is about to take in its
   * Nth transition (the stream sinks: population, learner, evaluator), with the batch's earlier
   * transitions taken in and the later ones not.
   */
  public static CrashSwitch midElement(String role, long n) {
    if (!List.of("population", "learner", "evaluator").contains(role) || n < 1) {
      throw new IllegalArgumentException("a mid-batch crash takes population, learner or evaluator and N >= 1");
    }
    return new CrashSwitch(role, n, true);
  }

  /** Called by a stream sink before it takes in a transition: throws if this is the mid-batch crash. */
  public void transition(String actorRole) {
    if (midElement && actorRole.equals(role) && seen.incrementAndGet() == n && fired.compareAndSet(false, true)) {
      throw new InjectedCrash(role, n);
    }
  }

  /** A switch for {@code ROLE@N}; one line naming what is accepted otherwise. */
  public static CrashSwitch parse(String spec) {
    int at = spec.lastIndexOf('@');
    String role = at < 0 ? spec : spec.substring(0, at);
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("--crash takes ROLE@N with ROLE one of " + String.join(", ", ROLES)
          + "; got '" + spec + "'");
    }
    long n;
    try {
      n = at < 0 ? -1 : Long.parseLong(spec.substring(at + 1));
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1) {
      throw new IllegalArgumentException("--crash takes ROLE@N with N >= 1 (the role's Nth message); got '" + spec
          + "'");
    }
    return new CrashSwitch(role, n);
  }

  /** Whether the crash has been injected. */
  public boolean fired() {
    return fired.get();
  }

  /** Crashes injected so far (0 or 1). */
  public long injected() {
    return fired.get() ? 1 : 0;
  }

  /**
   * What the role's actors had handled so far (all of them together, restarts included): messages, or
   * for a mid-batch switch the transitions taken in. With {@link #fired()} false at the end of a run,
   * this tells how far short of N the role stayed.
   */
  public long handled() {
    return seen.get();
  }

  /** The N of {@code ROLE@N}: the message (or transition) at which it throws. */
  public long at() {
    return n;
  }

  /** The role it crashes ("" for none). */
  public String role() {
    return role;
  }

  /** {@code inner}, throwing once at the role's Nth message if this switch is for {@code actorRole}. */
  public <T> Behavior<T> wrap(String actorRole, Class<T> type, Behavior<T> inner) {
    if (!actorRole.equals(role) || midElement) {
      return inner;
    }
    return Behaviors.intercept(() -> new BehaviorInterceptor<T, T>(type) {
      @Override
      public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
        // The message is handled, then the actor fails: everything it held outside its surviving state
        // (its behaviour, stash, timers, anything in hand) is lost, as in a crash between two messages.
        Behavior<T> next = target.apply(ctx, msg);
        if (seen.incrementAndGet() == n && fired.compareAndSet(false, true)) {
          throw new InjectedCrash(role, n);
        }
        return next;
      }
    }, inner);
  }
}
