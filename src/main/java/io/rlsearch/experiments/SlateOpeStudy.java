package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.LinearFqe;
import io.rlsearch.eval.slate.LoggedSlate;
import io.rlsearch.eval.slate.PlackettLuce;
import io.rlsearch.eval.slate.SlateEstimators;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Off-policy evaluation of a ranking policy on the slate task (Chapter 12-13): rankings of the slate
 * env's candidates are logged under a Plackett-Luce behaviour policy with their exact per-position
 * conditional probabilities and Rao-Blackwellised Monte-Carlo marginals, every slate estimator
 * ({@link SlateEstimators}) estimates a Plackett-Luce target's value from the log, and the target runs
 * on fresh users for the truth. The reward model of the direct and doubly robust estimators is a
 * ridge regression per position on {@code [1, the item's features, the context head]}, cross-fitted
 * over two halves of the log. Pure and seeded.
 */
public final class SlateOpeStudy {
  private SlateOpeStudy() {}

  /**
   * A Plackett-Luce ranking policy whose log-weights are the candidates' z-scored features dotted with
   * {@code weights}, over {@code temperature}.
   *
   * @param weights one weight per item feature
   * @param temperature > 0
   */
  public record Policy(double[] weights, double temperature) {
    public Policy {
      weights = weights.clone();
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
      }
    }

    @Override
    public double[] weights() {
      return weights.clone();
    }

    double[] logits(double[] context, int head, int candidates, int dim) {
      double[] s = new double[candidates];
      for (int c = 0; c < candidates; c++) {
        double v = 0;
        for (int j = 0; j < dim; j++) {
          v += weights[j] * context[head + c * dim + j];
        }
        s[c] = v / temperature;
      }
      return s;
    }
  }

  /**
   * Settings.
   *
   * @param behavior the logging policy
   * @param target the policy evaluated
   * @param episodes logged rankings
   * @param truthEpisodes on-policy sessions of the target
   * @param seed root seed of every stream
   * @param marginalSamples prefixes drawn per ranking and policy for the marginals
   * @param ridge the reward model's ridge penalty
   */
  public record Settings(Policy behavior, Policy target, int episodes, int truthEpisodes, long seed,
      int marginalSamples, double ridge) {
    public Settings {
      if (episodes < 4 || truthEpisodes < 2 || marginalSamples < 1 || !(ridge > 0)) {
        throw new IllegalArgumentException("slate OPE needs >= 4 logged and >= 2 truth episodes, >= 1 marginal"
            + " sample and a ridge penalty > 0");
      }
    }
  }

  /**
   * The study's result.
   *
   * @param truth the target's on-policy value
   * @param behaviorValue the logging policy's value (the log's mean reward)
   * @param estimators every estimator, by name
   * @param positions covered positions per ranking
   * @param candidates candidates per ranking
   */
  public record Result(Summary truth, Summary behaviorValue, Map<String, Estimate> estimators, int positions,
      int candidates) {}

  /** One logged ranking before the reward model: context, logged order, rewards, propensities. */
  private record Raw(double[] context, int[] shown, double[] rewards, double[] muCond, double[] piCond,
      double[] muMarg, double[] piMarg, double[] piLogits, int[] targetDraw) {}

  /** Runs the study on {@code world} (its slate task: {@link Task.Slate#reference()}). */
  public static Result run(World world, Settings s) {
    Task.Slate task = Task.Slate.reference();
    SlateEpisode episode = new SlateEpisode(world, task);
    RunStreams streams = new RunStreams(s.seed());
    int head = episode.headWidth();
    int dim = task.itemDim();
    int k = episode.impressions();
    int nCand = -1;
    List<Raw> raws = new ArrayList<>(s.episodes());
    double[] logged = new double[s.episodes()];
    for (int e = 0; e < s.episodes(); e++) {
      Population.Arrival a = Population.firstSession(world, streams, e);
      NumpyRandom session = streams.session(a.user(), a.session());
      episode.prepare(a.profile(), a.query(), session);
      double[] x = episode.context();
      nCand = episode.candidateCount();
      double[] muLogits = s.behavior().logits(x, head, nCand, dim);
      double[] piLogits = s.target().logits(x, head, nCand, dim);
      NumpyRandom policy = streams.policy(e);
      int[] ranking = PlackettLuce.sample(muLogits, nCand, policy);
      episode.play(Decision.continuous(scoresOf(ranking, task.candidates()), 1.0), session);
      double[] rewards = episode.lastPositionRewards();
      int shown = Math.min(k, rewards.length);
      int[] top = Arrays.copyOf(ranking, shown);
      rewards = Arrays.copyOf(rewards, shown);
      logged[e] = sum(rewards);
      raws.add(new Raw(x, top, rewards, PlackettLuce.conditionals(muLogits, top),
          PlackettLuce.conditionals(piLogits, top), PlackettLuce.marginals(muLogits, top, s.marginalSamples(), policy),
          PlackettLuce.marginals(piLogits, top, s.marginalSamples(), policy), piLogits,
          PlackettLuce.sample(piLogits, shown, policy)));
    }
    // The reward model, cross-fitted: each half is scored by the model fitted on the other half.
    int half = raws.size() / 2;
    double[][][] models = {fit(raws.subList(half, raws.size()), head, dim, k, s.ridge()),
        fit(raws.subList(0, half), head, dim, k, s.ridge())};
    List<LoggedSlate> log = new ArrayList<>(raws.size());
    for (int i = 0; i < raws.size(); i++) {
      log.add(withModel(raws.get(i), models[i < half ? 0 : 1], head, dim));
    }
    double[] truth = new double[s.truthEpisodes()];
    for (int t = 0; t < s.truthEpisodes(); t++) {
      long id = s.episodes() + t;
      Population.Arrival a = Population.firstSession(world, streams, id);
      NumpyRandom session = streams.session(a.user(), a.session());
      episode.prepare(a.profile(), a.query(), session);
      double[] x = episode.context();
      int n = episode.candidateCount();
      int[] ranking = PlackettLuce.sample(s.target().logits(x, head, n, dim), n, streams.policy(id));
      episode.play(Decision.continuous(scoresOf(ranking, task.candidates()), 1.0), session);
      double[] r = episode.lastPositionRewards();
      truth[t] = sum(Arrays.copyOf(r, Math.min(k, r.length)));
    }
    return new Result(Summary.of(truth), Summary.of(logged), SlateEstimators.all(log), k, nCand);
  }

  /** Scores that make the slate env show {@code ranking} in order (highest first; the rest after). */
  static double[] scoresOf(int[] ranking, int width) {
    double[] scores = new double[width];
    Arrays.fill(scores, -1e9);
    for (int p = 0; p < ranking.length; p++) {
      scores[ranking[p]] = ranking.length - p;
    }
    return scores;
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  /** The reward model's features for candidate {@code c}: 1, its features, the context head. */
  private static double[] features(double[] x, int c, int head, int dim) {
    double[] f = new double[1 + dim + head];
    f[0] = 1;
    System.arraycopy(x, head + c * dim, f, 1, dim);
    System.arraycopy(x, 0, f, 1 + dim, head);
    return f;
  }

  /** A ridge regression per position of the position's reward on the logged item's features. */
  private static double[][] fit(List<Raw> data, int head, int dim, int k, double ridge) {
    int p = 1 + dim + head;
    double[][] out = new double[k][];
    for (int pos = 0; pos < k; pos++) {
      double[] g = new double[p * p];
      double[] b = new double[p];
      for (Raw r : data) {
        if (pos >= r.shown().length) {
          continue;
        }
        double[] f = features(r.context(), r.shown()[pos], head, dim);
        for (int i = 0; i < p; i++) {
          b[i] += f[i] * r.rewards()[pos];
          for (int j = 0; j < p; j++) {
            g[i * p + j] += f[i] * f[j];
          }
        }
      }
      for (int i = 0; i < p; i++) {
        g[i * p + i] += ridge;
      }
      out[pos] = LinearFqe.choleskySolve(g, b, p);
    }
    return out;
  }

  private static double predict(double[] theta, double[] f) {
    double v = 0;
    for (int i = 0; i < f.length; i++) {
      v += theta[i] * f[i];
    }
    return v;
  }

  private static LoggedSlate withModel(Raw r, double[][] model, int head, int dim) {
    int k = r.shown().length;
    int n = r.piLogits().length;
    double[][] q = new double[k][n];
    for (int c = 0; c < n; c++) {
      double[] f = features(r.context(), c, head, dim);
      for (int pos = 0; pos < k; pos++) {
        q[pos][c] = predict(model[pos], f);
      }
    }
    double[] qLogged = new double[k];
    double[] qTarget = new double[k];
    boolean[] placed = new boolean[n];
    for (int pos = 0; pos < k; pos++) {
      qLogged[pos] = q[pos][r.shown()[pos]];
      double[] next = PlackettLuce.nextProbabilities(r.piLogits(), placed);
      double e = 0;
      for (int c = 0; c < n; c++) {
        e += next[c] * q[pos][c];
      }
      qTarget[pos] = e;
      placed[r.shown()[pos]] = true;
    }
    double dm = 0;
    for (int pos = 0; pos < Math.min(k, r.targetDraw().length); pos++) {
      dm += q[pos][r.targetDraw()[pos]];
    }
    return new LoggedSlate(r.rewards(), r.muCond(), r.piCond(), r.muMarg(), r.piMarg(), qLogged, qTarget, dm);
  }
}
