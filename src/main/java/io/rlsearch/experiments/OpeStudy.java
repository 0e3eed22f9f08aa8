package io.rlsearch.experiments;

import io.rlsearch.agents.bandit.ArmPolicy;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.LinearFqe;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.eval.ope.ModelFit;
import io.rlsearch.eval.ope.OffPolicyEstimators;
import io.rlsearch.eval.ope.TargetPolicy;
import io.rlsearch.eval.ope.Trajectory;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An off-policy evaluation study over the 8 templates: log episodes under a behaviour policy, estimate
 * a target policy's value from the log with every estimator, and measure the truth by running the
 * target on fresh episodes.
 *
 * <p>Streams (children of {@code SeedSequence(seed)}): 1 LinUCB training, 2 static sweep, 3 logging
 * episodes, 4 the behaviour policy's choices, 5 truth episodes, 6 the target's choices. The world is
 * drawn from {@code default_rng(seed)}. Every decision's propensity is the behaviour policy's exact
 * probability of the template it played.
 */
public final class OpeStudy {
  /**
   * Settings.
   *
   * @param behavior behaviour policy
   * @param target target policy
   * @param episodes logged episodes
   * @param truthEpisodes on-policy episodes of the target for the truth
   * @param seed root seed
   * @param features context features of the policies and of the FQE model
   * @param clip weight cap of the clipped IPS estimator
   * @param bootstrap bootstrap resamples for the intervals (0: each estimator's own variance)
   * @param crossFit folds of the FQE model's cross-fitting (1: one model fitted on the whole log)
   */
  public record Settings(PolicySpec behavior, PolicySpec target, int episodes, int truthEpisodes, long seed,
      TemplateBandits.FeatureMode features, double clip, int bootstrap, int crossFit) {
    public Settings {
      if (episodes < 2 || truthEpisodes < 2) {
        throw new IllegalArgumentException("episodes must be >= 2, got " + episodes + " logged, " + truthEpisodes + " truth");
      }
      if (seed < 0) {
        throw new IllegalArgumentException("seed must be >= 0, got " + seed);
      }
      if (!(clip > 0)) {
        throw new IllegalArgumentException("clip must be > 0, got " + clip);
      }
      if (bootstrap != 0 && bootstrap < 10) {
        throw new IllegalArgumentException("bootstrap must be 0 or >= 10, got " + bootstrap);
      }
      if (crossFit < 1 || crossFit > episodes) {
        throw new IllegalArgumentException("cross-fit folds must be in 1..episodes, got " + crossFit);
      }
    }
  }

  /**
   * The study's result.
   *
   * @param behaviorValue mean reward of the logged episodes (the behaviour policy's own value)
   * @param truth the target's on-policy value
   * @param estimators every estimator's estimate of the target's value, by name
   * @param logged decisions logged
   * @param evaluated decisions the estimators read (after the round trip through the log file, if any)
   * @param logFile where the log was written, if anywhere
   */
  public record Result(Settings settings, String behaviorName, String targetName, Summary behaviorValue, Summary truth,
      Map<String, Estimate> estimators, long logged, long evaluated, Optional<Path> logFile) {}

  private static final double FQE_LAMBDA = 1.0;

  private final World world;
  private final Settings settings;
  private final float[][] boosts;
  private final SeedSequence root;
  private final Map<String, LinUcb> trainedLinUcb = new HashMap<>();
  private final Map<Integer, double[]> staticMeans = new HashMap<>();

  /** A study on the world of {@code base} drawn with {@code settings.seed}. */
  public OpeStudy(SimSettings base, Settings settings) {
    SimSettings s = base.withSeed(settings.seed());
    this.world = World.generate(s, new NumpyRandom(settings.seed()));
    this.settings = settings;
    this.boosts = Templates.all(world.catalog(), s.action().aMax(), s.templates().popularAmplitude());
    this.root = SeedSequence.of(settings.seed());
  }

  private TemplateEpisode newEpisode() {
    return new TemplateEpisode(world, boosts, settings.features(), TemplateBandits.Estimator.CH06);
  }

  /** Runs the study; with {@code logFile}, the log is written there and the estimators read it back. */
  public Result run(Optional<Path> logFile) {
    ArmPolicy behavior = build(settings.behavior());
    ArmPolicy target = build(settings.target());
    List<LoggedDecision> log = new ArrayList<>(settings.episodes());
    Summary behaviorValue = logEpisodes(behavior, log);
    List<LoggedDecision> evaluated = log;
    if (logFile.isPresent()) {
      long written = DecisionLog.write(logFile.get(), log);
      evaluated = DecisionLog.read(logFile.get());
      if (written != log.size() || evaluated.size() != log.size()) {
        throw new IllegalStateException("decision log round trip lost decisions: logged " + log.size() + ", wrote "
            + written + ", read " + evaluated.size());
      }
    }
    List<Trajectory> data = Trajectory.group(evaluated);
    TargetPolicy e = TargetPolicy.discrete(target.arms(), target::probabilities);
    OffPolicyEstimators est = new OffPolicyEstimators(data, e, 1.0);
    ModelFit fqe = settings.crossFit() > 1
        ? ModelFit.crossFitted(data, settings.crossFit(), d -> LinearFqe.fit(d, e, 1.0, FQE_LAMBDA, 1), "linear FQE")
        : ModelFit.single(LinearFqe.fit(data, e, 1.0, FQE_LAMBDA, 1), data.size(), "linear FQE");
    Map<String, Estimate> estimates = settings.bootstrap() > 0
        ? est.bootstrap(settings.clip(), fqe, settings.bootstrap(), new NumpyRandom(root.child(7)))
        : est.all(settings.clip(), fqe);
    Summary truth = onPolicy(target);
    return new Result(settings, behavior.name(), target.name(), behaviorValue, truth, estimates, log.size(),
        evaluated.size(), logFile);
  }

  private Summary logEpisodes(ArmPolicy behavior, List<LoggedDecision> out) {
    NumpyRandom env = new NumpyRandom(root.child(3));
    NumpyRandom choices = new NumpyRandom(root.child(4));
    TemplateEpisode ep = newEpisode();
    double[] rewards = new double[settings.episodes()];
    for (int i = 0; i < settings.episodes(); i++) {
      ep.draw(env);
      double[] x = ep.context();
      double[] p = behavior.probabilities(x);
      int a = behavior.sample(x, choices);
      TemplateEpisode.Played played = ep.play(a, env);
      rewards[i] = played.reward();
      out.add(new LoggedDecision(behavior.name(), 1, i, 0, x, a, null, p[a], p, played.reward(), true,
          new LoggedDecision.Outcome(played.parts().gmv(), played.parts().cm2(), played.parts().strat(),
              played.parts().clicks(), played.orders())));
    }
    return Summary.of(rewards);
  }

  private Summary onPolicy(ArmPolicy target) {
    NumpyRandom env = new NumpyRandom(root.child(5));
    NumpyRandom choices = new NumpyRandom(root.child(6));
    TemplateEpisode ep = newEpisode();
    double[] rewards = new double[settings.truthEpisodes()];
    for (int i = 0; i < rewards.length; i++) {
      ep.draw(env);
      int a = target.sample(ep.context(), choices);
      rewards[i] = ep.play(a, env).reward();
    }
    return Summary.of(rewards);
  }

  /** Builds the policy of a specification (training or sweeping as it asks). */
  ArmPolicy build(PolicySpec spec) {
    int arms = boosts.length;
    String name = spec.toString();
    return switch (spec.kind()) {
      case "uniform" -> ArmPolicy.uniform(arms);
      case "template" -> ArmPolicy.fixed(name, arms, spec.params().containsKey("id") ? spec.intParam("id", 0)
          : templateId(spec.param("name", "")));
      case "best-static" -> ArmPolicy.fixed(name, arms, argmax(staticMeans(spec.intParam("episodes", 2000))));
      case "linucb" -> ArmPolicy.greedy(name, arms, scorer(spec));
      case "epsilon-greedy" -> ArmPolicy.epsilonGreedy(name, arms, scorer(spec), spec.doubleParam("eps", 0.3));
      case "softmax" -> ArmPolicy.softmax(name, arms, scorer(spec), spec.doubleParam("tau", 1.0));
      case "learned" -> learned(name, java.nio.file.Path.of(spec.param("file", "")));
      default -> throw new IllegalArgumentException("unknown policy kind " + spec.kind());
    };
  }

  /**
   * The greedy template of a policy file of {@code learn}: it must rank the 8 templates and read this
   * task's context (as many values as {@link TemplateEpisode#contextDim()}).
   */
  private ArmPolicy learned(String name, java.nio.file.Path file) {
    io.rlsearch.eval.opl.LinearPolicy p = io.rlsearch.eval.opl.LinearPolicy.read(file);
    int dim = newEpisode().contextDim();
    if (p.actions() != boosts.length || p.featureNames().size() != dim) {
      throw new IllegalArgumentException("policy file " + file + " ranks " + p.actions() + " actions over "
          + p.featureNames().size() + " context values; the template task with " + settings.features().cliName()
          + " features has " + boosts.length + " templates and " + dim + " context values");
    }
    return ArmPolicy.greedy(name, boosts.length, x -> p.scores(x, 0));
  }

  /**
   * The on-policy value of {@code spec} on {@link Settings#truthEpisodes()} fresh episodes: the truth
   * {@link #run} reports for a target, on the same streams.
   */
  public Summary truth(PolicySpec spec) {
    return onPolicy(build(spec));
  }

  /**
   * The context of the first logged episode, as {@link #run} draws it: a log written with this
   * study's seed, features and world starts with it.
   */
  public double[] firstLoggedContext() {
    TemplateEpisode ep = newEpisode();
    ep.draw(new NumpyRandom(root.child(3)));
    return ep.context();
  }

  private static int templateId(String name) {
    int id = Templates.NAMES.indexOf(name);
    if (id < 0) {
      throw new IllegalArgumentException("template name '" + name + "' is not one of " + Templates.NAMES);
    }
    return id;
  }

  private ArmPolicy.Scorer scorer(PolicySpec spec) {
    int episodes = spec.intParam("episodes", 2000);
    if (spec.param("base", "linucb").equals("best-static")) {
      double[] means = staticMeans(episodes);
      return x -> means.clone();
    }
    LinUcb lin = linUcb(episodes, spec.doubleParam("alpha", 1.0));
    return lin::meanScores;
  }

  private static int argmax(double[] v) {
    return ArmPolicy.argmax(v);
  }

  /** Mean reward per template over a static sweep (cached by length). */
  private double[] staticMeans(int episodes) {
    return staticMeans.computeIfAbsent(episodes, n -> {
      NumpyRandom rng = new NumpyRandom(root.child(2));
      TemplateEpisode ep = newEpisode();
      double[] sums = new double[boosts.length];
      for (int i = 0; i < n; i++) {
        ep.draw(rng);
        for (int t = 0; t < boosts.length; t++) {
          sums[t] += ep.play(t, rng).reward();
        }
      }
      for (int t = 0; t < sums.length; t++) {
        sums[t] /= n;
      }
      return sums;
    });
  }

  /** A LinUCB trained for {@code episodes} on its own stream, then used frozen (cached). */
  private LinUcb linUcb(int episodes, double alpha) {
    return trainedLinUcb.computeIfAbsent(episodes + "/" + alpha, k -> {
      NumpyRandom rng = new NumpyRandom(root.child(1));
      TemplateEpisode ep = newEpisode();
      LinUcb lin = new LinUcb(boosts.length, ep.contextDim(), new LinUcb.Settings(1.0, alpha, true));
      for (int i = 0; i < episodes; i++) {
        ep.draw(rng);
        double[] x = ep.context();
        int a = lin.select(x);
        lin.update(a, x, ep.play(a, rng).reward());
      }
      return lin;
    });
  }
}
