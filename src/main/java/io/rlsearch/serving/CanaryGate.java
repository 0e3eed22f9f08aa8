package io.rlsearch.serving;

import io.rlsearch.eval.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
 * breach, a person, another canary started over it) ends the candidate without a promotion; a person
 * promoting it counts as a promotion.
 *
 * <p>Every end of the candidate returns the gate to waiting for the next version: promoted (by the
 * gate or a person), rolled back (by the gate), its canary ended by anyone or replaced (all seen in the
 * routing, {@link #routing}), its registration or start failed ({@link #registerFailed},
 * {@link #startFailed}), or the gate's own promotion or rollback refused ({@link #decisionFailed}).
 * Every event has a defined outcome in every phase: what does not concern the candidate changes
 * nothing, and a registration the gate no longer waits for is retired.
 *
 * <p>Pure and synchronous; one owner. The owner carries out the actions it returns and reports back.
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
   * End serving version {@code id}'s canary, if it still is the canary: the gate gave the candidate up
   * (its promotion or rollback was refused, or its start was reported failed and it started after all).
   */
  public record Withdraw(long id) implements Action {}

  /** Serving version {@code id} never served and never will: the registry may forget it. */
  public record Retire(long id) implements Action {}

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
   * @param ended candidates whose canary ended otherwise (a guardrail, a person, another canary) or
   *     never started
   * @param replaced waiting versions replaced by a newer one before their turn
   * @param refused candidates given up because the registry refused (or did not answer) the gate's
   *     promotion or rollback
   */
  public record Counts(long candidates, long promoted, long rolledBack, long ended, long replaced, long refused) {}

  /**
   * The gate's phases. IDLE: no candidate. REGISTERING: the candidate's learner version is being
   * registered. STARTING: its canary is being started. CANARY: on canary, its window open. DECIDED: the
   * gate asked for its promotion or rollback and waits for the routing to show it.
   */
  private enum Phase { IDLE, REGISTERING, STARTING, CANARY, DECIDED }

  /** Serving ids of the learner's candidates remembered for {@link #inLineage}: the most recent ones. */
  public static final int LINEAGE_KEPT = 4096;

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
  /** The candidates' serving ids, oldest first, at most {@link #LINEAGE_KEPT}. */
  private final java.util.LinkedHashSet<Long> lineage = new java.util.LinkedHashSet<>();
  /** The routing's last table: its number, and its canary (-1: none). */
  private long epoch = -1;
  private long canaryShown = -1;
  /** The candidate whose start was reported failed, to withdraw if the routing shows it on canary (-1: none). */
  private long abandoned = -1;
  private long refused;
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

  /**
   * Learner version {@code learnerVersion} was registered as serving version {@code id}: it becomes
   * the canary. A registration the gate no longer waits for (not the version being registered) is
   * retired: it never served.
   */
  public List<Action> registered(long learnerVersion, long id) {
    if (phase != Phase.REGISTERING || learnerVersion != candidateVersion) {
      return List.of(new Retire(id));
    }
    remember(id);
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
    return next(List.of());
  }

  /**
   * Starting the canary failed (the registry refused, or did not answer): the candidate ends, is
   * retired (it never served) and the waiting version goes next. A report about a version the
   * routing already showed on canary, or that is not the candidate, changes nothing.
   */
  public List<Action> startFailed(long id) {
    if (phase != Phase.STARTING || id != candidate) {
      return List.of();
    }
    ended++;
    abandoned = id;
    return next(List.of(new Retire(id)));
  }

  /**
   * The gate's {@link Promote} or {@link EndCanary} of serving version {@code id} was refused, or not
   * answered: the candidate ends (counted as refused) and the waiting version goes next. Its canary,
   * if it still serves, is withdrawn ({@link Withdraw}); the next candidate would replace it anyway.
   * A report about a version that is not the decided candidate changes nothing (the routing already
   * ended it).
   */
  public List<Action> decisionFailed(long id) {
    if (phase != Phase.DECIDED || id != candidate) {
      return List.of();
    }
    refused++;
    return next(canaryShown == id ? List.of(new Withdraw(id)) : List.of());
  }

  /**
   * The routing table {@code epoch} has {@code liveId} live and {@code canaryId} on canary. Every end
   * of the candidate shows here, whoever caused it: it is live (promoted by the gate or a person), or
   * it is no longer on canary (rolled back by the gate, ended by a guardrail or a person, replaced by
   * another canary). A table older than one already seen is ignored.
   */
  public List<Action> routing(long epoch, long liveId, Optional<Long> canaryId) {
    if (epoch < this.epoch) {
      return List.of();
    }
    this.epoch = epoch;
    boolean liveChanged = liveId != live;
    live = liveId;
    canaryShown = canaryId.orElse(-1L);
    switch (phase) {
      case IDLE, REGISTERING -> {
        // The candidate whose start was reported failed (unanswered), on canary after all: it would
        // serve ungated, so it is withdrawn, once.
        if (canaryShown >= 0 && canaryShown == abandoned) {
          abandoned = -1;
          return List.of(new Withdraw(canaryShown));
        }
        return List.of();
      }
      case STARTING, CANARY, DECIDED -> {
        if (liveId == candidate) {
          promoted++;
          return next(List.of());
        }
        boolean onCanary = canaryShown == candidate;
        if (phase == Phase.STARTING) {
          if (onCanary) {
            phase = Phase.CANARY;
            canarySums = new Sums();
            liveSums = new Sums();
          }
          // Otherwise a table from before the canary started.
          return List.of();
        }
        if (!onCanary) {
          if (phase == Phase.DECIDED && lastVerdict != null && !lastVerdict.promote()) {
            rolledBack++;
          } else {
            ended++;
          }
          return next(List.of());
        }
        if (phase == Phase.CANARY && liveChanged) {
          // Another live version (a rollback, a person): the comparison starts again against it.
          canarySums = new Sums();
          liveSums = new Sums();
        }
        return List.of();
      }
      default -> throw new IllegalStateException("unknown phase " + phase);
    }
  }

  /** {@link #routing(long, long, Optional)} of a table newer than every one seen. */
  public List<Action> routing(long liveId, Optional<Long> canaryId) {
    return routing(epoch + 1, liveId, canaryId);
  }

  private Verdict lastVerdict;

  /** The candidate ended: the waiting version, if any, goes next, after {@code first}. */
  private List<Action> next(List<Action> first) {
    phase = Phase.IDLE;
    candidate = -1;
    candidateVersion = -1;
    lastVerdict = null;
    if (waiting >= 0) {
      long v = waiting;
      waiting = -1;
      List<Action> out = new ArrayList<>(first);
      out.addAll(register(v));
      return List.copyOf(out);
    }
    return first;
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

  /**
   * Whether serving version {@code id} is one of the learner's (registered by this gate), among its
   * last {@link #LINEAGE_KEPT} candidates.
   */
  public boolean inLineage(long id) {
    return lineage.contains(id);
  }

  private void remember(long id) {
    lineage.add(id);
    if (lineage.size() > LINEAGE_KEPT) {
      java.util.Iterator<Long> it = lineage.iterator();
      it.next();
      it.remove();
    }
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
    return new Counts(candidates, promoted, rolledBack, ended, replaced, refused);
  }
}
