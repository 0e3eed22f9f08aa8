package io.rlsearch.experiments;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.Retention;
import io.rlsearch.sim.User;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated users of a run: arriving users with their first query, and, with retention on,
 * returning users (the same user with a new query) until they churn.
 *
 * <p>User u draws everything from its own stream ({@link RunStreams#user}): its profile and first
 * query on arrival, then per finished session one uniform for the return decision (probability from
 * the retention model (docs/world.md), from the session's clicks and final satisfaction) and, if it
 * returns, its next query; as the reference's {@code MultiSessionEnv} does on one stream. A user has
 * at most {@code sessionsCap} sessions (the reference's trajectory cap is 100). Returning users are
 * served before new arrivals. Finishing a session twice (a retried duplicate) changes nothing.
 */
public final class Population {
  /**
   * A session to run.
   *
   * @param episode the episode id, {@code user * sessionsCap + session}
   * @param user the user id
   * @param session the user's session index
   * @param profile the user
   * @param query this session's query
   */
  public record Arrival(long episode, long user, int session, User profile, Query query) {}

  private final World world;
  private final RunStreams streams;
  private final long users;
  private final boolean retention;
  private final int sessionsCap;
  private final Retention model;
  private final ArrayDeque<Arrival> returning = new ArrayDeque<>();
  private final Map<Long, Active> active = new HashMap<>();
  private final BitSet finishedFirstSessions = new BitSet();
  private long nextUser;
  private final long firstUser;
  private long retired;
  private long sessionsStarted;

  private static final class Active {
    final NumpyRandom rng;
    final User profile;
    int lastFinished = -1;

    Active(NumpyRandom rng, User profile) {
      this.rng = rng;
      this.profile = profile;
    }
  }

  /**
   * A population of {@code users} users.
   *
   * @param retention whether users return (multi-session) or leave after one session
   * @param sessionsCap the most sessions a user has (1 without retention)
   */
  public Population(World world, RunStreams streams, long users, boolean retention, int sessionsCap) {
    this(world, streams, users, retention, sessionsCap, 0);
  }

  /**
   * A population of users {@code firstUser .. users - 1} (a resumed run: the users before
   * {@code firstUser} ran before the checkpoint). User {@code u} is the same person whatever the first.
   */
  public Population(World world, RunStreams streams, long users, boolean retention, int sessionsCap, long firstUser) {
    if (firstUser < 0 || firstUser >= users) {
      throw new IllegalArgumentException("first user must be in 0.." + (users - 1) + ", got " + firstUser);
    }
    if (users < 1 || users > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("users must be in 1.." + Integer.MAX_VALUE + ", got " + users);
    }
    if (sessionsCap < 1 || (!retention && sessionsCap != 1)) {
      throw new IllegalArgumentException("sessions cap must be >= 1 (exactly 1 without retention), got " + sessionsCap);
    }
    if (users * sessionsCap > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("users x sessions cap must stay below 2^31, got " + users * sessionsCap);
    }
    this.world = world;
    this.streams = streams;
    this.users = users;
    this.retention = retention;
    this.sessionsCap = sessionsCap;
    this.model = new Retention(world.settings().retention());
    this.firstUser = firstUser;
    this.nextUser = firstUser;
    SimSettings.Drift drift = world.settings().drift();
    this.shiftAt = drift.active() ? drift.at() : Long.MAX_VALUE;
    this.shifted = drift.active() ? new World(world.settings().shifted(), world.catalog()) : world;
  }

  private final long shiftAt;
  private final World shifted;

  /**
   * The arrival of user {@code u}'s first session, drawn from the user's own stream: what the serving
   * path answers for request {@code u} (each request a new user), the same user {@link #next} would
   * draw for {@code u}.
   */
  public static Arrival firstSession(World world, RunStreams streams, long u) {
    NumpyRandom rng = streams.user(u);
    User profile = world.sampleUser(rng);
    Query q = world.sampleQuery(profile, rng);
    return new Arrival(u, u, 0, profile, q);
  }

  /** The next session to run, if one is ready: a returning user first, else a new arrival. */
  public Optional<Arrival> next() {
    Arrival a = returning.poll();
    if (a == null && nextUser < users) {
      long u = nextUser++;
      NumpyRandom rng = streams.user(u);
      // A scheduled shift: from user shiftAt on, users come from the shifted world (same catalog).
      World from = u >= shiftAt ? shifted : world;
      User profile = from.sampleUser(rng);
      Query q = from.sampleQuery(profile, rng);
      if (retention) {
        active.put(u, new Active(rng, profile));
      }
      a = new Arrival(u * sessionsCap, u, 0, profile, q);
    }
    if (a != null) {
      sessionsStarted++;
    }
    return Optional.ofNullable(a);
  }

  /** The episode id {@link #next} would hand out, if one is ready. */
  public Optional<Long> nextEpisodeId() {
    Arrival a = returning.peek();
    if (a != null) {
      return Optional.of(a.episode());
    }
    return nextUser < users ? Optional.of(nextUser * sessionsCap) : Optional.empty();
  }

  /** Records a finished session; with retention, decides whether the user returns. */
  public void finished(long user, int session, double clicks, double satisfaction) {
    if (!retention) {
      if (!finishedFirstSessions.get((int) user)) {
        finishedFirstSessions.set((int) user);
        retired++;
      }
      return;
    }
    Active a = active.get(user);
    if (a == null || session <= a.lastFinished) {
      return;
    }
    a.lastFinished = session;
    boolean returns = a.rng.random() < model.returnProbability(clicks, satisfaction);
    if (returns && session + 1 < sessionsCap) {
      Query q = world.sampleQuery(a.profile, a.rng);
      returning.add(new Arrival(user * sessionsCap + session + 1, user, session + 1, a.profile, q));
    } else {
      active.remove(user);
      retired++;
    }
  }

  /** True when every user has arrived and left. */
  public boolean exhausted() {
    return retired == users - firstUser;
  }

  /** Users who have arrived. */
  public long arrived() {
    return nextUser - firstUser;
  }

  /** Users who have left. */
  public long retired() {
    return retired;
  }

  /** Sessions handed out (a retried session counts once). */
  public long sessionsStarted() {
    return sessionsStarted;
  }

  /** The sessions cap (episode ids are {@code user * cap + session}). */
  public int sessionsCap() {
    return sessionsCap;
  }
}
