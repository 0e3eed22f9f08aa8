package io.rlsearch.serving;

import io.rlsearch.eval.Summary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The gate that an online learner's versions pass on real traffic, one candidate at a time.
 *
 * <p>Each version the learner publishes is registered and becomes the canary at the configured share.
 * While a candidate is registered or on canary, a newer version waits; a still newer one replaces the
 * waiting one (only the newest waits: an older waiting version would be judged when it is already
 * stale), and the replacement is counted. When the candidate's canary ends, the waiting version is
 * registered at once.
 *
 * <p>The window of a candidate opens when the routing shows it on canary. It gathers the rewards of
 * the joined decisions served by the candidate and by the live version. Once the candidate has
 * {@code gate} of them and the live version at least 2, the gate compares the means: with the
 * difference {@code d = mean_canary - mean_live}, its standard error {@code se = sqrt(s_c^2 / n_c +
 * s_l^2 / n_l)} and the Welch-Satterthwaite degrees of freedom {@code df}, the candidate is credibly
 * worse when {@code d + t_0.975(df) se < 0} (the upper end of the one-sided 97.5% interval of the
 * difference lies below 0). Then it is rolled back (its canary ends); otherwise it is promoted. The
 * tolerance {@code t se} shrinks as both samples grow. A canary that ends otherwise (a guardrail's
 * breach, a person) ends the candidate without a promotion; a person promoting it counts as a
 * promotion.
 *
 * <p>Pure and synchronous; one owner. The owner carries out the actions it returns and reports back
 * ({@link #registered}, {@link #routing}).
 */
public final class CanaryGate {
  /** What the owner must do. */
  public sealed interface Action {}

  /** Register learner version {@code learnerVersion} with the serving registry. */
  public record Register(long learnerVersion) implements Action {}

  /** Make serving version {@code id} the canary at {@code share}. */
  public record StartCanary(long id, double share) implements Action {}

  /** Make serving version {@code id} live: the gate passed it. */
  public record Promote(long id, Verdict verdict) implements Action {}

  /** End serving version {@code id}'s canary: the gate rolled it back. */
  public record EndCanary(long id, Verdict verdict) implements Action {}

  /**
   * The gate's comparison of a candidate with the live version.
   *
   * @param candidate the candidate's serving id
   * @param live the live version's serving id
   * @param canary the candidate's rewards
   * @param liveRewards the live version's rewards in the same window
   * @param difference {@code mean_canary - mean_live}
   * @param tolerance {@code t_0.975(df) * se}
   * @param promote whether {@code difference + tolerance >= 0}
   */
  public record Verdict(long candidate, long live, Summary canary, Summary liveRewards, double difference,
      double tolerance, boolean promote) {
    /** One line for logs and events. */
    public String describe() {
      return String.format(Locale.ROOT, "mean reward %.4f over %d feedbacks vs the live version %d's %.4f over %d:"
          + " difference %.4f, tolerance %.4f: %s", canary.mean(), canary.n(), live, liveRewards.mean(),
          liveRewards.n(), difference, tolerance, promote ? "not credibly worse, promoted" : "credibly worse, rolled"
              + " back");
    }
  }

  /**
   * Counts.
   *
   * @param candidates versions registered as candidates
   * @param promoted candidates promoted (by the gate or a person)
   * @param rolledBack candidates rolled back by the gate
   * @param ended candidates whose canary ended otherwise (a guardrail, a person)
   * @param replaced waiting versions replaced by a newer one before their turn
   */
  public record Counts(long candidates, long promoted, long rolledBack, long ended, long replaced) {}

  private enum Phase { IDLE, REGISTERING, STARTING, CANARY, DECIDED }

  /** Running moments of a window: {@link io.rlsearch.core.RunningMoments} with its interval. */
  private static final class Sums {
    private final io.rlsearch.core.RunningMoments m = new io.rlsearch.core.RunningMoments();
    long n;

    void add(double x) {
      m.add(x);
      n = m.n();
    }

    double mean() {
      return m.mean();
    }

    double variance() {
      return m.variance();
    }

    Summary summary() {
      if (n == 0) {
        return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      double half = n < 2 ? Double.NaN : m.halfWidth(Summary.t975(n - 1));
      return new Summary(n, mean(), Math.sqrt(variance()), mean() - half, mean() + half);
    }
  }

  private final double share;
  private final int gate;
  private Phase phase = Phase.IDLE;
  /** The candidate's learner version (REGISTERING on) and serving id (STARTING on). */
  private long candidateVersion = -1;
  private long candidate = -1;
  private long waiting = -1;
  private long live = -1;
  private Sums canarySums = new Sums();
  private Sums liveSums = new Sums();
  private final Set<Long> lineage = new HashSet<>();
  private long candidates;
  private long promoted;
  private long rolledBack;
  private long ended;
  private long replaced;

  /** A gate giving each candidate {@code share} of the traffic and deciding after {@code gate} feedbacks. */
  public CanaryGate(double share, int gate) {
    if (!(share > 0 && share < 1) || gate < 2) {
      throw new IllegalArgumentException("a canary gate needs a share in (0, 1) and a gate >= 2");
    }
    this.share = share;
    this.gate = gate;
  }

  /** The learner published {@code learnerVersion}. */
  public List<Action> published(long learnerVersion) {
    if (phase == Phase.IDLE) {
      return register(learnerVersion);
    }
    if (learnerVersion <= Math.max(waiting, candidateVersion)) {
      return List.of();
    }
    if (waiting >= 0) {
      replaced++;
    }
    waiting = learnerVersion;
    return List.of();
  }

  private List<Action> register(long v) {
    phase = Phase.REGISTERING;
    candidateVersion = v;
    candidate = -1;
    return List.of(new Register(v));
  }

  /** The learner version waiting for its turn, if any. */
  public Optional<Long> waiting() {
    return waiting >= 0 ? Optional.of(waiting) : Optional.empty();
  }

  /** Learner version {@code learnerVersion} was registered as serving version {@code id}. */
  public List<Action> registered(long learnerVersion, long id) {
    if (phase != Phase.REGISTERING || learnerVersion != candidateVersion) {
      throw new IllegalStateException("version " + learnerVersion + " was not being registered");
    }
    lineage.add(id);
    candidates++;
    candidate = id;
    phase = Phase.STARTING;
    return List.of(new StartCanary(id, share));
  }

  /** Registering learner version {@code learnerVersion} failed: the waiting version goes next. */
  public List<Action> registerFailed(long learnerVersion) {
    if (phase != Phase.REGISTERING || learnerVersion != candidateVersion) {
      return List.of();
    }
    return next();
  }

  /** Starting the canary failed (the registry refused): the candidate ends, the waiting version goes next. */
  public List<Action> startFailed(long id) {
    if (phase != Phase.STARTING || id != candidate) {
      return List.of();
    }
    ended++;
    return next();
  }

  /** The routing now has {@code liveId} live and {@code canaryId} on canary. */
  public List<Action> routing(long liveId, Optional<Long> canaryId) {
    boolean liveChanged = liveId != live;
    live = liveId;
    if (phase == Phase.STARTING || phase == Phase.CANARY || phase == Phase.DECIDED) {
      if (liveId == candidate) {
        promoted++;
        return next();
      }
      boolean onCanary = canaryId.isPresent() && canaryId.get() == candidate;
      if (phase == Phase.STARTING && onCanary) {
        phase = Phase.CANARY;
        canarySums = new Sums();
        liveSums = new Sums();
        return List.of();
      }
      if (phase != Phase.STARTING && !onCanary) {
        if (phase == Phase.DECIDED && lastVerdict != null && !lastVerdict.promote()) {
          rolledBack++;
        } else {
          ended++;
        }
        return next();
      }
      if (phase == Phase.CANARY && liveChanged) {
        // Another live version (a rollback, a person): the comparison starts again against it.
        canarySums = new Sums();
        liveSums = new Sums();
      }
    }
    return List.of();
  }

  private Verdict lastVerdict;

  private List<Action> next() {
    phase = Phase.IDLE;
    candidate = -1;
    candidateVersion = -1;
    lastVerdict = null;
    if (waiting >= 0) {
      long v = waiting;
      waiting = -1;
      return register(v);
    }
    return List.of();
  }

  /**
   * A joined decision served by serving version {@code version} with {@code reward}: the gate's
   * decision, when this one completes the candidate's window.
   */
  public Optional<Action> joined(long version, double reward) {
    if (phase != Phase.CANARY) {
      return Optional.empty();
    }
    if (version == candidate) {
      canarySums.add(reward);
    } else if (version == live) {
      liveSums.add(reward);
    } else {
      return Optional.empty();
    }
    if (canarySums.n < gate || liveSums.n < 2) {
      return Optional.empty();
    }
    Verdict v = verdict(candidate, live, canarySums, liveSums);
    phase = Phase.DECIDED;
    lastVerdict = v;
    return Optional.of(v.promote() ? new Promote(candidate, v) : new EndCanary(candidate, v));
  }

  private static Verdict verdict(long candidate, long live, Sums c, Sums l) {
    double d = c.mean() - l.mean();
    double vc = c.variance() / c.n;
    double vl = l.variance() / l.n;
    double se = Math.sqrt(vc + vl);
    double tol = 0;
    if (se > 0) {
      // Welch-Satterthwaite degrees of freedom, rounded down (the wider interval).
      double df = (vc + vl) * (vc + vl) / (vc * vc / (c.n - 1) + vl * vl / (l.n - 1));
      tol = Summary.t975(Math.max(1, (long) Math.floor(df))) * se;
    }
    return new Verdict(candidate, live, c.summary(), l.summary(), d, tol, d + tol >= 0);
  }

  /** Whether serving version {@code id} is one of the learner's (registered by this gate). */
  public boolean inLineage(long id) {
    return lineage.contains(id);
  }

  /** The candidate's serving id, if one is registered. */
  public Optional<Long> candidate() {
    return candidate >= 0 ? Optional.of(candidate) : Optional.empty();
  }

  /** Whether a candidate is on canary and its window is open. */
  public boolean gating() {
    return phase == Phase.CANARY;
  }

  /** The counts so far. */
  public Counts counts() {
    return new Counts(candidates, promoted, rolledBack, ended, replaced);
  }
}
