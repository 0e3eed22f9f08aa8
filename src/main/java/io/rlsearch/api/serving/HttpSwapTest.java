package io.rlsearch.api.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.RequestKeys;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The swap test over HTTP, against a running server: the simulated world's users as a search
 * service's traffic. Request {@code i} is {@link SimulatedRequests}' request {@code i}, sent to
 * {@code POST /v1/rank} at a fixed rate whatever the latency (open loop, at most
 * {@code maxInFlight} waiting); the simulated user browses the ranking it gets back and its clicks
 * and purchases go to {@code POST /v1/feedback}. At request {@code badAt} a bad version is promoted
 * over HTTP and the run watches {@code GET /policies} until the guardrails, fed by that real feedback
 * alone, roll it back.
 *
 * <p>Every answer from a built-in version is ranked again in-process (the same built-in bound to the
 * same schema, the request's policy stream under {@code seed}) and compared: ranking, scores and
 * propensity. {@code ./rlsearch swap-test --http URL} validates its options, calls {@link #run} and
 * renders {@link #toJson}.
 */
public final class HttpSwapTest {
  /**
   * A run's settings.
   *
   * @param rate requests per second
   * @param requests requests to send
   * @param badAt the request before which the bad version is promoted (negative: never)
   * @param badPolicy the name of the bad version on the server
   * @param seed the seed of the simulated users (and of the in-process policy streams)
   * @param candidates candidates per request
   * @param k how many each request asks for
   * @param maxInFlight requests (with their feedback) waiting at most at once
   * @param settle how long to wait at the end for the answers and for the rollback
   */
  public record Settings(double rate, long requests, long badAt, String badPolicy, long seed, int candidates, int k,
      int maxInFlight, Duration settle) {
    public Settings {
      Objects.requireNonNull(badPolicy, "badPolicy");
      Objects.requireNonNull(settle, "settle");
      if (!(rate > 0) || requests < 1 || badAt >= requests || maxInFlight < 1) {
        throw new IllegalArgumentException("a swap test needs rate > 0, requests >= 1, the bad version before the"
            + " last request and maxInFlight >= 1");
      }
    }
  }

  /** A run that cannot go on, with one line saying why. */
  public static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * One version's figures in a run.
   *
   * @param version its number
   * @param name its name
   * @param answered requests it answered
   * @param feedback feedbacks the server joined to its decisions
   * @param reward the mean reward the server computed from that feedback
   * @param trueReward the mean reward the simulator gave the same sessions
   */
  public record VersionStats(long version, String name, long answered, long feedback, double reward,
      double trueReward) {}

  /**
   * What a run saw.
   *
   * @param sent requests sent
   * @param answered requests answered with a decision
   * @param failed requests answered with an error other than 503, or not answered in time
   * @param shed requests the server shed (503)
   * @param feedbackJoined feedbacks answered 200
   * @param feedbackFailed feedbacks answered otherwise
   * @param checked answers ranked again in-process
   * @param mismatched of those, answers that differ
   * @param firstMismatch the first difference, if any
   * @param versions per version, by number
   * @param liveBefore the live version when the run started
   * @param badVersion the bad version's number (0 when none was promoted)
   * @param badPromotedAt the request before which it was promoted (-1 when none)
   * @param badServed requests it answered
   * @param rolledBack whether the guardrails rolled it back within the run
   * @param rollbackSeenAt the request being sent when the rollback was seen (-1 when none)
   * @param rollbackReason the registry's detail of the rollback
   * @param liveAfter the live version at the end
   * @param seconds the run's wall time
   * @param errors the first few failures, one line each
   */
  public record Result(long sent, long answered, long failed, long shed, long feedbackJoined, long feedbackFailed,
      long checked, long mismatched, Optional<String> firstMismatch, Map<Long, VersionStats> versions,
      long liveBefore, long badVersion, long badPromotedAt, long badServed, boolean rolledBack, long rollbackSeenAt,
      String rollbackReason, long liveAfter, double seconds, List<String> errors) {
    public Result {
      versions = Collections.unmodifiableMap(new TreeMap<>(versions));
      errors = List.copyOf(errors);
    }
  }

  private static final int MAX_ERRORS = 5;
  private static final long POLL_NANOS = 200_000_000L;

  private final Settings settings;

  /** A swap test with {@code settings}. */
  public HttpSwapTest(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  private static final class Acc {
    long answered;
    long feedback;
    double reward;
    double trueReward;
  }

  private final class Run {
    final Map<Long, Acc> byVersion = new TreeMap<>();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong shed = new AtomicLong();
    final AtomicLong joined = new AtomicLong();
    final AtomicLong feedbackFailed = new AtomicLong();
    final AtomicLong checked = new AtomicLong();
    final AtomicLong mismatched = new AtomicLong();
    final AtomicLong badServed = new AtomicLong();
    volatile long bad;
    String firstMismatch;
    final List<String> errors = new ArrayList<>();

    synchronized Acc acc(long version) {
      return byVersion.computeIfAbsent(version, v -> new Acc());
    }

    synchronized void error(String line) {
      if (errors.size() < MAX_ERRORS) {
        errors.add(line);
      }
    }

    synchronized void mismatch(String line) {
      mismatched.incrementAndGet();
      if (firstMismatch == null) {
        firstMismatch = line;
      }
    }
  }

  /**
   * Runs the test against {@code client}'s server with the users of {@code world}.
   *
   * @throws RankClient.CallFailed when the server is unreachable or refuses a control call
   * @throws Failed when the server cannot run the test (another schema, no bad version)
   */
  public Result run(RankClient client, World world) {
    client.health();
    SimulatedRequests sim = new SimulatedRequests(world, settings.seed(), settings.candidates(), settings.k());
    ServingSchema schema = client.schema();
    if (!schema.reads(sim.schema().context(), sim.schema().candidate())) {
      throw new Failed("the server's schema is not the simulated world's: it reads context " + schema.context()
          + " and candidate features " + schema.candidate());
    }
    RankClient.Policies before = client.policies();
    long liveBefore = before.live();
    long badVersion = 0;
    if (settings.badAt() >= 0) {
      RankClient.PolicyVersion b = before.named(settings.badPolicy()).orElseThrow(() -> new Failed("the server has no"
          + " version named '" + settings.badPolicy() + "' to promote (GET /policies lists "
          + String.join(", ", before.versions().stream().map(RankClient.PolicyVersion::name).toList()) + ")"));
      if (b.live()) {
        throw new Failed("the bad version '" + settings.badPolicy() + "' (" + b.version() + ") is already live:"
            + " roll it back first");
      }
      badVersion = b.version();
    }
    // The built-in versions, bound in-process as the server binds them, to check its decisions.
    Map<Long, ServingPolicy> checks = new LinkedHashMap<>();
    Map<Long, String> names = new LinkedHashMap<>();
    for (RankClient.PolicyVersion v : before.versions()) {
      names.put(v.version(), v.name());
      if (v.source().equals("built-in") && PolicyCatalog.builtIns().containsKey(v.name())) {
        checks.put(v.version(), ServingPolicies.bind(PolicyCatalog.builtIn(v.name()), schema));
      }
    }
    Run run = new Run();
    Semaphore inFlight = new Semaphore(settings.maxInFlight());
    long permitWait = client.deadline().toNanos() * 3 + settings.settle().toNanos();
    long rollbacksBefore = before.rollbacks();
    boolean rolledBack = false;
    long seenAt = -1;
    long promotedAt = -1;
    long nextPoll = 0;
    long t0 = System.nanoTime();
    double period = 1e9 / settings.rate();
    long sent = 0;
    for (long i = 0; i < settings.requests(); i++) {
      long due = t0 + (long) (i * period);
      for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
        LockSupport.parkNanos(due - now);
      }
      if (i == settings.badAt()) {
        // Set first: an answer from the bad version may arrive before the promotion's own answer.
        run.bad = badVersion;
        client.promote(badVersion);
        promotedAt = i;
        nextPoll = System.nanoTime() + POLL_NANOS;
      }
      if (promotedAt >= 0 && !rolledBack && System.nanoTime() >= nextPoll) {
        nextPoll = System.nanoTime() + POLL_NANOS;
        if (rolledBack(client.policies(), badVersion, rollbacksBefore)) {
          rolledBack = true;
          seenAt = i;
        }
      }
      SimulatedRequests.Session s = sim.session(i);
      acquire(inFlight, 1, permitWait);
      sent++;
      send(client, s, run, checks, inFlight);
    }
    acquire(inFlight, settings.maxInFlight(), permitWait);
    inFlight.release(settings.maxInFlight());
    // The last feedback reaches the guardrails after its answer: wait for the rollback a while.
    long end = System.nanoTime() + settings.settle().toNanos();
    RankClient.Policies after = client.policies();
    while (promotedAt >= 0 && !rolledBack) {
      if (rolledBack(after, badVersion, rollbacksBefore)) {
        rolledBack = true;
        seenAt = sent;
        break;
      }
      if (System.nanoTime() >= end) {
        break;
      }
      LockSupport.parkNanos(POLL_NANOS);
      after = client.policies();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<Long, VersionStats> versions = new TreeMap<>();
    synchronized (run) {
      run.byVersion.forEach((v, a) -> versions.put(v, new VersionStats(v, names.getOrDefault(v, "?"), a.answered,
          a.feedback, a.feedback == 0 ? Double.NaN : a.reward / a.feedback,
          a.feedback == 0 ? Double.NaN : a.trueReward / a.feedback)));
    }
    return new Result(sent, run.answered.get(), run.failed.get(), run.shed.get(), run.joined.get(),
        run.feedbackFailed.get(), run.checked.get(), run.mismatched.get(), Optional.ofNullable(run.firstMismatch),
        versions, liveBefore, badVersion, promotedAt, run.badServed.get(), rolledBack, seenAt,
        rolledBack ? rollbackReason(after, badVersion) : "", after.live(), seconds, run.errors);
  }

  private static void acquire(Semaphore s, int permits, long nanos) {
    try {
      if (!s.tryAcquire(permits, nanos, TimeUnit.NANOSECONDS)) {
        throw new Failed("requests still waiting for the server after " + nanos / 1_000_000 + " ms, past every"
            + " call's deadline");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted");
    }
  }

  private static boolean rolledBack(RankClient.Policies p, long bad, long rollbacksBefore) {
    return p.live() != bad && p.rollbacks() > rollbacksBefore;
  }

  private static String rollbackReason(RankClient.Policies p, long bad) {
    String reason = "";
    for (JsonNode e : p.raw().path("events")) {
      if (e.path("kind").asText().equals("rollback")) {
        reason = e.path("detail").asText("");
      }
    }
    return reason;
  }

  private void send(RankClient client, SimulatedRequests.Session s, Run run, Map<Long, ServingPolicy> checks,
      Semaphore inFlight) {
    client.rankAsync(s.body()).whenComplete((a, e) -> {
      if (e != null) {
        failed(run, e, true);
        inFlight.release();
        return;
      }
      try {
        run.answered.incrementAndGet();
        synchronized (run) {
          run.acc(a.version()).answered++;
        }
        if (a.version() == run.bad) {
          run.badServed.incrementAndGet();
        }
        ServingPolicy p = checks.get(a.version());
        if (p != null) {
          run.checked.incrementAndGet();
          compare(s.request(), a, p, settings.seed()).ifPresent(run::mismatch);
        }
        SimulatedRequests.Outcome o = s.respond(a.ranking());
        client.feedbackAsync(o.feedback(a.decisionId())).whenComplete((f, fe) -> {
          if (fe != null) {
            failed(run, fe, false);
          } else {
            run.joined.incrementAndGet();
            synchronized (run) {
              Acc acc = run.acc(f.version());
              acc.feedback++;
              acc.reward += f.reward();
              acc.trueReward += o.reward();
            }
          }
          inFlight.release();
        });
      } catch (RuntimeException x) {
        run.failed.incrementAndGet();
        run.error(s.requestId() + ": " + x.getMessage());
        inFlight.release();
      }
    });
  }

  private static void failed(Run run, Throwable e, boolean rank) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (rank && t instanceof RankClient.CallFailed c && c.status() == 503) {
      run.shed.incrementAndGet();
      return;
    }
    (rank ? run.failed : run.feedbackFailed).incrementAndGet();
    run.error(t.getMessage() == null ? t.toString() : t.getMessage());
  }

  /**
   * How {@code answer} differs from {@code policy}'s ranking of {@code request} in-process on the
   * request's policy stream under {@code seed} (empty when it does not): ranking, scores, propensity.
   */
  public static Optional<String> compare(RankRequest request, RankClient.RankAnswer answer, ServingPolicy policy,
      long seed) {
    String id = request.requestId().orElse("");
    Ranked r = policy.rank(request, RequestKeys.policyStream(seed, id));
    List<String> ids = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    int[] order = r.order();
    double[] sc = r.scores();
    for (int j = 0; j < order.length; j++) {
      ids.add(request.id(order[j]));
      scores.add(sc[j]);
    }
    if (!ids.equals(answer.ranking())) {
      return Optional.of(id + ": ranking " + answer.ranking() + " over HTTP, " + ids + " in-process");
    }
    if (!scores.equals(answer.scores())) {
      return Optional.of(id + ": scores " + answer.scores() + " over HTTP, " + scores + " in-process");
    }
    if (Double.compare(r.propensity(), answer.propensity()) != 0) {
      return Optional.of(id + ": propensity " + answer.propensity() + " over HTTP, " + r.propensity() + " in-process");
    }
    return Optional.empty();
  }

  /** The JSON object {@code swap-test --http --json} prints. */
  public Map<String, Object> toJson(Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rate", settings.rate());
    m.put("requests", r.sent());
    m.put("answered", r.answered());
    m.put("failed", r.failed());
    m.put("shed", r.shed());
    m.put("feedback_joined", r.feedbackJoined());
    m.put("feedback_failed", r.feedbackFailed());
    m.put("seconds", r.seconds());
    m.put("decisions_checked", r.checked());
    m.put("decisions_mismatched", r.mismatched());
    r.firstMismatch().ifPresent(s -> m.put("first_mismatch", s));
    List<Object> vs = new ArrayList<>();
    for (VersionStats v : r.versions().values()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("version", v.version());
      x.put("name", v.name());
      x.put("answered", v.answered());
      x.put("feedback", v.feedback());
      x.put("reward", v.reward());
      x.put("true_reward", v.trueReward());
      vs.add(x);
    }
    m.put("versions", vs);
    m.put("live_before", r.liveBefore());
    m.put("bad_version", r.badVersion());
    m.put("bad_promoted_at_request", r.badPromotedAt());
    m.put("rolled_back", r.rolledBack());
    m.put("rollback_after_requests", r.badServed());
    m.put("rollback_seen_at_request", r.rollbackSeenAt());
    m.put("rollback_reason", r.rollbackReason());
    m.put("live_after", r.liveAfter());
    m.put("errors", r.errors());
    return m;
  }
}
