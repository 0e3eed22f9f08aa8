package io.rlsearch.agents.safety;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Guardrails of a serving path: each version that is not yet known to be good is watched against the
 * known-good version's outcomes, and a breach says which guardrail fired.
 *
 * <ul>
 *   <li><b>Drift</b> on reward, GMV and CM2: a one-sided CUSUM (Page, 1954) against the known-good
 *       version's mean, on each metric's drop over batches of {@code batch} requests in units of the
 *       known-good standard error of such a batch mean, {@code z = (mu_good - mean_batch) /
 *       (sd_good / sqrt(batch))}: {@code S = max(0, S + z - delta)}, alarm when {@code S > threshold}.
 *       Batch means tame the heavy tails of per-session GMV (most sessions earn 0), so the
 *       thresholds are in standard deviations of a near-normal variable; the reference is the
 *       known-good mean, not the watched stream's own, so a version that is steadily worse is caught
 *       and one that is better never alarms.
 *   <li><b>CM2 floor</b>: the mean CM2 of each window of {@code cm2Window} requests below the floor.
 *   <li><b>Stability</b>: the mean rank change against the base ranking over each window of
 *       {@code stabilityWindow} requests above {@code maxRankChange} (1 disables it).
 *   <li><b>Error rate</b>: the requests that failed (the policy threw) in a window of
 *       {@code errorWindow} requests, when so many would come at most once in
 *       {@code 1 / ERROR_ALPHA} windows from a version that fails exactly {@code maxErrorRate} of its
 *       requests (a one-sided exact binomial test; with 20 and 10%, 8 failures). Requests arrive one by one
 *       ({@link #observe}, {@link #observeError}) or counted in batches ({@link #observeRequests}); a
 *       window closes at the first request count that reaches {@code errorWindow}, so a batch may make
 *       it longer, never shorter.
 * </ul>
 * A simulated request's outcome is known when it is served ({@link #observe}); a real request's only
 * when its feedback arrives, which may be never: its request is counted when it is answered
 * ({@link #observeRequests}) and its reward, GMV and CM2 when its feedback joins
 * ({@link #observeFeedback}). The error rate is thus a share of requests, and the metric tests run on
 * the outcomes known. A watched version with {@code goodAfter} judged requests (outcomes known) and no
 * breach becomes the known-good version (its outcomes then form the baseline): a real
 * version is judged on its feedback, not on requests whose outcome nobody reported. Until the baseline
 * holds {@code minBaseline} outcomes, the drift tests wait (the floor and the stability limit do not).
 * Pure and synchronous; one owner.
 */
public final class ServingGuard {
  /**
   * Settings.
   *
   * @param batch requests per batch mean in the drift tests
   * @param phDelta the CUSUM's tolerated drop (its reference value k), in standard errors of a batch mean
   * @param phThreshold the CUSUM's alarm threshold (h), in the same units
   * @param minBaseline known-good requests needed before the drift tests run
   * @param cm2Window requests per CM2 window
   * @param cm2Floor the lowest mean CM2 per request a window may have (NaN: no floor)
   * @param stabilityWindow requests per rank-change window
   * @param maxRankChange the highest mean rank change a window may have (1: no limit)
   * @param goodAfter judged requests (outcome known) without a breach after which a watched
   *     version is known-good
   * @param errorWindow requests per error-rate window
   * @param maxErrorRate the failure rate a window is tested against: it breaches when its failures show a
   *     rate above this one at the {@link ServingGuard#ERROR_ALPHA} level
   */
  public record Settings(int batch, double phDelta, double phThreshold, int minBaseline, int cm2Window,
      double cm2Floor, int stabilityWindow, double maxRankChange, long goodAfter, int errorWindow,
      double maxErrorRate) {
    public Settings {
      if (batch < 1 || !(phDelta >= 0) || !(phThreshold > 0) || minBaseline < 2 || cm2Window < 1
          || stabilityWindow < 1 || !(maxRankChange > 0 && maxRankChange <= 1) || goodAfter < 1 || errorWindow < 1
          || !(maxErrorRate >= 0 && maxErrorRate < 1)) {
        throw new IllegalArgumentException("guard settings out of range: batch, windows, good-after >= 1,"
            + " min baseline >= 2, delta >= 0, threshold > 0, max rank change in (0, 1], max error rate in [0, 1)");
      }
    }

    /** Settings with the default error-rate guardrail (windows of 20 requests, at most 10% failed). */
    public Settings(int batch, double phDelta, double phThreshold, int minBaseline, int cm2Window, double cm2Floor,
        int stabilityWindow, double maxRankChange, long goodAfter) {
      this(batch, phDelta, phThreshold, minBaseline, cm2Window, cm2Floor, stabilityWindow, maxRankChange, goodAfter,
          20, 0.1);
    }

    /**
     * Defaults: batches of 50, delta 0.5 standard errors and the threshold of a false-alarm budget of
     * {@link #ARL0} requests per metric, 200 baseline requests, CM2 floor 0.2 per request over windows of
     * 200, no stability limit, known-good after 2,000 requests, at most 10% failed requests per window
     * of 20.
     */
    public static Settings defaults() {
      return new Settings(50, 0.5, io.rlsearch.eval.drift.CalibratedCusum.threshold(0.5, ARL0 / 50.0), 200, 200, 0.2,
          200, 1.0, 2000, 20, 0.1);
    }
  }

  /**
   * The drift tests' false-alarm budget: requests between false alarms per metric on a version exactly
   * like the known-good one (three metrics over a 2,000-request watch: at most 0.6% of clean watches).
   */
  public static final double ARL0 = 1_000_000;


  /** The metrics watched. */
  public enum Metric { REWARD, GMV, CM2 }

  /**
   * A breach.
   *
   * @param version the version that breached
   * @param guardrail "drift:reward", "drift:gmv", "drift:cm2", "cm2_floor" or "stability"
   * @param detail what was measured
   * @param requests the version's requests watched until then (answered or failed)
   */
  public record Breach(long version, String guardrail, String detail, long requests) {}

  /** Running moments of the known-good baseline. */
  private static final class Moments {
    long n;
    final double[] mean = new double[3];
    final double[] m2 = new double[3];

    void add(double[] x) {
      n++;
      for (int i = 0; i < 3; i++) {
        double d = x[i] - mean[i];
        mean[i] += d / n;
        m2[i] += d * (x[i] - mean[i]);
      }
    }

    double sd(int i) {
      return n < 2 ? Double.NaN : Math.sqrt(m2[i] / (n - 1));
    }
  }

  private final class Watch {
    final long version;
    /** Requests answered or failed. */
    long requests;
    /** Requests whose outcome is known (served with one): the count {@code goodAfter} is on. */
    long judged;
    final double[] batchSum = new double[3];
    int inBatch;
    final double[] cusum = new double[3];
    double cm2Sum;
    int cm2Count;
    double rankSum;
    int rankCount;
    long errorCount;
    long errorWindowCount;
    final Moments own = new Moments();

    Watch(long version) {
      this.version = version;
    }
  }

  private final Settings s;
  private long knownGood;
  private Moments baseline = new Moments();
  private final Map<Long, Watch> watched = new HashMap<>();
  private final ArrayDeque<Long> becameGood = new ArrayDeque<>();

  /** A guard whose first known-good version is {@code initial} (the version serving at start). */
  public ServingGuard(Settings settings, long initial) {
    this.s = settings;
    this.knownGood = initial;
  }

  /** The current known-good version. */
  public long knownGood() {
    return knownGood;
  }

  /** Starts (or restarts) watching {@code version} (promoted, or sent to a canary). */
  public void watch(long version) {
    if (version == knownGood) {
      return;
    }
    watched.put(version, new Watch(version));
  }

  /** Stops watching {@code version} (rolled back, or its canary ended). */
  public void unwatch(long version) {
    watched.remove(version);
  }

  /** Whether {@code version} is watched. */
  public boolean watching(long version) {
    return watched.containsKey(version);
  }

  /** Versions that became known-good since the last call, oldest first. */
  public Optional<Long> pollBecameGood() {
    return Optional.ofNullable(becameGood.poll());
  }

  /**
   * Takes one request that failed (the version's policy threw): a breach of a watched version, if its
   * error rate over the window passed the limit. The known-good version's failures are counted by the
   * caller; there is nothing to roll it back to.
   */
  public Optional<Breach> observeError(long version) {
    return observeRequests(version, 0, 1);
  }

  /**
   * Takes requests of {@code version} counted together: {@code answered} answered whose outcome is not
   * known yet (a real request's comes with its feedback, {@link #observeFeedback}) and {@code failed}
   * that failed. A breach of a watched version, if its error rate over the window passed the limit.
   */
  public Optional<Breach> observeRequests(long version, long answered, long failed) {
    if (answered < 0 || failed < 0) {
      throw new IllegalArgumentException("request counts are >= 0, got " + answered + " and " + failed);
    }
    Watch w = watched.get(version);
    if (w == null || answered + failed == 0) {
      return Optional.empty();
    }
    w.requests += answered + failed;
    w.errorCount += failed;
    return errorWindow(w, answered + failed);
  }

  private Optional<Breach> errorWindow(Watch w, long requests) {
    w.errorWindowCount += requests;
    if (w.errorWindowCount < s.errorWindow()) {
      return Optional.empty();
    }
    long errors = w.errorCount;
    long window = w.errorWindowCount;
    w.errorCount = 0;
    w.errorWindowCount = 0;
    double tail = upperTail(errors, window, s.maxErrorRate());
    if (tail <= ERROR_ALPHA) {
      return breach(w, "error_rate", String.format(java.util.Locale.ROOT,
          "%d of the last %d requests failed: more than %.0f%% at %.1f%% confidence (binomial tail %.2g)", errors,
          window, 100 * s.maxErrorRate(), 100 * (1 - ERROR_ALPHA), tail));
    }
    return Optional.empty();
  }

  /**
   * The error-rate guardrail's false-alarm rate per window: a window breaches when its failures would
   * come at most this often from a version that fails exactly {@code maxErrorRate} of its requests (a
   * one-sided exact binomial test). A share above the limit alone is not enough: with windows of 20
   * and a limit of 10%, 3 failures of a version that fails 4% of its requests come in one window in
   * 23, so over a canary's hundred windows it would be rolled back almost surely.
   */
  public static final double ERROR_ALPHA = 0.001;

  /** P(X >= k) for X ~ Binomial(n, p). */
  static double upperTail(long k, long n, double p) {
    if (k <= 0) {
      return 1.0;
    }
    if (k > n || p <= 0) {
      return 0.0;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a window of at most " + Integer.MAX_VALUE + " requests, got " + n);
    }
    // No random generator: only the distribution's exact probabilities are read.
    org.apache.commons.math3.distribution.BinomialDistribution b =
        new org.apache.commons.math3.distribution.BinomialDistribution(null, (int) n, p);
    double tail = 0;
    for (long j = k; j <= n; j++) {
      double pj = b.probability((int) j);
      tail += pj;
      if (pj < 1e-300 && j > n * p) {
        break;
      }
    }
    return Math.min(1.0, tail);
  }

  /**
   * Takes one served request with its outcome (a simulated request: one request of the error-rate
   * window too); a breach of a watched version, if this request caused one.
   */
  public Optional<Breach> observe(long version, double reward, double gmv, double cm2, double rankChange) {
    return outcome(version, reward, gmv, cm2, rankChange, true);
  }

  /**
   * Takes the outcome of a request counted already when it was answered ({@link #observeRequests}): a
   * real request's feedback. It is no further request of the error-rate window. A breach of a watched
   * version, if this outcome caused one.
   */
  public Optional<Breach> observeFeedback(long version, double reward, double gmv, double cm2, double rankChange) {
    return outcome(version, reward, gmv, cm2, rankChange, false);
  }

  private Optional<Breach> outcome(long version, double reward, double gmv, double cm2, double rankChange,
      boolean request) {
    double[] x = {reward, gmv, cm2};
    if (version == knownGood) {
      baseline.add(x);
      return Optional.empty();
    }
    Watch w = watched.get(version);
    if (w == null) {
      return Optional.empty();
    }
    w.judged++;
    w.own.add(x);
    if (request) {
      w.requests++;
      Optional<Breach> errors = errorWindow(w, 1);
      if (errors.isPresent()) {
        return errors;
      }
    }
    // CM2 floor over non-overlapping windows.
    if (!Double.isNaN(s.cm2Floor())) {
      w.cm2Sum += cm2;
      if (++w.cm2Count == s.cm2Window()) {
        double mean = w.cm2Sum / w.cm2Count;
        w.cm2Sum = 0;
        w.cm2Count = 0;
        if (mean < s.cm2Floor()) {
          return breach(w, "cm2_floor", String.format(java.util.Locale.ROOT,
              "mean CM2 %.3f over %d requests below the floor %.3f", mean, s.cm2Window(), s.cm2Floor()));
        }
      }
    }
    if (s.maxRankChange() < 1 && !Double.isNaN(rankChange)) {
      w.rankSum += rankChange;
      if (++w.rankCount == s.stabilityWindow()) {
        double mean = w.rankSum / w.rankCount;
        w.rankSum = 0;
        w.rankCount = 0;
        if (mean > s.maxRankChange()) {
          return breach(w, "stability", String.format(java.util.Locale.ROOT,
              "mean rank change %.3f over %d requests above the limit %.3f", mean, s.stabilityWindow(),
              s.maxRankChange()));
        }
      }
    }
    for (int i = 0; i < 3; i++) {
      w.batchSum[i] += x[i];
    }
    if (++w.inBatch == s.batch()) {
      double[] batchMean = new double[3];
      for (int i = 0; i < 3; i++) {
        batchMean[i] = w.batchSum[i] / s.batch();
        w.batchSum[i] = 0;
      }
      w.inBatch = 0;
      if (baseline.n >= s.minBaseline()) {
        for (Metric m : Metric.values()) {
          int i = m.ordinal();
          double se = baseline.sd(i) / Math.sqrt(s.batch());
          if (!(se > 0)) {
            continue;
          }
          double drop = (baseline.mean[i] - batchMean[i]) / se;
          // The baseline's own error is a bias shared by every batch of the watch: the tolerated drop
          // grows by two of its standard errors (sqrt(batch / baseline) batch standard errors).
          double k = s.phDelta() + 2 * Math.sqrt((double) s.batch() / baseline.n);
          w.cusum[i] = Math.max(0, w.cusum[i] + drop - k);
          if (w.cusum[i] > s.phThreshold()) {
            return breach(w, "drift:" + m.name().toLowerCase(java.util.Locale.ROOT), String.format(
                java.util.Locale.ROOT, "%s fell from %.3f (known-good version %d) to %.3f over the last batch of %d",
                m.name().toLowerCase(java.util.Locale.ROOT), baseline.mean[i], knownGood, batchMean[i], s.batch()));
          }
        }
      }
    }
    if (w.judged >= s.goodAfter()) {
      watched.remove(version);
      knownGood = version;
      baseline = w.own;
      becameGood.add(version);
    }
    return Optional.empty();
  }

  private Optional<Breach> breach(Watch w, String guardrail, String detail) {
    watched.remove(w.version);
    return Optional.of(new Breach(w.version, guardrail, detail, w.requests));
  }
}
