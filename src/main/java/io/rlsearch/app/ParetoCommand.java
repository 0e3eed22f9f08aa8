package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.ParetoStudy;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pareto}: the epsilon-constraint sweep of the primal-dual constrained agent (Chapter 14). */
@Command(name = "pareto", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/constraints.md",
    description = {"The epsilon-constraint sweep: for each threshold, the primal-dual constrained agent (REINFORCE"
        + " with a learned baseline, Lagrangian reward shaping divided by 1 + lambda) learns on the Battle Royale's"
        + " task for N episodes per seed under one constraint: a CM2 floor t (cm2) or a private-label exposure band"
        + " (exposure: the private-label share of the ranking's exposure >= t), each met when at most 1%% of"
        + " 100-session windows have a mean below t (amortised over rankings; --per-session: at most 1%% of single"
        + " sessions below t). An unconstrained run (multipliers held at 0) is the reference. Every 200 training"
        + " episodes the multiplier takes a dual step on 100 evaluation sessions of the deployed policy (its mean"
        + " action, no exploration): their mean less 2.58 standard errors of a 100-session mean, against t (per"
        + " session: their share below t against a bound of 0.5%%). After training, the deployed policy serves"
        + " max(100, N/10) fresh users, and so does each of the task's fixed arms (a threshold one of them meets on a"
        + " seed is feasible there). Per threshold: GMV, CM2, PL exposure, the violation rate on those users and"
        + " over the training run's last 10%% (exploring), the final multiplier, all with 95%% CIs over seeds; the"
        + " feasible seeds and the worst violation rate among them; each seed's figures. Then the non-dominated"
        + " front (GMV against the constrained metric), the price of the constraint (GMV lost against the"
        + " unconstrained run) and whether every feasible (seed, threshold) stays under 1%% violations."})
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

  @Option(names = "--lambda-lr", paramLabel = "ETA", description = "Dual step (default: exposure 20, with --per-session 1 (on the slack relative to the bound);"
      + " cm2 2).")
  Double lambdaLr;

  @Option(names = "--per-session",
      description = "Exposure only: bound the share of single sessions below t (a chance constraint, at most 1%%) instead"
          + " of the share of 100-session windows whose mean exposure is below t (amortised exposure).")
  boolean perSession;

  @Option(names = "--normalized", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Divide the shaped reward by 1 + lambda (default: ${DEFAULT-VALUE}; --no-normalized shapes as the"
          + " reference does).")
  boolean normalized;

  @Mixin ConfigOption config = new ConfigOption();

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  /** One run's figures over its last 10% of episodes. */
  private record RunFigures(double gmv, double cm2, double exposure, double violations, double lambda,
      double violationsExploring, double certificate) {}

  /** Evaluation sessions the dual steps consumed, over the whole sweep. */
  private long dualSessions;

  @Override
  public Integer call() {
    Map<String, Object> out = ParetoStudy.run(new ParetoStudy.Request(config.load(), constraint,
        thresholds == null ? List.of() : thresholds, episodes, seeds, java.util.Optional.ofNullable(lambdaLr),
        perSession, normalized, deviceOption.resolve(java.util.Optional.empty())), System::nanoTime);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      print(spec.commandLine().getOut(), out, constraint.equals("exposure"));
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private void print(PrintWriter w, Map<String, Object> out, boolean exposure) {
    w.printf(Locale.ROOT, "pareto: %s, %d episodes x %d seeds%n", out.get("constraint"), episodes, seeds.size());
    Map<String, Object> ref = (Map<String, Object>) out.get("unconstrained");
    w.printf(Locale.ROOT, "unconstrained: GMV %.3f, CM2 %.3f, PL exposure %.3f%n", ParetoStudy.mean(ref, "gmv"), ParetoStudy.mean(ref, "cm2"),
        ParetoStudy.mean(ref, "exposure_pl"));
    w.printf(Locale.ROOT, "%9s %8s %8s %8s %10s %8s %10s%n", "threshold", "GMV", "CM2", "PL exp", "violations",
        "lambda", "GMV price");
    for (Map<String, Object> p : (List<Map<String, Object>>) out.get("points")) {
      w.printf(Locale.ROOT, "%9.3f %8.3f %8.3f %8.3f %10.3f %8.3f %10.3f%n", (double) p.get("threshold"),
          ParetoStudy.mean(p, "gmv"), ParetoStudy.mean(p, "cm2"), ParetoStudy.mean(p, "exposure_pl"), ParetoStudy.mean(p, "violation_rate"), ParetoStudy.mean(p, "lambda_final"),
          ParetoStudy.mean(p, "price_gmv"));
    }
    w.printf(Locale.ROOT, "non-dominated thresholds: %s%n", out.get("front"));
  }
}
