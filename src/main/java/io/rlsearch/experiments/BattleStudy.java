package io.rlsearch.experiments;

import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Battle Royale's protocol: every agent learns online for the same number of episodes on the same
 * users (the trainer, given), then each agent's policy, frozen and without exploration
 * ({@link PolicySnapshot#greedy}), serves the same held-out users. Per seed the study also finds two
 * upper references by search on the simulator ({@link BoostReference}): the best fixed boost vector
 * and the best boost vector per user segment, scored on the same held-out users.
 *
 * <p>Statistics are over seeds: each seed gives one evaluation mean per agent (over its held-out
 * users), and intervals are Student-t intervals of those per-seed means; differences to {@code random}
 * and {@code static} are paired within a seed (same users) and their intervals are again over seeds.
 * One seed gives no interval (an interval over users would hide the run-to-run spread).
 *
 * <p>Streams of a seed s: training users {@code s} (every agent the same), the offline agents' logged
 * data {@code 64 s + 62} and {@code 64 s + 63}, held-out evaluation users {@code 64 s + 61}, the
 * reference search's users {@code 64 s + 60} and its candidates {@code 64 s + 59}.
 */
public final class BattleStudy {
  private BattleStudy() {}

  /** Trains the agents on one seed's world through whatever runs them (the actor runtime, in the CLI). */
  public interface Trainer {
    /** Trains {@code agents} for the study's episodes on {@code world} with training stream {@code seed}. */
    List<Trained> train(World world, long seed, List<String> agents);
  }

  /**
   * Starts the training of one seed's agents and returns at once, so that seeds can train side by side.
   * The study starts seeds in seed order. Every future must complete (or fail) within the trainer's own
   * deadlines: the study waits for them.
   */
  public interface SeedTrainer {
    /**
     * Starts training {@code agents} on {@code world} with training stream {@code seed}; the future
     * gives them trained, in {@code agents} order.
     */
    CompletableFuture<List<Trained>> start(World world, long seed, List<String> agents);
  }

  /**
   * One agent trained on one seed.
   *
   * @param name the agent
   * @param slate whether it acts on the slate task
   * @param policy its policy when training ended
   * @param returns its return per training episode, in episode order
   * @param gmv mean GMV per training episode
   * @param cm2 mean CM2 per training episode
   * @param exposurePl mean private-label exposure share
   * @param cm2Violations share of 100-episode windows below the CM2 floor
   * @param diversity mean diversity@5
   * @param wallSeconds its pipeline's wall time
   */
  public record Trained(String name, boolean slate, PolicySnapshot policy, double[] returns, double gmv, double cm2,
      double exposurePl, double cm2Violations, double diversity, double wallSeconds) {}

  /**
   * The study's settings.
   *
   * @param seeds seeds (world and streams)
   * @param agents agents, {@code static} and {@code random} among them
   * @param evalUsers held-out users per seed
   * @param reference the reference search's settings (its seed is replaced per seed)
   * @param threads threads the evaluation and the search score users on (results do not depend on them)
   * @param worldSeed the world every seed plays in, if one world is the benchmark; empty: each seed draws
   *     its own world
   */
  public record Settings(List<Long> seeds, List<String> agents, int evalUsers, BoostReference.Settings reference,
      int threads, java.util.OptionalLong worldSeed) {
    /** Each seed in a world of its own. */
    public Settings(List<Long> seeds, List<String> agents, int evalUsers, BoostReference.Settings reference,
        int threads) {
      this(seeds, agents, evalUsers, reference, threads, java.util.OptionalLong.empty());
    }

    public Settings {
      seeds = List.copyOf(seeds);
      agents = List.copyOf(agents);
      if (seeds.isEmpty() || evalUsers < 1) {
        throw new IllegalArgumentException("the battle needs a seed and an evaluation user");
      }
      if (!agents.contains("static") || !agents.contains("random")) {
        throw new IllegalArgumentException("the battle compares against static and random: both must run");
      }
    }
  }

  /**
   * One agent's results over the seeds.
   *
   * @param name the agent
   * @param slate whether it acts on the slate task
   * @param evalReturn mean held-out reward of its greedy policy, over seeds
   * @param evalPerSeed the per-seed evaluation means
   * @param evalVsRandom paired difference to random's evaluation, over seeds
   * @param evalVsStatic paired difference to static's evaluation, over seeds
   * @param shareOfReference its evaluation over the per-segment reference's (ratio of the means over seeds)
   * @param evalGmv mean held-out GMV, over seeds
   * @param evalCm2 mean held-out CM2, over seeds
   * @param trainReturn mean training return per episode, over seeds
   * @param final50 mean return of the last 50 training episodes (mean over seeds)
   * @param gmv training GMV (mean over seeds)
   * @param cm2 training CM2 (mean over seeds)
   * @param exposurePl training private-label exposure (mean over seeds)
   * @param cm2Violations training CM2-floor violation rate (mean over seeds)
   * @param diversity training diversity@5 (mean over seeds)
   * @param wallSeconds its pipelines' wall time, summed over seeds
   * @param curves each seed's training returns
   */
  public record AgentResult(String name, boolean slate, Summary evalReturn, double[] evalPerSeed, Summary evalVsRandom,
      Summary evalVsStatic, double shareOfReference, Summary evalGmv, Summary evalCm2, Summary trainReturn,
      double final50, double gmv, double cm2, double exposurePl, double cm2Violations, double diversity,
      double wallSeconds, List<double[]> curves) {}

  /**
   * The study's result.
   *
   * @param agents per agent, best evaluation first
   * @param fixedReference the best fixed vector's evaluation, over seeds
   * @param perSegmentReference the best per-segment vectors' evaluation, over seeds
   * @param seeds the seeds
   * @param evalUsers held-out users per seed
   */
  public record Result(List<AgentResult> agents, Summary fixedReference, Summary perSegmentReference,
      List<Long> seeds, int evalUsers) {}

  /** Runs the study on worlds of {@code sim} (its seed replaced per seed), one seed's training after the other. */
  public static Result run(SimSettings sim, Settings s, Trainer trainer) {
    return run(sim, s, (world, seed, agents) -> CompletableFuture.completedFuture(trainer.train(world, seed, agents)),
        1);
  }

  /**
   * Runs the study on worlds of {@code sim} (its seed replaced per seed), with up to {@code seedsInFlight}
   * seeds at once: seed {@code i} starts once seed {@code i - seedsInFlight} has finished training and
   * evaluation (its world is drawn then), so at most that many worlds are held. Each seed's evaluation starts when its training is done and
   * runs beside the training still under way, one seed's evaluation at a time. Results are collected
   * by seed index, so they do not depend on which seed finishes first. The first failure of any seed's
   * training or evaluation ends the study with that failure (the trainer stops the rest).
   */
  public static Result run(SimSettings sim, Settings s, SeedTrainer trainer, int seedsInFlight) {
    if (seedsInFlight < 1) {
      throw new IllegalArgumentException("seeds in flight must be at least 1, got " + seedsInFlight);
    }
    int nSeeds = s.seeds().size();
    Map<String, List<Trained>> trained = new LinkedHashMap<>();
    Map<String, double[]> eval = new LinkedHashMap<>();
    Map<String, double[]> evalGmv = new LinkedHashMap<>();
    Map<String, double[]> evalCm2 = new LinkedHashMap<>();
    for (String a : s.agents()) {
      trained.put(a, new ArrayList<>());
      eval.put(a, new double[nSeeds]);
      evalGmv.put(a, new double[nSeeds]);
      evalCm2.put(a, new double[nSeeds]);
    }
    double[] fixed = new double[nSeeds];
    double[] perSeg = new double[nSeeds];
    // A seed's evaluation (the reference search and the held-out users) is pure Java and independent of
    // the other seeds' training, which waits mostly on the shared learner: it runs beside it.
    ExecutorService evaluator = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "rlsearch-battle-evaluation");
      t.setDaemon(true);
      return t;
    });
    // Fails with the first failure of any seed, so that a wait on one seed ends when another fails.
    CompletableFuture<Void> failure = new CompletableFuture<>();
    try {
      List<CompletableFuture<List<Trained>>> training = new ArrayList<>();
      List<CompletableFuture<SeedEvaluation>> pending = new ArrayList<>();
      for (int si = 0; si < nSeeds; si++) {
        if (si >= seedsInFlight) {
          // its evaluation too, so that worlds waiting for the evaluator stay within the bound
          await(pending.get(si - seedsInFlight), failure);
        }
        long seed = s.seeds().get(si);
        long ws = s.worldSeed().orElse(seed);
        World world = World.generate(sim.withSeed(ws), new NumpyRandom(ws));
        CompletableFuture<List<Trained>> t = trainer.start(world, seed, s.agents());
        training.add(t);
        CompletableFuture<SeedEvaluation> e = t.thenApplyAsync(ts -> evaluate(world, seed, ts, s), evaluator);
        pending.add(e);
        e.whenComplete((v, x) -> {
          if (x != null) {
            failure.completeExceptionally(x);
          }
        });
      }
      for (int si = 0; si < nSeeds; si++) {
        for (Trained t : await(training.get(si), failure)) {
          trained.get(t.name()).add(t);
        }
        SeedEvaluation e = await(pending.get(si), failure);
        for (int p = 0; p < e.names().size(); p++) {
          String n = e.names().get(p);
          eval.get(n)[si] = e.result().mean(p);
          evalGmv.get(n)[si] = Arrays.stream(e.result().gmv()[p]).average().orElse(Double.NaN);
          evalCm2.get(n)[si] = Arrays.stream(e.result().cm2()[p]).average().orElse(Double.NaN);
        }
        fixed[si] = e.result().mean(e.names().size());
        perSeg[si] = e.result().mean(e.names().size() + 1);
      }
    } finally {
      evaluator.shutdownNow();
    }
    double perSegMean = Arrays.stream(perSeg).average().orElse(Double.NaN);
    List<AgentResult> out = new ArrayList<>();
    for (String a : s.agents()) {
      List<Trained> ts = trained.get(a);
      double[] e = eval.get(a);
      double[] vsR = new double[nSeeds];
      double[] vsS = new double[nSeeds];
      double[] train = new double[nSeeds];
      double final50 = 0;
      double gmv = 0;
      double cm2 = 0;
      double exp = 0;
      double viol = 0;
      double div = 0;
      double wall = 0;
      List<double[]> curves = new ArrayList<>();
      for (int si = 0; si < nSeeds; si++) {
        vsR[si] = e[si] - eval.get("random")[si];
        vsS[si] = e[si] - eval.get("static")[si];
        Trained t = ts.get(si);
        double[] ret = t.returns();
        train[si] = Arrays.stream(ret).average().orElse(Double.NaN);
        int from = Math.max(0, ret.length - 50);
        final50 += Arrays.stream(ret, from, ret.length).average().orElse(Double.NaN) / nSeeds;
        gmv += t.gmv() / nSeeds;
        cm2 += t.cm2() / nSeeds;
        exp += t.exposurePl() / nSeeds;
        viol += t.cm2Violations() / nSeeds;
        div += t.diversity() / nSeeds;
        wall += t.wallSeconds();
        curves.add(ret.clone());
      }
      Summary ev = Summary.of(e);
      out.add(new AgentResult(a, ts.get(0).slate(), ev, e.clone(), Summary.of(vsR), Summary.of(vsS),
          ev.mean() / perSegMean, Summary.of(evalGmv.get(a)), Summary.of(evalCm2.get(a)), Summary.of(train), final50,
          gmv, cm2, exp, viol, div, wall, curves));
    }
    out.sort(Comparator.comparingDouble((AgentResult x) -> x.evalReturn().mean()).reversed());
    return new Result(out, Summary.of(fixed), Summary.of(perSeg), s.seeds(), s.evalUsers());
  }

  /**
   * The value of {@code f}, or the first failure of the study ({@code failure}) if that comes first:
   * failures are rethrown as they were raised (a checked one wrapped), an interrupt kept.
   */
  private static <T> T await(CompletableFuture<T> f, CompletableFuture<?> failure) {
    Parallel.await(CompletableFuture.anyOf(f, failure));
    return Parallel.await(f);
  }

  /** One seed's held-out results: the agents' (in {@code names} order), then the two references. */
  private record SeedEvaluation(List<String> names, BattleEvaluation.Result result) {}

  private static SeedEvaluation evaluate(World world, long seed, List<Trained> ts, Settings s) {
    Task.BoostWeights weights = Task.BoostWeights.battleTemplates();
    BoostReference.Settings rs = s.reference();
    BoostReference.Found found = BoostReference.search(world, weights, seed * 64 + 60,
        new BoostReference.Settings(rs.users(), rs.population(), rs.iterations(), rs.elite(), seed * 64 + 59),
        s.threads());
    List<BattleEvaluation.Entry> entries = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Trained t : ts) {
      names.add(t.name());
      entries.add(new BattleEvaluation.Entry(t.name(), t.policy().greedy(), t.slate()));
    }
    entries.add(new BattleEvaluation.Entry("reference_fixed", BoostReference.fixed("reference_fixed", found.fixed()),
        false));
    entries.add(new BattleEvaluation.Entry("reference_per_segment", BoostReference.perSegment("reference_per_segment",
        found.perSegment()), false));
    return new SeedEvaluation(names, BattleEvaluation.run(world, weights, Task.Slate.reference(), entries,
        seed * 64 + 61, s.evalUsers(), s.threads()));
  }

  /**
   * Kendall's tau-b between two orders of the same names (1: the same order, -1: reversed): how well
   * one run's ranking of the agents holds in another.
   */
  public static double kendallTau(List<String> a, List<String> b) {
    java.util.Set<String> names = new java.util.HashSet<>(a);
    if (a.size() != b.size() || names.size() != a.size() || !names.equals(new java.util.HashSet<>(b))) {
      throw new IllegalArgumentException("Kendall's tau compares two orders of the same names; got " + a + " and " + b);
    }
    int n = a.size();
    int concordant = 0;
    int discordant = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        // a ranks a[i] above a[j]; does b?
        int bi = b.indexOf(a.get(i));
        int bj = b.indexOf(a.get(j));
        if (bi < bj) {
          concordant++;
        } else {
          discordant++;
        }
      }
    }
    int pairs = n * (n - 1) / 2;
    return pairs == 0 ? 1.0 : (double) (concordant - discordant) / pairs;
  }
}
