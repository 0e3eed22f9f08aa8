package io.rlsearch.api;

import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.CqlAgent;
import io.rlsearch.learn.LearnerDevice;
import io.rlsearch.learn.NeuralDirectMethod;
import io.rlsearch.learn.OfflineAgents;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Offline RL from one dataset as a call ({@code ./rlsearch offline}): CQL over a sweep of alphas, IQL
 * and TD3+BC trained on four fifths of a logged dataset (a file, or a mixture of behaviour policies
 * logged through the runtime); each policy's online value on the same evaluation users beside its
 * direct-method estimate on the held-out fifth. Refusals name the command's options.
 */
public final class OfflineStudy {
  private final Path log;
  private final int episodes;
  private final int evalEpisodes;
  private final List<Double> alphas;
  private final int steps;
  private final long seed;
  private final LearnerDevice device;

  /**
   * A study.
   *
   * @param log a logged-decision file, or null to log {@code episodes} decisions of the mixture
   * @param episodes decisions to log when there is no file
   * @param evalEpisodes evaluation users of every policy
   * @param alphas CQL's conservative weights
   * @param steps training steps of every learner
   * @param seed the world's and the streams' seed
   * @param device the shared learner's device
   */
  public OfflineStudy(Path log, int episodes, int evalEpisodes, List<Double> alphas, int steps, long seed,
      LearnerDevice device) {
    if (steps < 1 || steps > 1_000_000) {
      throw new BadRequestException("--steps must be in 1..1000000, got " + steps);
    }
    if (evalEpisodes < 2 || evalEpisodes > 10_000_000) {
      throw new BadRequestException("--eval-episodes must be in 2..10000000, got " + evalEpisodes);
    }
    if (log == null && (episodes < 20 || episodes > 10_000_000)) {
      throw new BadRequestException("--episodes must be in 20..10000000, got " + episodes);
    }
    for (double a : alphas) {
      if (!(a >= 0) || Double.isInfinite(a)) {
        throw new BadRequestException("--alphas: " + a + " is not a weight >= 0");
      }
    }
    this.log = log;
    this.episodes = episodes;
    this.evalEpisodes = evalEpisodes;
    this.alphas = List.copyOf(alphas);
    this.steps = steps;
    this.seed = seed;
    this.device = device;
  }

  /**
   * Runs the study on the world of {@code sim} and returns what {@code offline --json} prints:
   * {@code dataset}, {@code seed}, {@code steps}, {@code eval_episodes}, {@code behavior_online},
   * {@code methods}, {@code wall_s}.
   */
  public Map<String, Object> run(SimSettings sim, LongSupplier clock) throws java.io.IOException {
    long start = clock.getAsLong();
    World world = World.generate(sim.withSeed(seed), new NumpyRandom(seed));
    Task.BoostWeights task = Task.BoostWeights.battle();
    List<LoggedDecision> all;
    if (log != null) {
      try {
        all = DecisionLog.readWithoutSlates(log);
      } catch (DecisionLog.FormatException | UncheckedIOException e) {
        throw new BadRequestException("--log: " + e.getMessage());
      }
    } else {
      Path tmp = Files.createTempFile("rlsearch-offline-", ".jsonl");
      try {
        OfflineData.log(world, OfflineData.mixture(OfflineData.POLICIES, 0.5), seed * 64 + 61, episodes, tmp);
        all = DecisionLog.read(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    List<LoggedDecision> train = new ArrayList<>();
    List<LoggedDecision> held = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 5 == 4 ? held : train).add(all.get(i));
    }
    if (train.stream().noneMatch(d -> d.arm() < 0) || held.stream().filter(d -> d.arm() < 0).count() < 4) {
      throw new BadRequestException("--log: offline learners need continuous decisions, at least 5 for training and"
          + " 4 held out; the log has " + all.stream().filter(d -> d.arm() < 0).count() + " of " + all.size());
    }
    RunStreams evalStreams = new RunStreams(seed * 64 + 60);
    SessionRunner runner = new SessionRunner(world, task, evalStreams);
    List<Map<String, Object>> methods = new ArrayList<>();
    Map<String, Object> behaviour;
    try (SharedLearner learner = new SharedLearner(device)) {
      behaviour = online(runner, world, evalStreams, OfflineData.mixture(OfflineData.POLICIES, 0.5).create(0, 0)
          .snapshot(0));
      for (double a : alphas) {
        long t0 = clock.getAsLong();
        CqlAgent.Trained t;
        try {
          t = CqlAgent.train(learner, CqlAgent.Settings.battle(task.aMax()).withSteps(steps).withAlpha(a), train);
        } catch (IllegalArgumentException e) {
          throw new BadRequestException("cql: " + e.getMessage());
        }
        methods.add(method("cql", a, t.policy(), (clock.getAsLong() - t0) / 1e9, learner, held, runner, world,
            evalStreams));
      }
      OfflineAgents.Settings os = new OfflineAgents.Settings(new int[] {128, 128}, 3e-4, steps, 128, 0.7, 3.0, 2.5,
          task.aMax(), 42);
      long t0 = clock.getAsLong();
      OfflineAgents.Trained iql = OfflineAgents.iql(learner, os, train);
      methods.add(method("iql", Double.NaN, iql.policy(), (clock.getAsLong() - t0) / 1e9, learner, held, runner, world,
          evalStreams));
      t0 = clock.getAsLong();
      OfflineAgents.Trained td3 = OfflineAgents.td3bc(learner, os, train);
      methods.add(method("td3_bc", Double.NaN, td3.policy(), (clock.getAsLong() - t0) / 1e9, learner, held, runner,
          world, evalStreams));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("log", log == null ? null : log.toString());
    data.put("policies", log == null ? OfflineData.POLICIES : null);
    data.put("decisions", all.size());
    data.put("train", train.size());
    data.put("held_out", held.size());
    data.put("behavior_value", all.stream().mapToDouble(LoggedDecision::reward).average().orElse(Double.NaN));
    out.put("dataset", data);
    out.put("seed", seed);
    out.put("steps", steps);
    out.put("eval_episodes", evalEpisodes);
    out.put("behavior_online", behaviour);
    out.put("methods", methods);
    out.put("wall_s", (clock.getAsLong() - start) / 1e9);
    return out;
  }

  private Map<String, Object> method(String name, double alpha, PolicySnapshot policy, double trainSeconds,
      SharedLearner learner, List<LoggedDecision> held, SessionRunner runner, World world, RunStreams streams) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", Double.isNaN(alpha) ? name : name + "_alpha_" + alpha);
    if (!Double.isNaN(alpha)) {
      m.put("alpha", alpha);
    }
    Map<String, Object> on = online(runner, world, streams, policy);
    m.put("online", on);
    Estimate e = NeuralDirectMethod.estimate(learner, NeuralDirectMethod.Settings.defaults(), held, policy);
    Map<String, Object> ope = new LinkedHashMap<>();
    ope.put("estimator", e.estimator());
    ope.put("estimate", e.value());
    ope.put("ci_low", e.ciLow());
    ope.put("ci_high", e.ciHigh());
    ope.put("decisions", e.n());
    m.put("ope", ope);
    double value = (double) on.get("value");
    m.put("ope_error", e.value() - value);
    m.put("ope_within_online_ci", (double) on.get("ci_low") <= e.value() && e.value() <= (double) on.get("ci_high"));
    m.put("train_s", trainSeconds);
    return m;
  }

  /** The policy's mean reward on the evaluation users (the same users and session draws for every policy). */
  private Map<String, Object> online(SessionRunner runner, World world, RunStreams streams, PolicySnapshot policy) {
    double[] r = new double[evalEpisodes];
    double gmv = 0;
    for (int i = 0; i < evalEpisodes; i++) {
      double[] x = runner.prepare(Population.firstSession(world, streams, i));
      var t = runner.finish(policy.act(x, streams.policy(i)), policy.agent(), 0);
      r[i] = t.reward();
      gmv += t.breakdown().gmv();
    }
    Summary s = Summary.of(r);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", s.mean());
    m.put("ci_low", s.ciLow());
    m.put("ci_high", s.ciHigh());
    m.put("gmv", gmv / evalEpisodes);
    return m;
  }
}
