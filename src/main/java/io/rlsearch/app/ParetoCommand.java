package io.rlsearch.app;

import io.rlsearch.agents.constrained.Constraint;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.ConstrainedAgent;
import io.rlsearch.learn.NeuralAgents;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pareto}: the epsilon-constraint sweep of the primal-dual constrained agent (Chapter 14). */
@Command(name = "pareto", mixinStandardHelpOptions = true,
    description = {"The epsilon-constraint sweep: for each threshold, the primal-dual constrained agent (REINFORCE"
        + " with a learned baseline, Lagrangian reward shaping, dual ascent every 50 sessions) learns on the Battle"
        + " Royale's task for N episodes per seed under one constraint: mean CM2 per session >= t (cm2), or at most"
        + " 1%% of sessions with a private-label share of exposure below t (exposure, a chance constraint); an unconstrained run (multipliers held at 0) is the"
        + " reference. After training, the policy's mean action (no exploration) serves N/10 fresh users. Per"
        + " threshold, over those users: GMV, CM2, PL exposure, the violation rate (exposure: share of the"
        + " episodes below t; cm2: share whose trailing 100-episode mean CM2 is below t); the same rate over the"
        + " training run's last 10%% (exploring); the final multiplier; all with 95%% CIs over seeds. Then the"
        + " non-dominated front (GMV against the constrained metric) and the price of the constraint (GMV lost"
        + " against the unconstrained run)."})
final class ParetoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--constraint", paramLabel = "C", defaultValue = "exposure",
      description = "cm2 or exposure (default: ${DEFAULT-VALUE}).")
  String constraint;

  @Option(names = "--thresholds", paramLabel = "LIST", split = ",",
      description = "Thresholds (default: exposure 0.4,0.5,0.6,0.7; cm2 0.5,1.0,1.5,2.0).")
  List<Double> thresholds;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "8000", description = "Episodes per run (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--seeds", paramLabel = "LIST", split = ",", defaultValue = "2025,2026,2027",
      description = "Seeds (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--lambda-lr", paramLabel = "ETA", description = "Dual step (default: exposure 20, cm2 2).")
  Double lambdaLr;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  /** One run's figures over its last 10% of episodes. */
  private record RunFigures(double gmv, double cm2, double exposure, double violations, double lambda,
      double violationsExploring) {}

  @Override
  public Integer call() {
    if (!constraint.equals("cm2") && !constraint.equals("exposure")) {
      throw new Main.UsageException("--constraint must be cm2 or exposure, got '" + constraint + "'");
    }
    boolean exposure = constraint.equals("exposure");
    List<Double> ts = thresholds == null || thresholds.isEmpty()
        ? (exposure ? List.of(0.4, 0.5, 0.6, 0.7) : List.of(0.5, 1.0, 1.5, 2.0)) : thresholds;
    for (double t : ts) {
      if (!Double.isFinite(t) || (exposure && (t < 0 || t > 1))) {
        throw new Main.UsageException("--thresholds: " + t + " is not a " + (exposure ? "share in [0, 1]" : "number"));
      }
    }
    if (episodes < 100 || episodes > 1_000_000) {
      throw new Main.UsageException("--episodes must be in 100..1000000, got " + episodes);
    }
    if (seeds.isEmpty()) {
      throw new Main.UsageException("--seeds needs at least one seed");
    }
    double lr = lambdaLr != null ? lambdaLr : exposure ? 20.0 : 2.0;
    if (!(lr > 0)) {
      throw new Main.UsageException("--lambda-lr must be > 0, got " + lr);
    }
    SimSettings sim = config.load();
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> points = new ArrayList<>();
    long start = System.nanoTime();
    try (SharedLearner learner = new SharedLearner()) {
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
        p.put("runs", runs(rs));
        points.add(p);
      }
      out.put("constraint", exposure ? "exposure_pl >= t" : "cm2 per session >= t");
      out.put("episodes", episodes);
      out.put("seeds", seeds);
      out.put("lambda_lr", lr);
      out.put("unconstrained", reference);
      out.put("points", points);
      out.put("front", front(points, exposure ? "exposure_pl" : "cm2"));
      out.put("wall_s", (System.nanoTime() - start) / 1e9);
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out, exposure);
    }
    return 0;
  }

  private RunFigures run(SharedLearner learner, SimSettings sim, long seed, boolean exposure, double t, double lr) {
    World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
    boolean free = Double.isNaN(t);
    // Exposure: a chance constraint, at most 1% of sessions below t (what the violation rate measures);
    // CM2: a floor on the mean (a single session's CM2 is 0 whenever nothing is bought).
    Constraint c = exposure ? Constraint.chance("exposure_pl_lo", "exposure_pl", free ? 0 : t, 0.01, 1.0)
        : new Constraint("cm2_floor", free ? 0 : t, Constraint.Sense.GEQ, "cm2", 1.0);
    ConstrainedAgent.Settings s = new ConstrainedAgent.Settings(List.of(c), 0.0, lr, free ? 0.0 : 100.0, 50,
        NeuralAgents.ReinforceSettings.battle(true));
    AgentBuilder base = ConstrainedAgent.builder(learner, s);
    ConstrainedAgent.Rule[] captured = new ConstrainedAgent.Rule[1];
    AgentBuilder capturing = new AgentBuilder() {
      @Override
      public String name() {
        return base.name();
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        captured[0] = (ConstrainedAgent.Rule) base.create(arms, dim);
        return captured[0];
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return base.restore(snapshot);
      }
    };
    SyncRunner.Result r = SyncRunner.run(world, Task.BoostWeights.battle(), capturing, new RunStreams(seed), episodes, 1,
        true);
    // After training: the learned policy's mean action (no exploration) on episodes/10 fresh users;
    // the training run's last 10%% (exploring) is reported beside it.
    io.rlsearch.agents.continuous.GaussianPolicySnapshot g =
        (io.rlsearch.agents.continuous.GaussianPolicySnapshot) captured[0].snapshot(0);
    double lambda = captured[0].lambdas()[0];
    captured[0].close();
    RunStreams streams = new RunStreams(seed);
    io.rlsearch.experiments.SessionRunner runner = new io.rlsearch.experiments.SessionRunner(world,
        Task.BoostWeights.battle(), streams);
    int m = Math.max(1, episodes / 10);
    List<Transition> eval = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      long id = episodes + i;
      double[] x = runner.prepare(io.rlsearch.experiments.Population.firstSession(world, streams, id));
      eval.add(runner.finish(io.rlsearch.agents.spi.Decision.continuous(g.mean(x), 1.0), "cmdp-eval", 0));
    }
    List<Transition> ts = r.transitions();
    RunFigures evaluated = figures(eval, 0, exposure, t, free, lambda);
    RunFigures training = figures(ts, ts.size() - Math.max(1, ts.size() / 10), exposure, t, free, lambda);
    return new RunFigures(evaluated.gmv(), evaluated.cm2(), evaluated.exposure(), evaluated.violations(), lambda,
        training.violations());
  }

  /** Means and violation rate over {@code ts} from index {@code from}. */
  private static RunFigures figures(List<Transition> ts, int from, boolean exposure, double t, boolean free,
      double lambda) {
    int n = ts.size();
    double gmv = 0;
    double cm2 = 0;
    double exp = 0;
    int violations = 0;
    for (int i = from; i < n; i++) {
      Transition tr = ts.get(i);
      gmv += tr.breakdown().gmv();
      cm2 += tr.breakdown().cm2();
      exp += tr.exposurePl();
      if (!free) {
        if (exposure) {
          violations += tr.exposurePl() < t ? 1 : 0;
        } else {
          double trailing = 0;
          int w = Math.min(100, i - from + 1);
          for (int j = i - w + 1; j <= i; j++) {
            trailing += ts.get(j).breakdown().cm2();
          }
          violations += trailing / w < t ? 1 : 0;
        }
      }
    }
    int m = n - from;
    return new RunFigures(gmv / m, cm2 / m, exp / m, free ? Double.NaN : (double) violations / m, lambda, Double.NaN);
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
      }
      out.add(m);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static double mean(Map<String, Object> p, String key) {
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

  @SuppressWarnings("unchecked")
  private void print(PrintWriter w, Map<String, Object> out, boolean exposure) {
    w.printf(Locale.ROOT, "pareto: %s, %d episodes x %d seeds%n", out.get("constraint"), episodes, seeds.size());
    Map<String, Object> ref = (Map<String, Object>) out.get("unconstrained");
    w.printf(Locale.ROOT, "unconstrained: GMV %.3f, CM2 %.3f, PL exposure %.3f%n", mean(ref, "gmv"), mean(ref, "cm2"),
        mean(ref, "exposure_pl"));
    w.printf(Locale.ROOT, "%9s %8s %8s %8s %10s %8s %10s%n", "threshold", "GMV", "CM2", "PL exp", "violations",
        "lambda", "GMV price");
    for (Map<String, Object> p : (List<Map<String, Object>>) out.get("points")) {
      w.printf(Locale.ROOT, "%9.3f %8.3f %8.3f %8.3f %10.3f %8.3f %10.3f%n", (double) p.get("threshold"),
          mean(p, "gmv"), mean(p, "cm2"), mean(p, "exposure_pl"), mean(p, "violation_rate"), mean(p, "lambda_final"),
          mean(p, "price_gmv"));
    }
    w.printf(Locale.ROOT, "non-dominated thresholds: %s%n", out.get("front"));
  }
}
