package io.rlsearch.learn;

import io.rlsearch.agents.continuous.CqlSnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conservative Q-learning (offline), trained from a logged-decision file in the shared learner.
 *
 * <ul>
 *   <li><b>Bandit form</b> ({@code gamma = 0}): the critics regress on the logged reward.
 *   <li><b>Bootstrapped form</b> ({@code gamma > 0}, for the multi-session world): the target is
 *       {@code r + gamma * max_a' min(q1', q2')(x', a')} over sampled actions at the user's next
 *       session {@code x'} (the logged decision with the same episode and the next step), 0 after a
 *       user's last logged session; {@code q1', q2'} are target copies refreshed every
 *       {@code targetEvery} steps.
 * </ul>
 * Both add the conservative penalty {@code alpha * (logsumexp over sampled actions - logged value)} per
 * critic, on rewards in units of their standard deviation over the log (centred in the bandit form), so
 * alpha weighs the penalty the same at any reward scale; the critics' values are in those units. Sampled actions are uniform in the box, drawn from a seeded stream (the reference draws
 * them from torch's global generator).
 */
public final class CqlAgent {
  private CqlAgent() {}

  /**
   * CQL settings.
   *
   * @param hidden hidden sizes of each critic
   * @param lr Adam's learning rate
   * @param alpha the conservative penalty's weight
   * @param sampledActions uniform actions per context in the penalty (and the bootstrap's max)
   * @param candidates uniform actions the policy picks from
   * @param gamma discount across a user's sessions (0: the bandit form)
   * @param targetEvery steps between target-critic refreshes (bootstrapped form)
   * @param steps training steps
   * @param batch minibatch size (drawn with replacement)
   * @param aMax the action box
   * @param seed initialisation, minibatch and sampled-action seed
   */
  public record Settings(int[] hidden, double lr, double alpha, int sampledActions, int candidates, double gamma,
      int targetEvery, int steps, int batch, double aMax, long seed) {
    public Settings {
      hidden = hidden.clone();
      if (!(lr > 0) || !(alpha >= 0) || sampledActions < 1 || candidates < 1 || !(gamma >= 0 && gamma < 1)
          || targetEvery < 1 || steps < 1 || batch < 1 || !(aMax > 0)) {
        throw new IllegalArgumentException("CQL needs lr > 0, alpha >= 0, gamma in [0, 1), a_max > 0 and counts >= 1");
      }
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /**
     * The Battle Royale's CQL: critics (64, 64) like the battle's other networks (the reference's
     * (256, 256) cost 16 times the arithmetic per step and per candidate, more than the battle's time
     * budget allows), lr 3e-4, alpha 1.0 on rewards in units of their standard deviation (on raw rewards of
     * sd 10-30 the penalty was lost next to the regression loss), 20 sampled actions in the logsumexp,
     * 100 candidates, bandit form, 1,000 steps of minibatches of 64.
     */
    public static Settings battle(double aMax) {
      return new Settings(new int[] {64, 64}, 3e-4, 1.0, 20, 100, 0.0, 100, 1000, 64, aMax, 42);
    }

    /** The same settings with {@code n} training steps. */
    public Settings withSteps(int n) {
      return new Settings(hidden, lr, alpha, sampledActions, candidates, gamma, targetEvery, n, batch, aMax, seed);
    }

    /** The same settings with discount {@code g} (0: the bandit form). */
    public Settings withGamma(double g) {
      return new Settings(hidden, lr, alpha, sampledActions, candidates, g, targetEvery, steps, batch, aMax, seed);
    }

    /** The same settings with another alpha. */
    public Settings withAlpha(double a) {
      return new Settings(hidden, lr, a, sampledActions, candidates, gamma, targetEvery, steps, batch, aMax, seed);
    }
  }

  /** What training did: the last minibatch's Bellman error and conservative penalty (mean over both critics). */
  public record Trained(CqlSnapshot policy, int transitions, double bellman, double penalty) {}

  /** Trains on the continuous decisions of {@code log}; refuses a log without any. */
  public static Trained train(SharedLearner learner, Settings s, List<LoggedDecision> log) {
    List<LoggedDecision> data = new ArrayList<>();
    for (LoggedDecision d : log) {
      if (d.arm() < 0) {
        data.add(d);
      }
    }
    if (data.isEmpty()) {
      throw new IllegalArgumentException("CQL trains on continuous decisions; the log has none (of " + log.size() + ")");
    }
    int n = data.size();
    int dim = data.get(0).context().length;
    int ad = data.get(0).action().length;
    for (LoggedDecision d : data) {
      if (d.context().length != dim || d.action().length != ad) {
        throw new IllegalArgumentException("logged decisions differ in context or action size (" + dim + "/" + ad
            + " vs " + d.context().length + "/" + d.action().length + ")");
      }
    }
    int in = dim + ad;
    float[] x = new float[n * in];
    float[] r = new float[n];
    int[] next = new int[n];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(data.get(i).episode() + "/" + data.get(i).step(), i);
    }
    for (int i = 0; i < n; i++) {
      LoggedDecision d = data.get(i);
      double[] c = d.context();
      double[] a = d.action();
      for (int j = 0; j < dim; j++) {
        x[i * in + j] = (float) c[j];
      }
      for (int j = 0; j < ad; j++) {
        x[i * in + dim + j] = (float) Math.max(-s.aMax(), Math.min(s.aMax(), a[j]));
      }
      r[i] = (float) d.reward();
      Integer nx = d.done() ? null : index.get(d.episode() + "/" + (d.step() + 1));
      next[i] = nx == null ? -1 : nx;
    }
    // Rewards in units of their standard deviation (and, in the bandit form, centred): alpha then weighs
    // the conservative penalty against a regression loss of order 1 whatever the reward's scale. The
    // policy's argmax is unchanged by the affine map, and the snapshot maps values back to reward units.
    double[] stats = OfflineAgents.rewardMeanSd(r);
    double rSd = stats[1];
    double shift = s.gamma() > 0 ? 0.0 : stats[0];
    for (int i = 0; i < n; i++) {
      r[i] = (float) ((r[i] - shift) / rSd);
    }
    int[] sizes = new int[s.hidden().length + 2];
    sizes[0] = in;
    System.arraycopy(s.hidden(), 0, sizes, 1, s.hidden().length);
    sizes[sizes.length - 1] = 1;
    RegressionModel q1 = learner.regression("cql-q1", MlpInit.create(sizes, Mlp.Activation.RELU,
        new NumpyRandom(s.seed())), s.lr(), 0);
    RegressionModel q2 = learner.regression("cql-q2", MlpInit.create(sizes, Mlp.Activation.RELU,
        new NumpyRandom(s.seed() + 1)), s.lr(), 0);
    try {
      NumpyRandom rng = new NumpyRandom(s.seed() + 2);
      int m = s.batch();
      int k = s.sampledActions();
      CqlSnapshot target = new CqlSnapshot("cql", 0, q1.export(), q2.export(), ad, s.aMax(), k);
      double[] last = new double[2];
      for (int step = 0; step < s.steps(); step++) {
        if (s.gamma() > 0 && step > 0 && step % s.targetEvery() == 0) {
          target = new CqlSnapshot("cql", 0, q1.export(), q2.export(), ad, s.aMax(), k);
        }
        float[] xb = new float[m * in];
        float[] yb = new float[m];
        float[] xr = new float[m * k * in];
        for (int b = 0; b < m; b++) {
          int i = (int) rng.integers(0, n);
          System.arraycopy(x, i * in, xb, b * in, in);
          double y = r[i];
          if (s.gamma() > 0 && next[i] >= 0) {
            double[] xn = new double[dim];
            for (int j = 0; j < dim; j++) {
              xn[j] = x[next[i] * in + j];
            }
            // The bootstrap's max over sampled actions, drawn from the training stream.
            y += s.gamma() * bestValue(target, xn, ad, k, s.aMax(), rng);
          }
          yb[b] = (float) y;
          for (int j = 0; j < k; j++) {
            int row = (b * k + j) * in;
            System.arraycopy(x, i * in, xr, row, dim);
            for (int t = 0; t < ad; t++) {
              xr[row + dim + t] = (float) rng.uniform(-s.aMax(), s.aMax());
            }
          }
        }
        double[] l1 = q1.conservativeStep(xb, yb, m, xr, k, s.alpha());
        double[] l2 = q2.conservativeStep(xb, yb, m, xr, k, s.alpha());
        last[0] = (l1[0] + l2[0]) / 2;
        last[1] = (l1[1] + l2[1]) / 2;
      }
      CqlSnapshot policy = new CqlSnapshot("cql", 0, q1.export(), q2.export(), ad, s.aMax(), s.candidates(), shift,
          rSd);
      return new Trained(policy, n, last[0], last[1]);
    } finally {
      q1.close();
      q2.close();
    }
  }

  private static double bestValue(CqlSnapshot target, double[] x, int ad, int k, double aMax, NumpyRandom rng) {
    double best = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      double[] a = new double[ad];
      for (int d = 0; d < ad; d++) {
        a[d] = rng.uniform(-aMax, aMax);
      }
      best = Math.max(best, target.value(x, a));
    }
    return best;
  }

  /**
   * The trained policy as a frozen agent ("cql": no updates while it is evaluated, as the reference).
   * Its state (for checkpoints) is the two critics and the action box; restoring it needs no retraining.
   */
  public static AgentBuilder frozen(CqlSnapshot policy) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return "cql";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return rule(policy);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return rule((CqlSnapshot) snapshot);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        NeuralAgents.checkAgent(state, "cql");
        Mlp q1 = Mlp.fromState(state, "q1", policy.q1());
        Mlp q2 = Mlp.fromState(state, "q2", policy.q2());
        double[] map = state.has("reward_map") ? state.array("reward_map", 2) : new double[] {0, 1};
        return rule(new CqlSnapshot("cql", 0, q1, q2, Math.toIntExact(state.counter("action_dim")),
            state.array("a_max", 1)[0], Math.toIntExact(state.counter("candidates")), map[0], map[1]));
      }
    };
  }

  private static UpdateRule rule(CqlSnapshot p) {
    return new UpdateRule() {
      @Override
      public void observe(double[] context, io.rlsearch.agents.spi.Decision decision, double reward) {
        // Offline: nothing is learned while the policy is evaluated.
      }

      @Override
      public PolicySnapshot snapshot(long version) {
        return p.withVersion(version);
      }

      @Override
      public boolean learns() {
        return false;
      }

      @Override
      public java.util.Optional<AgentState> state() {
        Map<String, double[]> a = new HashMap<>();
        p.q1().putState("q1", a);
        p.q2().putState("q2", a);
        a.put("a_max", new double[] {p.aMax()});
        a.put("reward_map", new double[] {p.shift(), p.scale()});
        return java.util.Optional.of(new AgentState("cql", a, Map.of("action_dim", (long) p.actionDim(),
            "candidates", (long) p.candidates())));
      }
    };
  }
}
