package io.rlsearch.learn;

import io.rlsearch.agents.continuous.DeterministicPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline learners beside CQL, trained in the shared learner from the same logged-decision files, in
 * the bandit form (one logged session per decision, the critics regress on its reward; the worlds
 * these logs come from are single-session):
 * <ul>
 *   <li><b>IQL</b> (Kostrikov et al., 2022): twin critics on the reward; a value network fitted to
 *       the tau-expectile of {@code min(q1, q2)} over the logged actions (an in-sample maximum, no
 *       action outside the data is ever queried); a deterministic actor extracted by
 *       advantage-weighted regression on the logged actions, weights {@code min(exp(beta (q - v) / sd_r),
 *       100)}.</li>
 *   <li><b>TD3+BC</b> (Fujimoto and Gu, 2021): twin critics on the reward; a deterministic actor
 *       maximising {@code lambda q1(x, pi(x)) - |pi(x) - a|^2} with {@code lambda = alpha / mean |q|},
 *       the behaviour-cloning term keeping it near the data; the critic's action gradient is taken in
 *       pure Java on the exported critic and handed to the actor as its output gradient.</li>
 * </ul>
 */
public final class OfflineAgents {
  private OfflineAgents() {}

  /**
   * Settings of both learners.
   *
   * @param hidden hidden sizes of every network
   * @param lr Adam's learning rate
   * @param steps optimiser steps per network
   * @param batch minibatch size (drawn with replacement)
   * @param expectile IQL's tau
   * @param beta IQL's inverse temperature
   * @param alpha TD3+BC's alpha
   * @param aMax the action box
   * @param seed initialisation and minibatch seed
   */
  public record Settings(int[] hidden, double lr, int steps, int batch, double expectile, double beta, double alpha,
      double aMax, long seed) {
    public Settings {
      hidden = hidden.clone();
      if (!(lr > 0) || steps < 1 || batch < 1 || !(expectile > 0 && expectile < 1) || !(beta >= 0) || !(alpha >= 0)
          || !(aMax > 0)) {
        throw new IllegalArgumentException("offline learners need lr > 0, steps and batch >= 1, expectile in (0, 1),"
            + " beta >= 0, alpha >= 0, a_max > 0");
      }
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /** The defaults: (128, 128) networks, lr 3e-4, 2,000 steps of 128; tau 0.7, beta 3; alpha 2.5. */
    public static Settings defaults(double aMax) {
      return new Settings(new int[] {128, 128}, 3e-4, 2000, 128, 0.7, 3.0, 2.5, aMax, 42);
    }
  }

  /** A trained policy and its last losses. */
  public record Trained(DeterministicPolicySnapshot policy, int transitions, double criticLoss, double actorLoss) {}

  /** The continuous decisions of a log as training arrays. */
  private record Data(int n, int dim, int ad, float[] xa, float[] x, float[] a, float[] r) {
    static Data of(List<LoggedDecision> log, double aMax, String who) {
      List<LoggedDecision> data = new ArrayList<>();
      for (LoggedDecision d : log) {
        if (d.arm() < 0) {
          data.add(d);
        }
      }
      if (data.isEmpty()) {
        throw new IllegalArgumentException(who + " trains on continuous decisions; the log has none (of " + log.size()
            + ")");
      }
      int n = data.size();
      int dim = data.get(0).context().length;
      int ad = data.get(0).action().length;
      float[] xa = new float[n * (dim + ad)];
      float[] x = new float[n * dim];
      float[] a = new float[n * ad];
      float[] r = new float[n];
      for (int i = 0; i < n; i++) {
        LoggedDecision d = data.get(i);
        if (d.context().length != dim || d.action().length != ad) {
          throw new IllegalArgumentException("logged decisions differ in context or action size");
        }
        for (int j = 0; j < dim; j++) {
          x[i * dim + j] = (float) d.context()[j];
          xa[i * (dim + ad) + j] = x[i * dim + j];
        }
        for (int j = 0; j < ad; j++) {
          a[i * ad + j] = (float) Math.max(-aMax, Math.min(aMax, d.action()[j]));
          xa[i * (dim + ad) + dim + j] = a[i * ad + j];
        }
        r[i] = (float) d.reward();
      }
      return new Data(n, dim, ad, xa, x, a, r);
    }
  }

  private static float[] rows(float[] src, int width, int[] idx) {
    float[] out = new float[idx.length * width];
    for (int b = 0; b < idx.length; b++) {
      System.arraycopy(src, idx[b] * width, out, b * width, width);
    }
    return out;
  }

  private static int[] draw(NumpyRandom rng, int n, int m) {
    int[] idx = new int[m];
    for (int b = 0; b < m; b++) {
      idx[b] = (int) rng.integers(0, n);
    }
    return idx;
  }

  /** Twin critics regressed on the reward; returns their last mean loss. */
  private static double fitCritics(RegressionModel q1, RegressionModel q2, Data d, Settings s, NumpyRandom rng) {
    double last = Double.NaN;
    int in = d.dim() + d.ad();
    for (int step = 0; step < s.steps(); step++) {
      int[] idx = draw(rng, d.n(), s.batch());
      float[] xb = rows(d.xa(), in, idx);
      float[] yb = rows(d.r(), 1, idx);
      last = (q1.weightedStep(xb, yb, ones(idx.length), idx.length)
          + q2.weightedStep(xb, yb, ones(idx.length), idx.length)) / 2;
    }
    return last;
  }

  /** The sample standard deviation of {@code r} (1 when it is 0 or undefined). */
  static double rewardSd(float[] r) {
    return rewardMeanSd(r)[1];
  }

  /** The mean and sample standard deviation of {@code r} (the latter 1 when it is 0 or undefined). */
  static double[] rewardMeanSd(float[] r) {
    int n = r.length;
    double m = 0;
    for (float v : r) {
      m += v;
    }
    m /= Math.max(n, 1);
    double ss = 0;
    for (float v : r) {
      ss += (v - m) * (v - m);
    }
    double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 1.0;
    return new double[] {m, sd > 1e-12 ? sd : 1.0};
  }

  private static float[] ones(int m) {
    float[] w = new float[m];
    java.util.Arrays.fill(w, 1f);
    return w;
  }

  private static Mlp init(int[] sizes, long seed) {
    return MlpInit.create(sizes, Mlp.Activation.RELU, new NumpyRandom(seed));
  }

  /** Trains IQL on the continuous decisions of {@code log}. */
  public static Trained iql(SharedLearner learner, Settings s, List<LoggedDecision> log) {
    Data d = Data.of(log, s.aMax(), "IQL");
    int in = d.dim() + d.ad();
    try (RegressionModel q1 = learner.regression("iql-q1", init(NeuralAgents.sizes(in, s.hidden(), 1), s.seed()),
        s.lr(), 0);
        RegressionModel q2 = learner.regression("iql-q2", init(NeuralAgents.sizes(in, s.hidden(), 1), s.seed() + 1),
            s.lr(), 0);
        RegressionModel v = learner.regression("iql-v", init(NeuralAgents.sizes(d.dim(), s.hidden(), 1), s.seed() + 2),
            s.lr(), 0);
        RegressionModel actor = learner.regression("iql-actor", init(NeuralAgents.sizes(d.dim(), s.hidden(), d.ad()),
            s.seed() + 3), s.lr(), 0)) {
      NumpyRandom rng = new NumpyRandom(s.seed() + 4);
      double critic = fitCritics(q1, q2, d, s, rng);
      // The in-sample value: min(q1, q2) at the logged actions, then its tau-expectile given x.
      float[] p1 = q1.predict(d.xa(), d.n());
      float[] p2 = q2.predict(d.xa(), d.n());
      float[] q = new float[d.n()];
      for (int i = 0; i < d.n(); i++) {
        q[i] = Math.min(p1[i], p2[i]);
      }
      for (int step = 0; step < s.steps(); step++) {
        int[] idx = draw(rng, d.n(), s.batch());
        v.expectileStep(rows(d.x(), d.dim(), idx), rows(q, 1, idx), idx.length, s.expectile());
      }
      float[] vs = v.predict(d.x(), d.n());
      float[] w = new float[d.n()];
      // Advantages in units of the logged rewards' standard deviation: beta 3 on raw rewards of sd 10-30
      // put nearly every weight at the cap (filtered behaviour cloning).
      double sd = rewardSd(d.r());
      for (int i = 0; i < d.n(); i++) {
        w[i] = (float) Math.min(Math.exp(s.beta() * (q[i] - vs[i]) / sd), 100.0);
      }
      double actorLoss = Double.NaN;
      for (int step = 0; step < s.steps(); step++) {
        int[] idx = draw(rng, d.n(), s.batch());
        actorLoss = actor.weightedStep(rows(d.x(), d.dim(), idx), rows(d.a(), d.ad(), idx), rows(w, 1, idx),
            idx.length);
      }
      return new Trained(new DeterministicPolicySnapshot("iql", 0, actor.export(), s.aMax()), d.n(), critic,
          actorLoss);
    }
  }

  /**
   * One sample's TD3+BC actor objective, {@code -lambda q(x, clip(pi)) + |pi - a|^2 / ad} (the paper's
   * mean squared error over the action's dimensions, so alpha keeps its meaning at any dimension), and its
   * gradient in pi written to {@code g} (the clip passes no gradient outside the box).
   *
   * @param qGrad the critic's input gradient at (x, clip(pi)); the action's part starts at {@code actionAt}
   * @param off where this sample's action starts in {@code pi}, {@code a} and {@code g}
   */
  static double actorTerm(double lambda, double qValue, float[] qGrad, int actionAt, float[] pi, float[] a, int off,
      int ad, double aMax, float[] g) {
    double loss = -lambda * qValue;
    for (int j = 0; j < ad; j++) {
      float p = pi[off + j];
      boolean inside = Math.abs(p) < aMax;
      double diff = p - a[off + j];
      loss += diff * diff / ad;
      g[off + j] = (float) ((inside ? -lambda * qGrad[actionAt + j] : 0) + 2 * diff / ad);
    }
    return loss;
  }

  /** Trains TD3+BC on the continuous decisions of {@code log}. */
  public static Trained td3bc(SharedLearner learner, Settings s, List<LoggedDecision> log) {
    Data d = Data.of(log, s.aMax(), "TD3+BC");
    int in = d.dim() + d.ad();
    try (RegressionModel q1 = learner.regression("td3bc-q1", init(NeuralAgents.sizes(in, s.hidden(), 1), s.seed()),
        s.lr(), 0);
        RegressionModel q2 = learner.regression("td3bc-q2", init(NeuralAgents.sizes(in, s.hidden(), 1), s.seed() + 1),
            s.lr(), 0);
        RegressionModel actor = learner.regression("td3bc-actor", init(NeuralAgents.sizes(d.dim(), s.hidden(),
            d.ad()), s.seed() + 3), s.lr(), 0)) {
      NumpyRandom rng = new NumpyRandom(s.seed() + 4);
      double critic = fitCritics(q1, q2, d, s, rng);
      Mlp q = q1.export();
      float[] logged = q1.predict(d.xa(), d.n());
      double meanAbs = 0;
      for (float v : logged) {
        meanAbs += Math.abs(v);
      }
      double lambda = s.alpha() / Math.max(meanAbs / d.n(), 1e-6);
      double actorLoss = Double.NaN;
      for (int step = 0; step < s.steps(); step++) {
        int[] idx = draw(rng, d.n(), s.batch());
        int m = idx.length;
        float[] xb = rows(d.x(), d.dim(), idx);
        float[] ab = rows(d.a(), d.ad(), idx);
        float[] pi = actor.predict(xb, m);
        float[] g = new float[m * d.ad()];
        double loss = 0;
        float[] row = new float[in];
        for (int b = 0; b < m; b++) {
          System.arraycopy(xb, b * d.dim(), row, 0, d.dim());
          for (int j = 0; j < d.ad(); j++) {
            row[d.dim() + j] = (float) Math.max(-s.aMax(), Math.min(s.aMax(), pi[b * d.ad() + j]));
          }
          float[] grad = q.inputGradient(row);
          loss += actorTerm(lambda, q.forward1(row), grad, d.dim(), pi, ab, b * d.ad(), d.ad(), s.aMax(), g);
        }
        actor.outputGradientStep(xb, g, m);
        actorLoss = loss / m;
      }
      return new Trained(new DeterministicPolicySnapshot("td3_bc", 0, actor.export(), s.aMax()), d.n(), critic,
          actorLoss);
    }
  }

  /** A trained policy as a frozen agent (learns nothing online; its state is the actor's weights). */
  public static io.rlsearch.agents.spi.AgentBuilder frozen(DeterministicPolicySnapshot policy) {
    String name = policy.agent();
    return new io.rlsearch.agents.spi.AgentBuilder() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public io.rlsearch.agents.spi.UpdateRule create(int arms, int dim) {
        return rule(policy);
      }

      @Override
      public io.rlsearch.agents.spi.UpdateRule restore(io.rlsearch.agents.spi.PolicySnapshot snapshot) {
        return rule((DeterministicPolicySnapshot) snapshot);
      }

      @Override
      public io.rlsearch.agents.spi.UpdateRule restoreState(io.rlsearch.agents.spi.AgentState state) {
        NeuralAgents.checkAgent(state, name);
        Mlp actor = Mlp.fromState(state, "actor", policy.actor());
        return rule(new DeterministicPolicySnapshot(name, 0, actor, state.array("a_max", 1)[0]));
      }
    };
  }

  private static io.rlsearch.agents.spi.UpdateRule rule(DeterministicPolicySnapshot p) {
    return new io.rlsearch.agents.spi.UpdateRule() {
      @Override
      public void observe(double[] context, io.rlsearch.agents.spi.Decision decision, double reward) {
        // Offline: nothing is learned while the policy is evaluated.
      }

      @Override
      public io.rlsearch.agents.spi.PolicySnapshot snapshot(long version) {
        return p.withVersion(version);
      }

      @Override
      public boolean learns() {
        return false;
      }

      @Override
      public java.util.Optional<io.rlsearch.agents.spi.AgentState> state() {
        java.util.Map<String, double[]> a = new java.util.HashMap<>();
        p.actor().putState("actor", a);
        a.put("a_max", new double[] {p.aMax()});
        return java.util.Optional.of(new io.rlsearch.agents.spi.AgentState(p.agent(), a, java.util.Map.of()));
      }
    };
  }
}
