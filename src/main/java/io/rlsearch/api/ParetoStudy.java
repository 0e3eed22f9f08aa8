package io.rlsearch.api;

import io.rlsearch.agents.constrained.Constraint;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.api.Json;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.ConstrainedAgent;
import io.rlsearch.learn.LearnerDevice;
import io.rlsearch.learn.NeuralAgents;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The epsilon-constraint sweep of the primal-dual constrained agent (Chapter 14) as a call:
 * {@code ./rlsearch pareto} parses its options into a {@link Request}, calls {@link #run} and renders
 * the figures (the JSON object it prints with its json option) or a table. See the command's help for
 * the protocol.
 */
public final class ParetoStudy {
  /**
   * A sweep.
   *
   * @param sim the world's settings (its seed is replaced by each seed)
   * @param constraint cm2 or exposure
   * @param thresholds the thresholds (empty: exposure 0.4..0.7, cm2 0.5..2.0)
   * @param episodes training episodes per run
   * @param seeds seeds; intervals are over them
   * @param lambdaLr the dual step (empty: exposure 20, per session 1, cm2 2)
   * @param perSession exposure only: a chance constraint on single sessions instead of 100-session windows
   * @param normalized divide the shaped reward by 1 + lambda
   * @param device the shared learner's device
   */
  public record Request(SimSettings sim, String constraint, List<Double> thresholds, int episodes, List<Long> seeds,
      java.util.Optional<Double> lambdaLr, boolean perSession, boolean normalized, LearnerDevice device) {}

  private final Request request;
  private final String constraint;
  private final List<Double> thresholds;
  private final int episodes;
  private final List<Long> seeds;
  private final Double lambdaLr;
  private final boolean perSession;
  private final boolean normalized;

  private ParetoStudy(Request r) {
    this.request = r;
    this.constraint = r.constraint();
    this.thresholds = r.thresholds();
    this.episodes = r.episodes();
    this.seeds = r.seeds();
    this.lambdaLr = r.lambdaLr().orElse(null);
    this.perSession = r.perSession();
    this.normalized = r.normalized();
  }

  /**
   * Runs the sweep and returns its figures: {@code constraint}, {@code episodes}, {@code seeds},
   * {@code lambda_lr}, {@code unconstrained}, {@code points}, {@code front},
   * {@code violation_rate_max_feasible}, {@code acceptance_met}, {@code dual_evaluation_sessions},
   * {@code wall_s} ({@code clock}: nanoseconds, for the wall time).
   */
  public static Map<String, Object> run(Request r, LongSupplier clock) {
    return new ParetoStudy(r).call(clock);
  }

  private Map<String, Object> call(LongSupplier clock) {
    if (!constraint.equals("cm2") && !constraint.equals("exposure")) {
      throw new BadRequestException("--constraint must be cm2 or exposure, got '" + constraint + "'");
    }
    boolean exposure = constraint.equals("exposure");
    List<Double> ts = thresholds == null || thresholds.isEmpty()
        ? (exposure ? List.of(0.4, 0.5, 0.6, 0.7) : List.of(0.5, 1.0, 1.5, 2.0)) : thresholds;
    for (double t : ts) {
      if (!Double.isFinite(t) || (exposure && (t < 0 || t > 1))) {
        throw new BadRequestException("--thresholds: " + t + " is not a " + (exposure ? "share in [0, 1]" : "number"));
      }
    }
    if (episodes < 100 || episodes > 1_000_000) {
      throw new BadRequestException("--episodes must be in 100..1000000, got " + episodes);
    }
    if (seeds.isEmpty()) {
      throw new BadRequestException("--seeds needs at least one seed");
    }
    // Slack units: a 100-session mean of exposure moves by tenths, of CM2 by units; a chance
    // constraint's relative slack by units.
    double lr = lambdaLr != null ? lambdaLr : exposure ? (perSession ? 1.0 : 20.0) : 2.0;
    if (!(lr > 0)) {
      throw new BadRequestException("--lambda-lr must be > 0, got " + lr);
    }
    SimSettings sim = request.sim();
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> points = new ArrayList<>();
    long start = clock.getAsLong();
    try (SharedLearner learner = new SharedLearner(request.device())) {
      List<RunFigures> free = new ArrayList<>();
      for (long seed : seeds) {
        free.add(run(learner, sim, seed, exposure, Double.NaN, lr));
      }
      Map<String, Object> reference = point(Double.NaN, free);
      reference.put("runs", runs(free));
      for (double t : ts) {
        List<RunFigures> rs = new ArrayList<>();
        for (long seed : seeds) {
          rs.add(run(learner, sim, seed, exposure, t, lr));
        }
        Map<String, Object> p = point(t, rs);
        double[] lost = new double[seeds.size()];
        for (int i = 0; i < lost.length; i++) {
          lost[i] = free.get(i).gmv() - rs.get(i).gmv();
        }
        p.put("price_gmv", Json.interval(Summary.of(lost)));
        // The median too: one seed whose unconstrained run failed to learn swings the mean by a lot.
        double[] sorted = lost.clone();
        java.util.Arrays.sort(sorted);
        p.put("price_gmv_median", sorted.length % 2 == 1 ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);
        p.put("runs", runs(rs));
        points.add(p);
      }
      out.put("constraint", exposure ? (perSession ? "exposure_pl of a session >= t" : "exposure_pl of a"
          + " 100-session window >= t") : "cm2 per session over a 100-session window >= t");
      out.put("episodes", episodes);
      out.put("seeds", seeds);
      out.put("lambda_lr", lr);
      out.put("unconstrained", reference);
      out.put("points", points);
      out.put("front", front(points, exposure ? "exposure_pl" : "cm2"));
      double worst = 0;
      for (Map<String, Object> p : points) {
        double v = (double) p.get("violation_rate_max_feasible");
        worst = Double.isNaN(v) ? worst : Math.max(worst, v);
      }
      out.put("violation_rate_max_feasible", worst);
      out.put("acceptance_met", worst < 0.01);
      out.put("dual_evaluation_sessions", dualSessions);
      out.put("wall_s", (clock.getAsLong() - start) / 1e9);
    }
    return out;
  }

  /** One run's figures over its last 10% of episodes. */
  private record RunFigures(double gmv, double cm2, double exposure, double violations, double lambda,
      double violationsExploring, double certificate) {}

  /** Evaluation sessions the dual steps consumed, over the whole sweep. */
  private long dualSessions;

  /** Evaluation sessions of the deployed policy per dual step, and training episodes between two steps. */
  public static final int DUAL_SESSIONS = 100;
  static final int DUAL_EVERY = 200;
  /** The window of a windowed constraint's violation rate, and the normal quantile of its 0.5% tail. */
  static final int WINDOW = 100;
  static final double Z_HALF_PERCENT = 2.5758293035489;
  /** The exposure constraint's bound on violating sessions: half the acceptance's 1%. */
  static final double EXPOSURE_EPS = 0.005;
  /** First user id of the dual's evaluation sessions (apart from the training and final users). */
  static final long DUAL_USERS = 1_000_000_000L;

  private RunFigures run(SharedLearner learner, SimSettings sim, long seed, boolean exposure, double t, double lr) {
    World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
    boolean free = Double.isNaN(t);
    // Exposure: a chance constraint (at most EXPOSURE_EPS of sessions below t); CM2: a floor on the
    // mean that the dual reads with a margin (below).
    Constraint c = exposure && perSession
        ? Constraint.chance("exposure_pl_lo", "exposure_pl", free ? 0 : t, EXPOSURE_EPS, 1.0)
        : new Constraint(exposure ? "exposure_pl_lo" : "cm2_floor", free ? 0 : t, Constraint.Sense.GEQ,
            exposure ? "exposure_pl" : "cm2", 1.0);
    ToDoubleFunction<Transition> metric = metric(exposure);
    boolean windowed = !(exposure && perSession);
    ConstrainedAgent.Settings s = new ConstrainedAgent.Settings(List.of(c), 0.0, lr, free ? 0.0 : 100.0, DUAL_EVERY,
        NeuralAgents.ReinforceSettings.reference(true), true, normalized);
    Task.BoostWeights task = Task.BoostWeights.battle();
    RunStreams streams = new RunStreams(seed);
    SessionRunner runner = new SessionRunner(world, task, streams);
    ConstrainedAgent.Rule rule = (ConstrainedAgent.Rule) ConstrainedAgent.builder(learner, s)
        .create(runner.arms(), runner.contextDim());
    List<Transition> training = new ArrayList<>(episodes);
    long dualUser = DUAL_USERS;
    try {
      PolicySnapshot snapshot = rule.snapshot(0);
      for (long id = 0; id < episodes; id++) {
        double[] x = runner.prepare(Population.firstSession(world, streams, id));
        Transition tr = runner.finish(snapshot.act(x, streams.policy(id)), "cmdp", snapshot.version());
        training.add(tr);
        rule.observe(tr);
        snapshot = rule.snapshot(id + 1);
        if (!free && (id + 1) % DUAL_EVERY == 0) {
          // The dual steps on what the deployed policy (the mean action) does on fresh users.
          GaussianPolicySnapshot g = (GaussianPolicySnapshot) snapshot;
          List<Transition> probe = new ArrayList<>(DUAL_SESSIONS);
          for (int k = 0; k < DUAL_SESSIONS; k++) {
            probe.add(deployed(runner, world, streams, g, dualUser++));
          }
          rule.dualStep(Map.of(c.name(), dualValue(probe, metric, windowed, t)));
          dualSessions += DUAL_SESSIONS;
        }
      }
      // After training: the deployed policy on episodes/10 fresh users, and each of the task's fixed
      // arms on the same users (a threshold one of them meets is feasible).
      GaussianPolicySnapshot g = (GaussianPolicySnapshot) snapshot;
      int m = Math.max(WINDOW, episodes / 10);
      List<Transition> eval = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        eval.add(deployed(runner, world, streams, g, episodes + i));
      }
      double certificate = Double.NaN;
      if (!free) {
        certificate = 1.0;
        for (int arm = 0; arm < task.arms(); arm++) {
          List<Transition> fixed = new ArrayList<>(m);
          for (int i = 0; i < m; i++) {
            runner.prepare(Population.firstSession(world, streams, episodes + i));
            fixed.add(runner.finish(Decision.arm(arm, 1.0), "fixed", 0));
          }
          certificate = Math.min(certificate, violations(fixed, 0, metric, windowed, t));
        }
      }
      double lambda = rule.lambdas()[0];
      RunFigures evaluated = figures(eval, metric, windowed, t, free);
      double exploring = free ? Double.NaN
          : violations(training, training.size() - Math.max(WINDOW, training.size() / 10), metric, windowed, t);
      return new RunFigures(evaluated.gmv(), evaluated.cm2(), evaluated.exposure(), evaluated.violations(), lambda,
          exploring, certificate);
    } finally {
      rule.close();
    }
  }

  /** One session of user {@code id} under the policy's mean action. */
  private static Transition deployed(SessionRunner runner, World world, RunStreams streams, GaussianPolicySnapshot g,
      long id) {
    double[] x = runner.prepare(Population.firstSession(world, streams, id));
    return runner.finish(Decision.continuous(g.mean(x), 1.0), "cmdp-eval", g.version());
  }

  /** The constrained per-session metric: the private-label share of exposure, or CM2. */
  static ToDoubleFunction<Transition> metric(boolean exposure) {
    return exposure ? Transition::exposurePl : tr -> tr.breakdown().cm2();
  }

  /**
   * What the dual reads from evaluation sessions: for a per-session chance constraint, the share below
   * {@code t}; for a windowed constraint, the sessions' mean less {@link #Z_HALF_PERCENT} standard
   * errors of a {@link #WINDOW}-session mean, so that the multiplier rests where about 0.5% of windows
   * fall below the threshold rather than half of them (a single session's CM2 is 0 whenever nothing is
   * bought, so window means scatter widely).
   */
  static double dualValue(List<Transition> ts, ToDoubleFunction<Transition> metric, boolean windowed, double t) {
    int n = ts.size();
    if (!windowed) {
      int below = 0;
      for (Transition tr : ts) {
        below += metric.applyAsDouble(tr) < t ? 1 : 0;
      }
      return (double) below / n;
    }
    double mean = 0;
    for (Transition tr : ts) {
      mean += metric.applyAsDouble(tr);
    }
    mean /= n;
    double ss = 0;
    for (Transition tr : ts) {
      double d = metric.applyAsDouble(tr) - mean;
      ss += d * d;
    }
    double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    return mean - Z_HALF_PERCENT * sd / Math.sqrt(WINDOW);
  }

  /**
   * The violation rate over {@code ts} from index {@code from}: per session, the share of sessions
   * below {@code t}; windowed, the share of the full trailing {@link #WINDOW}-session windows whose
   * mean is below {@code t} (one window of everything when fewer sessions are there).
   */
  static double violations(List<Transition> ts, int from, ToDoubleFunction<Transition> metric, boolean windowed,
      double t) {
    int n = ts.size();
    from = Math.max(0, Math.min(from, n - 1));
    if (!windowed) {
      int below = 0;
      for (int i = from; i < n; i++) {
        below += metric.applyAsDouble(ts.get(i)) < t ? 1 : 0;
      }
      return (double) below / (n - from);
    }
    int w = Math.min(WINDOW, n - from);
    double sum = 0;
    for (int i = from; i < from + w; i++) {
      sum += metric.applyAsDouble(ts.get(i));
    }
    int windows = 1;
    int below = sum / w < t ? 1 : 0;
    for (int i = from + w; i < n; i++) {
      sum += metric.applyAsDouble(ts.get(i)) - metric.applyAsDouble(ts.get(i - w));
      windows++;
      below += sum / w < t ? 1 : 0;
    }
    return (double) below / windows;
  }

  /** Means and violation rate over {@code ts}. */
  private static RunFigures figures(List<Transition> ts, ToDoubleFunction<Transition> metric, boolean windowed,
      double t, boolean free) {
    int n = ts.size();
    double gmv = 0;
    double cm2 = 0;
    double exp = 0;
    for (int i = 0; i < n; i++) {
      Transition tr = ts.get(i);
      gmv += tr.breakdown().gmv();
      cm2 += tr.breakdown().cm2();
      exp += tr.exposurePl();
    }
    return new RunFigures(gmv / n, cm2 / n, exp / n, free ? Double.NaN : violations(ts, 0, metric, windowed, t), Double.NaN,
        Double.NaN, Double.NaN);
  }

  private static Map<String, Object> point(double t, List<RunFigures> rs) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (!Double.isNaN(t)) {
      p.put("threshold", t);
    }
    p.put("gmv", Json.interval(Summary.of(rs.stream().mapToDouble(RunFigures::gmv).toArray())));
    p.put("cm2", Json.interval(Summary.of(rs.stream().mapToDouble(RunFigures::cm2).toArray())));
    p.put("exposure_pl", Json.interval(Summary.of(rs.stream().mapToDouble(RunFigures::exposure).toArray())));
    if (!Double.isNaN(t)) {
      p.put("violation_rate", Json.interval(Summary.of(rs.stream().mapToDouble(RunFigures::violations).toArray())));
      p.put("violation_rate_exploring", Json.interval(Summary.of(rs.stream().mapToDouble(RunFigures::violationsExploring)
          .toArray())));
      p.put("lambda_final", Json.interval(Summary.of(rs.stream().mapToDouble(RunFigures::lambda).toArray())));
      p.put("feasible_seeds", rs.stream().filter(f -> f.certificate() < 0.01).count());
      p.put("violation_rate_max_feasible", rs.stream().filter(f -> f.certificate() < 0.01)
          .mapToDouble(RunFigures::violations).max().orElse(Double.NaN));
    }
    return p;
  }

  /** Each seed's figures, in seed order. */
  private static List<Map<String, Object>> runs(List<RunFigures> rs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RunFigures f : rs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("gmv", f.gmv());
      m.put("cm2", f.cm2());
      m.put("exposure_pl", f.exposure());
      if (!Double.isNaN(f.violations())) {
        m.put("violation_rate", f.violations());
        m.put("violation_rate_exploring", f.violationsExploring());
        m.put("lambda_final", f.lambda());
        m.put("feasible", f.certificate() < 0.01);
        m.put("violation_rate_best_fixed_arm", f.certificate());
      }
      out.add(m);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  /** The mean of figure {@code key} of a point of the sweep. */
  public static double mean(Map<String, Object> p, String key) {
    return (double) ((Map<String, Object>) p.get(key)).get("mean");
  }

  /** The thresholds whose (GMV, constrained metric) no other point beats on both (>=, one strictly). */
  private static List<Double> front(List<Map<String, Object>> points, String metric) {
    List<Double> out = new ArrayList<>();
    for (Map<String, Object> p : points) {
      boolean dominated = false;
      for (Map<String, Object> q : points) {
        if (q != p && mean(q, "gmv") >= mean(p, "gmv") && mean(q, metric) >= mean(p, metric)
            && (mean(q, "gmv") > mean(p, "gmv") || mean(q, metric) > mean(p, metric))) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        out.add((Double) p.get("threshold"));
      }
    }
    return out;
  }
}
